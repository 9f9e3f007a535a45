"""Draft figures: the characters, drawn with PIL from their `CharacterLook` by a `Pen` that works in
the figure's own units (height 1, x centred) and in the light of the place. A person is legs, coat, arms,
head, hair, hat, beard and glasses; storms, clouds, wind, sea, fire, ghosts, robots, trees, stars, animals,
whales and creatures each have their own painter; every face wears one of eight expressions read from a
line's emotion. `FACE` and `framing_window` say which slice of a figure a shot type shows, and
`draw_character_sheet` lays out a model sheet: the figure full length, a face study, swatches, name and token.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence

from PIL import Image, ImageDraw

from auteur.models.draft.looks import RGB, CharacterLook, character_look, graded, mix
from auteur.models.draft.paint import SS, ellipse_points, gradient, shade
from auteur.core.schema import Character, ShotType
from auteur.tools.boards.panels import clean_text, draw_text, fit_text, load_font

INK = (24, 20, 26)

# ================================================================ the pen


class Pen:
    """Draws in a figure's own units (height 1, x centred) onto a pixel canvas, in the light of the place."""

    def __init__(self, d: ImageDraw.ImageDraw, cx: float, top: float, scale: float, grade=(1.0, 1.0, 1.0), mirror: int = 1):
        self.d, self.cx, self.top, self.s, self.grade, self.mirror = d, cx, top, scale, grade, mirror
        self.edge = max(1, round(scale * 0.0045))

    def pt(self, x: float, y: float) -> tuple[float, float]:
        return self.cx + x * self.s * self.mirror, self.top + y * self.s

    def c(self, rgb: RGB) -> RGB:
        return graded(rgb, self.grade, 0.6)

    def ink(self, rgb: RGB) -> RGB:
        return mix(self.c(rgb), INK, 0.65)

    def poly(self, pts: Sequence[tuple[float, float]], fill: RGB, outline: bool = True) -> None:
        xy = [self.pt(x, y) for x, y in pts]
        self.d.polygon(xy, fill=self.c(fill), outline=self.ink(fill) if outline else None, width=self.edge if outline else 1)

    def oval(self, x: float, y: float, rx: float, ry: float, fill: RGB, outline: bool = True) -> None:
        radius = max(rx, ry) * self.s
        if radius > 160:  # PIL's ellipse walks the whole curve even far off-canvas; a fine polygon is clipped and quick
            steps = int(min(256, max(32, radius / 6)))
            self.poly(ellipse_points(x, y, rx, ry, 0, 360, steps)[:-1], fill, outline)
            return
        (x0, y0), (x1, y1) = self.pt(x - rx, y - ry), self.pt(x + rx, y + ry)
        box = (min(x0, x1), y0, max(x0, x1), max(y0, y1 + 0.01))
        self.d.ellipse(box, fill=self.c(fill), outline=self.ink(fill) if outline else None, width=self.edge)

    def rect(self, x0: float, y0: float, x1: float, y1: float, fill: RGB, radius: float = 0.0, outline: bool = True) -> None:
        (a, b), (c, d) = self.pt(x0, y0), self.pt(x1, y1)
        box = (min(a, c), min(b, d), max(a, c) + 0.01, max(b, d) + 0.01)
        self.d.rounded_rectangle(box, radius=radius * self.s, fill=self.c(fill),
                                 outline=self.ink(fill) if outline else None, width=self.edge)

    def line(self, pts: Sequence[tuple[float, float]], fill: RGB, width: float) -> None:
        self.d.line([self.pt(x, y) for x, y in pts], fill=self.c(fill), width=max(1, round(width * self.s)), joint="curve")

    def arc(self, x: float, y: float, rx: float, ry: float, a0: float, a1: float, fill: RGB, width: float) -> None:
        self.line(ellipse_points(x, y, rx, ry, a0, a1, 12), fill, width)


# ================================================================ faces

EMOTIONS = {
    "joy": "joy happy joyful glad delighted excited laughing amused cheerful relieved proud playful",
    "sadness": "sad sadness grief grieving sorrow sorrowful melancholy lonely regret regretful hurt weary tired",
    "anger": "anger angry furious rage annoyed frustrated defiant stern bitter",
    "fear": "fear afraid scared terrified anxious nervous worried panic dread frightened",
    "surprise": "surprise surprised shocked astonished startled",
    "tender": "tender loving love warm gentle affectionate kind soft fond caring",
    "wonder": "wonder awe curious amazed fascinated hopeful dreamy",
}


