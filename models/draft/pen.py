"""The draft painter's pen: draws in a figure's own units (height 1, x centred) onto a pixel canvas, in the light
of the place, with the ink every outline shares. Figures, faces and insert props are all drawn with it.
"""

from __future__ import annotations

from collections.abc import Sequence

from PIL import ImageDraw

from auteur.models.draft.palette import RGB, graded, mix
from auteur.models.draft.paint import ellipse_points

INK = (24, 20, 26)

class Pen:
    """Draws in a figure's own units (height 1, x centred) onto a pixel canvas, in the light of the place."""

    def __init__(self, d: ImageDraw.ImageDraw, cx: float, top: float, scale: float, grade=(1.0, 1.0, 1.0), mirror: int = 1):
        self.d, self.cx, self.top, self.s, self.grade, self.mirror = d, cx, top, scale, grade, mirror
        self.edge = max(1, round(scale * 0.0045))

    def pt(self, x: float, y: float) -> tuple[float, float]:
        return self.cx + x * self.s * self.mirror, self.top + y * self.s

    def c(self, rgb: RGB) -> RGB:
        return graded(rgb, self.grade, 0.6)

    def ink(self, rgb: RGB) -> RGB:
        return mix(self.c(rgb), INK, 0.65)

    def poly(self, pts: Sequence[tuple[float, float]], fill: RGB, outline: bool = True) -> None:
        xy = [self.pt(x, y) for x, y in pts]
        self.d.polygon(xy, fill=self.c(fill), outline=self.ink(fill) if outline else None, width=self.edge if outline else 1)

    def oval(self, x: float, y: float, rx: float, ry: float, fill: RGB, outline: bool = True) -> None:
        radius = max(rx, ry) * self.s
        if radius > 160:  # PIL's ellipse walks the whole curve even far off-canvas; a fine polygon is clipped and quick
            steps = int(min(256, max(32, radius / 6)))
            self.poly(ellipse_points(x, y, rx, ry, 0, 360, steps)[:-1], fill, outline)
            return
        (x0, y0), (x1, y1) = self.pt(x - rx, y - ry), self.pt(x + rx, y + ry)
        box = (min(x0, x1), y0, max(x0, x1), max(y0, y1 + 0.01))
        self.d.ellipse(box, fill=self.c(fill), outline=self.ink(fill) if outline else None, width=self.edge)

    def rect(self, x0: float, y0: float, x1: float, y1: float, fill: RGB, radius: float = 0.0, outline: bool = True) -> None:
        (a, b), (c, d) = self.pt(x0, y0), self.pt(x1, y1)
        box = (min(a, c), min(b, d), max(a, c) + 0.01, max(b, d) + 0.01)
        self.d.rounded_rectangle(box, radius=radius * self.s, fill=self.c(fill),
                                 outline=self.ink(fill) if outline else None, width=self.edge)

    def line(self, pts: Sequence[tuple[float, float]], fill: RGB, width: float) -> None:
        self.d.line([self.pt(x, y) for x, y in pts], fill=self.c(fill), width=max(1, round(width * self.s)), joint="curve")

    def arc(self, x: float, y: float, rx: float, ry: float, a0: float, a1: float, fill: RGB, width: float) -> None:
        self.line(ellipse_points(x, y, rx, ry, a0, a1, 12), fill, width)
