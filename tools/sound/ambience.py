"""Procedural sound beds: ambience picked by keywords from a location's description, and a soft
music pad for score cues. numpy only; the same arguments always give the same samples.

Each bed is shaped noise and simple synthesized events (drops, waves, chirps, crackles). Beds
that match the description are mixed at equal loudness, then the whole is set to about -30 dBFS.
"""

from __future__ import annotations

import re
import zlib

import numpy as np

from auteur.tools.sound.audio import db_to_gain, fade, fast_length, rms_db

LEVEL_DB = -30.0
_NOISE_BLOCK = 8192  # samples per FFT block when shaping noise (about 6 Hz resolution at 48 kHz)
_PEAK = 0.35  # soft-clip knee for rare peaks, about -9 dBFS
FADE_S = 0.05

# Which words call up which bed. Patterns match at word starts and exclude look-alikes
# ("window" is not wind, "season" is not sea).
KEYWORDS: dict[str, str] = {
    "wind": r"\b(wind(?!ow)|breez|gust|gale|blustery|draught)",
    "rain": r"\b(rain|drizzl|downpour|shower)",
    "surf": r"\b(surf|seas?\b|seaside|seashore|ocean|waves?\b|shore|beach|tide|coast|harbou?r)",
    "storm": r"\b(storm|thunder|lightning|tempest)",
    "city": r"\b(city|traffic|street|cars?\b|urban|town|downtown|avenue)",
    "forest": r"\b(forest|birds?|birdsong|woods?\b|woodland|jungle|garden|park\b|meadow|orchard)",
    "fire": r"\b(fire|fireplace|hearth|campfire|bonfire|flames?|crackl)",
    "night": r"\b(night|crickets?|insects?|cicadas?)",
}

# A storm brings its own rain and wind; its own bed adds only the thunder.
_BRINGS = {"storm": ("rain", "wind")}

# Words that turn the music pad's chord minor.
_DARK = (r"\b(sad|dark|tense|tension|ominous|myster|grief|griev|lonel|melanchol|fear|dread|sorrow|somb[er]|eerie"
         r"|storm|night)")


def beds_for(description: str) -> list[str]:
    """The ambience beds a description calls for, in a fixed order; ["room"] when none match."""
    text = description.lower()
    found = {name for name, pattern in KEYWORDS.items() if re.search(pattern, text)}
    for name in list(found):
        found.update(_BRINGS.get(name, ()))
    return [name for name in KEYWORDS if name in found] or ["room"]


def ambience(description: str, seconds: float, sample_rate: int, seed: int) -> np.ndarray:
    """A stereo (n, 2) float32 ambience bed for `seconds`, chosen by keywords in `description`."""
    n = max(0, round(seconds * sample_rate))
    if n == 0:
        return np.zeros((0, 2), dtype=np.float32)
    mix = np.zeros((n, 2), dtype=np.float32)
    for name in beds_for(description):
        rng = np.random.default_rng([seed & 0xFFFFFFFF, zlib.crc32(name.encode())])
        bed = _BEDS[name](rng, n, sample_rate)
        bed -= bed.mean(axis=0)  # no DC offset
        level = rms_db(bed)
        if np.isfinite(level):
            mix += bed * db_to_gain(LEVEL_DB - level)
    return _finish(mix, sample_rate, LEVEL_DB)


