"""Numerical parity with UniAVGen's reference code (MCG-NJU/Sora2-mini), in fp32, on the same random weights.

The reference imports einops and diffusers' ModelMixin/ConfigMixin. einops must be importable (a
`pip install --target DIR einops` put on PYTHONPATH is enough, never the project's venv); when
diffusers is absent its two base classes are stood in here (nn.Module and a no-op
`register_to_config`: the reference uses nothing else of them). Its package `__init__` files are
skipped (they import the T5, VAE and xfuser modules); `wan/modules/model.py` and `wan/infer.py`
run as they are, with two substitutions made here only: `flash_attention` (CUDA-only, and it
casts to bf16) by SDPA in the inputs' dtype honouring `k_lens`, and the pipeline's
`torch_gc` (torch.cuda calls) by a no-op.

    pip install --target /tmp/uniavgen_refdeps einops==0.8.1 librosa   (then delete from DIR what the venv has)
    PYTHONPATH=/tmp/uniavgen_refdeps python benchmarks/uniavgen_parity.py --reference /path/to/Sora2-mini

Weights: every parameter of a tiny reference model is drawn at random (the zero-initialised
interaction projections and GRN scales too, so every path counts), written in the published
layout (config.json, index, two shards) and loaded by `load_transformer`. Compared (max |diff|,
target <= 1e-4): one forward of both branches, and every face-mask heatmap, for each task's
inputs and switches (zero_con, no_a2v, no_v2a, a skipped layer); then the final latents of a
4-step run of each task with MA-CFG and skip-layer guidance from the same noise; and, when librosa
is importable, our log-mel (`models/uniavgen/mel.py`) against the reference's `utils/mel_dataset.py`.

The weights are drawn by `random_weights` on our model (in our parameter order, so they can be drawn
again without the reference) and copied into the reference's, whose names are the same.

    ... python benchmarks/uniavgen_parity.py --reference /path/to/Sora2-mini --golden tests/data/uniavgen_golden.safetensors

writes what the reference computes for those inputs (every forward and face mask, every 4-step sampling
run, the inputs themselves, and a digest of the weights) to a small safetensors file, so the suite checks
the port against the reference without the reference's source (tests/test_uniavgen_golden.py).
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import hashlib
import importlib
import importlib.util
import sys
import tempfile
import types
from pathlib import Path

import torch
import torch.nn.functional as F

from auteur.models.uniavgen.conditions import Conditions
from auteur.models.uniavgen.config import UniAVGenConfig
from auteur.models.uniavgen.loading import load_transformer, random_weights, save_transformer
from auteur.models.uniavgen.model import UniAVGen
from auteur.models.uniavgen.sampling import SamplerSettings, Task, sample

TARGET = 1e-4


def flash_attention(q, k, v, q_lens=None, k_lens=None, **_):
    """The reference's flash_attention ([B, L, heads, D] in and out): keys past k_lens[b] are not
    attended to; computed by SDPA in the inputs' dtype."""
    mask = None
    if k_lens is not None:
        mask = (torch.arange(k.shape[1])[None, :] < torch.as_tensor(k_lens).reshape(-1, 1))[:, None, None, :]
    out = F.scaled_dot_product_attention(q.transpose(1, 2), k.transpose(1, 2).to(q.dtype), v.transpose(1, 2).to(q.dtype),
                                         attn_mask=mask)
    return out.transpose(1, 2)


def _package(name: str, path: Path) -> None:
    module = types.ModuleType(name)
    module.__path__ = [str(path)]
    sys.modules[name] = module


def _diffusers_stand_in() -> None:
    try:
        import diffusers.configuration_utils  # noqa: F401
        import diffusers.models.modeling_utils  # noqa: F401
        return
    except ImportError:
        pass
    config_utils = types.ModuleType("diffusers.configuration_utils")
    config_utils.ConfigMixin = type("ConfigMixin", (), {})
    config_utils.register_to_config = lambda init: init
    modeling_utils = types.ModuleType("diffusers.models.modeling_utils")
    modeling_utils.ModelMixin = torch.nn.Module
    for name, module in (("diffusers", types.ModuleType("diffusers")), ("diffusers.models", types.ModuleType("diffusers.models")),
                         ("diffusers.configuration_utils", config_utils), ("diffusers.models.modeling_utils", modeling_utils)):
        sys.modules[name] = module


