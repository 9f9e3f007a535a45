"""Graph state: pydantic values and run-relative paths only (never tensors, arrays or models)."""

from __future__ import annotations

from typing import Annotated, NotRequired, TypedDict

from pydantic import BaseModel

from auteur.core.schema import Character, Film, Location, Shot


class SpokenRecord(BaseModel):
    speaker: str
    text: str
    start: float
    end: float


class ClipRecord(BaseModel):
    """A rendered shot as the run directory holds it."""

    shot_id: str
    path: str  # relative to the run directory
    duration: float
    lines: list[SpokenRecord]
    cached: bool
    fades: tuple[float, float] = (0.0, 0.0)


def merge_clips(old: dict[str, ClipRecord] | None, new: dict[str, ClipRecord] | None) -> dict[str, ClipRecord]:
    """Render tasks run in parallel; each contributes its own shot."""
    return {**(old or {}), **(new or {})}


def merge_failures(old: dict[str, str] | None, new: dict[str, str] | None) -> dict[str, str]:
    """Shots that failed for good, with why; None clears them (a resume renders them again)."""
    return {} if new is None else {**(old or {}), **new}


class FilmState(TypedDict, total=False):
    film: Film
    clips: Annotated[dict[str, ClipRecord], merge_clips]
    failed: Annotated[dict[str, str], merge_failures]
    output: str
    review: bool  # stop after the storyboard for a person to look (and edit) before anything renders
    edited: bool  # script.json was edited during that stop


class ShotTask(TypedDict):
    """What one render task is sent: the shot and exactly what it needs."""

    shot: Shot
    cast: list[Character]
    location: Location
    # A dip to black at the head (the shot opens a scene after another) and at the tail (it closes
    # one before another). The profile says how long; the state holds only the editing fact.
    dip_in: bool
    dip_out: bool
    # the film's language (Treatment.language); absent in tasks checkpointed before it existed: English
    language: NotRequired[str]
