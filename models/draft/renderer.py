"""The draft ShotRenderer: the keyframe animated by the shot's camera move, with espeak-ng
dialogue over a procedural ambience bed. CPU only, no weights, the same clip for the same request.

A render has three passes:
  1. the dialogue track: every line spoken in its character's voice, laid end to end after a
     lead-in, with gaps between lines and a tail after the last; this fixes the clip's length;
  2. the mix: dialogue panned toward the speaker, over ambience (and a music pad for score cues)
     ducked under the speech, through a gentle limiter;
  3. the picture: a crop window eased across the keyframe per frame, piped as raw frames into
     ffmpeg, which muxes them with the mix into an H.264 + AAC mp4.
"""

from __future__ import annotations

import math
import re
import zlib
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any, Iterator

import numpy as np
from PIL import Image

from auteur.models.renderer import Progress, RenderedClip, RenderRequest, SpokenLine
from auteur.core.atomic import atomic_path, scratch_dir
from auteur.core.errors import InputError
from auteur.core.schema import CameraMove, Character, Shot, Voice
from auteur.tools.sound.ambience import LEVEL_DB as AMBIENCE_LEVEL_DB
from auteur.tools.sound.ambience import ambience, music_pad
from auteur.tools.sound.audio import db_to_gain, duck, limit, pan, resample, write_wav
from auteur.tools.editing.ffmpeg import pipe_frames, x264_args
from auteur.tools.sound.speech import engine_version, espeak_voice, synthesize

# Bump when a change here changes the clips, so cached clips from older code are not reused.
RENDERER_VERSION = 2

X264_PRESETS = ("ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow")

# How far each camera move travels, as a zoom factor on the keyframe.
PUSH_ZOOM = 1.2  # push-in ends (pull-out starts) this much tighter
TRAVEL_ZOOM = 1.15  # pans and tilts crop this much tighter, leaving room to travel
STATIC_DRIFT_PER_S = 0.004  # a locked-off shot still creeps in a little, so a still never looks frozen

OVERSAMPLE = 2  # the plate's resolution over what the tightest window needs
PLATE_PIXELS = 40_000_000  # larger plates (4K frames) fall back to resampling each frame

PAN_WIDTH = 0.4  # a speaker at the frame's edge sits this far off centre in the stereo field

Box = tuple[float, float, float, float]  # a crop window: left, top, right, bottom in pixels

# Unvoiced characters (a Voice left at its defaults) would all sound alike; give each its own
# register from its token number instead, so <char1> and <char2> are told apart in every shot.
_DEFAULT_PITCH_LADDER = (0.0, -0.6, 0.6, -0.3, 0.3, -0.9, 0.9)


@dataclass(frozen=True)
class DraftSettings:
    lead_in_s: float = 0.4  # silence before the first line
    gap_s: float = 0.3  # silence between lines
    tail_s: float = 0.6  # silence after the last line
    crf: int = 20
    preset: str = "superfast"
    speech_db: float = -20.0  # RMS level each line is brought to
    ambience_db: float = -32.0  # RMS level of the ambience bed before ducking
    music_db: float = -30.0  # RMS level of the pad under a music cue
    duck_db: float = 10.0  # how far ambience and music dip under dialogue

    def __post_init__(self) -> None:
        for name in ("lead_in_s", "gap_s", "tail_s"):
            _check(name, getattr(self, name), 0.0, 10.0)
        for name in ("speech_db", "ambience_db", "music_db"):
            _check(name, getattr(self, name), -120.0, 0.0)
        _check("duck_db", self.duck_db, 0.0, 60.0)
        if isinstance(self.crf, bool) or not isinstance(self.crf, int) or not 0 <= self.crf <= 51:
            raise InputError(f"draft renderer setting crf={self.crf!r}: must be a whole number from 0 to 51")
        if self.preset not in X264_PRESETS:
            raise InputError(f"draft renderer setting preset={self.preset!r}: must be one of {', '.join(X264_PRESETS)}")


def _check(name: str, value: Any, low: float, high: float) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
        raise InputError(f"draft renderer setting {name}={value!r}: must be a number from {low:g} to {high:g}")