def import_reference(root: Path) -> types.SimpleNamespace:
    """The reference's model and sampler modules, with the stand-ins above."""
    if not (root / "wan" / "modules" / "model.py").is_file():
        raise SystemExit(f"{root}: not a Sora2-mini checkout (no wan/modules/model.py)")
    try:
        import einops  # noqa: F401
    except ImportError:
        raise SystemExit("the reference needs einops: pip install --target DIR einops and put DIR on PYTHONPATH") from None
    _diffusers_stand_in()
    _package("wan", root / "wan")
    _package("wan.modules", root / "wan" / "modules")
    model = importlib.import_module("wan.modules.model")
    model.flash_attention = flash_attention
    infer = importlib.import_module("wan.infer")
    infer.torch_gc = lambda: None
    return types.SimpleNamespace(model=model, infer=infer)


def parity_config(dim: int = 32, layers: int = 2) -> UniAVGenConfig:
    """Tiny widths (head size 16 in both branches); the character embedding at the reference's
    fixed size (2545 x 512, 4 blocks)."""
    return UniAVGenConfig.tiny(dim=dim, audio_dim=dim, ffn_dim=2 * dim, audio_ffn_dim=3 * dim // 2, num_heads=dim // 16,
                               audio_num_heads=dim // 16, num_layers=layers, char_vocab_size=2545, char_dim=512,
                               text_dim=24, text_len=12)


def reference_model(ref, cfg: UniAVGenConfig) -> torch.nn.Module:
    keys = ("model_type", "patch_size", "text_len", "in_dim", "in_audio_dim", "dim", "ffn_dim", "audio_dim", "audio_ffn_dim",
            "freq_dim", "text_dim", "audio_cond_dim", "out_dim", "out_dim_audio", "num_heads", "audio_num_heads",
            "num_layers", "window_size", "qk_norm", "cross_attn_norm", "eps")
    return ref.model.WanModel(**{k: getattr(cfg, k) for k in keys}).eval()


@contextlib.contextmanager
def fed_noise(*tensors: torch.Tensor):
    """torch.randn returns these tensors in turn (the reference's sampler draws its own noise, with
    the 5B model's 48 latent channels and 80 mel channels written into the call: only the other
    sizes are checked)."""
    queue, original = [t.clone() for t in tensors], torch.randn

    def randn(*shape, dtype=None, device=None, **_):
        out = queue.pop(0)
        size = tuple(shape[0]) if len(shape) == 1 and not isinstance(shape[0], int) else tuple(shape)
        channel = 1 if out.dim() == 5 else out.dim() - 1
        if len(size) != out.dim() or any(a != b for i, (a, b) in enumerate(zip(size, out.shape)) if i != channel):
            raise AssertionError(f"the reference drew noise of shape {size}, fed {tuple(out.shape)}")
        return out.to(dtype=dtype or out.dtype)

    torch.randn = randn
    try:
        yield
    finally:
        torch.randn = original


class Diff(float):
    """A max |difference|, carrying the reference's max |value| as `scale`."""

    scale: float = 0.0


def max_diff(a: torch.Tensor, b: torch.Tensor) -> Diff:
    if a.shape != b.shape:
        raise AssertionError(f"shapes differ: {tuple(a.shape)} vs {tuple(b.shape)}")
    if not torch.isfinite(b).all() or float(b.abs().max()) == 0:
        raise AssertionError("the reference's output is not finite or all zero: nothing to compare")
    diff = Diff(float((a.float() - b.float()).abs().max()))
    diff.scale = float(b.abs().max())
    return diff


def task_inputs(task: Task, cfg: UniAVGenConfig, seed: int) -> dict:
    """Latent sizes and conditioning for one task: 3 latent frames of 4x6 (h, w), 30 mel frames."""
    g = torch.Generator().manual_seed(seed)
    c, frames, h, w, t_mel = cfg.in_dim, 3, 4, 6, 30
    rnd = lambda *s: torch.randn(*s, generator=g)  # noqa: E731
    chars = torch.tensor([5, 17, 2, 40, 2544, 9, 3, -1, -1, -1, -1, -1])
    neg_chars = torch.tensor([1, -1, -1, -1, -1, -1, -1, -1, -1, -1])
    ref_image = rnd(c, 1, h, w)
    cond_video = rnd(c, frames, h, w) if task == Task.V2A else ref_image
    ref_mel = rnd(7, cfg.in_audio_dim) if task == Task.RAVG else None
    cond_mel = rnd(t_mel - 10, cfg.in_audio_dim) if task == Task.A2V else None
    common = dict(ref_image=ref_image, cond_video=cond_video, ref_mel=ref_mel, cond_mel=cond_mel)
    return dict(
        cond=Conditions(video_text=rnd(5, cfg.text_dim), chars=chars, char_len=8, **common),
        uncond=Conditions(video_text=rnd(3, cfg.text_dim), chars=neg_chars, char_len=10, **common),
        noise_video=rnd(c, frames, h, w), noise_audio=rnd(t_mel, cfg.in_audio_dim))


