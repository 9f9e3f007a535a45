"""The premise's things in a picture: a place's set pieces (the food truck on the festival grounds, the map on
the wall) painted into its plate, a shot's props (`Shot.props`) standing in the free side of the frame, and
the record of what a picture shows. Things are Font Awesome icons matched to the premise's phrases
(icons.py); their colour is fixed per thing, in the light of the place.
"""

from __future__ import annotations

from collections.abc import Sequence

from PIL import ImageDraw

from auteur.models.draft.icons import SCALE, IconMatch, draw_icon, icon_named, match_all
from auteur.models.draft.looks import RGB, LocationLook, graded, mix, stable_hash
from auteur.models.draft.pen import INK

# Painted colours for things: a truck is a colour, not black; picked per thing by a stable hash.
THING_COLOURS: tuple[RGB, ...] = ((196, 72, 52), (226, 170, 52), (60, 120, 170), (70, 140, 90), (150, 96, 160),
                                  (214, 120, 60), (110, 150, 180), (180, 150, 110), (200, 200, 206), (120, 96, 70))
NATURAL = {"animals": (150, 112, 76), "nature": (70, 130, 70), "astronomy": (236, 232, 210), "fruits-vegetables": (200, 90, 60)}


def thing_colour(name: str, category: str, grade) -> RGB:
    base = NATURAL.get(category) or THING_COLOURS[stable_hash("thing", name) % len(THING_COLOURS)]
    return graded(base, grade, 0.7)


def paint_set_pieces(d: ImageDraw.ImageDraw, look: LocationLook, W: int, H: int) -> None:
    """The place's things, where a wide shot leaves room for people: exteriors on the ground across from the
    tallest landmark (or in the sky, for a moon), interiors on the back wall or standing on the floor."""
    for k, name in enumerate(look.set_pieces):
        icon = icon_named(name)
        if icon is None:
            continue
        fill = thing_colour(name, icon.category, look.grade)
        outline = mix(fill, INK, 0.7)
        scale = SCALE.get(icon.category, 0.7)
        side = -look.side if k == 0 else look.side  # the first across from the landmark, the second beside it
        x = W * (0.5 + side * (0.3 if k == 0 else 0.2))
        if icon.category == "astronomy":
            draw_icon(d, icon, x, H * look.horizon * 0.45, H * 0.16, fill, outline)
        elif look.interior:
            standing = scale >= 0.9  # a vehicle or a machine stands on the floor; a map or a clock hangs on the wall
            bottom, height = (H * 0.74, H * 0.42) if standing else (H * 0.5, H * 0.2)
            draw_icon(d, icon, W * (0.5 + side * 0.1), bottom, height, fill, outline)
        else:
            hz = look.horizon * H
            bottom = hz + (H - hz) * 0.3
            draw_icon(d, icon, x, bottom, min(H * 0.45, H * 0.2 * scale), fill, outline)


def shot_props(props: Sequence[str], place: LocationLook, limit: int = 2) -> list[IconMatch]:
    """The shot's props that the set depicts, less the ones already standing in the place."""
    return [m for m in match_all(list(props)) if m.icon.name not in place.set_pieces][:limit]


def paint_props(d: ImageDraw.ImageDraw, found: Sequence[IconMatch], place: LocationLook, W: int, H: int,
                taken: Sequence[tuple[float, float, float, float]]) -> list[dict]:
    """Props at the bottom of the frame on the side the figures leave free; returns their records."""
    centres = [x + w / 2 for x, _, w, _ in taken] or [0.5]
    records = []
    for k, m in enumerate(found):
        # the free side: farther from the mean of the figures' centres; a second prop takes the other side
        left_free = sum(centres) / len(centres) >= 0.5
        x = (0.13 if left_free != bool(k) else 0.87) * W
        fill = thing_colour(m.icon.name, m.icon.category, place.grade)
        height = H * min(0.5, 0.26 * max(0.6, SCALE.get(m.icon.category, 0.7)))
        draw_icon(d, m.icon, x, H * 0.97, height, fill, mix(fill, INK, 0.7))
        records.append({**m.record(), "where": "left" if x < W / 2 else "right"})
    return records


def setting_record(look: LocationLook) -> dict:
    """What a picture shows of its place: the setting the words chose and the things standing in it."""
    return {"interior": look.interior, "time_of_day": look.time_of_day, "weather": look.weather, "dark": look.dark,
            "landmarks": list(look.landmarks), "furniture": list(look.furniture),
            "set_pieces": [{"icon": n, "phrase": p} for n, p in zip(look.set_pieces, look.set_phrases)]}
