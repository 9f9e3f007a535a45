"""Loading diffusers/transformers models (hub ids or local directories), and one pipeline per device.

Loading is safetensors only (`use_safetensors=True`) and never runs code from a model repository
(no `trust_remote_code`, no custom pipelines). A pipeline is loaded once and reused for every shot;
diffusers pipelines are not thread-safe, so each is used behind its own lock.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

from auteur.core.errors import AuteurError


@dataclass(frozen=True)
class ModelRef:
    """A model: a hub repo id or a local directory, optionally pinned to a revision (commit, tag)."""

    model: str
    revision: str | None = None
    index: str = "model_index.json"  # the file whose presence proves the weights are here

    def local_dir(self) -> Path | None:
        path = Path(self.model).expanduser()
        return path if path.is_dir() else None

    def available(self) -> bool:
        """Whether the weights are on this machine (a local directory, or in the Hugging Face cache)."""
        local = self.local_dir()
        if local is not None:
            return (local / self.index).is_file()
        if "/" not in self.model or self.model.startswith((".", "/", "~")):
            return False
        from huggingface_hub import try_to_load_from_cache

        found = try_to_load_from_cache(self.model, self.index, revision=self.revision)
        return isinstance(found, str)

    def require(self, what: str) -> None:
        """Raise a one-line error naming the missing model and how to get it."""
        if self.available():
            return
        local = self.local_dir()
        if local is not None or self.model.startswith((".", "/", "~")):
            raise AuteurError(f"{what} model not found: {self.model} has no {self.index}; point the profile at a "
                              f"directory holding the model (diffusers layout)")
        pin = f" --revision {self.revision}" if self.revision else ""
        raise AuteurError(f"{what} model {self.model} is not on this machine; download it with "
                          f"`hf download {self.model}{pin}` (or set the profile's model to a local directory)")

    def source(self) -> str:
        local = self.local_dir()
        return str(local) if local is not None else self.model

    def kwargs(self) -> dict[str, Any]:
        """from_pretrained arguments shared by every load: pinned revision, safetensors, no remote code."""
        return {"revision": self.revision, "use_safetensors": True}


def load_diffusers(cls: type, ref: ModelRef, dtype: Any) -> Any:
    """`cls.from_pretrained` on a model reference, safetensors only."""
    return cls.from_pretrained(ref.source(), dtype=dtype, **ref.kwargs())


class PipelineCache:
    """One pipeline per (name, device), loaded once, reused, and used by one shot at a time."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._locks: dict[tuple[str, str], threading.Lock] = {}
        self._held: dict[tuple[str, str], tuple[Any, Any]] = {}  # key -> (level, pipeline)
        self.loads = 0  # how many pipelines were built, for tests and benchmarks

    def _lock(self, key: tuple[str, str]) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(key, threading.Lock())

    @contextmanager
    def use(self, name: str, device: str, level: Any, build: Callable[[Any], Any]) -> Iterator[Any]:
        """Hold the pipeline `name` on `device` at memory `level`, building it (or rebuilding at a new level)."""
        key = (name, device)
        with self._lock(key):
            held = self._held.get(key)
            if held is None or held[0] != level:
                self._held.pop(key, None)  # drop the old one before loading, so both are never in memory
                held = None
                _free(device)
                held = (level, build(level))
                self.loads += 1
                self._held[key] = held
            yield held[1]

    def drop(self, name: str, device: str) -> None:
        with self._lock((name, device)):
            self._held.pop((name, device), None)
        _free(device)

    def clear(self) -> None:
        with self._guard:
            self._held.clear()


def _free(device: str) -> None:
    import gc

    import torch

    gc.collect()
    if device.startswith("cuda") and torch.cuda.is_available():
        torch.cuda.empty_cache()


PIPELINES = PipelineCache()


def default_device() -> str:
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"
