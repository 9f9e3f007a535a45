"""Character embedding of the speech text for the audio branch (F5-TTS style): a table, sinusoidal
positions and ConvNeXt-V2 blocks, padding kept at zero between blocks."""

from __future__ import annotations

import torch
from torch import nn

from auteur.models.uniavgen.config import MIN_CHAR_TOKENS

MAX_POSITIONS = 4096  # positions beyond share the last one's embedding


def pad_char_ids(ids: list[int], min_len: int = MIN_CHAR_TOKENS) -> torch.Tensor:
    """Vocabulary ids as the model takes them: padded with -1 up to `min_len` (the pads are attended to)."""
    return torch.tensor(list(ids) + [-1] * max(0, min_len - len(ids)), dtype=torch.long)


def position_features(length: int, dim: int, device: torch.device | str, theta: float = 10000.0) -> torch.Tensor:
    """[cos | sin] features [length, dim] in float32."""
    inv = 1.0 / (theta ** (torch.arange(0, dim, 2, device=device)[: dim // 2].float() / dim))
    positions = torch.arange(length, device=device).clamp(max=MAX_POSITIONS - 1)
    angles = torch.outer(positions, inv).float()
    return torch.cat([torch.cos(angles), torch.sin(angles)], dim=-1)


class GRN(nn.Module):
    """Global response normalisation over the sequence."""

    def __init__(self, dim: int):
        super().__init__()
        self.gamma = nn.Parameter(torch.zeros(1, 1, dim))
        self.beta = nn.Parameter(torch.zeros(1, 1, dim))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        g = torch.norm(x, p=2, dim=1, keepdim=True)
        return self.gamma * (x * (g / (g.mean(dim=-1, keepdim=True) + 1e-6))) + self.beta + x


class ConvNeXtV2Block(nn.Module):
    def __init__(self, dim: int, hidden: int):
        super().__init__()
        self.dwconv = nn.Conv1d(dim, dim, kernel_size=7, padding=3, groups=dim)
        self.norm = nn.LayerNorm(dim, eps=1e-6)
        self.pwconv1 = nn.Linear(dim, hidden)
        self.act = nn.GELU()
        self.grn = GRN(hidden)
        self.pwconv2 = nn.Linear(hidden, dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.dwconv(x.transpose(1, 2)).transpose(1, 2)
        return x + self.pwconv2(self.grn(self.act(self.pwconv1(self.norm(y)))))


class CharEmbedding(nn.Module):
    """ids [B, N] (vocabulary ids, -1 = padding) -> features [B, N, dim]."""

    def __init__(self, vocab_size: int, dim: int, conv_layers: int, conv_mult: int):
        super().__init__()
        self.text_embed = nn.Embedding(vocab_size + 1, dim)  # row 0 is the filler for padding
        self.text_blocks = nn.Sequential(*[ConvNeXtV2Block(dim, dim * conv_mult) for _ in range(conv_layers)])

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        ids = ids + 1
        pad = (ids == 0).unsqueeze(-1)
        x = self.text_embed(ids)
        if len(self.text_blocks) == 0:
            return x
        x = (x + position_features(ids.shape[1], x.shape[-1], x.device).to(x.dtype)).masked_fill(pad, 0.0)
        for block in self.text_blocks:
            x = block(x).masked_fill(pad, 0.0)
        return x