def expression(emotion: str) -> str:
    """The face to draw for a dialogue emotion: one of neutral, joy, sadness, anger, fear, surprise, tender, wonder."""
    words = set(emotion.lower().replace("-", " ").split())
    for face, vocabulary in EMOTIONS.items():
        if words & set(vocabulary.split()):
            return face
    return "neutral"


def _face(pen: Pen, x: float, y: float, u: float, face: str, eyes: RGB, *, skin: RGB | None = None, kind: str = "human",
          brow: RGB = INK) -> None:
    """Eyes, brows and mouth around (x, y), u = half the face width, all in figure units."""
    if u * pen.s < 3:
        return
    lw = max(0.012 * u * 8, 0.0025) * (1 if kind == "human" else 1.2)
    ex, ey, er = 0.42 * u, y - 0.05 * u, 0.13 * u
    glowing = kind in ("storm", "robot", "fire", "sea", "wind", "orb")
    dark = INK if not glowing else eyes
    if face in ("joy", "tender"):
        for sx in (-1, 1):
            a0, a1 = (200, 340) if face == "joy" else (20, 160)
            pen.arc(x + sx * ex, ey + (0.04 * u if face == "joy" else -0.04 * u), er * 1.1, er, a0, a1, dark, lw * 1.2)
    else:
        big = face in ("fear", "surprise", "wonder")
        for sx in (-1, 1):
            if big or glowing:
                pen.oval(x + sx * ex, ey, er * 1.4, er * 1.5, (250, 250, 246) if not glowing else eyes, outline=not glowing)
                if not glowing:
                    pen.oval(x + sx * ex, ey + 0.02 * u, er * (0.55 if face == "fear" else 0.8), er * (0.55 if face == "fear" else 0.8), INK, outline=False)
                    if face == "wonder":
                        pen.oval(x + sx * ex + 0.04 * u, ey - 0.03 * u, er * 0.3, er * 0.3, (255, 255, 255), outline=False)
            elif kind == "feline":
                pen.oval(x + sx * ex, ey, er * 1.3, er * 1.1, eyes, outline=True)
                pen.oval(x + sx * ex, ey, er * 0.3, er * 1.0, INK, outline=False)
            else:
                pen.oval(x + sx * ex, ey, er * 0.9, er * (0.7 if face == "sadness" else 1.0), eyes if kind != "human" else INK, outline=False)
    # brows carry most of the feeling at storyboard size
    by, bw = y - 0.32 * u, 0.2 * u
    tilt = {"sadness": -0.09, "fear": -0.07, "anger": 0.11, "surprise": 0.0, "wonder": 0.0}.get(face, 0.0) * u
    lift = {"surprise": -0.1, "fear": -0.07, "wonder": -0.08, "joy": -0.03}.get(face, 0.0) * u
    if kind in ("human", "ghost", "tree", "creature", "canine", "bear", "dragon", "storm", "orb"):
        brow = brow if kind != "storm" else shade(eyes, 0.8)
        for sx in (-1, 1):
            pen.line([(x + sx * (ex + bw), by + lift - tilt), (x + sx * (ex - bw * 0.9), by + lift + tilt)], brow, lw * 1.3)
    if kind == "human" and u * pen.s > 8:
        pen.line([(x, y + 0.02 * u), (x - 0.06 * u, y + 0.22 * u), (x + 0.02 * u, y + 0.25 * u)], shade(skin or (200, 150, 120), 0.75), lw * 0.8)
    if kind in ("bird", "feline", "canine", "bear", "rabbit"):
        return  # beaks and muzzles are drawn with the head
    my, mw = y + 0.48 * u, 0.26 * u
    mouth = (120, 40, 40) if kind == "human" else shade(eyes if glowing else INK, 0.5 if glowing else 1)
    if face == "joy":
        pen.d.chord([pen.pt(x - mw, my - 0.12 * u), pen.pt(x + mw, my + 0.16 * u)] if pen.mirror > 0 else
                    [pen.pt(x + mw, my - 0.12 * u), pen.pt(x - mw, my + 0.16 * u)], 0, 180, fill=pen.c(mouth))
    elif face == "tender":
        pen.arc(x, my - 0.08 * u, mw * 0.8, 0.1 * u, 20, 160, mouth, lw)
    elif face in ("surprise", "wonder", "fear"):
        r = {"surprise": 0.12, "wonder": 0.07, "fear": 0.09}[face] * u
        pen.oval(x, my, r * (1.3 if face == "fear" else 1), r * 1.3, mouth, outline=False)
    elif face in ("sadness", "anger"):
        pen.arc(x, my + 0.1 * u, mw * 0.8, 0.1 * u, 200, 340, mouth, lw * (1.4 if face == "anger" else 1))
    else:
        pen.line([(x - mw * 0.6, my), (x + mw * 0.6, my)], mouth, lw)
    if face in ("joy", "tender") and kind == "human":
        for sx in (-1, 1):
            pen.oval(x + sx * 0.6 * u, y + 0.25 * u, 0.12 * u, 0.07 * u, (236, 130, 130), outline=False)


