"""`auteur doctor`: each component auteur can use, whether it works here, and why not."""

from __future__ import annotations

import importlib
import platform
import subprocess
from importlib.metadata import PackageNotFoundError, version
from typing import Callable, Iterator


def _version(dist: str) -> str:
    try:
        return version(dist)
    except PackageNotFoundError:
        return ""


def _ffmpeg() -> tuple[bool, str]:
    from auteur.tools.editing.ffmpeg import ffmpeg_exe

    exe = ffmpeg_exe()
    out = subprocess.run([exe, "-hide_banner", "-encoders"], capture_output=True, text=True).stdout
    head = subprocess.run([exe, "-version"], capture_output=True, text=True).stdout.split("\n")[0]
    needed = [c for c in ("libx264", "aac", "mov_text") if c not in out]
    return not needed, f"{head[:60]} ({exe})" + (f"; lacks {', '.join(needed)}" if needed else "")


def _espeak() -> tuple[bool, str]:
    from auteur.tools.sound import speech

    samples, rate = speech.synthesize("test", speech.espeak_voice(_neutral_voice()))
    return len(samples) > 0, f"espeak-ng {_version('espeakng-loader')} via ctypes, {rate} Hz"


def _neutral_voice():
    from auteur.core.schema import Voice

    return Voice()


def _torch() -> tuple[bool, str]:
    import torch

    cuda = torch.cuda.is_available()
    return True, f"torch {torch.__version__}, " + (f"CUDA {torch.version.cuda} on {torch.cuda.get_device_name(0)}"
                                                    if cuda else "CPU only")


def _cache() -> tuple[bool, str]:
    from auteur.pipeline.cache import Cache

    return True, str(Cache().root)


def _roles() -> tuple[bool, str]:
    from auteur.agents.registry import load_roles

    roster = load_roles()
    detail = ", ".join(f"{r.name}" + ("" if r.source == "built-in" else f" ({r.source})") for r in roster.roles)
    return not roster.problems, detail + ("; " + "; ".join(roster.problems) if roster.problems else "")


def _module(name: str, dist: str) -> Callable[[], tuple[bool, str]]:
    def check() -> tuple[bool, str]:
        importlib.import_module(name)
        return True, f"{dist} {_version(dist)}"

    return check


def _gpu() -> tuple[bool, str]:
    import torch

    if not torch.cuda.is_available():
        return False, "no CUDA device: GPU backends cannot run here; the draft profile works"
    return True, torch.cuda.get_device_name(0)


CHECKS: list[tuple[str, Callable[[], tuple[bool, str]]]] = [
    ("python", lambda: (True, platform.python_version())),
    ("ffmpeg", _ffmpeg),
    ("speech (espeak-ng)", _espeak),
    ("torch", _torch),
    ("langgraph", _module("langgraph.graph", "langgraph")),
    ("checkpoints (sqlite)", _module("langgraph.checkpoint.sqlite", "langgraph-checkpoint-sqlite")),
    ("diffusers", _module("diffusers", "diffusers")),
    ("transformers", _module("transformers", "transformers")),
    ("cache", _cache),
    ("roles", _roles),
    ("optional: GPU", _gpu),
    ("optional: xformers", _module("xformers", "xformers")),
    ("optional: ray", _module("ray", "ray")),
    ("optional: sentence-transformers", _module("sentence_transformers", "sentence-transformers")),
]


def _gpu_models() -> Iterator[tuple[str, bool, str]]:
    """Whether the studio backends' models are on this machine (HF cache or local directory)."""
    from auteur.models.gpu.pipelines import ModelRef
    from auteur.models.ltx2_renderer import Ltx2Settings
    from auteur.models.wan_renderer import WanSettings

    refs = {"ltx2": Ltx2Settings().ref(), **{what: ref for what, ref in WanSettings().refs().items()}}
    for what, ref in refs.items():
        assert isinstance(ref, ModelRef)
        here = ref.available()
        yield f"optional: {what} model", here, ref.model + ("" if here else f" (not here: hf download {ref.model})")


def checks() -> Iterator[tuple[str, bool, str]]:
    for name, check in CHECKS:
        try:
            good, detail = check()
        except Exception as err:  # a broken component is a finding, not a crash
            good, detail = False, f"{type(err).__name__}: {err}"[:200]
        yield name, good, detail
    try:
        from auteur.models.gpu.memory import features

        for name, good, detail in features():
            yield f"optional: {name}", good, detail
        yield from _gpu_models()
    except Exception as err:
        yield "optional: GPU features", False, f"{type(err).__name__}: {err}"[:200]
