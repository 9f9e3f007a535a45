"""What the GPU renderers share about a shot: its prompt, its length in frames, and its mp4."""

from __future__ import annotations

import math
import re
import zlib
from pathlib import Path
from typing import Iterator

import numpy as np

from auteur.models.renderer import Progress, RenderRequest, SpokenLine
from auteur.core.settings import VideoSettings
from auteur.core.atomic import atomic_path, scratch_dir
from auteur.core.errors import AuteurError, InputError
from auteur.core.schema import Character
from auteur.tools.sound.audio import write_wav
from auteur.tools.editing.ffmpeg import pipe_frames

WORDS_PER_SECOND = 2.6  # conversational English; scaled by each voice's rate


def cast_of(request: RenderRequest) -> dict[str, Character]:
    """The shot's characters by token, refusing a line whose speaker is not among them."""
    cast = {c.token: c for c in request.cast}
    for line in request.shot.dialogue:
        if line.speaker not in cast:
            raise InputError(f"shot {request.shot.id}: speaker {line.speaker} has no character in the render "
                             f"request's cast ({', '.join(cast) or 'empty'})")
    return cast


def named(text: str, cast: dict[str, Character], request: RenderRequest) -> str:
    """Replace ID tokens with names: the video models were trained on prose, not on `<char1>`."""
    text = re.sub(r"<char[1-9]\d*>", lambda m: cast[m[0]].name if m[0] in cast else "someone", text)
    return text.replace(request.location.token, request.location.name)


def shot_prompt(request: RenderRequest, *, with_dialogue: bool) -> str:
    """The shot as one paragraph: picture, action, camera, who says what and how, the sound around it."""
    shot, cast, place = request.shot, cast_of(request), request.location
    parts = [named(shot.visual_prompt, cast, request).rstrip(".") + "."]
    if shot.action:
        parts.append(named(shot.action, cast, request).rstrip(".") + ".")
    for token in shot.characters:
        c = cast.get(token)
        if c is not None:
            parts.append(f"{c.name}: {c.appearance}" + (f", wearing {c.wardrobe}" if c.wardrobe else "") + ".")
    kind = shot.shot_type.value.capitalize()
    kind = kind if kind.endswith("shot") else f"{kind} shot"  # "Two-shot", not "Two-shot shot"
    parts.append(f"{kind}, camera {shot.camera.value.replace('-', ' ')}. "
                 f"{place.name}, {place.time_of_day.value}" + (f", {place.light}" if place.light else "") + ".")
    for line in shot.dialogue:
        c = cast[line.speaker]
        voice = c.voice.description or f"{c.voice.gender} voice"
        emotion = "" if line.emotion == "neutral" else f" {line.emotion}ly"
        if with_dialogue:
            parts.append(f'{c.name} says{emotion}, in a {voice}: "{line.line}"')
        else:
            parts.append(f"{c.name} speaks{emotion}, lips moving.")
    sounds = [place.ambience] if place.ambience else []
    sounds += [cue.description for cue in shot.sound if cue.kind != "music"]
    if sounds:
        parts.append("Sound: " + "; ".join(sounds) + ".")
    return " ".join(parts)


def ambience_prompt(request: RenderRequest) -> str:
    place = request.location
    described = [place.ambience or place.look] + [c.description for c in request.shot.sound if c.kind == "ambience"]
    return "; ".join(described) + f", {place.time_of_day.value}, ambient field recording, no speech"


def shot_seed(request: RenderRequest, part: str) -> int:
    """A seed per shot and part: the film's seed is shared by all shots, and identical noise would show."""
    return zlib.crc32(f"{request.seed}:{request.shot.id}:{part}".encode())


def generation_size(budget: tuple[int, int], video: VideoSettings, multiple: int = 32) -> tuple[int, int]:
    """The film's aspect ratio at a model's pixel budget (w, h), each side a multiple of `multiple`.

    A frame made at another aspect would be cropped or stretched on its way into the film; made at
    the film's own, it only scales.
    """
    area, aspect = budget[0] * budget[1], video.width / video.height
    width = max(multiple, round(math.sqrt(area * aspect) / multiple) * multiple)
    height = max(multiple, round(math.sqrt(area / aspect) / multiple) * multiple)
    return width, height


def frame_count(seconds: float, fps: int, step: int) -> int:
    """The fewest frames of the form step*k + 1 (what a causal video VAE takes) lasting >= seconds."""
    k = max(1, math.ceil((seconds * fps - 1 - 1e-9) / step))
    return step * k + 1