# ================================================================ figures

# Where each family's face sits, in figure units from the top, and its half-width: close-ups frame on it.
FACE = {
    "human": (0.075, 0.05), "storm": (0.27, 0.1), "cloud": (0.27, 0.1), "wind": (0.3, 0.08), "sea": (0.42, 0.09),
    "fire": (0.6, 0.08), "ghost": (0.2, 0.11), "robot": (0.14, 0.08), "tree": (0.62, 0.07), "orb": (0.33, 0.16),
    "feline": (0.28, 0.11), "canine": (0.27, 0.1), "bear": (0.26, 0.11), "rabbit": (0.33, 0.1), "bird": (0.24, 0.09),
    "dragon": (0.2, 0.09), "whale": (0.56, 0.08), "creature": (0.35, 0.12),
}


def draw_figure(d: ImageDraw.ImageDraw, look: CharacterLook, cx: float, top: float, scale: float, *, view: str = "front",
                face: str = "neutral", grade=(1.0, 1.0, 1.0)) -> None:
    """Draw a whole figure `scale` pixels tall with its top at `top`; parts outside the canvas are clipped."""
    pen = Pen(d, cx, top, scale, grade)
    painter = _human if look.kind == "human" else _NONHUMAN_PAINTERS.get(look.kind, _creature)
    painter(pen, look, view, face)


