"""Memory and speed settings of a diffusers pipeline, and the ladder of memory levels.

A profile picks where a pipeline starts (`offload = "none"` keeps everything on the GPU) and the
speed features (attention backend, a diffusers step cache, torch.compile, FP8 weights). When a
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
FP8 = ("off", "on", "auto")  # auto: on where the GPU has FP8 tensor cores (Ada, Hopper), off elsewhere

# The step caches diffusers' hooks really run on each transformer (diffusers 0.42, tried in
# tests/test_fast_settings.py): first-block and MagCache need the block class registered with
# diffusers, which LTX-2's is not; TaylorSeer and pyramid attention broadcast hook modules by name.
# MagCache also needs magnitude ratios calibrated per checkpoint, which neither model publishes.
STEP_CACHES = ("none", "first-block", "taylorseer", "pyramid")
CACHES_BY_MODEL = {"LTX2VideoTransformer3DModel": ("taylorseer", "pyramid"),
                   "WanTransformer3DModel": ("first-block", "taylorseer", "pyramid")}

T = TypeVar("T")


@dataclass(frozen=True)
class MemorySettings:
    offload: str = "none"  # the level a pipeline starts at; out-of-memory walks down from here
    vae_tiling: bool = False  # decode in tiles from the start (always on below the first level)
    attention: str = "sdpa"  # sdpa | flash (flash-attn installed) | xformers (xformers installed)
    step_cache: str = "none"  # none | first-block | taylorseer | pyramid: reuse work across denoising steps
    step_cache_threshold: float = 0.05  # first-block: the residual change under which a step reuses the blocks
    step_cache_interval: int = 2  # taylorseer: a full step every N; pyramid: attention recomputed every N steps
    compile: bool = False  # torch.compile the transformer's repeated blocks
    fp8: str = "off"  # off | on | auto: transformer weights stored in FP8, computed in dtype (needs capability 8.9)
    dtype: str = "bfloat16"  # compute dtype on a GPU; CPU runs always use float32
    retry_oom: bool = True  # walk down the memory levels on out-of-memory

    def __post_init__(self) -> None:
        for name, value, allowed in (("offload", self.offload, OFFLOADS), ("attention", self.attention, ATTENTION),
                                     ("dtype", self.dtype, DTYPES), ("step_cache", self.step_cache, STEP_CACHES),
                                     ("fp8", self.fp8, FP8)):
            if value not in allowed:
                raise InputError(f"memory setting {name}={value!r}: must be one of {', '.join(allowed)}")
        if not 0.0 < self.step_cache_threshold <= 1.0:
            raise InputError(f"memory setting step_cache_threshold={self.step_cache_threshold!r}: must be above 0, "
                             f"at most 1")
        if not 1 <= self.step_cache_interval <= 10:
            raise InputError(f"memory setting step_cache_interval={self.step_cache_interval!r}: must be from 1 to 10")
        if self.compile and self.fp8 != "off":
            # diffusers' layerwise casting re-casts each layer's weights in hooks around its forward: torch.compile
            # breaks its graph there (43 breaks on LTX-2) and recompiles until its limit, slower than not compiling
            raise InputError(f"memory settings compile=true and fp8={self.fp8!r} do not work together (FP8 layerwise "
                             f"casting breaks the compiled graph at every layer); choose one: compile for speed, "
                             f"fp8 for memory")

    def fp8_on(self, device: str) -> bool:
        """Whether the weights are stored in FP8 on `device` (what `auto` resolves to there)."""
        if self.fp8 == "auto":
            return device.startswith("cuda") and fp8_supported()
        return self.fp8 == "on"

    def output_settings(self, device: str) -> dict[str, Any]:
        """The settings that change the pixels (the rest only move or speed up the same sums); for cache keys."""
        data = {"dtype": self.dtype, "fp8": self.fp8_on(device), "step_cache": self.step_cache}
        if self.step_cache == "first-block":
            data["step_cache_threshold"] = self.step_cache_threshold
        elif self.step_cache != "none":
            data["step_cache_interval"] = self.step_cache_interval
        return data


def check_step_cache(backend: str, transformer: str, settings: MemorySettings) -> None:
    """Refuse, before any planning, a step cache diffusers cannot run on this model's transformer."""
    if settings.step_cache == "none":
        return
    supported = CACHES_BY_MODEL.get(transformer, ())
    if settings.step_cache not in supported:
        raise InputError(f"{backend} renderer memory setting step_cache={settings.step_cache!r}: diffusers has no "
                         f"{settings.step_cache} cache for {transformer}; use one of: "
                         f"{', '.join(('none', *supported))}")


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


