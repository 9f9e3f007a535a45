"""Memory and speed settings of a diffusers pipeline, and the ladder of memory levels.

A profile picks where a pipeline starts (`offload = "none"` keeps everything on the GPU) and the
speed features (attention backend, first-block step cache, torch.compile, FP8 weights). When a
shot runs out of GPU memory the renderer rebuilds the pipeline one level down the ladder
(model offload, then group offload, then sequential offload, each with VAE tiling) and tries the
shot again; below the last level it gives up with an error naming the shot.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from typing import Any, Callable, Iterator, TypeVar

import torch

from auteur.core.errors import AuteurError, InputError

OFFLOADS = ("none", "model", "group", "sequential")  # least to most memory saved
ATTENTION = {"sdpa": "native", "flash": "flash", "xformers": "xformers"}  # ours -> diffusers' backend name
DTYPES = {"bfloat16": torch.bfloat16, "float16": torch.float16, "float32": torch.float32}

T = TypeVar("T")


@dataclass(frozen=True)
class MemorySettings:
    offload: str = "none"  # the level a pipeline starts at; out-of-memory walks down from here
    vae_tiling: bool = False  # decode in tiles from the start (always on below the first level)
    attention: str = "sdpa"  # sdpa | flash (flash-attn installed) | xformers (xformers installed)
    step_cache: float = 0.0  # first-block cache threshold; 0 is off, 0.05-0.1 skips many steps' blocks
    compile: bool = False  # torch.compile the transformer's repeated blocks
    fp8: bool = False  # store transformer weights in FP8 (compute stays in dtype); needs compute capability 8.9
    dtype: str = "bfloat16"  # compute dtype on a GPU; CPU runs always use float32
    retry_oom: bool = True  # walk down the memory levels on out-of-memory

    def __post_init__(self) -> None:
        for name, value, allowed in (("offload", self.offload, OFFLOADS), ("attention", self.attention, ATTENTION),
                                     ("dtype", self.dtype, DTYPES)):
            if value not in allowed:
                raise InputError(f"memory setting {name}={value!r}: must be one of {', '.join(allowed)}")
        if not 0.0 <= self.step_cache <= 1.0:
            raise InputError(f"memory setting step_cache={self.step_cache!r}: must be from 0 (off) to 1")


@dataclass(frozen=True)
class MemoryLevel:
    offload: str
    vae_tiling: bool

    def __str__(self) -> str:
        return f"offload={self.offload}" + (", VAE tiling" if self.vae_tiling else "")


def ladder(settings: MemorySettings) -> list[MemoryLevel]:
    """The levels a shot may use, from the profile's own down to sequential offload."""
    start = OFFLOADS.index(settings.offload)
    levels = [MemoryLevel(settings.offload, settings.vae_tiling)]
    if not settings.retry_oom:
        return levels
    if not settings.vae_tiling:  # tiling first: it costs little speed and often suffices
        levels.append(MemoryLevel(settings.offload, True))
    levels += [MemoryLevel(offload, True) for offload in OFFLOADS[start + 1 :]]
    return levels


class LevelMemo:
    """The memory ladder of one renderer, remembering the level that last worked.

    A shot that needed offloading is followed by shots of much the same size: they start where it
    ended instead of reloading the pipeline at the top level and running out of memory again.
    """

    def __init__(self, settings: MemorySettings) -> None:
        self.levels = ladder(settings)
        self.start = 0
        self.tried: list[MemoryLevel] = []  # every level any shot was attempted at, in order

    def run(self, shot_id: str, attempt: Callable[[MemoryLevel], T]) -> T:
        def tracked(level: MemoryLevel) -> T:
            self.tried.append(level)
            result = attempt(level)
            self.start = self.levels.index(level)
            return result

        return with_memory_ladder(shot_id, self.levels[self.start :], tracked)


def is_out_of_memory(err: BaseException) -> bool:
    return isinstance(err, torch.OutOfMemoryError) or "out of memory" in str(err).lower()[:200]


