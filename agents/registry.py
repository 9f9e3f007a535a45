"""One registry for every role of the crew, built-in or plugin.

A role is a `Role` object published under the entry-point group `auteur.roles`. auteur's own roles
are published by its own pyproject.toml exactly as a third-party package would publish one, so
there is one path for both. Set AUTEUR_NO_PLUGINS=1 (or pass plugins=False) to load only auteur's.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Callable

from auteur.core.errors import AuteurError

if TYPE_CHECKING:
    from auteur.pipeline.crew import Crew
    from auteur.core.schema import Film

GROUP = "auteur.roles"
RESERVED = {"render_shot", "assemble"}


@dataclass(frozen=True)
class Role:
    """A member of the crew: takes the film so far and returns it with its own work added."""

    name: str  # graph node name, snake_case
    title: str
    summary: str
    order: int  # place in the planning chain; built-ins use 10, 20, 30, 40
    act: Callable[["Film", "Crew"], "Film"]
    source: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[a-z][a-z0-9_]{0,39}", self.name) or self.name in RESERVED:
            raise AuteurError(f"role name {self.name!r} must be snake_case and not one of {sorted(RESERVED)}")


@dataclass
class Roster:
    roles: list[Role]
    problems: list[str]  # plugins that failed to load, one line each


def load_roles(plugins: bool | None = None) -> Roster:
    """All registered roles in chain order; broken plugins are reported, not fatal."""
    if plugins is None:
        plugins = os.environ.get("AUTEUR_NO_PLUGINS", "") in ("", "0")
    roles: dict[str, Role] = {}
    problems: list[str] = []
    for ep in entry_points(group=GROUP):
        dist = ep.dist.name if ep.dist else "?"
        builtin = dist == "auteur"
        if not builtin and not plugins:
            continue
        try:
            role = ep.load()
            if not isinstance(role, Role):
                raise TypeError(f"{ep.value} is a {type(role).__name__}, not an auteur Role")
        except Exception as err:  # a broken plugin must not take the built-in crew down with it
            if builtin:
                raise
            problems.append(f"plugin role {ep.name!r} from {dist} did not load: {err}")
            continue
        role = Role(**{**role.__dict__, "source": "built-in" if builtin else dist})
        if role.name in roles:
            problems.append(f"role {role.name!r} from {dist} ignored: {roles[role.name].source} already provides it")
            continue
        roles[role.name] = role
    return Roster(sorted(roles.values(), key=lambda r: (r.order, r.name)), problems)
