"""Settings types every layer shares: video format, assembly, a backend choice, an executor spec.

They are plain validated values. A profile (pipeline/config.py) is made of them; renderers and
assembly read them; none of them knows which backends or executors exist.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from auteur.core.errors import InputError


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class VideoSettings(Strict):
    width: int = Field(default=1280, ge=64, le=7680, multiple_of=2)
    height: int = Field(default=720, ge=64, le=4320, multiple_of=2)
    fps: int = Field(default=24, ge=1, le=120)
    sample_rate: int = Field(default=48000, ge=8000, le=192000)


class BackendChoice(Strict):
    backend: str
    settings: dict[str, Any] = Field(default_factory=dict)


class AssemblySettings(Strict):
    loudness_lufs: float = Field(default=-16.0, ge=-40, le=-5)
    true_peak_db: float = Field(default=-1.5, ge=-9, le=0)
    scene_transition_s: float = Field(default=0.5, ge=0, le=3)
    title_card_s: float = Field(default=3.0, ge=0, le=15)
    end_card_s: float = Field(default=3.0, ge=0, le=15)
    burn_subtitles: bool = False
    crf: int = Field(default=20, ge=0, le=51)
    preset: str = "veryfast"


_EXECUTOR_SPEC = re.compile(r"^(local|ray)(?::(.+))?$")


def parse_executor(spec: str) -> tuple[str, str | None]:
    """Split `local`, `ray` or `ray:ADDRESS` into kind and address; anything else is an InputError."""
    m = _EXECUTOR_SPEC.match(spec.strip())
    if not m or (m[1] == "local" and m[2]):
        raise InputError(f"unknown executor {spec!r}; use local, ray, or ray:ADDRESS (e.g. ray:auto, ray:10.0.0.5:6379)")
    return m[1], m[2]
