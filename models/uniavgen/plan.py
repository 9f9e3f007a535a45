"""How a shot is cut into UniAVGen generations: pure functions over seconds, frames and mel frames.

The model makes at most 21 latent frames a call (81 frames at 16 fps, 5.0625 s) with 506 mel frames
of sound (100 a second). A shot is rendered as one or more *segments*; each is one call. Lines are
grouped by speaker (a call speaks in one voice), a group is as long as its speech needs (estimated
from word counts), and a line too long for one call is split between words. Every segment after the
first continues from the previous segment's last frame (that frame is its conditioning image), so
its first frame, and the 1/16 s of sound under it, is dropped when the segments are joined. When the
lines end before the shot's planned duration, the last segment is stretched, and then silent
segments (the model's own ambience, no transcript) are added until the planned length is covered.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

MODEL_FPS = 16
FRAME_STEP = 4  # the Wan 2.2 VAE's time compression: a call makes 4k + 1 frames
MEL_PER_SECOND = 100
MAX_FRAMES = 81  # 21 latent frames, what the model is trained on
WORDS_PER_SECOND = 2.6


@dataclass(frozen=True)
class Part:
    """A line, or the piece of a long line, one speaker says in one segment."""

    speaker: str
    text: str
    seconds: float  # estimated speaking time


@dataclass(frozen=True)
class Segment:
    frames: int  # pixel frames, 4k + 1
    parts: tuple[Part, ...] = ()

    @property
    def speaker(self) -> str | None:
        return self.parts[0].speaker if self.parts else None

    @property
    def text(self) -> str:
        return " ".join(p.text for p in self.parts)

    @property
    def latent_frames(self) -> int:
        return (self.frames - 1) // FRAME_STEP + 1

    @property
    def mel_frames(self) -> int:
        return self.frames * MEL_PER_SECOND // MODEL_FPS


def frames_for(seconds: float) -> int:
    """The fewest 4k + 1 frames (k >= 1) lasting at least `seconds` at 16 fps."""
    k = max(1, math.ceil((seconds * MODEL_FPS - 1 - 1e-9) / FRAME_STEP))
    return FRAME_STEP * k + 1


def speaking_time(text: str, rate: float = 1.0) -> float:
    return max(1, len(text.split())) / (WORDS_PER_SECOND * rate)


def split_line(speaker: str, text: str, rate: float, longest_s: float) -> list[Part]:
    """A line as parts that each fit `longest_s` of speech, cut between words (a word is never cut)."""
    words, parts, current = text.split(), [], []
    per_word = 1.0 / (WORDS_PER_SECOND * rate)
    for word in words:
        if current and (len(current) + 1) * per_word > longest_s:
            parts.append(" ".join(current))
            current = []
        current.append(word)
    if current:
        parts.append(" ".join(current))
    return [Part(speaker, p, speaking_time(p, rate)) for p in parts]


def plan(duration: float, parts: list[Part], *, max_frames: int = MAX_FRAMES, lead_in_s: float = 0.3,
         gap_s: float = 0.3, tail_s: float = 0.4) -> list[Segment]:
    """The segments that speak every part in order and cover at least `duration` seconds once joined."""
    longest = (max_frames - 1) / MODEL_FPS
    segments: list[Segment] = []
    group: list[Part] = []

    def needed(ps: list[Part]) -> float:
        return lead_in_s + sum(p.seconds for p in ps) + gap_s * (len(ps) - 1) + tail_s

    for part in parts:
        if group and (part.speaker != group[0].speaker or needed([*group, part]) > longest):
            segments.append(Segment(min(frames_for(needed(group)), max_frames), tuple(group)))
            group = []
        group.append(part)
    if group:
        segments.append(Segment(min(frames_for(needed(group)), max_frames), tuple(group)))
    wanted = max(1, math.ceil(duration * MODEL_FPS - 1e-9))
    if segments and joined_frames(segments) < wanted:  # stretch the last one first: its speaker keeps the floor
        last = segments[-1]
        short = wanted - joined_frames(segments)
        segments[-1] = Segment(min(frames_for((last.frames + short - 1) / MODEL_FPS), max_frames), last.parts)
    while joined_frames(segments) < wanted:
        short = wanted - joined_frames(segments) + (1 if segments else 0)  # a continuation loses its first frame
        segments.append(Segment(min(frames_for((short - 1) / MODEL_FPS) if short > 1 else frames_for(0), max_frames)))
    return segments


def joined_frames(segments: list[Segment]) -> int:
    """Frames once joined: each continuation drops the frame it starts from."""
    return sum(s.frames for s in segments) - max(0, len(segments) - 1)


def samples_per_frame(sample_rate: int) -> int:
    return sample_rate // MODEL_FPS
