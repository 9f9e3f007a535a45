"""What `auteur make` accepts: a one-line prompt, MovieAgent's script_synopsis.json, or our script.json."""

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


@dataclass(frozen=True)
class FilmInput:
    kind: Literal["prompt", "synopsis", "script"]
    film: Film  # possibly partial: the crew plans whatever is missing
    names: tuple[str, ...] = ()

    def to_json(self) -> str:
        return json.dumps({"kind": self.kind, "names": list(self.names), "film": self.film.model_dump(mode="json")},
                          ensure_ascii=False, indent=2) + "\n"

    @classmethod
    def from_json(cls, text: str, what: str = "input.json") -> FilmInput:
        """Read a run's input.json; image paths in it must stay inside the run (the schema checks that)."""
        data = loads(text, what)
        if not (isinstance(data, dict) and data.get("kind") in ("prompt", "synopsis", "script")
                and isinstance(data.get("names"), list) and all(isinstance(n, str) for n in data["names"])):
            raise InputError(f"{what} is not an auteur input record (kind, names, film)")
        try:
            film = Film.model_validate(data.get("film"))
        except ValidationError as err:
            raise InputError(f"{what}: {describe_validation_error(err, data.get('film'))}") from None
        return cls(kind=data["kind"], film=film, names=tuple(data["names"]))


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


def read_input(arg: str) -> FilmInput:
    """Turn the argument of `auteur make` into a (possibly partial) film."""
    if not looks_like_file(arg):
        return FilmInput(kind="prompt", film=Film(prompt=read_prompt(arg)))
    path = Path(arg)
    if not path.is_file():
        raise InputError(f"script file {arg} does not exist")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise InputError(f"{arg} is larger than {MAX_FILE_BYTES // 1_000_000} MB; that is not a script")
    try:
        text = path.read_text("utf-8")
    except UnicodeDecodeError:
        raise InputError(f"{arg} is not UTF-8 text") from None
    except OSError as err:
        raise InputError(f"cannot read {arg}: {err.strerror or err}") from None
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

