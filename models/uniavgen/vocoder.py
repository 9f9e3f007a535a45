"""Mel to waveform: the BigVGAN of Qwen2.5-Omni's token2wav (transformers), as UniAVGen ships it.

The model's mel is normalised; it is brought back to log-mel with the training set's mean and std
before the vocoder, which upsamples 240x: one mel frame is 240 samples of 24 kHz audio.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from auteur.models.uniavgen.mel import denormalise


class Vocoder:
    def __init__(self, model, dtype: torch.dtype):
        # buffers too (the anti-aliasing filters are built in float32 whatever the default dtype)
        self.model, self.dtype = model.eval().to(dtype), dtype

    @classmethod
    def load(cls, directory: Path, dtype: torch.dtype) -> Vocoder:
        """From code2wav_bigvgan_model/ (transformers' layout, safetensors)."""
        from transformers import Qwen2_5OmniToken2WavBigVGANModel

        return cls(Qwen2_5OmniToken2WavBigVGANModel.from_pretrained(str(directory), dtype=dtype, use_safetensors=True),
                   dtype)

    def to(self, device: str) -> Vocoder:
        self.model.to(device)
        return self

    @torch.inference_mode()
    def waveform(self, mel: torch.Tensor, mean: float, std: float) -> np.ndarray:
        """Mono float32 at 24 kHz for a normalised mel (frames, 80)."""
        log_mel = denormalise(mel.float(), mean, std).T[None]
        wave = self.model(log_mel.to(self.model.device, self.dtype))
        return wave.reshape(-1).float().cpu().numpy()
