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


def _words_of_name(name: str) -> list[str]:
    """The words of a name as a plot may use them: "Dolores 'Lola' Ruiz" is Dolores, Lola and Ruiz."""
    return [w.strip("'\"‘’“”()") for w in name.replace("-", " ").split()]


def name_parts(c: Character, cast: list[Character] | None = None, plots: tuple[str, ...] = ()) -> list[str]:
    """How a plot may call a character: its whole name, or a word of it no one else in the cast carries ("June" for
    "June Halloran"). A word two of them share ("Chen" of Chen Wenshan and Chen Lei) is the one of them the plots
    never call by anything else: where the son is "Lei" throughout, "Chen" is the father."""
    others = [o for o in (cast or []) if o.token != c.token]
    shared = {w for o in others for w in _words_of_name(o.name)}
    own = [w for w in _words_of_name(c.name) if len(w) > 1 and w[:1].isupper()]
    parts = [c.name] + [w for w in own if w not in shared]
    if plots:
        def called_otherwise(x: Character) -> bool:
            unique = [w for w in _words_of_name(x.name) if len(w) > 1 and w[:1].isupper()
                      and not any(w in _words_of_name(y.name) for y in cast or [] if y.token != x.token)]
            return any(_word(w).search(p) for w in unique for p in plots)

        for w in own:
            sharers = [o for o in others if w in _words_of_name(o.name)]
            if w in shared and not called_otherwise(c) and all(called_otherwise(o) for o in sharers):
                parts.append(w)
    return list(dict.fromkeys(parts))


def names_in(plot: str, c: Character, cast: list[Character] | None = None, plots: tuple[str, ...] = ()) -> bool:
    """Whether the plot names this character: its name, a word of its name, or its ID token."""
    return c.token in plot or any(_word(n).search(plot) for n in name_parts(c, cast, plots))


CLAUSE = re.compile(r"[,.;:!?]|\b(?:and|but|while|then|when|as|until)\b", re.IGNORECASE)


def acts_in(plot: str, c: Character, cast: list[Character] | None = None, plots: tuple[str, ...] = ()) -> bool:
    """Whether a clause of the plot starts with this character doing something now (not "Walter's note", not
    "Edwin said it before the fire": what they did before the scene, not "the occupant, Edwin Abernathy, 84, ...":
    a name set beside another, with no verb of its own)."""
    names = "|".join(re.escape(n) for n in [c.token, *name_parts(c, cast, plots)])
    subject = re.compile(rf"^(?:{names})(?![\w'-])\s*(\w+)?", re.IGNORECASE)
    for part in CLAUSE.split(plot):
        m = subject.match(part.strip())
        if m and m.group(1) and not _past(m.group(1)):
            return True
    return False


def _past(word: str) -> bool:
    from auteur.tools.language.forms import inflection, lemma

    low = word.lower()
    if low in ("was", "were", "had", "has", "have", "did", "used", "once", "never", "always"):
        return True
    base = lemma(low, "VERB")
    return bool(base) and low != base and low == inflection(base, "VBD")


ROLE_STOP = {"the", "and", "who", "her", "his", "their", "its", "with", "from", "for", "old", "young", "late", "little"}


def mentions(plot: str, c: Character, cast: list[Character] | None = None, plots: tuple[str, ...] = ()) -> bool:
    """Whether the plot refers to this character at all: name, token, or a word of its role ("the florist" for a
    "florist who runs her late mother's shop")."""
    role = [w for w in re.findall(r"[^\W\d_][\w-]*", c.role.lower()) if len(w) > 3 and w not in ROLE_STOP]
    return names_in(plot, c, cast, plots) or any(_word(w).search(plot) for w in role)


def speakers(scene: Scene) -> list[str]:
    said = [ln.speaker for ln in scene.dialogue] + [ln.speaker for sh in scene.shots for ln in sh.dialogue]
    return list(dict.fromkeys(said))


def plot_cast(film: Film) -> Metric:
    """Scenes whose plot has absent characters act, or leaves out the characters who speak in them."""
    cast = {c.token: c for c in film.characters}
    plots = tuple(sc.plot for sc in film.scenes)
    issues, per_scene, faults = [], {}, 0
    for scene in film.scenes:
        present = set(scene.characters) | {t for sh in scene.shots for t in sh.characters}
        scene_faults = 0
        for c in film.characters:
            if c.token not in present and acts_in(scene.plot, c, film.characters, plots):
                scene_faults += 1
                issues.append(f"scene {scene.id}: the plot has {c.name} ({c.token}) act, but they are not in the scene")
        for token in speakers(scene):
            c = cast.get(token)
            if c is not None and not mentions(scene.plot, c, film.characters, plots):
                scene_faults += 1
                issues.append(f"scene {scene.id}: {c.name} ({token}) speaks, but the plot never mentions them")
        per_scene[scene.id] = 1.0 / (1.0 + scene_faults)
        faults += scene_faults
    return Metric(name="plot_cast", family="premise", score=1.0 / (1.0 + faults), weight=weight("plot_cast"),
                  issues=issues, per_scene=per_scene, detail={"faults": faults})
