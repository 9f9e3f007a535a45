"""Draft location plates: each place with no one in it, drawn with PIL from its `LocationLook`. Exteriors
are painted in exteriors.py, interiors (a room in one-point perspective) in interiors.py, and lamp glows, the
lighthouse beam, fog, rain, snow and the vignette in light.py; the premise's things (a food truck, a map on the
wall) are set pieces from props.py. Layout comes from the look, never from the seed,
so a plate and every keyframe of its place agree; the seed only moves rain, snow and stars. `backdrop` is the
plate seen through a shot's lens, and `finish` the weather and vignette that every picture of a place ends with.
"""

from __future__ import annotations

import json

from PIL import Image, ImageDraw

from auteur.models.draft.exteriors import exterior
from auteur.models.draft.interiors import interior
from auteur.models.draft.light import beam, fog, glow, haze, vignette, weather
from auteur.models.draft.palette import RGB
from auteur.models.draft.place import LocationLook, location_look, setting_record
from auteur.models.draft.paint import SS
from auteur.models.draft.props import paint_set_pieces
from auteur.models.draft.worlds import space, underwater

WORLDS = {"underwater": underwater, "space": space}  # worlds with no open-air exterior; Mars is one (exteriors.py)
from auteur.core.schema import Location, ShotType

RECORD_KEY = "auteur:drawn"  # the PNG text chunk that carries what a draft picture shows (see pipeline/crew.py)

# ================================================================ the place


def _paint_place(look: LocationLook, width: int, height: int, seed: int, ss: int = SS) -> Image.Image:
    """The place with no one in it, at width x height."""
    W, H = width * ss, height * ss
    img = Image.new("RGB", (W, H), look.ground_far)
    d = ImageDraw.Draw(img)
    glows: list[tuple[float, float, float, RGB]] = []  # (x, y, r) as fractions, applied after reduction
    origin: tuple[float, float] | None = None  # where the lighthouse beam starts, if there is one
    if look.interior:
        interior(img, d, look, W, H, glows)
    elif look.world in WORLDS:
        WORLDS[look.world](img, d, look, W, H, glows)
    else:
        origin = exterior(img, d, look, W, H, glows, seed)
    paint_set_pieces(d, look, W, H)
    if look.dark:  # a blackout: no lamp, no lit window, no beam
        glows, origin = [], None
    if ss > 1:
        img = img.reduce(ss)
    dark = look.time_of_day in ("dusk", "night") or look.weather == "storm" or "eclipse" in look.conditions
    if origin and dark:
        beam(img, origin, look)
    for x, y, r, colour in glows:
        glow(img, x * width, y * height, r * height, colour, 0.55 if dark else 0.25)
    if look.weather == "fog" and not look.interior:
        fog(img, look)
    haze(img, look)
    return img


# ================================================================ through a shot's lens, and the finish

# Background zoom and softness (a downsampling factor) per shot type: a longer lens, a shallower focus.
LENS = {ShotType.extreme_wide: (1.0, 1), ShotType.wide: (1.0, 1), ShotType.full: (1.12, 1), ShotType.two_shot: (1.2, 2),
        ShotType.medium: (1.35, 2), ShotType.over_the_shoulder: (1.5, 3), ShotType.medium_close_up: (1.6, 3),
        ShotType.close_up: (1.8, 4), ShotType.extreme_close_up: (2.3, 6), ShotType.insert: (2.0, 6)}


def backdrop(place: LocationLook, width: int, height: int, seed: int, shot_type: ShotType) -> Image.Image:
    """The plate seen through the shot's lens: cropped toward the horizon and softened for close shots."""
    zoom, soft = LENS.get(shot_type, (1.0, 1))
    if zoom <= 1.0:
        return _paint_place(place, width, height, seed)
    plate = _paint_place(place, width, height, seed, ss=1)
    cw, ch = width / zoom, height / zoom
    cy = min(max(place.horizon * height, ch / 2), height - ch / 2)
    cx = min(max(width / 2 + place.pan * width * 1.5, cw / 2), width - cw / 2)  # a panned camera, a part of the place off-centre
    box = (cx - cw / 2, cy - ch / 2, cx + cw / 2, cy + ch / 2)
    small = plate.resize((max(1, width // soft), max(1, height // soft)), Image.Resampling.BILINEAR, box=box)
    return small.resize((width, height), Image.Resampling.BILINEAR)


def finish(img: Image.Image, place: LocationLook, seed: int) -> None:
    """The last touches on every picture of the place: rain or snow in front of everything, then the vignette."""
    weather(img, place, seed)
    vignette(img)


# ================================================================ the plate


def draw_location_plate(location: Location, width: int, height: int, seed: int = 0, premise: str = "") -> Image.Image:
    """An establishing plate of the place, with no one in it; its things are read in the film's premise."""
    place = location_look(location, premise)
    img = _paint_place(place, width, height, seed)
    finish(img, place, seed)
    img.info[RECORD_KEY] = json.dumps({"kind": "location", "location": location.token, "setting": setting_record(place)})
    return img
