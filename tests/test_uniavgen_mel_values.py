"""The log-mel UniAVGen hears, by value: the Slaney filter bank written out here from its definition (librosa's
and the reference's), and a tone at a bin's frequency, whose Hann-windowed spectrum is known by hand."""

from __future__ import annotations

import math

import numpy as np
import torch

from auteur.models.uniavgen import mel


def slaney_mel(hz: float) -> float:
    # linear (3 mels per 200 Hz) up to 1 kHz, then logarithmic: 27 mels per factor 6.4
    return hz * 3 / 200 if hz < 1000 else 15 + math.log(hz / 1000) / (math.log(6.4) / 27)


def slaney_hz(m: float) -> float:
    return m * 200 / 3 if m < 15 else 1000 * math.exp((m - 15) * math.log(6.4) / 27)


def bank_by_hand() -> np.ndarray:
    """80 triangles from 0 to 8 kHz evenly spaced in mel over a 1024-point FFT at 24 kHz, each of unit area in Hz."""
    edges = [slaney_hz(m) for m in np.linspace(slaney_mel(0.0), slaney_mel(8000.0), 82)]
    bins = np.linspace(0, 12_000, 513)
    out = np.zeros((80, 513))
    for k in range(80):
        left, centre, right = edges[k:k + 3]
        rising, falling = (bins - left) / (centre - left), (right - bins) / (right - centre)
        out[k] = np.maximum(0, np.minimum(rising, falling)) * 2 / (right - left)
    return out


def test_the_filter_bank_is_slaneys_from_0_to_8_khz():
    assert np.allclose(mel.mel_filters().numpy(), bank_by_hand(), rtol=1e-4, atol=1e-9)


def test_a_tone_on_a_bin_reads_as_its_hann_window_spectrum_through_the_bank():
    # a unit sine at bin 43 (43 * 24000 / 1024 Hz): a periodic 1024-point Hann window gives |X| = 256 at the bin and
    # 128 at each neighbour, nothing elsewhere (but the 1e-9 floor inside the root)
    n = np.arange(24_000)
    wave = torch.from_numpy(np.sin(2 * np.pi * 43 * n / 1024).astype(np.float32))
    frame = mel.log_mel(wave)[0, :, 50].double().numpy()  # a frame well inside the signal
    spectrum = np.full(513, math.sqrt(1e-9))
    spectrum[42:45] = [128.0, 256.0, 128.0]
    expected = np.log(np.maximum(bank_by_hand() @ spectrum, 1e-5))
    loud = expected > -5  # the filters the tone reaches
    assert loud.sum() >= 2
    assert np.allclose(frame[loud], expected[loud], atol=2e-3)
