"""The story engine's data, per language: what it knows of the world (`world_<lang>.toml`) and how it tells a
story (`frames_<lang>.toml`). A language without both is planned in English."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from importlib import resources

# Languages the engine can tell a story in; any other premise is planned in English with its own entities.
LANGUAGES = ("en",)


@lru_cache(maxsize=8)
def world(language: str) -> dict:
    return _load(f"world_{language}.toml")


@lru_cache(maxsize=8)
def frames(language: str) -> dict:
    return _load(f"frames_{language}.toml")


def _load(name: str) -> dict:
    return tomllib.loads(resources.files("auteur.models.draft.story").joinpath(name).read_text("utf-8"))


def planned_language(premise_language: str) -> str:
    return premise_language if premise_language in LANGUAGES else "en"
