"""A story in, a film out: the draft plan of a story (its scenes, cast, places and own words, fitted to the
runtime), the inputs that take a story, and one film made from a story with the real command line."""

from __future__ import annotations

import io
import json
import re
import subprocess
from pathlib import Path

import pytest

from auteur.core.errors import InputError
from auteur.core.schema import Film
from auteur.models.draft.story_film import StoryFilmPlanner, shorten
from auteur.pipeline.inputs import FilmInput, read_input, read_story_input
from clirun import auteur

STORIES = Path(__file__).parent / "data" / "stories"
FERRY = STORIES / "the_last_ferry.md"
UHR = STORIES / "die_uhr_am_markt.txt"
SALT = STORIES / "the_salt_road.txt"


def _plan(path: Path, minutes: float) -> Film:
    """The draft director's whole plan (treatment, screenplay, locations, shots) of a story, without drawing."""
    text = path.read_text("utf-8")
    film_input = read_story_input(str(path))
    planner = StoryFilmPlanner(text, 7, film_input.film.prompt)
    film = Film(prompt=film_input.film.prompt, treatment=planner.treatment(minutes * 60))
    play = planner.screenplay(None, minutes * 60)
    film = film.revise(characters=play.characters, scenes=play.scenes)
    plan = planner.locations(film)
    film = film.revise(locations=plan.locations,
                       scenes=[s.model_copy(update={"location": t}) for s, t in zip(film.scenes, plan.scene_locations)])
    return film.revise(scenes=[s.model_copy(update={"shots": planner.shots(film, s).shots}) for s in film.scenes])


def _norm(text: str) -> str:
    return " ".join(text.replace("*", "").replace("’", "'").split())


def _from_text(line: str, text: str) -> bool:
    """A film line is the text's own: whole, or cut at a sentence or comma (…), its tag's comma made a stop."""
    line = _norm(line).rstrip("…")
    return line in text or line.rstrip(".") + "," in text or line.rstrip(".") in text


@pytest.fixture(scope="module")
def ferry_short():
    return _plan(FERRY, 1)


def test_every_line_and_narration_of_the_film_is_drawn_from_the_text(ferry_short):
    text = _norm(FERRY.read_text("utf-8"))
    lines = [ln.line for s in ferry_short.scenes for ln in s.dialogue]
    told = [n.line for s in ferry_short.scenes for n in s.narration] + [n for sh in ferry_short.shots() for n in sh.narration]
    assert lines and told
    assert [ln for ln in lines + told if not _from_text(ln, text)] == []


def test_the_cast_speaks_the_lines_the_text_gives_it(ferry_short):
    names = {c.token: c.name for c in ferry_short.characters}
    said = {(names[ln.speaker], ln.line) for s in ferry_short.scenes for ln in s.dialogue}
    assert ("Tobias", "The fog's early.") in said
    cast = {c.name: c for c in ferry_short.characters}
    assert cast["Mara Lind"].voice.gender == "female" and cast["Tobias"].voice.gender == "male"
    assert cast["Mara Lind"].appearance.startswith("a tall, broad-shouldered woman")


def test_scenes_keep_the_texts_order_and_places(ferry_short):
    text = _norm(FERRY.read_text("utf-8"))
    openings = [text.find(_norm(s.narration[0].line)) for s in ferry_short.scenes]
    assert all(x >= 0 for x in openings) and openings == sorted(openings)
    settings = [s.setting.rsplit(", ", 1)[0] for s in ferry_short.scenes]
    assert settings[0] == "the quay" and {loc.name for loc in ferry_short.locations} <= {
        "the quay", "the harbourmaster's office", "the wheelhouse", "Holm"}


def test_more_minutes_show_more_of_the_story_and_the_treatment_says_what_is_left_out(ferry_short):
    longer = _plan(FERRY, 4)
    assert len(longer.scenes) > len(ferry_short.scenes)
    assert sum(len(s.dialogue) for s in longer.scenes) > sum(len(s.dialogue) for s in ferry_short.scenes)
    short_out = ferry_short.treatment.left_out
    assert any(item.startswith("scene 3 (the wheelhouse)") for item in short_out)
    assert any(re.match(r"\d+ of 66 lines of dialogue", item) for item in short_out)
    assert len(longer.treatment.left_out) < len(short_out)
    # the film is fitted to its runtime: within a quarter of the minutes asked for
    for film, minutes in ((ferry_short, 1), (longer, 4)):
        seconds = sum(sh.duration for sh in film.shots())
        assert 0.7 * minutes * 60 <= seconds <= 1.25 * minutes * 60, (minutes, seconds)


