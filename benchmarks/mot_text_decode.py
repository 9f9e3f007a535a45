"""Text decoding speed of the MoT director against transformers' Qwen2ForCausalLM, same dims and weights.

    python benchmarks/mot_text_decode.py                 # small config, CPU
    python benchmarks/mot_text_decode.py --dims 7b --device cuda --dtype bf16   # BAGEL-7B-MoT dims, random

Both decode greedily over a static (preallocated) KV cache: ours through its own cache, theirs with
`generate(cache_implementation="static")`. QK-norm is off in ours because Qwen2 has none, so the
weights are the same tensors and the first decoded tokens must agree (checked before timing).
Runs alternate, and the median of each is reported.
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch

from auteur.models.mot.config import LLMConfig, MoTConfig, SpecialTokens
from auteur.models.mot.generate_text import generate
from auteur.models.mot.model import MoT

DIMS = {
    "small": dict(vocab_size=32000, hidden_size=512, intermediate_size=1408, num_hidden_layers=8, num_attention_heads=8,
                  num_key_value_heads=2),
    "7b": dict(vocab_size=152064, hidden_size=3584, intermediate_size=18944, num_hidden_layers=28, num_attention_heads=28,
               num_key_value_heads=4),
}


def qwen2_from(ours: MoT, dims: dict, dtype):
    from transformers import Qwen2Config, Qwen2ForCausalLM

    cfg = Qwen2Config(**dims, rope_theta=ours.cfg.llm.rope_theta, rms_norm_eps=ours.cfg.llm.rms_norm_eps,
                      tie_word_embeddings=False, max_position_embeddings=4096, attn_implementation="sdpa")
    with torch.device(next(ours.parameters()).device):
        peer = Qwen2ForCausalLM(cfg)
    sd = {k.removeprefix("language_model."): v for k, v in ours.state_dict().items()
          if k.startswith("language_model.") and "_moe_gen" not in k}
    peer.load_state_dict(sd, strict=True)
    return peer.to(dtype).eval()


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--dims", choices=DIMS, default="small")
    p.add_argument("--device", default="cpu")
    p.add_argument("--dtype", default="fp32", choices=["fp32", "bf16"])
    p.add_argument("--prompt", type=int, default=32)
    p.add_argument("--new", type=int, default=128)
    p.add_argument("--repeats", type=int, default=3)
    args = p.parse_args()
    torch.set_grad_enabled(False)
    dtype = torch.float32 if args.dtype == "fp32" else torch.bfloat16
    dims = DIMS[args.dims]
    llm = LLMConfig(**dims, qk_norm=False, rope_theta=1_000_000.0)
    with torch.device(args.device):
        ours = MoT(MoTConfig(llm=llm)).init_weights(0)
    ours = ours.to(dtype).eval()
    peer = qwen2_from(ours, dims, dtype)
    special = SpecialTokens(1, 2, 3, 4)
    prompt = torch.randint(5, dims["vocab_size"], (args.prompt,), generator=torch.Generator().manual_seed(0)).tolist()
    ids = torch.tensor([prompt], device=args.device)

    def run_ours():
        return generate(ours, special, prompt, args.new)

    def run_peer():
        out = peer.generate(ids, max_new_tokens=args.new, min_new_tokens=args.new, do_sample=False,
                            cache_implementation="static", pad_token_id=0, eos_token_id=None)
        return out[0, len(prompt):].tolist()

    a, b = run_ours(), run_peer()  # warm-up, and the check that both compute the same model
    agree = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), len(a))
    times = {"ours": [], "qwen2": []}
    for _ in range(args.repeats):
        for name, fn in (("ours", run_ours), ("qwen2", run_peer)):
            if args.device.startswith("cuda"):
                torch.cuda.synchronize()
            t0 = time.perf_counter()
            fn()
            if args.device.startswith("cuda"):
                torch.cuda.synchronize()
            times[name].append(time.perf_counter() - t0)
    tps = {k: args.new / statistics.median(v) for k, v in times.items()}
    print(f"dims {args.dims} {args.dtype} on {args.device}: prompt {args.prompt}, {args.new} new tokens, greedy")
    print(f"first {agree}/{len(a)} greedy tokens identical")
    print(f"ours {tps['ours']:.1f} tok/s   transformers Qwen2ForCausalLM (static cache) {tps['qwen2']:.1f} tok/s   "
          f"ratio {tps['ours'] / tps['qwen2']:.2f}")
    if args.device.startswith("cuda"):
        print(f"peak memory {torch.cuda.max_memory_allocated() / 2**30:.1f} GiB")


if __name__ == "__main__":
    main()
