"""The ltx2 renderer's pipeline arguments, shot by shot: no weights are loaded to compute them.

The model directory holds only diffusers' index file, which is all a renderer checks before its first
render; so these tests run in a second and mutation testing can afford them for every mutant.
"""

import json

import pytest
from gpu_shots import TINY, VIDEO, request, shot

from auteur.core.errors import InputError
from auteur.models.gpu.shot import frame_count
from auteur.models.ltx2_renderer import FRAME_STEP, Ltx2Renderer
from auteur.models.renderer import load_renderer

LINES = (("<char1>", "The storm is coming."), ("<char2>", "Keep the light."))


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    root = tmp_path_factory.mktemp("ltx2-index")
    (root / "model_index.json").write_text(json.dumps({"_class_name": "LTX2ImageToVideoPipeline"}))
    return root


def renderer(model, **extra) -> Ltx2Renderer:
    return load_renderer("ltx2", {"model": str(model), "image_crf": 0, **TINY, **extra})


def test_call_arguments_carry_every_guidance_setting_to_its_own_argument(model, tmp_path):
    # every value distinct, so a swapped, dropped or constant argument shows
    r = renderer(model, guidance_scale=4.5, audio_guidance_scale=6.5, guidance_rescale=0.25, stg_scale=1.5,
                 stg_block=1, ma_cfg_scale=2.0, ma_cfg_audio_scale=5.0, cross_timestep=True, image_crf=7,
                 max_sequence_length=12, negative_prompt="smeared")
    args, _, _ = r.call_arguments(request(tmp_path, shot()))
    expected = dict(guidance_scale=4.5, audio_guidance_scale=6.5, guidance_rescale=0.25, audio_guidance_rescale=0.25,
                    stg_scale=1.5, audio_stg_scale=1.5, spatio_temporal_guidance_blocks=[1], modality_scale=2.0,
                    audio_modality_scale=5.0, use_cross_timestep=True, image_crf=7, max_sequence_length=12,
                    negative_prompt="smeared", num_inference_steps=2, height=32, width=32, frame_rate=8.0,
                    output_type="np")
    assert {k: args[k] for k in expected} == expected
    plain, _, _ = renderer(model, image_crf=-1).call_arguments(request(tmp_path, shot()))
    assert plain["spatio_temporal_guidance_blocks"] is None and plain["image_crf"] is None  # off means absent
    assert plain["use_cross_timestep"] is False
    off, _, _ = renderer(model, ma_cfg=False, ma_cfg_scale=2.0, ma_cfg_audio_scale=5.0).call_arguments(
        request(tmp_path, shot()))
    assert (off["modality_scale"], off["audio_modality_scale"]) == (1.0, 1.0)  # off is off, whatever the scales


def test_a_clip_lasts_the_shot_or_its_lines_whichever_is_longer(model, tmp_path):
    r = renderer(model, lead_in_s=0.5, gap_s=0.25, tail_s=0.75)
    silent, lines, seconds = r.call_arguments(request(tmp_path, shot(duration=2.0)))
    assert lines == [] and silent["num_frames"] == frame_count(2.0, VIDEO.fps, FRAME_STEP) == 17
    assert seconds == 17 / VIDEO.fps
    talk, lines, seconds = r.call_arguments(request(tmp_path, shot(duration=0.5, dialogue=LINES)))
    assert [ln.start for ln in lines][0] == 0.5 and lines[1].start == pytest.approx(lines[0].end + 0.25, abs=1e-3)
    needed = lines[-1].end + 0.75
    assert talk["num_frames"] == frame_count(needed, VIDEO.fps, FRAME_STEP) and seconds >= needed
    assert talk["prompt"] != silent["prompt"] and talk["frame_rate"] == float(VIDEO.fps)


def test_a_shot_longer_than_the_model_makes_is_one_line_naming_it(model, tmp_path):
    long_line = (("<char1>", " ".join(["storm"] * 60)),)
    with pytest.raises(InputError, match=r"^shot sc1-sh01: its dialogue needs \d+\.\d s but the ltx2 renderer makes "
                                         r"at most 5 s a shot; split the shot or raise max_seconds$"):
        renderer(model, max_seconds=5.0).call_arguments(request(tmp_path, shot(dialogue=long_line)))
    renderer(model, max_seconds=5.0).call_arguments(request(tmp_path, shot(duration=5.0)))  # at the limit: fine


def test_spatio_temporal_guidance_is_on_for_any_scale_above_zero(model, tmp_path):
    args, _, _ = renderer(model, stg_scale=0.5, stg_block=1).call_arguments(request(tmp_path, shot()))
    assert args["spatio_temporal_guidance_blocks"] == [1] and args["stg_scale"] == args["audio_stg_scale"] == 0.5


def test_the_prompt_carries_every_line_in_quotes(model, tmp_path):
    args, _, _ = renderer(model).call_arguments(request(tmp_path, shot(dialogue=LINES)))
    assert all(f'"{text}"' in args["prompt"] for _, text in LINES)


def test_a_silent_shot_lasts_exactly_its_own_duration_at_any_frame_rate(model, tmp_path):
    from dataclasses import replace

    req = request(tmp_path, shot(duration=0.5))
    req = replace(req, video=req.video.model_copy(update={"fps": 24}))
    args, lines, seconds = renderer(model).call_arguments(req)
    assert lines == [] and args["num_frames"] == frame_count(0.5, 24, FRAME_STEP) == 17 and args["frame_rate"] == 24.0
    assert seconds == 17 / 24


def test_an_image_crf_of_zero_is_lossless_not_the_models_default(model, tmp_path):
    lossless, _, _ = renderer(model, image_crf=0).call_arguments(request(tmp_path, shot()))
    assert lossless["image_crf"] == 0
    assert renderer(model, image_crf=1).call_arguments(request(tmp_path, shot()))[0]["image_crf"] == 1
