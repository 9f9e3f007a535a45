"""Offline dialogue with espeak-ng, called through ctypes.

The shared library and its voice data come from the `espeakng_loader` wheel, so nothing has to
be installed system-wide. espeak-ng keeps its state in process globals and is not thread-safe,
so every call into it holds one module lock.
"""

from __future__ import annotations

import _ctypes
import ctypes
import threading
import unicodedata
import zlib
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterator

import numpy as np

from auteur.core.errors import AuteurError
from auteur.core.schema import Voice

# Constants from espeak-ng's speak_lib.h.
_AUDIO_OUTPUT_SYNCHRONOUS = 2
_INITIALIZE_DONT_EXIT = 0x8000  # report errors instead of calling exit()
_CHARS_UTF8 = 1
_POS_CHARACTER = 1
_RATE, _VOLUME, _PITCH, _RANGE = 1, 2, 3, 4

# Variant families, each ordered from the lowest-pitched voice to the highest, so a Voice's pitch
# can pick a variant by position. Every name is a file in <data>/voices/!v/.
VARIANTS = {
    "male": ("m8", "m1", "m4", "m2", "m6", "m3", "m7"),
    "female": ("f4", "f1", "f2", "f3", "f5"),
    # mid-register voices that sit between the male and the female families
    "neutral": ("max", "Michael", "rob", "Nguyen"),
}
# espeak-ng voice per ISO 639-1 code of the film's language; US English for English and for any
# language without a voice here (the planner then wrote the lines in English).
LANGUAGE = "en-us"
LANGUAGES = {"en": "en-us", "de": "de", "fr": "fr-fr", "es": "es", "it": "it", "pt": "pt", "nl": "nl"}

# espeak's volume (0..200); at 100 some variants clip inside the engine
_LEVEL = 75
# Speech quieter than this (about -60 dBFS) counts as silence when trimming.
_SILENCE = 1e-3


class SpeechError(AuteurError):
    """espeak-ng could not be loaded or refused a voice or a line."""


@dataclass(frozen=True)
class EspeakVoice:
    name: str  # "<language>+<variant>", as espeak_SetVoiceByName takes it
    rate_wpm: int
    pitch: int  # 0..100, espeak's base pitch within the variant's range
    range: int  # 0..100, how much the pitch moves with intonation