APPLIED = "_auteur_memory"  # set on a pipeline once its speed features are on: the settings they came from


def apply(pipe: Any, level: MemoryLevel, settings: MemorySettings, device: str) -> Any:
    """Place a pipeline on `device` at `level`, with the speed features switched on.

    Idempotent: a pipeline held in memory (a renderer built `from_pipeline`) is placed again one level
    down after running out of memory; its features stay as they are (a step cache or FP8 hooks cannot be
    switched on twice) and only the previous placement's offload hooks are removed first."""
    transformer = getattr(pipe, "transformer", None)
    before = getattr(pipe, APPLIED, None)
    if before is not None and before != (settings, device):
        raise AuteurError(f"a pipeline set up with {before[0]} on {before[1]} cannot be set up again with different "
                          f"memory settings; load it anew")
    if before is not None:
        _remove_offload(pipe)
    elif transformer is not None:
        if settings.attention != "sdpa":
            transformer.set_attention_backend(ATTENTION[settings.attention])
        if settings.fp8 == "on" and not (device.startswith("cuda") and fp8_supported()):
            raise AuteurError("memory setting fp8='on' needs a CUDA GPU of compute capability 8.9 or later "
                              "(Ada, Hopper); use fp8 = 'auto' to store FP8 only where the GPU computes it")
        if settings.fp8_on(device):
            transformer.enable_layerwise_casting(storage_dtype=torch.float8_e4m3fn,
                                                 compute_dtype=compute_dtype(settings, device))
        if settings.step_cache != "none":
            try:
                transformer.enable_cache(step_cache_config(pipe, settings, device))
            except ValueError as err:  # diffusers knows the block layouts it can cache
                raise AuteurError(f"memory setting step_cache={settings.step_cache!r}: diffusers cannot cache "
                                  f"{type(transformer).__name__} that way ({err}); set step_cache = 'none'") from None
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
    if settings.compile and transformer is not None and before is None:
        transformer.compile_repeated_blocks(fullgraph=False)
    setattr(pipe, APPLIED, (settings, device))
    return pipe


def _remove_offload(pipe: Any) -> None:
    """Undo a placement's offload hooks (accelerate's for model and sequential offload, diffusers' for group)."""
    from diffusers.hooks import HookRegistry

    if hasattr(pipe, "remove_all_hooks"):
        pipe.remove_all_hooks()
    for component in getattr(pipe, "components", {}).values():
        if isinstance(component, torch.nn.Module) and hasattr(component, "_diffusers_hook"):
            registry = HookRegistry.check_if_exists_or_initialize(component)
            for name in ("group_offloading", "lazy_prefetch_group_offloading"):
                registry.remove_hook(name, recurse=True)


def step_cache_config(pipe: Any, settings: MemorySettings, device: str) -> Any:
    """The diffusers hook configuration for the profile's step cache."""
    from diffusers.hooks import FirstBlockCacheConfig, PyramidAttentionBroadcastConfig, TaylorSeerCacheConfig

    if settings.step_cache == "first-block":
        return FirstBlockCacheConfig(threshold=settings.step_cache_threshold)
    if settings.step_cache == "taylorseer":
        # the first steps set the composition: computed in full, as the TaylorSeer paper does
        return TaylorSeerCacheConfig(cache_interval=settings.step_cache_interval, disable_cache_before_step=3,
                                     taylor_factors_dtype=compute_dtype(settings, device))
    # attention between timesteps 100 and 800 (of 1000) is reused; the first and last steps are always computed
    return PyramidAttentionBroadcastConfig(spatial_attention_block_skip_range=settings.step_cache_interval,
                                           spatial_attention_timestep_skip_range=(100, 800),
                                           current_timestep_callback=lambda: pipe.current_timestep)


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
    yield "step cache (first-block, taylorseer, pyramid)", importlib.util.find_spec("diffusers.hooks") is not None, \
        "diffusers hooks; " + "; ".join(f"{m}: {', '.join(c)}" for m, c in CACHES_BY_MODEL.items())
    triton = importlib.util.find_spec("triton") is not None
    yield "torch.compile", triton and cuda, "triton installed" if triton else "needs triton (ships with CUDA torch)"
    capability = ".".join(map(str, torch.cuda.get_device_capability(0))) if cuda else "no CUDA device"
    yield "FP8 weights", fp8_supported(), f"compute capability {capability}; needs 8.9+"
