"""Pictures in and out of the director model: BAGEL's aspect-preserving resizes and pixel ranges.

BAGEL sizes every input picture with one rule (its `MaxLongEdgeMinShortEdgeResize`): scale so the
long edge is at most `max_size` (never enlarging for that), then at least `min_size` on the short
edge, then within `max_pixels`, each side rounded to a multiple of `stride`. Reference pictures for
the VAE use 1024/512/16, for the ViT 980/224/14.
"""

from __future__ import annotations

import numpy as np
import torch
from PIL import Image

from auteur.core.errors import InputError

VAE_SIZES = (1024, 512, 16)  # max long edge, min short edge, stride
VIT_SIZES = (980, 224, 14)
MAX_PIXELS = 14 * 14 * 9 * 1024


def bagel_size(width: int, height: int, max_size: int, min_size: int, stride: int,
               max_pixels: int = MAX_PIXELS) -> tuple[int, int]:
    """(width, height) BAGEL resizes a width x height picture to."""
    def divisible(v: float) -> int:
        return max(stride, int(round(v / stride) * stride))

    def scaled(w: float, h: float, s: float) -> tuple[int, int]:
        return divisible(round(w * s)), divisible(round(h * s))

    scale = max(min(max_size / max(width, height), 1.0), min_size / min(width, height))
    w, h = scaled(width, height, scale)
    if w * h > max_pixels:
        w, h = scaled(w, h, max_pixels / (w * h))
    if max(w, h) > max_size:
        w, h = scaled(w, h, max_size / max(w, h))
    return w, h


def check_vit_side(limit: int, vit_side: int, vit_min_side: int, stride: int, what: str) -> None:
    """Refuse a ViT picture size whose patches would fall outside the checkpoint's position tables
    (`limit`: MoT.vit_side_limit()), in one line naming the setting."""
    side = bagel_size(vit_side, vit_side, vit_side, vit_min_side, stride)[0]
    if side > limit:
        raise InputError(f"{what} {vit_side}: pictures would be {side} pixels a side, and the checkpoint's ViT "
                         f"has positions for at most {limit}; set it to {limit} or less")


def bagel_resize(picture: Image.Image, max_size: int, min_size: int, stride: int) -> Image.Image:
    w, h = bagel_size(picture.width, picture.height, max_size, min_size, stride)
    return picture if (w, h) == picture.size else picture.resize((w, h), Image.BICUBIC)


def to_tensor(picture: Image.Image) -> torch.Tensor:
    """RGB picture -> [3, H, W] in [-1, 1]."""
    return torch.from_numpy(np.asarray(picture, dtype=np.float32) / 127.5 - 1.0).permute(2, 0, 1).contiguous()


def to_picture(image: torch.Tensor) -> Image.Image:
    """[3, H, W] in [-1, 1] -> RGB picture."""
    pixels = ((image.permute(1, 2, 0).cpu().float().numpy() * 0.5 + 0.5) * 255).round().clip(0, 255).astype(np.uint8)
    return Image.fromarray(pixels)
