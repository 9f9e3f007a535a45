"""EBU R128 measurement and two-pass loudnorm on speech-like material at very different levels."""

import math

import numpy as np
import pytest

from auteur.tools.editing.ffmpeg import probe, run_ffmpeg
from auteur.tools.editing.loudness import applying_filter, measure, normalize, read_report

RATE = 48000


def _write_wav(path, stereo: np.ndarray, rate: int = RATE):
    run_ffmpeg(["-f", "f32le", "-ar", str(rate), "-ac", "2", "-i", "pipe:0", "-c:a", "pcm_f32le", str(path)],
               input=stereo.astype(np.float32).tobytes())
    return path


def _pink(n: int, rng) -> np.ndarray:
    spectrum = np.fft.rfft(rng.standard_normal(n))
    spectrum /= np.sqrt(np.maximum(np.arange(len(spectrum)), 1))
    noise = np.fft.irfft(spectrum, n)
    return noise / np.abs(noise).max()


def speech_and_ambience(seconds: float, peak_dbfs: float, seed: int = 0) -> np.ndarray:
    """Voice-like harmonics in stressed and unstressed syllables, phrases and pauses, over pink noise.

    Its peak-to-loudness ratio is that of speech, too high for a plain gain to reach -16 LUFS
    under a -1.5 dBTP ceiling, so loudnorm has to limit. A peak above 0 dBFS clips, like a hot master.
    """
    rng = np.random.default_rng(seed)
    n = int(seconds * RATE)
    t = np.arange(n) / RATE
    f0 = 130 + 35 * np.sin(2 * np.pi * 0.6 * t)  # intonation
    phase = 2 * np.pi * np.cumsum(f0) / RATE
    voice = sum(np.sin(k * phase) / k for k in range(1, 16))
    syllables = np.clip(np.sin(2 * np.pi * 3.5 * t), 0, None) ** 1.5
    stress = np.repeat(rng.lognormal(0, 0.8, int(seconds * 3.5) + 2), int(RATE / 3.5) + 1)[:n]
    phrases = np.repeat(rng.random(int(seconds * 1.5) + 1) > 0.35, int(RATE / 1.5) + 1)[:n]
    mix = voice * syllables * stress * phrases / np.abs(voice).max() + 0.03 * _pink(n, rng)
    mix *= 10 ** (peak_dbfs / 20) / np.abs(mix).max()
    return np.clip(np.stack([mix, 0.9 * mix], axis=1), -1, 1)


def test_measure_reads_the_ebu_reference_sine(tmp_path):
    # EBU Tech 3341: a 1 kHz sine at -23 dBFS in both channels measures -23 LUFS.
    t = np.arange(5 * RATE) / RATE
    tone = 10 ** (-23 / 20) * np.sin(2 * np.pi * 1000 * t)
    result = measure(_write_wav(tmp_path / "sine.wav", np.stack([tone, tone], axis=1)))
    assert result.integrated_lufs == pytest.approx(-23.0, abs=0.2)
    assert result.true_peak_db == pytest.approx(-23.0, abs=0.3)
    assert result.lra == pytest.approx(0.0, abs=0.5)


def test_measure_reports_silence_as_silence(tmp_path):
    result = measure(_write_wav(tmp_path / "silence.wav", np.zeros((2 * RATE, 2))))
    assert result.integrated_lufs <= -70
    assert result.true_peak_db == -math.inf


@pytest.mark.parametrize("peak_dbfs", [-30.0, 0.0, 12.0], ids=["quiet", "loud", "clipped-hot"])
def test_normalize_lands_within_half_a_lu_of_the_target_at_any_input_level(tmp_path, peak_dbfs):
    src = _write_wav(tmp_path / "in.wav", speech_and_ambience(9, peak_dbfs))
    before = measure(src)
    normalize(src, tmp_path / "out.wav", target_lufs=-16, true_peak_db=-1.5, sample_rate=RATE)
    after = measure(tmp_path / "out.wav")
    assert abs(before.integrated_lufs + 16) > 3  # the test material really is off target
    assert after.integrated_lufs == pytest.approx(-16.0, abs=0.5)
    assert after.true_peak_db <= -1.0


def test_normalize_resamples_and_keeps_the_duration(tmp_path):
    src = _write_wav(tmp_path / "in.wav", speech_and_ambience(6, -12))
    normalize(src, tmp_path / "out.wav", target_lufs=-20, true_peak_db=-2, sample_rate=44100)
    info = probe(tmp_path / "out.wav")
    assert info.sample_rate == 44100
    assert info.duration == pytest.approx(6.0, abs=0.02)


def test_normalize_leaves_silence_silent(tmp_path):
    src = _write_wav(tmp_path / "silence.wav", np.zeros((4 * RATE, 2)))
    report = normalize(src, tmp_path / "out.wav", target_lufs=-16, true_peak_db=-1.5, sample_rate=RATE)
    assert applying_filter(report, -16, -1.5, RATE) == f"aresample={RATE}"
    assert measure(tmp_path / "out.wav").integrated_lufs <= -70


def test_second_pass_keeps_the_measured_loudness_range_so_linear_mode_stays_possible():
    report = {"input_i": "-30.0", "input_tp": "-20.0", "input_lra": "12.5", "input_thresh": "-40.0",
              "target_offset": "0.2"}
    filt = applying_filter(report, -16, -1.5, RATE)
    assert ":LRA=12.60:" in filt and ":linear=true" in filt and "measured_I=-30.00" in filt


def test_read_report_finds_the_json_in_a_log():
    log = b'[Parsed_loudnorm_0 @ 0x1]\n{\n\t"input_i" : "-20.1",\n\t"input_tp" : "-3.0"\n}\n[out#0] done\n'
    assert read_report(log, "test")["input_i"] == "-20.1"
