"""The studio profiles end to end (benchmarks/gpu_studio.py) and the 60-s film budget
(benchmarks/film_budget.py): the GPU check's own code, run here on the CPU."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

from auteur.models.renderer import keyframe_size, load_renderer
from auteur.pipeline.config import load_profile

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def script(name: str):
    spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def test_the_derived_profile_is_the_built_in_one_with_tiny_models_on_the_device(tmp_path):
    studio = script("gpu_studio")
    paths = studio.checkpoints(tmp_path, "studio-fast")
    assert (paths["director"] / "ema.safetensors").is_file() and (paths["director"] / "ae.safetensors").is_file()
    assert (paths["ltx2"] / "model_index.json").is_file() and (paths["ltx2"] / "transformer").is_dir()
    text = studio.toml_text(studio.profile_for("studio-fast", paths, "cpu"))
    (tmp_path / "p.toml").write_text(text)
    profile = load_profile(str(tmp_path / "p.toml"))
    fast = load_profile("studio-fast")
    assert profile.renderer.settings["schedule"] == fast.renderer.settings["schedule"] == "distilled"
    assert profile.director.backend == "mot" and profile.director.settings["device"] == "cpu"
    assert profile.executor == "local"
    renderer = load_renderer(profile.renderer.backend, profile.renderer.settings)
    assert keyframe_size(renderer, profile.video) == (64, 32)  # 320x180 film at a 64x32 budget


def test_the_budget_table_adds_up_and_says_where_each_figure_came_from(tmp_path):
    budget = script("film_budget")
    reference = budget.reference_figures()
    for name in budget.PROFILES:
        stages = budget.budget(reference, name)
        assert stages["total"] == pytest.approx(sum(v for k, v in stages.items() if k != "total"))
    fast = budget.budget(reference, "studio-fast")
    assert fast["shots"] == pytest.approx(14 * 5.0)  # 14 shots at the H200's 5.0 s distilled shot
    measured = tmp_path / "m.json"
    measured.write_text(json.dumps({"decode_tok_per_s": 104.2}))
    shots = tmp_path / "shots.json"
    shots.write_text(json.dumps({"machine": "NVIDIA H200", "results": [
        {"backend": "ltx2", "size": "real", "preset": "studio-fast", "per_shot_s": 4.0}]}))
    figures = budget.load_measured(reference, measured, shots)
    assert figures["decode_tok_per_s"].source == "measured (m.json)"
    assert "NVIDIA H200" in figures["ltx2_distilled_shot_s"].source
    faster = budget.budget(figures, "studio-fast")
    assert faster["director text"] == pytest.approx(fast["director text"] / 2)
    assert faster["shots"] == pytest.approx(14 * 4.0)
    assert "| figure | value | source |" in budget.table(figures)


@pytest.mark.slow
def test_studio_fast_makes_a_film_end_to_end_through_the_real_loaders_and_the_local_executor(tmp_path):
    report = script("gpu_studio").main(["--device", "cpu", "--variant", "studio-fast", "--shots", "2",
                                        "--json", str(tmp_path / "r.json")])
    (result,) = report["results"]
    assert result["checks"]["film_has_picture_and_sound"] and result["checks"]["keyframes_at_renderer_size"]
    assert result["checks"]["every_shot_rendered"] and result["film_s"] > 0


def test_the_real_size_ltx2_is_built_at_the_released_config_in_bf16_without_touching_memory():
    import torch

    shot = script("gpu_shot")
    pipe = shot._real_ltx2("meta")  # the GPU run's exact construction, on the meta device: shapes only
    assert pipe.vae_spatial_compression_ratio == 32 and pipe.vae_temporal_compression_ratio == 8
    assert pipe.vae.spatial_compression_ratio == 32 and pipe.vae.config.decoder_causal is False
    assert pipe.transformer.config.num_layers == 48
    params = sum(p.numel() for p in pipe.transformer.parameters())
    assert 18e9 < params < 20e9  # LTX-2's 19 B transformer
    assert {p.dtype for p in pipe.transformer.parameters()} == {torch.bfloat16}
    assert pipe.scheduler.config.use_dynamic_shifting  # as the base checkpoint's: the distilled path must unshift
