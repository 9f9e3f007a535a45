"""Latency of one denoising step of the MoT director: all guidance branches in one batched forward
over cached contexts, against the same three branches run one after another (BAGEL's way).

    python benchmarks/mot_denoise_step.py                           # small config, CPU, 512^2 and 1024^2
    python benchmarks/mot_denoise_step.py --dims 7b --device cuda --dtype bf16   # BAGEL-7B-MoT dims, random

On CUDA it also reports peak memory and achieved TFLOP/s (2 x parameters used per token x tokens,
plus attention) against the bf16 peak given by --peak-tflops.
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch

from auteur.models.mot.config import LLMConfig, MoTConfig, SpecialTokens
from auteur.models.mot.context import grid_ids
from auteur.models.mot.generate_image import Guidance, build_branches
from auteur.models.mot.cache import KVCache
from auteur.models.mot.masks import Segment
from auteur.models.mot.model import MoT

DIMS = {
    "small": dict(vocab_size=4096, hidden_size=256, intermediate_size=704, num_hidden_layers=4, num_attention_heads=4,
                  num_key_value_heads=2),
    "7b": dict(vocab_size=152064, hidden_size=3584, intermediate_size=18944, num_hidden_layers=28, num_attention_heads=28,
               num_key_value_heads=4),
}


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--dims", choices=DIMS, default="small")
    p.add_argument("--device", default="cpu")
    p.add_argument("--dtype", default="fp32", choices=["fp32", "bf16"])
    p.add_argument("--sizes", default="512,1024")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--peak-tflops", type=float, default=989.0, help="bf16 dense peak of the GPU (H100 SXM: 989)")
    args = p.parse_args()
    torch.set_grad_enabled(False)
    dtype = torch.float32 if args.dtype == "fp32" else torch.bfloat16
    llm = LLMConfig(**DIMS[args.dims])
    with torch.device(args.device):
        m = MoT(MoTConfig(llm=llm, vit=None)).init_weights(0)
    m = m.to(dtype).eval()
    special = SpecialTokens(1, 2, 3, 4)
    prompt = list(range(10, 42))
    ref = torch.randn(16, 32, 32)  # one 256x256 reference image in context
    branches = build_branches(m, special, prompt, [("text", [5, 6]), ("latent", ref)], Guidance(4.0, 2.0))
    contexts = [branches.cond, branches.no_text, branches.no_image]
    stacked = KVCache.stack([c.cache for c in contexts])
    sync = torch.cuda.synchronize if args.device.startswith("cuda") else (lambda: None)
    for side in (int(s) for s in args.sizes.split(",")):
        h = w = side // 16
        n = h * w
        x = torch.randn(1, n, m.cfg.patch_latent_dim, device=args.device)
        ends = m.embed_text(torch.tensor([[3, 4]], device=args.device))
        gen = torch.ones(3, n + 2, dtype=torch.bool, device=args.device)
        gen[:, 0] = gen[:, -1] = False
        ids = grid_ids(h, w, m.cfg.max_latent_size, args.device)

        def step(B, cache, positions):
            lat = m.embed_latents(x.expand(B, -1, -1), torch.full((B,), 0.5, device=args.device), ids)
            emb = torch.cat([ends[:, :1].expand(B, -1, -1), lat.to(dtype), ends[:, 1:].expand(B, -1, -1)], 1)
            pos = positions[:, None].expand(B, n + 2)
            return m.velocity(m(emb, pos, (Segment("noisy", n + 2),), gen=gen[:B], cache=cache, write=False))

        positions = torch.tensor([c.position for c in contexts], device=args.device)

        def batched():
            step(3, stacked, positions)

        def sequential():
            for i, c in enumerate(contexts):
                step(1, c.cache, positions[i : i + 1])

        batched(), sequential()
        t = {"batched": [], "sequential": []}
        for _ in range(args.repeats):
            for name, fn in (("batched", batched), ("sequential", sequential)):
                sync()
                t0 = time.perf_counter()
                fn()
                sync()
                t[name].append(time.perf_counter() - t0)
        b, s = statistics.median(t["batched"]), statistics.median(t["sequential"])
        line = (f"{side}x{side} ({n} latent tokens, 3 guidance branches, dims {args.dims} {args.dtype} {args.device}): "
                f"one step batched {b * 1000:.0f} ms, sequential {s * 1000:.0f} ms, ratio {s / b:.2f}")
        if args.device.startswith("cuda"):
            d, L = llm.hidden_size, llm.num_hidden_layers
            per_tok = 2 * L * (4 * d * d * (1 + llm.num_key_value_heads / llm.num_attention_heads) / 2 + 3 * d * llm.intermediate_size)
            attn = 4 * L * d * (n + 2) * (n + 2 + stacked.length)
            flops = 3 * ((n + 2) * per_tok + attn)
            line += (f"; peak memory {torch.cuda.max_memory_allocated() / 2**30:.1f} GiB; "
                     f"{flops / b / 1e12:.1f} TFLOP/s = {flops / b / 1e12 / args.peak_tflops:.1%} of peak")
        print(line)


if __name__ == "__main__":
    main()