def espeak_voice(voice: Voice, language: str = "en") -> EspeakVoice:
    """Map backend-neutral voice traits (and the film's language) onto espeak-ng, the same way every time."""
    family = VARIANTS[voice.gender]
    # The pitch picks the variant (timbre and register) and also fine-tunes espeak's own pitch,
    # so two Voices that differ only slightly in pitch still sound different.
    position = (voice.pitch + 1.0) / 2.0
    variant = family[min(int(position * len(family)), len(family) - 1)]
    pitch = round(50 + 30 * voice.pitch)
    # 175 wpm is espeak's default and a natural conversational pace.
    rate = round(175 * voice.rate)
    # The free-text description only nudges intonation range and pitch a little, so that Voices
    # differing in description alone are still told apart, without overriding the other traits.
    described = voice.description.strip().lower()
    tag = zlib.crc32(described.encode("utf-8")) if described else None
    intonation = 50 if tag is None else 30 + tag % 41
    pitch += 0 if tag is None else (tag // 41) % 5 - 2
    return EspeakVoice(name=f"{LANGUAGES.get(language, LANGUAGE)}+{variant}", rate_wpm=rate, pitch=pitch, range=intonation)


def clean_text(text: str) -> str:
    """The line as espeak should read it: no control characters, whitespace runs collapsed."""
    kept = []
    for ch in text:
        category = unicodedata.category(ch)
        if ch in "\n\r\t\v\f\u2028\u2029\x85":
            kept.append(" ")
        elif category in ("Cc", "Cs", "Co", "Cn"):
            # control characters, lone surrogates, private-use and unassigned code points: none
            # of them can be spoken and some make espeak misbehave
            continue
        else:
            kept.append(ch)
    return " ".join("".join(kept).split())


def synthesize(text: str, voice: EspeakVoice) -> tuple[np.ndarray, int]:
    """Speak one line: mono float32 samples in [-1, 1], trimmed of silence, and the sample rate."""
    rate = sample_rate()
    cleaned = clean_text(text)
    if not cleaned:
        return np.zeros(0, dtype=np.float32), rate
    return _trim(_speak(cleaned, voice)), rate


def sample_rate() -> int:
    """The rate espeak-ng synthesizes at (22050 Hz for the bundled data)."""
    return int(_engine_info("sample_rate"))


def engine_version() -> str:
    """espeak-ng's version string, part of a renderer's cache key since it changes the sound."""
    return str(_engine_info("version"))


def _trim(samples: np.ndarray) -> np.ndarray:
    loud = np.flatnonzero(np.abs(samples) > _SILENCE)
    if loud.size == 0:
        return np.zeros(0, dtype=np.float32)
    return samples[loud[0] : loud[-1] + 1]


# ---------------------------------------------------------------- the engine
#
# espeak-ng keeps part of its waveform generator's state (pitch flutter position, glottal phase)
# in C statics that neither espeak_Terminate nor espeak_Initialize reset, so the same line would
# come out a little different depending on what was spoken before it. To make every line
# depend on its text and voice alone, each synthesis loads the library afresh and unloads it
# afterwards (dlopen, Initialize, Synth, Terminate, dlclose: about 5 ms). dlclose only unloads a library nobody
# else holds, and the phonemizer of the GPU voices (models/gpu/tts.py) keeps the same file open for good, so
# this module opens a copy of it (_private_library), whose statics are its alone.

_SynthCallback = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p)

_lock = threading.Lock()
_info: dict[str, object] = {}  # sample rate and version, read once


def _engine_info(key: str):
    with _lock:
        if not _info:
            with _session() as (lib, rate):
                _info["sample_rate"] = rate
                _info["version"] = (lib.espeak_Info(None) or b"unknown").decode("utf-8", "replace")
        return _info[key]


def _speak(text: str, voice: EspeakVoice) -> np.ndarray:
    chunks: list[np.ndarray] = []

    def collect(wav, count, events) -> int:
        if wav and count > 0:
            chunks.append(np.ctypeslib.as_array(wav, shape=(count,)).copy())
        return 0  # 0 = keep going

    # ctypes must keep the callback object alive for as long as espeak may call it
    callback = _SynthCallback(collect)
    data = text.encode("utf-8", "ignore") + b"\0"
    buffer = ctypes.create_string_buffer(data, len(data))
    _check_voice(voice.name)
    with _lock, _session() as (lib, _):
        lib.espeak_SetSynthCallback(callback)
        if lib.espeak_SetVoiceByName(voice.name.encode("utf-8")) != 0:
            raise SpeechError(f"espeak-ng has no voice {voice.name!r}")
        # parameters are set after the voice, which would otherwise reset them
        for param, value in ((_RATE, voice.rate_wpm), (_PITCH, voice.pitch), (_RANGE, voice.range), (_VOLUME, _LEVEL)):
            lib.espeak_SetParameter(param, int(value), 0)
        # espeak draws random numbers (e.g. for breathiness); fix them too
        lib.espeak_ng_SetRandSeed(1)
        status = lib.espeak_Synth(buffer, len(data), 0, _POS_CHARACTER, 0, _CHARS_UTF8, None, None)
    if status != 0:
        raise SpeechError(f"espeak-ng could not speak {text[:40]!r} (error {status})")
    if not chunks:
        return np.zeros(0, dtype=np.float32)
    return (np.concatenate(chunks).astype(np.float32) / 32768.0).clip(-1.0, 1.0)