def _human(pen: Pen, lk: CharacterLook, view: str, face: str) -> None:
    b = lk.build
    hy, rx, ry = 0.075, 0.05, 0.064
    if lk.stature < 0.8:  # children: bigger heads for their size
        hy, rx, ry = 0.09, 0.062, 0.078
    back = view == "back"
    sw, hem = 0.118 * b, 0.7 if lk.long_coat else 0.53
    if lk.hair_style == "long" and not back:
        pen.rect(-rx * 1.2, hy - ry * 0.6, rx * 1.2, hy + 0.13, lk.hair, radius=0.03)
    # legs and shoes
    for s in (-1, 1):
        pen.rect(s * 0.012, 0.48, s * 0.068 * b ** 0.5, 0.96, lk.secondary, radius=0.01)
        pen.oval(s * 0.045 * b ** 0.5 + (0 if back else s * 0.01), 0.975, 0.04, 0.022, (44, 36, 32))
    # coat: shoulders, waist, hem
    torso = [(-0.03, 0.148), (-sw * 0.8, 0.158), (-sw, 0.19), (-0.098 * b, 0.47), (-(0.13 if lk.long_coat else 0.104) * b, hem),
             ((0.13 if lk.long_coat else 0.104) * b, hem), (0.098 * b, 0.47), (sw, 0.19), (sw * 0.8, 0.158), (0.03, 0.148)]
    pen.poly(torso, lk.primary)
    if not back:
        pen.poly([(-0.032, 0.152), (0.032, 0.152), (0, 0.24)], mix(lk.secondary, (236, 232, 222), 0.7))
        pen.line([(0, 0.24), (0, hem - 0.01)], shade(lk.primary, 0.7), 0.004)
        for k in range(3):
            pen.oval(0.012, 0.28 + k * 0.07, 0.006, 0.006, shade(lk.primary, 0.6), outline=False)
    # arms hang a little outside the coat, one shade darker so they separate from it
    sleeve = shade(lk.primary, 0.9)
    for s in (-1, 1):
        pen.poly([(s * (sw - 0.01), 0.17), (s * (sw + 0.035), 0.2), (s * (sw + 0.05), 0.49), (s * (sw + 0.005), 0.5), (s * (sw - 0.03), 0.24)], sleeve)
        pen.oval(s * (sw + 0.028), 0.515, 0.022, 0.026, lk.skin)
    pen.rect(-0.02, hy + ry * 0.7, 0.02, 0.16, shade(lk.skin, 0.9), outline=False)
    if lk.scarf:
        pen.rect(-0.05, 0.135, 0.05, 0.17, lk.accent, radius=0.012)
        if not back:
            pen.rect(0.012, 0.15, 0.04, 0.26, lk.accent, radius=0.008)
    if lk.hat == "hood":
        pen.oval(0, hy - 0.004, rx * 1.45, ry * 1.32, lk.hat_colour)
    for s in (-1, 1):
        pen.oval(s * rx * 0.98, hy + 0.005, rx * 0.2, ry * 0.25, shade(lk.skin, 0.95))
    pen.oval(0, hy, rx, ry, lk.skin)
    if back:
        if lk.hair_style != "bald":
            pen.oval(0, hy - 0.004, rx * 1.04, ry * 1.02, lk.hair)
            if lk.hair_style in ("long", "ponytail"):
                pen.rect(-rx * (1.0 if lk.hair_style == "long" else 0.3), hy, rx * (1.0 if lk.hair_style == "long" else 0.3), hy + 0.13, lk.hair, radius=0.02)
            if lk.hair_style == "bun":
                pen.oval(0, hy - ry * 0.5, rx * 0.45, ry * 0.4, lk.hair)
    else:
        _hair_front(pen, lk, hy, rx, ry)
        if lk.beard:  # jaw and chin only, so cheeks and mouth still show
            jaw = ellipse_points(0, hy + 0.006, rx * 1.0, ry * 1.06, 0, 180, 14)
            upper = [(-rx * 0.62, hy + 0.02), (-rx * 0.3, hy + 0.024), (0, hy + 0.022), (rx * 0.3, hy + 0.024), (rx * 0.62, hy + 0.02)]
            pen.poly(jaw + upper, lk.beard, outline=False)
            pen.line(jaw, shade(lk.beard, 0.55), 0.003)
            pen.oval(0, hy + 0.031, rx * 0.36, ry * 0.12, mix(lk.skin, lk.beard, 0.35), outline=False)
        _face(pen, 0, hy + 0.006, rx * 0.95, face, lk.eyes, skin=lk.skin, brow=mix(lk.hair, INK, 0.45))
        if lk.beard:
            pen.oval(0, hy + 0.023, rx * 0.4, ry * 0.075, lk.beard, outline=False)
        if lk.glasses:
            for s in (-1, 1):
                pen.arc(s * 0.4 * rx, hy + 0.001, 0.24 * rx, 0.2 * rx, 0, 360, (40, 40, 44), 0.0035)
            pen.line([(-0.16 * rx, hy), (0.16 * rx, hy)], (40, 40, 44), 0.0035)
    if lk.hat == "brimmed":
        pen.oval(0, hy - ry * 0.55, rx * 1.9, ry * 0.28, lk.hat_colour)
        pen.rect(-rx * 1.05, hy - ry * 1.35, rx * 1.05, hy - ry * 0.55, lk.hat_colour, radius=0.02)
    elif lk.hat == "cap":
        pen.poly(ellipse_points(0, hy - ry * 0.3, rx * 1.08, ry * 0.85, 180, 360, 14), lk.hat_colour)
        if not back:
            pen.oval(0, hy - ry * 0.32, rx * 0.9, ry * 0.14, shade(lk.hat_colour, 0.8))
    elif lk.hat == "hood" and not back:
        pen.poly(ellipse_points(0, hy - 0.004, rx * 1.45, ry * 1.32, 195, 345, 12) + [(rx * 0.9, hy - ry * 0.55), (-rx * 0.9, hy - ry * 0.55)], lk.hat_colour)


