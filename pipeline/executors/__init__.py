"""Executors: where the render fan-out's shots are rendered.

An executor is a ShotRenderer that decides where each render runs, plus how many shots it takes
at once (`slots`, the graph's render concurrency) and a `close()`. The graph, the cache and the
run directory only ever see the ShotRenderer seam; the executor is chosen by the profile's
`executor` field or `--executor`:

    local           in this process: one warm renderer per device (the default)
    ray             a Ray cluster started here for this run (or $RAY_ADDRESS)
    ray:ADDRESS     join a running Ray cluster (`ray start --head`; ADDRESS as it prints, or auto)
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from auteur.core.registry import Backends
from auteur.core.settings import parse_executor
from auteur.models.renderer import ShotRenderer
from auteur.pipeline.config import Profile

__all__ = ["EXECUTORS", "Executor", "open_executor", "parse_executor"]

# Each entry is a class with `open(profile, address, loaded)`; imported only when chosen (Ray is heavy).
EXECUTORS = Backends("executor", {
    "local": "auteur.pipeline.executors.local:LocalExecutor",
    "ray": "auteur.pipeline.executors.ray_cluster:RayExecutor",
})


@runtime_checkable
class Executor(ShotRenderer, Protocol):
    slots: int  # shots rendered at once

    def close(self) -> None:
        """Let go of renderers, actors and clusters this executor started."""


def open_executor(profile: Profile, loaded: ShotRenderer | None = None) -> Executor:
    """The executor the profile asks for, with its renderers loaded and ready.

    `loaded` is the renderer the run already made (to check its models before starting); the
    local executor renders with it rather than loading a second copy.
    """
    kind, address = parse_executor(profile.executor)
    return EXECUTORS.load(kind).open(profile, address, loaded)
