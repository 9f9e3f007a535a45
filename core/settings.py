"""Settings types every layer shares: video format, assembly, a backend choice, an executor spec.

They are plain validated values. A profile (pipeline/config.py) is made of them; renderers and
assembly read them; none of them knows which backends or executors exist.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from auteur.core.errors import InputError


class Strict(BaseModel):
    # strict: a profile's `target_runtime_s = "60"` or `workers = true` is refused, not converted
    model_config = ConfigDict(extra="forbid", strict=True)


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
    # checked here, with the profile, rather than when x264 meets it after every shot is rendered
    preset: Literal["ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower",
                    "veryslow"] = "veryfast"


_EXECUTOR_SPEC = re.compile(r"^(local|ray)(?::(.*))?$", re.DOTALL)
# HOST:PORT as `ray start --head` prints it (a host name, an IPv4 or a bracketed IPv6 address), or ray://HOST:PORT
_RAY_ADDRESS = re.compile(r"^(?:ray://)?(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?|\[[0-9A-Fa-f:.]{2,45}\])"
                          r":([0-9]{1,5})$")


def parse_executor(spec: str) -> tuple[str, str | None]:
    """Split `local`, `ray` or `ray:ADDRESS` into kind and address; anything else is an InputError.

    The address is checked here, in full, so a mistyped one is refused before a run directory is made
    (and even when the film comes from the cache and no cluster is needed)."""
    m = _EXECUTOR_SPEC.match(spec.strip())
    if not m or (m[1] == "local" and m[2] is not None):
        raise InputError(f"unknown executor {spec[:80]!r}; use local, ray, or ray:ADDRESS (e.g. ray:auto, "
                         f"ray:10.0.0.5:6379)")
    address = m[2]
    if address is not None and address != "auto":
        port = _RAY_ADDRESS.match(address)
        if not port or not 1 <= int(port[1]) <= 65535:
            raise InputError(f"Ray address {address[:80]!r} is not HOST:PORT (or auto, or ray://HOST:PORT)")
    return m[1], address