def music_pad(description: str, seconds: float, sample_rate: int, seed: int) -> np.ndarray:
    """A soft sustained chord (n, 2) float32 for a music cue, about -30 dBFS, slow in and out."""
    n = max(0, round(seconds * sample_rate))
    if n == 0:
        return np.zeros((0, 2), dtype=np.float32)
    text = description.lower()
    # the description picks the key, so the same cue always plays the same chord
    root = 110.0 * 2 ** ((zlib.crc32(text.encode()) % 7) / 12)  # A2 up to E3
    third = 3 if re.search(_DARK, text) else 4
    semitones = (0, 7, 12, 12 + third, 19)
    rng = np.random.default_rng([seed & 0xFFFFFFFF, zlib.crc32(b"pad")])
    t = np.arange(n) / sample_rate
    pad = np.zeros((n, 2))
    for i, step in enumerate(semitones):
        freq = root * 2 ** (step / 12)
        amp = 1.0 / (1 + i)
        for channel, detune in ((0, -0.15), (1, 0.15)):  # a slight detune between sides gives width
            phase = rng.uniform(0, 2 * np.pi)
            pad[:, channel] += amp * np.sin(2 * np.pi * (freq + detune) * t + phase)
    swell = 1.0 + 0.2 * np.sin(2 * np.pi * 0.12 * t + rng.uniform(0, 2 * np.pi))
    pad *= swell[:, None]
    # slow attack and release, shortened for short shots
    attack = min(round(2.0 * sample_rate), n // 3)
    release = min(round(2.5 * sample_rate), n // 3)
    shape = np.ones(n)
    if attack:
        shape[:attack] = np.sin(np.linspace(0, np.pi / 2, attack)) ** 2
    if release:
        shape[n - release :] = np.cos(np.linspace(0, np.pi / 2, release)) ** 2
    pad *= shape[:, None]
    return _finish(pad, sample_rate, LEVEL_DB)


def _finish(x: np.ndarray, sample_rate: int, level_db: float) -> np.ndarray:
    x = x - x.mean(axis=0)
    level = rms_db(x)
    if np.isfinite(level):
        x = x * db_to_gain(level_db - level)
    # a bed sits under dialogue: round off rare peaks (a thunder clap, a loud crackle) well
    # below full scale; at -30 dBFS the bulk of the signal is far below the knee and unchanged
    x = _PEAK * np.tanh(x / _PEAK)
    return fade(x.astype(np.float32), sample_rate, FADE_S)


# ---------------------------------------------------------------- building blocks


def _noise(rng: np.random.Generator, n: int, sample_rate: int, response, width: float = 1.0) -> np.ndarray:
    """Stereo noise with the magnitude `response(freqs)`; `width` 0 is mono, 1 fully independent.

    Made in short overlapping blocks rather than with one long FFT: many small FFTs are several
    times faster on long shots, and for noise the seams cannot be heard (sine windows at 50%
    overlap keep the power constant).
    """
    hop = _NOISE_BLOCK // 2
    frames = -(-n // hop)
    gain = response(np.maximum(np.fft.rfftfreq(_NOISE_BLOCK, 1.0 / sample_rate), 1.0))
    gain[0] = 0.0
    window = np.sin(np.pi * (np.arange(_NOISE_BLOCK) + 0.5) / _NOISE_BLOCK)
    white = rng.standard_normal((frames + 1, 2, _NOISE_BLOCK), dtype=np.float32)
    blocks = np.fft.irfft(np.fft.rfft(white, axis=2) * gain.astype(np.float32), n=_NOISE_BLOCK, axis=2)
    blocks *= window.astype(np.float32)
    joined = blocks[1:, :, :hop] + blocks[:-1, :, hop:]  # (frames, 2, hop)
    mid, side = joined.transpose(1, 0, 2).reshape(2, -1)[:, :n]
    scale = np.float32(1 / np.sqrt(1 + width * width))
    return np.stack([(mid + width * side) * scale, (mid - width * side) * scale], axis=1)


def _band(low: float, high: float, tilt: float = 0.0):
    """A magnitude response: gentle band-pass from `low` to `high` Hz with a 1/f**tilt slope."""

    def response(f: np.ndarray) -> np.ndarray:
        hp = (f / low) ** 2 / (1 + (f / low) ** 2)
        lp = 1 / (1 + (f / high) ** 4)
        return hp * lp / f**tilt

    return response


def _match(layer: np.ndarray, reference: np.ndarray, ratio: float, by_peak: bool = False) -> np.ndarray:
    """`layer` set to `ratio` times the RMS of `reference` (its peak, with `by_peak`)."""
    size = float(np.abs(layer).max()) if by_peak else float(np.std(layer))
    return (layer * (ratio * float(np.std(reference)) / size)).astype(np.float32) if size > 0 else layer


def _drift(rng: np.random.Generator, n: int, sample_rate: int, rate_hz: float, floor: float = 0.0) -> np.ndarray:
    """A slowly wandering envelope between `floor` and 1, changing about `rate_hz` times a second."""
    t = np.arange(n) / sample_rate * rate_hz
    points = rng.uniform(0, 1, int(t[-1]) + 2)
    i = t.astype(int)
    w = 0.5 - 0.5 * np.cos(np.pi * (t - i))
    return (floor + (1 - floor) * (points[i] * (1 - w) + points[i + 1] * w)).astype(np.float32)


def _attack_decay(sample_rate: int, rise_s: float, decay_s: float) -> np.ndarray:
    """An event's envelope: a smooth rise to 1, then an exponential decay (cut at 1/1000)."""
    rise = np.sin(np.linspace(0, np.pi / 2, max(1, round(rise_s * sample_rate)), endpoint=False)) ** 2
    decay = np.exp(-np.arange(round(7 * decay_s * sample_rate)) / (decay_s * sample_rate))
    return np.concatenate([rise, decay]).astype(np.float32)


def _add_at(track: np.ndarray, event: np.ndarray, start: int) -> None:
    """Add `event` into `track` from sample `start`, cropping whatever falls outside."""
    lo, hi = max(start, 0), min(start + len(event), len(track))
    if lo < hi:
        track[lo:hi] += event[lo - start : hi - start]


def _scatter(rng: np.random.Generator, n: int, sample_rate: int, per_second: float, grain: np.ndarray,
             loudness: float = 1.0) -> np.ndarray:
    """Mono events: `grain` stamped at random times, about `per_second`, with random loudness."""
    count = rng.poisson(per_second * n / sample_rate)
    out = np.zeros(n + len(grain), dtype=np.float32)
    for at, amp in zip(rng.integers(0, n, count), rng.exponential(loudness, count)):
        out[at : at + len(grain)] += amp * grain
    return out[:n]


def _grain(rng: np.random.Generator, sample_rate: int, seconds: float, decay_s: float,
           tone_hz: float | None = None, response=None) -> np.ndarray:
    """A short decaying burst: noise (optionally shaped by `response`), or a damped sine at `tone_hz`."""
    t = np.arange(max(1, round(seconds * sample_rate))) / sample_rate
    if tone_hz:
        body = np.sin(2 * np.pi * tone_hz * t)
    else:
        body = rng.standard_normal(len(t))
        if response is not None:
            size = fast_length(2 * len(t))
            gain = response(np.maximum(np.fft.rfftfreq(size, 1.0 / sample_rate), 1.0))
            body = np.fft.irfft(np.fft.rfft(body, size) * gain, size)[: len(t)]
    return (body * np.exp(-t / decay_s)).astype(np.float32)


def _spread(mono: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    position = rng.uniform(-0.7, 0.7)
    angle = (position + 1) * np.pi / 4
    return np.stack([mono * np.cos(angle), mono * np.sin(angle)], axis=1).astype(np.float32)


# ---------------------------------------------------------------- the beds
# Each takes (rng, n, sample_rate) and returns (n, 2) samples at any level; `ambience` sets levels.


def _room(rng, n, sr):
    # the low, steady air of an interior: mostly below 1 kHz
    return _noise(rng, n, sr, _band(30, 900, tilt=0.5), width=0.6)


def _wind(rng, n, sr):
    bed = np.zeros((n, 2), dtype=np.float32)
    for low, high, rate in ((80, 400, 0.15), (250, 1200, 0.25), (700, 3000, 0.4)):
        gusts = _drift(rng, n, sr, rate, floor=0.15) ** 2
        bed += _noise(rng, n, sr, _band(low, high, tilt=0.5), width=0.8) * gusts[:, None]
    return bed


def _rain(rng, n, sr):
    hiss = _noise(rng, n, sr, _band(1500, 9000, tilt=0.3), width=1.0)
    drop = _grain(rng, sr, 0.008, 0.002, response=_band(2000, 10000))
    patter = np.stack([_scatter(rng, n, sr, 300, drop) for _ in range(2)], axis=1)
    plinks = np.zeros((n, 2), dtype=np.float32)
    for _ in range(3):
        plink = _grain(rng, sr, 0.06, 0.012, tone_hz=rng.uniform(1200, 3200))
        plinks += _spread(_scatter(rng, n, sr, 4, plink), rng)
    return hiss + _match(patter, hiss, 1.5) + _match(plinks, hiss, 0.4)


def _surf(rng, n, sr):
    wash = _noise(rng, n, sr, _band(60, 1800, tilt=0.8), width=0.7)
    foam = _noise(rng, n, sr, _band(1500, 8000, tilt=0.2), width=1.0)
    swell = np.full(n, 0.25, dtype=np.float32)
    start = -rng.uniform(0, 8)
    while start * sr < n:
        rise, fall = rng.uniform(1.5, 2.5), rng.uniform(3.0, 5.0)
        wave = _attack_decay(sr, rise, fall) * rng.uniform(0.6, 1.0)
        _add_at(swell, wave, round(start * sr))
        start += rng.uniform(6, 11)
    # the foam hisses a moment after the wave breaks
    lag = min(round(0.4 * sr), n)
    foam_swell = np.concatenate([np.full(lag, swell[0], dtype=np.float32), swell[: n - lag]]) ** 2
    return wash * swell[:, None] + 0.4 * foam * foam_swell[:, None]


def _storm(rng, n, sr):
    # thunder only: the rain and wind beds come with the storm
    rumble = _noise(rng, n, sr, _band(25, 160, tilt=1.0), width=0.5)
    crack = _noise(rng, n, sr, _band(200, 6000), width=0.5)
    rolling = np.zeros(n, dtype=np.float32)
    snaps = np.zeros(n, dtype=np.float32)
    # one clap in every clip, more in long ones
    at = rng.uniform(0.15, 0.6) * n / sr
    while at * sr < n:
        roll = _attack_decay(sr, 0.15, rng.uniform(2, 4))
        wobble = 0.7 + 0.3 * np.sin(2 * np.pi * rng.uniform(0.5, 1.5) * np.arange(len(roll)) / sr)
        _add_at(rolling, roll * wobble, round(at * sr))
        _add_at(snaps, _attack_decay(sr, 0.002, 0.05), round(at * sr))
        at += rng.uniform(8, 20)
    return 3 * rumble * rolling[:, None] + 0.8 * crack * snaps[:, None]


def _city(rng, n, sr):
    hum = _noise(rng, n, sr, _band(30, 300, tilt=0.7), width=0.5)
    motor = _noise(rng, n, sr, _band(150, 1500, tilt=0.5), width=0.2)
    left, right = np.zeros(n, dtype=np.float32), np.zeros(n, dtype=np.float32)
    at = -rng.uniform(0, 3)
    while at * sr < n + 3 * sr:
        width = rng.uniform(1.2, 2.5)
        t = np.arange(-round(3 * width * sr), round(3 * width * sr)) / sr
        bell = np.exp(-0.5 * (t / width) ** 2) * rng.uniform(0.5, 1.0)
        # a car sweeps across the stereo field as it passes
        position = np.clip(rng.choice([-1.0, 1.0]) * t / (2 * width), -1, 1)
        angle = (position + 1) * np.pi / 4
        start = round(at * sr) - len(t) // 2
        _add_at(left, bell * np.cos(angle), start)
        _add_at(right, bell * np.sin(angle), start)
        at += rng.uniform(2.5, 6)
    return hum + 0.8 * motor * np.stack([left, right], axis=1)


def _forest(rng, n, sr):
    leaves = _noise(rng, n, sr, _band(1500, 7000, tilt=0.5), width=1.0) * _drift(rng, n, sr, 0.3, floor=0.3)[:, None]
    birds = np.zeros((n, 2), dtype=np.float32)
    for _ in range(rng.poisson(0.8 * n / sr)):
        start, base = rng.integers(0, n), rng.uniform(2500, 5500)
        notes = []
        for _ in range(rng.integers(2, 6)):
            k = np.arange(round(rng.uniform(0.05, 0.14) * sr)) / sr
            sweep = base * (1 + rng.uniform(-0.3, 0.3) * k / k[-1])  # each note glides up or down
            phase = 2 * np.pi * np.cumsum(sweep) / sr
            notes.append(np.sin(np.pi * k / k[-1]) ** 2 * (np.sin(phase) + 0.2 * np.sin(2 * phase)))
            notes.append(np.zeros(round(rng.uniform(0.03, 0.12) * sr)))
        song = _spread(np.concatenate(notes), rng) * rng.uniform(0.3, 1.0)
        _add_at(birds, song, start)
    return leaves + _match(birds, leaves, 2.0)


def _fire(rng, n, sr):
    roar = _noise(rng, n, sr, _band(40, 500, tilt=0.8), width=0.6) * _drift(rng, n, sr, 2.0, floor=0.5)[:, None]
    snap = _grain(rng, sr, 0.004, 0.0008)
    crackle = np.stack([_scatter(rng, n, sr, 12, snap) for _ in range(2)], axis=1)
    pops = _spread(_scatter(rng, n, sr, 0.8, _grain(rng, sr, 0.02, 0.004)), rng)
    # crackles are sparse, so they are set by their peaks rather than their average level
    return roar + _match(crackle, roar, 6.0, by_peak=True) + _match(pops, roar, 8.0, by_peak=True)


def _night(rng, n, sr):
    air = _room(rng, n, sr) * 0.5
    t = np.arange(n) / sr
    crickets = np.zeros((n, 2), dtype=np.float32)
    for _ in range(3):
        carrier = np.sin(2 * np.pi * rng.uniform(3800, 5200) * t + rng.uniform(0, 2 * np.pi))
        period, pulse, pulses = rng.uniform(0.45, 0.9), rng.uniform(0.025, 0.035), rng.integers(3, 6)
        index = ((t + rng.uniform(0, period)) % period) / pulse
        gate = np.where(index < pulses, np.sin(np.pi * (index % 1)) ** 2, 0.0)
        crickets += _spread(carrier * gate, rng) * rng.uniform(0.4, 1.0)
    return air + _match(crickets, air, 1.5)


_BEDS = {
    "room": _room,
    "wind": _wind,
    "rain": _rain,
    "surf": _surf,
    "storm": _storm,
    "city": _city,
    "forest": _forest,
    "fire": _fire,
    "night": _night,
}
