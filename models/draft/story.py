"""What the draft planner knows of the premise's story: its cast, places, props and the phrases that fill
the story library's templates (`story_<language>.toml`).

The premise reader (`auteur.tools.language.premise`) says who and what is in the premise; this module turns
that into film material: one Character per person of a group ("three sisters" -> three sisters), looks
that agree with the text (age, gender, species), places named as the premise names them, and slot
phrases inflected for the templates (articles, capitals). Every choice is seeded.
"""

from __future__ import annotations

import random
import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from auteur.core.schema import Character, Voice
from auteur.tools.language.premise import Entity, PremiseReading, read_premise

# Languages the story library is written in; any other premise is planned in English, with its names.
LIBRARIES = ("en", "de")
MAX_CAST = 6
MAX_PER_GROUP = 4
SLOT = re.compile(r"\{([A-Za-z_0-9]+)\}")
# Slots whose filling comes from the premise itself (names of the speakers do not count: they are drawn).
PREMISE_SLOTS = {"a_role", "b_role", "obj", "obj2", "place", "place2", "time", "event", "want", "obstacle", "group",
                 "other", "other_obj", "a_head"}


@lru_cache(maxsize=4)
def library(language: str) -> dict:
    return tomllib.loads(resources.files("auteur.models.draft").joinpath(f"story_{language}.toml").read_text("utf-8"))


def library_language(reading: PremiseReading) -> str:
    return reading.language if reading.language in LIBRARIES else "en"


def _article_gender(phrase: str, language: str) -> str | None:
    from auteur.tools.language.premise import prototypes

    articles = prototypes()["languages"].get(language, {}).get("articles", {})
    return articles.get(phrase.split(" ", 1)[0].lower()) or None


def _article(phrase: str) -> str:
    return "an" if phrase[:1].lower() in "aeiou" else "a"


def _definite(e: Entity) -> str:
    """"the drought-stricken valley", "Tokyo", "the three sisters", "last year"."""
    if e.name:
        return e.name
    first = e.phrase.split()[0].lower()
    if e.kind == "time" and first in ("last", "next", "every", "this", "that", "one"):
        return e.phrase[:1].lower() + e.phrase[1:]
    core = _uncapitalised(e, e.core or e.head)
    if e.count > 1 and e.kind in ("person", "animal", "creature", "machine"):
        return f"the {_number_word(e.count)} {core}" if re.search(r"\d|^(two|three|four|five|six)\b", e.phrase.lower()) \
            else f"the {core}"
    return f"the {_uncapitalised(e, _singular_core(e))}"


def _uncapitalised(e: Entity, core: str) -> str:
    """"Twin brothers" only had its capital for opening the premise (a name inside a phrase keeps its own)."""
    if core[:1].isupper() and e.phrase.split()[0] == core.split()[0]:
        return core[:1].lower() + core[1:]
    return core


def _number_word(n: int) -> str:
    return {2: "two", 3: "three", 4: "four", 5: "five", 6: "six"}.get(n, str(n))


def _singular_core(e: Entity) -> str:
    """The phrase's core with its head in the singular: "rival food-truck owners" -> "rival food-truck owner"."""
    core = e.core or e.head
    if e.name:
        return core
    words = core.split()
    if words and words[-1].lower() != e.head and e.head:
        words[-1] = e.head if not words[-1][:1].isupper() else e.head.capitalize()
    return " ".join(words)


@dataclass
class Story:
    """The premise's material for one film: cast, places, props and template slots."""

    reading: PremiseReading
    language: str
    cast: list[Character]
    cast_entities: list[Entity | None]  # the premise entity each cast member comes from (None: a companion)
    places: list[tuple[str, str, str]]  # (name, look, ambience), home first
    props: list[str]
    slots: dict[str, str] = field(default_factory=dict)
    premise_slots: set[str] = field(default_factory=set)  # slots filled from the premise (the rest: the library's)

    def score(self, template: str) -> int:
        """How much of the premise a template carries: premise slots count, library stand-ins count against."""
        wanted = needs(template)
        # a speaker's name makes a line this film's own too, where the premise gave little else
        return 2 * len(wanted & self.premise_slots) - 3 * len((wanted & PREMISE_SLOTS) - self.premise_slots) \
            + (1 if wanted & {"A", "B"} else 0)


def build_story(prompt: str, seed: int, names: tuple[str, ...] = ()) -> Story:
    reading = read_premise(prompt)
    language = library_language(reading)
    book = library(language)
    rng = random.Random(f"{seed}|story|{prompt}")
    cast, sources = _cast(reading, book, rng, names)
    places = _places(reading, book, rng)
    props = [_singular_core(e) for e in reading.objects()][:4]
    slots, premise_slots = _slots(reading, book, rng, cast, sources, places, props)
    return Story(reading=reading, language=language, cast=cast, cast_entities=sources, places=places, props=props,
                 slots=slots, premise_slots=premise_slots)