def with_memory_ladder(shot_id: str, levels: list[MemoryLevel], attempt: Callable[[MemoryLevel], T],
                       on_retry: Callable[[MemoryLevel, BaseException], None] | None = None) -> T:
    """Run `attempt` at each level in turn until one does not run out of memory."""
    for i, level in enumerate(levels):
        try:
            return attempt(level)
        except (torch.OutOfMemoryError, RuntimeError) as err:
            if not is_out_of_memory(err):
                raise
            if torch.cuda.is_available():
                torch.cuda.empty_cache()
            if i + 1 < len(levels) and on_retry is not None:
                on_retry(levels[i + 1], err)
    tried = "; ".join(str(level) for level in levels)
    raise AuteurError(f"shot {shot_id}: out of GPU memory at every memory level ({tried}); shorten the shot, "
                      f"lower the renderer's width/height, or use a GPU with more memory")


def compute_dtype(settings: MemorySettings, device: str) -> torch.dtype:
    return DTYPES[settings.dtype] if device != "cpu" else torch.float32


def apply(pipe: Any, level: MemoryLevel, settings: MemorySettings, device: str) -> Any:
    """Place a freshly loaded pipeline on `device` at `level`, with the speed features switched on."""
    transformer = getattr(pipe, "transformer", None)
    if transformer is not None:
        if settings.attention != "sdpa":
            transformer.set_attention_backend(ATTENTION[settings.attention])
        if settings.fp8:
            if not fp8_supported():
                raise AuteurError("memory setting fp8=true needs a CUDA GPU of compute capability 8.9 or later")
            transformer.enable_layerwise_casting(storage_dtype=torch.float8_e4m3fn,
                                                 compute_dtype=compute_dtype(settings, device))
        if settings.step_cache > 0:
            from diffusers.hooks import FirstBlockCacheConfig

            try:
                transformer.enable_cache(FirstBlockCacheConfig(threshold=settings.step_cache))
            except ValueError as err:  # diffusers knows the block layouts it can cache; LTX-2's is not one yet
                raise AuteurError(f"memory setting step_cache={settings.step_cache}: diffusers has no first-block "
                                  f"cache for {type(transformer).__name__} ({err}); set step_cache = 0") from None
    if level.vae_tiling:
        # only the video VAE: its activations are what run out of memory, and LTX-2's audio VAE has no tiling
        vae = getattr(pipe, "vae", None)
        if vae is not None and hasattr(vae, "enable_tiling"):
            vae.enable_tiling()
    # Offloading moves weights between the CPU and an accelerator; on a CPU there is nothing to
    # move them to, so every level there is a plain `.to("cpu")` (VAE tiling still applies).
    if device == "cpu" or level.offload == "none":
        pipe.to(device)
    elif level.offload == "model":
        pipe.enable_model_cpu_offload(device=device)
    elif level.offload == "group":
        pipe.enable_group_offload(onload_device=torch.device(device), offload_type="leaf_level",
                                  use_stream=True)
    else:
        pipe.enable_sequential_cpu_offload(device=device)
    if settings.compile and transformer is not None:
        transformer.compile_repeated_blocks(fullgraph=False)
    return pipe


def fp8_supported() -> bool:
    return torch.cuda.is_available() and torch.cuda.get_device_capability(0) >= (8, 9)


def features() -> Iterator[tuple[str, bool, str]]:
    """(name, available here, detail) for every memory and speed feature, for `auteur doctor`."""
    cuda = torch.cuda.is_available()
    yield "offload: model / group / sequential", cuda, ("CUDA present" if cuda else
                                                        "needs a CUDA device; on CPU every level runs in place")
    yield "VAE tiling", True, "diffusers AutoencoderKLLTX2Video / AutoencoderKLWan"
    yield "attention: sdpa", True, f"torch {torch.__version__}"
    flash = importlib.util.find_spec("flash_attn") is not None
    yield "attention: flash", flash and cuda, "flash-attn installed" if flash else "pip install flash-attn"
    xformers = importlib.util.find_spec("xformers") is not None
    yield "attention: xformers", xformers and cuda, "xformers installed" if xformers else "install the gpu extra (xformers)"
    yield "step cache (first-block)", importlib.util.find_spec("diffusers.hooks") is not None, "diffusers hooks"
    triton = importlib.util.find_spec("triton") is not None
    yield "torch.compile", triton and cuda, "triton installed" if triton else "needs triton (ships with CUDA torch)"
    capability = ".".join(map(str, torch.cuda.get_device_capability(0))) if cuda else "no CUDA device"
    yield "FP8 weights", fp8_supported(), f"compute capability {capability}; needs 8.9+"
