"""The `wan` ShotRenderer: Wan 2.2 image-to-video for the picture, VITS for the dialogue, Stable Audio
Open for the ambience, mixed with the ambience ducked under the speech.

Speech comes first because it fixes the length: every line is spoken (never cut), laid end to end
after a lead-in, and the picture is made long enough to cover it (Wan's VAE takes 4k + 1 frames).
The ambience bed is generated once per shot (Stable Audio Open makes at most ~47 s) and looped
with a crossfade to the clip's length.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch

from auteur.models.draft.renderer import Take, stereo_position
from auteur.models.gpu import memory, shot
from auteur.models.gpu.backend import GpuBackend
from auteur.models.gpu.memory import MemoryLevel, MemorySettings
from auteur.models.gpu.pipelines import PIPELINES, ModelRef, load_diffusers
from auteur.models.gpu.settings import check_frame_size, check_range
from auteur.models.gpu.tts import VitsSpeech
from auteur.models.renderer import Progress, RenderedClip, RenderRequest, SpokenLine
from auteur.core.errors import InputError
from auteur.tools.sound.audio import db_to_gain, duck, limit, pan, resample, rms_db

RENDERER_VERSION = 2  # 2: frames at the film's aspect ratio (was the settings' width x height)
FRAME_STEP = 4  # Wan's VAE compresses time 4x, causally: clips are 4k + 1 frames


@dataclass(frozen=True)
class WanSettings:
    model: str = "Wan-AI/Wan2.2-TI2V-5B-Diffusers"  # hub repo id (diffusers layout) or a local directory
    revision: str = ""
    tts_model: str = "kakao-enterprise/vits-vctk"
    tts_revision: str = ""
    ambience_model: str = "stabilityai/stable-audio-open-1.0"
    ambience_revision: str = ""
    device: str = "auto"
    # the pixel budget of a frame (TI2V-5B's 720p is 1280x704); the frame takes the film's aspect ratio
    # at about this many pixels, in multiples of 32, as in the ltx2 renderer
    width: int = 1280
    height: int = 704
    steps: int = 50
    guidance_scale: float = 5.0
    max_sequence_length: int = 512  # prompt tokens (UMT5, as Wan is trained)
    negative_prompt: str = "blurry, static, distorted faces, extra limbs, subtitles, watermark, low quality"
    ambience_steps: int = 100
    ambience_guidance: float = 7.0
    ambience_seconds: float = 10.0  # bed generated per shot, looped to the clip's length
    max_seconds: float = 20.0
    lead_in_s: float = 0.4
    gap_s: float = 0.3
    tail_s: float = 0.6
    speech_db: float = -20.0  # RMS each line is brought to
    ambience_db: float = -32.0  # RMS of the bed before ducking
    duck_db: float = 10.0
    crf: int = 18
    memory: MemorySettings = field(default_factory=MemorySettings)

    def __post_init__(self) -> None:
        check_frame_size("wan", self.width, self.height)
        check_range("wan", "steps", self.steps, 1, 200)
        check_range("wan", "ambience_steps", self.ambience_steps, 1, 500)
        check_range("wan", "ambience_seconds", self.ambience_seconds, 0.5, 47.0)
        check_range("wan", "max_seconds", self.max_seconds, 1.0, 60.0)
        check_range("wan", "duck_db", self.duck_db, 0.0, 60.0)
        memory.check_step_cache("wan", "WanTransformer3DModel", self.memory)

    def refs(self) -> dict[str, ModelRef]:
        return {"wan video": ModelRef(self.model, self.revision or None),
                "wan speech": ModelRef(self.tts_model, self.tts_revision or None, index="config.json"),
                "wan ambience": ModelRef(self.ambience_model, self.ambience_revision or None)}


class WanRenderer(GpuBackend):
    """Wan 2.2 picture + VITS dialogue + Stable Audio ambience; see the module docstring."""

    name = "wan"
    settings_type = WanSettings
    renderer_version = RENDERER_VERSION

    def __init__(self, **settings: Any) -> None:
        self._setup(settings)
        for what, ref in self.config.refs().items():
            ref.require(f"{what} renderer")
        self._given = None

    @classmethod
    def from_pipeline(cls, pipe: Any, **settings: Any) -> WanRenderer:
        """A renderer over a video pipeline already in memory (built at real size in bf16 on the GPU
        for a benchmark); speech and ambience still load from their models."""
        self = cls.__new__(cls)
        self._setup(settings)
        for what, ref in self.config.refs().items():
            if what != "wan video":
                ref.require(f"{what} renderer")
        self._given = pipe
        return self


    # ---------------------------------------------------------------- sound

    def record_dialogue(self, request: RenderRequest) -> tuple[list[Take], int]:
        """Every line in its speaker's voice, end to end after the lead-in; the takes and samples needed."""
        cfg, rate = self.config, request.video.sample_rate
        cast = shot.cast_of(request)
        takes, cursor = [], round(cfg.lead_in_s * rate)
        ref = self.config.refs()["wan speech"]
        with PIPELINES.use("wan-tts", self.device, ref, lambda r: VitsSpeech(r, self.device)) as tts:
            for line in request.shot.dialogue:
                speech = resample(tts.speak(line.line, cast[line.speaker]), tts.sample_rate, rate)
                if speech.size == 0:
                    continue
                level = rms_db(speech)
                if np.isfinite(level):
                    speech = speech * db_to_gain(cfg.speech_db - level)
                takes.append(Take(line.speaker, line.line, speech.astype(np.float32), cursor))
                cursor += len(speech) + round(cfg.gap_s * rate)
        if not takes:
            return [], 0
        return takes, takes[-1].start + len(takes[-1].samples) + round(cfg.tail_s * rate)

    def ambience(self, request: RenderRequest, samples: int, level: MemoryLevel) -> np.ndarray:
        """A Stable Audio Open bed for the shot's place, looped to `samples` at the clip's rate."""
        cfg, rate = self.config, request.video.sample_rate
        ref = self.config.refs()["wan ambience"]
        with PIPELINES.use("wan-ambience", self.device, (ref, level), self._build_ambience) as pipe:
            longest = pipe.transformer.config.sample_size * pipe.vae.hop_length / pipe.vae.sampling_rate
            seconds = min(cfg.ambience_seconds, longest, samples / rate + 1.0)
            generator = torch.Generator("cpu").manual_seed(shot.shot_seed(request, "ambience"))
            with torch.inference_mode():
                audio = pipe(prompt=shot.ambience_prompt(request), negative_prompt="speech, talking, music, low quality",
                             num_inference_steps=cfg.ambience_steps, guidance_scale=cfg.ambience_guidance,
                             audio_end_in_s=seconds, generator=generator).audios[0]
            source_rate = int(pipe.vae.sampling_rate)
        bed = resample(audio.float().cpu().numpy().T, source_rate, rate)
        if bed.ndim == 1 or bed.shape[1] == 1:
            bed = np.repeat(bed.reshape(len(bed), 1), 2, axis=1)
        bed = loop_to(bed, samples, round(0.5 * rate))
        level_db = rms_db(bed)
        return bed * db_to_gain(cfg.ambience_db - level_db) if np.isfinite(level_db) else bed

    def mix(self, request: RenderRequest, takes: list[Take], bed: np.ndarray) -> np.ndarray:
        """Dialogue panned toward each speaker over the bed ducked under it, through a limiter."""
        rate = request.video.sample_rate
        dialogue = np.zeros((len(bed), 2), dtype=np.float32)
        for take in takes:
            placed = pan(take.samples, stereo_position(request.shot, take.speaker))
            dialogue[take.start : take.start + len(placed)] += placed[: len(bed) - take.start]
        bed = duck(bed, dialogue, sample_rate=rate, amount_db=self.config.duck_db)
        return limit(dialogue + bed, sample_rate=rate, ceiling_db=-1.0)

    # ---------------------------------------------------------------- picture

    def render(self, request: RenderRequest, out: Path, progress: Progress | None = None) -> RenderedClip:
        """Write the clip to `out` (an .mp4 path) and return what was spoken when."""
        cfg, video = self.config, request.video
        width, height = self.frame_size(video)
        image = shot.load_keyframe(request, (width, height))
        takes, needed = self.record_dialogue(request)
        seconds = max(request.shot.duration, needed / video.sample_rate)
        if seconds > cfg.max_seconds:
            raise InputError(f"shot {request.shot.id}: its dialogue needs {seconds:.1f} s but the wan renderer makes "
                             f"at most {cfg.max_seconds:g} s a shot; split the shot or raise max_seconds")
        frames_wanted = shot.frame_count(seconds, video.fps, FRAME_STEP)

        def step_done(pipe, i, t, tensors):
            if progress is not None:
                progress(0.8 * (i + 1) / cfg.steps)
            return {}

        def attempt(level: MemoryLevel):
            with PIPELINES.use("wan", self.device, (cfg, level), self._build_video) as pipe:
                generator = torch.Generator("cpu").manual_seed(shot.shot_seed(request, "wan"))
                with torch.inference_mode():
                    result = pipe(image=image, prompt=shot.shot_prompt(request, with_dialogue=False),
                                  negative_prompt=cfg.negative_prompt, height=height, width=width,
                                  num_frames=frames_wanted, num_inference_steps=cfg.steps,
                                  guidance_scale=cfg.guidance_scale, generator=generator, output_type="np",
                                  max_sequence_length=cfg.max_sequence_length,
                                  callback_on_step_end=step_done).frames
            samples = round(frames_wanted * video.sample_rate / video.fps)
            return result, self.ambience(request, samples, level)

        result, bed = self.memory.run(request.shot.id, attempt)
        frames = shot.to_frames(result)
        bed = shot.fit(bed, round(len(frames) * video.sample_rate / video.fps))
        sound = self.mix(request, takes, bed)
        duration = shot.write_clip(out, frames, sound, video.sample_rate, request, crf=cfg.crf, progress=progress)
        rate = video.sample_rate
        lines = [SpokenLine(t.speaker, t.text, t.start / rate, (t.start + len(t.samples)) / rate) for t in takes]
        return RenderedClip(path=out, duration=duration, lines=lines)

    def _build_video(self, key: tuple[WanSettings, MemoryLevel]):
        from diffusers import WanImageToVideoPipeline

        config, level = key
        if self._given is not None:
            pipe = self._given
        else:
            pipe = load_diffusers(WanImageToVideoPipeline, config.refs()["wan video"],
                                  memory.compute_dtype(config.memory, self.device))
        pipe.set_progress_bar_config(disable=True)
        return memory.apply(pipe, level, config.memory, self.device)

    def _build_ambience(self, key: tuple[ModelRef, MemoryLevel]):
        from diffusers import StableAudioPipeline

        ref, level = key
        # Stable Audio Open is trained in float32 and small beside the video model: loaded in float32 everywhere
        pipe = load_diffusers(StableAudioPipeline, ref, torch.float32)
        pipe.set_progress_bar_config(disable=True)
        return memory.apply(pipe, MemoryLevel(level.offload, False), MemorySettings(), self.device)


def loop_to(x: np.ndarray, n: int, crossfade: int) -> np.ndarray:
    """Repeat `x` to n samples, crossfading each repeat into the next so the seam is not heard."""
    x = np.asarray(x, dtype=np.float32)
    if len(x) >= n:
        return x[:n].copy()
    crossfade = min(crossfade, len(x) // 2)
    if crossfade == 0:
        return shot.fit(np.tile(x, (n // max(len(x), 1) + 1, 1))[:n], n)
    ramp = np.linspace(0.0, 1.0, crossfade, dtype=np.float32)[:, None]
    out, cursor = np.zeros((n + len(x), x.shape[1]), dtype=np.float32), 0
    while cursor < n:
        piece = x.copy()
        if cursor:
            piece[:crossfade] *= ramp
        piece[-crossfade:] *= ramp[::-1]
        out[cursor : cursor + len(piece)] += piece
        cursor += len(x) - crossfade
    return out[:n]
