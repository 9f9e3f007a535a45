"""EBU R128 measurement and normalisation (gain, a limiter under the true-peak ceiling, a correction) on speech-like
material at very different levels."""

import math

import numpy as np
import pytest

from auteur.tools.editing.ffmpeg import probe, run_ffmpeg
from auteur.tools.editing.loudness import Loudness, applying_filter, measure, normalize, read_report

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
    under a -1.5 dBTP ceiling, so normalising has to limit. A peak above 0 dBFS clips, like a hot master.
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


def test_a_gain_that_keeps_the_peaks_under_the_ceiling_is_only_a_gain():
    quiet = Loudness(integrated_lufs=-30.0, true_peak_db=-20.0, lra=12.5)  # +14 dB lifts the peak to -6 dBTP
    assert applying_filter(quiet, -16, -1.5, RATE) == f"volume=14.000dB,aresample={RATE}"


def test_a_gain_that_would_lift_the_peaks_over_the_ceiling_is_limited_a_margin_under_it():
    speech = Loudness(integrated_lufs=-24.08, true_peak_db=-4.77, lra=10.9)  # +8.08 dB would peak at +3.3 dBTP
    filt = applying_filter(speech, -16, -1.5, 24000)
    # -1.5 dBTP less the 1 dB margin is a sample peak of 10^(-2.5/20) = 0.74989; latency=true keeps it on its frames
    assert filt == ("volume=8.080dB,alimiter=limit=0.74989:attack=5:release=50:level=false:latency=true,"
                    "aresample=24000")
    assert applying_filter(speech, -16, -1.5, 24000, gain_db=8.5).startswith("volume=8.500dB,alimiter=")


def test_silence_is_only_resampled():
    assert applying_filter(Loudness(-70.0, -math.inf, 0.0), -16, -1.5, RATE) == f"aresample={RATE}"


def test_a_limited_soundtrack_is_corrected_to_the_target_and_measured_as_written(tmp_path):
    # the limiter takes loudness off a speech track lifted by 34 dB; one pass at the plain gain lands under the target
    src = _write_wav(tmp_path / "in.wav", speech_and_ambience(9, -30.0))
    before = measure(src)
    plain = tmp_path / "plain.wav"
    run_ffmpeg(["-i", str(src), "-af", applying_filter(before, -16, -1.5, RATE), "-c:a", "pcm_f32le", str(plain)])
    assert measure(plain).integrated_lufs < -16.3
    returned = normalize(src, tmp_path / "out.wav", target_lufs=-16, true_peak_db=-1.5, sample_rate=RATE)
    after = measure(tmp_path / "out.wav")
    assert returned == after and abs(after.integrated_lufs + 16) <= 0.3 and after.true_peak_db <= -1.5


def test_read_report_reads_ebur128s_summary_from_a_log():
    log = (b"[Parsed_ebur128_0 @ 0x1] t: 2.9  M: -20.0 S: -21.0 I: -99.0 LUFS\n"
           b"[Parsed_ebur128_0 @ 0x1] Summary:\n\n  Integrated loudness:\n    I:         -20.1 LUFS\n"
           b"    Threshold: -30.4 LUFS\n\n  Loudness range:\n    LRA:         6.2 LU\n\n"
           b"  True peak:\n    Peak:       -3.0 dBFS\n[out#0] done\n")
    assert read_report(log, "test") == Loudness(integrated_lufs=-20.1, true_peak_db=-3.0, lra=6.2)


def test_a_limited_soundtrack_keeps_every_sound_on_its_sample(tmp_path):
    """The limiter looks ahead; its delay is compensated, so a line stays on the frames it is spoken on."""
    out_rate = 48000
    track = speech_and_ambience(4, -30.0, seed=3)  # lifted by ~34 dB: the limiter works hard
    onset = 2 * RATE + 123
    track[:onset] = 0.0  # silence, then the sound at a known sample
    track[onset + RATE // 2] = 10 * np.abs(track).max()  # a click 20 dB over the rest: the limiter must hold it
    src = _write_wav(tmp_path / "in.wav", track)
    normalize(src, tmp_path / "out.wav", target_lufs=-16, true_peak_db=-1.5, sample_rate=out_rate)
    done = run_ffmpeg(["-i", str(tmp_path / "out.wav"), "-f", "f32le", "-ac", "2", "pipe:1"])
    out = np.frombuffer(done.stdout, dtype=np.float32).reshape(-1, 2)
    assert "alimiter" in applying_filter(measure(src), -16, -1.5, out_rate)
    assert len(out) == len(track)
    assert int(np.argmax(np.abs(out[:, 0]) > 1e-6)) == onset
