"""Rotary position tables and their application, in float64 as the reference computes them.

A table is complex [positions, head_dim / 2]. The video table splits each head into a time section
and two equal space sections (Wan's 3-D RoPE); the audio table is 1-D over the whole head. The
cross-modal layers place tokens differently: a video frame's tokens at time 0 with their (row, col),
a window of audio tokens at 0..W-1 on the time section only.
"""

from __future__ import annotations

import torch


def rope_table(length: int, dim: int, device: torch.device | str = "cpu", theta: float = 10000.0) -> torch.Tensor:
    """exp(i * p * theta^(-2j/dim)) for positions p < length, j < dim/2 (complex128)."""
    inv = 1.0 / torch.pow(theta, torch.arange(0, dim, 2, dtype=torch.float64, device=device) / dim)
    angles = torch.outer(torch.arange(length, dtype=torch.float64, device=device), inv)
    return torch.polar(torch.ones_like(angles), angles)


def video_sections(head_dim: int) -> tuple[int, int, int]:
    """Complex channels of the (time, row, col) sections of a video head."""
    c = head_dim // 2
    return c - 2 * (c // 3), c // 3, c // 3


def video_tables(head_dim: int, length: int, device: torch.device | str = "cpu") -> tuple[torch.Tensor, ...]:
    """One table per section: time over head_dim - 4*(head_dim//6) channels, row and col over 2*(head_dim//6)."""
    sixth = head_dim // 6
    return (rope_table(length, head_dim - 4 * sixth, device), rope_table(length, 2 * sixth, device),
            rope_table(length, 2 * sixth, device))


def grid_rotation(tables: tuple[torch.Tensor, ...], frames: int, rows: int, cols: int) -> torch.Tensor:
    """Rotations [frames*rows*cols, head_dim/2] for tokens laid out frame-major, then row, then col."""
    t, r, c = tables
    shape = (frames, rows, cols)
    parts = [t[:frames].view(frames, 1, 1, -1).expand(*shape, -1),
             r[:rows].view(1, rows, 1, -1).expand(*shape, -1),
             c[:cols].view(1, 1, cols, -1).expand(*shape, -1)]
    return torch.cat(parts, dim=-1).reshape(frames * rows * cols, -1)


def window_rotation(audio_table: torch.Tensor, length: int, head_dim: int) -> torch.Tensor:
    """Rotations [length, head_dim/2] for an audio window: positions 0..length-1 on the time section
    (taken from the audio table), no rotation on the row and col sections."""
    time, rest, _ = video_sections(head_dim)
    ones = torch.ones(length, 2 * rest, dtype=audio_table.dtype, device=audio_table.device)
    return torch.cat([audio_table[:length, :time], ones], dim=-1)


def rotate(x: torch.Tensor, rotation: torch.Tensor) -> torch.Tensor:
    """Apply `rotation` [S, D/2] to x [B, S, heads, D] (pairs of channels as complex numbers)."""
    b, s, h, d = x.shape
    pairs = torch.view_as_complex(x.to(torch.float64).reshape(b, s, h, d // 2, 2))
    return torch.view_as_real(pairs * rotation[None, :, None, :]).reshape(b, s, h, d).to(x.dtype)
