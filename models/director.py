"""The DirectorModel seam: one model that writes the script and draws the keyframes.

Agents never talk to a backend directly; they build a `WriteRequest` (a rendered prompt plus the
structured context it was rendered from) or a `DrawRequest` (a visual prompt plus reference images)
and hand it to whichever backend the profile chose. A language model reads `prompt`; the draft
planner reads `context`. Both must return an instance of the requested schema.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol, TypeVar, runtime_checkable

from PIL import Image
from pydantic import BaseModel

from auteur.core.registry import Backends, check_settings
from auteur.core.schema import Character, Film, Location, Shot

T = TypeVar("T", bound=BaseModel)


@dataclass(frozen=True)
class WriteRequest:
    role: str  # e.g. "screenwriter"
    task: str  # e.g. "screenplay"
    prompt: str  # the role's template, rendered
    context: dict[str, Any] = field(default_factory=dict)  # what the template was rendered from
    seed: int = 0


@dataclass(frozen=True)
class Reference:
    token: str  # "<char1>" or "<env1>"
    image: Path


@dataclass(frozen=True)
class DrawRequest:
    kind: Literal["character", "location", "keyframe"]
    prompt: str
    references: tuple[Reference, ...] = ()
    width: int = 1280
    height: int = 720
    seed: int = 0
    previous_keyframe: Path | None = None  # the scene's previous keyframe, for backends that continue a scene
    # Structured subject for backends that compose rather than generate (the draft artist).
    shot: Shot | None = None
    character: Character | None = None
    location: Location | None = None
    cast: tuple[Character, ...] = ()
    premise: str = ""  # the film's premise: what a composing backend reads the shot's things and places in


PREMISE_CHARS = 600


def premise_of(film: Film) -> str:
    """A DrawRequest's premise: the film's prompt, or the logline of a long script's treatment."""
    if len(film.prompt) <= PREMISE_CHARS or film.treatment is None:
        return film.prompt[:PREMISE_CHARS]
    return film.treatment.logline[:PREMISE_CHARS]


@runtime_checkable
class DirectorModel(Protocol):
    name: str

    def settings(self) -> dict[str, Any]:
        """Everything that changes the output; part of every cache key."""

    def write(self, request: WriteRequest, schema: type[T]) -> T:
        """Return an instance of `schema` answering `request`."""

    def draw(self, request: DrawRequest) -> Image.Image:
        """Return an RGB image of request.width x request.height."""


DIRECTORS = Backends("director", {
    "draft": "auteur.models.draft.director:DraftDirector",
    "mot": "auteur.models.mot.director:MotDirector",
}, group="auteur.directors")


def load_director(backend: str, settings: dict[str, Any]) -> DirectorModel:
    """Instantiate a director backend by name."""
    cls = DIRECTORS.load(backend)
    check_settings(cls, settings, f"director backend {backend!r}")
    return cls(**settings)
