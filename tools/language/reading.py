"""What a premise reading holds: its entities (who and what), its events (who does what to whom, with what will or
inability), its relations ("her grandson") and its conditions (storm, blackout, underwater), as plain frozen values.

Every reader (English through spaCy, the other languages through their analysers) returns a `PremiseReading`; the
draft story engine and the eval read only this, never a parse. Words that a film planned in English needs are in
English here whatever the premise's language (`Entity.en`, `Event.verb`); `phrase` keeps the premise's own words.
"""

from __future__ import annotations

from dataclasses import dataclass, field

CHARACTER_KINDS = ("person", "animal", "creature", "machine")
KINDS = CHARACTER_KINDS + ("object", "place", "time", "event")
# The conditions a premise can set, one word each (Location.conditions in the film schema uses the same words).
CONDITIONS = ("rain", "storm", "snow", "fog", "wind", "heat", "cold", "drought", "night", "blackout", "eclipse",
              "underwater", "space", "flood", "fire", "smoke", "dust")
# Words that say a character is gone or cannot be shown ("her late mother", "a missing owner", "the unseen whale").
STATUS_WORDS = {"late": "dead", "dead": "dead", "deceased": "dead", "departed": "dead", "missing": "missing",
                "lost": "missing", "long-lost": "missing", "vanished": "missing", "disappeared": "missing",
                "estranged": "missing", "absent": "missing", "unseen": "unseen", "invisible": "unseen",
                "hidden": "unseen", "faceless": "unseen"}
# What an event is to the one it belongs to: done, wanted, tried, refused, impossible, lost, found out, ...
MODES = ("act", "goal", "attempt", "refusal", "inability", "loss", "discovery", "change", "perception", "state")
# What an event is to the story: the premise's main event, what was found out, a deadline, a clock running down,
# a twist, what happened before the film, or a detail.
PARTS = ("main", "content", "deadline", "clock", "twist", "backstory", "detail")


@dataclass(frozen=True)
class Entity:
    phrase: str        # as written in the premise: "two rival food-truck owners"
    head: str          # head noun lemma ("owner"), or the proper name ("Anna", "Lagos")
    kind: str          # "person"|"animal"|"creature"|"machine"|"object"|"place"|"time"|"event"
    count: int = 1     # 2 for "two rival ... owners", 3 for "three sisters", 2 for "twins"
    name: str | None = None    # proper name when given ("Anna" of "her younger sister Anna": head "sister")
    gender: str | None = None  # "female" | "male" | None
    age: str | None = None     # "child" | "young" | "adult" | "old" | None
    core: str = field(default="", compare=False)  # the phrase without article, number or given name: "rival food-truck owners"
    en: str = field(default="", compare=False)  # the core in English for a premise in another language ("old tea farmer")
    status: str = field(default="", compare=False)  # "dead", "missing" or "unseen": someone the film cannot simply show

    @property
    def english(self) -> str:
        """The core in English: `en` where the premise was in another language, else the core itself."""
        return self.en or self.core or self.head

    @property
    def is_character(self) -> bool:
        return self.kind in CHARACTER_KINDS



@dataclass(frozen=True)
class Event:
    """One predicate of the premise: "a violinist loses her hearing" -> agent 0, verb "lose", obj "her hearing",
    mode "loss". Entities are referred to by their index in `PremiseReading.entities`."""

    verb: str                      # English lemma ("lose", "share", "dispense")
    agent: int | None = None       # who does it
    subject: str = ""              # the doer as written when it is no entity ("their oxygen" of "their oxygen runs low")
    patient: int | None = None     # the entity it is done to, when the object is one
    obj: str = ""                  # the object as written, in English ("her hearing", "advice")
    rest: str = ""                 # the rest of the predicate ("in the honeycomb", "instead of drinks")
    mode: str = "act"              # one of MODES
    part: str = "main"             # one of PARTS
    negated: bool = False
    particle: str = ""             # a phrasal verb's particle ("up" of "give up")
    text: str = ""                 # the clause in the premise's own words, for pointing at


@dataclass(frozen=True)
class Relation:
    """"her grandson": owner 0 (the grandmother), noun "grandson", target 1 (the grandson)."""

    owner: int
    noun: str
    target: int


@dataclass(frozen=True)
class PremiseReading:
    text: str
    language: str                 # ISO 639-1 ("en", "de", "ja", ...)
    entities: tuple[Entity, ...]
    want: str | None              # the protagonist's want
    obstacle: str | None          # what stands in the way
    situation: str | None         # the circumstance ("snowed in before the festival")
    story_type: str               # "rivals"|"family"|"strangers"|"creature"|"mystery"|"quest"|...
    events: tuple[Event, ...] = ()
    relations: tuple[Relation, ...] = ()
    conditions: tuple[str, ...] = ()  # of CONDITIONS
    english: str = ""              # the premise in English words (itself for English; a gloss otherwise)

    def characters(self) -> list[Entity]:
        return [e for e in self.entities if e.kind in CHARACTER_KINDS]

    def places(self) -> list[Entity]:
        return [e for e in self.entities if e.kind == "place"]

    def objects(self) -> list[Entity]:
        return [e for e in self.entities if e.kind == "object"]

    def times(self) -> list[Entity]:
        return [e for e in self.entities if e.kind in ("time", "event")]


