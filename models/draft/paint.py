"""Brushwork the draft plates and figures share: no picture of its own, only `SS`, the supersampling
factor (shapes are drawn at twice the size and reduced, the cheapest anti-aliasing PIL offers), a colour
shaded toward black or white, a vertical gradient, and points along an ellipse.
"""

from __future__ import annotations

import math

import numpy as np
from PIL import Image

from auteur.models.draft.palette import RGB, mix

SS = 2  # supersampling factor


def shade(rgb: RGB, k: float) -> RGB:
    """The colour darkened toward black for k below 1, lightened toward white above it."""
    return mix(rgb, (0, 0, 0), 1 - k) if k < 1 else mix(rgb, (255, 255, 255), k - 1)


def gradient(size: tuple[int, int], top: RGB, bottom: RGB) -> Image.Image:
    """A vertical gradient: one column computed, then repeated across (a nearest-neighbour stretch is a copy)."""
    w, h = max(1, int(size[0])), max(1, int(size[1]))
    t = np.linspace(0.0, 1.0, h, dtype=np.float32)[:, None, None]
    column = np.asarray(top, np.float32) + (np.asarray(bottom, np.float32) - np.asarray(top, np.float32)) * t
    return Image.fromarray(np.rint(column).astype(np.uint8)).resize((w, h), Image.Resampling.NEAREST)


def ellipse_points(cx: float, cy: float, rx: float, ry: float, a0: float = 0, a1: float = 360, n: int = 24) -> list[tuple[float, float]]:
    """n + 1 points along the ellipse from angle a0 to a1 (degrees), ends included."""
    return [(cx + rx * math.cos(math.radians(a0 + (a1 - a0) * i / n)), cy + ry * math.sin(math.radians(a0 + (a1 - a0) * i / n)))
            for i in range(n + 1)]
