"""Seconds per 5-s shot and peak memory of the uniavgen renderer, against the bare model loop.

The renderer makes a shot of one line (the keyframe encoded, the prompt encoded, one model call of
21 latent frames and 506 mel frames, the VAE decode, the vocoder, the voice kept, the mp4 written).
Its peer, in the same process on the same parts, is the bare work: `sampling.sample` on the same
conditions and noise, then the VAE decode and the vocoder (what any caller of the model must run),
and the sampling loop alone. The acceptance figure is `ratio_to_bare` (renderer / loop + decode):
at most 1.05.

    python benchmarks/uniavgen_shot.py                      # tiny checkpoints through the real loaders, CPU
    python benchmarks/uniavgen_shot.py --size real --steps 10 --json out.json    # on a CUDA GPU

`--size real` builds the published configuration (UniAVGenConfig(): 30 blocks, video 3072 wide,
audio 1536 wide), the Wan 2.2 VAE at its released size and BigVGAN at Qwen2.5-Omni's, random bf16
weights drawn on the GPU (nothing goes through the disk); the umt5-xxl encoder keeps its 4096-wide
output but one narrow layer, so prompt encoding (a few ms a shot on a GPU) is left out. A 5-s shot
at 1280x704 (a 16:9 film at the published 720p budget). `--steps` fewer than the profile's 50 keeps
the GPU run short; `seconds_per_step` gives the 50-step figure (per_shot + (50 - steps) x per step),
whose ratio is closer to 1 than the measured one (the same fixed work over more steps).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the tiny checkpoints are the tests' own
sys.path.insert(0, str(ROOT / "benchmarks"))


def real_parts(root: Path):
    """Every part at its published size, random bf16 weights built on the GPU."""
    import torch
    from diffusers import AutoencoderKLWan
    from gpu_shot import built_in
    from tiny_models import word_tokenizer
    from transformers import (Qwen2_5OmniBigVGANConfig, Qwen2_5OmniToken2WavBigVGANModel, UMT5Config,
                              UMT5EncoderModel)
    from uniavgen_checkpoint import write_vocab

    from auteur.models.uniavgen import vocab
    from auteur.models.uniavgen.config import UniAVGenConfig
    from auteur.models.uniavgen.model import UniAVGen
    from auteur.models.uniavgen.renderer import Parts
    from auteur.models.uniavgen.text_encoder import VideoTextEncoder
    from auteur.models.uniavgen.vae import VideoVAE
    from auteur.models.uniavgen.vocoder import Vocoder

    tokenizer = word_tokenizer(512)
    dtype = torch.bfloat16
    with built_in(dtype, "cuda"):
        model = UniAVGen(UniAVGenConfig()).eval().requires_grad_(False)
        text = UMT5EncoderModel(UMT5Config(vocab_size=len(tokenizer), d_model=4096, d_kv=64, d_ff=64, num_layers=1,
                                           num_heads=1, dropout_rate=0.0))
        vae = AutoencoderKLWan(base_dim=160, decoder_base_dim=256, z_dim=48, in_channels=12, out_channels=12,
                               is_residual=True, patch_size=2, dim_mult=[1, 2, 4, 4], num_res_blocks=2,
                               scale_factor_spatial=16, scale_factor_temporal=4, temperal_downsample=[False, True, True],
                               latents_mean=[0.0] * 48, latents_std=[1.0] * 48)
        vocoder = Qwen2_5OmniToken2WavBigVGANModel(Qwen2_5OmniBigVGANConfig())
    return Parts(model=model, text=VideoTextEncoder(text, tokenizer), vae=VideoVAE(vae, dtype),
                 vocoder=Vocoder(vocoder, dtype), vocab=vocab.read_vocab(write_vocab(root / "vocab.txt")))


def renderer_for(size: str, root: Path, steps: int):
    from auteur.models.renderer import load_renderer
    from auteur.models.uniavgen.renderer import UniAVGenRenderer

    if size == "tiny":
        from uniavgen_checkpoint import write_uniavgen

        model = write_uniavgen(root / "UniAVGen")
        return load_renderer("uniavgen", {"model": str(model), "device": "cpu", "width": 64, "height": 64,
                                          "steps": steps})
    return UniAVGenRenderer.from_parts(real_parts(root), device="cuda", steps=steps)


def bare(renderer, request, call, segment) -> tuple[float, float]:
    """Seconds of the sampling loop alone, and of the loop + VAE decode + vocoder, on the renderer's parts."""
    import numpy as np
    import torch

    from auteur.models.gpu import shot
    from auteur.models.gpu.pipelines import PIPELINES
    from auteur.models.uniavgen import sampling
    from auteur.models.uniavgen.renderer import conditions

    cfg, device = renderer.config, renderer.device
    level = renderer.memory.levels[renderer.memory.start]
    width, height = renderer.frame_size(request.video)
    with PIPELINES.use("uniavgen", device, (cfg, level), renderer._build) as parts:
        keyframe = np.asarray(shot.load_keyframe(request, (width, height)))
        latent = parts.vae.encode_image(keyframe)[0]
        text = parts.text.encode("a keeper at the lamp")
        cond = conditions(parts, call.symbols, text, latent, call, device)
        uncond = conditions(parts, call.uncond_symbols, text, latent, call, device)
        g = torch.Generator("cpu").manual_seed(0)
        noise_video = torch.randn(latent.shape[0], segment.latent_frames, *latent.shape[2:], generator=g).to(device)
        noise_audio = torch.randn(segment.mel_frames, 80, generator=g).to(device)
        settings = sampling.SamplerSettings(steps=cfg.steps, shift=cfg.shift, video_scale=cfg.video_scale,
                                            audio_scale=cfg.audio_scale, macfg_prop=cfg.macfg_prop,
                                            slg_layer=cfg.slg_layer or None)
        sync()
        start = time.perf_counter()
        with torch.inference_mode():
            video, mel = sampling.sample(parts.model, cond, uncond, settings, sampling.Task[call.task], noise_video,
                                         noise_audio)
            sync()
            loop = time.perf_counter() - start
            parts.vae.decode(video.float()[None])
            parts.vocoder.waveform(mel.float(), parts.mel_mean, parts.mel_std)
        sync()
        return loop, time.perf_counter() - start


