"""The studio-fast settings: LTX-2's distilled schedule, guidance only on the noisy steps, the step
caches diffusers really runs on each model, FP8 only where the GPU computes it, and frames (and
keyframes) made at the film's aspect ratio and the renderer's own size."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
import torch
from gpu_shots import TINY, request, shot
from tiny_models import fresh_pipelines, ltx2_components, saved_pipeline, tiny_ltx2, wan_components  # noqa: F401

from auteur.core.errors import AuteurError, InputError
from auteur.models.gpu.memory import CACHES_BY_MODEL, STEP_CACHES, MemorySettings, ladder
from auteur.models.gpu.pipelines import PIPELINES
from auteur.models.gpu.shot import generation_size, load_keyframe, shot_seed
from auteur.models.renderer import keyframe_size, load_renderer
from auteur.core.settings import VideoSettings
from auteur.pipeline.config import load_profile

DISTILLED = [1.0, 0.99375, 0.9875, 0.98125, 0.975, 0.909375, 0.725, 0.421875]  # diffusers' LTX-2 distilled sigmas


def renderer(model, **extra):
    return load_renderer("ltx2", {"model": str(model), "image_crf": 0, **TINY, **extra})


def counting_transformer_calls(pipe) -> list[int]:
    calls = [0]
    pipe.transformer.register_forward_pre_hook(lambda module, args: calls.__setitem__(0, calls[0] + 1))
    return calls


def through_renderer(r, req, **override):
    """The renderer's own pipeline (as it builds it) called with the renderer's own arguments."""
    args, _, _ = r.call_arguments(req)
    args.update(override)
    with PIPELINES.use("ltx2", "cpu", (r.config, r.memory.levels[0]), r._build) as pipe:
        calls = counting_transformer_calls(pipe)
        sigmas, renderers_own = [], r.step_callback(args["num_inference_steps"])

        def record(p, i, t, tensors):
            sigmas.append(float(p.scheduler.sigmas[i]))
            return renderers_own(p, i, t, tensors)

        out = pipe(image=load_keyframe(req, (args["width"], args["height"])),
                   generator=torch.Generator().manual_seed(shot_seed(req, "ltx2")), callback_on_step_end=record, **args)
    PIPELINES.clear()
    return out, calls[0], sigmas


def test_a_distilled_call_through_the_renderer_equals_the_pipelines_own_distilled_call(model, tmp_path):
    from diffusers import LTX2ImageToVideoPipeline
    from diffusers.pipelines.ltx2.utils import DISTILLED_SIGMA_VALUES

    assert list(DISTILLED_SIGMA_VALUES) == DISTILLED  # the schedule diffusers ships is the one we document
    r = renderer(model, schedule="distilled", steps=40)  # the default schedule's steps do not apply
    req = request(tmp_path, shot())
    ours, calls, sigmas = through_renderer(r, req)
    assert calls == len(DISTILLED)  # one transformer call per step: no CFG, no MA-CFG, no STG batch
    assert sigmas == pytest.approx(DISTILLED, abs=1e-7)

    # the pipeline as diffusers documents the distilled checkpoint: its sigmas, guidance 1
    pipe = LTX2ImageToVideoPipeline.from_pretrained(model, use_safetensors=True)
    args, _, _ = r.call_arguments(req)
    plain = {k: v for k, v in args.items() if k not in ("sigmas", "num_inference_steps", "guidance_scale",
                                                         "audio_guidance_scale", "modality_scale",
                                                         "audio_modality_scale", "stg_scale", "audio_stg_scale",
                                                         "spatio_temporal_guidance_blocks", "guidance_rescale",
                                                         "audio_guidance_rescale")}
    theirs = pipe(image=load_keyframe(req, (32, 32)), generator=torch.Generator().manual_seed(shot_seed(req, "ltx2")),
                  sigmas=DISTILLED_SIGMA_VALUES, num_inference_steps=8, guidance_scale=1.0, audio_guidance_scale=1.0,
                  modality_scale=1.0, audio_modality_scale=1.0, **plain)
    np.testing.assert_allclose(ours.frames, theirs.frames, atol=1e-6)
    torch.testing.assert_close(ours.audio, theirs.audio, atol=1e-6, rtol=0)


def test_the_distilled_schedule_is_walked_unshifted_even_when_the_checkpoint_shifts_by_resolution(tmp_path):
    from diffusers import FlowMatchEulerDiscreteScheduler, LTX2ImageToVideoPipeline

    parts = ltx2_components()
    # as the base LTX-2 checkpoint ships it: resolution-dependent shift and a terminal stretch
    parts["scheduler"] = FlowMatchEulerDiscreteScheduler(use_dynamic_shifting=True, base_shift=0.95, max_shift=2.05,
                                                         base_image_seq_len=1024, max_image_seq_len=4096,
                                                         shift_terminal=0.1)
    model = saved_pipeline(LTX2ImageToVideoPipeline, parts, tmp_path / "shifting")
    _, _, sigmas = through_renderer(renderer(model, schedule="distilled"), request(tmp_path, shot()))
    assert sigmas == pytest.approx(DISTILLED, abs=1e-7)
    _, _, default = through_renderer(renderer(model, steps=8), request(tmp_path, shot()))
    assert default != pytest.approx(DISTILLED, abs=1e-3)  # the default schedule keeps the checkpoint's shift


def test_guidance_interval_drops_the_ma_cfg_pass_on_the_late_steps_only(model, tmp_path):
    req = request(tmp_path, shot())
    everywhere, calls_all, sigmas = through_renderer(renderer(model, steps=4), req)
    assert calls_all == 4 * 2  # per step: the text-CFG batch, and the MA-CFG isolation pass
    floor = (sigmas[1] + sigmas[2]) / 2  # guidance on the first two steps, off on the last two
    early, calls_early, _ = through_renderer(renderer(model, steps=4, guidance_until_sigma=floor), req)
    assert calls_early == 4 + 2
    assert np.abs(early.frames - everywhere.frames).max() > 1e-4  # the late steps really ran unguided
    zero, calls_zero, _ = through_renderer(renderer(model, steps=4, guidance_until_sigma=0.0), req)
    assert calls_zero == calls_all
    np.testing.assert_array_equal(zero.frames, everywhere.frames)


def test_the_guidance_interval_survives_whole_renders(model, tmp_path):
    r = renderer(model, steps=3, guidance_until_sigma=0.5)
    first = r.render(request(tmp_path, shot("a1")), tmp_path / "a.mp4")
    second = r.render(request(tmp_path, shot("a2")), tmp_path / "b.mp4")  # the scales are reset per call
    assert first.path.is_file() and second.path.is_file()
    assert r.settings() != renderer(model, steps=3).settings()


def _enable(transformer, kind):
    pipe = type("P", (), {"transformer": transformer, "current_timestep": 500})()
    from auteur.models.gpu.memory import step_cache_config

    transformer.enable_cache(step_cache_config(pipe, MemorySettings(step_cache=kind), "cpu"))


@pytest.mark.parametrize("parts,name", [(ltx2_components, "LTX2VideoTransformer3DModel"),
                                        (wan_components, "WanTransformer3DModel")], ids=["ltx2", "wan"])
def test_the_step_caches_offered_per_model_are_exactly_those_diffusers_runs(parts, name):
    transformer = parts()["transformer"]
    assert type(transformer).__name__ == name
    for kind in STEP_CACHES[1:]:
        fresh = type(transformer).from_config(transformer.config)
        if kind in CACHES_BY_MODEL[name]:
            _enable(fresh, kind)
            assert fresh.is_cache_enabled
        else:
            with pytest.raises(ValueError, match="not registered"):
                _enable(fresh, kind)


def test_a_taylorseer_cache_on_ltx2_skips_work_on_the_cached_steps(model, tmp_path):
    req = request(tmp_path, shot())

    def linear_calls(r):
        args, _, _ = r.call_arguments(req)
        with PIPELINES.use("ltx2", "cpu", (r.config, r.memory.levels[0]), r._build) as pipe:
            calls = [0]
            for module in pipe.transformer.modules():
                if isinstance(module, torch.nn.Linear):
                    module.register_forward_hook(lambda *a: calls.__setitem__(0, calls[0] + 1))
            out = pipe(image=load_keyframe(req, (32, 32)), generator=torch.Generator().manual_seed(1), **args)
        PIPELINES.clear()
        return calls[0], out

    full, plain = linear_calls(renderer(model, steps=8, ma_cfg=False))
    cached, fast = linear_calls(renderer(model, steps=8, ma_cfg=False, memory={"step_cache": "taylorseer"}))
    assert cached < full
    assert np.isfinite(fast.frames).all() and np.abs(fast.frames - plain.frames).max() > 0


def test_the_step_cache_is_part_of_the_cache_key_and_speed_only_settings_are_not(model):
    base = renderer(model).settings()
    assert renderer(model, memory={"step_cache": "taylorseer"}).settings() != base
    assert renderer(model, memory={"step_cache": "taylorseer", "step_cache_interval": 3}).settings() != \
        renderer(model, memory={"step_cache": "taylorseer"}).settings()
    assert renderer(model, memory={"compile": True, "step_cache_interval": 4}).settings() == base


def test_fp8_auto_stores_fp8_only_where_the_gpu_computes_it(model, monkeypatch):
    import auteur.models.gpu.memory as memory

    auto = MemorySettings(fp8="auto")
    assert not auto.fp8_on("cpu")
    monkeypatch.setattr(memory, "fp8_supported", lambda: True)
    assert auto.fp8_on("cuda") and not auto.fp8_on("cpu")
    monkeypatch.setattr(memory, "fp8_supported", lambda: False)
    assert not auto.fp8_on("cuda")
    assert renderer(model, memory={"fp8": "auto"}).settings()["memory"]["fp8"] is False  # on this CPU: bf16/fp32
    with pytest.raises(InputError, match="memory setting fp8='yes': must be one of off, on, auto"):
        MemorySettings(fp8="yes")


def test_fp8_on_without_an_fp8_gpu_is_a_clear_error(model, tmp_path):
    r = renderer(model, memory={"fp8": "on"})
    with pytest.raises(AuteurError, match="fp8='on' needs a CUDA GPU of compute capability 8.9"):
        r.render(request(tmp_path, shot()), tmp_path / "clip.mp4")


def test_frames_take_the_films_aspect_ratio_at_the_renderers_pixel_budget():
    film = VideoSettings(width=1280, height=720)
    assert generation_size((768, 512), film) == (832, 480)
    assert generation_size((768, 512), VideoSettings(width=768, height=512)) == (768, 512)
    assert generation_size((1280, 704), film) == (1280, 704)  # Wan 2.2 TI2V-5B's own 720p
    assert generation_size((768, 512), VideoSettings(width=720, height=1280)) == (480, 832)  # vertical films too
    for budget in ((768, 512), (1280, 704), (32, 32)):
        w, h = generation_size(budget, film)
        assert w % 32 == 0 and h % 32 == 0


def test_the_renderer_names_the_keyframe_size_it_starts_from(model, tmp_path):
    r = renderer(model, width=768, height=512)
    film = VideoSettings(width=1280, height=720)
    assert keyframe_size(r, film) == (832, 480) == r.frame_size(film)
    args, _, _ = r.call_arguments(replace(request(tmp_path, shot()), video=film))
    assert (args["width"], args["height"]) == (832, 480)
    assert keyframe_size(load_renderer("draft", {}), film) is None  # the draft renderer takes any size


def test_executors_answer_for_their_renderers_keyframe_size(model):
    from auteur.pipeline.executors.local import LocalExecutor

    film = VideoSettings(width=1280, height=720)
    assert keyframe_size(LocalExecutor([renderer(model, width=768, height=512)]), film) == (832, 480)
    assert keyframe_size(LocalExecutor([load_renderer("draft", {})], seats_per_renderer=2), film) is None


def test_studio_and_studio_fast_profiles_sit_side_by_side():
    studio, fast = load_profile("studio"), load_profile("studio-fast")
    assert studio.renderer.settings["schedule"] == "default" and studio.renderer.settings["steps"] == 40
    assert fast.renderer.settings["schedule"] == "distilled"
    assert fast.renderer.settings["model"] == "diffusers/LTX-2.3-Distilled-Diffusers"
    assert fast.renderer.settings["cross_timestep"] is True  # an LTX-2.3 checkpoint
    assert fast.renderer.settings["memory"]["compile"] is True and fast.renderer.settings["memory"]["fp8"] == "off"
    assert fast.director.settings["steps"] < studio.director.settings["steps"]
    from auteur.models.ltx2_renderer import Ltx2Settings
    from auteur.models.gpu.settings import build_settings

    for profile in (studio, fast):  # every setting in both profiles is one the renderer knows
        build_settings(Ltx2Settings, "ltx2", profile.renderer.settings)
    assert ladder(build_settings(Ltx2Settings, "ltx2", fast.renderer.settings).memory)[0].offload == "none"


def test_compile_and_fp8_together_are_refused_before_anything_loads():
    with pytest.raises(InputError, match="compile=true and fp8='auto' do not work together"):
        MemorySettings(compile=True, fp8="auto")
    MemorySettings(compile=True), MemorySettings(fp8="auto")  # either alone is fine


def test_a_pipeline_held_in_memory_survives_an_out_of_memory_retry_with_its_step_cache(model, tmp_path):
    from diffusers import LTX2ImageToVideoPipeline

    from auteur.models.ltx2_renderer import Ltx2Renderer

    pipe = LTX2ImageToVideoPipeline.from_pretrained(str(model))
    r = Ltx2Renderer.from_pipeline(pipe, image_crf=0, **TINY, memory={"step_cache": "taylorseer"})
    failures = []

    def out_of_memory_once(module, args, kwargs):
        if not failures:
            failures.append(1)
            raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")

    pipe.transformer.register_forward_pre_hook(out_of_memory_once, with_kwargs=True)
    clip = r.render(request(tmp_path, shot()), tmp_path / "a.mp4")  # the same pipeline, set up again one level down
    PIPELINES.clear()
    assert clip.path.is_file() and failures == [1]
    assert [str(level) for level in r.memory.tried] == ["offload=none", "offload=none, VAE tiling"]
    assert pipe.transformer.is_cache_enabled and pipe.vae.use_tiling