def _hair_front(pen: Pen, lk: CharacterLook, hy: float, rx: float, ry: float) -> None:
    if lk.hair_style == "bald":
        for s in (-1, 1):
            pen.oval(s * rx * 0.92, hy - ry * 0.05, rx * 0.18, ry * 0.3, lk.hair, outline=False)
        return
    cap = ellipse_points(0, hy - 0.004, rx * 1.08, ry * 1.06, 180, 360, 16)
    fringe = [(rx * 1.05, hy - ry * 0.05), (rx * 0.55, hy - ry * 0.5), (0, hy - ry * 0.58), (-rx * 0.55, hy - ry * 0.45), (-rx * 1.05, hy - ry * 0.05)]
    pen.poly(cap + fringe, lk.hair)
    if lk.hair_style == "curly":
        for a in range(190, 351, 32):
            px, py = ellipse_points(0, hy, rx * 1.05, ry * 1.02, a, a, 1)[0]
            pen.oval(px, py, rx * 0.28, rx * 0.28, lk.hair)
    elif lk.hair_style == "bun":
        pen.oval(0, hy - ry * 1.12, rx * 0.42, ry * 0.3, lk.hair)
    elif lk.hair_style == "ponytail":
        pen.oval(rx * 1.1, hy + ry * 0.2, rx * 0.22, ry * 0.55, lk.hair)


def _cloudy(pen: Pen, lk: CharacterLook, view: str, face: str) -> None:
    rng = random.Random(lk.variant)
    body = lk.primary
    if lk.kind == "storm":
        for _ in range(26):  # rain falls from under the cloud
            x, y = rng.uniform(-0.25, 0.25), rng.uniform(0.42, 0.8)
            pen.line([(x, y), (x - 0.03, y + rng.uniform(0.08, 0.18))], (170, 190, 214), 0.005)
    if lk.kind == "wind":
        for k in range(5):
            r = 0.1 + 0.05 * k
            pen.arc(0, 0.35 + 0.05 * k, r * 1.4, r, 200 + 20 * k, 520 + 10 * k, shade(body, 1 - 0.06 * k), 0.02)
        for _ in range(7):
            pen.oval(rng.uniform(-0.3, 0.3), rng.uniform(0.1, 0.8), 0.018, 0.01, rng.choice([(200, 140, 50), (120, 150, 60)]))
    else:
        puffs = [(rng.uniform(-0.26, 0.26), rng.uniform(0.14, 0.4), rng.uniform(0.09, 0.15)) for _ in range(11)]
        for x, y, r in puffs:
            pen.oval(x, y + 0.04, r, r * 0.9, shade(body, 0.72), outline=False)
        for x, y, r in puffs:
            pen.oval(x, y, r, r * 0.9, body, outline=False)
        for x, y, r in puffs[:5]:
            pen.oval(x - r * 0.2, y - r * 0.25, r * 0.55, r * 0.45, shade(body, 1.12), outline=False)
    if lk.kind == "storm":
        x = rng.uniform(-0.15, 0.15)
        pen.line([(x, 0.38), (x + 0.05, 0.5), (x - 0.01, 0.52), (x + 0.06, 0.68)], lk.accent, 0.012)
    if view != "back":
        fy, fu = FACE[lk.kind]
        _face(pen, 0, fy, fu, face, lk.eyes, kind=lk.kind)


def _sea(pen: Pen, lk: CharacterLook, view: str, face: str) -> None:
    body = lk.primary
    pen.poly([(-0.34, 1.0), (-0.3, 0.6), (-0.26, 0.3), (-0.14, 0.1), (0.04, 0.04), (0.2, 0.1), (0.26, 0.2), (0.16, 0.2), (0.08, 0.26),
              (0.14, 0.4), (0.28, 0.62), (0.34, 1.0)], body)
    pen.poly([(-0.2, 0.98), (-0.16, 0.5), (-0.06, 0.3), (0.06, 0.4), (0.2, 0.98)], shade(body, 1.2), outline=False)
    for k in range(9):
        a = 200 + k * 18
        x, y = ellipse_points(0.02, 0.17, 0.23, 0.13, a, a, 1)[0]
        pen.oval(x, y, 0.035, 0.03, (240, 246, 250), outline=False)
    if view != "back":
        _face(pen, 0.0, FACE["sea"][0], FACE["sea"][1], face, lk.eyes, kind="sea")


