"""The `ltx2` ShotRenderer: LTX-2 joint audio+video image-to-video through diffusers.

The keyframe and a prompt naming the action, the camera, every spoken line with its speaker and
the ambience go into `LTX2ImageToVideoPipeline`; the picture and a stereo soundtrack come out of
the same denoising run, so lips move with the speech the model itself makes. The audio is muxed
at the vocoder's own sample rate.

Modality-aware guidance (the idea of UniAVGen's MA-CFG) is LTX-2's modality isolation guidance:
each step also runs the transformer with the audio-to-video and video-to-audio cross-attention
switched off, and moves the prediction away from that isolated one,
`pred + (scale - 1) * (pred - pred_isolated)`, which strengthens exactly the cross-modal part of
the prediction (lip sync, sounds that belong to what is seen). Default on, scale 3.0 for video and
audio (Lightricks' recommendation for LTX-2.3); `ma_cfg = false` is the plain pipeline.

Two settings trade quality for speed (the `studio-fast` profile uses both):

* `schedule = "distilled"` walks LTX-2's distilled sigma schedule (8 values, unshifted) with one
  transformer call per step and no guidance of any kind: what the distilled checkpoints are trained
  for. With the base (dev) checkpoint it blurs motion and detail; use a distilled checkpoint.
* `guidance_until_sigma` keeps the extra guidance passes (MA-CFG, STG) only on the noisy steps,
  where composition and sync are decided; the late steps, which refine texture, run without them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch

from auteur.models.gpu import memory, shot
from auteur.models.gpu.backend import GpuBackend
from auteur.models.gpu.memory import MemoryLevel, MemorySettings
from auteur.models.gpu.pipelines import PIPELINES, ModelRef, load_diffusers
from auteur.models.gpu.settings import check_frame_size, check_range
from auteur.models.renderer import Progress, RenderedClip, RenderRequest
from auteur.core.errors import InputError

RENDERER_VERSION = 2  # 2: frames at the film's aspect ratio (was the settings' width x height)
FRAME_STEP = 8  # LTX-2's video VAE compresses time 8x, causally: clips are 8k + 1 frames
SCHEDULES = ("default", "distilled")
TRANSFORMER = "LTX2VideoTransformer3DModel"


@dataclass(frozen=True)
class Ltx2Settings:
    model: str = "Lightricks/LTX-2"  # hub repo id (diffusers layout) or a local directory
    revision: str = ""  # a commit or tag to pin the hub model to; "" is the default branch
    device: str = "auto"  # auto (cuda when present), cuda, cuda:1, cpu
    # the pixel budget of a generated frame; the frame takes the film's aspect ratio at about this
    # many pixels, in multiples of 32 (768x512 for a 3:2 film, 832x480 for 16:9), and ffmpeg scales it
    width: int = 768
    height: int = 512
    steps: int = 40  # the default schedule's steps; the distilled schedule has its own 8
    schedule: str = "default"  # default | distilled (see the module docstring)
    guidance_until_sigma: float = 0.0  # MA-CFG and STG passes only while sigma >= this; 0 = every step
    guidance_scale: float = 4.0  # text CFG on the picture
    audio_guidance_scale: float = 7.0  # text CFG on the sound (Lightricks advise higher than video)
    guidance_rescale: float = 0.0
    stg_scale: float = 0.0  # spatio-temporal guidance, off by default (one more pass per step)
    stg_block: int = 29  # the block STG perturbs (29 for LTX-2.0, 28 for LTX-2.3)
    ma_cfg: bool = True  # modality-aware guidance, see the module docstring
    ma_cfg_scale: float = 3.0  # on the video prediction; 1.0 is none
    ma_cfg_audio_scale: float = 3.0  # on the audio prediction
    cross_timestep: bool = False  # True for LTX-2.3/2.5 checkpoints, False for LTX-2.0
    image_crf: int = -1  # H.264 CRF the keyframe is re-compressed with first; -1 = the model's default
    max_sequence_length: int = 1024  # prompt tokens (LTX-2 is trained with 1024)
    negative_prompt: str = "worst quality, inconsistent motion, blurry, jittery, distorted, muffled speech"
    max_seconds: float = 20.0  # the longest shot the model is asked for
    lead_in_s: float = 0.4  # before the first line
    gap_s: float = 0.3  # between lines
    tail_s: float = 0.6  # after the last line
    crf: int = 18
    memory: MemorySettings = field(default_factory=MemorySettings)

    def __post_init__(self) -> None:
        check_frame_size("ltx2", self.width, self.height)
        check_range("ltx2", "steps", self.steps, 1, 200)
        check_range("ltx2", "ma_cfg_scale", self.ma_cfg_scale, 1.0, 20.0)
        check_range("ltx2", "ma_cfg_audio_scale", self.ma_cfg_audio_scale, 1.0, 20.0)
        check_range("ltx2", "max_seconds", self.max_seconds, 1.0, 60.0)
        check_range("ltx2", "image_crf", self.image_crf, -1, 51)
        check_range("ltx2", "guidance_until_sigma", self.guidance_until_sigma, 0.0, 1.0)
        if self.schedule not in SCHEDULES:
            raise InputError(f"ltx2 renderer setting schedule={self.schedule!r}: must be one of {', '.join(SCHEDULES)}")
        memory.check_step_cache("ltx2", TRANSFORMER, self.memory)

    def ref(self) -> ModelRef:
        return ModelRef(self.model, self.revision or None)


class Ltx2Renderer(GpuBackend):
    """Keyframe + shot prompt -> picture and sound from one LTX-2 run; see the module docstring."""

    name = "ltx2"
    settings_type = Ltx2Settings
    renderer_version = RENDERER_VERSION

    def __init__(self, **settings: Any) -> None:
        self._setup(settings)
        self.config.ref().require("ltx2 renderer")  # fail before any planning, not at the first shot
        self._given = None

    @classmethod
    def from_pipeline(cls, pipe: Any, **settings: Any) -> Ltx2Renderer:
        """A renderer over a pipeline already in memory (built at real size in bf16 on the GPU for a
        benchmark): no checkpoint on disk, no save and reload of 19 B parameters."""
        self = cls.__new__(cls)
        self._setup(settings)
        self._given = pipe
        return self


    def call_arguments(self, request: RenderRequest) -> tuple[dict[str, Any], list, float]:
        """The pipeline's arguments for a shot (but the image), the line timings, and the clip's seconds."""
        cfg = self.config
        lines, speech_s = shot.estimated_lines(request, cfg.lead_in_s, cfg.gap_s)
        needed = speech_s + cfg.tail_s if lines else 0.0
        seconds = max(request.shot.duration, needed)
        if seconds > cfg.max_seconds:
            raise InputError(f"shot {request.shot.id}: its dialogue needs {seconds:.1f} s but the ltx2 renderer makes "
                             f"at most {cfg.max_seconds:g} s a shot; split the shot or raise max_seconds")
        frames = shot.frame_count(seconds, request.video.fps, FRAME_STEP)
        width, height = self.frame_size(request.video)
        args = dict(
            prompt=shot.shot_prompt(request, with_dialogue=True), negative_prompt=cfg.negative_prompt,
            height=height, width=width, num_frames=frames, frame_rate=float(request.video.fps),
            use_cross_timestep=cfg.cross_timestep, image_crf=None if cfg.image_crf < 0 else cfg.image_crf,
            max_sequence_length=cfg.max_sequence_length, output_type="np", **self.sampling())
        return args, lines, frames / request.video.fps

    def step_callback(self, steps: int, progress: Progress | None = None):
        """The pipeline's `callback_on_step_end`: reports progress, and closes the guidance interval."""
        floor = self.config.guidance_until_sigma

        def step_done(pipe, i, t, tensors):
            if progress is not None:
                progress(0.9 * (i + 1) / steps)
            if floor > 0 and i + 1 < steps and float(pipe.scheduler.sigmas[i + 1]) < floor:
                end_extra_guidance(pipe)
            return {}

        return step_done

    def sampling(self) -> dict[str, Any]:
        """The schedule and guidance arguments: the distilled schedule's, or the settings' own."""
        cfg = self.config
        if cfg.schedule == "distilled":
            from diffusers.pipelines.ltx2.utils import DISTILLED_SIGMA_VALUES

            # trained without guidance: every scale at its "off" value, so each step is one transformer call
            return dict(sigmas=list(DISTILLED_SIGMA_VALUES), num_inference_steps=len(DISTILLED_SIGMA_VALUES),
                        guidance_scale=1.0, audio_guidance_scale=1.0, guidance_rescale=0.0,
                        audio_guidance_rescale=0.0, stg_scale=0.0, audio_stg_scale=0.0,
                        spatio_temporal_guidance_blocks=None, modality_scale=1.0, audio_modality_scale=1.0)
        video_ma, audio_ma = (cfg.ma_cfg_scale, cfg.ma_cfg_audio_scale) if cfg.ma_cfg else (1.0, 1.0)
        return dict(num_inference_steps=cfg.steps, guidance_scale=cfg.guidance_scale,
                    audio_guidance_scale=cfg.audio_guidance_scale, guidance_rescale=cfg.guidance_rescale,
                    audio_guidance_rescale=cfg.guidance_rescale, stg_scale=cfg.stg_scale, audio_stg_scale=cfg.stg_scale,
                    spatio_temporal_guidance_blocks=[cfg.stg_block] if cfg.stg_scale > 0 else None,
                    modality_scale=video_ma, audio_modality_scale=audio_ma)

    def render(self, request: RenderRequest, out: Path, progress: Progress | None = None) -> RenderedClip:
        """Write the clip to `out` (an .mp4 path) and return what was spoken when."""
        args, lines, seconds = self.call_arguments(request)
        image = shot.load_keyframe(request, (args["width"], args["height"]))
        step_done = self.step_callback(args["num_inference_steps"], progress)

        def attempt(level: MemoryLevel):
            with PIPELINES.use("ltx2", self.device, (self.config, level), self._build) as pipe:
                generator = torch.Generator("cpu").manual_seed(shot.shot_seed(request, "ltx2"))
                with torch.inference_mode():
                    return pipe(image=image, generator=generator, callback_on_step_end=step_done, **args), \
                        int(pipe.vocoder.config.output_sampling_rate)

        output, rate = self.memory.run(request.shot.id, attempt)
        frames = shot.to_frames(output.frames)
        sound = output.audio[0].float().cpu().numpy().T  # (channels, samples) -> (samples, channels)
        if sound.shape[1] == 1:
            sound = np.repeat(sound, 2, axis=1)
        # the vocoder's length is the picture's to within a hop; pad or trim to the frame exactly
        sound = shot.fit(np.clip(sound, -1.0, 1.0), round(len(frames) / request.video.fps * rate))
        duration = shot.write_clip(out, frames, sound, rate, request, crf=self.config.crf, progress=progress)
        return RenderedClip(path=out, duration=duration, lines=lines)

    def _build(self, key: tuple[Ltx2Settings, MemoryLevel]):
        from diffusers import LTX2ImageToVideoPipeline

        config, level = key
        if self._given is not None:
            pipe = self._given
        else:
            pipe = load_diffusers(LTX2ImageToVideoPipeline, config.ref(),
                                  memory.compute_dtype(config.memory, self.device))
        if config.schedule == "distilled":
            pipe.scheduler = distilled_scheduler(pipe.scheduler)
        pipe.set_progress_bar_config(disable=True)
        return memory.apply(pipe, level, config.memory, self.device)


def distilled_scheduler(scheduler: Any) -> Any:
    """The checkpoint's flow-matching scheduler set to walk given sigmas exactly.

    The distilled sigmas are the noise levels the model was distilled at: the base checkpoint's
    resolution-dependent shift (and terminal stretch) would move them off those levels.
    """
    from diffusers import FlowMatchEulerDiscreteScheduler

    return FlowMatchEulerDiscreteScheduler.from_config(
        scheduler.config, use_dynamic_shifting=False, shift=1.0, shift_terminal=None, use_karras_sigmas=False,
        use_exponential_sigmas=False, use_beta_sigmas=False, invert_sigmas=False)


def end_extra_guidance(pipe: Any) -> None:
    """Switch off the MA-CFG and STG passes for the rest of this call.

    diffusers' LTX-2 pipeline reads these scales afresh at every step (the text-CFG batch is fixed
    at the first step, so text guidance stays); turning them off ends the extra transformer passes.
    """
    pipe._modality_scale = pipe._audio_modality_scale = 1.0
    pipe._stg_scale = pipe._audio_stg_scale = 0.0
