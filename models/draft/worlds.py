"""Places off the Earth's open air: the sea floor under its water column, and open space. Mars is an exterior
with its own sky, ground and landmarks (place.py, exteriors.py). Here too is what a window shows of the world
outside it (a porthole on the deep sea, stars from a station, rain on the glass), so an interior's window never
shows a sunset its conditions rule out. Layout comes from the look's variant, never from the seed.
"""

from __future__ import annotations

import math
import random

from PIL import Image, ImageDraw

from auteur.models.draft.palette import graded, mix, stable_hash
from auteur.models.draft.paint import ellipse_points, gradient, shade
from auteur.models.draft.place import LocationLook


def underwater(img: Image.Image, d: ImageDraw.ImageDraw, look: LocationLook, W: int, H: int, glows) -> None:
    """The sea floor: a water column lit from above with shafts of light, sand, rocks, weed, a wreck if boats."""
    rng = random.Random(look.variant)
    hz = look.horizon * H + H * 0.08  # the seabed's far edge sits lower than a land horizon: more water, no sky
    img.paste(gradient((W, int(hz) + 2), look.sky_top, look.sky_horizon), (0, 0))
    _shafts(img, look, W, H, hz, rng)
    img.paste(gradient((W, H - int(hz)), mix(look.ground_far, look.sky_horizon, 0.45), look.ground_near), (0, int(hz)))
    ridge = [(x, hz - H * 0.015 * (1 + math.sin(x / W * 9 + look.variant % 5))) for x in range(0, W + 1, max(1, W // 40))]
    d.polygon([(0, hz + 2), *ridge, (W, hz + 2)], fill=mix(look.ground_far, look.sky_horizon, 0.55))
    if "boats" in look.landmarks:  # a wreck on its side in the distance
        x, y, s = W * (0.5 - 0.3 * look.side), hz + H * 0.02, H * 0.08
        hull = mix((70, 60, 50), look.sky_horizon, 0.5)
        d.polygon([(x - s * 2.4, y), (x + s * 2.2, y - s * 0.3), (x + s * 1.8, y + s * 0.5), (x - s * 2, y + s * 0.6)], fill=hull)
        d.line([(x - s * 0.2, y), (x + s * 0.8, y - s * 1.8)], fill=hull, width=max(2, H // 200))
    for k in range(5):  # rocks on the seabed, near ones bigger
        x, y = W * rng.uniform(0.0, 1.0), hz + (H - hz) * rng.uniform(0.2, 0.9)
        r = H * (0.03 + 0.05 * (y - hz) / (H - hz))
        d.polygon(ellipse_points(x, y, r * 1.4, r * 0.8, 180, 360, 10), fill=shade(mix(look.ground_near, (70, 76, 86), 0.5), 0.9 - 0.05 * k))
    weed = graded((46, 120, 84), look.grade, 0.6)
    for _ in range(9):  # kelp: wavy stalks swaying up from the floor
        x, y = W * rng.random(), hz + (H - hz) * rng.uniform(0.1, 0.95)
        tall = H * rng.uniform(0.15, 0.4) * (0.5 + (y - hz) / (H - hz))
        pts = [(x + W * 0.01 * math.sin(t * 5 + x), y - tall * t) for t in (i / 10 for i in range(11))]
        d.line(pts, fill=weed, width=max(2, int(H * 0.008)))
    fish = mix(look.sky_horizon, (220, 230, 236), 0.35)
    for _ in range(6):  # a few fish far off, as silhouettes
        x, y, s = W * rng.random(), hz * rng.uniform(0.3, 0.9), H * rng.uniform(0.01, 0.02)
        d.ellipse((x - s * 1.6, y - s * 0.6, x + s * 1.6, y + s * 0.6), fill=fish)
        d.polygon([(x + s * 1.4, y), (x + s * 2.4, y - s * 0.7), (x + s * 2.4, y + s * 0.7)], fill=fish)


def _shafts(img: Image.Image, look: LocationLook, W: int, H: int, hz: float, rng: random.Random) -> None:
    """Sunlight falling through the water in pale slanting bands, fading with depth."""
    mask = Image.new("L", (W, H))
    md = ImageDraw.Draw(mask)
    for _ in range(5):
        x, w, lean = W * rng.uniform(0.0, 1.0), W * rng.uniform(0.02, 0.06), W * rng.uniform(0.05, 0.15)
        md.polygon([(x, 0), (x + w, 0), (x + w * 2.5 + lean, hz), (x + lean, hz)], fill=38)
    img.paste(mix(look.sky_top, (255, 255, 255), 0.5), (0, 0), mask)


def space(img: Image.Image, d: ImageDraw.ImageDraw, look: LocationLook, W: int, H: int, glows) -> None:
    """Open space: a starfield, the Earth's limb below, and grey moon ground when the place names craters."""
    rng = random.Random(look.variant)
    img.paste(gradient((W, H), look.sky_top, look.sky_horizon), (0, 0))
    stars = random.Random(stable_hash("space-stars", str(look.variant)))
    for _ in range(260):
        x, y, r = stars.random() * W, stars.random() * H, stars.choice((1, 1, 1.5, 2.2)) * H / 900
        d.ellipse((x - r, y - r, x + r, y + r), fill=stars.choice(((236, 238, 246), (255, 236, 200), (200, 214, 255))))
    if "craters" in look.landmarks:  # standing on a moon
        hz = look.horizon * H
        img.paste(gradient((W, H - int(hz)), look.ground_far, look.ground_near), (0, int(hz)))
        for _ in range(8):
            y = rng.uniform(hz + H * 0.03, H * 0.95)
            x, r = rng.random() * W, H * 0.02 * (1 + 5 * (y - hz) / H)
            d.ellipse((x - r, y - r * 0.3, x + r, y + r * 0.3), fill=shade(look.ground_near, 0.75), outline=shade(look.ground_near, 1.15))
        return
    # the Earth's limb: a great blue curve low in the frame, its rim of air glowing
    cx, r = W * (0.5 + 0.35 * look.side), H * 1.6
    cy = H * 0.78 + r
    d.ellipse((cx - r - H * 0.012, cy - r - H * 0.012, cx + r + H * 0.012, cy + r + H * 0.012), fill=(120, 180, 240))
    d.ellipse((cx - r, cy - r, cx + r, cy + r), fill=(36, 84, 160))
    for _ in range(12):  # cloud bands on the planet
        a = rng.uniform(-1.2, 1.2) - math.pi / 2
        x, y = cx + r * 0.96 * math.cos(a), cy + r * 0.96 * math.sin(a)
        d.ellipse((x - H * 0.06, y - H * 0.01, x + H * 0.06, y + H * 0.012), fill=(226, 232, 240))
    sx, sy = W * (0.5 - 0.38 * look.side), H * 0.18  # the sun, a hard white point: no air to soften it
    glows.append((sx / W, sy / H, 0.12, (255, 250, 236)))
    d.ellipse((sx - H * 0.02, sy - H * 0.02, sx + H * 0.02, sy + H * 0.02), fill=(255, 255, 250))


def window_view(img: Image.Image, d: ImageDraw.ImageDraw, look: LocationLook, box: tuple[float, float, float, float],
                rng: random.Random, round_: bool = False) -> None:
    """What a window or porthole shows: water and bubbles, stars, a pink Martian sky, or the weather outside."""
    x0, y0, x1, y1 = box
    w, h = int(x1 - x0), int(y1 - y0)
    if w < 2 or h < 2:
        return
    pane = gradient((w, h), look.sky_top, look.sky_horizon)
    pd = ImageDraw.Draw(pane)
    if look.world == "underwater":
        for _ in range(max(3, w * h // 900)):
            bx, by, r = rng.random() * w, rng.random() * h, rng.uniform(0.01, 0.035) * h
            pd.ellipse((bx - r, by - r, bx + r, by + r), outline=(200, 230, 240), width=max(1, int(r / 4)))
    elif look.world == "space" or look.time_of_day == "night" and look.weather == "clear":
        for _ in range(max(4, w * h // 600)):
            sx_, sy_ = rng.random() * w, rng.random() * h * 0.8
            pd.ellipse((sx_ - 1, sy_ - 1, sx_ + 1, sy_ + 1), fill=(220, 224, 236))
    elif look.world == "mars":
        pd.rectangle((0, h * 0.62, w, h), fill=look.ground_far)
    else:
        if {"tower", "lighthouse", "sea"} & set(look.landmarks):
            pd.rectangle((0, h * 0.65, w, h), fill=graded((52, 92, 124), look.grade))
        if look.weather in ("rain", "storm"):
            for _ in range(max(6, w * h // 250)):
                rx, ry, n = rng.random() * w, rng.random() * h, h * rng.uniform(0.05, 0.12)
                pd.line([(rx, ry), (rx - n * 0.2, ry + n)], fill=mix(look.sky_horizon, (230, 236, 244), 0.5), width=1)
        elif look.weather == "snow":
            for _ in range(max(6, w * h // 300)):
                rx, ry, r = rng.random() * w, rng.random() * h, max(1.0, h * 0.012)
                pd.ellipse((rx - r, ry - r, rx + r, ry + r), fill=(245, 246, 250))
    if "cold" in look.conditions:  # frost creeping in from the pane's lower corners, in feathery strokes
        frost = mix(look.sky_horizon, (236, 242, 250), 0.7)
        for cx_ in (0, w):
            for k in range(9):
                length = min(w, h) * rng.uniform(0.12, 0.3)
                a = (k / 8) * 1.5708
                dx = length * math.cos(a) * (1 if cx_ == 0 else -1)
                pd.line([(cx_, h), (cx_ + dx, h - length * math.sin(a))], fill=frost, width=max(1, h // 60))
    mask = None
    if round_:
        mask = Image.new("L", (w, h))
        ImageDraw.Draw(mask).ellipse((0, 0, w - 1, h - 1), fill=255)
    img.paste(pane, (int(x0), int(y0)), mask)
