"""The in-process executor: renders in this process's threads on one warm renderer per device."""

from __future__ import annotations

import queue
from pathlib import Path
from typing import Any

from auteur.models.renderer import Progress, RenderedClip, RenderRequest, ShotRenderer, load_renderer
from auteur.pipeline.config import Profile


def cuda_devices() -> list[str]:
    """The CUDA devices torch can see (none on a CPU machine)."""
    try:
        import torch
    except ImportError:
        return []
    return [f"cuda:{i}" for i in range(torch.cuda.device_count())] if torch.cuda.is_available() else []


class LocalExecutor:
    """Seats on warm renderers: a shot takes a free seat, renders, and gives the seat back.

    A CPU renderer is shared by `workers` seats (it is thread-safe and holds no per-shot state);
    a renderer set to `device = "cuda"` is loaded once per visible GPU with one seat each, so a GPU
    renders one shot at a time and every GPU keeps its pipeline loaded between shots.
    """

    name = "local"

    def __init__(self, renderers: list[ShotRenderer], seats_per_renderer: int = 1):
        self.renderers = renderers
        self.slots = len(renderers) * seats_per_renderer
        self._seats: queue.Queue[ShotRenderer] = queue.Queue()
        for renderer in renderers:
            for _ in range(seats_per_renderer):
                self._seats.put(renderer)
        self.name = renderers[0].name

    @classmethod
    def open(cls, profile: Profile, address: str | None = None, loaded: ShotRenderer | None = None) -> LocalExecutor:
        """The executor seam's constructor (`address` is for remote executors; local has none)."""
        return cls.for_profile(profile, loaded)

    @classmethod
    def for_profile(cls, profile: Profile, loaded: ShotRenderer | None = None) -> LocalExecutor:
        choice = profile.renderer
        if choice.settings.get("device") == "cuda" and cuda_devices():
            return cls([load_renderer(choice.backend, {**choice.settings, "device": d}) for d in cuda_devices()])
        return cls([loaded or load_renderer(choice.backend, choice.settings)], seats_per_renderer=profile.workers)

    def settings(self) -> dict[str, Any]:
        """The renderers' settings (identical on every device); part of every cache key."""
        return self.renderers[0].settings()

    def render(self, request: RenderRequest, out: Path, progress: Progress | None = None) -> RenderedClip:
        renderer = self._seats.get()
        try:
            return renderer.render(request, out, progress)
        finally:
            self._seats.put(renderer)

    def close(self) -> None:
        self.renderers = []
