"""Faces for every figure family: eyes, brows and mouth in one of eight expressions read from a line's emotion,
and `FACE`, where each family's face sits, which close shots frame on.
"""

from __future__ import annotations

from auteur.models.draft.palette import RGB
from auteur.models.draft.paint import shade
from auteur.models.draft.pen import INK, Pen

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


def draw_face(pen: Pen, x: float, y: float, u: float, face: str, eyes: RGB, *, skin: RGB | None = None, kind: str = "human",
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


# Where each family's face sits, in figure units from the top, and its half-width: close-ups frame on it.
FACE = {
    "human": (0.075, 0.05), "storm": (0.27, 0.1), "cloud": (0.27, 0.1), "wind": (0.3, 0.08), "sea": (0.42, 0.09),
    "fire": (0.6, 0.08), "ghost": (0.2, 0.11), "robot": (0.14, 0.08), "tree": (0.62, 0.07), "orb": (0.33, 0.16),
    "feline": (0.28, 0.11), "canine": (0.27, 0.1), "bear": (0.26, 0.11), "rabbit": (0.33, 0.1), "bird": (0.24, 0.09),
    "dragon": (0.2, 0.09), "whale": (0.56, 0.08), "creature": (0.35, 0.12),
    "icon": (0.35, 0.14), "thing": (0.3, 0.1),
}