# ---------------------------------------------------------------- the cast


def _cast(reading: PremiseReading, book: dict, rng: random.Random, names: tuple[str, ...]
          ) -> tuple[list[Character], list[Entity | None]]:
    people = book["people"]
    entities = reading.characters()
    given = [n for n in names if n]
    # MovieAgent synopses name their characters: each name keeps the premise's reading of it (gender, kind)
    if given:
        by_name = {e.name: e for e in entities if e.name}
        entities = [by_name.get(n) or Entity(phrase=n, head=n, kind="person", name=n, core=n) for n in given]
    slots: list[Entity | None] = []
    for e in entities:
        slots.extend([e] * min(e.count, MAX_PER_GROUP))
    slots = slots[:MAX_CAST]
    if len(slots) < 2:
        slots.append(None)  # a companion to talk to, chosen by story type
    if not slots or slots[0] is None:
        slots.insert(0, None)
    used: set[str] = set()
    cast: list[Character] = []
    for k, e in enumerate(slots, start=1):
        cast.append(_character(k, e, reading, book, rng, used, people))
    return cast, slots


def _character(k: int, e: Entity | None, reading: PremiseReading, book: dict, rng: random.Random, used: set[str],
               people: dict) -> Character:
    token = f"<char{k}>"
    if e is None or e.kind == "person":
        gender = (e.gender if e else None) or rng.choice(["female", "male"])
        companion = ""
        if e is None:
            companions = people["companions"].get(reading.story_type) or people["companions"]["strangers"]
            companion = rng.choice(companions)
            # a language whose nouns have gender says it with the article ("eine Begleiterin")
            gender = _article_gender(companion, book["language"]) or gender
        age = (e.age if e else None) or "adult"
        if e and e.name:
            name = e.name
        else:
            pool = [n for n in book["names"][gender] if n not in used]
            name = rng.choice(pool)
        used.add(name)
        if e is None:
            role = companion.split(" ", 1)[1]
        else:
            # "her younger sister Anna" is Anna, a younger sister; "Hugo" is only Hugo
            role = "" if e.name and e.head == e.name else (_singular_core(e) if book["language"] == "en" else e.head)
        noun = people["nouns"][gender][age]
        hair = rng.choice(people["child_hair"] if age == "child" else people["hair"][gender])
        build = rng.choice(people['builds'])
        appearance = f"{_article(build)} {build} {noun} with {hair}"
        if role and book["language"] == "en":  # the artist reads English; a German role stays in the role field
            appearance += f", {_article(role)} {role}"
        pitch = round(rng.uniform(-0.6, 0.6) + (0.35 if age in ("child", "young") else 0.0), 2)
        return Character(token=token, name=name, kind="person", role=role, appearance=appearance,
                         wardrobe=rng.choice(people["wardrobe"]),
                         voice=Voice(gender=gender, pitch=max(-1.0, min(1.0, pitch)), rate=round(rng.uniform(0.92, 1.08), 2)))
    # animals, creatures and machines are named by what they are, and drawn as what they are
    what = _singular_core(e)
    words = what.split()
    # named by what it is, without the premise's adjectives: "lonely vending machine" -> "Vending Machine"
    name = e.name or " ".join(w.capitalize() for w in (words[-2:] if len(words) >= 3 else words[-1:]))
    if e.count > 1:
        name = f"{name} {sum(1 for u in used if u.startswith(name)) + 1}"
    used.add(name)
    gender = e.gender or "neutral"
    return Character(token=token, name=name, kind=e.kind, role=what, appearance=f"{_article(what)} {what}",
                     voice=Voice(gender=gender, pitch=round(rng.uniform(-0.5, 0.7), 2), rate=round(rng.uniform(0.9, 1.1), 2)))


# ---------------------------------------------------------------- places


