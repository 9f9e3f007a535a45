"""Training checkpoints that are also director checkpoints.

    OUT/checkpoints/step-000200/
        llm_config.json, vit_config.json, ema.safetensors, ae.safetensors, tokenizer files
                                 BAGEL's layout: `--director mot:OUT/checkpoints/step-000200` loads it
        lora.safetensors         the adapters alone (LoRA runs: ema.safetensors holds them merged)
        optimizer.safetensors    every optimiser state tensor, keyed PARAMETER::STATE
        optimizer.json           the parameter groups (hyper-parameters and parameter names)
        rng.safetensors          the training generator's and torch's RNG states
        trainer.json             step, data positions, config fingerprint

No pickle anywhere: tensors go to safetensors, scalars to JSON. A checkpoint is written into a
hidden `.partial` folder and renamed into place, so a killed run never leaves a half checkpoint
that looks whole. State dicts go through torch.distributed.checkpoint's full-state-dict API, which
gathers FSDP shards and is a plain state_dict in a single process.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

import torch
from safetensors.torch import load_file, save_file

from auteur.core.errors import InputError
from auteur.models.mot import loading
from auteur.models.mot.training.lora import merge
from auteur.models.mot.vae import diffusers_to_ldm

STEP_DIR = re.compile(r"^step-(\d{6,})$")
PREFIX = "mot."


def _options(**kw):
    from torch.distributed.checkpoint.state_dict import StateDictOptions

    return StateDictOptions(full_state_dict=True, cpu_offload=True, **kw)


def latest(out: Path) -> Path | None:
    """The newest complete checkpoint under OUT/checkpoints, or None."""
    root = out / "checkpoints"
    if not root.is_dir():
        return None
    found = [(int(m.group(1)), p) for p in root.iterdir() if (m := STEP_DIR.match(p.name)) and (p / "trainer.json").is_file()]
    return max(found)[1] if found else None


def save(out: Path, step: int, wrapper: torch.nn.Module, optimizer: torch.optim.Optimizer, cfg, vae: Any, tokenizer: Any,
         trainer: dict[str, Any], rng: dict[str, torch.Tensor], lora_scale: float | None, is_main: bool = True) -> Path:
    """Write the checkpoint of `step` (every rank must call this: FSDP gathers; only the main rank writes)."""
    from torch.distributed.checkpoint.state_dict import get_state_dict

    msd, osd = get_state_dict(wrapper, getattr(optimizer, "optimizer", optimizer), options=_options())
    final = out / "checkpoints" / f"step-{step:06d}"
    if not is_main:
        return final
    weights = {k.removeprefix(PREFIX): v for k, v in msd.items()}
    merged = merge(weights, lora_scale) if lora_scale is not None else weights
    tmp = final.with_name(f".{final.name}.partial")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    (tmp / "llm_config.json").write_text(json.dumps(cfg.llm_json(), indent=2) + "\n", "utf-8")
    if cfg.vit is not None:
        (tmp / "vit_config.json").write_text(json.dumps(cfg.vit_json(), indent=2) + "\n", "utf-8")
    _tensors(tmp / "ema.safetensors", loading.auteur_to_bagel(merged))
    _tensors(tmp / "ae.safetensors", diffusers_to_ldm(vae.state_dict()))
    tokenizer.save_pretrained(str(tmp))
    if lora_scale is not None:
        _tensors(tmp / "lora.safetensors", {k: v for k, v in weights.items() if ".lora_" in k})
    _tensors(tmp / "optimizer.safetensors", {f"{name}::{key}": value for name, state in osd["state"].items()
                                              for key, value in state.items() if torch.is_tensor(value)})
    groups = [{k: (list(v) if isinstance(v, tuple) else v) for k, v in g.items()} for g in osd["param_groups"]]
    (tmp / "optimizer.json").write_text(json.dumps({"param_groups": groups}) + "\n", "utf-8")
    _tensors(tmp / "rng.safetensors", rng)
    (tmp / "trainer.json").write_text(json.dumps(trainer, indent=2) + "\n", "utf-8")
    for f in tmp.iterdir():
        with open(f, "rb") as fh:
            os.fsync(fh.fileno())
    if final.exists():
        old = final.with_name(f".{final.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        os.replace(final, old)
        shutil.rmtree(old)
    os.replace(tmp, final)
    return final


def _tensors(path: Path, tensors: dict[str, torch.Tensor]) -> None:
    # clone: parameters may be views of one fused projection, and safetensors refuses shared storage
    save_file({k: v.detach().cpu().clone() for k, v in tensors.items()}, str(path))


def load(path: Path, wrapper: torch.nn.Module, optimizer: torch.optim.Optimizer, cfg, lora: bool,
         sharded: bool = False) -> tuple[dict, dict]:
    """Restore weights (the adapters when `lora`: the base is the frozen start) and optimiser state.

    `wrapper` is the unwrapped TrainingModel unless `sharded` (FSDP), where it is the FSDP module.
    Returns trainer.json's contents and the RNG states."""
    from torch.distributed.checkpoint.state_dict import set_state_dict

    try:
        if lora:
            msd = {PREFIX + k: v for k, v in load_file(str(path / "lora.safetensors")).items()}
        else:
            raw = load_file(str(path / "ema.safetensors"))
            msd = {PREFIX + k: v for k, v in loading.bagel_to_auteur(raw, cfg).items()}
        flat = load_file(str(path / "optimizer.safetensors"))
        groups = json.loads((path / "optimizer.json").read_text("utf-8"))["param_groups"]
        trainer = json.loads((path / "trainer.json").read_text("utf-8"))
        rng = load_file(str(path / "rng.safetensors"))
    except (OSError, ValueError, json.JSONDecodeError) as err:
        raise InputError(f"checkpoint {path}: cannot be resumed ({str(err).splitlines()[0]}); "
                         f"delete it to resume from the one before") from None
    state: dict[str, dict[str, torch.Tensor]] = {}
    for key, value in flat.items():
        name, _, field = key.rpartition("::")
        state.setdefault(name, {})[field] = value
    for g in groups:
        if "betas" in g:
            g["betas"] = tuple(g["betas"])
    opt = getattr(optimizer, "optimizer", optimizer)
    if sharded:
        set_state_dict(wrapper, opt, model_state_dict=msd, optim_state_dict={"state": state, "param_groups": groups},
                       options=_options(strict=not lora))
        return trainer, rng
    # In one process (and under DDP) the plain load_state_dict path: the distributed helper first
    # "initialises" an empty optimiser with a zero-lr step, which is not bit-neutral for experts
    # that a stage-2 run freezes in turn.
    result = wrapper.load_state_dict(msd, strict=not lora)
    if lora and result.unexpected_keys:
        raise InputError(f"checkpoint {path}: adapter {result.unexpected_keys[0]} does not fit model.lora's settings")
    names = {id(p): n for n, p in wrapper.named_parameters()}
    index: dict[str, int] = {}
    native_groups = []
    for saved, group in zip(groups, opt.param_groups):
        ids = []
        for p in group["params"]:
            index[names[id(p)]] = len(index)
            ids.append(index[names[id(p)]])
        native_groups.append({**saved, "params": ids})
    unknown = [name for name in state if name not in index]
    if unknown or len(groups) != len(opt.param_groups):
        raise InputError(f"checkpoint {path}: optimiser state for {unknown[0] if unknown else 'its groups'} does not "
                         f"fit this model; was model.lora or model.freeze_vit changed?")
    opt.load_state_dict({"state": {index[n]: s for n, s in state.items()}, "param_groups": native_groups})
    return trainer, rng
