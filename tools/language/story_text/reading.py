"""Reading a story: layout, quotations, cast, speakers, places and scenes, in that order."""

from __future__ import annotations

from collections import Counter
from functools import lru_cache

from auteur.core.errors import InputError
from auteur.tools.language.story_text.cast import read_cast
from auteur.tools.language.story_text.gate import check_shape, check_story
from auteur.tools.language.story_text.layout import lay_out
from auteur.tools.language.story_text.model import StoryReading
from auteur.tools.language.story_text.places import read_places
from auteur.tools.language.story_text.quotes import segments
from auteur.tools.language.story_text.scenes import cut_scenes
from auteur.tools.language.story_text.source import LANGUAGES, Source, cues
from auteur.tools.language.story_text.speakers import attribute
from auteur.tools.language.story_text.tokens import tokenize


def story_language(text: str) -> str:
    """The language a story is written in (ISO 639-1), from a stretch of its narration."""
    from auteur.tools.language.premise import detect_language

    sample = " ".join(text.split()[:400])
    return detect_language(sample)


WHAT = "\x00what\x00"  # stands for the text's name in a refusal, so one reading serves every caller


def read_story(text: str, what: str = "the story") -> StoryReading:
    """Read a short story or a book chapter; refuse code, lists and non-fiction with one line (InputError)."""
    try:
        return _read(text)
    except InputError as err:
        raise InputError(str(err).replace(WHAT, what)) from None


@lru_cache(maxsize=8)
def _read(text: str) -> StoryReading:
    what = WHAT
    check_shape(text, what)
    language = story_language(text)
    if language not in LANGUAGES:
        raise InputError(f"{what} is in a language auteur cannot read stories in yet ({language}); "
                         f"it reads {', '.join(LANGUAGES)}")
    c = cues(language)
    layout = lay_out(text, c["chapter"], c["numbers"])
    paragraphs = [p.text for p in layout.paragraphs]
    segs = [segments(p, [tuple(m) for m in c["quotes"]]) for p in paragraphs]
    src = Source(language=language, cues=c, layout=layout, segs=segs, toks=tokenize(paragraphs, segs, language, c))
    cast = read_cast(src)
    quotes = attribute(src, cast)
    third = sum(1 for toks in src.toks for t in toks if t.quote < 0 and t.text.lower() in c["third_person"])
    words = sum(len(p.split()) for p in paragraphs)
    lines = Counter(q.speaker for q in quotes if q.speaker)
    characters = cast.characters(lines)
    check_story(what, words, len(quotes), len(lines), third, len(characters))
    book = read_places(src, cast)
    scenes = cut_scenes(src, cast, book, quotes)
    places = _places_kept(language, book.places, scenes)
    keys = {c.key for c in characters}
    scenes = [s if set(s.characters) <= keys else _only(s, keys) for s in scenes]
    title = layout.title or (layout.chapters[0] if layout.chapters else "")
    notes = tuple(f"no speaker found for: {q.text[:60]}" for q in quotes if q.speaker is None)
    return StoryReading(title=title, language=language, words=words, chapters=layout.chapters,
                        characters=characters, places=places, scenes=tuple(scenes), notes=notes)


def _places_kept(language: str, places, scenes) -> tuple:
    """The places a scene is set in, named places, and (English, typed by meaning) places the text comes back to."""
    settings = {s.place for s in scenes if s.place}
    return tuple(p for p in places if p.name in settings or p.name[:1].isupper() and language == "en"
                 or (language == "en" and p.mentions >= 2))


def _only(scene, keys: set[str]):
    from dataclasses import replace

    return replace(scene, characters=tuple(k for k in scene.characters if k in keys))
