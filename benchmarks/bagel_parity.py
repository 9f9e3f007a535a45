"""Numerical parity with BAGEL's own implementation, in fp32, on the same random weights.

BAGEL's code needs an environment of its own (its SigLIP and Qwen2 modules are written for
transformers 4.x, its autoencoder imports einops), so run this in a separate venv, never the project's:

    python3 -m venv /tmp/bagelenv                      # no --system-site-packages
    /tmp/bagelenv/bin/pip install torch "transformers==4.49.0" "einops==0.8.1" safetensors numpy pillow \
        diffusers pydantic tokenizers tqdm                 # torch: a CPU wheel is enough (a local .whl works)
    /tmp/bagelenv/bin/pip install --no-deps -e /path/to/auteur
    git clone https://github.com/ByteDance-Seed/Bagel /tmp/Bagel   # or any checkout of it
    /tmp/bagelenv/bin/python benchmarks/bagel_parity.py --bagel /tmp/Bagel

What runs on BAGEL's side is BAGEL's code: `Bagel` with its `Qwen2ForCausalLM` (`Qwen2MoTDecoderLayer`),
its NaViT SigLIP, its FLUX `AutoEncoder`, and its `InterleaveInferencer` building the three guidance
contexts from an interleaved input [ID token text, reference picture, prompt] exactly as BAGEL's
demo does. Two things are substituted, here only: `flash_attn` (CUDA-only) by a real module object
(with a `__spec__`, so importlib and transformers' availability checks treat it as installed)
whose `flash_attn_varlen_func` runs SDPA per packed sequence; and `torch.bfloat16` inside
qwen2_navit and siglip_navit by float32, so the comparison is fp32. Every weight is random, norms included (an
expert-norm swap would show), and the SigLIP patch embedding goes through BAGEL's conv-to-linear
conversion as in its loader.

Compared (max abs difference; target <= 1e-4): prefill logits; a greedy continuation (ids);
ViT features (SigLIP + connector + 2-D positions, non-square picture); the VAE round trip (encode
posterior mean and a posterior draw from the same RNG state, decode); the guided final latent from
the same initial noise with BAGEL's own step count (`num_timesteps`), through the full interleaved
context including ViT tokens.
"""

from __future__ import annotations

import argparse
import importlib.machinery
import sys
import tempfile
import types
from pathlib import Path

import torch
import torch.nn.functional as F
from PIL import Image

from auteur.models.mot.config import LLMConfig, MoTConfig, SpecialTokens
from auteur.models.mot.context import patchify, unpatchify
from auteur.models.mot.fused import fuse
from auteur.models.mot.generate_image import Guidance, build_branches, denoise
from auteur.models.mot.generate_text import generate
from auteur.models.mot.decode_static import StaticDecoder
from auteur.models.mot.loading import _load_vae, auteur_to_bagel
from auteur.models.mot.masks import Segment
from auteur.models.mot.model import MoT
from auteur.models.mot import vae as vae_ops
from auteur.models.mot.pictures import bagel_resize, to_tensor

IDS = {"bos_token_id": 1, "eos_token_id": 2, "start_of_image": 3, "end_of_image": 4}
SPECIAL = SpecialTokens(bos=1, eos=2, start_of_image=3, end_of_image=4)


def flash_attn_varlen_func(q, k, v, cu_seqlens_q, cu_seqlens_k, max_seqlen_q=None, max_seqlen_k=None, causal=False, **_):
    """flash_attn's packed variable-length attention, by SDPA one sequence at a time."""
    outs = []
    for i in range(len(cu_seqlens_q) - 1):
        qs, qe, ks, ke = int(cu_seqlens_q[i]), int(cu_seqlens_q[i + 1]), int(cu_seqlens_k[i]), int(cu_seqlens_k[i + 1])
        qi, ki, vi = q[qs:qe].transpose(0, 1), k[ks:ke].transpose(0, 1), v[ks:ke].transpose(0, 1)
        mask = None
        if causal:  # flash attention aligns the causal mask bottom-right
            lq, lk = qe - qs, ke - ks
            mask = torch.arange(lk)[None, :] <= torch.arange(lq)[:, None] + (lk - lq)
        outs.append(F.scaled_dot_product_attention(qi, ki, vi, attn_mask=mask, enable_gqa=qi.shape[0] != ki.shape[0]).transpose(0, 1))
    return torch.cat(outs, 0)


