"""The training loop: data pools, stage-dependent freezing, accumulation, logging, checkpoints, resume.

Everything random in a step (stage-2 step kind, timesteps, noise) is drawn from one generator
seeded from the config, and the data order of each pool is a permutation seeded by (seed, epoch):
with the generator state and the pools' positions in the checkpoint, a resumed run takes the same
steps as an uninterrupted one. Multi-GPU and multi-node go through accelerate (`accelerate launch`
with DDP or FSDP, or `torchrun`): each rank reads its own slice of every pool.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import torch

from auteur.core.errors import InputError
from auteur.models.mot.pictures import check_vit_side
from auteur.models.mot.training import checkpoint
from auteur.models.mot.training.config import TrainConfig
from auteur.models.mot.training.documents import read_all
from auteur.models.mot.training.forward import TrainingModel
from auteur.models.mot.training.packing import Builder, ImageBank, Packed, pack
from auteur.models.mot.training.stages import choose_kind, experts_for, set_trainable


@dataclass
class StepLog:
    step: int  # 1-based: the number of optimiser steps taken
    kind: str
    ce: float | None
    mse: float | None
    tokens: int
    seconds: float
    trainable: int


@dataclass
class TrainResult:
    out: Path
    checkpoint: Path | None
    history: list[StepLog] = field(default_factory=list)
    resumed_from: int = 0


class Pool:
    """One kind of packed sequence, read in a fresh seeded order each epoch."""

    def __init__(self, items: list[Packed], seed: int, salt: int):
        self.items, self.seed, self.salt = items, seed, salt
        self.epoch, self.index = 0, 0
        self._order = self._permutation()

    def _permutation(self) -> list[int]:
        g = torch.Generator().manual_seed(self.seed * 1_000_003 + self.salt * 7919 + self.epoch)
        return torch.randperm(len(self.items), generator=g).tolist()

    def next(self) -> Packed:
        if self.index >= len(self.items):
            self.epoch, self.index = self.epoch + 1, 0
            self._order = self._permutation()
        item = self.items[self._order[self.index]]
        self.index += 1
        return item

    def position(self) -> list[int]:
        return [self.epoch, self.index]

    def seek(self, position: list[int]) -> None:
        self.epoch, self.index = position
        self._order = self._permutation()


def start_model(cfg: TrainConfig):
    from auteur.models.mot.training import initialise

    m = cfg.model
    if m.init == "bagel":
        source = cfg.resolve(m.path)
        start = initialise.from_bagel(source if source.exists() else m.path)
    else:
        start = initialise.from_qwen2(cfg.resolve(m.path), cfg.resolve(m.vae), cfg.train.seed)
    start.model.train()
    start.vae.requires_grad_(False)
    return start


def build_pools(cfg: TrainConfig, start, rank: int = 0, world: int = 1) -> dict[str, list[Packed]]:
    d = cfg.data
    docs = read_all([cfg.resolve(r) for r in d.runs], [cfg.resolve(f) for f in d.jsonl],
                    cfg.resolve(d.images) if d.images else None)
    mcfg = start.model.cfg
    if mcfg.vit is not None:
        check_vit_side(start.model.vit_side_limit(), d.vit_side, d.vit_min_side, mcfg.vit["patch_size"], "data.vit_side")
    bank = ImageBank(mcfg, start.vae, d.keyframe_side, (d.reference_side, d.reference_min_side),
                     (d.vit_side, d.vit_min_side) if mcfg.vit is not None else None)
    builder = Builder(start.tokenizer, start.special, bank, mcfg.vit is not None, d.seq_len)
    kinds = {1: {"interleaved": builder.interleaved}, 2: {"script": builder.script, "keyframe": builder.keyframes}}
    pools = {}
    for kind, make in kinds[cfg.train.stage].items():
        samples = [s for doc in docs for s in make(doc)]
        packed = pack(samples, d.seq_len)
        pools[kind] = packed[rank::world] if len(packed) >= world else packed
    if not any(pools.values()):
        raise InputError("training data: no samples (documents without scenes or keyframes)")
    if cfg.train.stage == 1 and not any(p.kind == "noisy" for pk in pools["interleaved"] for s in pk.samples for p in s.pieces):
        raise InputError("training data: stage 1 needs keyframes, and no document has any")
    return pools, bank


def train(cfg: TrainConfig, on_log: Callable[[StepLog], None] | None = None, stop_after: int | None = None,
          on_start: Callable[[dict[str, Any]], None] | None = None) -> TrainResult:
    """Run (or resume) the configured training; `stop_after` ends the process's work early, as a kill would."""
    from accelerate import Accelerator, DistributedType

    t = cfg.train
    out = cfg.resolve(t.out)
    # bf16 is autocast here rather than accelerate's mixed_precision, whose process-wide state
    # cannot change between two trainings in one process.
    accelerator = Accelerator(cpu=not torch.cuda.is_available())
    autocast = torch.autocast(accelerator.device.type, dtype=torch.bfloat16, enabled=cfg.model.dtype == "bf16")
    start = start_model(cfg)
    lora_scale = None
    if cfg.model.lora is not None:
        from auteur.models.mot.training.lora import add_lora

        lo = cfg.model.lora
        if not add_lora(start.model, lo.rank, lo.alpha, lo.targets, t.seed):
            raise InputError(f"model.lora.targets {lo.targets} match no linear layer of the model")
        lora_scale = lo.alpha / lo.rank
    pools_data, bank = build_pools(cfg, start, accelerator.process_index, accelerator.num_processes)
    wrapper = TrainingModel(start.model, start.special, bank, cfg.model.activation_checkpointing)
    wrapper.to(accelerator.device)
    lora = lora_scale is not None
    every = set()
    for kind in pools_data:
        set_trainable(wrapper, experts_for(kind, cfg.model.freeze_vit), lora)
        every |= {n for n, p in wrapper.named_parameters() if p.requires_grad}
    params = [p for n, p in wrapper.named_parameters() if n in every]
    optimizer = torch.optim.AdamW(params, lr=t.lr, weight_decay=t.weight_decay, betas=(0.9, 0.95), eps=1e-15)
    wrapper, optimizer = accelerator.prepare(wrapper, optimizer)
    core = accelerator.unwrap_model(wrapper)
    sharded = accelerator.distributed_type == DistributedType.FSDP

    generator = torch.Generator().manual_seed(t.seed)
    pools = {kind: Pool(items, t.seed, salt) for salt, (kind, items) in enumerate(sorted(pools_data.items()))}
    step = 0
    result = TrainResult(out=out, checkpoint=None)
    found = checkpoint.latest(out)
    if found is not None:
        trainer, rng = checkpoint.load(found, wrapper if sharded else core, optimizer, core.mot.cfg, lora, sharded)
        if trainer.get("fingerprint") != cfg.fingerprint():
            raise InputError(f"{found}: made with a different training config (model, data or optimiser changed); "
                             f"use a new train.out, or delete {out / 'checkpoints'} to start over")
        step = int(trainer["step"])
        for kind, position in trainer["pools"].items():
            pools[kind].seek(position)
        generator.set_state(rng["train"])
        torch.set_rng_state(rng["torch"])
        result.resumed_from, result.checkpoint = step, found
    optimizer.zero_grad(set_to_none=True)
    if on_start is not None:
        on_start(dict(resumed_from=step, steps=t.steps, sequences={k: len(v) for k, v in pools_data.items()},
                      out=str(out)))

    sizes = {kind: len(items) for kind, items in pools_data.items()}
    while step < t.steps:
        if stop_after is not None and step >= stop_after:
            return result
        began = time.perf_counter()
        kind = choose_kind(t.stage, t.script_ratio, generator, sizes)
        trainable = set_trainable(core, experts_for(kind, cfg.model.freeze_vit), lora)
        ce_sum = mse_sum = 0.0
        ce_n = mse_n = tokens = 0
        for _ in range(t.grad_accum):
            with autocast:
                losses = wrapper(pools[kind].next(), generator, t.timestep_shift)
            total = 0.0
            if losses.ce is not None:
                total = total + t.ce_weight * losses.ce
                ce_sum, ce_n = ce_sum + float(losses.ce.detach()), ce_n + 1
            if losses.mse is not None:
                total = total + t.mse_weight * losses.mse
                mse_sum, mse_n = mse_sum + float(losses.mse.detach()), mse_n + 1
            tokens += losses.tokens
            if torch.is_tensor(total):
                accelerator.backward(total / t.grad_accum)
        trained = [p for p in core.parameters() if p.requires_grad and p.grad is not None]
        if trained:
            accelerator.clip_grad_norm_(trained, t.max_grad_norm)
        for group in optimizer.param_groups:
            group["lr"] = t.lr * min(1.0, (step + 1) / t.warmup_steps) if t.warmup_steps else t.lr
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        step += 1
        log = StepLog(step, kind, ce_sum / ce_n if ce_n else None, mse_sum / mse_n if mse_n else None, tokens,
                      time.perf_counter() - began, trainable)
        for value in (log.ce, log.mse):
            if value is not None and not math.isfinite(value):
                raise InputError(f"training diverged at step {step} (loss {value}); lower train.lr or use dtype fp32")
        result.history.append(log)
        if on_log is not None:
            on_log(log)
        if step % t.save_every == 0 or step == t.steps:
            trainer = dict(step=step, pools={k: p.position() for k, p in pools.items()}, fingerprint=cfg.fingerprint(),
                           stage=t.stage, ce=log.ce, mse=log.mse)
            rng = {"train": generator.get_state(), "torch": torch.get_rng_state()}
            result.checkpoint = checkpoint.save(out, step, wrapper, optimizer, core.mot.cfg, start.vae, start.tokenizer, trainer, rng,
                                                lora_scale, accelerator.is_main_process)
    accelerator.wait_for_everyone()
    return result
