"""The pieces of the uniavgen renderer that need no transformer: mel, vocabulary, segment plan,
where each component is found, reference voices, and how segments are joined."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest
import torch
from uniavgen_checkpoint import write_uniavgen, write_vocab

from auteur.core.errors import InputError
from auteur.core.schema import Character, Voice
from auteur.models.uniavgen import mel, plan, vocab
from auteur.models.uniavgen.components import WAN_DIFFUSERS, locate
from auteur.models.uniavgen.renderer import join, voiced_span
from auteur.models.uniavgen.voices import ReferenceVoice, VoiceBank

MARA = Character(token="<char1>", name="Mara", appearance="a keeper", voice=Voice(gender="female", pitch=0.3))


# ---------------------------------------------------------------- mel

def test_mel_has_100_frames_a_second_and_80_bins():
    for n in (24_000, 121_500, 24_000 + 239):
        assert mel.log_mel(torch.zeros(n) + 0.01 * torch.randn(n)).shape == (1, 80, n // 240)


def test_a_five_second_call_holds_506_mel_frames():
    assert plan.plan(5.0, [])[0].mel_frames == 506 == (81 * 24_000 // 16) // 240


def test_slaney_filters_each_have_unit_area_in_hertz():
    bank = mel.mel_filters().numpy()
    bin_hz = 24_000 / 1024
    areas = bank.sum(axis=1) * bin_hz
    assert np.allclose(areas[30:], 1.0, atol=0.05)  # the wide filters; narrow low ones fall between bins
    assert np.allclose(areas, 1.0, atol=0.1)


def test_a_tone_is_loudest_in_the_filter_centred_on_it():
    t = np.arange(48_000) / 24_000
    for hz in (440.0, 1000.0, 3000.0):
        spectrum = mel.log_mel(torch.from_numpy(np.sin(2 * np.pi * hz * t).astype(np.float32)))[0].mean(axis=1)
        peak_of_filter = mel.mel_filters().numpy().argmax(axis=1) * 24_000 / 1024
        assert abs(peak_of_filter[int(spectrum.argmax())] - hz) < 120


def test_silence_reads_at_the_log_floor_and_normalisation_is_invertible():
    m = mel.log_mel(torch.zeros(4800))
    assert torch.all(m <= np.log(1e-5) + 1e-3) and torch.all(m >= np.log(1e-5) - 1e-6)
    x = torch.randn(3, 80)
    assert torch.allclose(mel.denormalise(mel.normalise(x, -5.1753, 2.1544), -5.1753, 2.1544), x, atol=1e-6)


def test_a_reference_voice_is_peaked_and_given_its_silent_tail():
    wave = mel.reference_wave(np.array([0.0, 0.5, -0.25], dtype=np.float32))
    assert len(wave) == 3 + 7200 and np.isclose(np.abs(wave).max(), 0.999146)
    assert not wave[3:].any()


# ---------------------------------------------------------------- vocabulary

@pytest.fixture(scope="module")
def symbols(tmp_path_factory):
    return vocab.read_vocab(write_vocab(tmp_path_factory.mktemp("vocab") / "vocab.txt"))


def test_vocab_ids_are_line_numbers_with_the_space_first(symbols):
    assert len(symbols) == 2545 and symbols[" "] == 0 and symbols["0"] == 1


def test_english_is_read_character_by_character_padded_to_ten(symbols):
    ids = vocab.symbol_ids(vocab.speech_symbols("Hi!", "en"), symbols)
    assert ids.tolist() == [[symbols["H"], symbols["i"], symbols["!"]] + [-1] * 7]
    long = vocab.symbol_ids(list("Lighthouse keeper"), symbols)
    assert long.shape == (1, 17) and -1 not in long.tolist()[0]


def test_unknown_symbols_read_as_id_zero(symbols):
    assert vocab.symbol_ids(["é", "a"], symbols).tolist()[0][:2] == [0, symbols["a"]]


def test_a_reference_transcript_leads_the_line_after_a_space():
    assert vocab.with_reference(list("Hi"), list("Yo")) == ["H", "i", " ", "Y", "o"]


@pytest.mark.skipif(importlib.util.find_spec("pypinyin") is not None, reason="pypinyin is installed")
def test_chinese_without_pypinyin_is_a_clear_error():
    with pytest.raises(InputError, match="pypinyin"):
        vocab.speech_symbols("你好", "zh")


def test_an_unreadable_vocabulary_names_its_path(tmp_path):
    with pytest.raises(InputError, match="vocab.txt"):
        vocab.read_vocab(tmp_path / "vocab.txt")


# ---------------------------------------------------------------- segment plan

def test_segment_sizes_agree_with_the_models_own_clip_sizes():
    from auteur.models.uniavgen.config import clip_sizes

    for frames in (5, 9, 25, 45, 81):
        segment = plan.Segment(frames)
        assert (segment.latent_frames, segment.mel_frames) == clip_sizes(frames / 16)


def test_a_five_second_shot_without_lines_is_one_call_of_21_latent_frames():
    [only] = plan.plan(5.0, [])
    assert (only.frames, only.latent_frames, only.speaker) == (81, 21, None)


def test_a_long_shot_is_covered_by_calls_the_model_can_make():
    parts = [plan.Part("<char1>", "one two", 1.0), plan.Part("<char2>", "three", 2.0)]
    segments = plan.plan(12.0, parts)
    assert plan.joined_frames(segments) >= 12 * 16
    assert all(s.frames <= 81 and (s.frames - 1) % 4 == 0 for s in segments)
    assert [s.speaker for s in segments[:2]] == ["<char1>", "<char2>"]  # one voice a call


def test_lines_longer_than_a_call_are_split_between_words():
    text = " ".join(f"w{i}" for i in range(30))
    parts = plan.split_line("<char1>", text, 1.0, 4.4)
    assert len(parts) > 1 and " ".join(p.text for p in parts) == text
    assert all(p.seconds <= 4.4 for p in parts)


def test_a_shot_too_short_for_its_line_grows_to_speak_it():
    segments = plan.plan(0.5, [plan.Part("<char1>", "a b c d e", 2.0)])
    assert plan.joined_frames(segments) / 16 >= 0.3 + 2.0 + 0.4


# ---------------------------------------------------------------- where the parts are found

@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """The published repository's layout (the two pickles, no diffusers folders) and the Wan diffusers parts."""
    root = tmp_path_factory.mktemp("published")
    model = write_uniavgen(root / "UniAVGen", components=root / "wan", published=True, transformer=False)
    (model / "diffusion_pytorch_model.safetensors.index.json").write_text("{}")
    return model, root / "wan"


