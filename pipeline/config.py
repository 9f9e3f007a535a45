"""Profiles: which backends make the film and with what settings, read from TOML.

A profile is a name of a built-in file in pipeline/profiles/ (`draft`, ...) or a path to a TOML
file of the same shape. Everything that changes what a backend produces belongs in its settings,
because the settings are part of every cache key.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from pydantic import Field, ValidationError, field_validator

from auteur.core import tomlload as toml
from auteur.core.errors import InputError
from auteur.core.settings import AssemblySettings, BackendChoice, Strict, VideoSettings, parse_executor


class Profile(Strict):
    name: str
    description: str = ""
    director: BackendChoice
    renderer: BackendChoice
    executor: str = "local"  # local | ray | ray:ADDRESS (see pipeline/executors)
    workers: int = Field(default=2, ge=1, le=256)
    retries: int = Field(default=2, ge=0, le=10)  # further attempts at a shot whose render failed
    retry_backoff_s: float = Field(default=2.0, ge=0, le=600)  # wait before the first retry; doubles after
    video: VideoSettings = Field(default_factory=VideoSettings)
    assembly: AssemblySettings = Field(default_factory=AssemblySettings)
    target_runtime_s: float = Field(default=60.0, ge=10, le=3600)


    @field_validator("executor")
    @classmethod
    def _known_executor(cls, spec: str) -> str:
        parse_executor(spec)
        return spec


def builtin_profiles() -> list[str]:
    return sorted(p.name.removesuffix(".toml") for p in resources.files("auteur.pipeline.profiles").iterdir()
                  if p.name.endswith(".toml"))


def load_profile(name_or_path: str) -> Profile:
    """Load a built-in profile by name, or a TOML file by path."""
    path = Path(name_or_path)
    if name_or_path.endswith(".toml") or path.is_file():
        if not path.is_file():
            raise InputError(f"profile file {name_or_path} does not exist")
        data = toml.read(path, f"profile {name_or_path}")
        default_name = path.stem
    else:
        if name_or_path not in builtin_profiles():
            known = ", ".join(builtin_profiles())
            raise InputError(f"unknown profile {name_or_path!r}; built-in profiles: {known} (or a path to a .toml file)")
        text = resources.files("auteur.pipeline.profiles").joinpath(f"{name_or_path}.toml").read_text("utf-8")
        data = toml.loads(text, f"profile {name_or_path}")
        default_name = name_or_path
    data.setdefault("name", default_name)
    try:
        return Profile.model_validate(data)
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InputError(f"profile {name_or_path}: {where}: {first['msg']}") from None
