"""Painted things: everyday objects the icon set lacks or draws as something else (a fridge, a piano, a tuba, a
bouquet of roses, a paper note), painted with the pen in a unit box: x from -0.5 to 0.5, y from 0 (top) to 1
(bottom, where the thing stands). `THINGS` names each with the phrases it answers to; meaning.py matches a
premise's phrase to them and to Font Awesome's icons alike, and the closest meaning in context is drawn.
"""

from __future__ import annotations

from collections.abc import Callable

from PIL import ImageDraw

from auteur.models.draft.paint import ellipse_points
from auteur.models.draft.pen import INK, Pen

Painter = Callable[[Pen], None]
BRASS, PAPER = (214, 170, 64), (244, 238, 222)


def _fridge(p: Pen) -> None:
    p.rect(-0.26, 0.0, 0.26, 1.0, (232, 234, 236), radius=0.04)
    p.line([(-0.26, 0.36), (0.26, 0.36)], (150, 154, 160), 0.012)
    for y0, y1 in ((0.1, 0.28), (0.44, 0.7)):
        p.rect(0.17, y0, 0.2, y1, (160, 164, 170), radius=0.01)
    p.rect(-0.16, 0.5, -0.04, 0.62, (250, 226, 120))  # a note held on by a magnet
    p.oval(-0.1, 0.5, 0.018, 0.018, (200, 60, 50))


def _piano(p: Pen) -> None:
    p.rect(-0.5, 0.12, 0.5, 0.72, (36, 30, 30), radius=0.02)  # an upright piano
    p.rect(-0.46, 0.5, 0.46, 0.6, (246, 244, 236))
    for k in range(1, 22):
        x = -0.46 + 0.92 * k / 22
        p.line([(x, 0.5), (x, 0.6)], (120, 120, 120), 0.004)
        if k % 7 not in (0, 3):
            p.rect(x - 0.012, 0.5, x + 0.012, 0.56, (20, 18, 18), outline=False)
    p.rect(-0.44, 0.72, -0.4, 1.0, (36, 30, 30))
    p.rect(0.4, 0.72, 0.44, 1.0, (36, 30, 30))
    p.rect(-0.2, 0.22, 0.2, 0.3, (70, 60, 56))  # the music desk


def _brass(p: Pen) -> None:
    """A tuba: coiled tubing, valves, the great bell opening upward."""
    p.oval(0.0, 0.62, 0.26, 0.3, BRASS)
    p.oval(0.0, 0.62, 0.15, 0.18, (236, 214, 150))
    p.poly([(0.1, 0.42), (0.16, 0.05), (0.46, 0.0), (0.42, 0.12), (0.26, 0.2), (0.22, 0.45)], BRASS)
    p.oval(0.31, 0.04, 0.16, 0.05, (120, 90, 30))
    for x in (-0.12, -0.04, 0.04):
        p.rect(x - 0.02, 0.3, x + 0.02, 0.46, (190, 190, 196))
    p.arc(-0.22, 0.62, 0.1, 0.16, 90, 270, BRASS, 0.05)


def _violin(p: Pen) -> None:
    body = (164, 84, 36)
    p.oval(0.0, 0.72, 0.2, 0.16, body)
    p.oval(0.0, 0.45, 0.15, 0.13, body)
    p.rect(-0.03, 0.05, 0.03, 0.45, (30, 24, 22))  # neck and fingerboard
    p.oval(0.0, 0.05, 0.05, 0.05, body)
    for s in (-1, 1):
        p.arc(s * 0.06, 0.6, 0.02, 0.07, 0, 360, INK, 0.01)
    p.line([(-0.01, 0.1), (-0.01, 0.85)], (230, 230, 230), 0.004)
    p.line([(0.01, 0.1), (0.01, 0.85)], (230, 230, 230), 0.004)
    p.line([(-0.42, 0.3), (0.45, 0.92)], (120, 80, 40), 0.012)  # the bow across it


