"""Out of memory in a shot walks down the memory levels, then fails naming the shot."""

from __future__ import annotations

import pytest
import torch
from gpu_shots import TINY, request, shot
from tiny_models import fresh_pipelines, tiny_ltx2  # noqa: F401  (fixtures: model, a clean pipeline cache)

from auteur.models.gpu import memory
from auteur.models.gpu.memory import MemoryLevel, MemorySettings, ladder
from auteur.models.gpu.pipelines import PIPELINES
from auteur.models.renderer import load_renderer
from auteur.core.errors import AuteurError, InputError


def out_of_memory_until(monkeypatch, survives):
    """Make the transformer raise torch.OutOfMemoryError on its first forward unless `survives(level)`."""
    real_apply = memory.apply

    def apply(pipe, level, settings, device):
        pipe = real_apply(pipe, level, settings, device)
        if not survives(level):
            def explode(module, args, kwargs):
                raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 20.00 GiB")
            pipe.transformer.register_forward_pre_hook(explode, with_kwargs=True)
        return pipe

    monkeypatch.setattr(memory, "apply", apply)


def test_ladder_goes_from_the_profiles_level_down_to_sequential_offload():
    assert ladder(MemorySettings()) == [MemoryLevel("none", False), MemoryLevel("none", True),
                                        MemoryLevel("model", True), MemoryLevel("group", True),
                                        MemoryLevel("sequential", True)]
    assert ladder(MemorySettings(offload="group", vae_tiling=True)) == [MemoryLevel("group", True),
                                                                         MemoryLevel("sequential", True)]
    assert ladder(MemorySettings(retry_oom=False)) == [MemoryLevel("none", False)]


def test_out_of_memory_retries_at_the_next_levels_until_one_fits(model, tmp_path, monkeypatch):
    out_of_memory_until(monkeypatch, lambda level: level.offload == "group")
    r = load_renderer("ltx2", {"model": str(model), "image_crf": 0, **TINY})
    clip = r.render(request(tmp_path, shot()), tmp_path / "clip.mp4")
    assert clip.path.is_file()
    assert [str(level) for level in r.memory.tried] == ["offload=none", "offload=none, VAE tiling",
                                                       "offload=model, VAE tiling", "offload=group, VAE tiling"]
    loads = PIPELINES.loads
    assert r.render(request(tmp_path, shot("sc1-sh02")), tmp_path / "next.mp4").path.is_file()
    assert str(r.memory.tried[-1]) == "offload=group, VAE tiling" and len(r.memory.tried) == 5  # starts where it worked
    assert PIPELINES.loads == loads  # and reuses that pipeline


def test_out_of_memory_at_every_level_names_the_shot(model, tmp_path, monkeypatch):
    out_of_memory_until(monkeypatch, lambda level: False)
    r = load_renderer("ltx2", {"model": str(model), "image_crf": 0, **TINY})
    with pytest.raises(AuteurError, match=r"shot sc2-sh03: out of GPU memory at every memory level .*sequential"):
        r.render(request(tmp_path, shot("sc2-sh03")), tmp_path / "clip.mp4")
    assert len(r.memory.tried) == 5


def test_other_errors_are_not_retried():
    calls = []

    def attempt(level):
        calls.append(level)
        raise RuntimeError("shape mismatch")

    with pytest.raises(RuntimeError, match="shape mismatch"):
        memory.with_memory_ladder("s1", ladder(MemorySettings()), attempt)
    assert len(calls) == 1


def test_a_step_cache_the_model_cannot_take_is_refused_before_anything_runs(model):
    # diffusers 0.42 registers first-block caching for Wan's blocks but not yet for LTX-2's
    with pytest.raises(InputError, match="step_cache='first-block': diffusers has no first-block cache for "
                                         "LTX2VideoTransformer3DModel; use one of: none, taylorseer, pyramid"):
        load_renderer("ltx2", {"model": str(model), "image_crf": 0, **TINY, "memory": {"step_cache": "first-block"}})
    with pytest.raises(InputError, match="step_cache=0.05: must be a str"):
        load_renderer("ltx2", {"model": str(model), **TINY, "memory": {"step_cache": 0.05}})
