"""The log-mel spectrogram UniAVGen's audio branch works on, and the way a reference voice is prepared.

80 mel bins from 0 to 8 kHz of 24 kHz audio, a 1024-point Hann-windowed STFT every 240 samples
(100 frames a second), Slaney-scale filters with Slaney area normalisation (librosa's defaults),
magnitudes with a 1e-9 floor inside the root, then the natural log clamped at 1e-5. The signal is
reflect-padded by (n_fft - hop) / 2 on each side and not centred, so n samples give n // 240 frames.
The model sees the mel normalised by the training set's mean and standard deviation.

Speech given to the model is first brought to a peak of 0.999146, and a reference voice is given
0.3 s of silence at its end, as the published model was run.
"""

from __future__ import annotations

import numpy as np
import torch

SAMPLE_RATE = 24_000
N_FFT = 1024
HOP = 240
N_MELS = 80
F_MAX = 8_000.0
LOG_FLOOR = 1e-5
REFERENCE_PEAK = 0.999146
REFERENCE_TAIL_S = 0.3
FRAMES_PER_SECOND = SAMPLE_RATE // HOP  # 100


def mel_filters() -> torch.Tensor:
    """The (80, 513) Slaney mel filter bank."""
    from transformers.audio_utils import mel_filter_bank

    bank = mel_filter_bank(num_frequency_bins=N_FFT // 2 + 1, num_mel_filters=N_MELS, min_frequency=0.0,
                           max_frequency=F_MAX, sampling_rate=SAMPLE_RATE, norm="slaney", mel_scale="slaney")
    return torch.from_numpy(np.ascontiguousarray(bank.T)).float()


def log_mel(wave: torch.Tensor) -> torch.Tensor:
    """Log-mel (batch, 80, frames) of waves (batch, samples) at 24 kHz."""
    wave = wave.float()
    if wave.ndim == 1:
        wave = wave[None]
    pad = (N_FFT - HOP) // 2
    padded = torch.nn.functional.pad(wave[:, None], (pad, pad), mode="reflect")[:, 0]
    window = torch.hann_window(N_FFT, device=wave.device)
    spec = torch.stft(padded, N_FFT, hop_length=HOP, win_length=N_FFT, window=window, center=False,
                      normalized=False, onesided=True, return_complex=True)
    magnitude = torch.sqrt(spec.real.pow(2) + spec.imag.pow(2) + 1e-9)
    mel = mel_filters().to(wave.device) @ magnitude
    return torch.log(torch.clamp(mel, min=LOG_FLOOR))


def normalise(mel: torch.Tensor, mean: float, std: float) -> torch.Tensor:
    return (mel - mean) / std


def denormalise(mel: torch.Tensor, mean: float, std: float) -> torch.Tensor:
    return mel * std + mean


def peaked(wave: np.ndarray) -> np.ndarray:
    """Speech given to the model (a reference voice, or the speech that drives a face) at its peak level."""
    wave = np.asarray(wave, dtype=np.float32).reshape(-1)
    peak = float(np.max(np.abs(wave))) if wave.size else 0.0
    return wave * (REFERENCE_PEAK / peak) if peak > 0 else wave


def reference_wave(wave: np.ndarray) -> np.ndarray:
    """A reference voice (mono, 24 kHz) at the model's peak level, with its silent tail."""
    return np.concatenate([peaked(wave), np.zeros(round(REFERENCE_TAIL_S * SAMPLE_RATE), dtype=np.float32)])


def model_mel(wave: np.ndarray, mean: float, std: float) -> torch.Tensor:
    """The normalised mel (frames, 80) the model takes for a mono 24 kHz wave."""
    mel = log_mel(torch.from_numpy(np.asarray(wave, dtype=np.float32)))
    return normalise(mel[0], mean, std).T.contiguous()
