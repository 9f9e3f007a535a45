"""Plot-cast agreement: a scene's plot and its cast tell the same story.

Two faults per scene: the plot makes a character who is not in the scene act (a clause starts with their
name or ID token: "Elsa arrives"; a plot may still speak of someone absent, "finds Walter's note"), and a
character speaks in the scene while the plot never mentions them (by name, token or role, e.g. "the
keeper"). One fault halves the score (1 / (1 + faults)): "Elsa arrives" over a scene where Anna
talks is a broken scene, however many others are right.
"""

from __future__ import annotations

import re

from auteur.core.schema import Character, Film, Scene
from auteur.tools.evaluation.metrics import Metric
from auteur.tools.evaluation.weights import weight


def _word(text: str) -> re.Pattern:
    return re.compile(rf"(?<![\w-]){re.escape(text)}(?:'s|s)?(?![\w-])", re.IGNORECASE)


def names_in(plot: str, c: Character) -> bool:
    """Whether the plot names this character: its name or its ID token."""
    return c.token in plot or bool(_word(c.name).search(plot))


CLAUSE = re.compile(r"[,.;:!?]|\b(?:and|but|while|then|when|as|until)\b", re.IGNORECASE)


def acts_in(plot: str, c: Character) -> bool:
    """Whether a clause of the plot starts with this character doing something (not "Walter's note")."""
    subject = re.compile(rf"^(?:{re.escape(c.token)}|{re.escape(c.name)})(?![\w'-])", re.IGNORECASE)
    return any(subject.match(part.strip()) for part in CLAUSE.split(plot))


def mentions(plot: str, c: Character) -> bool:
    """Whether the plot refers to this character at all: name, token, or the last word of its role."""
    role = c.role.split()[-1] if c.role.split() else ""
    return names_in(plot, c) or (len(role) > 2 and bool(_word(role).search(plot)))


def speakers(scene: Scene) -> list[str]:
    said = [ln.speaker for ln in scene.dialogue] + [ln.speaker for sh in scene.shots for ln in sh.dialogue]
    return list(dict.fromkeys(said))


def plot_cast(film: Film) -> Metric:
    """Scenes whose plot has absent characters act, or leaves out the characters who speak in them."""
    cast = {c.token: c for c in film.characters}
    issues, per_scene, faults = [], {}, 0
    for scene in film.scenes:
        present = set(scene.characters) | {t for sh in scene.shots for t in sh.characters}
        scene_faults = 0
        for c in film.characters:
            if c.token not in present and acts_in(scene.plot, c):
                scene_faults += 1
                issues.append(f"scene {scene.id}: the plot has {c.name} ({c.token}) act, but they are not in the scene")
        for token in speakers(scene):
            c = cast.get(token)
            if c is not None and not mentions(scene.plot, c):
                scene_faults += 1
                issues.append(f"scene {scene.id}: {c.name} ({token}) speaks, but the plot never mentions them")
        per_scene[scene.id] = 1.0 / (1.0 + scene_faults)
        faults += scene_faults
    return Metric(name="plot_cast", family="premise", score=1.0 / (1.0 + faults), weight=weight("plot_cast"),
                  issues=issues, per_scene=per_scene, detail={"faults": faults})