def reference_context(cond: Conditions) -> dict:
    """Conditions as the reference's forward takes them (context_list, seq_len, video_cond, audio_cond)."""
    return dict(
        context_list=[cond.chars[None], [None] if cond.ref_mel is None else cond.ref_mel[None],
                      [None] if cond.cond_mel is None else [cond.cond_mel], cond.ref_image[None],
                      cond.video_frames[None], cond.video_text[None]],
        seq_len=torch.tensor([cond.char_len if cond.char_len is not None else cond.chars.shape[0]]),
        video_cond=cond.video_frames.shape[1], audio_cond=0 if cond.cond_mel is None else cond.cond_mel.shape[0])


FORWARD_T = 937.0
SWITCHES = (("plain", {}), ("zero_con", {"zero_con": True}), ("no_a2v", {"no_a2v": True}),
            ("no_v2a", {"no_v2a": True}), ("skip_layer_1", {"skip_layer": 1}))


def reference_forward(ref_model, inputs: dict, switches: dict) -> tuple[torch.Tensor, torch.Tensor, list[torch.Tensor]]:
    """The reference's video and audio velocities ([1, C, F-1, h, w], [1, T, mel]) and face masks at t = 937."""
    cond, t = inputs["cond"], torch.tensor([FORWARD_T])
    video, audio = inputs["noise_video"][None], inputs["noise_audio"][None]
    ref_switches = {"slg": switches["skip_layer"]} if "skip_layer" in switches else {}
    ref_switches.update({k: v for k, v in switches.items() if k != "skip_layer"})
    with torch.no_grad():
        rv, ra = ref_model(video, [audio[0]], t=t, **reference_context(cond), **ref_switches)
    masks = [blk.face_mask_heatmap for blk in ref_model.a2v_blocks if hasattr(blk, "face_mask_heatmap")]
    for blk in ref_model.a2v_blocks:
        blk.__dict__.pop("face_mask_heatmap", None)
    return rv[0][:, 1:][None], ra[0], masks


def compare_forward(ref_model, ours, inputs: dict, switches: dict) -> tuple[float, float, float]:
    """(video, audio, worst face-mask) max |diff| of one forward at t = 937 with `switches`."""
    rv, ra, ref_masks = reference_forward(ref_model, inputs, switches)
    with torch.no_grad():
        pred = ours(inputs["noise_video"][None], inputs["noise_audio"][None], torch.tensor([FORWARD_T]),
                    inputs["cond"], **switches)
    dv = max_diff(pred.video, rv)
    da = max_diff(pred.audio, ra)
    if len(ref_masks) != len(pred.face_masks):
        raise AssertionError(f"{len(ref_masks)} reference face masks, {len(pred.face_masks)} here")
    dm = max((max_diff(m.reshape(-1), r.reshape(-1)) for m, r in zip(pred.face_masks, ref_masks)), default=Diff(0.0))
    return dv, da, dm


def compare_sampling(ref, ref_model, ours, task: Task, inputs: dict, settings: SamplerSettings) -> tuple[float, float]:
    rv, ra = reference_sampling(ref, ref_model, task, inputs, settings)
    video, mel = sample(ours, inputs["cond"], inputs["uncond"], settings, task, inputs["noise_video"],
                        inputs["noise_audio"])
    return max_diff(video, rv), max_diff(mel, ra)


