"""The cast: one Character per person of the premise ("three sisters" are three sisters), named as people of the
film's place are named, looking and sounding as the premise says (her, old, a crow), able to speak only as the
premise allows (a conductor who loses his voice, a parrot that only repeats, a dead patient who calls), and seen
only when the premise lets us see them (what knocks outside the hull is heard, never shown).
"""

from __future__ import annotations

import random
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from auteur.core.schema import Character, Voice
from auteur.models.draft.story.english import article
from auteur.models.draft.story.situation import Situation
from auteur.tools.language.meaning import gender_age
from auteur.tools.language.reading import Entity

MAX_CAST = 6
MAX_PER_GROUP = 4
# Verbs that make a non-person talk ("demands a name", "dispensing advice", "humiliated him"); a fable (no people
# at all) lets its animals talk; an elephant in a circus of people does not.
TALKING = {"demand", "dispense", "speak", "talk", "say", "sing", "answer", "call", "tell", "advise", "ask", "argue",
           "whisper", "repeat", "humiliate", "play", "befriend", "warn", "want", "beg", "insist", "complain", "invite",
           "fall", "investigate", "frighten", "share", "have", "lead"}
# What a voiceless person lost ("loses his voice"), and words that make someone unable to speak.
VOICE_LOSS = {"voice", "speech"}
MUTE_WORDS = {"mute", "voiceless", "silent", "speechless", "tongueless", "dumb"}


@dataclass
class Member:
    """A cast member with what the story needs beyond the schema: where they come from and how they may speak."""

    character: Character
    entity: Entity | None        # the premise entity (None: a companion the story adds)
    source: int | None           # the entity's index in the reading
    speech: str = "speaks"       # speaks | mute (acts, never talks) | echo (only repeats) | voice (heard, not seen)
    short: str = ""              # how lines call them ("Mara", "the crow")

    @property
    def token(self) -> str:
        return self.character.token


@lru_cache(maxsize=1)
def names() -> dict:
    return tomllib.loads(resources.files("auteur.models.draft.story").joinpath("names.toml").read_text("utf-8"))


def culture(situation: Situation) -> str:
    """Whose names the film's people carry: the culture of a place the premise names, else of its language."""
    table = names()
    for e in situation.entities:
        if e.kind == "place" and e.name:
            low = e.name.lower()
            for key, places in table["places"].items():
                if low in places:
                    return key
    text = situation.reading.text.lower()
    for key, places in table["places"].items():
        if any(f" {p} " in f" {text} " or f" {p}'" in text for p in places if " " in p):
            return key
    return table["languages"].get(situation.reading.language, "en")


def build_cast(situation: Situation, rng: random.Random, world: dict, given: tuple[str, ...] = ()) -> list[Member]:
    """Everyone in the film, the lead first, the one across from them second."""
    ents = situation.entities
    order = [k for k in (situation.lead, situation.other) if k is not None] + situation.group
    slots: list[int | None] = []
    for k in order:
        slots.extend([k] * min(ents[k].count, MAX_PER_GROUP))
    slots = slots[:MAX_CAST]
    if given:  # a MovieAgent synopsis names its people: each name keeps the premise's reading of it
        by_name = {e.name: k for k, e in enumerate(ents) if e.name}
        slots = [by_name.get(n) for n in given][:MAX_CAST]
    pool = names()
    people = pool["person"].get(culture(situation), pool["person"]["en"])
    used: set[str] = {ents[k].name for k in slots if k is not None and ents[k].name}
    fable = not any(ents[k].kind == "person" for k in slots if k is not None)
    members: list[Member] = []
    for n, k in enumerate(slots, start=1):
        e = ents[k] if k is not None else None
        name = given[n - 1] if given and n - 1 < len(given) else None
        members.append(_member(n, k, e, situation, rng, world, people, used, name, fable))
    # two who speak at least: a premise that names no one ("Snowed in!") gets two of the place's people
    while sum(m.speech in ("speaks", "voice") for m in members) < 2 and len(members) < MAX_CAST:
        members.append(_companion(len(members) + 1, situation, rng, world, people, used, members))
    return members


