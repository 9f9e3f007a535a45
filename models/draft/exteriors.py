"""Exteriors: a sky (sun or moon, stars, clouds, lightning; an eclipse), far land, water and shore, the landmarks a
place's words or kind name (lighthouse, castle, city, houses, boats, trees, rails, a ship's deck, Martian mesas
and more), the conditions on the ground (drought, flood, fire), the kind's set dressing (outdoors.py) and a
textured near plane. Layout comes from the look and its variant, never from the seed, except the stars.
"""

from __future__ import annotations

import math
import random

from PIL import Image, ImageDraw

from auteur.models.draft.palette import RGB, graded, mix, stable_hash
from auteur.models.draft.outdoors import ITEMS as DRESSING
from auteur.models.draft.outdoors import Ground
from auteur.models.draft.place import LocationLook
from auteur.models.draft.paint import ellipse_points, gradient, shade

def _sky(img: Image.Image, d: ImageDraw.ImageDraw, look: LocationLook, W: int, H: int, hz: float, rng: random.Random, seed: int) -> None:
    img.paste(gradient((W, int(hz) + 2), look.sky_top, look.sky_horizon), (0, 0))
    overcast = look.weather in ("storm", "rain", "fog", "snow")
    when = look.time_of_day
    if when == "night":
        stars = random.Random(stable_hash("stars", str(look.variant), str(seed)))
        for _ in range(0 if overcast else 140):
            x, y, r = stars.random() * W, stars.random() * hz * 0.9, stars.choice((1, 1, 1.5, 2)) * H / 900
            d.ellipse((x - r, y - r, x + r, y + r), fill=(230, 232, 240))
    hazy = bool({"smoke", "dust", "fire"} & set(look.conditions))
    if "eclipse" in look.conditions and when != "night":  # the moon over the sun: a black disc in a ring of light
        x, y, r = W * (0.3 + 0.4 * rng.random()), hz * 0.4, H * 0.06
        for k, a in ((2.2, 40), (1.6, 90), (1.25, 170)):
            d.ellipse((x - r * k, y - r * k, x + r * k, y + r * k), fill=mix(look.sky_top, (255, 244, 220), a / 255))
        d.ellipse((x - r, y - r, x + r, y + r), fill=(6, 6, 10))
    elif not overcast and not hazy:
        x = W * (0.2 + 0.6 * rng.random())
        if any(m.name == "moon" for m in look.set_pieces) and when == "night":
            x = -W  # the premise's own moon is drawn as a set piece: one moon in the sky, not two
        if "heat" in look.conditions and when == "day":  # a white sun, too bright to have an edge
            r = H * 0.09
            d.ellipse((x - r * 1.6, H * 0.14 - r * 1.6, x + r * 1.6, H * 0.14 + r * 1.6), fill=mix(look.sky_top, (255, 250, 230), 0.5))
            d.ellipse((x - r, H * 0.14 - r, x + r, H * 0.14 + r), fill=(255, 252, 240))
        elif when == "night":
            r = H * 0.045
            d.ellipse((x - r, H * 0.16 - r, x + r, H * 0.16 + r), fill=(236, 234, 220))
            d.ellipse((x - r * 0.6, H * 0.16 - r * 1.05, x + r * 1.3, H * 0.16 + r * 0.9), fill=mix(look.sky_top, look.sky_horizon, 0.2))
        elif when in ("dawn", "dusk"):
            r = H * 0.08
            d.ellipse((x - r, hz - r * 0.7, x + r, hz + r * 1.3), fill=(255, 214, 150))
        else:
            r = H * 0.05
            d.ellipse((x - r, H * 0.12 - r, x + r, H * 0.12 + r), fill=(255, 246, 214))
    cloud = mix(look.sky_horizon, (255, 255, 255) if when == "day" else look.sky_top, 0.35)
    if overcast:
        cloud = mix(look.sky_top, (40, 42, 50), 0.35)
    if "eclipse" in look.conditions:  # clouds in the eclipse's dusk, not in sunlight
        cloud = mix(look.sky_top, look.sky_horizon, 0.6)
    if look.world == "mars":  # thin air: high wisps, not clouds
        cloud = mix(look.sky_horizon, (255, 240, 230), 0.2)
    for _ in range(9 if overcast else 0 if "heat" in look.conditions or "drought" in look.conditions else 4):
        cx, cy = rng.random() * W, hz * (0.12 + 0.5 * rng.random())
        for _ in range(5):
            rx, ry = W * (0.03 + 0.05 * rng.random()), H * (0.02 + 0.025 * rng.random())
            ox, oy = rx * (rng.random() * 2.4 - 1.2), ry * (rng.random() - 0.5)
            d.ellipse((cx + ox - rx, cy + oy - ry, cx + ox + rx, cy + oy + ry), fill=cloud)
    if look.weather == "storm":
        x, y = W * (0.3 + 0.4 * rng.random()), hz * 0.15
        bolt = [(x, y)]
        for _ in range(5):
            x, y = x + W * (rng.random() - 0.5) * 0.04, y + hz * 0.13
            bolt.append((x, y))
        d.line(bolt, fill=(250, 248, 220), width=max(2, H // 300))


def exterior(img, d, look: LocationLook, W: int, H: int, glows, seed: int) -> tuple[float, float] | None:
    rng = random.Random(look.variant)
    hz = look.horizon * H
    side = look.side
    edge_x = (lambda f: W * (f if side < 0 else 1 - f))  # a position measured from the landmark side
    _sky(img, d, look, W, H, hz, rng, seed)
    lm = set(look.landmarks)
    haze = lambda rgb, t=0.45: mix(rgb, look.sky_horizon, t)  # noqa: E731 - aerial perspective

    if "mountains" in lm:
        for layer, t in ((0, 0.4), (1, 0.15)):
            pts = [(0, hz)]
            peaks = 5 + layer
            for i in range(peaks):
                peak = hz - H * rng.uniform(0.14, 0.3) * (1 - 0.35 * layer)
                x = W * (i + rng.uniform(0.3, 0.7)) / peaks
                pts += [(x, peak), (W * (i + 1) / peaks, hz - H * rng.uniform(0.02, 0.08))]
            pts.append((W, hz))
            rock = haze(mix(look.ground_far, (64, 70, 88), 0.65), t)
            d.polygon(pts, fill=rock)
            snowy = look.weather == "snow" or look.ground_far[2] > 170 or layer == 0
            for k in range(1, len(pts) - 1, 2):
                (x, y), (lx, ly), (rx, ry) = pts[k], pts[k - 1], pts[k + 1]
                f = 0.28 if snowy else 0
                if f:
                    d.polygon([(x, y), (x + (lx - x) * f, y + (ly - y) * f), (x + (rx - x) * f, y + (ry - y) * f)], fill=haze((240, 242, 248), t * 0.5))
    if "mesas" in lm:
        _mesas(d, look, W, H, hz, rng, haze)
    if "hills" in lm or "trees" in lm and "sea" not in lm:
        for layer in range(2):
            base = hz - H * 0.02 * (1 - layer)
            pts = [(0, hz + 2)] + [(x, base - H * (0.05 + 0.03 * layer) * (1 + math.sin(x / W * 6.28 * (1.3 + layer) + look.variant % 7)) / 2)
                                   for x in range(0, W + 1, max(1, W // 48))] + [(W, hz + 2)]
            d.polygon(pts, fill=haze(look.ground_far, 0.3 - 0.15 * layer))
    if "city" in lm:
        x = 0.0
        while x < W:
            bw, bh = W * rng.uniform(0.04, 0.09), H * rng.uniform(0.08, 0.3)
            body = haze(mix(look.building, (70, 74, 86), 0.55), 0.25)
            d.rectangle((x, hz - bh, x + bw, hz + 2), fill=body)
            for wy in range(int(hz - bh + H * 0.02), int(hz - H * 0.02), max(2, int(H * 0.03))):
                for wx in range(int(x + bw * 0.15), int(x + bw * 0.85), max(2, int(bw * 0.25))):
                    lit = look.time_of_day in ("dusk", "night") and rng.random() < 0.45
                    d.rectangle((wx, wy, wx + bw * 0.12, wy + H * 0.015), fill=look.lit if lit else shade(body, 0.8))
            x += bw + W * rng.uniform(0.0, 0.015)
    if "castle" in lm:
        x0, x1, top = edge_x(0.05), edge_x(0.45), hz - H * 0.12
        d.rectangle((min(x0, x1), top, max(x0, x1), hz + 2), fill=haze(look.building, 0.15))
        for i in range(12):
            bx = min(x0, x1) + abs(x1 - x0) * i / 12
            d.rectangle((bx, top - H * 0.02, bx + abs(x1 - x0) / 24, top), fill=haze(look.building, 0.15))
        for f in (0.06, 0.44):
            tx = edge_x(f)
            d.rectangle((tx - W * 0.03, top - H * 0.1, tx + W * 0.03, hz + 2), fill=haze(shade(look.building, 0.9), 0.15))
            d.polygon([(tx - W * 0.036, top - H * 0.1), (tx, top - H * 0.19), (tx + W * 0.036, top - H * 0.1)], fill=(120, 60, 60))

    # water and land
    shore = None
    if look.water:
        img.paste(gradient((W, H - int(hz)), mix(look.water, look.sky_horizon, 0.35), shade(look.water, 0.75)), (0, int(hz)))
        if "sea" in lm:
            shore = [(0, H), (0, H * 0.74)] + [(x, H * (0.72 + 0.03 * math.sin(x / W * 5 + look.variant % 5))) for x in range(0, W + 1, max(1, W // 40))] + [(W, H)]
        else:  # a river runs in from the horizon on the far side from the landmarks
            shore = None
            img.paste(gradient((W, H - int(hz)), look.ground_far, look.ground_near), (0, int(hz)))
            rx = edge_x(0.72)
            d.polygon([(rx - W * 0.02, hz), (rx + W * 0.02, hz), (edge_x(1.05), H), (edge_x(0.55), H)], fill=look.water)
        wave = mix(look.water, (255, 255, 255), 0.3)
        for _ in range(60):
            wy = hz + (H * 0.7 - hz) * rng.random() ** 1.6
            wx, ww = rng.random() * W, W * 0.01 * (1 + 4 * (wy - hz) / H)
            d.line([(wx, wy), (wx + ww, wy)], fill=wave, width=max(1, H // 500))
    else:
        img.paste(gradient((W, H - int(hz)), look.ground_far, look.ground_near), (0, int(hz)))
    if shore:  # the land in front of the water; the mask covers only the band the shoreline crosses
        band = int(hz)
        mask = Image.new("L", (W, H - band))
        ImageDraw.Draw(mask).polygon([(x, y - band) for x, y in shore], fill=255)
        img.paste(gradient((W, H - band), mix(look.ground_far, look.ground_near, 0.5), look.ground_near), (0, band), mask)
        foam = mix(look.water or (200, 200, 200), (255, 255, 255), 0.6)
        d.line(shore[2:-1], fill=foam, width=max(2, H // 200))
    beam = None
    rock = mix(look.ground_near, (70, 70, 76), 0.4)
    cliff_top = hz - H * 0.06
    if "rocks" in lm and not look.water:  # inland: boulders, not a headland
        for k in range(4):
            x, y = edge_x(0.06 + 0.09 * k + 0.03 * rng.random()), hz + H * (0.06 + 0.05 * k)
            r = H * (0.04 + 0.025 * k)
            d.polygon(ellipse_points(x, y - r * 0.4, r * 1.3, r * 0.75, 180, 360, 9), fill=shade(rock, 1 - 0.05 * k))
        cliff_top = hz + H * 0.02
    elif "rocks" in lm or "lighthouse" in lm and "sea" in lm:
        pts = [(edge_x(-0.01), H * 0.8), (edge_x(-0.01), cliff_top), (edge_x(0.12), cliff_top - H * 0.01),
               (edge_x(0.22), cliff_top + H * 0.02), (edge_x(0.3), hz + H * 0.08), (edge_x(0.36), H * 0.74), (edge_x(0.2), H * 0.8)]
        d.polygon(pts, fill=rock)
        for _ in range(10):
            x, y = edge_x(rng.uniform(0.02, 0.3)), rng.uniform(cliff_top + H * 0.04, H * 0.75)
            d.line([(x, y), (x + W * 0.02 * side, y + H * 0.03)], fill=shade(rock, 0.75), width=max(1, H // 400))
    else:
        cliff_top = hz + H * 0.02
    if "lighthouse" in lm:
        x, base, tall = edge_x(0.15), cliff_top, H * 0.28
        hw0, hw1, body = H * 0.045, H * 0.03, look.building
        d.polygon([(x - hw0, base), (x - hw1, base - tall), (x + hw1, base - tall), (x + hw0, base)], fill=body)
        for k in (0.22, 0.58):  # the painted bands that make a lighthouse read at any size
            y0, y1 = base - tall * k, base - tall * (k + 0.16)
            w0, w1 = hw0 + (hw1 - hw0) * k, hw0 + (hw1 - hw0) * (k + 0.16)
            d.polygon([(x - w0, y0), (x - w1, y1), (x + w1, y1), (x + w0, y0)], fill=graded((176, 44, 40), look.grade))
        top = base - tall
        d.rectangle((x - hw1 * 1.5, top - H * 0.012, x + hw1 * 1.5, top), fill=shade(body, 0.5))
        lamp_on = look.time_of_day in ("dusk", "night") or look.weather == "storm"
        d.rectangle((x - hw1 * 0.9, top - H * 0.055, x + hw1 * 0.9, top - H * 0.012), fill=look.lit if lamp_on else (170, 196, 210))
        d.chord((x - hw1 * 1.1, top - H * 0.085, x + hw1 * 1.1, top - H * 0.03), 180, 360, fill=(50, 50, 56))
        d.rectangle((x - hw0 * 0.25, base - H * 0.05, x + hw0 * 0.25, base), fill=shade(body, 0.45))
        if lamp_on:
            glows.append((x / W, (top - H * 0.034) / H, 0.06, look.lit))
            beam = (x / W, (top - H * 0.034) / H)
    if "tower" in lm and "lighthouse" not in lm:
        x, tall = edge_x(0.2), H * 0.3
        d.rectangle((x - H * 0.04, hz - tall, x + H * 0.04, hz + H * 0.03), fill=haze(look.building, 0.15))
        d.polygon([(x - H * 0.05, hz - tall), (x, hz - tall - H * 0.14), (x + H * 0.05, hz - tall)], fill=haze((96, 70, 70), 0.15))
        d.rectangle((x - H * 0.012, hz - tall * 0.7, x + H * 0.012, hz - tall * 0.6), fill=(40, 36, 40))
    if "house" in lm:
        n = 0 if "city" in lm else 1 if "lighthouse" in lm else 3  # the keeper's cottage, or a hamlet
        for i in range(n):
            f = (0.3 + 0.14 * i) if "lighthouse" in lm else (0.1 + 0.17 * i)
            base = (cliff_top if "lighthouse" in lm and i == 0 else hz + H * (0.03 + 0.02 * i))
            _house(d, edge_x(f), base, H * (0.1 - 0.012 * i), haze(look.building, 0.1 + 0.06 * i), look, rng, glows, W, H)
    if "boats" in lm and look.water:
        for i in range(3):
            x, y = edge_x(0.55 + 0.14 * i), hz + H * (0.04 + 0.04 * i)
            s = H * (0.03 + 0.015 * i)
            d.polygon([(x - s * 1.6, y), (x + s * 1.6, y), (x + s * 1.1, y + s * 0.6), (x - s * 1.1, y + s * 0.6)], fill=(84, 56, 40))
            d.line([(x, y), (x, y - s * 2.6)], fill=(70, 50, 40), width=max(1, int(s / 10)))
            d.polygon([(x + s * 0.1, y - s * 2.5), (x + s * 1.3, y - s * 0.3), (x + s * 0.1, y - s * 0.3)], fill=graded((236, 230, 214), look.grade))
    if "road" in lm:
        vx = W * 0.5 + side * W * 0.08
        d.polygon([(vx - W * 0.006, hz), (vx + W * 0.006, hz), (W * 0.5 + W * 0.2, H), (W * 0.5 - W * 0.2, H)],
                  fill=mix(look.ground_near, (120, 112, 100), 0.5))
    if "dunes" in lm:
        for k in range(4):
            y0 = hz + (H - hz) * k / 4
            pts = [(x, y0 + H * 0.03 * math.sin(x / W * 7 + k * 1.7)) for x in range(0, W + 1, max(1, W // 40))]
            d.line(pts, fill=shade(look.ground_near, 1.12), width=max(2, H // 250))
    if "craters" in lm:
        for _ in range(7):
            y = rng.uniform(hz + H * 0.03, H * 0.95)
            x, r = rng.random() * W, H * 0.02 * (1 + 5 * (y - hz) / H)
            d.ellipse((x - r, y - r * 0.3, x + r, y + r * 0.3), fill=shade(look.ground_near, 0.75), outline=shade(look.ground_near, 1.15), width=max(1, H // 400))
    if "fence" in lm:
        y = hz + H * 0.1
        for i in range(12):
            x = edge_x(0.55 + i * 0.04)
            d.line([(x, y), (x, y - H * 0.05)], fill=(96, 72, 52), width=max(1, H // 300))
        d.line([(edge_x(0.55), y - H * 0.035), (edge_x(1.0), y - H * 0.035)], fill=(110, 84, 60), width=max(1, H // 400))
    if "city" in lm:
        _street(d, look, W, H, hz, rng)
    if look.tree_count:
        _trees(d, look, W, H, hz, rng, edge_x)
    if "rails" in lm:
        for off in (-0.14, -0.06, 0.06, 0.14):
            d.line([(W * 0.5 + W * off * 0.05, hz), (W * 0.5 + W * off * 2.2, H)], fill=(90, 88, 92), width=max(2, H // 220))
        for k in range(1, 12):
            y = hz + (H - hz) * (k / 12) ** 1.8
            half = W * 0.16 * (y - hz) / (H - hz) * 2.2
            d.line([(W * 0.5 - half, y), (W * 0.5 + half, y)], fill=(92, 72, 56), width=max(1, int(H * 0.006 * k / 6)))
    if "deck" in lm:
        _deck(img, d, look, W, H, hz)
    if "dome" in lm:
        _dome(d, look, W, H, hz, edge_x, glows)
    conditions = set(look.conditions)
    if "fire" in conditions:
        _fire_line(d, look, W, H, hz, rng, glows)
    if "drought" in conditions:
        _cracks(d, look, W, H, hz, rng)
    if "flood" in conditions:
        _flood(img, d, look, W, H, hz, rng)
    if look.dressing:  # the kind's own set dressing: a platform, bunting, tea terraces...
        ground = Ground(img, d, look, W, H, hz, glows, random.Random(look.variant + 1))
        for item in look.dressing:
            DRESSING[item](ground)
    # foreground texture: grass or stones along the bottom, so the ground has a near plane
    tuft = shade(look.ground_near, 1.15 if look.ground_near[1] > look.ground_near[2] else 0.8)
    dry = H * (0.88 if "flood" in conditions else 0.76 if shore else 0)  # only a strip of near ground stays dry
    for _ in range(70):
        x, y = rng.random() * W, H * rng.uniform(0.78, 1.0)
        if y < dry:
            continue
        r = H * 0.006 * (1 + 3 * (y / H - 0.78))
        d.ellipse((x - r * 1.6, y - r * 0.7, x + r * 1.6, y + r * 0.7), fill=tuft)
    return beam


def _deck(img, d, look: LocationLook, W: int, H: int, hz: float) -> None:
    """A ship's deck in the foreground: planks, a rail against the sea, a mast to one side."""
    wood = graded((150, 110, 72), look.grade)
    top = int(hz + H * 0.16)
    img.paste(gradient((W, H - top), shade(wood, 0.85), wood), (0, top))
    for k in range(-12, 13):
        d.line([(W * 0.5 + k * W * 0.03, top), (W * 0.5 + k * W * 0.12, H)], fill=shade(wood, 0.75), width=max(1, H // 500))
    rail = shade(wood, 0.7)
    d.rectangle((0, top - H * 0.08, W, top - H * 0.065), fill=rail)
    for k in range(13):
        d.rectangle((W * k / 12 - H * 0.006, top - H * 0.08, W * k / 12 + H * 0.006, top), fill=rail)
    x = W * (0.5 + 0.38 * look.side)
    d.rectangle((x - H * 0.02, 0, x + H * 0.02, top + H * 0.1), fill=shade(wood, 0.6))
    d.line([(x, H * 0.05), (W * 0.5 - 0.45 * look.side * W, top - H * 0.08)], fill=(60, 50, 44), width=max(1, H // 400))


def _house(d, x: float, base: float, size: float, colour: RGB, look: LocationLook, rng: random.Random, glows, W: int, H: int) -> None:
    w = size * 1.3
    d.rectangle((x - w / 2, base - size, x + w / 2, base), fill=colour)
    roof = graded(rng.choice([(120, 54, 46), (70, 70, 80), (96, 70, 50)]), look.grade)
    d.polygon([(x - w * 0.6, base - size), (x, base - size * 1.7), (x + w * 0.6, base - size)], fill=roof)
    d.rectangle((x + w * 0.2, base - size * 1.6, x + w * 0.32, base - size * 1.2), fill=shade(colour, 0.7))
    d.rectangle((x - w * 0.08, base - size * 0.55, x + w * 0.08, base), fill=shade(colour, 0.45))
    lit = look.time_of_day in ("dusk", "night")
    for wx in (-0.32, 0.2):
        x0 = x + w * wx
        d.rectangle((x0, base - size * 0.8, x0 + w * 0.14, base - size * 0.5), fill=look.lit if lit else (120, 150, 170))
        if lit:
            glows.append(((x0 + w * 0.07) / W, (base - size * 0.65) / H, size / H * 0.5, look.lit))


def _trees(d, look: LocationLook, W: int, H: int, hz: float, rng: random.Random, edge_x) -> None:
    forest = look.tree_count > 6
    spots: list[tuple[float, float]] = []
    if forest:  # a dense back row, a looser middle row, and big trunks framing the sides
        spots += [(W * (i + rng.random()) / 26, hz + H * rng.uniform(0.0, 0.04)) for i in range(-1, 27)]
        spots += [(W * (i + rng.random()) / 7, hz + H * rng.uniform(0.06, 0.14)) for i in range(7) if i not in (3,)]
        spots += [(W * rng.uniform(-0.03, 0.06), H * 1.02), (W * rng.uniform(0.9, 1.02), H * 1.05)]
    else:
        for i in range(look.tree_count):
            spots.append((edge_x(rng.uniform(0.05, 0.3) if i % 2 == 0 else rng.uniform(0.65, 0.95)), hz + H * rng.uniform(0.02, 0.1)))
    conifer = forest or look.weather == "snow"
    leaf = (34, 76, 44) if forest else (46, 96, 52)
    if look.weather == "snow":
        leaf = (200, 210, 218)
    if "drought" in look.conditions or "heat" in look.conditions:
        leaf = (150, 118, 64)  # parched: brown leaves, nothing green
    elif "cold" in look.conditions:
        leaf = mix(leaf, (214, 226, 238), 0.55)  # rimed with frost
    for x, y in sorted(spots, key=lambda p: p[1]):
        near = (y - hz) / (H - hz)
        size = H * (0.14 + 0.9 * near) if forest else H * (0.05 + 0.5 * (y - hz) / H)
        colour = graded(mix(leaf, look.sky_horizon, 0.45 * (1 - near)), look.grade, 0.8)
        trunk = graded(mix((70, 50, 36), look.sky_horizon, 0.35 * (1 - near)), look.grade, 0.8)
        d.rectangle((x - size * 0.04, y - size * 0.5, x + size * 0.04, y), fill=trunk)
        if conifer:
            for k in range(4):
                base = y - size * (0.25 + 0.3 * k)
                half = size * (0.3 - 0.06 * k)
                d.polygon([(x - half, base), (x, base - size * 0.45), (x + half, base)], fill=shade(colour, 1 - 0.05 * k))
        else:
            for dx, dy, r in ((0, -0.85, 0.32), (-0.22, -0.65, 0.24), (0.22, -0.68, 0.25), (0, -1.1, 0.22)):
                d.ellipse((x + (dx - r) * size, y + (dy - r) * size, x + (dx + r) * size, y + (dy + r) * size), fill=colour)


def _street(d, look: LocationLook, W: int, H: int, hz: float, rng: random.Random) -> None:
    """Pavement under the buildings and street lamps along it."""
    curb = hz + H * 0.05
    d.rectangle((0, hz, W, curb), fill=shade(look.ground_far, 1.1))
    d.line([(0, curb), (W, curb)], fill=shade(look.ground_far, 0.7), width=max(1, H // 300))
    lit = look.time_of_day in ("dusk", "night")
    for f in (0.12, 0.42, 0.72):
        x = W * (f + 0.04 * rng.random())
        d.line([(x, curb), (x, curb - H * 0.16)], fill=(50, 50, 56), width=max(1, H // 250))
        d.ellipse((x - H * 0.008, curb - H * 0.17, x + H * 0.008, curb - H * 0.155), fill=look.lit if lit else (200, 200, 190))


def _mesas(d, look: LocationLook, W: int, H: int, hz: float, rng: random.Random, haze) -> None:
    """Flat-topped buttes on the horizon: a desert of another world, where Earth would have green hills."""
    rock = mix(look.ground_far, (120, 50, 36), 0.35)
    for k in range(3):
        x0 = W * (rng.uniform(-0.1, 0.75))
        w, h = W * rng.uniform(0.12, 0.3), H * rng.uniform(0.05, 0.12)
        top_w = w * rng.uniform(0.45, 0.7)
        pts = [(x0, hz + 1), (x0 + (w - top_w) / 2, hz - h), (x0 + (w + top_w) / 2, hz - h), (x0 + w, hz + 1)]
        d.polygon(pts, fill=haze(shade(rock, 1 - 0.08 * k), 0.35 - 0.1 * k))
        d.line(pts[1:3], fill=haze(shade(rock, 1.15), 0.3), width=max(1, H // 300))


def _dome(d, look: LocationLook, W: int, H: int, hz: float, edge_x, glows) -> None:
    """A habitat dome on the far side from the centre: panels, a lit port, a mast."""
    x, base, r = edge_x(0.22), hz + H * 0.05, H * 0.12
    shell = graded((226, 224, 218), look.grade, 0.8)
    d.chord((x - r * 1.3, base - r, x + r * 1.3, base + r), 180, 360, fill=shell, outline=shade(shell, 0.6), width=max(1, H // 300))
    for k in range(1, 4):
        d.arc((x - r * 1.3 * k / 4, base - r, x + r * 1.3 * k / 4, base + r), 180, 360, fill=shade(shell, 0.75), width=max(1, H // 500))
    d.rectangle((x + r * 0.4, base - r * 0.35, x + r * 0.7, base), fill=look.lit)
    d.line([(x - r * 0.3, base - r), (x - r * 0.3, base - r * 1.8)], fill=(90, 90, 96), width=max(1, H // 300))
    glows.append(((x + r * 0.55) / W, (base - r * 0.2) / H, 0.05, look.lit))


def _fire_line(d, look: LocationLook, W: int, H: int, hz: float, rng: random.Random, glows) -> None:
    """Flames along the far ground and the smoke they send up; their light goes on as glows."""
    smoke = mix(look.sky_top, (60, 54, 50), 0.6)
    for _ in range(5):
        x = rng.random() * W
        for k in range(6):
            r = H * (0.03 + 0.02 * k)
            y = hz - H * 0.05 - k * H * 0.06
            d.ellipse((x + k * W * 0.01 - r, y - r * 0.7, x + k * W * 0.01 + r, y + r * 0.7), fill=mix(smoke, look.sky_top, k / 8))
    for _ in range(40):
        x, h = rng.random() * W, H * rng.uniform(0.02, 0.07)
        w = W * rng.uniform(0.006, 0.016)
        d.polygon([(x - w, hz + H * 0.01), (x, hz - h), (x + w, hz + H * 0.01)], fill=rng.choice([(250, 150, 40), (240, 90, 30), (255, 210, 90)]))
    for k in range(4):
        glows.append(((k + 0.5) / 4, hz / H, 0.25, (255, 130, 50)))


def _cracks(d, look: LocationLook, W: int, H: int, hz: float, rng: random.Random) -> None:
    """Dry ground split into plates, the cracks widening toward us."""
    crack = shade(look.ground_near, 0.62)
    for _ in range(34):
        y = hz + (H - hz) * rng.uniform(0.15, 1.0) ** 0.8
        x = rng.random() * W
        near = (y - hz) / (H - hz)
        pts = [(x, y)]
        for _ in range(4):
            x, y = x + W * rng.uniform(-0.04, 0.04) * (0.3 + near), y + H * rng.uniform(-0.012, 0.012) * (0.3 + near)
            pts.append((x, y))
        d.line(pts, fill=crack, width=max(1, int(H * 0.004 * (0.3 + near))))


def _flood(img, d, look: LocationLook, W: int, H: int, hz: float, rng: random.Random) -> None:
    """Brown floodwater over the land from the horizon down, the landmarks standing in it."""
    water = mix(look.sky_horizon, (96, 92, 70), 0.55)
    top = int(hz + H * 0.015)
    band = gradient((W, int(H * 0.88) - top), mix(water, look.sky_horizon, 0.3), shade(water, 0.8))
    img.paste(band, (0, top))
    ripple = mix(water, (255, 255, 255), 0.25)
    for _ in range(50):
        y = top + (H * 0.88 - top) * rng.random() ** 1.4
        x, w = rng.random() * W, W * 0.012 * (1 + 4 * (y - hz) / H)
        d.line([(x, y), (x + w, y)], fill=ripple, width=max(1, H // 500))
