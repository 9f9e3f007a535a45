"""Open-air set dressing, item by item: what makes a station a station (a platform under a canopy, a clock), a
parade street a parade (bunting, a crowd behind barriers), a tea terrace a terrace (rows of bushes following
the slope). Each painter draws over the exterior's sky, land and landmarks (exteriors.py), before its near
ground; `Ground` carries the horizon and the side the landmark stands on.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass

from PIL import Image, ImageDraw

from auteur.models.draft.paint import ellipse_points, shade
from auteur.models.draft.palette import RGB, graded, mix
from auteur.models.draft.place import LocationLook
from auteur.models.draft.things import draw_thing


@dataclass
class Ground:
    img: Image.Image
    d: ImageDraw.ImageDraw
    look: LocationLook
    W: int
    H: int
    hz: float  # the horizon, in pixels
    glows: list
    rng: random.Random

    def edge_x(self, f: float) -> float:
        """A position measured from the landmark side."""
        return self.W * (f if self.look.side < 0 else 1 - f)

    def c(self, rgb: RGB, strength: float = 0.8) -> RGB:
        return graded(rgb, self.look.grade, strength)

    def haze(self, rgb: RGB, t: float = 0.4) -> RGB:
        return mix(rgb, self.look.sky_horizon, t)

    def depth(self, y: float) -> float:
        """0 at the horizon, 1 at the bottom of the frame."""
        return max(0.0, (y - self.hz) / (self.H - self.hz))


def canopy(g: Ground) -> None:
    """A station canopy: a roof on iron pillars over the platform side of the frame."""
    x0, x1 = sorted((g.edge_x(-0.02), g.edge_x(0.55)))
    top = g.H * 0.08
    iron = g.c((70, 74, 82))
    g.d.polygon([(x0, top), (x1, top), (x1, top + g.H * 0.05), (x0, top + g.H * 0.09)], fill=g.c((120, 60, 50)))
    for k in range(5):
        x = x0 + (x1 - x0) * (k + 0.5) / 5
        g.d.rectangle((x - g.H * 0.01, top + g.H * 0.07, x + g.H * 0.01, g.hz + g.H * 0.2 * (1 - k / 5)), fill=iron)
    lit = g.look.time_of_day in ("dusk", "night") and not g.look.dark
    for k in range(3):
        x = x0 + (x1 - x0) * (k + 0.5) / 3
        g.d.ellipse((x - g.H * 0.015, top + g.H * 0.1, x + g.H * 0.015, top + g.H * 0.13), fill=g.look.lit)
        if lit:
            g.glows.append((x / g.W, (top + g.H * 0.12) / g.H, 0.12, g.look.lit))


def platform(g: Ground) -> None:
    """The platform: a paved strip with its yellow safety line, running to the horizon beside the rails."""
    near_x, far_x = g.edge_x(0.42), g.edge_x(0.49)
    side_x0, side_x1 = g.edge_x(-0.05), g.edge_x(0.0)
    g.d.polygon([(side_x0, g.H), (near_x, g.H), (far_x, g.hz), (side_x1, g.hz)], fill=g.c((150, 146, 140)))
    g.d.line([(g.edge_x(0.39), g.H), (g.edge_x(0.485), g.hz)], fill=g.c((236, 200, 40)), width=max(2, g.H // 150))
    g.d.line([(near_x, g.H), (far_x, g.hz)], fill=g.c((90, 88, 86)), width=max(2, g.H // 120))


def station_clock(g: Ground) -> None:
    x, y = g.edge_x(0.3), g.H * 0.22
    g.d.line([(x, g.H * 0.12), (x, y)], fill=g.c((60, 60, 66)), width=max(2, g.H // 200))
    draw_thing(g.d, "clock", x, y + g.H * 0.1, g.H * 0.13, g.look.grade)


def bench(g: Ground) -> None:
    x, y = g.edge_x(0.22), g.hz + (g.H - g.hz) * 0.45
    wood = g.c((120, 84, 54))
    g.d.rectangle((x - g.W * 0.06, y - g.H * 0.04, x + g.W * 0.06, y - g.H * 0.03), fill=wood)
    g.d.rectangle((x - g.W * 0.06, y - g.H * 0.015, x + g.W * 0.06, y - g.H * 0.005), fill=wood)
    for s in (-1, 1):
        g.d.line([(x + s * g.W * 0.05, y - g.H * 0.005), (x + s * g.W * 0.05, y + g.H * 0.03)], fill=g.c((50, 50, 54)), width=max(1, g.H // 250))


def terraces(g: Ground) -> None:
    """Terraced hillside: curved rows of tea bushes stepping down the slope toward us, mist in the gaps."""
    leaf = g.c((60, 124, 70) if "drought" not in g.look.conditions else (150, 120, 70))
    for row in range(9):
        t = row / 8
        y = g.hz - g.H * 0.05 + (g.H - g.hz) * t ** 1.2
        bulge = g.H * 0.04 * (1 - t)
        pts = [(x, y - bulge * math.sin(math.pi * x / g.W) + g.H * 0.01 * math.sin(x / g.W * 9 + row))
               for x in range(0, g.W + 1, max(1, g.W // 48))]
        g.d.line(pts, fill=shade(leaf, 0.7 + 0.04 * row), width=max(3, int(g.H * (0.012 + 0.03 * t))))
        g.d.line([(x, y + g.H * 0.012 * (0.5 + t)) for x, y in pts], fill=mix(shade(leaf, 0.5), g.look.ground_near, 0.5),
                 width=max(1, int(g.H * 0.004 * (1 + t))))


def bunting(g: Ground) -> None:
    """Strings of triangular flags across the street, sagging between the buildings."""
    colours = [(220, 50, 50), (250, 200, 40), (50, 120, 210), (60, 170, 90), (240, 240, 240)]
    for k, top in enumerate((0.12, 0.2, 0.3)):
        y0, sag = g.H * top, g.H * 0.05
        n = 18
        pts = [(g.W * i / n, y0 + sag * math.sin(math.pi * i / n)) for i in range(n + 1)]
        g.d.line(pts, fill=g.c((60, 60, 60)), width=max(1, g.H // 400))
        for i in range(n):
            (xa, ya), (xb, yb) = pts[i], pts[i + 1]
            g.d.polygon([(xa, ya), (xb, yb), ((xa + xb) / 2, (ya + yb) / 2 + g.H * 0.04)], fill=g.c(colours[(i + k) % len(colours)]))


def crowd(g: Ground) -> None:
    """Onlookers lining both sides of the street: heads and shoulders in rows, in many coats."""
    coats = [(180, 60, 60), (60, 90, 160), (220, 180, 60), (70, 130, 90), (120, 90, 140), (200, 200, 196), (60, 60, 66)]
    for side in (0.0, 1.0):
        for row in range(3):
            y = g.hz + (g.H - g.hz) * (0.1 + 0.12 * row)
            size = g.H * (0.035 + 0.015 * row)
            x = g.W * (side * 0.8) + size * (row % 2)
            while x < g.W * (side * 0.8 + 0.2):
                coat = g.c(g.rng.choice(coats))
                g.d.ellipse((x - size, y - size * 0.3, x + size, y + size * 1.4), fill=coat)
                g.d.ellipse((x - size * 0.45, y - size * 1.1, x + size * 0.45, y - size * 0.2), fill=g.c(g.rng.choice([(230, 190, 160), (170, 120, 90), (110, 76, 56)])))
                x += size * 1.6


def barriers(g: Ground) -> None:
    for side in (0.0, 1.0):
        y = g.hz + (g.H - g.hz) * 0.42
        x0, x1 = g.W * side * 0.78, g.W * (side * 0.78 + 0.22)
        g.d.rectangle((x0, y - g.H * 0.05, x1, y - g.H * 0.04), fill=g.c((200, 200, 204)))
        for k in range(6):
            x = x0 + (x1 - x0) * k / 5
            g.d.line([(x, y - g.H * 0.05), (x, y + g.H * 0.02)], fill=g.c((160, 160, 166)), width=max(1, g.H // 250))


def string_lights(g: Ground) -> None:
    lit = g.look.time_of_day in ("dusk", "night") and not g.look.dark
    for y0 in (0.16, 0.26):
        n = 14
        pts = [(g.W * i / n, g.H * y0 + g.H * 0.05 * math.sin(math.pi * i / n)) for i in range(n + 1)]
        g.d.line(pts, fill=g.c((50, 50, 50)), width=max(1, g.H // 400))
        for i, (x, y) in enumerate(pts[1:-1]):
            colour = ((255, 200, 90), (255, 120, 60), (120, 200, 255))[i % 3] if lit else (150, 140, 120)
            g.d.ellipse((x - g.H * 0.008, y, x + g.H * 0.008, y + g.H * 0.02), fill=colour)
            if lit and i % 3 == 0:
                g.glows.append((x / g.W, (y + g.H * 0.01) / g.H, 0.04, colour))


def stalls(g: Ground) -> None:
    """Market stalls under striped awnings along both sides, goods piled on their tables."""
    stripes = [((200, 50, 50), (240, 230, 210)), ((40, 110, 170), (240, 230, 210)), ((230, 170, 40), (120, 60, 40))]
    for k, (fx, depth) in enumerate(((0.1, 0.55), (0.3, 0.35), (0.72, 0.35), (0.9, 0.55))):
        y = g.hz + (g.H - g.hz) * depth
        w, h = g.W * 0.08 * (0.6 + depth), g.H * 0.22 * (0.6 + depth)
        x = g.W * fx
        a, b = stripes[k % len(stripes)]
        for j in range(6):
            x0 = x - w + 2 * w * j / 6
            g.d.polygon([(x0, y - h), (x0 + 2 * w / 6, y - h), (x0 + 2 * w / 6 + w * 0.05, y - h * 0.8), (x0 + w * 0.05, y - h * 0.8)],
                        fill=g.c(a if j % 2 else b))
        g.d.rectangle((x - w, y - h * 0.3, x + w, y - h * 0.2), fill=g.c((120, 84, 54)))
        for j in range(5):
            g.d.ellipse((x - w + j * w * 0.4, y - h * 0.38, x - w + j * w * 0.4 + w * 0.3, y - h * 0.28),
                        fill=g.c(((220, 120, 40), (200, 60, 50), (240, 200, 60), (110, 160, 60))[j % 4]))
        for s in (-1, 1):
            g.d.line([(x + s * w * 0.95, y - h * 0.8), (x + s * w * 0.95, y)], fill=g.c((90, 70, 50)), width=max(1, g.H // 250))


def hives(g: Ground) -> None:
    """A row of white beehive boxes along the slope."""
    for k in range(5):
        x = g.edge_x(0.45 + 0.1 * k)
        y = g.hz + (g.H - g.hz) * (0.25 + 0.05 * k)
        s = g.H * 0.05 * (0.7 + g.depth(y))
        for j in range(3):
            g.d.rectangle((x - s, y - s * (j + 1) * 0.6, x + s, y - s * j * 0.6), fill=g.c((236, 232, 214) if j % 2 else (226, 220, 196)),
                          outline=g.c((150, 140, 110)))
        g.d.rectangle((x - s * 1.15, y - s * 1.95, x + s * 1.15, y - s * 1.8), fill=g.c((120, 110, 100)))


def flowers_field(g: Ground) -> None:
    colours = [(230, 200, 60), (220, 90, 120), (240, 240, 240), (170, 110, 210)]
    if "drought" in g.look.conditions:
        colours = [(170, 140, 80), (150, 120, 70)]  # the flowers withered
    for _ in range(140):
        y = g.hz + (g.H - g.hz) * g.rng.uniform(0.1, 1.0) ** 0.7
        x, r = g.rng.random() * g.W, g.H * 0.004 * (1 + 3 * g.depth(y))
        g.d.ellipse((x - r, y - r, x + r, y + r), fill=g.c(g.rng.choice(colours)))


def pond(g: Ground) -> None:
    cx, cy = g.W * 0.5, g.hz + (g.H - g.hz) * 0.45
    water = g.c((60, 110, 130))
    g.d.ellipse((cx - g.W * 0.36, cy - g.H * 0.1, cx + g.W * 0.36, cy + g.H * 0.1), fill=shade(water, 0.8))
    g.d.ellipse((cx - g.W * 0.34, cy - g.H * 0.09, cx + g.W * 0.34, cy + g.H * 0.09), fill=water)
    for k in range(5):  # lily pads
        x, y = cx + g.W * g.rng.uniform(-0.25, 0.25), cy + g.H * g.rng.uniform(-0.05, 0.05)
        g.d.pieslice((x - g.H * 0.025, y - g.H * 0.012, x + g.H * 0.025, y + g.H * 0.012), 30, 360, fill=g.c((70, 140, 70)))


def reeds(g: Ground) -> None:
    cx, cy = g.W * 0.5, g.hz + (g.H - g.hz) * 0.45
    for k in range(30):
        side = -1 if k % 2 else 1
        x = cx + side * g.W * g.rng.uniform(0.28, 0.4)
        y = cy + g.H * g.rng.uniform(-0.06, 0.08)
        tall = g.H * g.rng.uniform(0.06, 0.12)
        g.d.line([(x, y), (x + g.W * 0.004, y - tall)], fill=g.c((90, 120, 60)), width=max(1, g.H // 250))
        g.d.ellipse((x + g.W * 0.002, y - tall, x + g.W * 0.006, y - tall + g.H * 0.02), fill=g.c((110, 80, 50)))


def arch_bridge(g: Ground) -> None:
    """An old stone bridge arching over the river in the middle distance."""
    y = g.hz + g.H * 0.08
    x0, x1 = g.W * 0.18, g.W * 0.82
    stone = g.haze(g.c((160, 150, 136)), 0.2)
    g.d.rectangle((x0, y - g.H * 0.09, x1, y - g.H * 0.02), fill=stone)
    for k in range(3):
        a, b = x0 + (x1 - x0) * (k + 0.12) / 3, x0 + (x1 - x0) * (k + 0.88) / 3
        g.d.chord((a, y - g.H * 0.07, b, y + g.H * 0.07), 180, 360, fill=shade(g.look.water or (60, 90, 120), 0.7))
        g.d.rectangle((b, y - g.H * 0.02, x0 + (x1 - x0) * (k + 1.12) / 3, y + g.H * 0.03), fill=shade(stone, 0.9))
    g.d.line([(x0, y - g.H * 0.1), (x1, y - g.H * 0.1)], fill=shade(stone, 0.75), width=max(2, g.H // 150))


def dam_wall(g: Ground) -> None:
    """A concrete dam across the valley between the mountains, the reservoir held behind it."""
    y0, y1 = g.hz - g.H * 0.12, g.hz + g.H * 0.04
    x0, x1 = g.W * 0.25, g.W * 0.75
    g.d.polygon([(x0, y0), (x1, y0), (x1 + g.W * 0.05, y1), (x0 - g.W * 0.05, y1)], fill=g.haze(g.c((190, 188, 180)), 0.2))
    for k in range(1, 6):
        x = x0 + (x1 - x0) * k / 6
        g.d.line([(x, y0), (x + (x - g.W / 2) * 0.1, y1)], fill=g.haze(g.c((150, 148, 140)), 0.2), width=max(1, g.H // 300))
    g.d.rectangle((x0, y0 - g.H * 0.01, x1, y0), fill=g.haze(g.c((120, 140, 160)), 0.2))


def big_tree(g: Ground) -> None:
    """One great old tree on the near side of the frame, its trunk hollowed at the foot."""
    x, base = g.edge_x(0.22), g.hz + (g.H - g.hz) * 0.6
    bark = g.c((100, 70, 46))
    w = g.W * 0.09
    g.d.polygon([(x - w * 1.4, base), (x - w * 0.7, g.H * 0.25), (x + w * 0.7, g.H * 0.25), (x + w * 1.4, base)], fill=bark)
    g.d.ellipse((x - w * 0.45, base - g.H * 0.2, x + w * 0.45, base - g.H * 0.01), fill=(30, 22, 18))
    leaf = (200, 210, 218) if g.look.weather == "snow" else (150, 118, 64) if "drought" in g.look.conditions else (50, 100, 56)
    for dx, dy, r in ((0, -0.02, 0.2), (-0.14, 0.06, 0.14), (0.14, 0.05, 0.15), (-0.06, -0.1, 0.13), (0.08, -0.08, 0.12)):
        cx, cy = x + dx * g.W, g.H * (0.16 + dy)
        g.d.ellipse((cx - r * g.W * 0.6, cy - r * g.H * 0.6, cx + r * g.W * 0.6, cy + r * g.H * 0.6), fill=g.c(leaf))
    for s in (-1, 1):
        g.d.line([(x + s * w, base), (x + s * w * 2.2, base + g.H * 0.03)], fill=shade(bark, 0.9), width=max(3, g.H // 60))


def beach_umbrella(g: Ground) -> None:
    x, y = g.edge_x(0.7), g.hz + (g.H - g.hz) * 0.7
    g.d.line([(x, y), (x, y - g.H * 0.2)], fill=g.c((230, 230, 230)), width=max(2, g.H // 200))
    g.d.pieslice((x - g.W * 0.09, y - g.H * 0.27, x + g.W * 0.09, y - g.H * 0.13), 180, 360, fill=g.c((220, 60, 60)))
    for k in range(3):
        a = 180 + 20 + k * 55
        g.d.pieslice((x - g.W * 0.09, y - g.H * 0.27, x + g.W * 0.09, y - g.H * 0.13), a, a + 20, fill=g.c((245, 240, 230)))
    g.d.polygon(ellipse_points(x - g.W * 0.05, y + g.H * 0.02, g.W * 0.06, g.H * 0.015, 0, 360, 12), fill=g.c((40, 110, 190)))


ITEMS: dict[str, Callable[[Ground], None]] = {
    "canopy": canopy, "platform": platform, "station_clock": station_clock, "bench": bench, "terraces": terraces,
    "bunting": bunting, "crowd": crowd, "barriers": barriers, "string_lights": string_lights, "stalls": stalls,
    "hives": hives, "flowers_field": flowers_field, "pond": pond, "reeds": reeds, "arch_bridge": arch_bridge,
    "dam_wall": dam_wall, "big_tree": big_tree, "beach_umbrella": beach_umbrella,
}
