"""The words on a storyboard panel in the film's language: shot sizes, camera moves, the length in seconds.

Tables per language live in captions.toml (English, German, French, Spanish); any other language gets English
captions, since a storyboard reader knows the English trade words, while the film's own text stays in its
language.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from importlib import resources

from auteur.core.schema import CameraMove, ShotType

FALLBACK = "en"


@lru_cache(maxsize=1)
def _tables() -> dict[str, dict]:
    return tomllib.loads(resources.files("auteur.tools.boards").joinpath("captions.toml").read_text(encoding="utf-8"))


def caption_language(language: str) -> str:
    """The caption table a film language gets: its own, or English."""
    return language if language in _tables() else FALLBACK


def shot_words(shot_type: ShotType, language: str = FALLBACK) -> str:
    return _tables()[caption_language(language)]["shot"][shot_type.value]


def camera_words(camera: CameraMove, language: str = FALLBACK) -> str:
    return _tables()[caption_language(language)]["camera"][camera.value]


def seconds(value: float, language: str = FALLBACK) -> str:
    table = _tables()[caption_language(language)]
    return table["seconds"].format(value=f"{value:.1f}".replace(".", table["decimal"]))


def more_lines(count: int, language: str = FALLBACK) -> str:
    return _tables()[caption_language(language)]["more"].format(count=count)
