"""The default film, end to end, checked against the brief: `auteur make "<premise>"` as a user runs it."""

import json
from pathlib import Path

import pytest

from auteur.core.schema import Film
from auteur.tools.editing.ffmpeg import probe
from auteur.tools.editing.loudness import measure
from auteur.tools.editing.subtitles import parse_srt
from clirun import auteur
from conftest import PREMISE

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    return tmp_path_factory.mktemp("films")


@pytest.fixture(scope="module")
def first_run(workspace) -> Path:
    out = workspace / "first"
    done = auteur("make", PREMISE, "--out", str(out), cache=workspace / "cache")
    assert done.returncode == 0, done.stderr
    return out


@pytest.fixture(scope="module")
def second_run(workspace, first_run) -> Path:
    out = workspace / "second"
    done = auteur("make", PREMISE, "--out", str(out), cache=workspace / "cache")
    assert done.returncode == 0, done.stderr
    return out


def summary(run: Path) -> dict:
    return json.loads((run / "run.json").read_text())["summary"]


def test_default_film_runs_45_to_90_seconds_with_h264_aac_and_subtitles(first_run):
    info = probe(first_run / "film.mp4")
    assert 45 <= info.duration <= 90
    assert info.codecs("video") == ["h264"]
    assert info.codecs("audio") == ["aac"]
    assert info.codecs("subtitle") == ["mov_text"]
    assert info.sample_rate == 48000 and info.channels == "stereo"


def test_default_film_has_eight_shots_in_three_scenes_and_two_voices(first_run):
    film = Film.from_json((first_run / "script.json").read_text())
    assert len(film.scenes) >= 3 and len(film.shots()) >= 8
    speakers = {line.speaker for shot in film.shots() for line in shot.dialogue}
    voices = {film.character(t).voice.model_dump_json() for t in speakers}
    assert len(speakers) >= 2 and len(voices) == len(speakers)


def test_default_film_is_normalised_to_minus_16_lufs(first_run):
    loudness = measure(first_run / "film.mp4")
    assert abs(loudness.integrated_lufs - -16.0) <= 1.0


def test_subtitle_cues_sit_on_the_spoken_lines(first_run):
    """Cue times against each shot's own clip, placed at the offsets of the shot files as ffmpeg sees them."""
    film = Film.from_json((first_run / "script.json").read_text())
    manifest = json.loads((first_run / "run.json").read_text())
    offset = manifest["profile"]["assembly"]["title_card_s"]
    expected = []
    for shot in film.shots():
        clip = json.loads((first_run / "shots" / f"{shot.id}.json").read_text())
        expected += [(offset + ln["start"], offset + ln["end"], ln["text"]) for ln in clip["lines"]]
        offset += probe(first_run / "shots" / f"{shot.id}.mp4").duration
    cues = parse_srt((first_run / "film.srt").read_text())
    assert len(cues) == len(expected) >= 8
    for cue, (start, end, text) in zip(cues, expected):
        assert abs(cue.start - start) <= 0.3 and abs(cue.end - end) <= 0.3
        assert " ".join(cue.text.split()) == " ".join(text.split())


def test_chapters_mark_every_scene(first_run):
    film = Film.from_json((first_run / "script.json").read_text())
    chapters = probe(first_run / "film.mp4").chapters
    assert len(chapters) == len(film.scenes)


def test_run_directory_holds_every_artifact(first_run):
    for name in ("film.mp4", "film.srt", "script.json", "storyboard.png", "run.log", "state.sqlite", "run.json"):
        assert (first_run / name).is_file(), name
    film = Film.from_json((first_run / "script.json").read_text())
    for shot in film.shots():
        assert (first_run / shot.keyframe).is_file()
        assert (first_run / "shots" / f"{shot.id}.mp4").is_file()
    assert all((first_run / c.reference_image).is_file() for c in film.characters)
    assert all((first_run / p.reference_image).is_file() for p in film.locations)


def test_same_prompt_and_seed_give_the_same_script_and_render_nothing(first_run, second_run):
    assert (first_run / "script.json").read_bytes() == (second_run / "script.json").read_bytes()
    assert summary(second_run)["shots_rendered"] == 0
    assert summary(second_run)["shots_cached"] == summary(first_run)["shots_rendered"]
