"""Which picture a premise's thing gets, by its meaning in context: a Font Awesome icon (icons.py), a painted
thing (things.py), or nothing.

A phrase alone is ambiguous: a "note" is a sticky note on a fridge or the note a violinist plays, a "band" is a
ring or a marching band. So each candidate picture is scored twice with the packaged MiniLM: by name (how near
the phrase, or its head words, comes to the picture's label and terms) and in context (how near the phrase
said inside its shot's action and the film's premise comes to the picture's sense, the mean of all its names).
A candidate must be named closely enough (`SYNONYM`, `NAME_MIN`), fit its context (`CONTEXT_FLOOR`) and clear the floor
on the two together (`FLOOR`); below the floor nothing is drawn, since a wrong picture is worse than none.
Every choice is recorded with its phrase, picture and both similarities, so an eval can check it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from auteur.models.draft import icons
from auteur.models.draft.conditions import CONDITION_WORDS
from auteur.models.draft.things import THINGS

# The phrase or one of its head words must name the picture: a near-synonym (goldfish ~ fish), or a close meaning
# sharing a word with the name (food trucks ~ truck); "snowed" is not a snowplow, "oxygen" not "respiration".
SYNONYM, NAME_MIN = 0.7, 0.5
CONTEXT_FLOOR = 0.35  # the phrase in its context must come this near the picture's sense
FLOOR = 0.52  # and the mean of the two must reach this
THING_VECTORS = Path(__file__).with_name("thing_vectors.safetensors")
_TOKENS = re.compile(r"<(?:char|env)\d+>")
# The air and light a place's conditions paint (not its world: a submarine is a thing, under water or not).
_WEATHER = {w for c, words in CONDITION_WORDS.items() if c not in ("underwater", "space") for w in words.split()} | {
    "weather", "sky", "air", "night"}


@dataclass(frozen=True)
class Depiction:
    """One premise phrase and the picture chosen for it."""

    phrase: str
    painted: str  # a things.py name, or "" when an icon depicts it
    icon: icons.Icon | None
    matched: str  # the words that met the picture's name ("paper note ~ paper note")
    name_score: float
    context_score: float

    @property
    def name(self) -> str:
        return self.painted or (self.icon.name if self.icon else "")

    def record(self) -> dict:
        out = {"phrase": self.phrase, "matched": self.matched, "similarity": round(self.name_score, 3),
               "in_context": round(self.context_score, 3)}
        if self.icon is not None:
            return {"icon": self.icon.name, "drawn": "icon", **out, "set": "Font Awesome Free 6 (CC BY 4.0)"}
        return {"icon": None, "painted": self.painted, "drawn": "painted", **out}


@lru_cache(maxsize=1)
def _pictures() -> tuple[np.ndarray, list[str], list[str], dict[str, np.ndarray], dict[str, icons.Icon]] | None:
    """Every picture's names (icon labels and terms, painted things' phrases) as vectors, whose picture each is,
    and each picture's sense: the unit mean of its names' vectors. None without a sentence encoder."""
    from auteur.tools.language.vectors import shipped

    texts = [t for phrases, _, _ in THINGS.values() for t in phrases]
    owners = [f"painted:{name}" for name, (phrases, _, _) in THINGS.items() for _ in phrases]
    found = shipped(THING_VECTORS, texts)
    if found:
        thing_vectors = np.stack([found[t] for t in texts]).astype(np.float32)
    else:  # a table edited since the vectors were built: embed it live until `build_vectors` runs
        thing_vectors = icons.embed_texts(texts)
        if thing_vectors is None:
            return None
    index = icons._index()
    by_icon: dict[str, icons.Icon] = {}
    if index is not None:
        vectors, icon_texts, icon_owners = index
        thing_vectors = np.concatenate([thing_vectors, vectors])
        texts = texts + icon_texts
        owners = owners + [o.name for o in icon_owners]
        by_icon = {o.name: o for o in icon_owners}
    senses: dict[str, np.ndarray] = {}
    for owner in dict.fromkeys(owners):
        rows = thing_vectors[[i for i, o in enumerate(owners) if o == owner]].mean(axis=0)
        senses[owner] = rows / (np.linalg.norm(rows) or 1.0)
    return thing_vectors, texts, owners, senses, by_icon


def build_vectors(dest: Path = THING_VECTORS) -> Path:
    """Ship the painted things' phrase vectors beside this file (run after editing `things.THINGS`)."""
    from auteur.tools.language.vectors import build

    return build(dest, [t for phrases, _, _ in THINGS.values() for t in phrases])


