"""Framing: two characters' boxes in one shot must not sit on top of each other (one would be drawn over the other).

Over-the-shoulder and group shots overlap a little by design, so only a box covered by more than
`MAX_SHARED` of its area by another character's box is a fault. Every fault halves the score's
distance to zero (1 / (1 + faults)): one stacked shot is already a visible defect in the film.
"""

from __future__ import annotations

from itertools import combinations

from auteur.core.schema import Film, FramingBox
from auteur.tools.evaluation.metrics import Metric
from auteur.tools.evaluation.weights import weight

MAX_SHARED = 0.5


def shared(a: FramingBox, b: FramingBox) -> float:
    """The share of the smaller box that the other box covers."""
    w = max(0.0, min(a.x + a.w, b.x + b.w) - max(a.x, b.x))
    h = max(0.0, min(a.y + a.h, b.y + b.h) - max(a.y, b.y))
    return w * h / max(min(a.w * a.h, b.w * b.h), 1e-9)


def framing(film: Film) -> Metric:
    """Shots whose characters' frame boxes overlap so much that one hides the other."""
    names = {c.token: c.name for c in film.characters}
    issues, per_scene, faults, pairs = [], {}, 0, 0
    for scene in film.scenes:
        scene_faults = 0
        for shot in scene.shots:
            for a, b in combinations(shot.framing, 2):
                pairs += 1
                share = shared(a, b)
                if share > MAX_SHARED:
                    scene_faults += 1
                    issues.append(f"shot {shot.id}: {a.character} ({names.get(a.character, '?')}) and {b.character} "
                                  f"({names.get(b.character, '?')}) share {share:.0%} of a frame box; "
                                  f"one is drawn over the other")
        per_scene[scene.id] = 1.0 / (1.0 + scene_faults)
        faults += scene_faults
    return Metric(name="framing", family="premise", score=1.0 / (1.0 + faults), weight=weight("framing"),
                  issues=issues, per_scene=per_scene, detail={"pairs": pairs, "stacked": faults})