def _member(n: int, k: int | None, e: Entity | None, situation: Situation, rng: random.Random, world: dict,
            people: dict, used: set[str], name: str | None, fable: bool) -> Member:
    token = f"<char{n}>"
    if e is None:  # a name from a synopsis the premise reading did not find
        gender = rng.choice(["female", "male"])
        c = _person(token, name or _name(people[gender], rng, used), "", gender, "adult", rng, world)
        return Member(character=c, entity=None, source=None, short=c.name.split()[0])
    if e.kind == "person":
        gender = e.gender or _gender_of(e, situation) or rng.choice(["female", "male"])
        age = e.age or _age_of(e)
        label = name or e.name or _name(people[gender], rng, used)
        used.add(label)
        role = "" if e.name and e.head == e.name else _role(e, situation)
        c = _person(token, label, role, gender, age, rng, world)
        speech, offscreen = _person_speech(k, e, situation)
        c = c.model_copy(update={"offscreen": offscreen})
        return Member(character=c, entity=e, source=k, speech=speech, short=label.split()[0] if " " not in label or
                      label not in people[gender] else label)
    what = e.english if e.en else (e.core or e.head)
    what = _singular(e, what)
    label = name or e.name or _name(names()["kinds"].get(e.kind, names()["kinds"]["creature"]), rng, used)
    used.add(label)
    gender = e.gender or "neutral"
    speech = _thing_speech(k, e, situation, fable)
    offscreen = e.status == "unseen"
    c = Character(token=token, name=label, kind=e.kind, role=what, appearance=f"{article(what)} {what}",
                  offscreen=offscreen,
                  voice=Voice(gender=gender, pitch=round(rng.uniform(-0.5, 0.7), 2), rate=round(rng.uniform(0.9, 1.1), 2)))
    return Member(character=c, entity=e, source=k, speech=speech, short=label)


AGED_HAIR = ("white", "grey", "thinning")


def _person(token: str, name: str, role: str, gender: str, age: str, rng: random.Random, world: dict) -> Character:
    looks = world["people"]
    noun = looks["nouns"][gender][age]
    hairs = looks["child_hair"] if age == "child" else looks["hair"][gender]
    aged = [h for h in hairs if any(w in h for w in AGED_HAIR)]
    if age == "young":  # white and thinning hair belong to the old
        hairs = [h for h in hairs if h not in aged] or hairs
    hair = rng.choice(hairs)
    if age == "old" and aged and hair not in aged:  # an old woman has no curly brown hair; the same draw, mapped
        hair = aged[hairs.index(hair) % len(aged)]
    build = rng.choice(looks["builds"])
    appearance = f"{article(build)} {build} {noun} with {hair}"
    if role:
        appearance += f", {article(role)} {role}"
    pitch = round(rng.uniform(-0.6, 0.6) + (0.35 if age in ("child", "young") else 0.0), 2)
    return Character(token=token, name=name, kind="person", role=role, appearance=appearance,
                     wardrobe=rng.choice(looks["wardrobe"]),
                     voice=Voice(gender=gender, pitch=max(-1.0, min(1.0, pitch)), rate=round(rng.uniform(0.92, 1.08), 2)))


def _name(pool: list[str], rng: random.Random, used: set[str]) -> str:
    free = [n for n in pool if n not in used and n.split()[0] not in {u.split()[0] for u in used}]
    name = rng.choice(free or pool)
    used.add(name)
    return name


def _gender_of(e: Entity, situation: Situation) -> str | None:
    """Gendered nouns say it where the reader's typing left it open ("grandson", "fisherman")."""
    from auteur.tools.evaluation.premise_terms import FEMALE, MALE

    words = set((e.english or e.core or e.head).lower().replace("-", " ").split()) | {e.head.lower()}
    if words & FEMALE:
        return "female"
    if words & MALE:
        return "male"
    return None