def test_the_pickled_text_encoder_and_vae_are_refused_naming_the_diffusers_folders(published, tmp_path):
    model, _ = published
    with pytest.raises(InputError, match=r"models_t5_umt5-xxl-enc-bf16\.pth is a pickle.*Wan-AI/Wan2\.2-TI2V-5B-Diffusers"):
        locate(str(model), components=str(tmp_path / "absent"))


def test_the_wan_parts_come_from_the_components_source_when_the_model_lacks_them(published):
    model, wan = published
    layout = locate(str(model), components=str(wan))
    assert layout.text_encoder == wan / "text_encoder" and layout.vae == wan / "vae"
    assert layout.tokenizer == model / "google" / "umt5-xxl"  # the published repo's own tokenizer first
    assert layout.vocoder == model / "code2wav_bigvgan_model" and layout.vocab == model / "vocab.txt"


@pytest.mark.parametrize("remove, named", [("code2wav_bigvgan_model/config.json", "code2wav_bigvgan_model"),
                                           ("vocab.txt", "vocab.txt"),
                                           ("diffusion_pytorch_model.safetensors.index.json",
                                            "diffusion_pytorch_model.safetensors")])
def test_each_missing_piece_is_named(published, tmp_path, remove, named):
    import shutil

    model, wan = published
    copy = shutil.copytree(model, tmp_path / "copy")
    (copy / remove).unlink()
    with pytest.raises(InputError, match=named.replace(".", r"\.")):
        locate(str(copy), components=str(wan))