def _fire(pen: Pen, lk: CharacterLook, view: str, face: str) -> None:
    for k, (colour, w) in enumerate(((lk.primary, 0.26), ((250, 170, 40), 0.19), ((255, 236, 150), 0.11))):
        top = 0.02 + 0.2 * k
        pts = [(0, top)]
        for i in range(1, 11):
            t = i / 10
            pts.append((w * math.sin(t * math.pi * 0.9) ** 0.8 + 0.02 * math.sin(t * 17 + k), top + (1 - top) * t))
        pen.poly(pts + [(-x, y) for x, y in reversed(pts[1:])], colour, outline=k == 0)
    if view != "back":
        _face(pen, 0, FACE["fire"][0], FACE["fire"][1], face, (60, 20, 10), kind="ghost")


def _ghost(pen: Pen, lk: CharacterLook, view: str, face: str) -> None:
    pts = ellipse_points(0, 0.2, 0.17, 0.17, 180, 360, 14)
    hem = [(0.24 - 0.48 * i / 8, 0.92 + (0.04 if i % 2 else -0.02)) for i in range(9)]
    pen.poly(pts + [(0.24, 0.9)] + hem + [(-0.24, 0.9)], lk.primary)
    for s in (-1, 1):
        pen.oval(s * 0.2, 0.42, 0.06, 0.035, shade(lk.primary, 0.95))
    if view != "back":
        _face(pen, 0, FACE["ghost"][0], FACE["ghost"][1], face, (40, 40, 60), kind="ghost")


def _robot(pen: Pen, lk: CharacterLook, view: str, face: str) -> None:
    body, dark = lk.primary, shade(lk.primary, 0.7)
    pen.line([(0, 0.06), (0, 0.01)], dark, 0.008)
    pen.oval(0, 0.012, 0.014, 0.014, lk.accent)
    for s in (-1, 1):
        pen.rect(s * 0.03, 0.6, s * 0.1, 0.95, dark, radius=0.01)
        pen.rect(s * 0.02, 0.94, s * 0.12, 1.0, shade(dark, 0.8), radius=0.01)
        pen.rect(s * 0.15, 0.28, s * 0.2, 0.56, dark, radius=0.02)
        pen.oval(s * 0.175, 0.58, 0.03, 0.03, shade(dark, 0.8))
    pen.rect(-0.15, 0.25, 0.15, 0.62, body, radius=0.03)
    pen.rect(-0.03, 0.22, 0.03, 0.26, dark)
    pen.rect(-0.11, 0.06, 0.11, 0.22, body, radius=0.03)
    if view != "back":
        pen.rect(-0.08, 0.32, 0.08, 0.45, shade(body, 0.8), radius=0.01)
        for k, c in enumerate(((220, 60, 50), (60, 200, 90), lk.accent)):
            pen.oval(-0.05 + 0.05 * k, 0.385, 0.014, 0.014, c)
        _face(pen, 0, FACE["robot"][0], FACE["robot"][1], face, lk.eyes, kind="robot")


def _tree(pen: Pen, lk: CharacterLook, view: str, face: str) -> None:
    rng = random.Random(lk.variant)
    bark = lk.primary
    leaf = mix((58, 110, 58), lk.accent, 0.15)  # a little of the tree's own accent, so two trees differ
    pen.poly([(-0.12, 1.0), (-0.07, 0.8), (-0.07, 0.45), (-0.2, 0.3), (-0.16, 0.28), (-0.04, 0.38), (0, 0.3), (0.04, 0.38),
              (0.17, 0.27), (0.2, 0.3), (0.07, 0.45), (0.07, 0.8), (0.12, 1.0)], bark)
    for _ in range(12):
        pen.oval(rng.uniform(-0.28, 0.28), rng.uniform(0.05, 0.32), 0.12, 0.1, shade(leaf, rng.uniform(0.85, 1.15)), outline=False)
    if view != "back":
        _face(pen, 0, FACE["tree"][0], FACE["tree"][1], face, INK, kind="tree")


