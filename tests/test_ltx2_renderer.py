"""The ltx2 backend: the real LTX2ImageToVideoPipeline with tiny random weights, loaded from disk."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from gpu_shots import TINY, VIDEO, decoded_audio, request, shot
from tiny_models import fresh_pipelines, tiny_ltx2  # noqa: F401  (fixtures: model, a clean pipeline cache)

from auteur.models.gpu.pipelines import PIPELINES
from auteur.models.gpu.shot import frame_count, load_keyframe, shot_seed
from auteur.models.ltx2_renderer import FRAME_STEP, Ltx2Renderer
from auteur.models.renderer import ShotRenderer, load_renderer
from auteur.core.errors import AuteurError, InputError
from auteur.tools.editing.ffmpeg import probe

LINES = (("<char1>", "The storm is coming."), ("<char2>", "Keep the light."))


def renderer(model, **extra) -> Ltx2Renderer:
    return load_renderer("ltx2", {"model": str(model), "image_crf": 0, **TINY, **extra})


def test_shot_renders_to_mp4_with_audio_covering_the_picture_and_every_line(model, tmp_path):
    r = renderer(model)
    assert isinstance(r, ShotRenderer)
    clip = r.render(request(tmp_path, shot(dialogue=LINES)), tmp_path / "clip.mp4")
    info = probe(clip.path)
    assert info.codecs("video") == ["h264"] and info.codecs("audio") == ["aac"]
    assert (info.width, info.height) == (VIDEO.width, VIDEO.height)
    assert info.sample_rate == 16000  # the tiny vocoder's rate: the sound is muxed at the vocoder's rate
    frames = round(clip.duration * VIDEO.fps)
    assert (frames - 1) % FRAME_STEP == 0
    assert abs(len(decoded_audio(clip.path, 16000)) / 16000 - clip.duration) < 0.05
    assert [ln.text for ln in clip.lines] == [t for _, t in LINES]
    assert clip.lines[-1].end <= clip.duration and clip.lines[0].start > 0


def test_frame_counts_are_8k_plus_1_and_never_shorter_than_asked():
    for seconds in (0.1, 1.0, 2.0, 4.99, 5.0, 7.3):
        n = frame_count(seconds, 24, 8)
        assert (n - 1) % 8 == 0 and n / 24 >= seconds and (n - 8) / 24 < seconds


def test_prompt_names_speakers_and_quotes_their_lines(model, tmp_path):
    args, _, _ = renderer(model).call_arguments(request(tmp_path, shot(dialogue=LINES)))
    assert 'Mara says, in a female voice: "The storm is coming."' in args["prompt"]
    assert "<char" not in args["prompt"] and "wind and waves" in args["prompt"]


def _render_pixels_and_sound(r, tmp_path, name):
    clip = r.render(request(tmp_path, shot()), tmp_path / f"{name}.mp4")
    return decoded_audio(clip.path, 16000)


def _plain_pipeline(model, tmp_path, modality_scale):
    """The pipeline called directly with the renderer's own arguments, but a chosen modality scale."""
    from diffusers import LTX2ImageToVideoPipeline

    r = renderer(model)
    req = request(tmp_path, shot())
    args, _, _ = r.call_arguments(req)
    args.update(modality_scale=modality_scale, audio_modality_scale=modality_scale)
    pipe = LTX2ImageToVideoPipeline.from_pretrained(model, use_safetensors=True)
    out = pipe(image=load_keyframe(req, (32, 32)), generator=torch.Generator("cpu").manual_seed(shot_seed(req, "ltx2")),
               **args)
    return out.frames, out.audio


