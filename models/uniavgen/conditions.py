"""What one model pass is conditioned on, for one shot (no batch dimension)."""

from __future__ import annotations

from dataclasses import dataclass

import torch


@dataclass(frozen=True)
class Conditions:
    video_text: torch.Tensor  # [L <= text_len, text_dim] umT5 embedding of the shot's prompt
    chars: torch.Tensor  # [N] long: speech text as vocabulary ids, -1 = padding (char_embedding.pad_char_ids)
    ref_image: torch.Tensor  # [C, 1, h, w] VAE latent of the reference picture
    cond_video: torch.Tensor | None = None  # [C, Fc, h, w] latent frames the video starts with; None: ref_image
    ref_mel: torch.Tensor | None = None  # [Tr, mel] normalised mel of the reference voice (RAVG)
    cond_mel: torch.Tensor | None = None  # [Tc, mel] normalised mel the audio starts with (A2V)
    char_len: int | None = None  # speech-text tokens attended to (None: all N)

    @property
    def video_frames(self) -> torch.Tensor:
        """The latent frames the video is pinned to."""
        return self.ref_image if self.cond_video is None else self.cond_video
