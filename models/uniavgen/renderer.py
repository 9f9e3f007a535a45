"""The `uniavgen` ShotRenderer: a character speaks the shot's lines, lips in sync, from one model.

UniAVGen's two branches denoise the picture (Wan 2.2 TI2V-5B latents) and the speech (log-mel) in
the same run, so the mouth moves with the words it says. The shot's keyframe is the reference image,
its visual prompt (with names for ID tokens, as the other GPU renderers write it) the video text,
its lines the speech content. A shot becomes one or more 5-s model calls (see `plan.py`), each
continuing from the last frame of the one before.

Which of the model's tasks a call runs:

* lines of a character who already has a reference voice: RAVG, the reference recording and its
  transcript leading the new line, so the voice carries over from shot to shot;
* lines of a character speaking for the first time: AVG, and that take becomes the character's
  reference (`first_voice = "model"`); or, with `first_voice = "draft"`, the line drafted with
  espeak becomes the reference and the call is RAVG;
* lines in a language the model was not trained on (it knows English and Chinese): A2V, the line
  spoken by espeak in that language and the face driven by it;
* no lines: AVG with an empty transcript, the picture with its own room tone.

V2A (sound for a given video) is not used: no shot has a finished picture before it is rendered.
A speaker's lines get the whole call to themselves; the model animates the face the reference image
shows most, so two-hander shots are best drawn with the speaker in front.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections import deque
import hashlib
import json
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import numpy as np
import torch

from auteur.core.errors import InputError
from auteur.core.schema import Character
from auteur.models.gpu import shot
from auteur.models.gpu.backend import GpuBackend
from auteur.models.gpu.memory import MemoryLevel, MemorySettings, compute_dtype
from auteur.models.gpu.pipelines import PIPELINES
from auteur.models.gpu.settings import check_frame_size, check_range
from auteur.models.renderer import Progress, RenderedClip, RenderRequest, SpokenLine
from auteur.models.uniavgen import mel as melspec
from auteur.models.uniavgen import plan as planning
from auteur.models.uniavgen import vocab as vocabulary
from auteur.models.uniavgen.config import MEL_MEAN, MEL_STD
from auteur.models.uniavgen.components import PUBLISHED, WAN_DIFFUSERS, Layout, locate
from auteur.models.uniavgen.voices import ReferenceVoice, VoiceBank
from auteur.tools.sound.audio import resample

RENDERER_VERSION = 1
SPOKEN = ("en", "zh")  # the languages the audio branch was trained on
FIRST_VOICES = ("model", "draft")


@dataclass(frozen=True)
class UniAVGenSettings:
    model: str = PUBLISHED  # hub repo id or local directory: transformer shards, vocoder, umt5 tokenizer
    revision: str = ""
    components: str = WAN_DIFFUSERS  # where text_encoder/, tokenizer/, vae/ are found when the model dir lacks them
    vocab: str = ""  # vocab.txt of the reference code; "" = <model>/vocab.txt
    device: str = "auto"
    # the pixel budget of a frame: the film's aspect ratio at about this many pixels, multiples of 32
    # (the published model runs at 720p: 1280x704 for 16:9)
    width: int = 1280
    height: int = 704
    steps: int = 50
    shift: float = 5.0
    video_scale: float = 3.0
    audio_scale: float = 2.0
    macfg_prop: float = 0.5  # share of the steps whose unconditional pass has no cross-modal interaction
    slg_layer: int = 11  # the block skipped in the unconditional pass; 0 for none (as the reference reads it)
    negative_prompt: str = ""  # the published inference runs with an empty negative video prompt
    max_segment_frames: int = planning.MAX_FRAMES  # frames a call makes (4k + 1); 81 is the trained 5 s
    max_seconds: float = 30.0  # the longest shot rendered (in consecutive calls)
    first_voice: str = "model"  # model | draft: where a character's reference voice comes from
    lead_in_s: float = 0.3
    gap_s: float = 0.3
    tail_s: float = 0.4
    crf: int = 18
    memory: MemorySettings = field(default_factory=MemorySettings)

    def __post_init__(self) -> None:
        check_frame_size("uniavgen", self.width, self.height)
        check_range("uniavgen", "steps", self.steps, 1, 200)
        check_range("uniavgen", "macfg_prop", self.macfg_prop, 0.0, 1.0)
        check_range("uniavgen", "max_seconds", self.max_seconds, 1.0, 120.0)
        check_range("uniavgen", "max_segment_frames", self.max_segment_frames, 5, 241)
        if (self.max_segment_frames - 1) % planning.FRAME_STEP:
            raise InputError(f"uniavgen renderer setting max_segment_frames={self.max_segment_frames}: must be "
                             f"4k + 1 (81 is the model's 5 s)")
        room = (self.max_segment_frames - 1) / planning.MODEL_FPS - self.lead_in_s - self.tail_s
        if room < 0.5:
            raise InputError(f"uniavgen renderer settings: a call of max_segment_frames={self.max_segment_frames} "
                             f"leaves {room:.2f} s for speech after lead_in_s and tail_s; leave at least 0.5 s")
        if self.first_voice not in FIRST_VOICES:
            raise InputError(f"uniavgen renderer setting first_voice={self.first_voice!r}: must be one of "
                             f"{', '.join(FIRST_VOICES)}")
        m = self.memory
        for name, value, plain in (("attention", m.attention, "sdpa"), ("step_cache", m.step_cache, "none"),
                                   ("fp8", m.fp8, "off"), ("compile", m.compile, False)):
            if value != plain:
                raise InputError(f"uniavgen renderer memory setting {name}={value!r}: not available for this "
                                 f"model (its transformer is ours, not diffusers'); use {name} = {plain!r}")


@dataclass
class Parts:
    """Everything a shot needs, loaded once per device and memory level."""

    model: Any  # the dual-branch transformer
    text: Any  # VideoTextEncoder
    vae: Any  # VideoVAE
    vocoder: Any  # Vocoder
    vocab: dict[str, int]
    mel_mean: float = MEL_MEAN
    mel_std: float = MEL_STD
    resident: bool = True  # False: each part is moved onto the device only while it works


@dataclass(frozen=True)
class Call:
    """One model call: its task and what conditions it (all tensors on the CPU)."""

    task: str  # AVG | RAVG | A2V
    symbols: list[str]
    uncond_symbols: list[str]
    reference_mel: torch.Tensor | None = None  # (frames, 80), normalised
    condition_mel: torch.Tensor | None = None
    reference: ReferenceVoice | None = None


class UniAVGenRenderer(GpuBackend):
    """Keyframe + lines -> picture and speech from UniAVGen; see the module docstring."""

    name = "uniavgen"
    settings_type = UniAVGenSettings
    renderer_version = RENDERER_VERSION

    def __init__(self, **settings: Any) -> None:
        self._setup(settings)
        self.layout: Layout | None = locate(self.config.model, self.config.components, self.config.vocab,
                                            self.config.revision or None)
        self._given: Parts | None = None

    @classmethod
    def from_parts(cls, parts: Parts, **settings: Any) -> UniAVGenRenderer:
        """A renderer over parts already in memory (built at real size on the GPU for a benchmark)."""
        self = cls.__new__(cls)
        self._setup(settings)
        self.layout = None
        self._given = parts
        return self

    def _setup(self, settings: dict[str, Any]) -> None:
        super()._setup(settings)
        # (shot id, call) of the latest calls, for tests and benchmarks (bounded: a call holds mels and a voice)
        self.calls: deque[tuple[str, Call]] = deque(maxlen=64)
        self._own_voices: dict[str, VoiceBank] = {}

    def voices(self, request: RenderRequest) -> VoiceBank:
        key = json.dumps({k: v for k, v in self.settings().items() if k not in ("crf", "device", "max_seconds")},
                         sort_keys=True, default=str)
        digest = hashlib.sha256(key.encode()).hexdigest()
        if request.workdir is None:  # no run: voices live as long as this renderer
            return self._own_voices.setdefault(digest, VoiceBank(None, digest))
        folder = request.workdir / "uniavgen-voices"
        shared = request.shared_dir / "uniavgen-voices" if request.shared_dir is not None else None
        with _banks_lock:  # one bank per run folder, shared by the renderers of every device
            return _banks.setdefault((folder, digest), VoiceBank(folder, digest, shared))

    # ---------------------------------------------------------------- planning

    def segments(self, request: RenderRequest) -> list[planning.Segment]:
        """The model calls a shot takes; refuses a shot longer than max_seconds."""
        cfg, cast = self.config, shot.cast_of(request)
        longest = (cfg.max_segment_frames - 1) / planning.MODEL_FPS - cfg.lead_in_s - cfg.tail_s
        parts = [p for line in request.shot.dialogue
                 for p in planning.split_line(line.speaker, line.line, cast[line.speaker].voice.rate, longest)]
        if request.language not in SPOKEN:  # the espeak takes that will drive the face: their own lengths
            parts = [dataclasses.replace(p, seconds=min(longest, len(draft_speech(p.text, cast[p.speaker],
                                                                                  request.language))
                                                        / melspec.SAMPLE_RATE)) for p in parts]
        segments = planning.plan(request.shot.duration, parts, max_frames=cfg.max_segment_frames,
                                 lead_in_s=cfg.lead_in_s, gap_s=cfg.gap_s, tail_s=cfg.tail_s)
        seconds = planning.joined_frames(segments) / planning.MODEL_FPS
        if seconds > cfg.max_seconds + 1.0 / planning.MODEL_FPS:
            raise InputError(f"shot {request.shot.id}: its dialogue needs {seconds:.1f} s but the uniavgen renderer "
                             f"makes at most {cfg.max_seconds:g} s a shot; split the shot or raise max_seconds")
        return segments

    def call_for(self, request: RenderRequest, segment: planning.Segment, parts: Parts, bank: VoiceBank) -> Call:
        """The task and conditioning of one segment (see the module docstring)."""
        if segment.speaker is None:
            return Call("AVG", [], [""])
        character = shot.cast_of(request)[segment.speaker]
        language = request.language
        if language not in SPOKEN:  # the transcript is still read, character by character, as the reference does
            speech = melspec.peaked(draft_speech(segment.text, character, language))
            fitted = shot.fit(speech, segment.mel_frames * melspec.HOP)
            condition = melspec.model_mel(fitted, parts.mel_mean, parts.mel_std)[: segment.mel_frames]
            return Call("A2V", list(segment.text), [""], condition_mel=condition)
        reference = bank.get(character)
        if reference is None and self.config.first_voice == "draft":
            reference = bank.keep(character, ReferenceVoice(draft_speech(segment.text, character, "en"),
                                                            segment.text, "draft", request.shot.id))
        symbols = vocabulary.speech_symbols(segment.text, language)
        if reference is None:
            return Call("AVG", symbols, [""])
        lead = vocabulary.speech_symbols(reference.text, language)
        reference_mel = melspec.model_mel(melspec.reference_wave(reference.wave), parts.mel_mean, parts.mel_std)
        return Call("RAVG", vocabulary.with_reference(lead, symbols), [*lead, " " if language != "zh" else ""],
                    reference_mel=reference_mel, reference=reference)

    # ---------------------------------------------------------------- rendering

    def render(self, request: RenderRequest, out: Path, progress: Progress | None = None) -> RenderedClip:
        """Write the clip to `out` (an .mp4 path) and return what was spoken when."""
        segments = self.segments(request)
        width, height = self.frame_size(request.video)
        keyframe = np.asarray(shot.load_keyframe(request, (width, height)))
        bank = self.voices(request)

        def attempt(level: MemoryLevel):
            with PIPELINES.use("uniavgen", self.device, (self.config, level), self._build) as parts:
                return self._render_segments(request, segments, keyframe, parts, bank, progress)

        pieces = self.memory.run(request.shot.id, attempt)
        frames, wave, lines = join(pieces, segments, request.shot.duration)
        frames = shot.retime(frames, planning.MODEL_FPS, request.video.fps)
        wave = shot.fit(wave, round(len(frames) / request.video.fps * melspec.SAMPLE_RATE))
        stereo = np.repeat(wave[:, None], 2, axis=1)
        duration = shot.write_clip(out, frames, stereo, melspec.SAMPLE_RATE, request, crf=self.config.crf,
                                   progress=progress)
        return RenderedClip(path=out, duration=duration, lines=lines)

    def _render_segments(self, request, segments, keyframe, parts: Parts, bank: VoiceBank, progress):
        cfg = self.config
        with self._on(parts, "text"):
            video_text = parts.text.encode(shot.shot_prompt(request, with_dialogue=False)).cpu()
            negative_text = parts.text.encode(cfg.negative_prompt).cpu()
        image, pieces = keyframe, []
        for i, segment in enumerate(segments):
            call = self.call_for(request, segment, parts, bank)
            self.calls.append((request.shot.id, call))
            with self._on(parts, "vae"):
                image_latent = parts.vae.encode_image(image)[0].cpu()
            latent, mel = self._sample(parts, call, segment, video_text, negative_text, image_latent,
                                       shot.shot_seed(request, f"uniavgen-{i}"), progress, i, len(segments))
            with self._on(parts, "vae"):
                frames = parts.vae.decode(latent)
            with self._on(parts, "vocoder"):
                wave = parts.vocoder.waveform(mel, parts.mel_mean, parts.mel_std)
            wave = shot.fit(np.clip(wave, -1.0, 1.0), segment.frames * planning.samples_per_frame(melspec.SAMPLE_RATE))
            if call.task == "AVG" and segment.speaker is not None and cfg.first_voice == "model":
                character = shot.cast_of(request)[segment.speaker]
                start, end = voiced_span(wave)
                bank.keep(character, ReferenceVoice(wave[start:end].copy(), segment.text, "model", request.shot.id))
            pieces.append((frames[: segment.frames], wave))
            image = frames[min(segment.frames, len(frames)) - 1]
        return pieces

    def _sample(self, parts: Parts, call: Call, segment: planning.Segment, video_text, negative_text, image_latent,
                seed: int, progress, index: int, count: int):
        from auteur.models.uniavgen import sampling

        cfg = self.config
        generator = torch.Generator("cpu").manual_seed(seed)
        channels, _, h, w = image_latent.shape
        noise_video = torch.randn(channels, segment.latent_frames, h, w, generator=generator)
        noise_audio = torch.randn(segment.mel_frames, melspec.N_MELS, generator=generator)
        settings = sampling.SamplerSettings(steps=cfg.steps, shift=cfg.shift, video_scale=cfg.video_scale,
                                            audio_scale=cfg.audio_scale, macfg_prop=cfg.macfg_prop,
                                            slg_layer=cfg.slg_layer or None)
        cond = conditions(parts, call.symbols, video_text, image_latent, call, self.device)
        uncond = conditions(parts, call.uncond_symbols, negative_text, image_latent, call, self.device)

        def step(done: int, total: int) -> None:
            if progress is not None:
                progress(0.9 * (index + done / total) / count)

        with self._on(parts, "model"), torch.inference_mode():
            video, mel = sampling.sample(parts.model, cond, uncond, settings, sampling.Task[call.task],
                                         noise_video.to(self.device), noise_audio.to(self.device), progress=step)
        mel = mel.float().cpu().clone()
        if call.condition_mel is not None:  # the given speech is kept as given
            mel[: len(call.condition_mel)] = call.condition_mel
        return video.float().cpu()[None], mel

    @contextlib.contextmanager
    def _on(self, parts: Parts, name: str) -> Iterator[None]:
        """Keep part `name` on the device while it works (offloading levels move it back after)."""
        part = getattr(parts, name)
        if parts.resident or self.device == "cpu":
            yield
            return
        part.to(self.device)
        try:
            yield
        finally:
            part.to("cpu")
            if torch.cuda.is_available():
                torch.cuda.empty_cache()

    def _build(self, key: tuple[UniAVGenSettings, MemoryLevel]) -> Parts:
        config, level = key
        if self._given is not None:
            parts = self._given
        else:
            parts = load_parts(self.layout, config, self.device)
        parts.resident = level.offload == "none"
        parts.vae.tiling(level.vae_tiling)
        target = self.device if parts.resident else "cpu"
        for name in ("model", "text", "vae", "vocoder"):
            getattr(parts, name).to(target)
        return parts


_banks: dict[tuple[Path, str], VoiceBank] = {}
_banks_lock = threading.Lock()


def load_parts(layout: Layout, config: UniAVGenSettings, device: str) -> Parts:
    """Every part from its folder (safetensors only), in the compute dtype, on the CPU."""
    from auteur.models.uniavgen.loading import load_transformer
    from auteur.models.uniavgen.text_encoder import VideoTextEncoder
    from auteur.models.uniavgen.vae import VideoVAE
    from auteur.models.uniavgen.vocoder import Vocoder

    dtype = compute_dtype(config.memory, device)
    short = {torch.bfloat16: "bf16", torch.float16: "fp16", torch.float32: "fp32"}[dtype]
    model = load_transformer(layout.transformer, dtype=short, device="cpu", download=False)
    text = VideoTextEncoder.load(layout.text_encoder, layout.tokenizer, dtype)
    text.text_len = model.config.text_len  # prompts are padded or cut to what the model was trained on (512)
    return Parts(model=model, text=text,
                 vae=VideoVAE.load(layout.vae, dtype), vocoder=Vocoder.load(layout.vocoder, dtype),
                 vocab=vocabulary.read_vocab(layout.vocab))


def conditions(parts: Parts, symbols: list[str], video_text: torch.Tensor, image_latent: torch.Tensor, call: Call,
               device: str):
    """One pass's conditioning in the sampler's terms, on `device` (the picture is the segment's first frame)."""
    from auteur.models.uniavgen.sampling import Conditions

    def on(x: torch.Tensor | None) -> torch.Tensor | None:
        return None if x is None else x.to(device)

    return Conditions(video_text=on(video_text), chars=on(vocabulary.symbol_ids(symbols, parts.vocab)[0]),
                      ref_image=on(image_latent), ref_mel=on(call.reference_mel), cond_mel=on(call.condition_mel))


def draft_speech(text: str, character: Character, language: str) -> np.ndarray:
    """The line spoken by espeak-ng in the character's draft voice: mono float32 at 24 kHz."""
    from auteur.tools.sound.speech import espeak_voice, synthesize

    samples, rate = synthesize(text, espeak_voice(character.voice, language))
    return resample(samples, rate, melspec.SAMPLE_RATE).astype(np.float32)


def voiced_span(wave: np.ndarray, floor_db: float = -40.0) -> tuple[int, int]:
    """First and last sample (end exclusive) of the 10-ms blocks within `floor_db` of the loudest one."""
    block = melspec.SAMPLE_RATE // 100
    n = len(wave) // block
    if n == 0:
        return 0, len(wave)
    energy = np.sqrt(np.mean(wave[: n * block].reshape(n, block) ** 2, axis=1)) + 1e-12
    loud = np.flatnonzero(20 * np.log10(energy / energy.max()) > floor_db)
    return int(loud[0]) * block, min(len(wave), (int(loud[-1]) + 1) * block)


def join(pieces: list[tuple[np.ndarray, np.ndarray]], segments: list[planning.Segment],
         duration: float) -> tuple[np.ndarray, np.ndarray, list[SpokenLine]]:
    """Segments joined into one clip (each continuation without its first frame), cut to the planned
    length unless the lines need more; and when each line is spoken, from the sound itself."""
    per_frame = planning.samples_per_frame(melspec.SAMPLE_RATE)
    frames, waves, lines, cursor = [], [], [], 0
    for i, ((picture, wave), segment) in enumerate(zip(pieces, segments)):
        skip = 1 if i else 0
        picture, wave = picture[skip:], wave[skip * per_frame :]
        if segment.parts:
            start, end = voiced_span(wave)
            weights = np.cumsum([0] + [max(1, len(p.text)) for p in segment.parts], dtype=np.float64)
            bounds = start + (end - start) * weights / weights[-1]
            rate = float(melspec.SAMPLE_RATE)
            for part, a, b in zip(segment.parts, bounds[:-1], bounds[1:]):
                lines.append(SpokenLine(part.speaker, part.text, round(float(cursor + a) / rate, 3),
                                        round(float(cursor + b) / rate, 3)))
        frames.append(picture)
        waves.append(wave)
        cursor += len(wave)
    picture, wave = np.concatenate(frames), np.concatenate(waves)
    spoken_until = max((ln.end for ln in lines), default=0.0)
    keep = max(int(np.ceil(duration * planning.MODEL_FPS - 1e-9)), int(np.ceil(spoken_until * planning.MODEL_FPS)))
    keep = min(keep, len(picture))
    return picture[:keep], wave[: keep * per_frame], lines
