"""Tiny random UniAVGen transformers and checkpoints in the published layout, for tests."""

from __future__ import annotations

from pathlib import Path

import torch

from auteur.models.uniavgen.conditions import Conditions
from auteur.models.uniavgen.config import UniAVGenConfig
from auteur.models.uniavgen.loading import random_weights, save_transformer
from auteur.models.uniavgen.model import UniAVGen


def randomise(model: UniAVGen, seed: int, interaction: bool = True) -> UniAVGen:
    """Every parameter random (see `random_weights`), in eval mode."""
    return random_weights(model, seed, interaction).eval()


def tiny_model(seed: int = 0, interaction: bool = True, **overrides) -> UniAVGen:
    return randomise(UniAVGen(UniAVGenConfig.tiny(**overrides)), seed, interaction)


def write_tiny_transformer(directory: str | Path, seed: int = 0, **overrides) -> UniAVGenConfig:
    """config.json, diffusion_pytorch_model.safetensors.index.json and two shards of a random tiny model
    (`overrides`: fields of UniAVGenConfig.tiny(), e.g. the real VAE's 48 channels)."""
    model = tiny_model(seed, **overrides)
    save_transformer(model, directory, shards=2)
    return model.config


def conditions(cfg: UniAVGenConfig, seed: int = 0, h: int = 4, w: int = 6, **fields) -> Conditions:
    g = torch.Generator().manual_seed(seed)
    values = dict(video_text=torch.randn(5, cfg.text_dim, generator=g),
                  chars=torch.tensor([3, 7, 1, 12, 5, -1, -1, -1, -1, -1]),
                  ref_image=torch.randn(cfg.in_dim, 1, h, w, generator=g))
    return Conditions(**{**values, **fields})


def noise(cfg: UniAVGenConfig, seed: int = 1, frames: int = 3, h: int = 4, w: int = 6, mel_frames: int = 30):
    g = torch.Generator().manual_seed(seed)
    return (torch.randn(cfg.in_dim, frames, h, w, generator=g), torch.randn(mel_frames, cfg.in_audio_dim, generator=g))