def _age_of(e: Entity) -> str:
    words = set((e.english or e.core).lower().replace("-", " ").split())
    if words & {"old", "elderly", "retired", "aged", "grandmother", "grandfather", "widow", "widower", "veteran"}:
        return "old"
    if words & {"young", "teenage", "teenager", "teen", "student", "granddaughter", "grandson", "girl", "boy", "kid",
                "child", "daughter", "son"}:
        return "child" if words & {"kid", "child", "granddaughter", "grandson", "girl", "boy"} else "young"
    return "adult"


def _role(e: Entity, situation: Situation) -> str:
    core = e.english if e.en else (e.core or e.head)
    core = _singular(e, core)
    if core[:1].isupper() and not e.name:
        core = core[:1].lower() + core[1:]
    return core


def _singular(e: Entity, core: str) -> str:
    from auteur.models.draft.story.english import singular_noun

    return singular_noun(core) if e.count > 1 else core


def _person_speech(k: int, e: Entity, situation: Situation) -> tuple[str, bool]:
    """Whether this person speaks, and whether we see them."""
    words = set(e.phrase.lower().split())
    if words & MUTE_WORDS:
        return "mute", False
    for ev in situation.reading.events:
        if ev.agent == k and ev.mode == "loss" and set(ev.obj.lower().split()) & VOICE_LOSS:
            return "mute", False  # "loses his voice": from the loss on, he says nothing
    if e.status == "dead":
        # a dead patient who phones the nurse is a voice on the line; a late mother is only remembered
        calls = any(ev.verb in ("receive", "call", "phone", "ring", "hear") and k in (ev.patient, ev.agent)
                    or (ev.verb in ("receive",) and e.head in ev.rest) for ev in situation.reading.events)
        return ("voice", True) if calls else ("mute", True)
    if e.status == "missing":
        return "mute", True  # looked for, not found until the end: never on screen
    if e.status == "unseen":
        return "voice", True
    return "speaks", False


def _thing_speech(k: int, e: Entity, situation: Situation, fable: bool) -> str:
    verbs = {ev.verb for ev in situation.reading.events if ev.agent == k}
    if "repeat" in verbs:
        return "echo"  # a parrot that only repeats the last words of its owner says only those
    if fable or e.kind == "creature":
        return "speaks"
    if verbs & TALKING:
        return "speaks"
    return "mute"


def _companion(n: int, situation: Situation, rng: random.Random, world: dict, people: dict, used: set[str],
               members: list[Member]) -> Member:
    """Someone for the lead to talk to, from their world: a violinist's accompanist, a duck's old friend the heron."""
    lead = members[0] if members else None
    kinds = world["companions"]
    words = set(situation.reading.english.lower().replace("-", " ").split()) if situation.reading.english else set()
    if lead is not None and lead.entity is not None:
        words |= set(lead.character.role.lower().replace("-", " ").split())
    fable = lead is not None and lead.character.kind in ("animal",) and not any(m.character.kind == "person" for m in members)
    table = kinds["animal" if fable else "person"]
    choices = next((v for key, v in table.items() if key != "any" and set(key.split()) & words), table["any"])
    role = rng.choice(choices)
    token = f"<char{n}>"
    if fable:
        label = _name(names()["kinds"]["animal"], rng, used)
        c = Character(token=token, name=label, kind="animal", role=role, appearance=f"{article(role)} {role}",
                      voice=Voice(pitch=round(rng.uniform(-0.5, 0.7), 2), rate=round(rng.uniform(0.9, 1.1), 2)))
        return Member(character=c, entity=None, source=None, short=label)
    gender = rng.choice(["female", "male"])
    gender = gender_age((role,))[0] or gender  # a sister or a landlady is a woman, a neighbour either
    label = _name(people[gender], rng, used)
    c = _person(token, label, role, gender, "adult", rng, world)
    return Member(character=c, entity=None, source=None, short=label.split()[0])
