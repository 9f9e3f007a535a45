"""UniAVGen sampling: the schedule, the guidance switches per step and task, the Euler step, and the loop."""

from __future__ import annotations

import dataclasses

import pytest
import torch

import mot_tiny
from auteur.core.errors import InputError
from auteur.models.uniavgen.sampling import (SamplerSettings, Task, euler_step, guided, macfg_active, pass_switches,
                                             sample, timesteps)
from uniavgen_tiny import conditions, noise, tiny_model


@pytest.fixture(autouse=True, scope="module")
def _one_thread():
    with mot_tiny.one_thread():  # tiny models: threads only spin on a busy machine
        yield


def test_the_defaults_are_the_published_runs_and_task_ids_the_references():
    # the reference's inference defaults: 50 steps, shift 5, CFG 3 on video and 2 on audio, MA-CFG over the
    # first half, skip-layer guidance on block 11, 1000 training timesteps; its `task` argument is 0..3
    s = SamplerSettings()
    assert (s.steps, s.shift, s.video_scale, s.audio_scale, s.macfg_prop, s.slg_layer, s.num_timesteps) == (
        50, 5.0, 3.0, 2.0, 0.5, 11, 1000)
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.steps = 4  # settings are shared between segments: none may change them under another
    assert [(t.name, int(t)) for t in Task] == [("AVG", 0), ("RAVG", 1), ("A2V", 2), ("V2A", 3)]


def test_the_schedule_runs_from_1000_to_0_and_falls_at_every_step():
    ts = timesteps(50, 5.0)
    assert ts.shape == (51,) and float(ts[0]) == pytest.approx(1000.0) and float(ts[-1]) == 0.0
    assert (ts[1:] < ts[:-1]).all()


def test_the_shift_keeps_more_steps_at_high_noise():
    flat, shifted = timesteps(10, 1.0), timesteps(10, 5.0)
    assert torch.allclose(flat[:-1], torch.linspace(1000, 1, 10))
    assert (shifted[1:-1] > flat[1:-1]).all()
    # t=0.5 on the unit scale maps to 5*0.5/(1+4*0.5) = 5/6
    assert float(timesteps(3, 5.0, num_timesteps=1000)[1]) == pytest.approx(1000 * (5 * 0.5005 / (1 + 4 * 0.5005)), rel=1e-5)


def test_the_schedule_takes_the_model_dtype():
    assert timesteps(4, 5.0, dtype=torch.bfloat16).dtype == torch.bfloat16
    with pytest.raises(InputError, match=r"^UniAVGen sampling steps 0: need at least 1$"):
        timesteps(0, 5.0)
    assert timesteps(1, 5.0).tolist() == [1000.0, 0.0]  # one step: straight from noise to the picture


def test_macfg_switches_off_after_its_share_of_the_steps():
    s = SamplerSettings(steps=10, macfg_prop=0.5)
    assert [macfg_active(i, s) for i in range(10)] == [True] * 5 + [False] * 5
    assert not any(macfg_active(i, SamplerSettings(steps=10, macfg_prop=0.0)) for i in range(10))


def test_each_task_switches_the_interactions_as_the_reference_does():
    s = SamplerSettings(steps=4, macfg_prop=0.5, slg_layer=11)
    assert pass_switches(Task.AVG, 0, s) == ({}, {"zero_con": True, "skip_layer": 11})
    assert pass_switches(Task.AVG, 3, s) == ({}, {"zero_con": False, "skip_layer": 11})
    assert pass_switches(Task.RAVG, 3, s) == ({"no_v2a": True}, {"zero_con": False, "skip_layer": 11})
    assert pass_switches(Task.A2V, 3, s) == ({"no_v2a": True}, {"zero_con": False, "skip_layer": 11, "no_v2a": True})
    assert pass_switches(Task.V2A, 3, s) == ({"no_a2v": True}, {"zero_con": False, "skip_layer": 11, "no_a2v": True})
    assert "skip_layer" not in pass_switches(Task.AVG, 0, SamplerSettings(slg_layer=None))[1]


def test_guidance_at_scale_one_is_the_conditional_prediction():
    c, u = torch.randn(5), torch.randn(5)
    assert torch.allclose(guided(c, u, 1.0), c, atol=1e-6) and torch.allclose(guided(c, u, 3.0), u + 3 * (c - u))


