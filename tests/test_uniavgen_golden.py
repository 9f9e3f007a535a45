"""The UniAVGen port against what the reference code (MCG-NJU/Sora2-mini) computed, without its source.

tests/data/uniavgen_golden.safetensors holds the reference's outputs for a tiny random model (widths 32,
two blocks, the reference's fixed 2545 x 512 character embedding) and the inputs they came from: one
forward of both branches with every face mask, for each task under each switch (plain, zero_con, no_a2v,
no_v2a, a skipped block), and a 4-step sampling run of each task with MA-CFG and skip-layer guidance.
It is written by `benchmarks/uniavgen_parity.py --golden` (see its docstring); the weights are drawn
again here, by the same seeded `random_weights`, and checked against the digest the file records.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path

import pytest
import torch
from safetensors import safe_open

import mot_tiny
from auteur.models.uniavgen.conditions import Conditions
from auteur.models.uniavgen.config import UniAVGenConfig
from auteur.models.uniavgen.sampling import SamplerSettings, Task, sample

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import uniavgen_parity  # noqa: E402

GOLDEN = Path(__file__).parent / "data" / "uniavgen_golden.safetensors"
SWITCHES = dict(uniavgen_parity.SWITCHES)


@pytest.fixture(autouse=True, scope="module")
def _one_thread():
    with mot_tiny.one_thread():  # a tiny model: threads cost more than they give
        yield


@pytest.fixture(scope="module")
def golden():
    with safe_open(str(GOLDEN), "pt") as f:
        return {k: f.get_tensor(k) for k in f.keys()}, f.metadata()


@pytest.fixture(scope="module")
def ours(golden):
    """Our model with the fixture's weights (the loader's round trip is test_uniavgen_model.py's)."""
    _, meta = golden
    drawn = uniavgen_parity.our_weights(UniAVGenConfig.from_json_dict(json.loads(meta["config"])), int(meta["seed"]))
    assert uniavgen_parity.weights_digest(drawn) == meta["weights_sha256"], (
        "random_weights no longer draws the weights the golden outputs were made with; "
        "re-run benchmarks/uniavgen_parity.py --golden against the reference")
    return drawn.requires_grad_(False)


def inputs(tensors: dict, prefix: str) -> dict:
    def conditions(part: str) -> Conditions:
        found = {f.name: tensors.get(f"{prefix}/{part}/{f.name}") for f in dataclasses.fields(Conditions)}
        if found["char_len"] is not None:
            found["char_len"] = int(found["char_len"])
        return Conditions(**found)

    return dict(cond=conditions("cond"), uncond=conditions("uncond"), noise_video=tensors[f"{prefix}/noise_video"],
                noise_audio=tensors[f"{prefix}/noise_audio"])


def max_diff(ours: torch.Tensor, reference: torch.Tensor) -> float:
    assert ours.shape == reference.shape, (tuple(ours.shape), tuple(reference.shape))
    return float((ours.float() - reference.float()).abs().max())


@pytest.mark.parametrize("switch", list(SWITCHES))
@pytest.mark.parametrize("task", [t.name for t in Task])
def test_one_forward_matches_the_reference_in_both_branches_and_every_face_mask(golden, ours, task, switch):
    tensors, meta = golden
    given = inputs(tensors, f"forward/{task}/inputs")
    with torch.no_grad():
        pred = ours(given["noise_video"][None], given["noise_audio"][None], torch.tensor([float(meta["forward_t"])]),
                    given["cond"], **SWITCHES[switch])
    expected = f"forward/{task}/{switch}"
    masks = sorted(k for k in tensors if k.startswith(f"{expected}/mask"))
    assert len(pred.face_masks) == len(masks)
    assert max_diff(pred.video, tensors[f"{expected}/video"]) <= uniavgen_parity.TARGET
    assert max_diff(pred.audio, tensors[f"{expected}/audio"]) <= uniavgen_parity.TARGET
    for mask, name in zip(pred.face_masks, masks):
        assert max_diff(mask.reshape(-1), tensors[name].reshape(-1)) <= uniavgen_parity.TARGET, name


@pytest.mark.parametrize("task", [t.name for t in Task])
def test_a_four_step_guided_run_ends_where_the_reference_ends(golden, ours, task):
    tensors, meta = golden
    settings = SamplerSettings(**json.loads(meta["sampler"]))
    assert settings.video_scale != settings.audio_scale != 1  # so a scale given to the wrong branch shows
    given = inputs(tensors, f"sample/{task}/inputs")
    video, mel = sample(ours, given["cond"], given["uncond"], settings, Task[task], given["noise_video"],
                        given["noise_audio"])
    assert max_diff(video, tensors[f"sample/{task}/video"]) <= uniavgen_parity.TARGET
    assert max_diff(mel, tensors[f"sample/{task}/mel"]) <= uniavgen_parity.TARGET