def reference_sampling(ref, ref_model, task: Task, inputs: dict, settings: SamplerSettings
                       ) -> tuple[torch.Tensor, torch.Tensor]:
    """The reference pipeline's final video latent [C, F, h, w] and mel [T, mel] from the given noise."""
    cond, uncond = inputs["cond"], inputs["uncond"]
    nv, na = inputs["noise_video"], inputs["noise_audio"]
    ctx, null = reference_context(cond), reference_context(uncond)
    pipeline = ref.infer.UniAVGenPipeline(ref_model, device="cpu", dtype=torch.float32)
    with fed_noise(nv[None], na[None]):
        rv, ra = pipeline.generate(
            text_embedding_video=cond.video_text[None], negative_text_embedding_video=uncond.video_text[None],
            ref_image_embedding=cond.ref_image[None], cond_video_embedding=cond.video_frames[None],
            text_embedding=cond.chars[None], negative_text_embedding=uncond.chars[None],
            ref_audio_embedding=ctx["context_list"][1], cond_audio_embedding=ctx["context_list"][2],
            num_tokens_audio=na.shape[0], num_tokens_video=nv.shape[1], height=nv.shape[2] * 16, width=nv.shape[3] * 16,
            text_lens=ctx["seq_len"], neg_text_lens=null["seq_len"], shift=settings.shift, sampling_steps=settings.steps,
            video_guide_scale=settings.video_scale, audio_guide_scale=settings.audio_scale, seed=0,
            video_cond=ctx["video_cond"], audio_cond=ctx["audio_cond"], macfg_prop=settings.macfg_prop,
            slg=settings.slg_layer, task=int(task))
    # inference.py writes the conditioning frames (and A2V's conditioning mel) back after sampling
    rv[:, :, : cond.video_frames.shape[1]] = cond.video_frames
    if cond.cond_mel is not None:
        ra[:, : cond.cond_mel.shape[0]] = cond.cond_mel
    return rv[0], ra[0]


