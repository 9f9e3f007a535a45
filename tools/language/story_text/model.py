"""What the story reader returns: plain, frozen dataclasses, in the text's order."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal


@dataclass(frozen=True)
class Passage:
    """One stretch of a scene: a quotation with its speaker, or the narration between quotations."""

    kind: Literal["speech", "narration"]
    text: str
    speaker: str | None = None  # a StoryCharacter.key for speech; None for narration (or an unattributed quote)
    paragraph: int = 0          # index of the paragraph it comes from, over the whole text
    how: str = ""               # how the speaker was found: "tag", "paragraph", "turns", "continued", ...


@dataclass(frozen=True)
class StoryCharacter:
    key: str                      # the name the text gives in full ("Mara Lind", "Mrs. Halloran")
    aliases: tuple[str, ...]      # other ways the text names them ("Mara", "the harbourmaster", "der Junge")
    gender: str | None            # "female" | "male" | None
    role: str = ""                # what they are, from an apposition or title ("captain", "Großvater")
    looks: tuple[str, ...] = ()   # the text's descriptions of them ("a tall woman with short red hair")
    wardrobe: str = ""            # what the text says they wear
    mentions: int = 0             # times named or referred to in narration
    lines: int = 0                # quotations attributed to them

    @property
    def short(self) -> str:
        """The name a line or a plot uses: the given name when there is one ("Mara"), else the key."""
        first = self.key.split()[0]
        return self.key if first.rstrip(".").lower() in TITLE_WORDS or len(self.key.split()) == 1 else first


TITLE_WORDS = {"mr", "mrs", "ms", "miss", "mister", "dr", "captain", "herr", "frau", "doktor", "kapitän", "sir", "lady"}


@dataclass(frozen=True)
class StoryPlace:
    name: str                     # as the text names it: "the quay", "Holm", "die Werkstatt"
    aliases: tuple[str, ...] = ()
    look: str = ""                # the sentence that first shows it
    mentions: int = 0


@dataclass(frozen=True)
class StoryScene:
    index: int                    # 0-based, in the text's order
    chapter: str                  # the chapter's title ("" for a text without chapters)
    place: str | None             # a StoryPlace.name
    time: str | None              # "dawn" | "day" | "dusk" | "night"
    characters: tuple[str, ...]   # keys of those present, in order of appearance
    passages: tuple[Passage, ...]
    words: int
    importance: float = 0.0       # who is in it and what changes (scenes are chosen by it)
    opening: str = ""             # the scene's first sentence of narration

    def quotes(self) -> list[Passage]:
        return [p for p in self.passages if p.kind == "speech"]


@dataclass(frozen=True)
class StoryReading:
    title: str
    language: str                 # ISO 639-1
    words: int
    chapters: tuple[str, ...]
    characters: tuple[StoryCharacter, ...]
    places: tuple[StoryPlace, ...]
    scenes: tuple[StoryScene, ...]
    notes: tuple[str, ...] = field(default=())  # what the reader could not settle, one line each

    def character(self, key: str) -> StoryCharacter:
        return next(c for c in self.characters if c.key == key)

    def quotes(self) -> list[Passage]:
        return [p for s in self.scenes for p in s.passages if p.kind == "speech"]
