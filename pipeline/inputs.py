"""What `auteur make` accepts: a one-line prompt, MovieAgent's script_synopsis.json, our script.json, or a story
(a .txt or .md file, or `-` for standard input): a short story or a book chapter the film is made from."""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import ValidationError

from auteur.core.errors import InputError
from auteur.core.jsonload import loads
from auteur.core.schema import Film, describe_validation_error

MAX_PROMPT_CHARS = 2000
MAX_SYNOPSIS_CHARS = 20000
MAX_FILE_BYTES = 5_000_000


STORY_SUFFIXES = (".txt", ".md", ".markdown", ".text")
MAX_STORY_CHARS = 400_000  # ~60,000 words: the reader refuses more than 30,000 words with its own reason


@dataclass(frozen=True)
class FilmInput:
    kind: Literal["prompt", "synopsis", "script", "story"]
    film: Film  # possibly partial: the crew plans whatever is missing
    names: tuple[str, ...] = ()
    story: str = ""  # the whole text of a story input (the film's prompt is its title and opening)

    def to_json(self) -> str:
        data = {"kind": self.kind, "names": list(self.names), "film": self.film.model_dump(mode="json")}
        if self.story:
            data["story"] = self.story
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"

    @classmethod
    def from_json(cls, text: str, what: str = "input.json") -> FilmInput:
        """Read a run's input.json; image paths in it must stay inside the run (the schema checks that)."""
        data = loads(text, what)
        if not (isinstance(data, dict) and data.get("kind") in ("prompt", "synopsis", "script", "story")
                and isinstance(data.get("names"), list) and all(isinstance(n, str) for n in data["names"])
                and isinstance(data.get("story", ""), str)):
            raise InputError(f"{what} is not an auteur input record (kind, names, film)")
        try:
            film = Film.model_validate(data.get("film"))
        except ValidationError as err:
            raise InputError(f"{what}: {describe_validation_error(err, data.get('film'))}") from None
        return cls(kind=data["kind"], film=film, names=tuple(data["names"]), story=data.get("story", ""))


def clean_text(text: str) -> str:
    """Control and format characters become spaces (bidi text keeps its letters); whitespace folds."""
    kept = "".join(" " if unicodedata.category(ch) in ("Cc", "Cs", "Co") else ch for ch in text)
    return " ".join(kept.split())


def read_prompt(text: str, what: str = "the prompt", limit: int = MAX_PROMPT_CHARS) -> str:
    prompt = clean_text(text)
    example = 'e.g. auteur make "A lighthouse keeper befriends a storm"'
    if not prompt:
        raise InputError(f"{what} is empty; describe the film in one line, {example}")
    # Format characters (zero-width spaces and joiners, bidi marks) are kept inside words, but a premise
    # of nothing else, or of punctuation alone, says nothing to make a film of.
    if not any(unicodedata.category(ch)[0] in "LN" for ch in prompt):
        raise InputError(f"{what} has no letters or digits; describe the film in words, {example}")
    if len(prompt) > limit:
        raise InputError(f"{what} is {len(prompt)} characters long; a premise must be at most {limit} "
                         f"(for a longer story, pass a script.json)")
    return prompt


def looks_like_file(arg: str) -> bool:
    return arg.lower().endswith(".json") and "\n" not in arg and len(arg) < 4096


def looks_like_story(arg: str) -> bool:
    return arg == "-" or (arg.lower().endswith(STORY_SUFFIXES) and "\n" not in arg and len(arg) < 4096)


def read_input(arg: str, stdin=None) -> FilmInput:
    """Turn the argument of `auteur make` into a (possibly partial) film."""
    if looks_like_story(arg):
        return read_story_input(arg, stdin)
    if not looks_like_file(arg):
        return FilmInput(kind="prompt", film=Film(prompt=read_prompt(arg)))
    text = _read_file(arg, "script file", "a script")
    data = loads(text, arg)
    if isinstance(data, dict) and "MovieScript" in data:
        return _from_synopsis(arg, data)
    if not isinstance(data, dict):
        raise InputError(f"{arg}: expected a JSON object (a script.json or a MovieAgent script_synopsis.json)")
    try:
        # Images named by a script from elsewhere are never trusted: this run draws its own.
        film = Film.model_validate(data, context={"foreign_images": "drop"})
    except ValidationError as err:
        raise InputError(f"{arg}: {describe_validation_error(err, data)}") from None
    return FilmInput(kind="script", film=film.model_copy(update={"prompt": read_prompt(film.prompt, f"{arg}: prompt", MAX_SYNOPSIS_CHARS)}))


def _from_synopsis(arg: str, data: dict) -> FilmInput:
    story = data.get("MovieScript")
    if not isinstance(story, str):
        raise InputError(f"{arg}: MovieScript must be a string")
    raw = data.get("Character", [])
    if not isinstance(raw, list) or not all(isinstance(c, (str, dict)) for c in raw):
        raise InputError(f"{arg}: Character must be a list of names")
    names = [clean_text(c if isinstance(c, str) else str(c.get("name", ""))) for c in raw]
    names = [n for n in dict.fromkeys(names) if n][:6]
    return FilmInput(kind="synopsis", film=Film(prompt=read_prompt(story, f"{arg}: MovieScript", MAX_SYNOPSIS_CHARS)), names=tuple(names))



def _read_file(arg: str, what: str, kind: str, limit: int = MAX_FILE_BYTES) -> str:
    path = Path(arg)
    if not path.is_file():
        raise InputError(f"{what} {arg} does not exist")
    if path.stat().st_size > limit:
        raise InputError(f"{arg} is larger than {limit / 1_000_000:g} MB; that is not {kind}")
    try:
        return path.read_text("utf-8")
    except UnicodeDecodeError:
        raise InputError(f"{arg} is not UTF-8 text") from None
    except OSError as err:
        raise InputError(f"cannot read {arg}: {err.strerror or err}") from None


def read_story_input(arg: str, stdin=None) -> FilmInput:
    """A story from a file (or `-`: standard input): its text, read and checked now, so a text that is not a story
    (code, a list, non-fiction) is refused before a run directory exists."""
    import sys

    if arg == "-":
        stream = stdin if stdin is not None else sys.stdin
        if stream is None or stream.isatty():
            raise InputError("auteur make -: pipe a story into standard input (auteur make - < story.txt)")
        data = stream.buffer.read(MAX_STORY_CHARS * 4 + 1) if hasattr(stream, "buffer") else stream.read().encode("utf-8")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise InputError("standard input is not UTF-8 text") from None
        what = "the story on standard input"
    else:
        text = _read_file(arg, "story file", "a story", MAX_STORY_CHARS * 4)
        what = arg
    text = text.replace("\x00", "")
    if len(text) > MAX_STORY_CHARS:
        raise InputError(f"{what} is {len(text):,} characters long; a film is made from at most {MAX_STORY_CHARS:,} "
                         "(give it a chapter or a few at a time)")
    from auteur.tools.language.story_text import read_story

    reading = read_story(text, what)
    return FilmInput(kind="story", film=Film(prompt=story_prompt(reading)), story=text)


def story_prompt(reading) -> str:
    """The film's prompt for a story: its title and opening sentence (what a premise would say), in one line."""
    opening = next((s.opening for s in reading.scenes if s.opening), "")
    title = reading.title or (reading.characters[0].key if reading.characters else "A story")
    prompt = clean_text(f"{title}. {opening}" if opening else title)
    return prompt[:MAX_PROMPT_CHARS]
