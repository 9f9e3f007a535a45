"""The story reader: a short story or a book chapter in, its scenes, cast, places and dialogue out.

`read_story(text)` returns a `StoryReading`: scenes in the text's order (cut at chapters, section breaks
and changes of time or place), each with its place, time of day, who is in it and its passages (the
quotations with their speakers, and the narration between them); the characters with aliases, gender
and the text's descriptions of them; the places. `story_outline(text)` gives what an evaluation needs
of it as plain data. English is read with spaCy, German with simplemma and closed word classes
(`cues.toml`); code, lists and non-fiction are refused with one line that says why.
"""

from auteur.tools.language.story_text.model import Passage, StoryCharacter, StoryPlace, StoryReading, StoryScene
from auteur.tools.language.story_text.outline import (OutlineCharacter, OutlineEvent, OutlinePlace, StoryOutline,
                                                      story_outline)
from auteur.tools.language.story_text.reading import read_story, story_language

__all__ = ["OutlineCharacter", "OutlineEvent", "OutlinePlace", "Passage", "StoryCharacter", "StoryOutline", "StoryPlace",
           "StoryReading", "StoryScene", "read_story", "story_language", "story_outline"]
