"""Reference voices: what keeps a character's voice the same from shot to shot.

The first time a character speaks, its voice is made (by the model itself, or drafted with espeak,
as the renderer's `first_voice` says); from then on that recording and its transcript lead every
line the character says (UniAVGen's reference-audio task), so the model continues the same voice.

A voice is kept in two folders: the run directory's (so a resumed run, or anyone reading the run,
has it) and one shared by every run on the machine, beside the shot cache. The shared one matters
because shots come from the cache: a re-made film whose first shot of a character is a cache hit
never renders that shot again, and its other shots must still hear the voice that shot was made
with. Each voice is `<name>.wav` (mono 24 kHz, 16-bit) and `<name>.json` (transcript, origin), both
written atomically, the JSON last: a voice whose JSON exists is complete. The name joins the
character's token with a digest of the character (name, looks, voice) and of the renderer's output
settings, so a recast character or another checkpoint starts afresh instead of inheriting a voice
made for someone else.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from auteur.core.atomic import atomic_path, write_text
from auteur.core.errors import AuteurError
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
    """Reference voices of one run: found on disk (the run's folder, then the shared one), or made once and kept."""

    def __init__(self, directory: Path | None, settings_key: str, shared: Path | None = None):
        self.directory = directory
        self.shared = shared
        self.settings_key = settings_key
        self._held: dict[str, ReferenceVoice] = {}
        self._lock = threading.Lock()

    def name(self, character: Character) -> str:
        who = character.model_dump_json(include={"token", "name", "kind", "appearance", "wardrobe", "voice"})
        digest = hashlib.sha256((who + self.settings_key).encode()).hexdigest()[:16]
        token = re.sub(r"[^a-z0-9]+", "", character.token.lower()) or "voice"
        return f"{token}-{digest}"

    def get(self, character: Character) -> ReferenceVoice | None:
        name = self.name(character)
        with self._lock:
            return self._find(name)

    def keep(self, character: Character, voice: ReferenceVoice) -> ReferenceVoice:
        """Store `voice` as the character's reference unless one is already kept (then that one wins)."""
        name = self.name(character)
        with self._lock:
            found = self._find(name)
            if found is not None:
                return found
            stored = False
            for folder in (self.directory, self.shared):
                if folder is not None:
                    _write(folder, name, character, voice)
                    stored = True
            # what is on disk (16-bit) is what every later shot uses, in this run, a resumed one or another
            self._held[name] = (self._find(name) if stored else None) or voice
            return self._held[name]

    def _find(self, name: str) -> ReferenceVoice | None:
        if name in self._held:
            return self._held[name]
        found = _read(self.directory, name) if self.directory is not None else None
        if found is None and self.shared is not None:
            found = _read(self.shared, name)
            if found is not None and self.directory is not None:  # the run keeps its own copy
                for suffix in (".wav", ".json"):  # the JSON last: it marks the copy complete
                    with atomic_path(self.directory / f"{name}{suffix}") as tmp:
                        shutil.copyfile(self.shared / f"{name}{suffix}", tmp)
        if found is not None:
            self._held[name] = found
        return found


def _write(folder: Path, name: str, character: Character, voice: ReferenceVoice) -> None:
    if (folder / f"{name}.json").is_file():
        return  # another run kept one first: keep it (the caller reads it back)
    write_wav(folder / f"{name}.wav", voice.wave, RATE)
    write_text(folder / f"{name}.json", json.dumps({"character": character.token, "text": voice.text,
                                                     "source": voice.source, "shot": voice.shot},
                                                    ensure_ascii=False, indent=2))


def _read(folder: Path, name: str) -> ReferenceVoice | None:
    if not (folder / f"{name}.json").is_file():
        return None
    try:
        meta = json.loads((folder / f"{name}.json").read_text("utf-8"))
        wave, rate = read_wav(folder / f"{name}.wav")
    except (OSError, ValueError, KeyError, AuteurError):  # unreadable: made again, as a damaged cache entry is
        return None
    if rate != RATE:
        return None
    return ReferenceVoice(wave=wave.mean(axis=1).astype(np.float32), text=meta["text"], source=meta["source"],
                          shot=meta["shot"])