def compare_mel(root: Path, seed: int) -> Diff | None:
    """Our log-mel (models/uniavgen/mel.py) against the reference's `utils/mel_dataset.py` (librosa's Slaney
    filters), on a wave with a glide, a chord and noise; None when librosa is not importable."""
    try:
        import librosa  # noqa: F401
    except ImportError:
        return None
    from auteur.models.uniavgen import mel as ours

    spec = importlib.util.spec_from_file_location("reference_mel_dataset", root / "utils" / "mel_dataset.py")
    reference = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(reference)
    rate = ours.SAMPLE_RATE
    t = torch.arange(int(1.3 * rate), dtype=torch.float64) / rate
    glide = torch.sin(2 * torch.pi * (180 * t + 400 * t * t))
    chord = sum(torch.sin(2 * torch.pi * f * t) for f in (220.0, 277.2, 329.6)) / 3
    noise = torch.randn(t.shape, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)
    wave = (0.5 * glide + 0.3 * chord + 0.05 * noise).float()[None]
    theirs = reference.get_mel_spectrogram(wave, sampling_rate=rate, hop_size=rate // 100)
    return max_diff(ours.log_mel(wave), theirs)


def our_weights(cfg: UniAVGenConfig, seed: int) -> UniAVGen:
    """Our model with every parameter drawn at random (the zero-initialised projections too, so every path
    counts), in our parameter order: the suite draws the same weights without the reference."""
    return random_weights(UniAVGen(cfg), seed).eval()


def weights_digest(model: torch.nn.Module) -> str:
    """SHA-256 of every tensor of the state dict, by name: proves a fixture's weights were drawn again exactly."""
    h = hashlib.sha256()
    for name, tensor in sorted(model.state_dict().items()):
        h.update(name.encode())
        h.update(tensor.detach().float().contiguous().numpy().tobytes())
    return h.hexdigest()


def run(reference: Path, seed: int = 0, verbose: bool = True, dim: int = 32, layers: int = 2,
        steps: int = 4) -> dict[str, float]:
    ref = import_reference(reference)
    cfg = parity_config(dim, layers)
    drawn = our_weights(cfg, seed)
    ref_model = reference_model(ref, cfg)
    ref_model.load_state_dict(drawn.state_dict())  # the same names: our layout is the published one
    results: dict[str, float] = {}

    def report(name: str, diff: Diff) -> None:
        results[name] = diff
        if verbose:
            print(f"{name:<60} max |diff| = {diff:.3e}   (max |value| {diff.scale:.2f})")

    with tempfile.TemporaryDirectory() as tmp:
        holder = types.SimpleNamespace(config=cfg, state_dict=ref_model.state_dict)
        save_transformer(holder, tmp, shards=2)
        ours = load_transformer(tmp, dtype="fp32", download=False)
    for task in Task:
        inputs = task_inputs(task, cfg, seed + int(task))
        for label, switches in SWITCHES:
            dv, da, dm = compare_forward(ref_model, ours, inputs, switches)
            name = f"forward {task.name}{'' if label == 'plain' else ' ' + label.replace('_', ' ')}"
            report(f"{name}: video", dv)
            report(f"{name}: audio", da)
            report(f"{name}: face masks", dm)
    settings = sampler_settings(steps)
    for task in Task:
        dv, da = compare_sampling(ref, ref_model, ours, task, task_inputs(task, cfg, seed + 10 + int(task)), settings)
        report(f"{steps}-step {task.name} (MA-CFG 0.5, SLG layer 1): video latent", dv)
        report(f"{steps}-step {task.name} (MA-CFG 0.5, SLG layer 1): mel", da)
    mel_diff = compare_mel(reference, seed)
    if mel_diff is not None:
        report("log-mel of a 1.3-s wave (reference: librosa filters)", mel_diff)
    elif verbose:
        print("log-mel: skipped (the reference's mel needs librosa on PYTHONPATH)")
    worst = max(results.values())
    if verbose:
        print(f"{'all within 1e-4':<52} {'yes' if worst <= TARGET else 'NO'} (worst {worst:.3e})")
    return results


def sampler_settings(steps: int) -> SamplerSettings:
    """MA-CFG over half the steps, skip-layer guidance on block 1, the default guidance scales (3 and 2,
    unequal, so a scale given to the wrong branch shows)."""
    return SamplerSettings(steps=steps, macfg_prop=0.5, slg_layer=1)


def _put_inputs(tensors: dict, prefix: str, inputs: dict) -> None:
    for part in ("cond", "uncond"):
        for field in dataclasses.fields(Conditions):
            value = getattr(inputs[part], field.name)
            if value is not None:
                tensors[f"{prefix}/{part}/{field.name}"] = torch.as_tensor(value).clone()  # cond and uncond share some
    for name in ("noise_video", "noise_audio"):
        tensors[f"{prefix}/{name}"] = inputs[name].contiguous()


def write_golden(reference: Path, dest: Path, seed: int = 0, dim: int = 32, layers: int = 2, steps: int = 4) -> Path:
    """The reference's outputs for the parity inputs, with those inputs, as a safetensors file at `dest`."""
    import json
    import subprocess

    from safetensors.torch import save_file

    ref = import_reference(reference)
    cfg = parity_config(dim, layers)
    drawn = our_weights(cfg, seed)
    ref_model = reference_model(ref, cfg)
    ref_model.load_state_dict(drawn.state_dict())
    tensors: dict[str, torch.Tensor] = {}
    for task in Task:
        inputs = task_inputs(task, cfg, seed + int(task))
        _put_inputs(tensors, f"forward/{task.name}/inputs", inputs)
        for label, switches in SWITCHES:
            video, audio, masks = reference_forward(ref_model, inputs, switches)
            tensors[f"forward/{task.name}/{label}/video"] = video.contiguous()
            tensors[f"forward/{task.name}/{label}/audio"] = audio.contiguous()
            for i, mask in enumerate(masks):
                tensors[f"forward/{task.name}/{label}/mask{i}"] = mask.contiguous()
    settings = sampler_settings(steps)
    for task in Task:
        inputs = task_inputs(task, cfg, seed + 10 + int(task))
        _put_inputs(tensors, f"sample/{task.name}/inputs", inputs)
        video, mel = reference_sampling(ref, ref_model, task, inputs, settings)
        tensors[f"sample/{task.name}/video"], tensors[f"sample/{task.name}/mel"] = video.contiguous(), mel.contiguous()
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=reference, capture_output=True, text=True).stdout.strip()
    meta = {"config": json.dumps(cfg.to_json_dict()), "seed": str(seed), "steps": str(steps),
            "sampler": json.dumps(dataclasses.asdict(settings)), "forward_t": str(FORWARD_T),
            "weights_sha256": weights_digest(drawn), "torch": torch.__version__,
            "reference": f"MCG-NJU/Sora2-mini {commit or '(not a git checkout)'}",
            "made_by": "python benchmarks/uniavgen_parity.py --reference SORA2_MINI --golden " + dest.name}
    dest.parent.mkdir(parents=True, exist_ok=True)
    save_file(tensors, str(dest), metadata=meta)
    return dest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reference", type=Path, required=True, help="a checkout of MCG-NJU/Sora2-mini")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--dim", type=int, default=32, help="width of both branches (a multiple of 16)")
    parser.add_argument("--layers", type=int, default=2)
    parser.add_argument("--steps", type=int, default=4)
    parser.add_argument("--golden", type=Path, help="write the reference's outputs here instead of comparing")
    args = parser.parse_args()
    torch.set_grad_enabled(False)
    if args.golden is not None:
        path = write_golden(args.reference, args.golden, args.seed, args.dim, args.layers, args.steps)
        print(f"wrote {path} ({path.stat().st_size / 1024:.0f} KiB)")
        return
    results = run(args.reference, args.seed, dim=args.dim, layers=args.layers, steps=args.steps)
    sys.exit(0 if max(results.values()) <= TARGET else 1)


if __name__ == "__main__":
    main()
