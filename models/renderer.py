"""The ShotRenderer seam: a shot and its keyframe in, a clip with synchronized audio out."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Protocol, runtime_checkable

from auteur.core.settings import VideoSettings
from auteur.core.registry import Backends, check_settings
from auteur.core.schema import Character, Location, Shot


@dataclass(frozen=True)
class RenderRequest:
    shot: Shot
    keyframe: Path
    cast: tuple[Character, ...]  # the characters of this shot (voices come from here)
    location: Location
    video: VideoSettings
    seed: int = 0
    # Dips to black the editor wants at the clip's head and tail (scene changes). A backend that
    # applies them reports so in RenderedClip.fades, and assembly can then copy the clip untouched.
    fade_in_s: float = 0.0
    fade_out_s: float = 0.0
    language: str = "en"  # ISO 639-1 code the lines are written in (Treatment.language): the voice speaks it
    # A folder of the run directory where a backend keeps what outlives one shot (uniavgen's reference
    # voices); None when there is no run (a benchmark, a remote worker): the backend then keeps nothing.
    workdir: Path | None = None
    # A folder shared by every run on the machine (beside the shot cache): what a backend keeps across runs,
    # so a clip taken from the cache and a clip rendered anew agree (uniavgen's voices). None: nothing shared.
    shared_dir: Path | None = None


@dataclass(frozen=True)
class SpokenLine:
    speaker: str  # character token
    text: str
    start: float  # seconds from the clip's start
    end: float


@dataclass
class RenderedClip:
    path: Path  # mp4: H.264 video + AAC audio
    duration: float
    lines: list[SpokenLine] = field(default_factory=list)
    fades: tuple[float, float] = (0.0, 0.0)  # head and tail fades already in the clip, seconds

    def to_json(self) -> str:
        data = asdict(self)
        data["path"] = self.path.name
        return json.dumps(data, indent=2, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str, directory: Path) -> RenderedClip:
        data = json.loads(text)
        return cls(path=directory / data["path"], duration=float(data["duration"]),
                   lines=[SpokenLine(**ln) for ln in data["lines"]], fades=tuple(data.get("fades", (0.0, 0.0))))


Progress = Callable[[float], None]  # fraction done, 0..1


@runtime_checkable
class ShotRenderer(Protocol):
    name: str

    def settings(self) -> dict[str, Any]:
        """Everything that changes the output; part of every cache key."""

    def render(self, request: RenderRequest, out: Path, progress: Progress | None = None) -> RenderedClip:
        """Write the clip to `out` (an .mp4 path) and return what was spoken when."""


def keyframe_size(renderer: ShotRenderer, video: VideoSettings) -> tuple[int, int] | None:
    """The keyframe (w, h) a renderer starts its shots from, or None when it takes any size.

    A backend that generates from the keyframe answers through an optional `keyframe_size(video)`
    method, so the storyboard draws exactly the pixels it will use (not 1024² then resized).
    """
    wanted = getattr(renderer, "keyframe_size", None)
    size = wanted(video) if callable(wanted) else None  # an executor answers for its renderers, maybe None
    return tuple(size) if size is not None else None


RENDERERS = Backends("renderer", {
    "draft": "auteur.models.draft.renderer:DraftRenderer",
    "ltx2": "auteur.models.ltx2_renderer:Ltx2Renderer",
    "wan": "auteur.models.wan_renderer:WanRenderer",
    "uniavgen": "auteur.models.uniavgen.renderer:UniAVGenRenderer",
}, group="auteur.renderers")


def load_renderer(backend: str, settings: dict[str, Any]) -> ShotRenderer:
    """Instantiate a renderer backend by name."""
    cls = RENDERERS.load(backend)
    check_settings(cls, settings, f"renderer backend {backend!r}")
    return cls(**settings)
