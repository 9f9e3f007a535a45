"""Everything in a cast that is not a person: storms, clouds, wind, sea, fire, ghosts, robots, trees, stars and
moons, animals by family, whales and creatures, each with its own painter in the figure's own units.
"""

from __future__ import annotations

import math
import random

from auteur.models.draft.faces import FACE, draw_face
from auteur.models.draft.looks import CharacterLook
from auteur.models.draft.palette import mix
from auteur.models.draft.paint import ellipse_points, shade
from auteur.models.draft.pen import INK, Pen

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
        draw_face(pen, 0, fy, fu, face, lk.eyes, kind=lk.kind)


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
        draw_face(pen, 0.0, FACE["sea"][0], FACE["sea"][1], face, lk.eyes, kind="sea")


def _fire(pen: Pen, lk: CharacterLook, view: str, face: str) -> None:
    for k, (colour, w) in enumerate(((lk.primary, 0.26), ((250, 170, 40), 0.19), ((255, 236, 150), 0.11))):
        top = 0.02 + 0.2 * k
        pts = [(0, top)]
        for i in range(1, 11):
            t = i / 10
            pts.append((w * math.sin(t * math.pi * 0.9) ** 0.8 + 0.02 * math.sin(t * 17 + k), top + (1 - top) * t))
        pen.poly(pts + [(-x, y) for x, y in reversed(pts[1:])], colour, outline=k == 0)
    if view != "back":
        draw_face(pen, 0, FACE["fire"][0], FACE["fire"][1], face, (60, 20, 10), kind="ghost")


def _ghost(pen: Pen, lk: CharacterLook, view: str, face: str) -> None:
    pts = ellipse_points(0, 0.2, 0.17, 0.17, 180, 360, 14)
    hem = [(0.24 - 0.48 * i / 8, 0.92 + (0.04 if i % 2 else -0.02)) for i in range(9)]
    pen.poly(pts + [(0.24, 0.9)] + hem + [(-0.24, 0.9)], lk.primary)
    for s in (-1, 1):
        pen.oval(s * 0.2, 0.42, 0.06, 0.035, shade(lk.primary, 0.95))
    if view != "back":
        draw_face(pen, 0, FACE["ghost"][0], FACE["ghost"][1], face, (40, 40, 60), kind="ghost")


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
        draw_face(pen, 0, FACE["robot"][0], FACE["robot"][1], face, lk.eyes, kind="robot")


def _tree(pen: Pen, lk: CharacterLook, view: str, face: str) -> None:
    rng = random.Random(lk.variant)
    bark = lk.primary
    leaf = mix((58, 110, 58), lk.accent, 0.15)  # a little of the tree's own accent, so two trees differ
    pen.poly([(-0.12, 1.0), (-0.07, 0.8), (-0.07, 0.45), (-0.2, 0.3), (-0.16, 0.28), (-0.04, 0.38), (0, 0.3), (0.04, 0.38),
              (0.17, 0.27), (0.2, 0.3), (0.07, 0.45), (0.07, 0.8), (0.12, 1.0)], bark)
    for _ in range(12):
        pen.oval(rng.uniform(-0.28, 0.28), rng.uniform(0.05, 0.32), 0.12, 0.1, shade(leaf, rng.uniform(0.85, 1.15)), outline=False)
    if view != "back":
        draw_face(pen, 0, FACE["tree"][0], FACE["tree"][1], face, INK, kind="tree")


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
        draw_face(pen, 0, cy, FACE["orb"][1] * (0.6 if lk.species == "star" else 1), face, INK, kind="orb")


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
    draw_face(pen, 0, fy - 0.01, fu, face, lk.eyes, kind="feline" if kind == "feline" else kind)
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
        draw_face(pen, -0.18, FACE["whale"][0], FACE["whale"][1], face, INK, kind="ghost")


def creature(pen: Pen, lk: CharacterLook, view: str, face: str) -> None:
    pts = ellipse_points(0, 0.55, 0.24, 0.42, 0, 360, 20)
    pts = [(x * (1 + 0.05 * math.sin(i * 2.7 + lk.variant % 5)), y) for i, (x, y) in enumerate(pts)]
    for s in (-1, 1):
        pen.oval(s * 0.1, 0.96, 0.07, 0.04, shade(lk.primary, 0.8))
        pen.oval(s * 0.25, 0.6, 0.05, 0.09, shade(lk.primary, 0.9))
    pen.poly(pts, lk.primary)
    pen.oval(0, 0.7, 0.13, 0.18, mix(lk.primary, (250, 246, 236), 0.4), outline=False)
    if view != "back":
        draw_face(pen, 0, FACE["creature"][0], FACE["creature"][1], face, INK, kind="creature")


def icon_figure(pen: Pen, lk: CharacterLook, view: str, face: str) -> None:
    """A non-human the painters have no family for (an otter, a frog, a ship that talks): its icon, whole."""
    from auteur.models.draft.icons import draw_icon, icon_named

    icon = icon_named(lk.icon)
    if icon is None:
        creature(pen, lk, view, face)
        return
    draw_icon(pen.d, icon, pen.cx, pen.top + pen.s * 0.99, pen.s * 0.9, pen.c(lk.primary), pen.ink(lk.primary))


def thing_figure(pen: Pen, lk: CharacterLook, view: str, face: str) -> None:
    """A thing that talks (a vending machine, a pumpkin): the painted thing, whole, with a face on it."""
    from auteur.models.draft.things import THINGS

    THINGS[lk.species][1](pen)
    if view != "back":
        fy, fu = FACE["thing"]
        draw_face(pen, 0, fy, fu, face, (255, 244, 170), kind="robot")


NONHUMAN_PAINTERS = {
    "storm": _cloudy, "cloud": _cloudy, "wind": _cloudy, "sea": _sea, "fire": _fire, "ghost": _ghost, "robot": _robot,
    "tree": _tree, "orb": _orb, "feline": _animal, "canine": _animal, "bear": _animal, "rabbit": _animal, "bird": _animal,
    "dragon": _animal, "whale": _whale, "creature": creature, "icon": icon_figure, "thing": thing_figure,
}
