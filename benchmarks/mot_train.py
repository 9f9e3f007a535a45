"""Training throughput (tokens/s) and peak memory of the MoT director: one optimiser step is a
forward and backward over one packed sequence plus an AdamW step, through the same TrainingModel
`auteur train` uses (per-sample masks, both experts, CE + rectified-flow losses).

    python benchmarks/mot_train.py                          # CPU, small config, seq 1024
    python benchmarks/mot_train.py --gpu                    # CUDA: 7B dims, seq 4096, bf16 autocast, random
                                                            # weights, with and without activation checkpointing

A packed sequence holds samples of 3/4 text and 1/4 keyframe latents (one noised 512x512 keyframe is
1024 latent tokens at 7B dims; 128x128, 64 tokens, at the small config). With --gpu, full fine-tuning of all 28
layers of a 14B-parameter MoT with fp32 AdamW needs ~224 GB, more than one GPU: the default GPU run
trains --layers 4 of the 28 at full width (per-layer cost is what scales), and `--lora 64` runs all
28 layers with bf16 base weights and rank-64 adapters instead.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import statistics
import sys
import time
from pathlib import Path

import torch

from auteur.models.mot.config import LLMConfig, MoTConfig, SpecialTokens
from auteur.models.mot.model import MoT
from auteur.models.mot.training.forward import TrainingModel
from auteur.models.mot.training.packing import ImageBank, Packed, Piece, Sample

DIMS = {
    "small": dict(vocab_size=4096, hidden_size=256, intermediate_size=704, num_hidden_layers=4, num_attention_heads=4,
                  num_key_value_heads=2),
    "7b": dict(vocab_size=152064, hidden_size=3584, intermediate_size=18944, num_hidden_layers=28, num_attention_heads=28,
               num_key_value_heads=4),
}
SPECIAL = SpecialTokens(1, 2, 3, 4)


def synthetic(cfg: MoTConfig, seq_len: int, image_side: int, bank: ImageBank) -> Packed:
    """Samples of one text piece and one noised keyframe each, until the sequence is full."""
    down = cfg.vae_downsample
    side = image_side // down
    g = torch.Generator().manual_seed(0)
    samples, used, i = [], 0, 0
    n_img = (side // cfg.latent_patch_size) ** 2 + 2
    n_text = 3 * n_img - 8  # a 512^2 keyframe and its text fill 4096 tokens exactly; 128^2, 1024 in four samples
    while used + n_text + n_img <= seq_len:
        path = Path(f"synthetic-{i}.png")
        bank.latents[(path, "noisy")] = torch.randn(cfg.latent_channels, side, side, generator=g)
        ids = tuple(int(t) for t in torch.randint(10, cfg.llm.vocab_size, (n_text,), generator=g))
        samples.append(Sample("interleaved", f"s{i}", [Piece("text", n_text, ids=ids, loss=True),
                                                       Piece("noisy", n_img, image=path, loss=True)]))
        used += n_text + n_img
        i += 1
    return Packed(samples, seq_len)


def run(args, checkpointing: bool) -> dict:
    device = torch.device(args.device)
    llm = LLMConfig(**DIMS[args.dims])
    if args.layers:
        llm.num_hidden_layers = args.layers
    cfg = MoTConfig(llm=llm, vit=None)
    with torch.device(device):
        model = MoT(cfg).init_weights(0)
    params = list(model.parameters())
    if args.lora:
        from auteur.models.mot.training.lora import add_lora

        model.to(torch.bfloat16)
        add_lora(model, args.lora, 2.0 * args.lora, ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"])
        for name, p in model.named_parameters():
            p.requires_grad_(".lora_" in name)
        params = [p for p in model.parameters() if p.requires_grad]
    model.latent_pos_embed.pos_embed.requires_grad_(False)
    bank = ImageBank(cfg, None, args.image_side, (args.image_side, args.image_side), None)
    packed = synthetic(cfg, args.seq_len, args.image_side, bank)
    wrapper = TrainingModel(model, SPECIAL, bank, activation_checkpointing=checkpointing).train()
    optimizer = torch.optim.AdamW([p for p in params if p.requires_grad], lr=1e-5, fused=device.type == "cuda")
    generator = torch.Generator().manual_seed(0)
    cuda = device.type == "cuda"
    sync = torch.cuda.synchronize if cuda else (lambda: None)
    autocast = torch.autocast(device.type, dtype=torch.bfloat16, enabled=args.bf16)
    times = []
    if cuda:
        torch.cuda.reset_peak_memory_stats()
    for i in range(args.warmup + args.repeats):
        sync()
        t0 = time.perf_counter()
        with autocast:
            losses = wrapper(packed, generator, 1.0)
        (losses.ce + losses.mse).backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        sync()
        if i >= args.warmup:
            times.append(time.perf_counter() - t0)
    step = statistics.median(times)
    peak = torch.cuda.max_memory_allocated() / 2**30 if cuda else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    return dict(dims=args.dims, layers=llm.num_hidden_layers, seq_len=args.seq_len, real_tokens=packed.used,
                samples=len(packed.samples), checkpointing=checkpointing, bf16=args.bf16, lora=args.lora,
                params=sum(p.numel() for p in model.parameters()), step_s=round(step, 4),
                tokens_per_s=round(packed.used / step, 1),
                peak_gib=round(peak, 2), peak_kind="cuda max_memory_allocated" if cuda else "process max RSS")


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--gpu", action="store_true", help="7B dims, seq 4096, bf16, CUDA, with and without checkpointing")
    p.add_argument("--dims", choices=DIMS, default="small")
    p.add_argument("--layers", type=int, default=0, help="decoder layers (0: the dims' own)")
    p.add_argument("--device", default="cpu")
    p.add_argument("--seq-len", type=int, default=1024)
    p.add_argument("--image-side", type=int, default=128)
    p.add_argument("--bf16", action="store_true")
    p.add_argument("--lora", type=int, default=0, help="LoRA rank (0: full fine-tune)")
    p.add_argument("--checkpointing", choices=["off", "on", "both"], default="off")
    p.add_argument("--threads", type=int, default=0)
    p.add_argument("--warmup", type=int, default=1)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--json", type=Path)
    args = p.parse_args()
    if args.gpu:
        args.dims, args.device, args.seq_len, args.image_side, args.bf16, args.checkpointing = "7b", "cuda", 4096, 512, True, "both"
        if not args.layers and not args.lora:
            args.layers = 4
    if args.threads:
        torch.set_num_threads(args.threads)
    if args.device.startswith("cuda") and not torch.cuda.is_available():
        sys.exit("no CUDA device: run without --gpu for the CPU figures")
    rows = []
    for ckpt in {"off": [False], "on": [True], "both": [False, True]}[args.checkpointing]:
        row = run(args, ckpt)
        row.update(device=torch.cuda.get_device_name() if args.device.startswith("cuda") else platform.processor() or "cpu",
                   threads=torch.get_num_threads(), torch=torch.__version__)
        rows.append(row)
        print(json.dumps(row), flush=True)
        if args.device.startswith("cuda"):
            torch.cuda.empty_cache()
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n")


if __name__ == "__main__":
    main()
