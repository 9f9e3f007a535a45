"""Films from the other two sources: a MovieAgent synopsis, and an edited script.json of an earlier run."""

import json
import shutil
from pathlib import Path

import pytest

from auteur.core.schema import Film
from clirun import auteur
from shared_films import shared_film

pytestmark = pytest.mark.slow

# The smallest film that shows the claim: what comes from a source does not depend on the picture's size.
TINY = str(Path(__file__).with_name("tiny.toml"))


def summary(run) -> dict:
    return json.loads((run / "run.json").read_text())["summary"]


def test_a_movieagent_synopsis_becomes_a_film_with_its_named_characters(tmp_path):
    synopsis = tmp_path / "script_synopsis.json"
    synopsis.write_text(json.dumps({"MovieScript": "Anna and Elsa follow a voice into the forest, where the past "
                                                   "holds secrets about their kingdom.", "Character": ["Anna", "Elsa"]}))
    done = auteur("make", str(synopsis), "--profile", TINY, "--shots", "2", "--out", str(tmp_path / "run"),
                  cache=tmp_path / "cache")
    assert done.returncode == 0, done.stderr
    film = Film.from_json((tmp_path / "run" / "script.json").read_text())
    assert [c.name for c in film.characters] == ["Anna", "Elsa"]
    assert (tmp_path / "run" / "film.mp4").is_file()


def test_editing_one_line_of_a_runs_script_renders_only_that_shot_again(tmp_path, shared_films_root):
    made = shared_film(shared_films_root, "A fox finds a key", "--profile", "preview", "--shots", "4")  # test_run_report's
    first, cache = made.run, Path(shutil.copytree(made.cache, tmp_path / "cache"))
    data = json.loads((first / "script.json").read_text())
    scene = next(s for s in data["scenes"] if any(sh["dialogue"] for sh in s["shots"]))
    shot = next(sh for sh in scene["shots"] if sh["dialogue"])
    shot["dialogue"][0]["line"] = scene["dialogue"][0]["line"] = "I changed my mind about the key."
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(data))
    second = tmp_path / "second"
    done = auteur("make", str(edited), "--profile", "preview", "--out", str(second), cache=cache)
    assert done.returncode == 0, done.stderr
    assert summary(second)["shots_rendered"] == 1
    assert summary(second)["shots_cached"] == len(Film.from_json((second / "script.json").read_text()).shots()) - 1
    assert "I changed my mind about the key." in (second / "film.srt").read_text()