def _check_voice(name: str) -> None:
    # espeak silently falls back to its default timbre for an unknown variant; say so instead
    import espeakng_loader

    language, _, variant = name.partition("+")
    folder = Path(espeakng_loader.get_data_path()) / "voices" / "!v"
    if variant and not (folder / variant).is_file():
        raise SpeechError(f"espeak-ng voice {name!r}: no variant {variant!r} in {folder}")


@contextmanager
def _session() -> Iterator[tuple[ctypes.CDLL, int]]:
    """A freshly loaded, initialized espeak-ng; unloaded again on exit. Hold `_lock` around it."""
    import espeakng_loader

    try:
        lib = ctypes.CDLL(_private_library())
    except OSError as err:
        raise SpeechError(f"cannot load the espeak-ng library from espeakng_loader: {err}") from None
    try:
        _declare(lib)
        data = Path(espeakng_loader.get_data_path())
        # espeak looks for an "espeak-ng-data" folder inside the path it is given
        home = data.parent if data.name == "espeak-ng-data" else data
        rate = lib.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, 0, str(home).encode(), _INITIALIZE_DONT_EXIT)
        if rate <= 0:
            raise SpeechError(f"espeak-ng failed to initialize with data from {data}")
        try:
            yield lib, int(rate)
        finally:
            lib.espeak_Terminate()
    finally:
        _unload(lib)


@lru_cache(maxsize=1)
def _private_library() -> str:
    """The path of a copy of espeak-ng's library that only this module opens (a library another module has open
    cannot be unloaded): one file per user and wheel build among the system's temporary files, written once
    atomically and shared by every process; used only from a folder this user owns that no one else can write,
    and only while its bytes are the wheel's. The wheel's own path where no copy can be made or loaded (a
    temporary folder mounted noexec)."""
    import os
    import stat as modes
    import tempfile

    import espeakng_loader

    original = Path(espeakng_loader.get_library_path())
    uid = getattr(os, "getuid", lambda: 0)()
    try:
        data = original.read_bytes()
        folder = Path(tempfile.gettempdir()) / f"auteur-espeak-{uid}-{len(data)}-{original.stat().st_mtime_ns}"
        folder.mkdir(mode=0o700, exist_ok=True)
        info = folder.lstat()
        if not modes.S_ISDIR(info.st_mode) or info.st_uid != uid or info.st_mode & 0o022:
            return str(original)  # someone else's folder: not loaded from
        copy = folder / original.name
        if not copy.is_file() or copy.read_bytes() != data:
            part = folder / f".{original.name}.{os.getpid()}.part"
            part.write_bytes(data)
            os.replace(part, copy)
        _unload(ctypes.CDLL(str(copy)))  # it loads from there
        return str(copy)
    except OSError:
        return str(original)


def _declare(lib: ctypes.CDLL) -> None:
    lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
    lib.espeak_Initialize.restype = ctypes.c_int
    lib.espeak_Terminate.argtypes = []
    lib.espeak_Terminate.restype = ctypes.c_int
    lib.espeak_SetSynthCallback.argtypes = [_SynthCallback]
    lib.espeak_SetSynthCallback.restype = None
    lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
    lib.espeak_SetVoiceByName.restype = ctypes.c_int
    lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
    lib.espeak_SetParameter.restype = ctypes.c_int
    lib.espeak_ng_SetRandSeed.argtypes = [ctypes.c_long]
    lib.espeak_ng_SetRandSeed.restype = None
    lib.espeak_Synth.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int,
                                 ctypes.c_uint, ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p]
    lib.espeak_Synth.restype = ctypes.c_int
    lib.espeak_Info.argtypes = [ctypes.POINTER(ctypes.c_char_p)]
    lib.espeak_Info.restype = ctypes.c_char_p


def _unload(lib: ctypes.CDLL) -> None:
    # Python never unloads a CDLL by itself; the next dlopen then maps fresh statics
    close = getattr(_ctypes, "dlclose", None) or getattr(_ctypes, "FreeLibrary", None)
    if close is not None:
        close(lib._handle)