def test_a_hub_id_not_downloaded_says_how_to_get_it(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path))
    with pytest.raises(InputError, match="hf download MCG-NJU/UniAVGen"):
        locate("MCG-NJU/UniAVGen", components=WAN_DIFFUSERS)


# ---------------------------------------------------------------- reference voices

def test_a_kept_voice_is_found_again_by_a_resumed_run(tmp_path):
    wave = (0.1 * np.sin(np.arange(2400) / 7)).astype(np.float32)
    first = VoiceBank(tmp_path, "settings")
    first.keep(MARA, ReferenceVoice(wave, "Hello.", "model", "sc1-sh01"))
    again = VoiceBank(tmp_path, "settings").get(MARA)
    assert again is not None and again.text == "Hello." and again.shot == "sc1-sh01"
    assert np.allclose(again.wave, wave, atol=1 / 32767)
    assert VoiceBank(tmp_path, "other checkpoint").get(MARA) is None
    assert VoiceBank(tmp_path, "settings").get(MARA.model_copy(update={"voice": Voice(gender="male")})) is None
    assert VoiceBank(tmp_path, "settings").get(MARA.model_copy(update={"appearance": "a sailor"})) is None


def test_a_new_run_hears_the_voice_an_earlier_run_made_through_the_shared_folder(tmp_path):
    wave = (0.1 * np.sin(np.arange(2400) / 5)).astype(np.float32)
    shared = tmp_path / "cache"
    VoiceBank(tmp_path / "run1", "s", shared).keep(MARA, ReferenceVoice(wave, "Hello.", "model", "sc1-sh01"))
    second = VoiceBank(tmp_path / "run2", "s", shared)
    found = second.get(MARA)
    assert found is not None and found.text == "Hello."
    assert sorted(p.name for p in (tmp_path / "run2").iterdir()) == sorted(p.name for p in shared.iterdir())
    kept = second.keep(MARA, ReferenceVoice(wave * 2, "Other.", "model", "sc9-sh01"))
    assert kept.text == "Hello."  # the first voice made on this machine stays the character's


def test_a_damaged_voice_file_is_made_again(tmp_path):
    bank = VoiceBank(tmp_path, "s")
    bank.keep(MARA, ReferenceVoice(np.full(100, 0.1, np.float32), "Hi.", "model", "a"))
    next(tmp_path.glob("*.wav")).write_bytes(b"not a wav")
    assert VoiceBank(tmp_path, "s").get(MARA) is None


def test_the_first_kept_voice_wins(tmp_path):
    bank = VoiceBank(tmp_path, "s")
    kept = bank.keep(MARA, ReferenceVoice(np.ones(10, np.float32) * 0.1, "first", "model", "a"))
    other = bank.keep(MARA, ReferenceVoice(np.ones(10, np.float32) * 0.2, "second", "model", "b"))
    assert other.text == kept.text == "first"
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".json", ".wav"]


# ---------------------------------------------------------------- joining segments

def test_voiced_span_finds_the_speech_inside_silence():
    wave = np.zeros(24_000, np.float32)
    wave[4800:9600] = 0.3
    assert voiced_span(wave) == (4800, 9600)


def test_joined_segments_drop_each_continuations_first_frame_and_time_lines_by_their_sound():
    segments = [plan.Segment(9, (plan.Part("<char1>", "hi", 0.3),)), plan.Segment(9)]
    per = 1500
    pieces = []
    for value in (0.2, 0.0):
        frames = np.full((9, 4, 4, 3), int(value * 100), np.uint8)
        wave = np.zeros(9 * per, np.float32)
        wave[3 * per : 5 * per] = value
        pieces.append((frames, wave))
    frames, wave, lines = join(pieces, segments, duration=1.0)
    assert len(frames) == 16 and len(wave) == 16 * per  # 9 + 8 frames joined, cut to the planned 1 s
    # measured in 10-ms blocks
    assert lines[0].start == pytest.approx(3 * per / 24_000, abs=0.01)
    assert lines[0].end == pytest.approx(5 * per / 24_000, abs=0.01)
