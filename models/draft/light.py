"""Light and air over a painted place: soft glows for lamps and windows, the lighthouse beam, fog on the
horizon, rain and snow in front of everything (the seed only moves the drops), and the vignette every picture
of a place ends with.
"""

from __future__ import annotations

import math
import random
from functools import lru_cache

from PIL import Image, ImageDraw

from auteur.models.draft.palette import RGB, mix, stable_hash
from auteur.models.draft.place import LocationLook

@lru_cache(maxsize=4)
def _radial(size: int = 64) -> Image.Image:
    """A soft round mask (white centre, black rim) for glows and vignettes."""
    mask = Image.new("L", (size, size))
    mask.putdata([max(0, int(255 * (1 - math.hypot(x - size / 2 + 0.5, y - size / 2 + 0.5) / (size / 2)) ** 2))
                  if math.hypot(x - size / 2 + 0.5, y - size / 2 + 0.5) < size / 2 else 0
                  for y in range(size) for x in range(size)])
    return mask


def glow(img: Image.Image, x: float, y: float, r: float, colour: RGB, strength: float = 0.6) -> None:
    """Add a soft light at (x, y) in pixels."""
    r = int(max(2, r))
    mask = _radial().resize((2 * r, 2 * r), Image.Resampling.BILINEAR).point(lambda v: int(v * strength))
    img.paste(colour, (int(x - r), int(y - r)), mask)


def beam(img: Image.Image, origin: tuple[float, float], look: LocationLook) -> None:
    """The lighthouse beam swept away from its side of the frame; only its bounding box is touched."""
    w, h = img.size
    x, y = origin[0] * w, origin[1] * h
    reach = -look.side * w * 0.9
    pts = [(x, y - h * 0.01), (x + reach, y - h * 0.09), (x + reach, y + h * 0.06), (x, y + h * 0.01)]
    x0, y0 = int(max(0, min(p[0] for p in pts))), int(max(0, min(p[1] for p in pts)))
    x1, y1 = int(min(w, max(p[0] for p in pts) + 1)), int(min(h, max(p[1] for p in pts) + 1))
    if x1 <= x0 or y1 <= y0:
        return
    mask = Image.new("L", (x1 - x0, y1 - y0))
    ImageDraw.Draw(mask).polygon([(px - x0, py - y0) for px, py in pts], fill=70)
    img.paste(look.lit, (x0, y0), mask)


def fog(img: Image.Image, look: LocationLook) -> None:
    w, h = img.size
    column = Image.new("L", (1, 64))
    column.putdata([int(150 * math.exp(-((i / 63 - look.horizon) / 0.18) ** 2)) for i in range(64)])
    img.paste(mix(look.sky_horizon, (220, 220, 224), 0.5), (0, 0), column.resize((w, h), Image.Resampling.BILINEAR))


# The air of a place as a veil over it: (colour, strength at the horizon, strength at the top and bottom).
HAZE = {"smoke": ((96, 88, 82), 0.45, 0.22), "dust": ((200, 164, 112), 0.5, 0.25), "heat": ((255, 240, 210), 0.28, 0.06)}


def haze(img: Image.Image, look: LocationLook) -> None:
    """Smoke, dust or heat shimmer over the whole place, thickest at the horizon."""
    for condition in look.conditions:
        if condition not in HAZE:
            continue
        colour, middle, rest = HAZE[condition]
        w, h = img.size
        column = Image.new("L", (1, 64))
        column.putdata([int(255 * (rest + (middle - rest) * math.exp(-((i / 63 - look.horizon) / 0.22) ** 2))) for i in range(64)])
        img.paste(colour, (0, 0), column.resize((w, h), Image.Resampling.BILINEAR))


def weather(img: Image.Image, look: LocationLook, seed: int) -> None:
    """Rain, snow, wind-blown streaks or rising bubbles in front of everything; the seed only moves them. Indoors
    the weather stays outside (its windows show it); bubbles are the sea's, wherever the place is in it."""
    falling = look.weather in ("rain", "storm", "snow") and not look.interior
    windy = "wind" in look.conditions and not look.interior
    bubbles = look.world == "underwater" and not look.interior
    if not (falling or windy or bubbles):
        return
    w, h = img.size
    rng = random.Random(stable_hash("weather", str(look.variant), str(seed)))
    layer = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    d = ImageDraw.Draw(layer)
    if bubbles:
        for _ in range(w * h // 9000):
            x, y, r = rng.random() * w, rng.random() * h, rng.choice((1.5, 2.5, 4, 6)) * h / 900
            d.ellipse((x - r, y - r, x + r, y + r), outline=(220, 240, 250, 170), width=max(1, int(r / 3)))
    if windy:  # long, nearly level streaks and a few leaves: the wind itself
        for _ in range(max(16, w * h // 12000)):
            x, y, length = rng.random() * w, rng.random() * h * 0.85, w * rng.uniform(0.06, 0.16)
            d.line([(x, y), (x + length, y + length * 0.08)], fill=(236, 240, 244, 110), width=max(1, h // 450))
        for _ in range(max(8, w * h // 30000)):
            x, y, r = rng.random() * w, rng.random() * h, h * 0.006
            d.ellipse((x - r * 1.6, y - r, x + r * 1.6, y + r), fill=(150, 120, 60, 220))
    if falling and look.weather == "snow":
        for _ in range(w * h // 3000):
            x, y, r = rng.random() * w, rng.random() * h, rng.choice((1, 1.5, 2.5)) * h / 900
            d.ellipse((x - r, y - r, x + r, y + r), fill=(255, 255, 255, 200))
    elif falling:
        for _ in range(w * h // (2500 if look.weather == "storm" else 4000)):
            x, y, length = rng.random() * w, rng.random() * h, h * rng.uniform(0.02, 0.05)
            d.line([(x, y), (x - length * 0.25, y + length)], fill=(210, 220, 235, 90), width=1)
    img.paste(layer, (0, 0), layer)


@lru_cache(maxsize=8)
def _vignette_mask(size: tuple[int, int]) -> Image.Image:
    small = Image.new("L", (64, 36))
    small.putdata([int(70 * max(0.0, math.hypot((x - 31.5) / 32, (y - 17.5) / 18) - 0.55) ** 1.5 / 0.55 ** 1.5 * 0.6)
                   for y in range(36) for x in range(64)])
    return small.resize(size, Image.Resampling.BILINEAR)


def vignette(img: Image.Image) -> None:
    img.paste((10, 8, 14), (0, 0), _vignette_mask(img.size))
