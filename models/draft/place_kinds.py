"""Places drawn as their kind: an elevator car with its doors and button panel, a kitchen with its fridge, a
parade street hung with bunting. The kinds and their set dressing are a table (place_kinds.toml); a location is
matched to a kind by meaning with the packaged MiniLM: its name (and its look's first words) against every name
of every kind, and, to tell near kinds apart ("the same studio" in a film about radio DJs), the name read in
the film's premise against each kind's sense (the mean of its names). Below the floor no kind is chosen and the
place is drawn from its words as before.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from auteur.core.schema import Location

VECTORS = Path(__file__).with_name("place_kind_vectors.safetensors")
# The place's name must come near one of the kind's names: a near-synonym, or close and sharing a word ("the same
# studio" ~ "recording studio"; "the ship's deck" is not "the ship's bridge")...
SYNONYM, NAME_FLOOR = 0.85, 0.6  # "room" is not a bedroom (0.81)
FLOOR = 0.55  # ... and the mean of that and its fit in the premise must reach this
_LEADING = re.compile(r"^(?:the|a|an|der|die|das|le|la|les|el|los|las)\s+", re.I)


@dataclass(frozen=True)
class PlaceKind:
    name: str  # the table's key: "kitchen", "parade_street"
    inside: bool
    landmarks: tuple[str, ...]
    dressing: tuple[str, ...]
    wall: tuple[int, int, int] | None
    floor: tuple[int, int, int] | None
    lamps: bool  # lit from the ceiling whatever the hour


@dataclass(frozen=True)
class KindMatch:
    kind: PlaceKind
    matched: str  # "submarine control room ~ control room"
    similarity: float
    in_context: float

    def record(self) -> dict:
        return {"kind": self.kind.name, "matched": self.matched, "similarity": round(self.similarity, 3),
                "in_context": round(self.in_context, 3)}


@lru_cache(maxsize=1)
def kinds() -> dict[str, tuple[PlaceKind, tuple[str, ...]]]:
    """Every kind in the table with the names it answers to."""
    table = tomllib.loads(resources.files("auteur.models.draft").joinpath("place_kinds.toml").read_text("utf-8"))
    out = {}
    for key, row in table.items():
        kind = PlaceKind(key, bool(row["inside"]), tuple(row.get("landmarks", ())), tuple(row.get("dressing", ())),
                         tuple(row["wall"]) if "wall" in row else None, tuple(row["floor"]) if "floor" in row else None,
                         row.get("light") == "lamps")
        out[key] = (kind, tuple(row["names"]))
    return out


def _names() -> list[str]:
    return [n for _, names in kinds().values() for n in names]


def build_vectors(dest: Path = VECTORS) -> Path:
    """Ship the kinds' name vectors beside the table (run after editing place_kinds.toml)."""
    from auteur.tools.language.vectors import build

    return build(dest, _names())


@lru_cache(maxsize=1)
def _index() -> tuple[np.ndarray, list[str], list[str], dict[str, np.ndarray]] | None:
    from auteur.models.draft.icons import embed_texts
    from auteur.tools.language.vectors import shipped

    texts = _names()
    owners = [key for key, (_, names) in kinds().items() for _ in names]
    found = shipped(VECTORS, texts)
    vectors = np.stack([found[t] for t in texts]).astype(np.float32) if found else embed_texts(texts)
    if vectors is None:
        return None
    senses = {}
    for key in kinds():
        mean = vectors[[i for i, o in enumerate(owners) if o == key]].mean(axis=0)
        senses[key] = mean / (np.linalg.norm(mean) or 1.0)
    return vectors, texts, owners, senses


def place_name(location: Location) -> tuple[str, str]:
    """The place as it is called ("submarine control room") and its look's first clause, articles dropped."""
    name = _LEADING.sub("", location.name.strip())
    look = _LEADING.sub("", re.split(r"[,;.(]", location.look.strip())[0].strip())
    return name, look


def kind_of(location: Location, premise: str = "") -> KindMatch | None:
    """The kind the place is, or None when no kind's name comes near enough."""
    return _kind_of(*place_name(location), premise)


TOWN = "city_street"


def town(location: Location) -> KindMatch | None:
    """What a place on earth known only by its name ("Sevilla", "Lyon": a premise's city) is drawn as when no kind's
    name comes near it: one of its streets, not open country. None for a place with a common name."""
    name = location.name.strip()
    if not name[:1].isupper() or name.lower().startswith(("the ", "a ", "an ")) or TOWN not in kinds():
        return None
    return KindMatch(kinds()[TOWN][0], f"{name} ~ a place known by its name", 0.0, 0.0)


@lru_cache(maxsize=256)
def _kind_of(name: str, look: str, premise: str) -> KindMatch | None:
    index = _index()
    if index is None:
        return None
    from auteur.models.draft.icons import embed_texts, shares_word, similarities

    vectors, texts, owners, senses = index
    asked = list(dict.fromkeys(t for t in (name, look) if t))
    said = f"{name} ({premise[:300]})" if premise else name
    embedded = embed_texts(asked + [said])
    if embedded is None:
        return None
    sims = similarities(embedded[:-1], vectors)
    best: dict[str, tuple[float, str]] = {}
    for words, row in zip(asked, sims):
        for i in np.argsort(-row, kind="stable")[:10]:
            if float(row[i]) > best.get(owners[i], (-1.0, ""))[0]:
                best[owners[i]] = (float(row[i]), f"{words} ~ {texts[i]}")
    scored = []
    for key, (similarity, matched) in best.items():
        fit = float(embedded[-1] @ senses[key])
        scored.append(((similarity + fit) / 2, similarity, fit, key, matched))
    for total, similarity, fit, key, matched in sorted(scored, reverse=True):
        words, name_of_kind = matched.split(" ~ ")
        named = similarity >= SYNONYM or similarity >= NAME_FLOOR and shares_word(words, name_of_kind)
        if named and total >= FLOOR:
            return KindMatch(kinds()[key][0], matched, similarity, fit)
    return None