def _orb(pen: Pen, lk: CharacterLook, view: str, face: str) -> None:
    cy, r = FACE["orb"][0], 0.26
    pen.oval(0, cy, r * 1.25, r * 1.25, mix(lk.primary, (255, 255, 255), 0.5), outline=False)
    if lk.species == "star":
        pts = [(r * (1 if i % 2 == 0 else 0.45) * math.sin(i * math.pi / 5), cy - r * (1 if i % 2 == 0 else 0.45) * math.cos(i * math.pi / 5)) for i in range(10)]
        pen.poly(pts, lk.primary)
    else:
        pen.oval(0, cy, r, r, lk.primary)
        for x, y, cr in ((-0.1, -0.12, 0.04), (0.13, 0.08, 0.05), (-0.05, 0.15, 0.03)):
            pen.oval(x, cy + y, cr, cr, shade(lk.primary, 0.88), outline=False)
    if view != "back":
        _face(pen, 0, cy, FACE["orb"][1] * (0.6 if lk.species == "star" else 1), face, INK, kind="orb")


def _animal(pen: Pen, lk: CharacterLook, view: str, face: str) -> None:
    """A sitting animal seen from the front: body, tail, head, ears and muzzle by family."""
    kind, fur = lk.kind, lk.primary
    light = mix(fur, (250, 246, 236), 0.3 if kind == "bird" else 0.6)
    fox = lk.species == "fox"
    fy, fu = FACE[kind]
    if kind == "dragon":
        for s in (-1, 1):
            pen.poly([(s * 0.1, 0.4), (s * 0.45, 0.12), (s * 0.42, 0.3), (s * 0.48, 0.36), (s * 0.38, 0.5), (s * 0.12, 0.55)], shade(fur, 0.8))
    if kind != "bird":
        tail_tip = (0.3, 0.72)
        pen.line([(0.1, 0.95), (0.26, 0.92), tail_tip], fur, 0.07)
        if fox:
            pen.oval(*tail_tip, 0.045, 0.05, (244, 240, 232))
    pen.oval(0, 0.68, 0.25 if kind == "bear" else 0.2, 0.3, fur)
    pen.oval(0, 0.66, 0.1, 0.2, light if kind != "dragon" else (220, 200, 120), outline=False)
    if kind == "bird":
        for s in (-1, 1):
            pen.oval(s * 0.17, 0.6, 0.07, 0.2, shade(fur, 0.78))
            pen.line([(s * 0.05, 0.95), (s * 0.05, 1.0)], (220, 150, 40), 0.012)
    else:
        for s in (-1, 1):
            pen.rect(s * 0.03, 0.55, s * 0.1, 0.97, shade(fur, 0.95), radius=0.03)
            pen.oval(s * 0.07, 0.97, 0.05, 0.03, shade(fur, 0.9))
    # ears behind the head
    if kind in ("feline", "canine") and not (kind == "canine" and lk.species in ("dog", "puppy", "hound")):
        tall = 0.13 if kind == "canine" else 0.1
        for s in (-1, 1):
            pen.poly([(s * 0.04, fy - 0.08), (s * 0.13, fy - 0.08 - tall), (s * 0.15, fy - 0.02)], fur)
            pen.poly([(s * 0.07, fy - 0.08), (s * 0.125, fy - 0.06 - tall * 0.7), (s * 0.13, fy - 0.04)], (220, 150, 150), outline=False)
    elif kind == "rabbit":
        for s in (-1, 1):
            pen.oval(s * 0.06, fy - 0.2, 0.035, 0.14, fur)
    elif kind == "bear":
        for s in (-1, 1):
            pen.oval(s * 0.11, fy - 0.11, 0.045, 0.045, fur)
    elif kind == "dragon":
        for s in (-1, 1):
            pen.poly([(s * 0.05, fy - 0.07), (s * 0.12, fy - 0.2), (s * 0.1, fy - 0.05)], (230, 220, 190))
    elif kind == "bird" and lk.species == "owl":
        for s in (-1, 1):
            pen.poly([(s * 0.05, fy - 0.08), (s * 0.12, fy - 0.17), (s * 0.13, fy - 0.05)], fur)
    pen.oval(0, fy, 0.15 if kind != "bird" else 0.13, 0.14 if kind != "bird" else 0.13, fur)
    if fox:
        for s in (-1, 1):
            pen.poly([(s * 0.02, fy + 0.02), (s * 0.15, fy + 0.0), (s * 0.05, fy + 0.12)], (244, 240, 232), outline=False)
    if kind == "canine" and lk.species in ("dog", "puppy", "hound"):
        for s in (-1, 1):
            pen.oval(s * 0.14, fy + 0.02, 0.04, 0.09, shade(fur, 0.75))
    if view == "back":
        return
    _face(pen, 0, fy - 0.01, fu, face, lk.eyes, kind="feline" if kind == "feline" else kind)
    if kind == "bird":
        pen.poly([(-0.03, fy + 0.03), (0.03, fy + 0.03), (0, fy + 0.09)], (232, 160, 40))
    elif kind == "dragon":
        pen.oval(0, fy + 0.07, 0.08, 0.05, shade(fur, 1.1))
        for s in (-1, 1):
            pen.oval(s * 0.025, fy + 0.06, 0.008, 0.006, INK, outline=False)
    else:
        snout = 0.06 if kind in ("canine", "bear") else 0.045
        pen.oval(0, fy + 0.06, snout, snout * 0.75, light, outline=kind != "feline")
        pen.poly([(-0.015, fy + 0.04), (0.015, fy + 0.04), (0, fy + 0.058)], (40, 30, 30) if kind != "feline" else (220, 120, 130), outline=False)
        if kind == "feline":
            for s in (-1, 1):
                for k in (-1, 1):
                    pen.line([(s * 0.04, fy + 0.06), (s * 0.16, fy + 0.06 + k * 0.02)], (230, 230, 226), 0.003)
        _mouth_small(pen, fy + 0.085, face)


