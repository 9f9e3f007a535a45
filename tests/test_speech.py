"""Offline speech with espeak-ng: voices, determinism, awkward text."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest

from auteur.core.schema import Voice
from auteur.tools.sound.speech import VARIANTS, EspeakVoice, SpeechError, clean_text, espeak_voice, synthesize

LINE = "The storm is coming, and the lighthouse must stay lit tonight."


def pitch_hz(x: np.ndarray, rate: int) -> float:
    """Median fundamental frequency over the voiced 40 ms frames, by autocorrelation."""
    n = int(0.04 * rate)
    found = []
    for i in range(0, len(x) - n, n):
        frame = x[i : i + n] - x[i : i + n].mean()
        if np.sqrt(np.mean(frame**2)) < 0.02:
            continue
        ac = np.correlate(frame, frame, "full")[n - 1 :]
        lo, hi = int(rate / 400), int(rate / 60)
        found.append(rate / (lo + int(np.argmax(ac[lo:hi]))))
    return float(np.median(found))


def test_synthesize_returns_audible_speech_of_plausible_length():
    samples, rate = synthesize("Hello there, how are you today?", espeak_voice(Voice()))
    assert rate == 22050
    assert samples.dtype == np.float32 and samples.ndim == 1
    assert 1.0 < len(samples) / rate < 4.0
    assert np.sqrt(np.mean(samples**2)) > 0.01
    assert np.abs(samples).max() <= 1.0


def test_same_line_in_same_voice_gives_identical_samples_even_after_other_lines():
    voice = espeak_voice(Voice(gender="male", pitch=-0.2))
    first, _ = synthesize(LINE, voice)
    synthesize("Something else entirely, in another voice.", espeak_voice(Voice(gender="female", pitch=0.7)))
    second, _ = synthesize(LINE, voice)
    assert np.array_equal(first, second)


def test_a_line_is_the_same_while_another_module_holds_espeak_open():
    """The GPU voices' phonemizer opens espeak-ng's library and never closes it; a library someone holds is not
    unloaded, and the statics that made a line depend on the lines before it would then be shared."""
    import subprocess
    import sys

    code = f"""
import ctypes, espeakng_loader, numpy as np
from auteur.core.schema import Voice
from auteur.tools.sound.speech import espeak_voice, synthesize
voice = espeak_voice(Voice(gender="male", pitch=-0.2))
held = ctypes.CDLL(espeakng_loader.get_library_path())
first, _ = synthesize({LINE!r}, voice)
synthesize("Something else entirely, long and winding.", voice)
second, _ = synthesize({LINE!r}, voice)
print(len(first), len(second), np.array_equal(first, second))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    first, second, same = done.stdout.split()
    assert same == "True", (first, second)


def test_female_and_male_voices_differ_in_pitch():
    high, rate = synthesize(LINE, espeak_voice(Voice(gender="female", pitch=0.5)))
    low, _ = synthesize(LINE, espeak_voice(Voice(gender="male", pitch=-0.5)))
    assert pitch_hz(high, rate) > 1.5 * pitch_hz(low, rate)


def test_voices_differing_only_in_pitch_differ_in_pitch():
    high, rate = synthesize(LINE, espeak_voice(Voice(gender="neutral", pitch=0.8)))
    low, _ = synthesize(LINE, espeak_voice(Voice(gender="neutral", pitch=-0.8)))
    assert pitch_hz(high, rate) > 1.2 * pitch_hz(low, rate)


def test_espeak_voice_is_the_same_for_the_same_voice():
    voice = Voice(gender="female", pitch=0.3, rate=1.2)
    assert espeak_voice(voice) == espeak_voice(voice.model_copy())


def test_espeak_voice_differs_when_any_trait_differs():
    base = Voice(gender="female", pitch=0.3, rate=1.0, description="warm")
    variants = [base, base.model_copy(update={"gender": "male"}), base.model_copy(update={"pitch": -0.3}),
                base.model_copy(update={"rate": 1.4}), base.model_copy(update={"description": "gravelly"})]
    assert len({espeak_voice(v) for v in variants}) == len(variants)


def test_every_variant_in_the_families_exists_in_the_espeak_data():
    import espeakng_loader

    folder = Path(espeakng_loader.get_data_path()) / "voices" / "!v"
    missing = [name for family in VARIANTS.values() for name in family if not (folder / name).is_file()]
    assert missing == []


@pytest.mark.parametrize("text", [
    "Look 😀🎬 at that!",
    "مرحبا بالعالم",
    "שלום עולם",
    "bell\x07 escape\x1b[31m red \x85 next-line \x9f",
    "' : [ ] ; , %{ } \\ drawtext=text='x'",
    'He said "don\'t" — and left…',
    "<speak>not ssml</speak> [[h@l'oU]]",
    "lone \ud800 surrogate",
])
def test_awkward_text_synthesizes_without_raising(text):
    samples, _ = synthesize(text, espeak_voice(Voice()))
    assert samples.dtype == np.float32 and samples.ndim == 1
    assert np.all(np.isfinite(samples)) and np.abs(samples).max(initial=0.0) <= 1.0


@pytest.mark.parametrize("text", ["", "   ", "\x00\x01\x07", "\n\t\r"])
def test_text_empty_after_cleaning_gives_no_samples(text):
    samples, rate = synthesize(text, espeak_voice(Voice()))
    assert samples.size == 0 and rate == 22050


def test_clean_text_drops_control_characters_and_turns_line_breaks_into_spaces():
    assert clean_text("one\ntwo\tthree\x00\x1b four\x85five") == "one two three four five"


def test_speech_starts_and_ends_on_sound_not_silence():
    samples, rate = synthesize("Now.", espeak_voice(Voice()))
    assert abs(samples[0]) > 1e-3 and abs(samples[-1]) > 1e-3
    assert np.sqrt(np.mean(samples[: int(0.05 * rate)] ** 2)) > 1e-3


def test_unknown_voice_raises_an_error_naming_it():
    with pytest.raises(SpeechError, match="en-us\\+nobody"):
        synthesize("hello", EspeakVoice(name="en-us+nobody", rate_wpm=175, pitch=50, range=50))


def test_synthesis_from_several_threads_gives_the_same_samples():
    voice = espeak_voice(Voice(gender="female"))
    expected, _ = synthesize(LINE, voice)
    results: list[np.ndarray] = []

    def speak() -> None:
        results.append(synthesize(LINE, voice)[0])

    threads = [threading.Thread(target=speak) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 4 and all(np.array_equal(r, expected) for r in results)


def test_the_private_library_is_one_shared_file_whose_bytes_are_the_wheels(tmp_path, monkeypatch):
    """One copy for every process (none left behind by a killed one), and a copy whose bytes are not the wheel's
    (damaged, or planted) is written again before it is loaded. In a temporary folder of the test's own: the
    suite's other processes load the shared copy meanwhile."""
    import tempfile

    import espeakng_loader

    from auteur.tools.sound import speech

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    speech._private_library.cache_clear()
    first = Path(speech._private_library())
    original = Path(espeakng_loader.get_library_path())
    assert first != original and first.read_bytes() == original.read_bytes()
    first.write_bytes(b"not a library")
    speech._private_library.cache_clear()
    again = Path(speech._private_library())
    assert again == first and again.read_bytes() == original.read_bytes()
    assert first.parent.parent == tmp_path and not list(first.parent.glob(".*.part"))
    synthesize(LINE, espeak_voice(Voice()))  # and it speaks from there
    speech._private_library.cache_clear()  # the next test loads the shared copy again
