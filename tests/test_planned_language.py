"""A premise in German is planned, written and spoken in German; other languages say they were planned in English."""

from __future__ import annotations

import re

import numpy as np
import pytest
from langdetect import DetectorFactory, detect

from auteur.core.schema import Voice
from auteur.models.draft.planner import Planner
from auteur.tools.sound.speech import espeak_voice, synthesize

GERMAN = "Ein alter Uhrmacher in Wien versucht, die Zeit anzuhalten, bevor seine Tochter heiratet."


def test_a_german_premise_is_planned_in_german():
    planner = Planner(GERMAN, 7)
    treatment = planner.treatment(60)
    play = planner.screenplay(None, 60)
    lines = " ".join(ln.line for s in play.scenes for ln in s.dialogue)
    DetectorFactory.seed = 0
    assert treatment.language == "de" and detect(lines) == "de"
    assert "Wien" in lines and "Uhrmacher" in lines
    assert all(c.name not in ("Ein", "Wien", "Zeit") for c in play.characters)
    assert "planned in Deutsch (de)" in planner.language_note()


def test_a_premise_without_a_library_is_planned_in_english_and_says_so():
    planner = Planner("Une jeune boulangère de Lyon découvre que son pain fait rêver toute la ville.", 7)
    assert planner.treatment(60).language == "en"
    assert "(fr)" in planner.language_note() and "Lyon" in " ".join(p[0] for p in planner.story.places)


def test_german_lines_get_a_german_voice():
    voice = Voice(gender="female", pitch=0.2)
    assert espeak_voice(voice, "de").name.startswith("de+")
    assert espeak_voice(voice).name.startswith("en-us+")
    assert espeak_voice(voice, "xx").name.startswith("en-us+")  # no voice for it: English, as planned
    german, _ = synthesize("Guten Abend, Wien.", espeak_voice(voice, "de"))
    english, _ = synthesize("Guten Abend, Wien.", espeak_voice(voice, "en"))
    assert german.size > 0 and (german.size != english.size or not np.array_equal(german, english))


@pytest.mark.parametrize("seed", range(1, 9))
def test_german_lines_never_put_an_article_place_after_a_preposition(seed):
    """"aus das Kaffeehaus" is wrong German: a place named with its article stays out of the lines."""
    for shots in (4, None):
        play = Planner(GERMAN, seed).screenplay(shots, 60)
        lines = " ".join(ln.line for s in play.scenes for ln in s.dialogue)
        assert not re.search(r"\b(aus|in|nach|In)\s+(der|die|das)\b", lines), lines
