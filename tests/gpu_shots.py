"""Shared requests and tiny-renderer settings for the GPU backend tests."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from auteur.models.renderer import RenderRequest
from auteur.core.settings import VideoSettings
from auteur.core.schema import Character, DialogueLine, FramingBox, Location, Shot, Voice
from auteur.tools.editing.ffmpeg import run_ffmpeg

VIDEO = VideoSettings(width=64, height=64, fps=8, sample_rate=48000)
MARA = Character(token="<char1>", name="Mara", appearance="a keeper in oilskins",
                 voice=Voice(gender="female", pitch=0.3))
TOM = Character(token="<char2>", name="Tom", appearance="a fisherman", voice=Voice(gender="male", pitch=-0.4))
CLIFF = Location(token="<env1>", name="the lighthouse", look="a lighthouse on a cliff", ambience="wind and waves")
TINY = {"width": 32, "height": 32, "steps": 2, "device": "cpu", "max_sequence_length": 16}


def keyframe(directory: Path) -> Path:
    path = directory / "keyframe.png"
    if not path.exists():
        rng = np.random.default_rng(0)
        Image.fromarray(rng.integers(0, 255, (48, 48, 3), dtype=np.uint8)).save(path)
    return path


def shot(shot_id="sc1-sh01", duration=0.5, dialogue=()) -> Shot:
    return Shot(id=shot_id, shot_type="medium", characters=["<char1>", "<char2>"],
                framing=[FramingBox(character="<char1>", x=0.0, y=0.2, w=0.3, h=0.7)],
                visual_prompt="<char1> and <char2> at the lamp", action="<char1> turns to the sea",
                duration=duration, dialogue=[DialogueLine(speaker=s, line=t) for s, t in dialogue])


def request(directory: Path, the_shot: Shot, seed: int = 7) -> RenderRequest:
    return RenderRequest(shot=the_shot, keyframe=keyframe(directory), cast=(MARA, TOM), location=CLIFF,
                         video=VIDEO, seed=seed)


def decoded_audio(path: Path, rate: int) -> np.ndarray:
    raw = run_ffmpeg(["-i", str(path), "-vn", "-f", "f32le", "-ac", "2", "-ar", str(rate), "pipe:1"]).stdout
    return np.frombuffer(raw, dtype=np.float32).reshape(-1, 2)