def sync() -> None:
    import torch

    if torch.cuda.is_available():
        torch.cuda.synchronize()


def run(size: str, shots: int, steps: int) -> dict:
    import dataclasses

    import torch
    from gpu_shots import CLIFF, MARA, TOM, keyframe, shot

    from auteur.core.settings import VideoSettings
    from auteur.models.gpu.pipelines import PIPELINES
    from auteur.models.renderer import RenderRequest

    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        renderer = renderer_for(size, root, steps)
        video = VideoSettings(width=128, height=128, fps=16) if size == "tiny" else VideoSettings(fps=24)
        line = (("<char1>", "The storm is coming, and I will keep the lamp lit."),)
        times, loops, peers = [], [], []
        for i in range(shots + 1):  # the first shot loads the parts (and warms the kernels): reported apart
            request = RenderRequest(shot=shot(f"s{i}", duration=5.0, dialogue=line), keyframe=keyframe(root),
                                    cast=(MARA, TOM), location=CLIFF, video=video, seed=i, workdir=root / "run")
            request = dataclasses.replace(request)
            sync()
            start = time.perf_counter()
            clip = renderer.render(request, root / f"{i}.mp4")
            sync()
            times.append(time.perf_counter() - start)
            if i:
                segments = renderer.segments(request)
                loop, peer = bare(renderer, request, renderer.calls[-1][1], segments[0])
                loops.append(loop)
                peers.append(peer)
        width, height = renderer.frame_size(video)
        segment = renderer.segments(request)[0]
        PIPELINES.clear()
    per_shot, peer, loop = statistics.median(times[1:]), statistics.median(peers), statistics.median(loops)
    return {"backend": "uniavgen", "size": size, "frame": f"{width}x{height}", "steps": steps,
            "latent_frames": segment.latent_frames, "mel_frames": segment.mel_frames,
            "tasks": [c.task for _, c in renderer.calls], "clip_s": round(clip.duration, 3),
            "first_shot_s": round(times[0], 3), "per_shot_s": round(per_shot, 3),
            "bare_loop_s": round(loop, 3), "bare_loop_decode_s": round(peer, 3),
            "ratio_to_bare": round(per_shot / peer, 3), "ratio_to_loop": round(per_shot / loop, 3),
            "seconds_per_step": round(loop / steps, 3),
            "per_shot_50_steps_s": round(per_shot + (50 - steps) * loop / steps, 1),
            "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "peak_cuda_mib": round(torch.cuda.max_memory_allocated() / 2**20) if torch.cuda.is_available() else None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=["tiny", "real"], default="tiny")
    parser.add_argument("--shots", type=int, default=2)
    parser.add_argument("--steps", type=int, help="sampling steps (default: 2 tiny, 10 real)")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    import torch

    if args.size == "real" and not torch.cuda.is_available():
        sys.exit("--size real needs a CUDA GPU (random weights at the real sizes do not fit a CPU run)")
    steps = args.steps or (2 if args.size == "tiny" else 10)
    result = run(args.size, args.shots, steps)
    device = torch.cuda.get_device_name(0) if torch.cuda.is_available() else f"{platform.machine()}, CPU only"
    report = {"machine": device, "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
              "python": platform.python_version(), "torch": torch.__version__,
              "load_average": " ".join(f"{x:.2f}" for x in os.getloadavg()), "results": [result]}
    print(json.dumps(report, indent=2))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
