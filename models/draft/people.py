"""People: legs, coat, arms, head, hair, hat, beard and glasses, drawn from a `CharacterLook` with a `Pen`."""

from __future__ import annotations

from auteur.models.draft.faces import draw_face
from auteur.models.draft.looks import CharacterLook
from auteur.models.draft.palette import mix
from auteur.models.draft.paint import ellipse_points, shade
from auteur.models.draft.pen import INK, Pen

def human(pen: Pen, lk: CharacterLook, view: str, face: str) -> None:
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
        draw_face(pen, 0, hy + 0.006, rx * 0.95, face, lk.eyes, skin=lk.skin, brow=mix(lk.hair, INK, 0.45))
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
