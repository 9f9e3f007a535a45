"""Draft figures: the characters, drawn with PIL from their `CharacterLook` by a `Pen` (pen.py) that works in
the figure's own units (height 1, x centred) and in the light of the place. People are painted in people.py,
every other family (storms, animals, robots, creatures...) in creatures.py, faces in faces.py. Here:
`draw_figure` picks the painter, `framing_window` says which slice of a figure a shot type shows, and
`draw_character_sheet` lays out a model sheet: the figure full length, a face study, swatches, name and token.
"""

from __future__ import annotations

import json

from PIL import Image, ImageDraw

from auteur.models.draft.creatures import NONHUMAN_PAINTERS, creature
from auteur.models.draft.faces import FACE
from auteur.models.draft.looks import CharacterLook, character_look
from auteur.models.draft.paint import SS, gradient
from auteur.models.draft.pen import INK, Pen
from auteur.models.draft.people import human
from auteur.core.schema import Character, ShotType
from auteur.tools.boards.panels import clean_text, draw_text, fit_text, load_font

__all__ = ["FACE", "FULL_LENGTH", "INK", "REACH", "Pen", "draw_character_sheet", "draw_figure", "framing_window"]

# ================================================================ figures

def draw_figure(d: ImageDraw.ImageDraw, look: CharacterLook, cx: float, top: float, scale: float, *, view: str = "front",
                face: str = "neutral", grade=(1.0, 1.0, 1.0)) -> None:
    """Draw a whole figure `scale` pixels tall with its top at `top`; parts outside the canvas are clipped."""
    pen = Pen(d, cx, top, scale, grade)
    painter = human if look.kind == "human" else NONHUMAN_PAINTERS.get(look.kind, creature)
    painter(pen, look, view, face)


# ================================================================ framing: how much of a figure a shot shows

FULL_LENGTH = {ShotType.extreme_wide, ShotType.wide, ShotType.full}
# How far down the figure each shot type reaches, for a person (figure units; the face is at 0.075).
REACH = {ShotType.two_shot: 0.72, ShotType.medium: 0.5, ShotType.insert: 0.5, ShotType.over_the_shoulder: 0.4,
         ShotType.medium_close_up: 0.34, ShotType.close_up: 0.24}


def framing_window(kind: str, shot_type: ShotType) -> tuple[float, float]:
    """The slice of a figure (top, bottom in figure units) a shot type shows."""
    fy, fu = FACE.get(kind, FACE["creature"])
    if shot_type in FULL_LENGTH:
        return -0.03, 1.0
    if shot_type == ShotType.extreme_close_up:
        return fy - 1.05 * fu, fy + 1.15 * fu
    reach = REACH.get(shot_type, 0.5)
    return -0.03, min(1.0, fy + (reach - 0.075) * fu / 0.05)


# ================================================================ the character sheet