def register_flash_attn_stand_in() -> types.ModuleType:
    """A `flash_attn` module that looks installed to importlib (it has a spec) and computes by SDPA."""
    module = types.ModuleType("flash_attn")
    module.__spec__ = importlib.machinery.ModuleSpec("flash_attn", loader=None, origin="bagel_parity stand-in")
    module.__version__ = "2.5.8"
    module.flash_attn_varlen_func = flash_attn_varlen_func
    sys.modules["flash_attn"] = module
    return module


def import_bagel(path: Path) -> types.SimpleNamespace:
    import transformers.modeling_utils  # noqa: F401  (imported before the stand-in: transformers keeps its SDPA paths)

    register_flash_attn_stand_in()
    sys.path.insert(0, str(path))
    import modeling.bagel.qwen2_navit as navit
    import modeling.bagel.siglip_navit as siglip_navit
    from inferencer import InterleaveInferencer
    from modeling.autoencoder import AutoEncoder, AutoEncoderParams
    from modeling.bagel import Bagel, BagelConfig, Qwen2Config, Qwen2ForCausalLM, SiglipVisionConfig, SiglipVisionModel
    from modeling.bagel.qwen2_navit import NaiveCache

    fp32 = types.SimpleNamespace(**{n: getattr(torch, n) for n in dir(torch) if not n.startswith("__")})
    fp32.bfloat16 = torch.float32  # BAGEL casts to bf16 inside its generation path; keep fp32 for the comparison
    navit.torch = siglip_navit.torch = fp32
    return types.SimpleNamespace(**locals())


def randomise(model: torch.nn.Module, seed: int, std: float) -> None:
    """Every weight random, norm weights around 1 and biases around 0, so a swapped norm or bias shows."""
    g = torch.Generator().manual_seed(seed)
    for name, p in model.named_parameters():
        if name.endswith("pos_embed"):
            continue
        noise = torch.randn(p.shape, generator=g)
        is_norm = ("norm" in name or "layer_norm" in name) and p.dim() == 1
        p.data.copy_(1.0 + 0.2 * noise if is_norm and name.endswith("weight") else noise * std)


def build(args, B):
    llm = LLMConfig(vocab_size=256, hidden_size=args.hidden, intermediate_size=args.hidden * 2, num_hidden_layers=args.layers,
                    num_attention_heads=4, num_key_value_heads=2, rope_theta=10000.0)
    vit = dict(hidden_size=48, intermediate_size=96, num_hidden_layers=1, num_attention_heads=2, num_channels=3,
               image_size=32, patch_size=4, hidden_act="gelu_pytorch_tanh", layer_norm_eps=1e-6, vision_use_head=False)
    cfg = MoTConfig(llm=llm, vit=vit, max_latent_size=16, vit_max_num_patch_per_side=8)
    torch.manual_seed(0)
    ours = MoT(cfg).init_weights(0, std=0.1).eval()
    randomise(ours, 1, 0.1)

    qcfg = B.Qwen2Config(vocab_size=llm.vocab_size, hidden_size=llm.hidden_size, intermediate_size=llm.intermediate_size,
                         num_hidden_layers=llm.num_hidden_layers, num_attention_heads=llm.num_attention_heads,
                         num_key_value_heads=llm.num_key_value_heads, rope_theta=llm.rope_theta, rms_norm_eps=llm.rms_norm_eps,
                         qk_norm=True, layer_module="Qwen2MoTDecoderLayer", tie_word_embeddings=False,
                         _attn_implementation="eager")
    vcfg = B.SiglipVisionConfig(**{k: v for k, v in vit.items() if k != "vision_use_head"}, rope=False)
    vit_model = B.SiglipVisionModel(vcfg)
    vit_model.vision_model.embeddings.convert_conv2d_to_linear(vcfg)  # as BAGEL's loader does
    bcfg = B.BagelConfig(visual_gen=True, visual_und=True, llm_config=qcfg, vit_config=vcfg,
                         vae_config=types.SimpleNamespace(downsample=8, z_channels=16), latent_patch_size=2,
                         max_latent_size=16, vit_max_num_patch_per_side=8, timestep_shift=1.0)
    theirs = B.Bagel(B.Qwen2ForCausalLM(qcfg), vit_model, bcfg).eval()
    missing, unexpected = theirs.load_state_dict(auteur_to_bagel(ours.state_dict()), strict=False)
    missing = [k for k in missing if "rotary_emb" not in k]
    assert not missing and not unexpected, (missing, unexpected)

    # BAGEL's FLUX autoencoder, random; ours loads its state dict from ae.safetensors as a release would be.
    ae = B.AutoEncoder(B.AutoEncoderParams(resolution=64, in_channels=3, downsample=8, ch=32, out_ch=3, ch_mult=[1, 1, 1, 1],
                                           num_res_blocks=1, z_channels=16, scale_factor=0.3611, shift_factor=0.1159)).eval()
    randomise(ae, 2, 0.05)
    from safetensors.torch import save_file

    with tempfile.TemporaryDirectory() as tmp:
        save_file({k: v.contiguous() for k, v in ae.state_dict().items()}, f"{tmp}/ae.safetensors")
        our_vae = _load_vae(Path(tmp) / "ae.safetensors", torch.float32)
    return ours, theirs, ae, our_vae


