"""Hostile and broken input: a one-line error or a correct film, never a traceback, nothing outside the run."""

import json
from pathlib import Path

import pytest

from auteur.tools.editing.ffmpeg import probe
from auteur.tools.editing.subtitles import parse_srt
from clirun import auteur
from test_schema import planned_film

# The smallest film that carries the text through: what reaches the subtitles does not depend on the picture's size.
TINY = str(Path(__file__).with_name("tiny.toml"))
AWKWARD = "It's 5 o'clock: [cut]; a, b %{pts} \\n \"quoted\" ⛈️ שלום مرحبا"


def assert_one_line_error(done, match: str):
    assert done.returncode == 2
    assert "Traceback" not in done.stderr + done.stdout
    lines = [ln for ln in done.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), done.stderr
    assert match in " ".join(lines[0].split())


@pytest.mark.parametrize("prompt, match", [
    ("", "the prompt is empty"),
    ("   \t ", "the prompt is empty"),
    ("x" * 20000, "20000 characters long"),
])
def test_unusable_prompts_get_one_line_and_write_nothing(tmp_path, prompt, match):
    done = auteur("make", prompt, cwd=tmp_path, cache=tmp_path / "cache")
    assert_one_line_error(done, match)
    assert [p.name for p in tmp_path.iterdir() if p.name != "cache"] == []


def test_an_unwritable_out_is_named(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    done = auteur("make", "A fox finds a key", "--out", str(blocker / "run"), cwd=tmp_path, cache=tmp_path / "cache")
    assert_one_line_error(done, f"cannot write to --out {blocker / 'run'}")
    done = auteur("make", "A fox finds a key", "--out", "/proc/auteur-run", cwd=tmp_path, cache=tmp_path / "cache")
    assert_one_line_error(done, "cannot write to --out /proc/auteur-run")


def test_an_invalid_script_json_names_shot_and_field(tmp_path):
    data = json.loads(planned_film().to_json())
    data["scenes"][0]["shots"][1]["dialogue"][0]["speaker"] = "nobody"
    path = tmp_path / "script.json"
    path.write_text(json.dumps(data))
    done = auteur("make", str(path), "--out", str(tmp_path / "run"), cwd=tmp_path, cache=tmp_path / "cache")
    assert_one_line_error(done, "scene sc1, shot sc1-sh02, dialogue line #1, field speaker")
    assert not (tmp_path / "run").exists()


def test_control_characters_emoji_and_rtl_in_the_prompt_make_a_film(tmp_path):
    done = auteur("make", "A keeper\x07 and a storm ⛈️ meet at the lighthouse — שלום\x1b", "--profile", TINY,
                  "--shots", "3", "--out", str(tmp_path / "run"), cwd=tmp_path, cache=tmp_path / "cache")
    assert done.returncode == 0, done.stderr
    assert probe(tmp_path / "run" / "film.mp4").codecs("subtitle") == ["mov_text"]


def test_filter_syntax_and_quotes_in_dialogue_reach_the_subtitles_verbatim(tmp_path):
    film = planned_film()
    scene = film.scenes[1].model_copy(update={"shots": film.scenes[1].shots[1:2]})
    shot = scene.shots[0]
    line = shot.dialogue[0].model_copy(update={"line": AWKWARD})
    scene = scene.model_copy(update={"shots": [shot.model_copy(update={"dialogue": [line]})],
                                     "dialogue": [line]})
    data = json.loads(film.to_json())
    data["scenes"] = [json.loads(scene.model_dump_json())]
    path = tmp_path / "script.json"
    path.write_text(json.dumps(data, ensure_ascii=False))
    done = auteur("make", str(path), "--profile", TINY, "--out", str(tmp_path / "run"), cwd=tmp_path,
                  cache=tmp_path / "cache")
    assert done.returncode == 0, done.stderr
    cues = parse_srt((tmp_path / "run" / "film.srt").read_text())
    assert " ".join(c.text for c in cues).split() == AWKWARD.split()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "cache") == ["run", "script.json"]


def test_a_profile_naming_an_unknown_backend_fails_before_any_run_directory_exists(tmp_path):
    profile = tmp_path / "mine.toml"
    profile.write_text('[director]\nbackend = "draft"\n[renderer]\nbackend = "hologram"\n')
    done = auteur("make", "A fox finds a key", "--profile", str(profile), "--out", str(tmp_path / "run"),
                  cwd=tmp_path, cache=tmp_path / "cache")
    assert_one_line_error(done, "unknown renderer backend 'hologram'")
    assert not (tmp_path / "run").exists()


def test_a_profile_with_a_bad_value_names_the_setting(tmp_path):
    profile = tmp_path / "mine.toml"
    profile.write_text('[director]\nbackend = "draft"\n[renderer]\nbackend = "draft"\n[video]\nwidth = 7\n')
    done = auteur("make", "A fox finds a key", "--profile", str(profile), cwd=tmp_path, cache=tmp_path / "cache")
    assert_one_line_error(done, "video.width")