def draw_character_sheet(character: Character, width: int, height: int, seed: int = 0) -> Image.Image:
    """A model sheet: the figure full-length on a neutral backdrop, a face study, swatches, name and token.

    The seed is accepted for the DirectorModel seam and changes nothing: a character has one look. A character
    who is heard, never seen, gets a voice card instead: a waveform, the name and "offscreen", and no figure.
    """
    if character.offscreen:
        return _voice_card(character, width, height)
    look = character_look(character)
    W, H = width * SS, height * SS
    img = gradient((W, H), (236, 234, 228), (206, 204, 200))
    d = ImageDraw.Draw(img)
    strip = int(H * 0.15)
    floor = H - strip - H * 0.04
    d.rectangle((0, floor, W, H), fill=(196, 194, 190))
    wide = W >= H * 1.1
    cx = W * (0.3 if wide else 0.5)
    tallest = floor - H * 0.05
    scale = tallest / 1.1 * look.stature
    for k in range(9):  # height marks: eighths of the tallest figure the sheet allows
        y = floor - tallest * k / 8
        d.line([(W * 0.04, y), (W * 0.04 + H * 0.02, y)], fill=(150, 150, 150), width=max(1, H // 400))
    d.ellipse((cx - scale * 0.17, floor - scale * 0.02, cx + scale * 0.17, floor + scale * 0.02), fill=(172, 170, 166))
    draw_figure(d, look, cx, floor - scale * 0.99, scale)
    if wide:
        ix0, iy0, ix1, iy1 = int(W * 0.58), int(H * 0.06), int(W * 0.95), int(H * 0.6)
        inset = gradient((ix1 - ix0, iy1 - iy0), (214, 218, 224), (190, 194, 204))
        top_u, bottom_u = framing_window(look.kind, ShotType.close_up)
        s = (iy1 - iy0) / (bottom_u - top_u)
        draw_figure(ImageDraw.Draw(inset), look, inset.width / 2, -top_u * s, s, face="neutral")
        img.paste(inset, (ix0, iy0))
        d.rectangle((ix0, iy0, ix1, iy1), outline=(90, 90, 96), width=max(2, H // 300))
        sw = (ix1 - ix0) / 5
        for k, colour in enumerate((look.primary, look.secondary, look.hair if look.kind == "human" else look.eyes, look.skin if look.kind == "human" else look.accent)):
            x = ix0 + k * sw * 1.3
            d.rectangle((x, iy1 + H * 0.04, x + sw, iy1 + H * 0.04 + sw * 0.6), fill=colour, outline=(90, 90, 96), width=max(1, H // 400))
    img = img.reduce(SS)
    d = ImageDraw.Draw(img)
    name_font, small = load_font(max(10, height // 16), bold=True), load_font(max(9, height // 34))
    y = height - strip // SS + height // 60
    draw_text(d, (width * 0.04, y), fit_text(clean_text(character.name), name_font, width * 0.92), name_font, INK)
    detail = f"{character.token}  ·  {character.role or look.species or look.kind}"
    draw_text(d, (width * 0.04, y + name_font.size * 1.25), fit_text(clean_text(detail), small, width * 0.92), small, (80, 80, 86))
    img.info["auteur:drawn"] = json.dumps({"kind": "character", "figures": [{
        "token": character.token, "name": character.name, "kind": character.kind, "drawn_as": look.kind,
        "species": look.species, "icon": look.icon, "gender": look.gender, "age": look.age, "stature": look.stature}]})
    return img


def _voice_card(character: Character, width: int, height: int) -> Image.Image:
    """The sheet of a voice: a waveform between rings of sound, the name, and what they are."""
    img = gradient((width, height), (58, 62, 74), (30, 32, 40))
    d = ImageDraw.Draw(img)
    cx, cy, unit = width / 2, height * 0.4, min(width, height)
    for k in range(1, 4):  # rings of sound spreading from nowhere in particular
        r = unit * 0.09 * k
        d.arc((cx - r, cy - r, cx + r, cy + r), 300, 60, fill=(150, 170, 200), width=max(1, unit // 120))
        d.arc((cx - r, cy - r, cx + r, cy + r), 120, 240, fill=(150, 170, 200), width=max(1, unit // 120))
    n = 23
    for i in range(n):  # a waveform, tallest in the middle
        x = cx + (i - n // 2) * unit * 0.012
        a = unit * 0.07 * (1 - abs(i - n // 2) / (n / 2)) * (0.5 + 0.5 * abs(((i * 7) % 5) - 2) / 2)
        d.line([(x, cy - a), (x, cy + a)], fill=(236, 214, 150), width=max(1, unit // 200))
    name_font, small = load_font(max(10, height // 16), bold=True), load_font(max(9, height // 34))
    y = height * 0.72
    draw_text(d, (width * 0.06, y), fit_text(clean_text(character.name), name_font, width * 0.88), name_font, (240, 240, 236))
    detail = f"{character.token}  ·  offscreen: heard, never seen"
    draw_text(d, (width * 0.06, y + name_font.size * 1.3), fit_text(clean_text(detail), small, width * 0.88), small, (190, 194, 204))
    img.info["auteur:drawn"] = json.dumps({"kind": "character", "offscreen": True, "figures": []})
    return img
