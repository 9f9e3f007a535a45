"""Draft keyframes: one shot's picture, composed from its place and its characters. The place is seen
through the shot's lens (`plates.backdrop`); each character is drawn at their framing box, or at a default
box beside the others, scaled so the shot type shows the right slice of them; the listener's back fills
the foreground of an over-the-shoulder shot; each speaker's face follows their first line's emotion; an
insert shows the prop the shot names on a surface, with a hand reaching in. The shot's premise props
(`Shot.props`) stand in the side of the frame the figures leave free. The picture carries no text (storyboard
panels are drawn by `auteur.tools.boards.panels`), only, in `img.info`, the record of what it shows: the
setting, the props with the phrase each matched, and every figure with the kind it was drawn as.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace

from PIL import Image, ImageDraw

from auteur.models.draft.camera import shot_camera
from auteur.models.draft.faces import FACE, expression
from auteur.models.draft.figures import FULL_LENGTH, REACH, draw_figure, framing_window
from auteur.models.draft.pen import Pen
from auteur.models.draft.looks import CharacterLook, character_look
from auteur.models.draft.palette import mix
from auteur.models.draft.place import LocationLook, location_look, setting_record
from auteur.models.draft.paint import SS, gradient, shade
from auteur.models.draft.plates import RECORD_KEY, backdrop, finish
from auteur.models.draft.meaning import context_text
from auteur.models.draft.props import draw_depiction, paint_props, shot_props
from auteur.models.draft.things import draw_thing
from auteur.core.schema import Character, Location, Shot, ShotType

# ================================================================ composing a shot

# Where the storyboard's unplaced characters stand (top, height as fractions of the frame) per shot type.
DEFAULT_BOX = {ShotType.extreme_wide: (0.64, 0.16), ShotType.wide: (0.5, 0.34), ShotType.full: (0.1, 0.8),
               ShotType.two_shot: (0.2, 0.78), ShotType.medium: (0.15, 0.85), ShotType.insert: (0.15, 0.85),
               ShotType.medium_close_up: (0.12, 0.88), ShotType.close_up: (0.08, 0.92), ShotType.extreme_close_up: (0.0, 1.0)}


def draw_keyframe(shot: Shot, location: Location, cast: Sequence[Character], width: int, height: int, seed: int = 0,
                  premise: str = "") -> Image.Image:
    """The shot's picture: the place through the shot's lens and the characters at their framing boxes; no text.
    The shot's things are read in its action and prompt and the film's premise."""
    camera = shot_camera(shot.id, seed, "|".join((location.token, location.name, location.look, premise[:200])))
    place = camera.view(location_look(location, premise))
    context = context_text(shot.action, shot.visual_prompt, premise)
    img = backdrop(place, width, height, seed, shot.shot_type)
    record: dict = {"kind": "keyframe", "shot": shot.id, "location": location.token, "setting": setting_record(place),
                    "camera": camera.record(), "props": [], "figures": []}
    # an offscreen character is heard, never seen: no figure, no box; their lines play over whoever is in frame
    heard = [t for t in shot.characters if _offscreen(t, cast)]
    seen = [t for t in shot.characters if t not in heard]
    if heard:
        record["offscreen"] = heard
    if shot.shot_type == ShotType.insert:
        record["props"] = _insert(img, shot, place, cast, context)
        finish(img, place, seed)
        img.info[RECORD_KEY] = json.dumps(record)
        return img
    big = img.resize((width * SS, height * SS), Image.Resampling.NEAREST)
    d = ImageDraw.Draw(big)
    W, H = big.size
    foreground = _shoulder_character(shot, seen) if shot.shot_type == ShotType.over_the_shoulder else None
    boxes = {b.character: (b.x, b.y, b.w, b.h) for b in shot.framing if b.character in seen}
    if foreground and foreground not in boxes:
        boxes[foreground] = (0.0, 0.1, 0.38, 0.9)  # frame-left, the other character across from them
    missing = [t for t in seen if t not in boxes]
    if missing:
        boxes.update(_default_boxes(shot.shot_type, missing) if not boxes else _fill_in(missing, boxes, shot.shot_type))
    faces = _faces(shot)
    framed = {b.character for b in shot.framing}
    if shot.props and shot.shot_type not in CLOSE:
        record["props"] = paint_props(d, shot_props(shot.props, place, context), place, W, H, list(boxes.values()))
    order = sorted(seen, key=lambda t: (t == foreground, boxes[t][1] + boxes[t][3]))
    for token in order:
        look = _cast_look(token, cast)
        x, y, w, h = boxes[token]
        top_u, bottom_u = framing_window(look.kind, shot.shot_type)
        cx = (x + w / 2) * W
        if token == foreground:  # the shoulder in the foreground: seen from behind, big, pushed to its frame edge
            fy, fu = FACE.get(look.kind, FACE["creature"])
            top_u, bottom_u = fy - 0.175 * fu / 0.05, fy + 0.225 * fu / 0.05
            cx += (-1 if x + w / 2 < 0.5 else 1) * w * W * 0.2
        scale = h * H / (bottom_u - top_u)
        top = y * H - top_u * scale
        small = look.stature < 0.8 and token != foreground and (
            len(seen) > 1 or shot.shot_type in (ShotType.wide, ShotType.extreme_wide))
        if shot.shot_type in FULL_LENGTH:
            if small or token not in framed:
                scale *= look.stature
            top = (y + h) * H - bottom_u * scale
        elif small and look.kind != "human" and len(seen) > 1:
            # a cat beside a person in a medium shot: whole, at its own size, sitting on the bottom of its box
            scale = h * H / (REACH.get(shot.shot_type, 0.5) + 0.03) * look.stature
            top = (y + h) * H - scale
        if shot.shot_type in FULL_LENGTH:
            _shadow(d, cx, top + scale * 0.99, scale, place)
        draw_figure(d, look, cx, top, scale, view="back" if token == foreground else "front",
                    face=faces.get(token, "neutral"), grade=place.grade)
        record["figures"].append(_figure_record(token, cast, look, boxes[token], "back" if token == foreground else "front"))
    img = big.reduce(SS)
    finish(img, place, seed)
    img.info[RECORD_KEY] = json.dumps(record)
    return img


# Shots that frame faces: a prop at the frame's edge would only crowd them.
CLOSE = {ShotType.close_up, ShotType.extreme_close_up, ShotType.medium_close_up, ShotType.over_the_shoulder}


def _figure_record(token: str, cast: Sequence[Character], look: CharacterLook, box, view: str) -> dict:
    found = next((c for c in cast if c.token == token), None)
    return {"token": token, "name": found.name if found else token, "kind": found.kind if found else "person",
            "drawn_as": look.kind, "species": look.species, "icon": look.icon, "gender": look.gender, "age": look.age,
            "stature": look.stature, "box": [round(v, 4) for v in box], "view": view}


def _shoulder_character(shot: Shot, seen: Sequence[str]) -> str | None:
    """Over-the-shoulder: the listener's back is to us, the speaker faces us across them. A speaker who is heard,
    not seen, has no face to show us: then no one turns their back and the listener faces us."""
    if len(seen) < 2:
        return None
    speaker = shot.dialogue[0].speaker if shot.dialogue else seen[-1]
    if speaker not in seen:
        return None
    return next((t for t in seen if t != speaker), None)


def _offscreen(token: str, cast: Sequence[Character]) -> bool:
    return any(c.token == token and c.offscreen for c in cast)


def _default_boxes(shot_type: ShotType, tokens: Sequence[str]) -> dict[str, tuple[float, float, float, float]]:
    n = len(tokens)
    y, h = DEFAULT_BOX.get(shot_type, (0.15, 0.85))
    w = min(0.8 / max(1, n), 0.44)
    xs = [0.5] if n == 1 else [0.3 + 0.4 * k / (n - 1) for k in range(n)] if n <= 3 else [0.14 + 0.72 * k / (n - 1) for k in range(n)]
    return {tok: (x - w / 2, y, w, h) for tok, x in zip(tokens, xs)}


def _fill_in(missing: Sequence[str], boxes: dict, shot_type: ShotType) -> dict:
    """Boxes for characters the storyboard did not place: beside the placed ones, in the free side."""
    used = sum(x + w / 2 for x, _, w, _ in boxes.values()) / len(boxes)
    y, h = DEFAULT_BOX.get(shot_type, (0.15, 0.85))
    out = {}
    for k, tok in enumerate(missing):
        cx = (0.75 if used < 0.5 else 0.25) + (k - (len(missing) - 1) / 2) * 0.15
        out[tok] = (min(max(cx - 0.12, 0.0), 0.76), y, 0.24, h)
    return out


def _faces(shot: Shot) -> dict[str, str]:
    """Each speaker's face from their first line in the shot; the first line's emotion leads."""
    faces: dict[str, str] = {}
    for line in shot.dialogue:
        faces.setdefault(line.speaker, expression(line.emotion))
    return faces


def _cast_look(token: str, cast: Sequence[Character]) -> CharacterLook:
    found = next((c for c in cast if c.token == token), None)
    return character_look(found or Character(token=token, name=token, appearance="a person"))


def _shadow(d: ImageDraw.ImageDraw, cx: float, y: float, scale: float, place: LocationLook) -> None:
    r = scale * 0.16
    d.ellipse((cx - r, y - r * 0.18, cx + r, y + r * 0.18), fill=shade(place.ground_near, 0.7))


# ================================================================ insert shots: the detail, not the people

# The detail an insert shows when no premise prop is pictured: a painted thing its words name, else a stone.
INSERT_WORDS = {
    "lantern": "lantern lamp light lens beacon candle",
    "letter": "letter note paper map page photo photograph postcard envelope",
    "key": "key keys lock",
    "cup": "cup mug tea coffee kettle",
    "clock": "clock watch time",
    "book": "book diary journal logbook",
    "flower": "flower flowers rose bloom",
}


def _detail(shot: Shot) -> str:
    words = set(" ".join([shot.visual_prompt, shot.action, *(ln.line for ln in shot.dialogue)]).lower().replace(".", " ").replace(",", " ").split())
    return next((name for name, vocabulary in INSERT_WORDS.items() if words & set(vocabulary.split())), "stone")


def _insert(img: Image.Image, shot: Shot, place: LocationLook, cast: Sequence[Character], context: str) -> list[dict]:
    """The detail on a surface: the shot's premise prop when one is pictured, else a thing its words name.
    Returns the props' records."""
    w, h = img.size
    big = img.resize((w * SS, h * SS), Image.Resampling.NEAREST)
    d = ImageDraw.Draw(big)
    W, H = big.size
    top = place.floor if place.interior else place.ground_near
    surface = mix(top, (120, 90, 60), 0.4)
    big.paste(gradient((W, int(H * 0.45)), shade(surface, 0.8), surface), (0, int(H * 0.55)))
    pen = Pen(d, W * 0.5, H * 0.3, H * 0.5, place.grade)
    # the detail is the prop even where the place already stands one in the background
    found = shot_props(shot.props, replace(place, set_pieces=()), context, limit=1) if shot.props else []
    pen.oval(0, 0.98, 0.42, 0.06, shade(surface, 0.6), outline=False)
    if found:
        records = [{**found[0].record(), "where": "insert"}]
        draw_depiction(d, found[0], W * 0.5, H * 0.79, H * 0.4, place.grade)
    else:
        detail = _detail(shot)
        records = [{"icon": None, "painted": detail, "drawn": "painted", "phrase": detail, "where": "insert"}]
        draw_thing(d, detail, W * 0.5, H * 0.8, H * 0.5, place.grade)
    seen = [t for t in shot.characters if not _offscreen(t, cast)]
    if seen:  # a hand reaching in from the side, in the character's own sleeve
        look = _cast_look(seen[0], cast)
        if look.kind == "human":
            hand = Pen(d, W, H * 0.62, H * 0.5, place.grade)
            hand.poly([(0.05, -0.1), (-0.55, 0.05), (-0.55, 0.25), (0.05, 0.4)], look.primary)
            hand.oval(-0.62, 0.15, 0.1, 0.09, look.skin)
    img.paste(big.reduce(SS))
    return records
