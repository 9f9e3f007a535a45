"""Named backends of a seam, found by name without importing them up front.

Each seam (director, renderer, executor) keeps one `Backends` table: auteur's own backends as
lazy `"module:attribute"` references, and third-party ones published under the seam's entry-point
group (as roles are). Nothing is imported until a backend is asked for, so an interface module never
imports its backends and a backend may import its interface freely.
"""

from __future__ import annotations

import importlib
import os
from importlib.metadata import entry_points
from typing import Any

from auteur.core.errors import InputError


def plugins_enabled() -> bool:
    """Third-party plugins load unless AUTEUR_NO_PLUGINS is set (to anything but 0)."""
    return os.environ.get("AUTEUR_NO_PLUGINS", "") in ("", "0")


class Backends:
    def __init__(self, seam: str, builtin: dict[str, str], group: str | None = None):
        self.seam = seam  # "director", "renderer", ...: used in messages
        self.builtin = dict(builtin)
        self.group = group

    def _plugins(self) -> dict[str, Any]:
        if self.group is None or not plugins_enabled():
            return {}
        return {ep.name: ep for ep in entry_points(group=self.group) if ep.name not in self.builtin}

    def names(self) -> list[str]:
        return [*self.builtin, *sorted(self._plugins())]

    def load(self, name: str) -> Any:
        """The backend's class (or factory) by name; an unknown name is a one-line InputError."""
        if name in self.builtin:
            module, _, attr = self.builtin[name].partition(":")
            return getattr(importlib.import_module(module), attr)
        plugin = self._plugins().get(name)
        if plugin is None:
            raise InputError(f"unknown {self.seam} backend {name!r}; available: {', '.join(self.names())}")
        return plugin.load()


def check_settings(cls: type, settings: dict[str, Any], what: str) -> None:
    """Refuse settings the backend's constructor does not take, naming the first and the known ones."""
    import inspect

    params = inspect.signature(cls).parameters
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        return
    unknown = sorted(set(settings) - set(params))
    if unknown:
        raise InputError(f"{what}: setting {unknown[0]!r} is not known; known: {', '.join(sorted(params))}")
