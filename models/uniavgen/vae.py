"""The Wan 2.2 VAE (48 latent channels; time 4x, space 16x) through diffusers' AutoencoderKLWan.

The model works on latents normalised per channel by the VAE's published mean and std (the
`latents_mean`/`latents_std` of its config). An image goes in as one frame in [-1, 1] and its
latent is the posterior's mean; decoded frames come back clamped to [-1, 1], then as uint8.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch


class VideoVAE:
    def __init__(self, vae, dtype: torch.dtype):
        self.vae = vae.eval() if vae.dtype == dtype else vae.eval().to(dtype)
        channels = self.vae.config.z_dim
        self.mean = torch.tensor(self.vae.config.latents_mean, dtype=torch.float32).view(1, channels, 1, 1, 1)
        self.std = torch.tensor(self.vae.config.latents_std, dtype=torch.float32).view(1, channels, 1, 1, 1)
        self.dtype = dtype

    @classmethod
    def load(cls, directory: Path, dtype: torch.dtype) -> VideoVAE:
        """From diffusers' vae/ folder (safetensors)."""
        from diffusers import AutoencoderKLWan

        return cls(AutoencoderKLWan.from_pretrained(str(directory), dtype=dtype, use_safetensors=True), dtype)

    @property
    def spatial(self) -> int:
        return int(self.vae.config.scale_factor_spatial)

    @property
    def temporal(self) -> int:
        return int(self.vae.config.scale_factor_temporal)

    def to(self, device: str) -> VideoVAE:
        self.vae.to(device)
        return self

    def tiling(self, on: bool) -> None:
        if on:
            self.vae.enable_tiling()
        else:
            self.vae.disable_tiling()

    @torch.inference_mode()
    def encode_image(self, rgb: np.ndarray) -> torch.Tensor:
        """The normalised latent (1, 48, 1, h/16, w/16) of one (h, w, 3) uint8 image."""
        device = self.vae.device
        pixels = torch.from_numpy(np.array(rgb, dtype=np.uint8)).to(device, torch.float32)
        pixels = (pixels / 127.5 - 1.0).permute(2, 0, 1)[None, :, None].to(self.dtype)
        latent = self.vae.encode(pixels).latent_dist.mode().float()
        return (latent - self.mean.to(device)) / self.std.to(device)

    @torch.inference_mode()
    def decode(self, latent: torch.Tensor) -> np.ndarray:
        """Frames (n, h, w, 3) uint8 of a normalised latent (1, 48, t, h', w')."""
        device = self.vae.device
        raw = latent.to(device, torch.float32) * self.std.to(device) + self.mean.to(device)
        video = self.vae.decode(raw.to(self.dtype)).sample.float().clamp(-1.0, 1.0)
        frames = ((video[0].permute(1, 2, 3, 0) + 1.0) * 127.5).round().clamp(0, 255)
        return frames.to(torch.uint8).cpu().numpy()