def _flowers(p: Pen) -> None:
    p.poly([(-0.16, 0.62), (0.16, 0.62), (0.12, 1.0), (-0.12, 1.0)], (96, 130, 170))  # a vase
    heads = [(-0.2, 0.28), (0.0, 0.18), (0.2, 0.3), (-0.1, 0.42), (0.12, 0.44)]
    for x, y in heads:
        p.line([(x * 0.3, 0.64), (x, y)], (60, 120, 60), 0.018)
    for k, (x, y) in enumerate(heads):
        petal = ((210, 40, 60), (232, 90, 120), (200, 30, 50))[k % 3]  # roses, mostly red
        p.oval(x, y, 0.09, 0.08, petal)
        p.arc(x, y, 0.045, 0.04, 0, 300, (140, 20, 40), 0.01)


def _dumplings(p: Pen) -> None:
    p.oval(0.0, 0.86, 0.48, 0.12, (196, 160, 100))  # a bamboo steamer, seen from above at an angle
    p.rect(-0.48, 0.66, 0.48, 0.86, (206, 170, 110))
    p.oval(0.0, 0.66, 0.48, 0.12, (226, 200, 150))
    for x, y in ((-0.26, 0.64), (0.0, 0.6), (0.26, 0.64), (-0.12, 0.7), (0.14, 0.7)):
        p.oval(x, y, 0.1, 0.07, (246, 240, 226))
        p.arc(x, y - 0.02, 0.05, 0.03, 200, 340, (200, 190, 170), 0.008)


def _pumpkin(p: Pen) -> None:
    for dx, r in ((-0.26, 0.2), (0.26, 0.2), (-0.12, 0.24), (0.12, 0.24), (0.0, 0.26)):
        p.oval(dx, 0.62, r, 0.36, (230, 120, 30))
    p.rect(-0.03, 0.14, 0.04, 0.28, (90, 110, 50))


def _vending_machine(p: Pen) -> None:
    p.rect(-0.3, 0.0, 0.3, 1.0, (196, 40, 50), radius=0.03)
    p.rect(-0.24, 0.06, 0.12, 0.62, (220, 236, 244))
    for row in range(4):
        for col in range(3):
            x, y = -0.2 + col * 0.11, 0.1 + row * 0.13
            p.rect(x, y, x + 0.07, y + 0.1, ((60, 120, 200), (240, 200, 60), (80, 170, 90))[(row + col) % 3])
    p.rect(0.16, 0.2, 0.26, 0.4, (40, 40, 46))  # the coin slot panel
    p.rect(-0.24, 0.74, 0.2, 0.86, (30, 30, 34))  # the drop


def _lantern(p: Pen) -> None:
    p.rect(-0.2, 0.2, 0.2, 0.95, (250, 220, 150), radius=0.03)
    for s in (-1, 1):
        p.rect(s * 0.2, 0.15, s * 0.24, 1.0, (60, 56, 54))
    p.rect(-0.26, 0.08, 0.26, 0.16, (60, 56, 54), radius=0.02)
    p.arc(0, 0.05, 0.12, 0.08, 180, 360, (60, 56, 54), 0.025)
    p.oval(0, 0.6, 0.05, 0.12, (255, 200, 80), outline=False)


def _beehive(p: Pen) -> None:
    for k, (w, y) in enumerate(((0.22, 0.16), (0.34, 0.34), (0.42, 0.54), (0.38, 0.74), (0.28, 0.9))):
        p.oval(0.0, y, w, 0.11, (214, 170, 70) if k % 2 else (226, 184, 86))
    p.oval(0.0, 0.82, 0.07, 0.05, (60, 40, 20))
    for x, y in ((0.36, 0.3), (0.44, 0.42), (-0.38, 0.5)):
        p.oval(x, y, 0.035, 0.025, (240, 200, 40))
        p.line([(x - 0.02, y), (x + 0.02, y)], INK, 0.01)