def test_ma_cfg_changes_sampling_only_when_on(model, tmp_path):
    off, _, _ = renderer(model, ma_cfg=False).call_arguments(request(tmp_path, shot()))
    on, _, _ = renderer(model, ma_cfg=True).call_arguments(request(tmp_path, shot()))
    assert (off["modality_scale"], off["audio_modality_scale"]) == (1.0, 1.0)
    assert (on["modality_scale"], on["audio_modality_scale"]) == (3.0, 3.0)
    plain_frames, plain_audio = _plain_pipeline(model, tmp_path, 1.0)
    guided_frames, guided_audio = _plain_pipeline(model, tmp_path, 3.0)
    again_frames, _ = _plain_pipeline(model, tmp_path, 1.0)
    np.testing.assert_array_equal(plain_frames, again_frames)  # same seed, guidance off: identical
    assert np.abs(plain_frames - guided_frames).max() > 1e-4
    assert (plain_audio - guided_audio).abs().max() > 1e-6


def _spy_on_the_pipeline(monkeypatch) -> list:
    """Record what `render()` hands the real LTX-2 pipeline, and what the pipeline gave back."""
    from diffusers import LTX2ImageToVideoPipeline

    calls = []
    real = LTX2ImageToVideoPipeline.__call__

    def spy(self, *args, **kwargs):
        out = real(self, *args, **kwargs)
        calls.append((kwargs, out))
        return out

    monkeypatch.setattr(LTX2ImageToVideoPipeline, "__call__", spy)
    return calls


def test_ma_cfg_off_renders_what_the_plain_pipeline_renders(model, tmp_path, monkeypatch):
    calls = _spy_on_the_pipeline(monkeypatch)
    renderer(model, ma_cfg=False).render(request(tmp_path, shot()), tmp_path / "off.mp4")
    (passed, ours), = calls
    assert (passed["modality_scale"], passed["audio_modality_scale"]) == (1.0, 1.0)
    plain, plain_audio = _plain_pipeline(model, tmp_path, 1.0)
    np.testing.assert_allclose(ours.frames, plain, atol=1e-6)  # what render() sampled, not what it could have
    np.testing.assert_allclose(ours.audio.numpy(), plain_audio.numpy(), atol=1e-6)


def test_render_hands_the_pipeline_each_guidance_setting_it_was_given(model, tmp_path, monkeypatch):
    calls = _spy_on_the_pipeline(monkeypatch)
    r = renderer(model, ma_cfg_scale=2.0, ma_cfg_audio_scale=5.0, guidance_scale=4.5, audio_guidance_scale=6.5)
    r.render(request(tmp_path, shot()), tmp_path / "on.mp4")
    (passed, _), = calls
    assert (passed["modality_scale"], passed["audio_modality_scale"]) == (2.0, 5.0)
    assert (passed["guidance_scale"], passed["audio_guidance_scale"]) == (4.5, 6.5)


def test_pipeline_is_loaded_once_for_every_shot(model, tmp_path):
    r = renderer(model)
    before = PIPELINES.loads
    r.render(request(tmp_path, shot("a1")), tmp_path / "a.mp4")
    r.render(request(tmp_path, shot("a2")), tmp_path / "b.mp4")
    assert PIPELINES.loads - before == 1


def test_settings_change_with_what_changes_the_clip(model):
    assert renderer(model).settings() != renderer(model, ma_cfg=False).settings()
    assert renderer(model).settings() == renderer(model, memory={"offload": "model"}).settings()
    json.dumps(renderer(model).settings())


def test_unknown_or_wrong_settings_are_one_line_errors(model):
    with pytest.raises(InputError, match="unknown ltx2 renderer setting 'colour'"):
        renderer(model, colour=1)
    with pytest.raises(InputError, match="width=100"):
        renderer(model, width=100)
    with pytest.raises(InputError, match="memory setting offload='disk'"):
        renderer(model, memory={"offload": "disk"})


def test_missing_model_is_named_with_how_to_get_it(tmp_path):
    with pytest.raises(AuteurError, match=r"Lightricks/LTX-2 is not on this machine; download it with `hf download"):
        load_renderer("ltx2", {})
    with pytest.raises(AuteurError, match="has no model_index.json"):
        load_renderer("ltx2", {"model": str(tmp_path)})