def _places(reading: PremiseReading, book: dict, rng: random.Random) -> list[tuple[str, str, str]]:
    """The premise's places as it names them, with its conditions in their looks; then, when it names none, the
    place it clearly means and the protagonist's home; then the story library's places nearest the premise."""
    language = book["language"]
    condition = _condition(reading)
    out: list[tuple[str, str, str]] = []
    seen: set[str] = set()
    places = reading.places()
    # a named city with a place inside it ("a Tokyo train station"): the station is where it happens
    named = [e for e in places if e.name]
    common = [e for e in places if not e.name]
    for e in common + named:
        name = _definite(e)
        if name.lower() in seen:
            continue
        seen.add(name.lower())
        where = f" in {named[0].name}" if named and not e.name and named[0].name not in name else ""
        look = f"{e.phrase[:1].lower()}{e.phrase[1:]}{where}" + (f", {condition}" if condition else "")
        out.append((name, look, _ambience(e, reading, book)))
    stand_ins = _stand_in_places(reading, book, rng, seen)
    when = f", {condition}" if condition else ""
    lead = next((e for e in reading.characters() if not e.name), None)
    if not out and stand_ins and stand_ins[0][2] >= OWN_PLACE:
        name, sound, _ = stand_ins.pop(0)  # no place in the premise, but one it clearly means: the baker's bakery
        out.append((name, name + when, sound))
    if not places and lead is not None and book.get("home"):
        # no place in the premise: the protagonist's own ("the retired boxer's home")
        who = (_definite(lead) if lead.count == 1 else f"the {_uncapitalised(lead, lead.core)}") if language == "en" \
            else lead.head
        home = book["home"].format(who=who, s="'" if who.endswith("s") else "'s")
        out.append((home, home + when, "room tone, clock"))
    while len(out) < 3 and stand_ins:
        name, sound, _ = stand_ins.pop(0)
        out.append((name, name + when, sound))
    return out[:4]


OWN_PLACE = 0.3  # a stand-in this close to the premise is where its story happens (MiniLM cosine)
NEAR_PLACE = 0.2  # closer than this, a stand-in belongs to the premise; below it, the encoder did not read the premise
NEAR_SHARE = 0.75  # and within this share of the best match's similarity (MiniLM's tail is noise)
DEFAULT_AMBIENCE = "room tone, distant voices"


def _stand_in_places(reading: PremiseReading, book: dict, rng: random.Random,
                     seen: set[str]) -> list[tuple[str, str, float]]:
    """The story library's places for this premise, best first: (name, ambience, similarity).

    The closest by meaning lead, the rest of the near ones follow in a seeded order (another seed is another
    take), then the everyday places that fit any story (`anywhere`), by seed: all a premise gets when the
    encoder cannot read it."""
    heads = {name.lower().split()[-1] for name in seen}
    # "the courtroom" beside the premise's "same courtroom" would be the same room twice
    pool = [p for p in _library_places(book) if p[0].lower() not in seen and p[0].lower().split()[-1] not in heads]
    if not pool:
        return []
    if reading.language != "en":  # MiniLM reads English: for another language a similarity is noise
        sims = [0.0] * len(pool)
    else:
        from auteur.tools.language.premise import similarities

        sims = similarities(reading.text, [name for name, _ in pool])
    ranked = sorted(zip(pool, sims), key=lambda x: -x[1])
    anywhere = set(book["fallback"].get("anywhere", [name for name, _ in pool]))
    # near: close in absolute terms and to the best match (a mall film's set, not the oasis that scores 0.23)
    floor = max(NEAR_PLACE, NEAR_SHARE * ranked[0][1])
    near = [(name, sound, sim) for (name, sound), sim in ranked if sim >= floor]
    far = [(name, sound, sim) for (name, sound), sim in ranked if sim < floor and name in anywhere]
    head, rest = near[:1], near[1:5]
    rng.shuffle(rest)
    rng.shuffle(far)
    return head + rest + near[5:] + far


def _condition(reading: PremiseReading) -> str:
    """The premise's circumstance as a look: its times and events ("during a city-wide blackout")."""
    events = [e for e in reading.times()]
    if reading.situation and len(reading.situation.split()) <= 8:
        return reading.situation[:1].lower() + reading.situation[1:]
    if events:
        return events[0].phrase[:1].lower() + events[0].phrase[1:]
    return ""


def _library_places(book: dict) -> list[tuple[str, str]]:
    """The story library's places as (name, ambience)."""
    _remember_place_vectors()
    return [(p, DEFAULT_AMBIENCE) if isinstance(p, str) else (p[0], p[1]) for p in book["fallback"]["places"]]


PLACE_VECTORS = Path(__file__).with_name("place_vectors.safetensors")


def place_texts() -> list[str]:
    """The English library's place names: what its shipped vectors hold (the other languages are not ranked)."""
    return [p if isinstance(p, str) else p[0] for p in library("en")["fallback"]["places"]]


def build_place_vectors(dest: Path = PLACE_VECTORS) -> Path:
    """Ship the place names' vectors (run after editing the places of story_en.toml:
    `python -c "from auteur.models.draft.story import build_place_vectors as b; b()"`)."""
    from auteur.tools.language.vectors import build

    return build(dest, place_texts())


@lru_cache(maxsize=1)
def _remember_place_vectors() -> None:
    from auteur.tools.language.premise import remember
    from auteur.tools.language.vectors import shipped

    remember(shipped(PLACE_VECTORS, place_texts()))


LIKE_PLACE = 0.55  # a premise place this close to a library place sounds like it ("the apartment": fridge hum)


