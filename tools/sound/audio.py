"""Small numpy tools for the sound mix: resampling, ducking, panning, limiting, WAV files.

Samples are float32 in [-1, 1]; mono is shape (n,), multichannel is (n, channels).
"""

from __future__ import annotations

import math
import wave
from pathlib import Path

import numpy as np

from auteur.core.atomic import atomic_path
from auteur.core.errors import AuteurError


def db_to_gain(db: float) -> float:
    """Decibels to a linear amplitude factor."""
    return float(10.0 ** (db / 20.0))


def rms_db(x: np.ndarray) -> float:
    """Root-mean-square level in dBFS (-inf for silence)."""
    x = np.asarray(x, dtype=np.float64)
    if x.size == 0:
        return float("-inf")
    rms = float(np.sqrt(np.mean(x * x)))
    return 20.0 * math.log10(rms) if rms > 0 else float("-inf")


def fast_length(n: int) -> int:
    """The smallest length >= n whose only prime factors are 2, 3 and 5 (quick to FFT)."""
    n = max(int(n), 1)
    while True:
        m = n
        for p in (2, 3, 5):
            while m % p == 0:
                m //= p
        if m == 1:
            return n
        n += 1


def resample(x: np.ndarray, src_rate: int, dst_rate: int) -> np.ndarray:
    """Band-limited resampling by FFT; sample 0 stays at time 0 and the duration is kept."""
    x = np.asarray(x, dtype=np.float32)
    if src_rate <= 0 or dst_rate <= 0:
        raise ValueError(f"sample rates must be positive, got {src_rate} -> {dst_rate}")
    if src_rate == dst_rate:
        return x.copy()
    n = x.shape[0]
    n_out = round(n * dst_rate / src_rate)
    if n == 0:
        return np.zeros((0, *x.shape[1:]), dtype=np.float32)
    g = math.gcd(src_rate, dst_rate)
    up, down = dst_rate // g, src_rate // g
    # The FFT treats the signal as periodic: pad with silence so the wrap-around lands in
    # silence, and to a whole number of `down` blocks so input and output lengths map exactly.
    guard = max(64, src_rate // 50)
    blocks = fast_length(math.ceil((n + guard) / down))
    n_in, n_res = blocks * down, blocks * up
    padded = np.zeros((n_in, *x.shape[1:]), dtype=np.float64)
    padded[:n] = x
    spectrum = np.fft.rfft(padded, axis=0)
    keep = min(n_in, n_res) // 2 + 1
    # a short raised-cosine roll-off below the cut-off instead of a brick wall, against ringing
    taper = np.ones(keep)
    roll = max(1, keep // 20)
    taper[keep - roll :] = 0.5 + 0.5 * np.cos(np.linspace(0, np.pi, roll))
    out_spectrum = np.zeros((n_res // 2 + 1, *x.shape[1:]), dtype=np.complex128)
    out_spectrum[:keep] = spectrum[:keep] * taper.reshape(-1, *([1] * (x.ndim - 1)))
    y = np.fft.irfft(out_spectrum, n=n_res, axis=0) * (n_res / n_in)
    return y[:n_out].astype(np.float32)


def envelope(x: np.ndarray, sample_rate: int, block_s: float = 0.01) -> tuple[np.ndarray, int]:
    """Block RMS of a signal (channels averaged) and the block length in samples."""
    x = np.asarray(x, dtype=np.float32)
    mono = x if x.ndim == 1 else x.mean(axis=1)
    block = max(1, round(block_s * sample_rate))
    count = math.ceil(len(mono) / block)
    padded = np.zeros(count * block, dtype=np.float32)
    padded[: len(mono)] = mono
    return np.sqrt(np.mean(padded.reshape(count, block) ** 2, axis=1)), block


def duck(
    ambience: np.ndarray,
    speech: np.ndarray,
    *,
    sample_rate: int,
    amount_db: float = 10.0,
    attack_s: float = 0.08,
    release_s: float = 0.5,
    threshold_db: float = -45.0,
) -> np.ndarray:
    """Lower `ambience` by `amount_db` wherever `speech` (same length) is louder than the threshold.

    The gain moves most of the way (95%) in `attack_s` going down and `release_s` coming back up.
    """
    if len(ambience) != len(speech):
        raise ValueError(f"duck needs ambience and speech of equal length, got {len(ambience)} and {len(speech)}")
    if len(ambience) == 0:
        return np.asarray(ambience, dtype=np.float32).copy()
    level, block = envelope(speech, sample_rate)
    talking = level > db_to_gain(threshold_db)
    # look ahead by the attack time, so the bed is already down when the first word lands
    ahead = max(1, round(attack_s * sample_rate / block))
    early = talking.copy()
    for k in range(1, ahead + 1):
        early[:-k] |= talking[k:]
    floor = db_to_gain(-abs(amount_db))
    # one-pole smoothing with a time constant of a third of each time: 95% of the way there
    fall = math.exp(-3 * block / max(attack_s * sample_rate, 1.0))
    rise = math.exp(-3 * block / max(release_s * sample_rate, 1.0))
    gains = np.empty(len(early))
    g = 1.0
    for i, down in enumerate(early):
        target = floor if down else 1.0
        coeff = fall if target < g else rise
        g = target + (g - target) * coeff
        gains[i] = g
    centres = (np.arange(len(gains)) + 0.5) * block
    per_sample = np.interp(np.arange(len(ambience)), centres, gains).astype(np.float32)
    ambience = np.asarray(ambience, dtype=np.float32)
    return ambience * (per_sample[:, None] if ambience.ndim == 2 else per_sample)


def pan(mono: np.ndarray, position: float) -> np.ndarray:
    """Constant-power pan of a mono signal to stereo; -1 is hard left, 0 centre, 1 hard right."""
    angle = (min(max(float(position), -1.0), 1.0) + 1.0) * math.pi / 4.0
    mono = np.asarray(mono, dtype=np.float32)
    return np.stack([mono * math.cos(angle), mono * math.sin(angle)], axis=1).astype(np.float32)


def limit(x: np.ndarray, *, sample_rate: int, ceiling_db: float = -1.0, release_s: float = 0.15) -> np.ndarray:
    """A gentle peak limiter: gain rides down ahead of peaks above the ceiling and recovers slowly."""
    x = np.asarray(x, dtype=np.float32)
    if x.size == 0:
        return x.copy()
    ceiling = db_to_gain(ceiling_db)
    block = max(1, round(0.005 * sample_rate))
    count = math.ceil(len(x) / block)
    peaks = np.zeros(count * block, dtype=np.float32)
    peaks[: len(x)] = np.abs(x).reshape(len(x), -1).max(axis=1)
    peak = peaks.reshape(count, block).max(axis=1)
    wanted = np.minimum(1.0, ceiling / np.maximum(peak, 1e-9))
    # each block also takes its neighbours' gain, so the gain is already down when a peak arrives
    edged = np.pad(wanted, 1, mode="edge")
    wanted = np.minimum(wanted, np.minimum(edged[:-2], edged[2:]))
    rise = math.exp(-block / max(release_s * sample_rate, 1.0))
    gains = np.empty(count)
    g = 1.0
    for i, w in enumerate(wanted):
        g = w if w < g else w + (g - w) * rise
        gains[i] = g
    centres = (np.arange(count) + 0.5) * block
    per_sample = np.interp(np.arange(len(x)), centres, gains).astype(np.float32)
    y = x * (per_sample[:, None] if x.ndim == 2 else per_sample)
    # interpolation between blocks can leave a sample a hair over; never let one clip
    return np.clip(y, -ceiling, ceiling)


def fade(x: np.ndarray, sample_rate: int, seconds: float = 0.02) -> np.ndarray:
    """Raised-cosine fade in and out, so a cut never clicks."""
    x = np.asarray(x, dtype=np.float32).copy()
    k = min(round(seconds * sample_rate), len(x) // 2)
    if k > 0:
        ramp = (0.5 - 0.5 * np.cos(np.linspace(0.0, np.pi, k))).astype(np.float32)
        shape = ramp[:, None] if x.ndim == 2 else ramp
        x[:k] *= shape
        x[len(x) - k :] *= shape[::-1]
    return x


def write_wav(path: str | Path, samples: np.ndarray, rate: int) -> None:
    """Write 16-bit PCM (mono or multichannel), atomically."""
    samples = np.asarray(samples, dtype=np.float32)
    frames = samples.reshape(len(samples), -1)
    pcm = np.round(np.clip(frames, -1.0, 1.0) * 32767.0).astype("<i2")
    with atomic_path(path) as tmp:
        with wave.open(str(tmp), "wb") as out:
            out.setnchannels(frames.shape[1])
            out.setsampwidth(2)
            out.setframerate(int(rate))
            out.writeframes(pcm.tobytes())


def read_wav(path: str | Path) -> tuple[np.ndarray, int]:
    """Read 16-bit PCM as float32 of shape (n, channels), and its sample rate."""
    try:
        with wave.open(str(path), "rb") as src:
            if src.getsampwidth() != 2:
                raise AuteurError(f"{path} is {8 * src.getsampwidth()}-bit audio; only 16-bit PCM WAV is supported")
            channels, rate = src.getnchannels(), src.getframerate()
            data = src.readframes(src.getnframes())
    except (wave.Error, EOFError) as err:
        raise AuteurError(f"{path} is not a readable PCM WAV file ({err})") from None
    pcm = np.frombuffer(data, dtype="<i2").reshape(-1, channels)
    return (pcm.astype(np.float32) / 32768.0), rate