class DraftRenderer:
    """Animated keyframe + espeak-ng dialogue + procedural ambience; see the module docstring."""

    name = "draft"

    def __init__(self, **settings: Any) -> None:
        known = [f.name for f in fields(DraftSettings)]
        unknown = sorted(set(settings) - set(known))
        if unknown:
            raise InputError(f"unknown draft renderer setting {unknown[0]!r}; known settings: {', '.join(known)}")
        self.config = DraftSettings(**settings)

    def settings(self) -> dict[str, Any]:
        """Everything that changes the output; part of every cache key."""
        return {"renderer_version": RENDERER_VERSION, "espeak": engine_version(), **asdict(self.config)}

    def render(self, request: RenderRequest, out: Path, progress: Progress | None = None) -> RenderedClip:
        """Write the clip to `out` (an .mp4 path) and return what was spoken when."""
        out = Path(out)
        video, rate = request.video, request.video.sample_rate
        keyframe = _load_keyframe(request)  # first, so a missing keyframe fails before any work
        takes, needed = record_dialogue(request, self.config)
        duration = max(request.shot.duration, needed / rate)
        frames = math.ceil(duration * video.fps - 1e-9)
        samples = round(frames * rate / video.fps)
        mix = self._mix(request, takes, samples)
        fades = _fade_envelope(frames, video.fps, request.fade_in_s, request.fade_out_s)
        _fade_sound(mix, fades, rate // video.fps if rate % video.fps == 0 else rate / video.fps)
        windows = camera_path(request.shot, keyframe.size, (video.width, video.height), frames, video.fps)
        plate, windows, resampling = prepare_plate(keyframe, windows, (video.width, video.height))
        out.parent.mkdir(parents=True, exist_ok=True)
        with scratch_dir(out.parent, "draft") as scratch:  # held: a cache sweep leaves it alone
            wav = Path(scratch) / "mix.wav"
            write_wav(wav, mix, rate)
            with atomic_path(out) as tmp:
                self._encode(plate, windows, fades, resampling, wav, tmp, request, progress)
        lines = [SpokenLine(t.speaker, t.text, t.start / rate, (t.start + len(t.samples)) / rate) for t in takes]
        return RenderedClip(path=out, duration=frames / video.fps, lines=lines,
                            fades=(request.fade_in_s, request.fade_out_s))

    # ---------------------------------------------------------------- sound

    def _mix(self, request: RenderRequest, takes: list[Take], samples: int) -> np.ndarray:
        rate, cfg, shot, location = request.video.sample_rate, self.config, request.shot, request.location
        dialogue = np.zeros((samples, 2), dtype=np.float32)
        for take in takes:
            placed = pan(take.samples, stereo_position(shot, take.speaker))
            dialogue[take.start : take.start + len(placed)] += placed
        # The shot id is in the seed too: the film's seed is shared by every shot, and a bed that
        # restarted identically at each cut within one location would be heard as a loop.
        seed = zlib.crc32(f"{request.seed}:{location.token}:{shot.id}".encode())
        described = "; ".join([location.ambience or location.look]
                              + [cue.description for cue in shot.sound if cue.kind == "ambience"])
        bed = _fit(ambience(described, samples / rate, rate, seed), samples)
        bed *= db_to_gain(cfg.ambience_db - AMBIENCE_LEVEL_DB)
        for cue in shot.sound:
            if cue.kind == "music":  # the pad comes at the same reference level as the ambience
                pad = _fit(music_pad(cue.description, samples / rate, rate, seed), samples)
                bed += pad * db_to_gain(cfg.music_db - AMBIENCE_LEVEL_DB)
        # effect cues carry no timing within the shot, so the draft leaves them out
        bed = duck(bed, dialogue, sample_rate=rate, amount_db=cfg.duck_db)
        return limit(dialogue + bed, sample_rate=rate, ceiling_db=-1.0)

    # ---------------------------------------------------------------- picture

    def _encode(self, plate: Image.Image, windows: list[Box], fades: np.ndarray, resampling: int, wav: Path,
                dest: Path, request: RenderRequest, progress: Progress | None) -> None:
        video = request.video
        size = (video.width, video.height)
        args = [
            "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{video.width}x{video.height}",
            "-framerate", str(video.fps), "-i", "pipe:0",
            "-i", str(wav),
            "-map", "0:v:0", "-map", "1:a:0",
            # tag and convert as BT.709, what players assume for HD, so colours do not shift
            "-vf", "scale=out_color_matrix=bt709:out_range=tv,format=yuv420p,"
                   "setparams=colorspace=bt709:color_primaries=bt709:color_trc=bt709",
            *x264_args(self.config.preset, self.config.crf), "-r", str(video.fps),
            "-c:a", "aac", "-b:a", "192k", "-ar", str(video.sample_rate), "-ac", "2",
            "-movflags", "+faststart", "-f", "mp4", str(dest),
        ]
        pipe_frames(args, self._frames(plate, windows, fades, resampling, size, progress),
                    what=f"encoding shot {request.shot.id}")

    @staticmethod
    def _frames(plate: Image.Image, windows: list[Box], fades: np.ndarray, resampling: int,
                size: tuple[int, int], progress: Progress | None) -> Iterator[bytes]:
        reported = 0
        for i, box in enumerate(windows):
            frame = plate.resize(size, resampling, box=box)
            if fades[i] < 1.0:
                frame = Image.fromarray((np.asarray(frame, dtype=np.float32) * fades[i]).astype(np.uint8))
            yield frame.tobytes()
            if progress is not None and (i + 1) * 20 // len(windows) > reported:
                reported = (i + 1) * 20 // len(windows)
                progress((i + 1) / len(windows))


# ---------------------------------------------------------------- dips to black


def _fade_envelope(frames: int, fps: int, fade_in_s: float, fade_out_s: float) -> np.ndarray:
    """Per-frame brightness, 0..1: linear ramps at the head and tail the editor asked for."""
    gain = np.ones(frames, dtype=np.float32)
    t = np.arange(frames, dtype=np.float32) / fps
    if fade_in_s > 0:
        gain = np.minimum(gain, t / fade_in_s)
    if fade_out_s > 0:
        gain = np.minimum(gain, (frames / fps - t - 1 / fps) / fade_out_s)
    return np.clip(gain, 0.0, 1.0)


def _fade_sound(mix: np.ndarray, frame_gain: np.ndarray, samples_per_frame: float) -> None:
    """Follow the picture's fades in the sound, sample by sample."""
    if frame_gain.min() >= 1.0:
        return
    frame_times = np.arange(len(frame_gain)) * samples_per_frame
    mix *= np.interp(np.arange(len(mix)), frame_times, frame_gain).astype(np.float32)[:, None]


# ---------------------------------------------------------------- dialogue


@dataclass
class Take:
    """One spoken line, resampled to the clip's rate, and the sample where it starts."""

    speaker: str
    text: str
    samples: np.ndarray
    start: int


# The narrator (a story's told passages) speaks in one voice of its own, lower and slower than the cast's defaults.
NARRATOR = "narrator"
NARRATOR_VOICE = Voice(gender="male", pitch=-0.35, rate=0.94, description="narrator")


def record_dialogue(request: RenderRequest, cfg: DraftSettings) -> tuple[list[Take], int]:
    """Speak the shot's narration, then its lines, end to end; return the takes and the samples they need."""
    rate = request.video.sample_rate
    cast = {c.token: c for c in request.cast}
    takes: list[Take] = []
    cursor = round(cfg.lead_in_s * rate)
    spoken = [(NARRATOR, text, NARRATOR_VOICE) for text in request.shot.narration]
    for line in request.shot.dialogue:
        character = cast.get(line.speaker)
        if character is None:
            raise InputError(f"shot {request.shot.id}: speaker {line.speaker} has no character in the render "
                             f"request's cast ({', '.join(cast) or 'empty'})")
        spoken.append((line.speaker, line.line, character_voice(character)))
    for speaker, text, voice in spoken:
        speech, speech_rate = synthesize(text, espeak_voice(voice, request.language))
        if speech.size == 0:
            continue  # nothing speakable (punctuation only, control characters)
        speech = resample(speech, speech_rate, rate)
        level = float(np.sqrt(np.mean(speech.astype(np.float64) ** 2)))
        if level > 0:
            speech = speech * (db_to_gain(cfg.speech_db) / level)
        takes.append(Take(speaker, text, speech.astype(np.float32), cursor))
        cursor += len(speech) + round(cfg.gap_s * rate)
    if not takes:
        return [], 0
    last = takes[-1]
    return takes, last.start + len(last.samples) + round(cfg.tail_s * rate)


def character_voice(character: Character) -> Voice:
    """The character's voice; one left at its defaults gets a register from its token number."""
    if character.voice != Voice():
        return character.voice
    number = int(re.sub(r"\D", "", character.token) or 1)
    return Voice(pitch=_DEFAULT_PITCH_LADDER[(number - 1) % len(_DEFAULT_PITCH_LADDER)])


def stereo_position(shot: Shot, speaker: str) -> float:
    box = next((b for b in shot.framing if b.character == speaker), None)
    if box is None:
        return 0.0
    return (2.0 * (box.x + box.w / 2) - 1.0) * PAN_WIDTH


def _fit(x: np.ndarray, n: int) -> np.ndarray:
    """Crop or pad with silence to exactly n samples."""
    if len(x) >= n:
        return x[:n].copy()
    return np.concatenate([x, np.zeros((n - len(x), *x.shape[1:]), dtype=x.dtype)])


# ---------------------------------------------------------------- camera


def _load_keyframe(request: RenderRequest) -> Image.Image:
    try:
        with Image.open(request.keyframe) as img:
            return img.convert("RGB")
    except (OSError, ValueError) as err:
        raise InputError(f"shot {request.shot.id}: cannot read keyframe {request.keyframe} ({err})") from None


def camera_path(shot: Shot, image: tuple[int, int], frame: tuple[int, int], frames: int, fps: int) -> list[Box]:
    """The crop window (left, top, right, bottom) on the keyframe for every frame of the shot."""
    width, height = image
    aspect = frame[0] / frame[1]
    # the widest window of the frame's aspect that fits the keyframe
    base_w, base_h = min(width, height * aspect), min(height, width / aspect)
    fx, fy = _focus(shot)
    move = shot.camera

    def window(zoom: float, cx: float, cy: float) -> Box:
        w, h = base_w / zoom, base_h / zoom
        left = min(max(cx * width - w / 2, 0.0), width - w)
        top = min(max(cy * height - h / 2, 0.0), height - h)
        return (left, top, left + w, top + h)

    boxes = []
    for i in range(frames):
        u = i / (frames - 1) if frames > 1 else 0.0
        e = 0.5 - 0.5 * math.cos(math.pi * u)  # ease in and out, like a move on a dolly
        if move == CameraMove.push_in:
            boxes.append(window(1 + (PUSH_ZOOM - 1) * e, 0.5 + (fx - 0.5) * e, 0.5 + (fy - 0.5) * e))
        elif move == CameraMove.pull_out:
            boxes.append(window(PUSH_ZOOM - (PUSH_ZOOM - 1) * e, fx + (0.5 - fx) * e, fy + (0.5 - fy) * e))
        elif move in (CameraMove.pan_left, CameraMove.pan_right, CameraMove.tilt_up, CameraMove.tilt_down):
            # panning left means the view travels left across the keyframe; tilting up, upwards
            w, h = base_w / TRAVEL_ZOOM, base_h / TRAVEL_ZOOM
            travel = {CameraMove.pan_left: (1 - e, 0.5), CameraMove.pan_right: (e, 0.5),
                      CameraMove.tilt_up: (0.5, 1 - e), CameraMove.tilt_down: (0.5, e)}[move]
            span_x, span_y = base_w - w, base_h - h
            left = (width - base_w) / 2 + travel[0] * span_x
            top = (height - base_h) / 2 + travel[1] * span_y
            boxes.append((left, top, left + w, top + h))
        else:
            boxes.append(window(1 + STATIC_DRIFT_PER_S * frames / fps * u, 0.5, 0.5))
    return boxes


def prepare_plate(image: Image.Image, windows: list[Box], frame: tuple[int, int]) -> tuple[Image.Image, list[Box], int]:
    """The keyframe made ready for fast per-frame crops: the plate, the windows on it, the resampling.

    Resampling every frame of a move with PIL's bilinear filter costs ~20 ms a 720p frame here.
    Instead the keyframe is band-limited to what the frame can show and oversampled 2x once;
    nearest-neighbour crops from that cost ~3 ms and move in half pixels, a little below bilinear
    in fidelity (PSNR against a per-frame Lanczos resize: ~47 dB vs ~53 dB on a smooth keyframe,
    ~37 dB vs ~40 dB on a very detailed one).
    """
    narrowest = min(right - left for left, _, right, _ in windows)
    fit = frame[0] / narrowest  # keyframe scale at which the tightest window fills the frame 1:1
    scale = fit * OVERSAMPLE
    if image.width * image.height * scale * scale > PLATE_PIXELS:
        return image, windows, Image.Resampling.BILINEAR  # too big to hold; resample per frame
    source = image
    if fit < 1:  # detail finer than the frame can show would alias in nearest-neighbour crops
        source = image.resize((max(1, round(image.width * fit)), max(1, round(image.height * fit))),
                              Image.Resampling.LANCZOS)
    # bicubic: as good as Lanczos for enlarging, and quicker
    plate = source.resize((round(image.width * scale), round(image.height * scale)), Image.Resampling.BICUBIC)
    sx, sy = plate.width / image.width, plate.height / image.height
    return plate, [(left * sx, top * sy, right * sx, bottom * sy) for left, top, right, bottom in windows], \
        Image.Resampling.NEAREST


def _focus(shot: Shot) -> tuple[float, float]:
    """Where a push-in heads: the first speaker's framing box, else the first box, else the centre."""
    speakers = [line.speaker for line in shot.dialogue]
    if not shot.framing:
        return 0.5, 0.5
    box = min(shot.framing, key=lambda b: speakers.index(b.character) if b.character in speakers else len(speakers))
    return box.x + box.w / 2, box.y + box.h / 2