def _ambience(e: Entity, reading: PremiseReading, book: dict | None = None) -> str:
    if book is not None and reading.language == "en":
        library = _library_places(book)
        if library:
            from auteur.tools.language.premise import similarities

            sims = similarities(e.phrase.lower(), [name for name, _ in library])
            best = max(range(len(library)), key=lambda k: sims[k])
            if sims[best] >= LIKE_PLACE:
                return library[best][1]
    words = {w.lower() for w in re.findall(r"[A-Za-z]+", reading.text)}
    sounds = ["room tone"]
    if words & {"sea", "ocean", "harbour", "harbor", "typhoon", "whale", "shore"}:
        sounds = ["surf", "wind", "gulls"]
    elif words & {"city", "station", "street", "town", "market"}:
        sounds = ["city traffic", "distant voices"]
    elif words & {"forest", "tree", "valley", "field", "winter", "pond"}:
        sounds = ["wind in leaves", "birds"]
    return ", ".join(sounds)


# ---------------------------------------------------------------- template slots


def _slots(reading: PremiseReading, book: dict, rng: random.Random, cast: list[Character], sources: list[Entity | None],
           places: list[tuple[str, str, str]], props: list[str]) -> tuple[dict[str, str], set[str]]:
    slots: dict[str, str] = {}
    from_premise: set[str] = set()

    def put(key: str, value: str | None, premise: bool = True) -> None:
        if value and key not in slots:
            slots[key] = value
            if premise:
                from_premise.add(key)

    objects = reading.objects()
    for key, e in zip(("obj", "obj2"), objects):
        put(key, _definite(e))
    fallback = list(book["fallback"]["objects"])
    rng.shuffle(fallback)
    put("obj", fallback[0], premise=False)
    put("obj2", fallback[1], premise=False)
    fallback_places = {(p if isinstance(p, str) else p[0]).lower() for p in book["fallback"]["places"]}
    articles = book.get("case_articles", [])
    for key, (name, _, _) in zip(("place", "place2"), places):
        if name.split(" ", 1)[0].lower() in articles:
            continue  # "das Kaffeehaus" would need its case after "aus": lines that need it are not used
        put(key, name, premise=name.lower() not in fallback_places)
    times = [e for e in reading.times() if e.kind == "time" and e.phrase.split()[0].lower() in ("the", "a", "an")]
    events = [e for e in reading.times() if e.kind == "event"]
    put("time", _definite(times[0]) if times else None)
    put("event", _definite(events[0]) if events else None)
    if reading.want and re.search(rf"\b(to|must|can|will)\s+{re.escape(reading.want.split()[0])}\b", reading.text):
        put("want", reading.want)
    if reading.obstacle and len(reading.obstacle.split()) <= 8 and not reading.obstacle.lower().startswith(("that ", "to ")):
        put("obstacle", reading.obstacle[:1].lower() + reading.obstacle[1:])
    groups = [e for e in reading.characters() if e.count > 1]
    put("group", _definite(groups[0]) if groups else None)
    # another single character of the premise, preferably not the second speaker: "the elephant", "the patient"
    lead = sources[0] if sources else None
    others = [e for e in reading.characters() if e is not lead and e.count == 1]
    if others:
        second = sources[1] if len(sources) > 1 else None
        o = next((e for e in others if e is not second), None)
    if others and o is not None:  # the second speaker is never talked about as "the other" in front of them
        put("other", _definite(o))
        put("other_obj", "him" if o.gender == "male" else "her" if o.gender == "female" else "it")
        put("other_pron", "he" if o.gender == "male" else "she" if o.gender == "female" else "it")
    if book["language"] != "en":
        # without a parser for the language, a role is its bare noun ("Uhrmacher"), which needs no case
        put("a_role", lead.head if lead and not lead.name else None)
    put("a_role", _definite(lead) if lead and not lead.name and lead.count == 1 else (f"the {cast[0].role}" if cast[0].role else None),
        premise=bool(lead))
    if len(cast) > 1:
        src = sources[1] if len(sources) > 1 else None
        put("b_role", f"the {cast[1].role}" if cast[1].role else None, premise=bool(src))
    if lead:
        put("a_head", lead.head if lead.name else lead.head.capitalize())
    return slots, from_premise


def fill(template: str, slots: dict[str, str]) -> str:
    """Fill a template; a capitalised slot name ({Obj}) capitalises the phrase's first letter."""
    def one(m: re.Match) -> str:
        key = m[1]
        value = slots.get(key) or slots[key[:1].lower() + key[1:]]
        return value[:1].upper() + value[1:] if key[:1].isupper() else value
    text = SLOT.sub(one, template)
    return text[:1].upper() + text[1:]


def needs(template: str) -> set[str]:
    return {m if m in ("A", "B") else m[:1].lower() + m[1:] for m in SLOT.findall(template)}


def can_fill(template: str, slots: dict[str, str]) -> bool:
    return needs(template) <= set(slots)
