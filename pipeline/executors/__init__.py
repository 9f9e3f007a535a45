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

import re
from typing import Protocol, runtime_checkable

from auteur.models.renderer import ShotRenderer
from auteur.pipeline.config import Profile
from auteur.core.errors import InputError

_SPEC = re.compile(r"^(local|ray)(?::(.+))?$")


@runtime_checkable
class Executor(ShotRenderer, Protocol):
    slots: int  # shots rendered at once

    def close(self) -> None:
        """Let go of renderers, actors and clusters this executor started."""


def parse_executor(spec: str) -> tuple[str, str | None]:
    """Split `local`, `ray` or `ray:ADDRESS` into kind and address; anything else is an InputError."""
    m = _SPEC.match(spec.strip())
    if not m or (m[1] == "local" and m[2]):
        raise InputError(f"unknown executor {spec!r}; use local, ray, or ray:ADDRESS (e.g. ray:auto, ray:10.0.0.5:6379)")
    return m[1], m[2]


def open_executor(profile: Profile, loaded: ShotRenderer | None = None) -> Executor:
    """The executor the profile asks for, with its renderers loaded and ready.

    `loaded` is the renderer the run already made (to check its models before starting); the
    local executor renders with it rather than loading a second copy.
    """
    kind, address = parse_executor(profile.executor)
    if kind == "ray":
        from auteur.pipeline.executors.ray_cluster import RayExecutor

        return RayExecutor(profile, address)
    from auteur.pipeline.executors.local import LocalExecutor

    return LocalExecutor.for_profile(profile, loaded)