def test_euler_steps_along_a_straight_flow_land_on_the_data():
    data, eps = torch.randn(8), torch.randn(8)
    ts = timesteps(7, 5.0)
    x = eps.clone()
    for i in range(7):
        x = euler_step(x, eps - data, ts[i], ts[i + 1])
    assert torch.allclose(x, data, atol=1e-5)


class Recorder:
    """The real model, with the switches of each call written down."""

    def __init__(self, model):
        self.model, self.calls = model, []

    @property
    def dtype(self):
        return self.model.dtype

    def __call__(self, video, audio, t, cond, **switches):
        self.calls.append((float(t), switches))
        return self.model(video, audio, t, cond, **switches)


def test_the_loop_runs_macfg_then_plain_cfg_and_skips_the_layer_in_the_unconditional_pass_only():
    model = tiny_model(0)
    cfg = model.config
    nv, na = noise(cfg)
    recorder, seen = Recorder(model), []
    settings = SamplerSettings(steps=4, macfg_prop=0.5, slg_layer=1)
    sample(recorder, conditions(cfg), conditions(cfg, seed=9), settings, Task.AVG, nv, na,
           progress=lambda done, total: seen.append((done, total)))
    assert seen == [(1, 4), (2, 4), (3, 4), (4, 4)]
    cond_calls, uncond_calls = recorder.calls[0::2], recorder.calls[1::2]
    assert all(switches == {} for _, switches in cond_calls)
    assert [s["zero_con"] for _, s in uncond_calls] == [True, True, False, False]
    assert all(s["skip_layer"] == 1 for _, s in uncond_calls)
    assert [t for t, _ in cond_calls] == pytest.approx(timesteps(4, 5.0)[:4].tolist())


def test_sampling_keeps_the_conditioning_frame_and_is_deterministic():
    model = tiny_model(1)
    cfg = model.config
    nv, na = noise(cfg)
    cond, uncond = conditions(cfg), conditions(cfg, seed=9)
    settings = SamplerSettings(steps=3, slg_layer=1)
    video, mel = sample(model, cond, uncond, settings, Task.AVG, nv, na)
    assert video.shape == nv.shape and mel.shape == na.shape
    assert torch.equal(video[:, :1], cond.ref_image)
    assert not torch.allclose(video[:, 1:], nv[:, 1:], atol=1e-3)
    again, mel_again = sample(model, cond, uncond, settings, Task.AVG, nv, na)
    assert torch.equal(video, again) and torch.equal(mel, mel_again)


def test_a_bf16_model_samples_with_a_bf16_schedule_into_float32_latents():
    model = tiny_model(4).to(torch.bfloat16)
    cfg = model.config
    nv, na = noise(cfg)
    recorder = Recorder(model)
    video, mel = sample(recorder, conditions(cfg), conditions(cfg, seed=9), SamplerSettings(steps=2, slg_layer=1),
                        Task.AVG, nv, na)
    assert video.dtype == mel.dtype == torch.float32 and torch.isfinite(video).all() and torch.isfinite(mel).all()
    assert recorder.calls[0][0] == float(torch.tensor(1000.0, dtype=torch.bfloat16))


def test_a2v_keeps_the_given_speech_and_v2a_the_given_video():
    model = tiny_model(2)
    cfg = model.config
    nv, na = noise(cfg)
    speech = torch.randn(20, cfg.in_audio_dim)
    cond, uncond = conditions(cfg, cond_mel=speech), conditions(cfg, seed=9, cond_mel=speech)
    _, mel = sample(model, cond, uncond, SamplerSettings(steps=2, slg_layer=1), Task.A2V, nv, na)
    assert torch.equal(mel[:20], speech) and not torch.allclose(mel[20:], na[20:], atol=1e-3)
    clip = torch.randn_like(nv)
    cond, uncond = conditions(cfg, cond_video=clip), conditions(cfg, seed=9, cond_video=clip)
    video, _ = sample(model, cond, uncond, SamplerSettings(steps=2, slg_layer=1), Task.V2A, nv, na)
    assert torch.equal(video, clip)


def test_a_task_without_its_inputs_is_refused():
    model = tiny_model(3)
    cfg = model.config
    nv, na = noise(cfg)
    for task, missing in ((Task.RAVG, "ref_mel"), (Task.A2V, "cond_mel"), (Task.V2A, "cond_video")):
        with pytest.raises(InputError, match=missing):
            sample(model, conditions(cfg), conditions(cfg), SamplerSettings(steps=1), task, nv, na)