def _mouth_small(pen: Pen, y: float, face: str) -> None:
    if face in ("joy", "tender"):
        pen.arc(0, y - 0.01, 0.03, 0.015, 20, 160, INK, 0.005)
    elif face in ("surprise", "fear", "wonder"):
        pen.oval(0, y, 0.012, 0.014, INK, outline=False)
    elif face in ("sadness", "anger"):
        pen.arc(0, y + 0.01, 0.025, 0.012, 200, 340, INK, 0.005)


def _whale(pen: Pen, lk: CharacterLook, view: str, face: str) -> None:
    pen.poly([(0.28, 0.62), (0.42, 0.3), (0.36, 0.28), (0.3, 0.38), (0.26, 0.28), (0.22, 0.32), (0.24, 0.55)], shade(lk.primary, 0.9))
    pen.oval(-0.02, 0.62, 0.36, 0.24, lk.primary)
    pen.oval(-0.05, 0.72, 0.28, 0.12, mix(lk.primary, (230, 230, 226), 0.5), outline=False)
    for k in range(4):
        pen.line([(-0.25 + 0.06 * k, 0.7), (-0.22 + 0.06 * k, 0.78)], shade(lk.primary, 0.7), 0.004)
    if view != "back":
        _face(pen, -0.18, FACE["whale"][0], FACE["whale"][1], face, INK, kind="ghost")


def _creature(pen: Pen, lk: CharacterLook, view: str, face: str) -> None:
    pts = ellipse_points(0, 0.55, 0.24, 0.42, 0, 360, 20)
    pts = [(x * (1 + 0.05 * math.sin(i * 2.7 + lk.variant % 5)), y) for i, (x, y) in enumerate(pts)]
    for s in (-1, 1):
        pen.oval(s * 0.1, 0.96, 0.07, 0.04, shade(lk.primary, 0.8))
        pen.oval(s * 0.25, 0.6, 0.05, 0.09, shade(lk.primary, 0.9))
    pen.poly(pts, lk.primary)
    pen.oval(0, 0.7, 0.13, 0.18, mix(lk.primary, (250, 246, 236), 0.4), outline=False)
    if view != "back":
        _face(pen, 0, FACE["creature"][0], FACE["creature"][1], face, INK, kind="creature")


_NONHUMAN_PAINTERS = {
    "storm": _cloudy, "cloud": _cloudy, "wind": _cloudy, "sea": _sea, "fire": _fire, "ghost": _ghost, "robot": _robot,
    "tree": _tree, "orb": _orb, "feline": _animal, "canine": _animal, "bear": _animal, "rabbit": _animal, "bird": _animal,
    "dragon": _animal, "whale": _whale, "creature": _creature,
}


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

    The seed is accepted for the DirectorModel seam and changes nothing: a character has one look.
    """
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
    return img
