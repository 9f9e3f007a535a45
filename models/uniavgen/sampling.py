"""Sampling UniAVGen: pure functions for the schedule, the guidance and the flow-matching Euler step,
and a `sample` loop over them.

Each step runs the model twice: on the conditions and on the unconditional ones (negative prompt,
negative speech text). Over the first `macfg_prop` of the steps the unconditional pass also runs
without any audio-video interaction (modality-aware CFG), and it always skips one block
(skip-layer guidance). The tasks differ by which interaction each pass may use and by what is
pinned: the conditioning video frames (all frames for V2A) and, for A2V, the conditioning mel.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import IntEnum

import numpy as np
import torch

from auteur.core.errors import InputError
from auteur.models.uniavgen.conditions import Conditions

__all__ = ["Conditions", "SamplerSettings", "Task", "euler_step", "guided", "macfg_active", "pass_switches", "sample",
           "timesteps"]


class Task(IntEnum):
    AVG = 0  # audio and video from text and a reference picture
    RAVG = 1  # the same, in the voice of a reference recording
    A2V = 2  # video for given speech
    V2A = 3  # speech for a given video


@dataclass(frozen=True)
class SamplerSettings:
    steps: int = 50
    shift: float = 5.0
    video_scale: float = 3.0
    audio_scale: float = 2.0
    macfg_prop: float = 0.5  # share of the first steps whose unconditional pass has no interaction
    slg_layer: int | None = 11  # block the unconditional pass skips (None or 0: none, as in the reference)
    num_timesteps: int = 1000


def timesteps(steps: int, shift: float, num_timesteps: int = 1000, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    """steps + 1 timesteps from num_timesteps down to 0: evenly spaced to 1, then 0, each shifted
    t -> shift*t / (1 + (shift-1)*t) on the unit scale; cast to `dtype` (the model's, as the reference does)."""
    if steps < 1:
        raise InputError(f"UniAVGen sampling steps {steps}: need at least 1")
    t = torch.from_numpy(np.append(np.linspace(num_timesteps, 1, steps, dtype=np.float32), np.float32(0.0)))
    t = t / num_timesteps
    return (shift * t / (1 + (shift - 1) * t) * num_timesteps).to(dtype)


def macfg_active(step: int, settings: SamplerSettings) -> bool:
    """Whether step `step` (0-based) runs its unconditional pass without interaction."""
    return step < int(settings.macfg_prop * settings.steps)


def pass_switches(task: Task, step: int, settings: SamplerSettings) -> tuple[dict, dict]:
    """Model keyword arguments of the conditional and the unconditional pass at `step`."""
    cond: dict = {}
    uncond: dict = {"zero_con": macfg_active(step, settings)}
    if settings.slg_layer:
        uncond["skip_layer"] = settings.slg_layer
    if task in (Task.RAVG, Task.A2V):
        cond["no_v2a"] = True
    if task == Task.A2V:
        uncond["no_v2a"] = True
    if task == Task.V2A:
        cond["no_a2v"] = uncond["no_a2v"] = True
    return cond, uncond


def guided(cond: torch.Tensor, uncond: torch.Tensor, scale: float) -> torch.Tensor:
    return uncond + scale * (cond - uncond)


def euler_step(latent: torch.Tensor, velocity: torch.Tensor, t_now: torch.Tensor, t_next: torch.Tensor,
               num_timesteps: int = 1000) -> torch.Tensor:
    """One flow-matching Euler step from t_now to t_next (velocity = noise - data)."""
    return latent - velocity * ((t_now - t_next) / num_timesteps)


def check_task(task: Task, cond: Conditions, frames: int) -> None:
    if task == Task.RAVG and cond.ref_mel is None:
        raise InputError("UniAVGen RAVG needs the reference voice's mel (Conditions.ref_mel)")
    if task == Task.A2V and cond.cond_mel is None:
        raise InputError("UniAVGen A2V needs the speech's mel (Conditions.cond_mel)")
    if task == Task.V2A and (cond.cond_video is None or cond.cond_video.shape[1] != frames):
        raise InputError(f"UniAVGen V2A needs the video's {frames} latent frames (Conditions.cond_video)")


def pin(video: torch.Tensor, audio: torch.Tensor, cond: Conditions) -> tuple[torch.Tensor, torch.Tensor]:
    """The latents with the conditioning frames (and conditioning mel) written in."""
    frames = cond.video_frames.to(video)
    video = torch.cat([frames.unsqueeze(0), video[:, :, frames.shape[1]:]], dim=2)
    if cond.cond_mel is not None:
        mel = cond.cond_mel.to(audio)
        audio = torch.cat([mel.unsqueeze(0), audio[:, mel.shape[0]:]], dim=1)
    return video, audio


@torch.no_grad()
def sample(model: Callable, cond: Conditions, uncond: Conditions, settings: SamplerSettings, task: Task,
           noise_video: torch.Tensor, noise_audio: torch.Tensor,
           progress: Callable[[int, int], None] | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """Denoise noise_video [C, F, h, w] and noise_audio [T, mel] into a video latent and a normalised mel.

    `model` is a UniAVGen (or anything called like one with a `dtype`); `progress(done, total)` runs after each step.
    """
    task = Task(task)
    check_task(task, cond, noise_video.shape[1])
    device = getattr(model, "device", noise_video.device)
    ts = timesteps(settings.steps, settings.shift, settings.num_timesteps, model.dtype).to(device)
    # latents accumulate in float32 whatever the model's dtype (the reference's do too: its
    # predictions are float32); the model casts its inputs
    video = noise_video.unsqueeze(0).to(device, torch.float32)
    audio = noise_audio.unsqueeze(0).to(device, torch.float32)
    video, audio = pin(video, audio, cond)
    for i in range(settings.steps):
        cond_kw, uncond_kw = pass_switches(task, i, settings)
        c = model(video, audio, ts[i], cond, **cond_kw)
        u = model(video, audio, ts[i], uncond, **uncond_kw)
        video = euler_step(video, guided(c.video, u.video, settings.video_scale), ts[i], ts[i + 1], settings.num_timesteps)
        audio = euler_step(audio, guided(c.audio, u.audio, settings.audio_scale), ts[i], ts[i + 1], settings.num_timesteps)
        video, audio = pin(video, audio, cond)
        if progress is not None:
            progress(i + 1, settings.steps)
    return video[0], audio[0]
