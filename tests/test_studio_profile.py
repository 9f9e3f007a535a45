"""The studio profile: it selects the GPU backends, and without their weights fails before anything runs."""

from __future__ import annotations

import json

import pytest
import torch
from clirun import auteur

from auteur.models.gpu.pipelines import ModelRef
from auteur.pipeline.config import load_profile
from auteur.core.errors import AuteurError


def test_studio_selects_the_ltx2_renderer_at_its_hub_id():
    profile = load_profile("studio")
    assert profile.renderer.backend == "ltx2"
    assert profile.renderer.settings["model"] == "Lightricks/LTX-2"
    assert profile.renderer.settings["memory"]["offload"] == "none"


def test_make_with_studio_and_no_weights_fails_at_once_naming_both_models(tmp_path):
    out = tmp_path / "film"
    done = auteur("make", "A lighthouse keeper befriends a storm", "--profile", "studio", "--out", str(out),
                  cache=tmp_path / "cache", extra_env={"HF_HUB_CACHE": str(tmp_path / "hf"), "COLUMNS": "300"},
                  timeout=120)
    assert done.returncode == 2
    message = done.stderr.strip()
    assert len(message.splitlines()) == 1
    assert "Lightricks/LTX-2 is not on this machine" in message and "hf download Lightricks/LTX-2" in message
    assert "ByteDance-Seed/BAGEL-7B-MoT is not downloaded" in message
    assert not out.exists()  # nothing planned, nothing written


def _fake_hub_snapshot(cache, repo: str, commit: str) -> None:
    """A model as `hf download` leaves it in the cache: a snapshot per commit and a ref to it."""
    root = cache / f"models--{repo.replace('/', '--')}"
    (root / "snapshots" / commit).mkdir(parents=True)
    (root / "snapshots" / commit / "model_index.json").write_text(json.dumps({"_class_name": "X"}))
    (root / "refs").mkdir()
    (root / "refs" / "main").write_text(commit)


def test_hub_models_are_found_in_the_cache_at_the_pinned_revision(tmp_path, monkeypatch):
    import huggingface_hub.constants

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(tmp_path))
    commit = "a" * 40
    _fake_hub_snapshot(tmp_path, "Lightricks/LTX-2", commit)
    assert ModelRef("Lightricks/LTX-2").available()
    assert ModelRef("Lightricks/LTX-2", commit).available()
    assert not ModelRef("Lightricks/LTX-2", "b" * 40).available()
    with pytest.raises(AuteurError, match=f"--revision {'b' * 40}"):
        ModelRef("Lightricks/LTX-2", "b" * 40).require("ltx2 renderer")


def test_weights_load_from_safetensors_only(tmp_path):
    from tiny_models import vits_tts
    from transformers import VitsModel

    from auteur.models.gpu.tts import VitsSpeech

    directory = vits_tts(tmp_path / "vits")
    VitsSpeech(ModelRef(str(directory), index="config.json"), "cpu")  # safetensors: loads
    model = VitsModel.from_pretrained(directory)
    (directory / "model.safetensors").unlink()
    torch.save(model.state_dict(), directory / "pytorch_model.bin")  # the same weights, as a pickle only
    with pytest.raises(OSError, match="safetensors"):
        VitsSpeech(ModelRef(str(directory), index="config.json"), "cpu")
