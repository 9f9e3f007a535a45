"""The face-mask head: a per-token heatmap in (0, 1) from video hidden states and their time embedding.

It weights the audio-to-video attention output (where speech should move the picture) and the video
tokens the audio branch reads in the video-to-audio attention.
"""

from __future__ import annotations

import torch

from auteur.models.uniavgen.layers import Head


class FaceMaskHead(Head):
    def __init__(self, dim: int, eps: float = 1e-6):
        super().__init__(dim, 1, eps)

    def forward(self, x: torch.Tensor, e: torch.Tensor) -> torch.Tensor:
        """x [B, L, C], e [B, L, C] float32 -> heatmap [B, L, 1] float32."""
        return torch.sigmoid(super().forward(x, e))
