"""What every node of the graph is handed at run time: models, the run directory, the cache.

State carries only pydantic values and paths; heavy objects travel here, in LangGraph's runtime
context, so a checkpoint never tries to serialise a model.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from PIL import Image
from PIL.PngImagePlugin import PngInfo

from auteur import prompts
from auteur.core.atomic import write_text
from auteur.models.director import DirectorModel, DrawRequest, T, WriteRequest
from auteur.models.renderer import ShotRenderer
from auteur.pipeline.cache import Cache
from auteur.pipeline.config import Profile
from auteur.pipeline.runs import RunDir


@dataclass
class Tally:
    """Counts of work done versus work reused, for the run summary."""

    rendered: int = 0
    cached: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, *, cached: bool) -> None:
        with self.lock:
            if cached:
                self.cached += 1
            else:
                self.rendered += 1


DRAWN_CHUNK = "auteur:drawn"  # PNG text chunk: what a picture shows, for tests and evaluation to read


def _save_drawing(image, path: Path) -> None:
    """Save a drawn image as PNG; a backend that says what it drew (the draft artist) keeps that record in it."""
    record = image.info.get(DRAWN_CHUNK)
    meta = PngInfo()
    if isinstance(record, str):
        meta.add_text(DRAWN_CHUNK, record)
    image.convert("RGB").save(path, format="PNG", pnginfo=meta)


def _write_drawn_record(image: Path) -> None:
    """`<image>.drawn.json` beside a picture whose backend recorded what it drew (cached pictures carry it too)."""
    with Image.open(image) as img:
        record = getattr(img, "text", {}).get(DRAWN_CHUNK)
    if record:
        write_text(image.with_suffix(".drawn.json"), record)


@dataclass
class Crew:
    director: DirectorModel
    renderer: ShotRenderer
    profile: Profile
    run: RunDir
    cache: Cache
    seed: int = 7
    target_shots: int | None = None
    names: tuple[str, ...] = ()  # characters named by the input (MovieAgent synopsis)
    story: str = ""  # the text of a story input: every stage plans from it
    on_event: Callable[[str, str, float], None] = lambda kind, name, fraction: None
    shots: Tally = field(default_factory=Tally)
    keyframes: Tally = field(default_factory=Tally)

    @property
    def target_runtime_s(self) -> float:
        return self.profile.target_runtime_s

    def write(self, role: str, task: str, schema: type[T], context: dict[str, Any], **template: object) -> T:
        """Ask the director model for one stage's output, from the role's prompt template."""
        if self.story:  # every stage plans from the text; the treatment already says what of it the film keeps
            context = {**context, "story": self.story, "target_shots": self.target_shots}
        request = WriteRequest(role=role, task=task, prompt=prompts.render(role, task, **template),
                               context=context, seed=self.seed)
        return self.director.write(request, schema)

    def _draw_key(self, request: DrawRequest) -> str:
        refs = [(r.token, Cache.file_digest(r.image)) for r in request.references]
        subject = [x.model_dump(mode="json") if x is not None else None
                   for x in (request.shot, request.character, request.location)]
        parts = ["draw", self.director.settings(), request.kind, request.prompt, refs, subject,
                 [c.model_dump(mode="json") for c in request.cast], request.width, request.height, request.seed,
                 request.premise]
        if request.previous_keyframe is not None:  # only set for a director that draws scenes in sequence
            parts.append(Cache.file_digest(request.previous_keyframe))
        return Cache.key(*parts)

    def draw(self, request: DrawRequest, dest: str) -> str:
        """Draw (or reuse from the cache) an image into the run directory; returns its relative path."""
        def make(path: Path) -> None:
            _save_drawing(self.director.draw(request), path)

        target = self.run.root / dest
        hit = self.cache.materialize("images", self._draw_key(request), ".png", target, make)
        self.keyframes.add(cached=hit)
        _write_drawn_record(target)
        return dest

    def draw_many(self, jobs: list[tuple[DrawRequest, str]]) -> list[str]:
        """`draw` for several images; a director with `draw_many` draws the ones not cached together."""
        batch = getattr(self.director, "draw_many", None)
        if batch is None:
            return [self.draw(request, dest) for request, dest in jobs]
        keys = [self._draw_key(request) for request, _ in jobs]
        todo = [i for i, key in enumerate(keys) if not self.cache.path("images", key, ".png").is_file()]
        drawn = dict(zip(todo, batch([jobs[i][0] for i in todo]) if todo else []))
        for i, ((request, dest), key) in enumerate(zip(jobs, keys)):
            def make(path: Path, i=i) -> None:
                _save_drawing(drawn[i] if i in drawn else self.director.draw(jobs[i][0]), path)

            target = self.run.root / dest
            hit = self.cache.materialize("images", key, ".png", target, make)
            self.keyframes.add(cached=hit)
            _write_drawn_record(target)
        return [dest for _, dest in jobs]

    def emit(self, kind: str, name: str, fraction: float) -> None:
        self.on_event(kind, name, fraction)
