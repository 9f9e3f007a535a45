"""Asymmetric cross-modal attention between the branches.

Audio to video: each video latent frame's tokens attend to a window of audio tokens around the time
that frame covers (a latent frame is 4 pixel frames, the first one 1); the output is weighted by the
face-mask heatmap predicted from the video tokens. Video to audio: each audio token attends to the
face-weighted tokens of the video, interpolated between the two pixel frames around its time.
Output projections start at zero, so a fresh model's branches do not disturb each other.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import torch
from torch import nn

from auteur.models.uniavgen.attention import attend
from auteur.models.uniavgen.face_mask import FaceMaskHead
from auteur.models.uniavgen.layers import Attention
from auteur.models.uniavgen.rope import rotate

FRAMES_PER_LATENT = 4  # Wan 2.2 VAE: latent frame 0 is pixel frame 0, latent f >= 1 covers 4f-3 .. 4f


def pixel_frames(latent_frames: int) -> int:
    return FRAMES_PER_LATENT * (latent_frames - 1) + 1


def audio_windows(audio_len: int, latent_frames: int, window: int) -> torch.Tensor:
    """Indices [latent_frames, width] of the audio tokens each video latent frame attends to.

    A frame's span covers its pixel frames widened by half a window of latent frames each side;
    all spans are then brought to the widest one's width (grown away from the sequence's ends, or
    evenly inside it) and indices past either end repeat the end token.
    """
    rate = audio_len / pixel_frames(latent_frames)
    half = (window + 1 - window % 2) // 2  # an even window grows by one
    below, above = math.floor(half * rate), math.ceil(half * rate)
    spans = [(-below, 1 + above)]
    for f in range(1, latent_frames):
        start = (f - 1) * FRAMES_PER_LATENT + 1
        spans.append((math.floor(start * rate) - below, math.ceil((start + FRAMES_PER_LATENT) * rate) + above))
    width = max((e - s for s, e in spans[1:]), default=spans[0][1] - spans[0][0])
    rows = []
    for s, e in spans:
        extra = width - (e - s)
        if s < 0:
            s -= extra
        elif e >= audio_len:
            e += extra
        else:
            s, e = s - extra // 2, e + extra - extra // 2
        rows.append(torch.arange(s, e).clamp(0, audio_len - 1))
    return torch.stack(rows)


def blend_weights(audio_len: int, latent_frames: int, dtype: torch.dtype, device: torch.device) -> tuple[torch.Tensor, ...]:
    """For each audio token: the latent frames holding the pixel frames just below and above its time,
    and the weights the reference gives them (which sum to 2 where both are the last frame).

    Times are computed in `dtype`, as the reference does (bf16 rounds them on long clips).
    """
    n_pix = pixel_frames(latent_frames)
    rate = audio_len / n_pix
    time = torch.arange(audio_len, device=device).to(dtype) / rate
    below = time.floor().clamp(0, n_pix - 1)
    above = (below + 1).clamp(0, n_pix - 1)
    w_above, w_below = 1 - (above - time), 1 - (time - below)

    def latent(pixel: torch.Tensor) -> torch.Tensor:
        pixel = pixel.long()
        return torch.where(pixel == 0, 0, (pixel - 1) // FRAMES_PER_LATENT + 1)

    return latent(above), latent(below), w_above, w_below


class JointCrossAttention(Attention):
    """One direction of the audio-video interaction; `audio_to_video` adds the face-mask head."""

    def __init__(self, q_dim: int, kv_dim: int, dim: int, heads: int, qk_norm: bool, eps: float, audio_to_video: bool):
        super().__init__(dim, heads, qk_norm, eps, q_dim=q_dim, kv_dim=kv_dim)
        self.audio_to_video = audio_to_video
        if audio_to_video:
            self.mask_head = FaceMaskHead(q_dim)
        nn.init.zeros_(self.o.weight)
        nn.init.zeros_(self.o.bias)

    def face_mask(self, video: torch.Tensor, e: torch.Tensor) -> torch.Tensor:
        """Heatmap [B, L, 1] in the video's dtype."""
        return self.mask_head(video, e).to(video.dtype)

    def audio_into_video(self, video: torch.Tensor, audio: torch.Tensor, heat: torch.Tensor, grid: tuple[int, int, int],
                         window: int, frame_rope: torch.Tensor,
                         window_rope_for: Callable[[int], torch.Tensor]) -> torch.Tensor:
        """video [B, F*h*w, C] (target frames), audio [B, S, Ca], heat [B, F*h*w, 1] -> update [B, F*h*w, C].

        `window_rope_for(width)` gives the audio window's rotation; `frame_rope` [h*w, D/2] a frame's."""
        b, (f, h, w) = video.shape[0], grid
        idx = audio_windows(audio.shape[1], f, window).to(audio.device)
        q_in = video.reshape(b * f, h * w, -1)
        kv_in = audio[:, idx].reshape(b * f, idx.shape[1], -1)
        q, k, v = self.project(q_in, kv_in)
        q, k = rotate(q, frame_rope), rotate(k, window_rope_for(idx.shape[1]))
        out = self.o(attend(q, k, v) * heat.reshape(b * f, h * w, 1))
        return out.reshape(b, f * h * w, -1)

    def video_into_audio(self, audio: torch.Tensor, video: torch.Tensor, heat: torch.Tensor, grid: tuple[int, int, int],
                         frame_rope: torch.Tensor) -> torch.Tensor:
        """audio [B, S, Ca], video [B, F*h*w, C] (target frames), heat [B, F*h*w, 1] -> update [B, S, Ca].

        Keys and values are projected per latent frame and then blended per audio token: the
        projections are affine, so this equals projecting the blended frames, without an
        [S, h*w, C] tensor in video width.
        """
        b, s = audio.shape[:2]
        f, h, w = grid
        frames = (video * heat).reshape(b, f, h * w, -1)
        up, down, w_up, w_down = blend_weights(s, f, audio.dtype, audio.device)
        rest = (1 - w_up - w_down)[None, :, None, None]

        def blended(layer: nn.Linear) -> torch.Tensor:
            per_frame = layer(frames)  # [B, F, hw, D]
            return w_up[None, :, None, None] * per_frame[:, up] + w_down[None, :, None, None] * per_frame[:, down] \
                + rest * layer.bias

        q = self.norm_q(self.q(audio)).reshape(b * s, 1, self.heads, -1)  # at position 0: no rotation
        k = self.norm_k(blended(self.k)).reshape(b * s, h * w, self.heads, -1)
        v = blended(self.v).reshape(b * s, h * w, self.heads, -1)
        k = rotate(k, frame_rope)
        return self.o(attend(q, k, v)).reshape(b, s, -1)
