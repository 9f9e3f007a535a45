"""Backend settings as frozen dataclasses, built from a profile's TOML table with one-line errors."""

from __future__ import annotations

from dataclasses import MISSING, fields, is_dataclass
from typing import Any, TypeVar

from auteur.core.errors import InputError

T = TypeVar("T")


def build_settings(kind: type[T], backend: str, values: dict[str, Any]) -> T:
    """`kind(**values)`, refusing unknown names and wrongly typed values with the setting named."""
    known = {f.name: f for f in fields(kind)}
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise InputError(f"unknown {backend} renderer setting {unknown[0]!r}; known settings: {', '.join(known)}")
    built: dict[str, Any] = {}
    for name, value in values.items():
        spec = known[name]
        default = spec.default_factory() if spec.default_factory is not MISSING else spec.default
        if is_dataclass(default) and isinstance(value, dict):
            value = build_settings(type(default), backend, value)
        elif default is not MISSING and not is_dataclass(default) and not _same_kind(default, value):
            raise InputError(f"{backend} renderer setting {name}={value!r}: must be a {type(default).__name__}")
        built[name] = value
    return kind(**built)


def _same_kind(default: Any, value: Any) -> bool:
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(default, bool) and isinstance(value, bool)
    if isinstance(default, float):
        return isinstance(value, (int, float))
    return isinstance(value, type(default))


def check_range(backend: str, name: str, value: float, low: float, high: float) -> None:
    """Raise a one-line InputError unless low <= value <= high."""
    if not low <= value <= high:
        raise InputError(f"{backend} renderer setting {name}={value!r}: must be from {low:g} to {high:g}")


def check_frame_size(backend: str, width: int, height: int) -> None:
    """Video models work on 32-pixel blocks; reject other sizes in one line."""
    for name, value in (("width", width), ("height", height)):
        if value % 32 or not 32 <= value <= 2048:
            raise InputError(f"{backend} renderer setting {name}={value}: must be a multiple of 32 from 32 to 2048")
