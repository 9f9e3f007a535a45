"""The wan backend: real Wan 2.2 5B i2v, VITS and Stable Audio pipelines with tiny random weights."""

from __future__ import annotations

import numpy as np
import pytest
from gpu_shots import MARA, TINY, TOM, VIDEO, decoded_audio, request, shot
from tiny_models import studio_models

from auteur.models.gpu.memory import ladder
from auteur.models.gpu.pipelines import PIPELINES
from auteur.models.gpu.tts import speaker_for
from auteur.models.renderer import load_renderer
from auteur.models.wan_renderer import FRAME_STEP, WanRenderer, loop_to
from auteur.core.errors import AuteurError
from auteur.core.schema import Character
from auteur.tools.editing.ffmpeg import probe

LINES = (("<char1>", "the storm is coming."), ("<char2>", "keep the light."))


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    return studio_models(tmp_path_factory.mktemp("studio"))


@pytest.fixture(autouse=True)
def _fresh_pipelines():
    PIPELINES.clear()
    yield
    PIPELINES.clear()


def renderer(models, **extra) -> WanRenderer:
    return load_renderer("wan", {"model": str(models["wan"]), "tts_model": str(models["tts"]),
                                 "ambience_model": str(models["ambience"]), "ambience_steps": 2, **TINY, **extra})


def test_shot_renders_to_mp4_whose_picture_covers_every_spoken_line(models, tmp_path):
    r = renderer(models)
    takes, needed = r.record_dialogue(request(tmp_path, shot(dialogue=LINES)))
    clip = r.render(request(tmp_path, shot(dialogue=LINES)), tmp_path / "clip.mp4")
    info = probe(clip.path)
    assert info.codecs("video") == ["h264"] and info.codecs("audio") == ["aac"]
    assert info.sample_rate == VIDEO.sample_rate
    frames = round(clip.duration * VIDEO.fps)
    assert (frames - 1) % FRAME_STEP == 0
    assert clip.duration >= needed / VIDEO.sample_rate > 0.5  # the dialogue, not the shot's 0.5 s, set the length
    assert abs(len(decoded_audio(clip.path, VIDEO.sample_rate)) / VIDEO.sample_rate - clip.duration) < 0.05
    assert [ln.text for ln in clip.lines] == [t for _, t in LINES]
    assert all(round(ln.end - ln.start, 6) == round(len(t.samples) / VIDEO.sample_rate, 6)
               for ln, t in zip(clip.lines, takes))  # speech never cut


def test_a_character_keeps_the_same_voice_across_shots(models, tmp_path):
    r = renderer(models)
    first, _ = r.record_dialogue(request(tmp_path, shot("sc1-sh01", dialogue=[("<char1>", "the storm is coming.")])))
    later, _ = r.record_dialogue(request(tmp_path, shot("sc3-sh04", dialogue=[("<char2>", "keep the light."),
                                                                             ("<char1>", "the storm is coming.")]),
                                         seed=11))
    np.testing.assert_array_equal(first[0].samples, later[1].samples)
    assert speaker_for(MARA, 109) == speaker_for(MARA.model_copy(update={"name": "Mara B"}), 109)
    assert speaker_for(MARA, 109) != speaker_for(TOM, 109)


def test_unvoiced_characters_get_different_speakers():
    a = Character(token="<char1>", name="A", appearance="x")
    b = Character(token="<char2>", name="B", appearance="y")
    assert speaker_for(a, 109).speaker_id != speaker_for(b, 109).speaker_id


def test_ambience_is_ducked_under_dialogue(models, tmp_path):
    r = renderer(models, ambience_db=-20.0, speech_db=-20.0)
    req = request(tmp_path, shot(dialogue=LINES))
    takes, needed = r.record_dialogue(req)
    level = ladder(r.config.memory)[0]
    bed = r.ambience(req, needed, level)
    assert bed.shape == (needed, 2)
    mixed = r.mix(req, [], bed)
    ducked = r.mix(req, takes, bed) - r.mix(req, takes, np.zeros_like(bed))
    inside = slice(takes[0].start, takes[0].start + len(takes[0].samples))  # the duck looks ahead: down all along
    assert np.sqrt(np.mean(ducked[inside] ** 2)) < 0.5 * np.sqrt(np.mean(mixed[inside] ** 2))


def test_ambience_is_ducked_by_the_readmes_10_db_under_a_line(models, tmp_path):
    # quiet speech, so the limiter never acts and the difference of two mixes is the ducked bed alone
    r = renderer(models, ambience_db=-24.0, speech_db=-30.0)
    req = request(tmp_path, shot(dialogue=LINES))
    takes, needed = r.record_dialogue(req)
    bed = r.ambience(req, needed, ladder(r.config.memory)[0])
    ducked = r.mix(req, takes, bed) - r.mix(req, takes, np.zeros_like(bed))
    rate = VIDEO.sample_rate
    # the first line, less its last 20 ms (the duck looks ahead, so it is down from the first sample)
    start, end = takes[0].start, takes[0].start + len(takes[0].samples) - round(0.02 * rate)
    assert end - start > round(0.1 * rate)
    drop_db = 20 * np.log10(np.sqrt(np.mean(ducked[start:end] ** 2)) / np.sqrt(np.mean(bed[start:end] ** 2)))
    assert drop_db == pytest.approx(-10.0, abs=1.0), drop_db


def test_loop_to_fills_exactly_without_a_gap():
    x = np.ones((1000, 2), dtype=np.float32)
    y = loop_to(x, 3500, 100)
    assert y.shape == (3500, 2) and y[100:3400].min() > 0.99


def test_each_missing_model_is_named(models):
    with pytest.raises(AuteurError, match="wan speech renderer model not found"):
        renderer(models, tts_model=str(models["wan"]))
    with pytest.raises(AuteurError, match="Wan-AI/Wan2.2-TI2V-5B-Diffusers is not on this machine"):
        load_renderer("wan", {})


def test_vctk_style_tokenizer_phonemizes_with_the_bundled_espeak(tmp_path):
    from tiny_models import vits_tts

    from auteur.models.gpu.pipelines import ModelRef
    from auteur.models.gpu.tts import VitsSpeech

    tts = VitsSpeech(ModelRef(str(vits_tts(tmp_path / "vits", phonemize=True)), index="config.json"), "cpu")
    ids = tts.tokenizer("the storm").input_ids
    assert tts.tokenizer.convert_tokens_to_ids("ð") in ids  # "the" became IPA before tokenizing
    assert tts.speak("the storm", MARA).size > 0