def context_text(*parts: str, limit: int = 400) -> str:
    """What a phrase is read in: a shot's action and prompt, the film's premise; ID tokens and repeats dropped."""
    seen: dict[str, None] = {}
    for part in parts:
        part = " ".join(_TOKENS.sub(" ", part or "").split())
        if part and part not in seen:
            seen[part] = None
    return " ".join(seen)[:limit]


def depict(phrase: str, context: str = "", within: tuple[str, ...] = ()) -> Depiction | None:
    """The picture for the thing a phrase names first ("a paper note taped to a fridge" is a note), read in its
    context, or None below the floor. `within` limits icons to categories."""
    if not phrase.strip():
        return None
    return depict_all([icons.things_of(phrase)[0]], f"{phrase}. {context}" if context else phrase, within, split=False)[0]


def depict_all(phrases: list[str], context: str = "", within: tuple[str, ...] = (), split: bool = True) -> list:
    """Each phrase's picture (split into its things first when `split`: "food trucks in deep snow" is two), in
    order, one per distinct picture; with split=False, one entry (or None) per phrase."""
    table = _pictures()
    parts = [icons.things_of(p) if split else [p] for p in phrases]
    flat = [p for ps in parts for p in ps]
    if table is None or not flat:
        return [] if split else [None] * len(phrases)
    vectors, texts, owners, senses, by_icon = table
    candidates = [icons.candidates(p) for p in flat]
    said = [f"{p} ({context})" if context else p for p in flat]
    embedded = icons.embed_texts([c for cs in candidates for c in cs] + said)
    if embedded is None:
        return [] if split else [None] * len(phrases)
    named = icons.similarities(embedded[:len(embedded) - len(flat)], vectors)  # every candidate at once
    chosen, k = [], 0
    for part, cs, in_context in zip(flat, candidates, embedded[len(embedded) - len(flat):]):
        names = named[k:k + len(cs)]
        k += len(cs)
        weather = cs[-1] in _WEATHER  # "deep snow" is the place's condition, painted over it; not a thing
        chosen.append(None if weather else _choose(part, cs, names, in_context, texts, owners, senses, by_icon, within))
    if not split:
        return chosen
    out: list[Depiction] = []
    for found in chosen:
        if found and all(m.name != found.name for m in out):
            out.append(found)
    return out


def _choose(part, cs, names, in_context, texts, owners, senses, by_icon, within) -> Depiction | None:
    """The most specific candidate words that picture something decide ("elevator car" is an elevator before its
    head word "car" is a car); among the pictures they name, the best fit in context that clears the floor."""
    for c, row in zip(cs, names):
        best: dict[str, tuple[float, str]] = {}  # picture -> (its name score for these words, what met)
        for i in np.argsort(-row, kind="stable")[:12]:
            owner, score = owners[i], float(row[i])
            named = score >= SYNONYM or score >= NAME_MIN and icons.shares_word(c, texts[i])
            if named and score > best.get(owner, (-1.0, ""))[0]:
                best[owner] = (score, f"{c} ~ {texts[i]}")
        scored = []
        for owner, (name_score, matched) in best.items():
            icon = by_icon.get(owner)
            if within and icon is not None and icon.category not in within:
                continue
            fit = float(in_context @ senses[owner])
            scored.append(((name_score + fit) / 2, fit, name_score, owner, matched))
        for total, fit, name_score, owner, matched in sorted(scored, reverse=True):
            if fit >= CONTEXT_FLOOR and total >= FLOOR:
                painted = owner.removeprefix("painted:") if owner.startswith("painted:") else ""
                return Depiction(part, painted, None if painted else by_icon[owner], matched, name_score, fit)
    return None