def _bread(p: Pen) -> None:
    p.oval(0.0, 0.72, 0.44, 0.24, (196, 130, 60))
    p.oval(0.0, 0.66, 0.38, 0.17, (214, 152, 76))
    for x in (-0.18, 0.0, 0.18):
        p.arc(x, 0.66, 0.06, 0.1, 250, 290, (150, 90, 40), 0.02)


def _letter(p: Pen) -> None:
    p.poly([(-0.5, 0.45), (0.42, 0.38), (0.5, 0.95), (-0.44, 1.0)], PAPER)
    for k in range(6):
        p.line([(-0.38, 0.52 + 0.07 * k), (0.32 - 0.1 * (k == 5), 0.48 + 0.07 * k)], (70, 70, 100), 0.008)


def _key(p: Pen) -> None:
    p.arc(-0.22, 0.7, 0.12, 0.12, 0, 360, (200, 160, 60), 0.05)
    p.line([(-0.1, 0.7), (0.4, 0.7)], (200, 160, 60), 0.05)
    for x in (0.28, 0.36):
        p.line([(x, 0.7), (x, 0.8)], (200, 160, 60), 0.04)


def _cup(p: Pen) -> None:
    p.arc(0.26, 0.62, 0.1, 0.12, 270, 450, (236, 232, 226), 0.04)
    p.rect(-0.24, 0.45, 0.26, 0.95, (236, 232, 226), radius=0.06)
    p.oval(0.01, 0.45, 0.25, 0.05, (110, 70, 40))


def _clock(p: Pen) -> None:
    p.oval(0, 0.6, 0.36, 0.36, (200, 170, 90))
    p.oval(0, 0.6, 0.3, 0.3, (246, 242, 230))
    p.line([(0, 0.6), (0, 0.38)], INK, 0.02)
    p.line([(0, 0.6), (0.15, 0.66)], INK, 0.025)


def _book(p: Pen) -> None:
    p.poly([(-0.5, 0.55), (0, 0.5), (0, 0.98), (-0.5, 0.96)], (240, 234, 218))
    p.poly([(0, 0.5), (0.5, 0.55), (0.5, 0.96), (0, 0.98)], (232, 226, 210))
    for k in range(5):
        for s in (-1, 1):
            p.line([(s * 0.08, 0.6 + 0.07 * k), (s * 0.42, 0.62 + 0.07 * k)], (90, 90, 110), 0.006)


def _flower(p: Pen) -> None:
    p.line([(0, 1.0), (0.02, 0.45)], (60, 120, 60), 0.025)
    for a in range(0, 360, 60):
        x, y = ellipse_points(0.02, 0.4, 0.1, 0.1, a, a, 1)[0]
        p.oval(x, y, 0.08, 0.08, (220, 80, 100))
    p.oval(0.02, 0.4, 0.05, 0.05, (250, 210, 60))


def _submarine(p: Pen) -> None:
    hull = (70, 84, 96)
    p.oval(0.0, 0.7, 0.5, 0.16, hull)
    p.rect(-0.1, 0.4, 0.14, 0.6, hull, radius=0.03)  # the sail
    p.line([(0.04, 0.4), (0.04, 0.22), (0.12, 0.22)], (50, 56, 64), 0.02)  # the periscope
    for x in (-0.3, -0.16, 0.2, 0.34):
        p.oval(x, 0.7, 0.035, 0.035, (220, 210, 140))
    p.poly([(0.46, 0.7), (0.56, 0.58), (0.56, 0.82)], hull)


def _wave(p: Pen) -> None:
    sea, foam = (40, 110, 160), (236, 244, 248)
    p.poly([(-0.5, 1.0), (-0.5, 0.7), (-0.2, 0.5), (0.1, 0.22), (0.32, 0.14), (0.46, 0.2), (0.4, 0.32), (0.26, 0.3),
            (0.2, 0.44), (0.36, 0.7), (0.5, 0.8), (0.5, 1.0)], sea)
    p.arc(0.3, 0.3, 0.16, 0.14, 180, 330, foam, 0.04)
    p.line([(-0.46, 0.72), (-0.2, 0.54), (0.08, 0.28)], foam, 0.02)


