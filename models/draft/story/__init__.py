"""The draft director's story engine: a film's story built from what happens in its premise.

`read_situation` (situation.py) says whose story it is, what happened, what they want and what stands in the way;
`build_cast` (cast.py) gives everyone a name, a look and a voice, and says who may speak and who is seen;
`premise_places` (places.py) says where it happens; the `Writer` (writer.py) tells every scene from the premise's
events through the language's frames (frames_<lang>.toml) and world (world_<lang>.toml). Every choice is drawn
from `random.Random` seeded with a string, so the same premise and seed always give the same story.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from functools import lru_cache

from auteur.models.draft.story.cast import Member, build_cast
from auteur.models.draft.story.library import frames, planned_language, world
from auteur.models.draft.story.places import Place, premise_places
from auteur.models.draft.story.situation import Situation, read_situation
from auteur.models.draft.story.writer import Told, Writer
from auteur.tools.language.premise import read_premise
from auteur.tools.language.reading import PremiseReading

__all__ = ["Story", "plan_story", "Told", "Member", "Place"]


@dataclass
class Story:
    reading: PremiseReading
    language: str                     # the language the film is planned and spoken in
    situation: Situation
    cast: list[Member]
    places: list[Place]
    conditions: list[str]
    seed: int
    writer: Writer = field(repr=False, default=None)  # type: ignore[assignment]

    def rng(self, salt: str) -> random.Random:
        return random.Random(f"{self.seed}|{salt}|{self.reading.text}")

    def props(self) -> list[str]:
        """The premise's key objects as short noun phrases, in English ("map", "phone calls"), the main ones first;
        none that the premise takes away (stolen, lost)."""
        out = []
        gone = self.situation.gone()
        for k in self.situation.things():
            if k in gone:
                continue  # the stolen pumpkin is not in frame
            e = self.situation.entities[k]
            words = (e.english if e.en else (e.core or e.head)).split()
            out.append(" ".join(words[-2:]) if len(words) > 2 else " ".join(words))
        return out[:4]


def _conditions(reading: PremiseReading) -> list[str]:
    return list(dict.fromkeys(reading.conditions))


@lru_cache(maxsize=32)
def plan_story(prompt: str, seed: int, names: tuple[str, ...] = ()) -> Story:
    """The premise's story for one film (cached: every crew stage of one run reads the same story)."""
    reading = read_premise(prompt)
    language = planned_language(reading.language)
    book = world(language)
    situation = read_situation(reading)
    rng = random.Random(f"{seed}|story|{prompt}")
    cast = build_cast(situation, rng, world("en") if language != "en" else book, names)
    conditions = _conditions(reading)
    lead = situation.entities[situation.lead] if situation.lead is not None else None
    places = premise_places(reading, world("en"), rng, lead, conditions)
    story = Story(reading=reading, language=language, situation=situation, cast=cast, places=places,
                  conditions=conditions, seed=seed)
    story.writer = Writer(situation, cast, book, frames(language), story.rng, [p.name for p in places], conditions)
    return story