def test_a_narrated_shot_lasts_long_enough_for_its_narration(ferry_short):
    for shot in ferry_short.shots():
        words = sum(len(n.split()) for n in shot.narration) + sum(len(ln.line.split()) for ln in shot.dialogue)
        assert shot.duration >= words / 2.6


def test_chapters_of_the_text_become_chapters_of_the_film():
    film = _plan(SALT, 3)
    chapters = [s.chapter for s in film.scenes]
    assert chapters[0] == "The Map" and chapters[-1] == "The Survey"
    order = ["The Map", "The Barge", "The Crooked Eel", "The Storm", "The Ledger", "Low Water", "The Survey"]
    assert chapters == sorted(chapters, key=order.index) and len(set(chapters)) >= 4


def test_a_german_story_is_planned_in_german_with_its_own_words():
    film = _plan(UHR, 1.5)
    assert film.treatment.language == "de" and film.treatment.title == "Die Uhr am Markt"
    text = _norm(UHR.read_text("utf-8"))
    assert all(_from_text(ln.line, text) for s in film.scenes for ln in s.dialogue)
    assert {c.name for c in film.characters} == {"Lena Vogt", "Anton Vogt", "Brandt", "Felix"}
    assert film.scenes[0].setting.startswith("die Werkstatt")


def test_a_long_line_is_cut_at_a_sentence_then_at_a_comma():
    assert shorten("Take the radio. Call me every ten minutes. If you miss one call, I'm sending the lifeboat.", 8) \
        == "Take the radio. Call me every ten minutes."
    assert shorten("If you miss one call, I'm sending the lifeboat, and I'll have your licence in a drawer by Friday "
                   "and you will never sail again in your life", 8) == "If you miss one call…"


def test_story_files_and_standard_input_are_read_as_stories(tmp_path):
    story = tmp_path / "story.txt"
    story.write_text(UHR.read_text("utf-8"), "utf-8")
    taken = read_input(str(story))
    assert taken.kind == "story" and taken.story.startswith("Die Uhr am Markt")
    assert taken.film.prompt.startswith("Die Uhr am Markt. Seit dreiundvierzig Jahren")
    piped = read_input("-", stdin=io.TextIOWrapper(io.BytesIO(UHR.read_bytes()), encoding="utf-8"))
    assert piped.story == taken.story
    again = FilmInput.from_json(taken.to_json())  # resume reads input.json back
    assert again.story == taken.story and again.kind == "story"
    assert read_input("A fox finds a key").kind == "prompt"  # today's inputs still work


def test_a_story_file_that_is_missing_or_not_a_story_is_one_line(tmp_path):
    with pytest.raises(InputError, match="story file .*nope.txt does not exist"):
        read_input(str(tmp_path / "nope.txt"))
    notes = tmp_path / "notes.md"
    notes.write_text("\n".join(f"- item {i}: call the plumber about the sink" for i in range(40)), "utf-8")
    with pytest.raises(InputError, match="is a list"):
        read_input(str(notes))


@pytest.fixture(scope="module")
def story_film(tmp_path_factory):
    """One film of the German story, made as a user makes it: `auteur make story.txt --minutes ...`."""
    out = tmp_path_factory.mktemp("story") / "run"
    done = auteur("make", str(UHR), "--minutes", "0.75", "--profile", "preview", "--out", str(out),
                  cache=tmp_path_factory.mktemp("cache"))
    assert done.returncode == 0, done.stderr
    return out


@pytest.mark.slow
def test_auteur_make_of_a_story_file_makes_its_film(story_film):
    film = Film.from_json((story_film / "script.json").read_text("utf-8"))
    assert json.loads((story_film / "input.json").read_text("utf-8"))["kind"] == "story"
    assert film.treatment.language == "de" and film.missing() == []
    text = _norm(UHR.read_text("utf-8"))
    srt = (story_film / "film.srt").read_text("utf-8")
    # the narrator tells the opening, and the cast speaks the text's own words
    assert "Seit dreiundvierzig Jahren" in srt
    spoken = [json.loads((story_film / "shots" / f"{sh.id}.json").read_text())["lines"] for sh in film.shots()]
    narrator = [ln for lines in spoken for ln in lines if ln["speaker"] == "narrator"]
    cast = [ln for lines in spoken for ln in lines if ln["speaker"] != "narrator"]
    assert narrator and cast and all(_from_text(ln["text"], text) for ln in cast)
    from imageio_ffmpeg import get_ffmpeg_exe

    probe = subprocess.run([get_ffmpeg_exe(), "-i", str(story_film / "film.mp4")], capture_output=True, text=True)
    assert probe.stderr.count("Chapter #") == len(film.scenes)  # a text without chapters: a chapter per scene
