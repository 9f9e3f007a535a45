"""Audio tools: resampling, ducking, panning, limiting, WAV files, and procedural beds."""

from __future__ import annotations

import numpy as np
import pytest

from auteur.core.errors import AuteurError
from auteur.tools.sound.ambience import ambience, beds_for, music_pad
from auteur.tools.sound.audio import duck, limit, pan, read_wav, resample, rms_db, write_wav


def sine(freq: float, rate: int, seconds: float = 1.0) -> np.ndarray:
    return np.sin(2 * np.pi * freq * np.arange(round(rate * seconds)) / rate).astype(np.float32)


def peak_frequency(x: np.ndarray, rate: int) -> float:
    spectrum = np.abs(np.fft.rfft(x * np.hanning(len(x))))
    return float(np.fft.rfftfreq(len(x), 1 / rate)[np.argmax(spectrum)])


# ---------------------------------------------------------------- resample


@pytest.mark.parametrize("src, dst", [(22050, 48000), (48000, 22050), (44100, 48000)])
def test_resample_preserves_a_sines_frequency_and_the_duration(src, dst):
    out = resample(sine(440.0, src), src, dst)
    assert len(out) == dst
    assert abs(peak_frequency(out, dst) - 440.0) < 1.5


def test_resample_matches_the_ideal_sine_away_from_the_edges():
    out = resample(sine(1000.0, 22050), 22050, 48000)
    ideal = sine(1000.0, 48000)
    assert np.abs(out - ideal)[2000:-2000].max() < 1e-3


def test_resample_keeps_an_event_at_the_same_time():
    x = np.zeros(22050, dtype=np.float32)
    x[11025] = 1.0  # a click at 0.5 s
    out = resample(x, 22050, 48000)
    assert abs(np.argmax(np.abs(out)) / 48000 - 0.5) < 1e-4


def test_resample_removes_what_the_new_rate_cannot_hold():
    out = resample(sine(15000.0, 48000), 48000, 22050)
    assert rms_db(out[1000:-1000]) < -45


def test_resample_handles_stereo_and_empty_input():
    stereo = np.stack([sine(300, 22050), sine(600, 22050)], axis=1)
    out = resample(stereo, 22050, 48000)
    assert out.shape == (48000, 2)
    assert abs(peak_frequency(out[:, 1], 48000) - 600) < 1.5
    assert resample(np.zeros(0, np.float32), 22050, 48000).shape == (0,)


# ---------------------------------------------------------------- duck, pan, limit


def test_duck_lowers_ambience_under_speech_and_leaves_it_elsewhere():
    rate = 48000
    bed = np.full((3 * rate, 2), 0.1, dtype=np.float32)
    speech = np.zeros(3 * rate, dtype=np.float32)
    speech[rate : 2 * rate] = sine(200, rate) * 0.3
    ducked = duck(bed, speech, sample_rate=rate, amount_db=12.0, attack_s=0.05, release_s=0.3)
    during = rms_db(ducked[int(1.2 * rate) : int(1.8 * rate)])
    before = rms_db(ducked[: int(0.8 * rate)])
    assert during == pytest.approx(rms_db(bed) - 12.0, abs=1.0)
    assert before == pytest.approx(rms_db(bed), abs=0.2)


def test_duck_is_already_down_when_speech_starts():
    rate = 48000
    bed = np.full(2 * rate, 0.1, dtype=np.float32)
    speech = np.zeros(2 * rate, dtype=np.float32)
    speech[rate:] = 0.3
    ducked = duck(bed, speech, sample_rate=rate, amount_db=10.0, attack_s=0.08)
    assert ducked[rate] < 0.1 * 10 ** (-6 / 20)


def test_pan_keeps_power_constant_across_positions():
    mono = np.ones(10, dtype=np.float32)
    for position in (-1.0, -0.4, 0.0, 0.7, 1.0):
        stereo = pan(mono, position)
        assert np.allclose((stereo**2).sum(axis=1), 1.0, atol=1e-6)
    assert np.allclose(pan(mono, 0.0)[:, 0], pan(mono, 0.0)[:, 1])
    assert np.allclose(pan(mono, -1.0)[:, 1], 0.0, atol=1e-7)
    assert np.allclose(pan(mono, 1.0)[:, 0], 0.0, atol=1e-7)


