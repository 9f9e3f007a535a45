"""The premise's things in a picture: a place's set pieces (the food truck on the festival grounds, the map on
the wall) painted into its plate, a shot's props (`Shot.props`) standing in the free side of the frame. Each
thing is the picture meaning.py chose for its phrase in context: a Font Awesome icon, coloured per thing in
the light of the place, or a painted thing (things.py) in its own colours; nothing when no picture means it.
"""

from __future__ import annotations

from collections.abc import Sequence

from PIL import ImageDraw

from auteur.models.draft.icons import SCALE, draw_icon
from auteur.models.draft.palette import RGB, graded, mix, stable_hash
from auteur.models.draft.meaning import Depiction, depict_all
from auteur.models.draft.pen import INK
from auteur.models.draft.place import LocationLook
from auteur.models.draft.things import THINGS, draw_thing

# Painted colours for things: a truck is a colour, not black; picked per thing by a stable hash.
THING_COLOURS: tuple[RGB, ...] = ((196, 72, 52), (226, 170, 52), (60, 120, 170), (70, 140, 90), (150, 96, 160),
                                  (214, 120, 60), (110, 150, 180), (180, 150, 110), (200, 200, 206), (120, 96, 70))
NATURAL = {"animals": (150, 112, 76), "nature": (70, 130, 70), "astronomy": (236, 232, 210), "fruits-vegetables": (200, 90, 60)}


def thing_colour(name: str, category: str, grade) -> RGB:
    base = NATURAL.get(category) or THING_COLOURS[stable_hash("thing", name) % len(THING_COLOURS)]
    return graded(base, grade, 0.7)


def size_of(found: Depiction) -> float:
    """A thing's height beside a person (1 = a person's height)."""
    return THINGS[found.painted][2] if found.painted else SCALE.get(found.icon.category, 0.7) if found.icon else 0.7


def draw_depiction(d: ImageDraw.ImageDraw, found: Depiction, cx: float, bottom: float, height: float, grade) -> None:
    """Paint the chosen picture standing on `bottom`, centred on cx, `height` pixels tall."""
    if found.painted:
        draw_thing(d, found.painted, cx, bottom, height, grade)
    elif found.icon is not None:
        fill = thing_colour(found.icon.name, found.icon.category, grade)
        draw_icon(d, found.icon, cx, bottom, height, fill, mix(fill, INK, 0.7))


def paint_set_pieces(d: ImageDraw.ImageDraw, look: LocationLook, W: int, H: int) -> None:
    """The place's things, where a wide shot leaves room for people: exteriors on the ground across from the
    tallest landmark (or in the sky, for a moon), interiors on the back wall or standing on the floor."""
    for k, found in enumerate(look.set_pieces):
        scale = size_of(found)
        side = -look.side if k == 0 else look.side  # the first across from the landmark, the second beside it
        x = W * (0.5 + side * (0.3 if k == 0 else 0.2))
        if found.icon is not None and found.icon.category == "astronomy":
            draw_depiction(d, found, x, H * look.horizon * 0.45, H * 0.16, look.grade)
        elif look.interior:
            standing = scale >= 0.9  # a vehicle or a machine stands on the floor; a map or a clock hangs on the wall
            bottom, height = (H * 0.74, H * 0.42) if standing else (H * 0.5, H * 0.2)
            draw_depiction(d, found, W * (0.5 + side * 0.1), bottom, height, look.grade)
        else:
            hz = look.horizon * H
            bottom = hz + (H - hz) * 0.3
            draw_depiction(d, found, x, bottom, min(H * 0.45, H * 0.2 * scale), look.grade)


def shot_props(props: Sequence[str], place: LocationLook, context: str = "", limit: int = 2) -> list[Depiction]:
    """The shot's props the draft artist can picture in their context, less the ones already standing in the place."""
    standing = {m.name for m in place.set_pieces}
    return [m for m in depict_all(list(props), context) if m.name not in standing][:limit]


def paint_props(d: ImageDraw.ImageDraw, found: Sequence[Depiction], place: LocationLook, W: int, H: int,
                taken: Sequence[tuple[float, float, float, float]]) -> list[dict]:
    """Props at the bottom of the frame on the side the figures leave free; returns their records."""
    centres = [x + w / 2 for x, _, w, _ in taken] or [0.5]
    records = []
    for k, m in enumerate(found):
        # the free side: farther from the mean of the figures' centres; a second prop takes the other side
        left_free = sum(centres) / len(centres) >= 0.5
        x = (0.13 if left_free != bool(k) else 0.87) * W
        height = H * min(0.5, 0.26 * max(0.6, size_of(m)))
        draw_depiction(d, m, x, H * 0.97, height, place.grade)
        records.append({**m.record(), "where": "left" if x < W / 2 else "right"})
    return records
