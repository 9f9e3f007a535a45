"""Reference voices: what keeps a character's voice the same from shot to shot.

The first time a character speaks, its voice is made (by the model itself, or drafted with espeak,
as the renderer's `first_voice` says); from then on that recording and its transcript lead every
line the character says (UniAVGen's reference-audio task), so the model continues the same voice.

References live in a folder of the run directory, one `<name>.wav` (mono 24 kHz) and `<name>.json`
(transcript, where it came from) per character, both written atomically, the JSON last: a reference
whose JSON exists is complete, and a resumed run finds and reuses it. The name joins the character's
token with a digest of its voice and of the renderer's output settings, so a recast voice or another
checkpoint starts afresh rather than inheriting a voice made by something else.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from auteur.core.atomic import write_text
from auteur.core.schema import Character
from auteur.tools.sound.audio import read_wav, write_wav

RATE = 24_000


@dataclass(frozen=True)
class ReferenceVoice:
    wave: np.ndarray  # mono float32 at 24 kHz
    text: str  # what is said in it
    source: str  # "model" (the character's first rendered line) or "draft" (espeak)
    shot: str  # the shot it was made in


class VoiceBank:
    """Reference voices of one run: found on disk, or made once and then kept."""

    def __init__(self, directory: Path | None, settings_key: str):
        self.directory = directory
        self.settings_key = settings_key
        self._held: dict[str, ReferenceVoice] = {}
        self._lock = threading.Lock()

    def name(self, character: Character) -> str:
        digest = hashlib.sha256((character.voice.model_dump_json() + self.settings_key).encode()).hexdigest()[:12]
        token = re.sub(r"[^a-z0-9]+", "", character.token.lower()) or "voice"
        return f"{token}-{digest}"

    def get(self, character: Character) -> ReferenceVoice | None:
        name = self.name(character)
        with self._lock:
            if name in self._held:
                return self._held[name]
            found = self._read(name)
            if found is not None:
                self._held[name] = found
            return found

    def keep(self, character: Character, voice: ReferenceVoice) -> ReferenceVoice:
        """Store `voice` as the character's reference unless one is already kept (then that one wins)."""
        name = self.name(character)
        with self._lock:
            held = self._held.get(name) or self._read(name)
            if held is not None:
                self._held[name] = held
                return held
            if self.directory is not None:
                write_wav(self.directory / f"{name}.wav", voice.wave, RATE)
                write_text(self.directory / f"{name}.json",
                           json.dumps({"character": character.token, "text": voice.text, "source": voice.source,
                                       "shot": voice.shot}, ensure_ascii=False, indent=2))
                # what is on disk (16-bit) is what every later shot uses, in this run or a resumed one
                voice = self._read(name) or voice
            self._held[name] = voice
            return voice

    def _read(self, name: str) -> ReferenceVoice | None:
        if self.directory is None or not (self.directory / f"{name}.json").is_file():
            return None
        meta = json.loads((self.directory / f"{name}.json").read_text("utf-8"))
        wave, rate = read_wav(self.directory / f"{name}.wav")
        if rate != RATE:
            return None  # not one of ours: make the voice again
        return ReferenceVoice(wave=wave.mean(axis=1).astype(np.float32), text=meta["text"], source=meta["source"],
                              shot=meta["shot"])
