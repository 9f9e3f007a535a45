"""The two training losses as pure functions: next-token cross-entropy on text, and the
rectified-flow loss on noised latents (BAGEL's: t = sigmoid(N(0, 1)), warped by the timestep shift;
x_t = (1 - t) x0 + t noise; the network predicts the velocity noise - x0, which is what
generate_image.euler_step integrates from t = 1 down to 0)."""

from __future__ import annotations

import torch
import torch.nn.functional as F


def sample_timesteps(n: int, shift: float, generator: torch.Generator) -> torch.Tensor:
    """n timesteps in (0, 1), logit-normal, shifted toward noise when shift > 1 (as the sampler's schedule is)."""
    t = torch.sigmoid(torch.randn(n, generator=generator))
    return shift * t / (1 + (shift - 1) * t)


def noised(x0: torch.Tensor, noise: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    """The point at time t on the straight path from data (t = 0) to noise (t = 1)."""
    return (1 - t) * x0 + t * noise


def velocity_target(x0: torch.Tensor, noise: torch.Tensor) -> torch.Tensor:
    return noise - x0


def flow_loss(predicted: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    return F.mse_loss(predicted.float(), target.float())


def text_loss(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    return F.cross_entropy(logits.float(), labels)
