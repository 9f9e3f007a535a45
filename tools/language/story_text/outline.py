"""What an evaluation needs of a story: its characters, places and events in order, as plain data."""

from __future__ import annotations

from dataclasses import dataclass

from auteur.tools.language.story_text.model import StoryReading
from auteur.tools.language.story_text.reading import read_story


@dataclass(frozen=True)
class OutlineCharacter:
    name: str                   # the name the text gives in full ("Mara Lind", "Mrs. Halloran")
    aliases: tuple[str, ...]    # other names for them ("Mara", "the harbourmaster" as "harbourmaster", "Junge")
    gender: str | None          # "female" | "male" | None (the text does not say)


@dataclass(frozen=True)
class OutlinePlace:
    name: str                   # as the text names it ("the quay", "Holm", "die Werkstatt")
    aliases: tuple[str, ...]    # other phrases the text uses for it


@dataclass(frozen=True)
class OutlineEvent:
    scene: int                  # 0-based scene number, in the text's order
    chapter: str                # the chapter's title, "" when the text has none
    place: str | None           # an OutlinePlace.name
    characters: tuple[str, ...]  # OutlineCharacter.name of those present
    summary: str                # the scene's opening sentence of narration, from the text


@dataclass(frozen=True)
class StoryOutline:
    title: str
    language: str
    characters: tuple[OutlineCharacter, ...]
    places: tuple[OutlinePlace, ...]
    events: tuple[OutlineEvent, ...]


def story_outline(text: str | StoryReading) -> StoryOutline:
    """A story's characters (names, aliases, gender), places and events, in the text's order.

    `text` is the story itself (refused with an InputError, one line, when it is code, a list or non-fiction)
    or a reading already made. Events are one per scene: where it happens, who is there, and the sentence that
    opens it; together they say what happens in order, which a film of the story should follow.
    """
    reading = text if isinstance(text, StoryReading) else read_story(text)
    return StoryOutline(
        title=reading.title, language=reading.language,
        characters=tuple(OutlineCharacter(c.key, c.aliases, c.gender) for c in reading.characters),
        places=tuple(OutlinePlace(p.name, p.aliases) for p in reading.places),
        events=tuple(OutlineEvent(s.index, s.chapter, s.place, s.characters, s.opening) for s in reading.scenes),
    )
