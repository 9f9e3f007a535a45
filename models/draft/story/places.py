"""Where the film happens: the premise's places as it names them, then, where it names none, the place it
clearly means (a baker's bakery) or the lead's home, then places of the world library nearest the premise by
meaning (a submarine crew gets the control room). Each place carries the premise's conditions.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from auteur.tools.language.reading import Entity, PremiseReading

OWN_PLACE = 0.3  # a library place this close to the premise is where its story happens (MiniLM cosine)
NEAR_PLACE = 0.2  # closer than this, a library place belongs to the premise; below it, the encoder did not read it
NEAR_SHARE = 0.75  # and within this share of the best match's similarity (MiniLM's tail is noise)
LIKE_PLACE = 0.55  # a premise place this close to a library place sounds like it ("the apartment": fridge hum)
DEFAULT_AMBIENCE = "room tone, distant voices"
PLACE_VECTORS = Path(__file__).with_name("place_vectors.safetensors")


@dataclass
class Place:
    name: str
    look: str
    ambience: str
    conditions: list[str] = field(default_factory=list)


def _library(world: dict) -> list[tuple[str, str]]:
    _remember_place_vectors()
    return [(p[0], p[1]) for p in world["places"]["library"]]


def place_texts() -> list[str]:
    """The English world library's place names: what the shipped vectors hold."""
    from auteur.models.draft.story.library import world

    return [p[0] for p in world("en")["places"]["library"]]


def build_place_vectors(dest: Path = PLACE_VECTORS) -> Path:
    """Ship the place names' vectors (run after editing the places of world_en.toml:
    `python -c "from auteur.models.draft.story.places import build_place_vectors as b; b()"`)."""
    from auteur.tools.language.vectors import build

    return build(dest, place_texts())


@lru_cache(maxsize=1)
def _remember_place_vectors() -> None:
    from auteur.tools.language.meaning import remember
    from auteur.tools.language.vectors import shipped

    remember(shipped(PLACE_VECTORS, place_texts()))


def definite(e: Entity) -> str:
    if e.name:
        return e.name
    core = e.english if e.en else (e.core or e.head)
    if core[:1].isupper() and e.phrase.split()[0] == core.split()[0]:
        core = core[:1].lower() + core[1:]
    return f"the {core}"


def premise_places(reading: PremiseReading, world: dict, rng: random.Random, lead: Entity | None,
                   conditions: list[str]) -> list[Place]:
    """The film's places, home first, at most four."""
    out: list[Place] = []
    seen: set[str] = set()
    places = [e for e in reading.entities if e.kind == "place"]
    named = [e for e in places if e.name]
    common = [e for e in places if not e.name]
    for e in common + named:
        name = definite(e)
        if name.lower() in seen or any(name.lower() in s or s in name.lower() for s in seen):
            continue  # "Tokyo train station" holds "Tokyo": the station is the place
        seen.add(name.lower())
        where = f" in {named[0].name}" if named and not e.name and named[0].name not in name else ""
        phrase = e.english if e.en else e.phrase
        look = f"{phrase[:1].lower()}{phrase[1:]}{where}"
        out.append(Place(name, look, _ambience(e, reading, world), list(conditions)))
    stand_ins = _stand_ins(reading, world, rng, seen)
    if not out and stand_ins and stand_ins[0][2] >= OWN_PLACE:
        name, sound, _ = stand_ins.pop(0)  # no place in the premise, but one it clearly means: the baker's bakery
        out.append(Place(name, name, sound, list(conditions)))
    if not places and lead is not None:
        who = definite(lead) if lead.count == 1 else f"the {lead.english if lead.en else lead.core}"
        home = world["places"]["home"].format(who=who, s="'" if who.endswith("s") else "'s")
        out.append(Place(home, home, "room tone, clock", list(conditions)))
    while len(out) < 3 and stand_ins:
        name, sound, _ = stand_ins.pop(0)
        out.append(Place(name, name, sound, list(conditions)))
    return out[:4]


def _stand_ins(reading: PremiseReading, world: dict, rng: random.Random, seen: set[str]) -> list[tuple[str, str, float]]:
    """Library places for this premise, best first: (name, ambience, similarity). The closest lead, the other near
    ones follow in a seeded order, then the everyday places that fit any story."""
    heads = {name.lower().split()[-1] for name in seen}
    pool = [p for p in _library(world) if p[0].lower() not in seen and p[0].lower().split()[-1] not in heads]
    if not pool:
        return []
    text = reading.text if reading.language == "en" else reading.english
    if text:
        from auteur.tools.language.meaning import similarities

        sims = similarities(text, [name for name, _ in pool])
    else:
        sims = [0.0] * len(pool)
    ranked = sorted(zip(pool, sims), key=lambda x: -x[1])
    anywhere = set(world["places"]["anywhere"])
    floor = max(NEAR_PLACE, NEAR_SHARE * ranked[0][1])
    near = [(name, sound, sim) for (name, sound), sim in ranked if sim >= floor]
    far = [(name, sound, sim) for (name, sound), sim in ranked if sim < floor and name in anywhere]
    head, rest = near[:1], near[1:5]
    rng.shuffle(rest)
    rng.shuffle(far)
    return head + rest + near[5:] + far


def _ambience(e: Entity, reading: PremiseReading, world: dict) -> str:
    phrase = (e.english if e.en else e.phrase).lower()
    library = _library(world)
    if library and phrase:
        from auteur.tools.language.meaning import similarities

        sims = similarities(phrase, [name for name, _ in library])
        best = max(range(len(library)), key=lambda k: sims[k])
        if sims[best] >= LIKE_PLACE:
            return library[best][1]
    words = set(re.findall(r"[a-z]+", (reading.english or reading.text).lower()))
    if words & {"sea", "ocean", "harbour", "harbor", "typhoon", "whale", "shore"}:
        return "surf, wind, gulls"
    if words & {"city", "station", "street", "town", "market"}:
        return "city traffic, distant voices"
    if words & {"forest", "tree", "valley", "field", "winter", "pond"}:
        return "wind in leaves, birds"
    return "room tone"
