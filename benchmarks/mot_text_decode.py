"""Text decoding speed of the MoT director against transformers' Qwen2ForCausalLM, same dims and weights.

    python benchmarks/mot_text_decode.py                 # small config, CPU
    python benchmarks/mot_text_decode.py --dims 7b --device cuda --dtype bf16   # BAGEL-7B-MoT dims, random

Four runs, each greedy over a preallocated KV cache:
  eager        today's reference path (generate_text.generate: one host round trip per token)
  static       decode_static.StaticDecoder (device-side state, CUDA graph per step on CUDA)
  constrained  the static path under an xgrammar JSON-schema mask (mask filled on the CPU while the
               step runs; forced tokens skip the choice), over a synthetic vocabulary of the model's size
  qwen2        transformers `generate(cache_implementation="static")`, which compiles itself on CUDA
QK-norm is off in ours because Qwen2 has none, so both run the same tensors, and the first decoded
tokens must agree (checked and printed). Runs alternate; the median of each is reported, with the
fraction of the HBM roofline (weights read once per token) when --hbm-tbps is given.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time

import torch

from auteur.models.mot.config import LLMConfig, MoTConfig, SpecialTokens
from auteur.models.mot.decode_static import StaticDecoder
from auteur.models.mot.fused import fuse
from auteur.models.mot.generate_text import generate
from auteur.models.mot.model import MoT

DIMS = {
    "tiny": dict(vocab_size=2048, hidden_size=128, intermediate_size=352, num_hidden_layers=2, num_attention_heads=4,
                 num_key_value_heads=2),
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


def synthetic_compiler(vocab_size: int, eos: int):
    """An xgrammar compiler over a made-up byte-level vocabulary as large as the model's: the 256 bytes,
    then words and pieces of several scripts, so mask filling costs what a real vocabulary costs."""
    import xgrammar as xgr

    rng = random.Random(0)
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ,.'\"{}[]:-" + "éëçñöü" + "東京の灯りと海"
    vocab = [bytes([b]) for b in range(256)]
    seen = set(vocab)
    while len(vocab) < vocab_size:
        piece = "".join(rng.choice(alphabet) for _ in range(rng.randint(2, 8))).encode()
        if piece not in seen:
            seen.add(piece)
            vocab.append(piece)
    info = xgr.TokenizerInfo(vocab, vocab_type=xgr.VocabType.RAW, vocab_size=vocab_size, stop_token_ids=[eos])
    return xgr.GrammarCompiler(info, max_threads=8)


def long_schema(n_items: int) -> dict:
    from auteur.models.mot.schemas import WORDS

    return {"type": "object", "properties": {"lines": {"type": "array", "minItems": n_items, "maxItems": n_items,
                                                       "items": {"type": "string", "pattern": "^" + WORDS.format(n=23) + "$"}}},
            "required": ["lines"]}


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--dims", choices=DIMS, default="small")
    p.add_argument("--device", default="cpu")
    p.add_argument("--dtype", default="fp32", choices=["fp32", "bf16"])
    p.add_argument("--prompt", type=int, default=32)
    p.add_argument("--new", type=int, default=128)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--runs", default="eager,static,constrained,qwen2")
    p.add_argument("--hbm-tbps", type=float, default=0.0, help="memory bandwidth for the roofline (H200: 4.8)")
    p.add_argument("--json", help="write the figures here")
    args = p.parse_args()
    torch.set_grad_enabled(False)
    dtype = torch.float32 if args.dtype == "fp32" else torch.bfloat16
    dims = DIMS[args.dims]
    llm = LLMConfig(**dims, qk_norm=False, rope_theta=1_000_000.0)
    with torch.device(args.device):
        ours = MoT(MoTConfig(llm=llm)).init_weights(0)
    ours = fuse(ours.to(dtype).eval())
    runs = args.runs.split(",")
    special = SpecialTokens(1, 2, 3, 4)
    prompt = torch.randint(5, dims["vocab_size"], (args.prompt,), generator=torch.Generator().manual_seed(0)).tolist()
    ids = torch.tensor([prompt], device=args.device)
    decoder = StaticDecoder(ours, special, args.prompt + args.new + 8)
    fns = {}
    if "eager" in runs:
        fns["eager"] = lambda: generate(ours, special, prompt, args.new)
    if "static" in runs:
        fns["static"] = lambda: decoder.generate(prompt, args.new)
    try:
        import xgrammar  # noqa: F401
    except ImportError:  # a GPU machine without the carried wheels still measures the rest
        if "constrained" in runs:
            print("constrained: skipped, xgrammar is not installed (carry its wheels, see gpu_all.py)")
        runs = [r for r in runs if r != "constrained"]
    if "constrained" in runs:
        from auteur.models.mot.constrained import JsonSchemaConstraint

        compiler = synthetic_compiler(dims["vocab_size"], special.eos)
        schema = long_schema(max(1, args.new // 8))
        fns["constrained"] = lambda: decoder.generate(prompt, args.new, stop_ids=(special.eos,),
                                                      constraint=JsonSchemaConstraint(compiler, schema))
    if "qwen2" in runs:
        peer = qwen2_from(ours, dims, dtype)

        def run_peer():
            out = peer.generate(ids, max_new_tokens=args.new, min_new_tokens=args.new, do_sample=False,
                                cache_implementation="static", pad_token_id=0, eos_token_id=None)
            return out[0, len(prompt):].tolist()

        fns["qwen2"] = run_peer
    outputs = {name: fn() for name, fn in fns.items()}  # warm-up (compiles, captures graphs)
    sync = torch.cuda.synchronize if args.device.startswith("cuda") else (lambda: None)
    times: dict[str, list[float]] = {name: [] for name in fns}
    counts = {name: len(out) for name, out in outputs.items()}
    for _ in range(args.repeats):
        for name, fn in fns.items():
            sync()
            t0 = time.perf_counter()
            counts[name] = len(fn())
            sync()
            times[name].append(time.perf_counter() - t0)
    tps = {k: counts[k] / statistics.median(v) for k, v in times.items()}
    print(f"dims {args.dims} {args.dtype} on {args.device}: prompt {args.prompt}, up to {args.new} new tokens, greedy")
    ref = outputs.get("eager") or outputs.get("qwen2")
    for name in ("static", "qwen2"):
        if name in outputs and ref is not None and outputs[name] is not ref:
            agree = next((i for i, (x, y) in enumerate(zip(ref, outputs[name])) if x != y), min(len(ref), len(outputs[name])))
            print(f"  {name}: first {agree}/{len(ref)} greedy tokens identical to {'eager' if 'eager' in outputs else 'qwen2'}")
    weight_bytes = sum(p.numel() * p.element_size() for n, p in ours.named_parameters()
                       if n.startswith("language_model.") and "_moe_gen" not in n and "embed_tokens" not in n)
    figures = {"tok_per_s": tps, "tokens": counts, "weight_gb_per_token": weight_bytes / 1e9}
    for name, v in tps.items():
        line = f"  {name:<12} {v:8.1f} tok/s ({counts[name]} tokens)"
        if args.hbm_tbps:
            roof = args.hbm_tbps * 1e12 / weight_bytes
            line += f"   {v / roof:.0%} of the HBM roofline ({roof:.0f} tok/s)"
        print(line)
    if "static" in tps and "qwen2" in tps:
        figures["static_over_qwen2"] = tps["static"] / tps["qwen2"]
        print(f"  static / transformers static-cache generate: {figures['static_over_qwen2']:.2f}")
    if "static" in tps and "constrained" in tps:
        figures["constrained_over_static"] = tps["constrained"] / tps["static"]
        print(f"  constrained / unconstrained: {figures['constrained_over_static']:.2f}")
    if "static" in tps and "eager" in tps:
        print(f"  static / eager: {tps['static'] / tps['eager']:.2f}")
    if args.device.startswith("cuda"):
        print(f"  peak memory {torch.cuda.max_memory_allocated() / 2**30:.1f} GiB")
    if args.json:
        from pathlib import Path

        Path(args.json).write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
