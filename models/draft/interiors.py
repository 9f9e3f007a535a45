"""Interiors: a room in one-point perspective (back wall, side walls, ceiling, floorboards to the vanishing
point) dressed item by item (rooms.py) as its kind or its words say. Where the camera stands moves the back
wall across the frame and up or down (`LocationLook.pan`, `horizon`), so two shots of one room differ.
"""

from __future__ import annotations

import random

from auteur.models.draft.paint import gradient, shade
from auteur.models.draft.place import LocationLook
from auteur.models.draft.rooms import ITEMS, Room


def interior(img, d, look: LocationLook, W: int, H: int, glows) -> None:
    rng = random.Random(look.variant)
    cx = W * (0.5 + look.pan)  # the vanishing point: where the camera looks along the room
    fy = H * (0.7 + (look.horizon - 0.5) * 0.6)  # a higher camera sees more floor
    half = W * 0.36
    x0, x1, y0 = cx - half, cx + half, H * 0.06
    img.paste(gradient((int(x1 - x0) + 1, int(fy - y0) + 1), shade(look.wall, 0.85), look.wall), (int(x0), int(y0)))
    d.polygon([(0, 0), (x0, y0), (x0, fy), (0, H)], fill=shade(look.wall, 0.72))
    d.polygon([(W, 0), (x1, y0), (x1, fy), (W, H)], fill=shade(look.wall, 0.78))
    d.polygon([(0, 0), (W, 0), (x1, y0), (x0, y0)], fill=shade(look.wall, 0.6))
    d.polygon([(0, H), (x0, fy), (x1, fy), (W, H)], fill=look.floor)
    for i in range(1, 10):  # floorboards run to the vanishing point
        fx = x0 + (x1 - x0) * i / 10
        d.line([(fx, fy), (cx + (fx - cx) * 2.6, H)], fill=shade(look.floor, 0.8), width=max(1, H // 500))
    d.rectangle((x0, fy - H * 0.015, x1, fy), fill=shade(look.wall, 0.6))
    room = Room(img, d, look, W, H, x0, x1, y0, fy, glows, rng)
    for item in look.dressing:
        ITEMS[item](room)
