"""Lines repeated across the films of one bench suite: a line that fits films of different premises fits none.

Lines are compared after lowercasing, dropping punctuation and replacing each film's own character
names by one placeholder, so the same stock story with new names still counts as repeated.
"""

from __future__ import annotations

import re

from auteur.core.schema import Film


def normalized(line: str, names: list[str]) -> str:
    text = line.lower()
    for name in sorted(names, key=len, reverse=True):
        text = re.sub(rf"(?<![\w-]){re.escape(name.lower())}(?![\w-])", " someone ", text)
    return " ".join(re.findall(r"[\w']+", text))


def film_lines(film: Film) -> list[tuple[str, str, str]]:
    """(scene id, line, normalized line) for every distinct line of a film."""
    names = [c.name for c in film.characters]
    out, seen = [], set()
    for scene in film.scenes:
        for ln in [*scene.dialogue, *(d for sh in scene.shots for d in sh.dialogue)]:
            key = normalized(ln.line, names)
            if key and key not in seen:
                seen.add(key)
                out.append((scene.id, ln.line, key))
    return out


def repeated_lines(films: dict[str, Film]) -> dict[str, tuple[float, list[str]]]:
    """For each film (by label): the share of its lines found in a film of another prompt, and an issue per line."""
    lines = {label: film_lines(film) for label, film in films.items()}
    where: dict[str, set[str]] = {}
    for label, items in lines.items():
        for _, _, key in items:
            where.setdefault(key, set()).add(label)
    out = {}
    for label, items in lines.items():
        issues = []
        for scene_id, line, key in items:
            others = sorted(o for o in where[key] if o != label and films[o].prompt != films[label].prompt)
            if others:
                named = ", ".join(f"film {o} ({films[o].prompt[:50]!r})" for o in others)
                issues.append(f"scene {scene_id}: the line {line[:80]!r} is also spoken in {named}")
        out[label] = (len(issues) / len(items) if items else 0.0, issues)
    return out