def report(name: str, diff: float, scale: float, results: dict) -> None:
    results[name] = diff
    print(f"{name:<44} max |diff| = {diff:.3e}   (max |value| {scale:.2f})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bagel", type=Path, required=True, help="path of a ByteDance-Seed/Bagel source checkout")
    parser.add_argument("--hidden", type=int, default=64)
    parser.add_argument("--layers", type=int, default=2)
    parser.add_argument("--steps", type=int, default=5, help="BAGEL's num_timesteps (schedule points)")
    parser.add_argument("--shift", type=float, default=3.0)
    args = parser.parse_args()
    torch.set_grad_enabled(False)
    B = import_bagel(args.bagel)
    ours, theirs, ae, our_vae = build(args, B)
    results: dict[str, float] = {}
    n_layers = args.layers
    prompt = [11, 23, 35, 47, 59, 61, 73]

    # 1. prefill logits over [bos, prompt, eos]
    text = [1, *prompt, 2]
    L = len(text)
    emb = ours.embed_text(torch.tensor([text]))
    a = ours.logits(ours(emb, torch.arange(L)[None], (Segment("text", L),)))[0]
    out = theirs.language_model.forward_inference(
        packed_query_sequence=emb[0], query_lens=torch.tensor([L]), packed_query_position_ids=torch.arange(L),
        packed_query_indexes=torch.arange(L), past_key_values=B.NaiveCache(n_layers), key_values_lens=torch.tensor([0]),
        packed_key_value_indexes=torch.tensor([], dtype=torch.long), update_past_key_values=True, is_causal=True, mode="und")
    b = theirs.language_model.lm_head(out.packed_query_sequence)
    report("prefill logits", (a - b).abs().max().item(), b.abs().max().item(), results)

    # 2. greedy continuation after BAGEL's start token, eager and static paths
    n_new = 16
    eager = generate(ours, SPECIAL, text + [1], n_new - 1)
    cache = B.NaiveCache(n_layers)
    cache = theirs.forward_cache_update_text(cache, torch.tensor(text), torch.arange(L), torch.tensor([L]),
                                             torch.arange(L), torch.tensor([], dtype=torch.long), torch.tensor([0]))
    start = theirs.prepare_start_tokens([L], [L], IDS)
    seq = theirs.generate_text(past_key_values=cache, max_length=n_new, do_sample=False, end_token_id=None, **start)
    bagel_ids = seq[:, 0].tolist()[1:]
    fuse(ours)
    static = StaticDecoder(ours, SPECIAL, 64).generate(text + [1], n_new - 1)
    same = sum(x == y for x, y in zip(eager, bagel_ids))
    same_static = sum(x == y for x, y in zip(static, bagel_ids))
    results["greedy ids equal"] = float(same == len(bagel_ids) == same_static)
    print(f"{'greedy continuation':<44} eager {same}/{len(bagel_ids)}, static {same_static}/{len(bagel_ids)} ids equal")

    # 3. ViT features of a non-square picture
    g = torch.Generator().manual_seed(3)
    px = torch.rand(3, 16, 32, generator=g) * 2 - 1
    mine = ours.embed_vit(px[None])[0]
    p = 4
    pos = theirs.get_flattened_position_ids(16, 32, p, max_num_patches_per_side=8)
    tokens = patchify(px, p)
    feats = theirs.vit_model(packed_pixel_values=tokens, packed_flattened_position_ids=pos,
                             cu_seqlens=torch.tensor([0, tokens.shape[0]], dtype=torch.int32), max_seqlen=tokens.shape[0])
    feats = theirs.connector(feats) + theirs.vit_pos_embed(pos)
    report("ViT features (16x32 picture)", (mine - feats).abs().max().item(), feats.abs().max().item(), results)

    # 4. VAE round trip: posterior mean, a posterior draw from the same RNG state, decode
    img = torch.rand(3, 48, 64, generator=g) * 2 - 1
    ae.reg.sample = False
    z_theirs = ae.encode(img[None])[0]
    z_ours = vae_ops.encode(our_vae, img)
    report("VAE encode (posterior mean)", (z_ours - z_theirs).abs().max().item(), z_theirs.abs().max().item(), results)
    ae.reg.sample = True
    torch.manual_seed(9)
    zs_theirs = ae.encode(img[None])[0]
    torch.manual_seed(9)
    zs_ours = ((our_vae.encode(img[None]).latent_dist.sample() - our_vae.config.shift_factor) * our_vae.config.scaling_factor)[0]
    report("VAE encode (posterior draw)", (zs_ours - zs_theirs).abs().max().item(), zs_theirs.abs().max().item(), results)
    x_theirs = ae.decode(z_theirs[None])[0].clamp(-1, 1)
    x_ours = vae_ops.decode(our_vae, z_theirs)
    report("VAE decode", (x_ours - x_theirs).abs().max().item(), x_theirs.abs().max().item(), results)
    ae.reg.sample = False  # the director's default posterior is the mean

    # 5. guided generation through BAGEL's InterleaveInferencer: [ID token, picture, prompt]
    picture = Image.fromarray(((torch.rand(40, 56, 3, generator=g) * 255).to(torch.uint8)).numpy())
    id_ids, prompt_ids = [90, 91], prompt

    class Transform:
        def __init__(self, sizes):
            self.sizes = sizes

        def resize_transform(self, image):
            return bagel_resize(image, *self.sizes)

        def __call__(self, image, img_num=1):
            return to_tensor(self.resize_transform(image))

    class Tokenizer:
        def encode(self, text):
            return {"<char1>": id_ids, "prompt": prompt_ids}[text]

    vae_t, vit_t = Transform((64, 32, 16)), Transform((32, 16, 4))

    class Inferencer(B.InterleaveInferencer):
        def decode_image(self, latent, image_shape):
            return latent  # the final latent, before the autoencoder

    inferencer = Inferencer(theirs, ae, Tokenizer(), vae_t, vit_t, IDS)
    gd = Guidance(text_scale=4.0, image_scale=2.0, interval=(0.0, 1.0), renorm_min=0.0, renorm="global")
    resized = vae_t.resize_transform(picture)
    H, W = resized.height, resized.width
    torch.manual_seed(11)
    noise = torch.randn((H // 16) * (W // 16), 64)  # what BAGEL's prepare_vae_latent draws next
    torch.manual_seed(11)
    latent_theirs = inferencer.interleave_inference(
        ["<char1>", picture, "prompt"], cfg_text_scale=gd.text_scale, cfg_img_scale=gd.image_scale,
        cfg_interval=list(gd.interval), timestep_shift=args.shift, num_timesteps=args.steps,
        cfg_renorm_min=gd.renorm_min, cfg_renorm_type=gd.renorm)[0]
    refs = [("text", id_ids), ("latent", vae_ops.encode(our_vae, to_tensor(resized))),
            ("vit", to_tensor(vit_t.resize_transform(resized)))]
    branches = build_branches(ours, SPECIAL, prompt_ids, refs, gd)
    latent_ours = denoise(ours, SPECIAL, branches, unpatchify(noise, H // 16, W // 16, 2, 16), args.steps, gd, args.shift)
    diff = (patchify(latent_ours, 2) - latent_theirs).abs().max().item()
    report(f"guided final latent ({args.steps} points, {H}x{W})", diff, latent_theirs.abs().max().item(), results)

    worst = max(v for k, v in results.items() if k != "greedy ids equal")
    ok = worst <= 1e-4 and results["greedy ids equal"] == 1.0
    print(f"{'all within 1e-4 and ids equal':<44} {'yes' if ok else 'NO'} (worst {worst:.3e})")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
