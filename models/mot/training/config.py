"""The `auteur train` configuration: a TOML file, validated into typed sections with one-line errors.

    [model]  where the weights start (a BAGEL checkpoint, or a Qwen2 text model plus a FLUX
             autoencoder), precision, activation checkpointing, LoRA
    [data]   auteur run directories and/or JSONL film documents, sequence length, image sizes
    [train]  stage (1 or 2), steps, optimiser, loss weights, stage-2 mixing ratio, checkpoints
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from auteur.core import tomlload as toml
from auteur.core.errors import InputError


class Strict(BaseModel):
    # strict: `steps = "100"` or `lr = true` is refused, not converted
    model_config = ConfigDict(extra="forbid", strict=True)


class LoraSettings(Strict):
    rank: int = Field(default=16, ge=1, le=1024)
    alpha: float = Field(default=32.0, gt=0)
    # Linear layers whose names end with one of these get adapters (both experts' twins match).
    targets: list[str] = Field(default_factory=lambda: ["q_proj", "k_proj", "v_proj", "o_proj",
                                                          "gate_proj", "up_proj", "down_proj"], min_length=1)


class ModelSettings(Strict):
    init: Literal["bagel", "qwen2"] = "bagel"
    path: str  # a BAGEL checkpoint directory or hub id; or a Qwen2 model directory
    vae: str | None = None  # ae.safetensors (FLUX autoencoder); required when init = "qwen2"
    dtype: Literal["fp32", "bf16"] = "fp32"  # bf16: mixed precision (fp32 master weights, bf16 compute)
    activation_checkpointing: bool = False
    freeze_vit: bool = True  # SigLIP stays as released; its connector trains with the understanding expert
    lora: LoraSettings | None = None

    @model_validator(mode="after")
    def _qwen_needs_vae(self) -> ModelSettings:
        if self.init == "qwen2" and not self.vae:
            raise ValueError("init = \"qwen2\" needs vae = PATH to a FLUX ae.safetensors (a text model has no autoencoder)")
        return self


class DataSettings(Strict):
    runs: list[str] = Field(default_factory=list)  # auteur run directories (script.json + keyframes)
    jsonl: list[str] = Field(default_factory=list)  # film documents, one per line (README: outside data)
    images: str | None = None  # the folder JSONL image paths are relative to (default: the JSONL's folder)
    seq_len: int = Field(default=4096, ge=64, le=1 << 20)
    keyframe_side: int = Field(default=512, ge=16, le=4096)  # the long side keyframes are trained at
    # Reference pictures are sized as the director sizes them at inference (BAGEL's resize rule):
    reference_side: int = Field(default=1024, ge=16, le=4096)  # VAE: long edge at most
    reference_min_side: int = Field(default=512, ge=8, le=4096)  # VAE: short edge at least
    vit_side: int = Field(default=980, ge=8, le=4096)  # ViT: long edge at most
    vit_min_side: int = Field(default=224, ge=8, le=4096)  # ViT: short edge at least

    @model_validator(mode="after")
    def _some_data(self) -> DataSettings:
        if not self.runs and not self.jsonl:
            raise ValueError("no data: give runs = [RUN_DIR, ...] and/or jsonl = [FILE, ...]")
        return self


class TrainSettings(Strict):
    stage: Literal[1, 2] = 1
    steps: int = Field(default=1000, ge=1)
    lr: float = Field(default=2e-5, gt=0, le=1)
    warmup_steps: int = Field(default=0, ge=0)
    weight_decay: float = Field(default=0.0, ge=0)
    max_grad_norm: float = Field(default=1.0, gt=0)
    grad_accum: int = Field(default=1, ge=1, le=1024)
    ce_weight: float = Field(default=0.25, ge=0)  # BAGEL weighs text CE below the flow MSE
    mse_weight: float = Field(default=1.0, ge=0)
    timestep_shift: float = Field(default=1.0, gt=0)
    script_ratio: float = Field(default=0.5, ge=0, le=1)  # stage 2: share of steps on script-only samples
    seed: int = 0
    save_every: int = Field(default=500, ge=1)
    log_every: int = Field(default=10, ge=1)
    out: str = "train-out"


class TrainConfig(Strict):
    model: ModelSettings
    data: DataSettings
    train: TrainSettings = Field(default_factory=TrainSettings)
    source: Path | None = Field(default=None, exclude=True)

    def resolve(self, value: str) -> Path:
        """A path from the config, relative to the config file's folder."""
        p = Path(value).expanduser()
        return p if p.is_absolute() or self.source is None else self.source.parent / p

    def fingerprint(self) -> str:
        """What a checkpoint must share with the config to be resumed: all but length and logging."""
        data = self.model_dump(mode="json")
        for key in ("steps", "save_every", "log_every", "out"):
            data["train"].pop(key)
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]


def load_train_config(path: str | Path) -> TrainConfig:
    """Read and validate a training config; every problem is one line naming the file and field."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"training config {path} does not exist")
    data = toml.read(path, f"training config {path}")
    try:
        cfg = TrainConfig.model_validate(data)
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(top level)"
        raise InputError(f"training config {path}: {where}: {first['msg']}") from None
    return cfg.model_copy(update={"source": path.resolve()})