def estimated_lines(request: RenderRequest, lead_in_s: float, gap_s: float) -> tuple[list[SpokenLine], float]:
    """When each line will be spoken by a model that speaks from the prompt, from word counts."""
    cast, cursor, lines = cast_of(request), lead_in_s, []
    for line in request.shot.dialogue:
        words = max(1, len(line.line.split()))
        length = words / (WORDS_PER_SECOND * cast[line.speaker].voice.rate)
        lines.append(SpokenLine(line.speaker, line.line, round(cursor, 3), round(cursor + length, 3)))
        cursor += length + gap_s
    return lines, (cursor - gap_s if lines else 0.0)


def fit(x: np.ndarray, n: int) -> np.ndarray:
    """Crop or pad with silence to exactly n samples."""
    x = np.asarray(x, dtype=np.float32)
    if len(x) >= n:
        return x[:n].copy()
    return np.concatenate([x, np.zeros((n - len(x), *x.shape[1:]), dtype=np.float32)])


def retime(frames: np.ndarray, source_fps: int, fps: int) -> np.ndarray:
    """Frames made at `source_fps` shown at `fps`: each output frame is the source frame on screen at its
    time, and the output lasts at least as long as the source (a model's 16 fps clip in a 24 fps film)."""
    if source_fps == fps:
        return frames
    n = math.ceil(len(frames) * fps / source_fps - 1e-9)
    index = np.minimum((np.arange(n) * source_fps) // fps, len(frames) - 1)
    return frames[index]


def to_frames(video: np.ndarray) -> np.ndarray:
    """A pipeline's `np` output (1, frames, h, w, 3) in [0, 1] as uint8 frames."""
    frames = np.asarray(video)
    if frames.ndim == 5:
        frames = frames[0]
    return (np.clip(frames, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)


def write_clip(out: Path, frames: np.ndarray, audio: np.ndarray, audio_rate: int, request: RenderRequest,
               *, crf: int = 18, progress: Progress | None = None) -> float:
    """Encode frames (n, h, w, 3 uint8) and audio (samples, channels) into an H.264 + AAC mp4 at `out`.

    The picture is scaled to the profile's frame size; the audio keeps `audio_rate`. Returns seconds.
    """
    video = request.video
    n, h, w, _ = frames.shape
    if n == 0:
        raise AuteurError(f"shot {request.shot.id}: the video model returned no frames")
    out.parent.mkdir(parents=True, exist_ok=True)
    with scratch_dir(out.parent, "gpu") as scratch:  # held: a cache sweep leaves it alone
        wav = Path(scratch) / "sound.wav"
        write_wav(wav, audio, audio_rate)
        with atomic_path(out) as tmp:
            args = ["-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{w}x{h}", "-framerate", str(video.fps),
                    "-i", "pipe:0", "-i", str(wav), "-map", "0:v:0", "-map", "1:a:0",
                    "-vf", f"scale={video.width}:{video.height}:flags=lanczos:out_color_matrix=bt709:out_range=tv,"
                           "format=yuv420p,setparams=colorspace=bt709:color_primaries=bt709:color_trc=bt709",
                    "-c:v", "libx264", "-preset", "veryfast", "-crf", str(crf), "-r", str(video.fps),
                    "-c:a", "aac", "-b:a", "192k", "-ar", str(audio_rate), "-ac", "2",
                    "-movflags", "+faststart", "-f", "mp4", str(tmp)]
            pipe_frames(args, _frame_bytes(frames, n, progress), what=f"encoding shot {request.shot.id}")
    return n / video.fps


def load_keyframe(request: RenderRequest, size: tuple[int, int]):
    """The keyframe as RGB, center-cropped to the model's aspect and resized to `size` (w, h)."""
    from PIL import Image, ImageOps

    try:
        with Image.open(request.keyframe) as img:
            rgb = img.convert("RGB")
    except (OSError, ValueError) as err:
        raise InputError(f"shot {request.shot.id}: cannot read keyframe {request.keyframe} ({err})") from None
    return ImageOps.fit(rgb, size, Image.Resampling.LANCZOS)


def _frame_bytes(frames: np.ndarray, n: int, progress: Progress | None) -> Iterator[bytes]:
    for i, frame in enumerate(frames):
        yield np.ascontiguousarray(frame).tobytes()
        if progress is not None:
            progress(0.9 + 0.1 * (i + 1) / n)
