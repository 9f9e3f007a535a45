"""A premise in a language the story engine does not tell stories in is planned in English with its own people,
places and things, and says so; speech still follows the film's language."""

from __future__ import annotations

import numpy as np
from auteur.core.schema import Voice
from auteur.models.draft.planner import Planner
from auteur.tools.sound.speech import espeak_voice, synthesize

GERMAN = "Ein alter Uhrmacher in Wien versucht, die Zeit anzuhalten, bevor seine Tochter heiratet."


def test_a_german_premise_is_planned_in_english_keeping_its_people_and_places():
    """The story engine tells stories in English only (its frames realise English clauses); a German premise keeps
    its watchmaker, his daughter and Vienna, and the run says it was planned in English."""
    planner = Planner(GERMAN, 7)
    treatment = planner.treatment(60)
    play = planner.screenplay(None, 60)
    text = " ".join([s.plot for s in play.scenes] + [c.role for c in play.characters]).lower()
    assert treatment.language == "en"
    assert "watchmaker" in text and "daughter" in text and "vienna" in " ".join(p.name for p in planner.story.places).lower()
    assert all(c.name not in ("Ein", "Wien", "Zeit") for c in play.characters)
    assert "planned in English (en)" in planner.language_note() and "(de)" in planner.language_note()


def test_a_premise_without_a_library_is_planned_in_english_and_says_so():
    planner = Planner("Une jeune boulangère de Lyon découvre que son pain fait rêver toute la ville.", 7)
    assert planner.treatment(60).language == "en"
    assert "(fr)" in planner.language_note() and "Lyon" in " ".join(p.name for p in planner.story.places)


def test_german_lines_get_a_german_voice():
    voice = Voice(gender="female", pitch=0.2)
    assert espeak_voice(voice, "de").name.startswith("de+")
    assert espeak_voice(voice).name.startswith("en-us+")
    assert espeak_voice(voice, "xx").name.startswith("en-us+")  # no voice for it: English, as planned
    german, _ = synthesize("Guten Abend, Wien.", espeak_voice(voice, "de"))
    english, _ = synthesize("Guten Abend, Wien.", espeak_voice(voice, "en"))
    assert german.size > 0 and (german.size != english.size or not np.array_equal(german, english))