def _lighthouse(p: Pen) -> None:
    p.poly([(-0.16, 1.0), (-0.1, 0.2), (0.1, 0.2), (0.16, 1.0)], (236, 232, 224))
    for y in (0.4, 0.7):
        p.poly([(-0.14 + 0.02 * (1 - y), y), (-0.13, y - 0.1), (0.13, y - 0.1), (0.14 - 0.02 * (1 - y), y)], (176, 44, 40))
    p.rect(-0.09, 0.08, 0.09, 0.2, (255, 214, 130))
    p.poly([(-0.12, 0.08), (0.0, -0.0), (0.12, 0.08)], (50, 50, 56))
    p.rect(-0.15, 0.19, 0.15, 0.22, (50, 50, 56))


def _stone(p: Pen) -> None:
    p.oval(0, 0.8, 0.26, 0.16, (150, 150, 160))
    p.oval(-0.06, 0.75, 0.1, 0.05, (200, 200, 210), outline=False)


# name -> (the phrases it answers to, its painter, its height beside a person: 1 = a person's height)
THINGS: dict[str, tuple[tuple[str, ...], Painter, float]] = {
    "fridge": (("fridge", "refrigerator", "freezer", "kitchen fridge"), _fridge, 0.95),
    "piano": (("piano", "upright piano", "grand piano", "pianoforte"), _piano, 0.7),
    "tuba": (("tuba", "sousaphone", "trumpet", "trombone", "french horn", "brass instrument", "brass band", "marching band"),
             _brass, 0.45),
    "violin": (("violin", "fiddle", "viola", "cello", "string instrument"), _violin, 0.35),
    "flowers": (("flowers", "bouquet", "roses", "a rose", "tulips", "vase of flowers", "bunch of flowers"), _flowers, 0.35),
    "dumplings": (("dumplings", "bamboo steamer", "bao buns", "steamed buns"), _dumplings, 0.25),
    "pumpkin": (("pumpkin", "giant pumpkin", "squash", "gourd"), _pumpkin, 0.45),
    "vending machine": (("vending machine", "drinks machine", "snack machine"), _vending_machine, 1.0),
    "lantern": (("lantern", "paper lantern", "oil lamp", "storm lantern"), _lantern, 0.35),
    "beehive": (("beehive", "hive", "honeycomb", "bee skep"), _beehive, 0.45),
    "bread": (("bread", "loaf of bread", "sourdough loaf", "baguette", "loaf"), _bread, 0.2),
    "letter": (("letter", "paper note", "handwritten note", "written message", "page of writing"), _letter, 0.25),
    "key": (("key", "old key", "brass key"), _key, 0.15),
    "cup": (("cup", "mug", "teacup", "cup of coffee", "cup of tea"), _cup, 0.15),
    "clock": (("clock", "wall clock", "clock face"), _clock, 0.3),
    "book": (("book", "diary", "journal", "logbook"), _book, 0.2),
    "flower": (("flower", "single flower", "blossom", "bloom"), _flower, 0.3),
    "submarine": (("submarine", "sub", "u-boat", "submersible"), _submarine, 0.6),
    "wave": (("wave", "ocean wave", "breaking wave", "big wave", "surf"), _wave, 0.6),
    "lighthouse": (("lighthouse", "lighthouse tower", "beacon tower"), _lighthouse, 1.4),
    "stone": (("stone", "pebble"), _stone, 0.15),
}


def draw_thing(d: ImageDraw.ImageDraw, name: str, cx: float, bottom: float, height: float, grade=(1.0, 1.0, 1.0)) -> None:
    """Paint the thing standing on `bottom`, centred on cx, `height` pixels tall, in the light of the place."""
    THINGS[name][1](Pen(d, cx, bottom - height, height, grade))