def test_limit_keeps_peaks_under_the_ceiling_and_quiet_audio_untouched():
    rate = 48000
    quiet = sine(220, rate) * 0.2
    loud = sine(220, rate) * 2.0
    x = np.concatenate([quiet, loud, quiet])
    y = limit(x, sample_rate=rate, ceiling_db=-1.0)
    assert np.abs(y).max() <= 10 ** (-1 / 20) + 1e-6
    assert np.allclose(y[: rate // 2], x[: rate // 2], atol=1e-6)


# ---------------------------------------------------------------- WAV files


def test_wav_round_trip_keeps_samples_rate_and_channels(tmp_path):
    stereo = np.stack([sine(300, 48000, 0.2) * 0.5, sine(500, 48000, 0.2) * -0.25], axis=1)
    write_wav(tmp_path / "mix.wav", stereo, 48000)
    back, rate = read_wav(tmp_path / "mix.wav")
    assert rate == 48000 and back.shape == stereo.shape and back.dtype == np.float32
    assert np.abs(back - stereo).max() < 1.0 / 16000
    assert [p.name for p in tmp_path.iterdir()] == ["mix.wav"]  # no temporary file left behind


def test_write_wav_clips_instead_of_wrapping_around(tmp_path):
    write_wav(tmp_path / "hot.wav", np.array([1.5, -1.5, 0.0], dtype=np.float32), 8000)
    back, _ = read_wav(tmp_path / "hot.wav")
    assert back[0, 0] > 0.99 and back[1, 0] < -0.99


def test_read_wav_names_a_file_that_is_not_a_wav(tmp_path):
    bogus = tmp_path / "not.wav"
    bogus.write_bytes(b"definitely not RIFF")
    with pytest.raises(AuteurError, match="not.wav"):
        read_wav(bogus)


# ---------------------------------------------------------------- ambience and music


@pytest.mark.parametrize("description, beds", [
    ("rain on the window", ["rain"]),
    ("a quiet kitchen, window open", ["room"]),
    ("storm over the sea", ["wind", "rain", "surf", "storm"]),
    ("busy city traffic at night", ["city", "night"]),
    ("campfire in the forest", ["forest", "fire"]),
    ("season's greetings", ["room"]),
])
def test_ambience_beds_follow_the_descriptions_keywords(description, beds):
    assert beds_for(description) == beds


@pytest.mark.parametrize("description", ["a quiet office", "wind", "rain", "surf", "thunder storm", "city traffic",
                                         "forest birds", "crackling fire", "night crickets"])
def test_ambience_sits_near_minus_30_dbfs_without_dc_or_clicks(description):
    bed = ambience(description, 2.0, 48000, seed=5)
    assert bed.shape == (96000, 2) and bed.dtype == np.float32
    assert rms_db(bed) == pytest.approx(-30.0, abs=2.0)
    assert np.abs(bed.mean(axis=0)).max() < 1e-3
    assert np.abs(bed[0]).max() < 1e-4 and np.abs(bed[-1]).max() < 1e-4
    assert np.abs(bed).max() < 0.5


def test_ambience_is_the_same_for_the_same_arguments_and_differs_by_seed():
    first = ambience("waves on the shore", 1.0, 48000, seed=1)
    assert np.array_equal(first, ambience("waves on the shore", 1.0, 48000, seed=1))
    assert not np.array_equal(first, ambience("waves on the shore", 1.0, 48000, seed=2))


def test_ambience_of_no_time_is_empty_stereo():
    assert ambience("rain", 0.0, 48000, seed=0).shape == (0, 2)


def test_music_pad_is_soft_deterministic_and_fades_in():
    pad = music_pad("a tense low drone", 4.0, 48000, seed=3)
    assert pad.shape == (192000, 2)
    assert rms_db(pad) == pytest.approx(-30.0, abs=1.0)
    assert np.array_equal(pad, music_pad("a tense low drone", 4.0, 48000, seed=3))
    assert rms_db(pad[: 4800]) < rms_db(pad[96000:100800]) - 10  # slow attack
