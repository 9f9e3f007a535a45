"""Latency of one guided denoising step of the MoT director, and of several keyframes per loop.

    python benchmarks/mot_denoise_step.py                           # small config, CPU, 512^2 and 1024^2
    python benchmarks/mot_denoise_step.py --dims 7b --device cuda --dtype bf16   # BAGEL-7B-MoT dims, random

Per size, one step over the three guidance branches (full, no text, no image) of a context holding
a reference image, its ID token and a prompt:
  old     the general forward (boolean expert routing, mask rebuilt per step), as before this change
  packed  denoise_step.PackedStep (latents contiguous per expert, fused projections, mask built once,
          a CUDA graph per branch count on CUDA)
and, with --keyframes K, a whole guided denoising loop (--loop-steps points) of K keyframes in one
loop (denoise_many) against K loops of one. On CUDA it reports achieved TFLOP/s against the bf16
peak (--peak-tflops) and peak memory.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

import torch

from auteur.models.mot.cache import KVCache
from auteur.models.mot.config import LLMConfig, MoTConfig, SpecialTokens
from auteur.models.mot.context import grid_ids
from auteur.models.mot.denoise_step import PackedStep
from auteur.models.mot.fused import fuse
from auteur.models.mot.generate_image import Guidance, build_branches, denoise, denoise_many
from auteur.models.mot.masks import Segment
from auteur.models.mot.model import MoT

DIMS = {
    "tiny": dict(vocab_size=1024, hidden_size=64, intermediate_size=176, num_hidden_layers=2, num_attention_heads=4,
                 num_key_value_heads=2),
    "small": dict(vocab_size=4096, hidden_size=256, intermediate_size=704, num_hidden_layers=4, num_attention_heads=4,
                  num_key_value_heads=2),
    "7b": dict(vocab_size=152064, hidden_size=3584, intermediate_size=18944, num_hidden_layers=28, num_attention_heads=28,
               num_key_value_heads=4),
}


def old_step(m, dtype, device, stacked, positions, x, h, w):
    B, n = x.shape[0], h * w
    ends = m.embed_text(torch.tensor([[3, 4]], device=device))
    gen = torch.ones(B, n + 2, dtype=torch.bool, device=device)
    gen[:, 0] = gen[:, -1] = False
    lat = m.embed_latents(x, torch.full((B,), 0.5, device=device), grid_ids(h, w, m.cfg.max_latent_size, device))
    emb = torch.cat([ends[:, :1].expand(B, -1, -1), lat.to(dtype), ends[:, 1:].expand(B, -1, -1)], 1)
    pos = positions[:, None].expand(B, n + 2)
    return m.velocity(m(emb, pos, (Segment("noisy", n + 2),), gen=gen, cache=stacked, write=False))


def timed(fns: dict, repeats: int, sync) -> dict[str, float]:
    for fn in fns.values():
        fn()
    t: dict[str, list[float]] = {k: [] for k in fns}
    for _ in range(repeats):
        for name, fn in fns.items():
            sync()
            t0 = time.perf_counter()
            fn()
            sync()
            t[name].append(time.perf_counter() - t0)
    return {k: statistics.median(v) for k, v in t.items()}


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--dims", choices=DIMS, default="small")
    p.add_argument("--device", default="cpu")
    p.add_argument("--dtype", default="fp32", choices=["fp32", "bf16"])
    p.add_argument("--sizes", default="512,1024")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--keyframes", type=int, default=0, help="also time K keyframes in one loop against K loops")
    p.add_argument("--keyframe-size", type=int, default=512)
    p.add_argument("--loop-steps", type=int, default=4, help="schedule points of the timed denoising loops")
    p.add_argument("--compile", action="store_true", help="torch.compile the packed step before capture")
    p.add_argument("--skip-old", action="store_true")
    p.add_argument("--peak-tflops", type=float, default=989.0, help="bf16 dense peak of the GPU (H100/H200 SXM: 989)")
    p.add_argument("--json", help="write the figures here")
    args = p.parse_args()
    torch.set_grad_enabled(False)
    dtype = torch.float32 if args.dtype == "fp32" else torch.bfloat16
    dev = args.device
    llm = LLMConfig(**DIMS[args.dims])
    with torch.device(dev):
        m = MoT(MoTConfig(llm=llm, vit=None)).init_weights(0)
    m = fuse(m.to(dtype).eval())
    special = SpecialTokens(1, 2, 3, 4)
    prompt = list(range(10, 42))
    ref = torch.randn(16, 32, 32)  # one 256x256 reference image in context
    guidance = Guidance(4.0, 2.0, interval=(0.0, 1.0))
    branches = build_branches(m, special, prompt, [("text", [5, 6]), ("latent", ref)], guidance)
    contexts = [branches.cond, branches.no_text, branches.no_image]
    caches, positions = [c.cache for c in contexts], [c.position for c in contexts]
    stacked = KVCache.stack(caches)
    sync = torch.cuda.synchronize if dev.startswith("cuda") else (lambda: None)
    figures: dict = {"dims": args.dims, "dtype": args.dtype, "device": dev, "steps": {}}
    for side in (int(s) for s in args.sizes.split(",")):
        h = w = side // 16
        n = h * w
        x = torch.randn(3, n, m.cfg.patch_latent_dim, device=dev)
        step = PackedStep(m, special, caches, positions, h, w, compile=args.compile)
        fns = {"packed": lambda: step(x, 0.5)}
        if not args.skip_old:
            pos = torch.tensor(positions, device=dev)
            fns["old"] = lambda: old_step(m, dtype, dev, stacked, pos, x, h, w)
        t = timed(fns, args.repeats, sync)
        line = f"{side}x{side} ({n} latent tokens, 3 branches, dims {args.dims} {args.dtype} {dev}): packed {t['packed'] * 1000:.1f} ms"
        if "old" in t:
            line += f", old {t['old'] * 1000:.1f} ms, speed-up {t['old'] / t['packed']:.2f}x"
        entry = {k + "_ms": v * 1000 for k, v in t.items()}
        if dev.startswith("cuda"):
            d, L = llm.hidden_size, llm.num_hidden_layers
            kv = llm.num_key_value_heads / llm.num_attention_heads
            per_tok = 2 * L * (d * d * (2 + 2 * kv) + 3 * d * llm.intermediate_size)
            attn = 4 * L * d * (n + 2) * (n + 2 + stacked.length)
            flops = 3 * ((n + 2) * per_tok + attn)
            entry["tflops"] = flops / t["packed"] / 1e12
            entry["fraction_of_peak"] = entry["tflops"] / args.peak_tflops
            line += (f"; {entry['tflops']:.0f} TFLOP/s = {entry['fraction_of_peak']:.1%} of {args.peak_tflops:.0f}; "
                     f"peak memory {torch.cuda.max_memory_allocated() / 2**30:.1f} GiB")
        figures["steps"][side] = entry
        print(line)
        del step
    if args.keyframes:
        K, side = args.keyframes, args.keyframe_size
        shots = [build_branches(m, special, prompt[: 20 + k], [("text", [5, 6]), ("latent", ref)], guidance) for k in range(K)]
        noise = torch.randn(K, 16, side // 8, side // 8)
        t = timed({"together": lambda: denoise_many(m, special, shots, noise, args.loop_steps, guidance, 3.0),
                   "one_at_a_time": lambda: [denoise(m, special, b, z, args.loop_steps, guidance, 3.0) for b, z in zip(shots, noise)]},
                  max(1, args.repeats - 1), sync)
        figures["keyframes"] = {"k": K, "side": side, **{k + "_s": v for k, v in t.items()},
                                "speedup": t["one_at_a_time"] / t["together"]}
        print(f"{K} keyframes {side}x{side}, {args.loop_steps}-point guided loop: together {t['together']:.2f} s, "
              f"one at a time {t['one_at_a_time']:.2f} s, per image {t['one_at_a_time'] / t['together']:.2f}x faster together")
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
