"""Issue 23 (hardening, round three): one regression test per numbered item that needs no finished film.

The items that do (8 on a cached film, 11, 13) are in test_hardening.py, beside the tiny film made there;
items 3 and 12 are in test_mot_training.py, beside its tiny checkpoint; item 9 is in test_cache.py (the
sweep) and test_kill_resume.py (the cache after real kills). Errors raised before any work are checked in this process (`auteur_here`),
which costs a fraction of a subprocess's start-up.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PIL import Image

from auteur.core.errors import InputError
from auteur.core.jsonload import loads, nesting_depth
from auteur.core.schema import Film, ShotType
from auteur.pipeline.cache import Cache
from auteur.pipeline.config import load_profile
from auteur.pipeline.inputs import read_input, read_prompt
from auteur.pipeline.runs import RunDir
from clirun import auteur_here

TINY = Path(__file__).with_name("tiny.toml")


def one_line_error(code: int, out: str, err: str, match: str) -> str:
    assert code == 2, (code, err)
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in out + err, err
    assert match in lines[0], lines[0]
    return lines[0]


def listing(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))


def small_film(**shot) -> dict:
    """A whole one-shot script.json as a dict, for one field at a time to be spoiled."""
    return {
        "prompt": "A fox finds a key",
        "treatment": {"title": "The Key", "logline": "A fox finds a key.", "genre": "fable", "tone": "warm",
                      "visual_style": "storybook", "target_runtime_s": 10,
                      "beats": [{"name": "setup", "summary": "A fox finds a key."}]},
        "characters": [{"token": "<char1>", "name": "Vix", "kind": "animal", "appearance": "a red fox"}],
        "locations": [{"token": "<env1>", "name": "the wood", "look": "birches in snow"}],
        "scenes": [{"id": "sc1", "heading": "the wood at dawn", "beat": "setup", "plot": "Vix finds a key.",
                    "setting": "a snowy wood", "location": "<env1>", "characters": ["<char1>"],
                    "shots": [{"id": "sc1-sh01", "shot_type": "wide", "visual_prompt": "<char1> in the snow",
                               "characters": ["<char1>"], "duration": 2.0,
                               "dialogue": [{"speaker": "<char1>", "line": "A key, out here?"}], **shot}]}],
    }


def script(tmp_path: Path, data, name: str = "script.json") -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


# ---------------------------------------------------------------- 1. the nesting pre-check in linear time


def test_1_half_a_million_escaped_quotes_after_an_open_string_are_refused_within_a_second():
    text = '"' + '\\"' * 500_000  # took minutes: every quote restarted the string match
    started = time.perf_counter()
    with pytest.raises(InputError, match="is not valid JSON"):
        loads(text, "big.json")
    assert time.perf_counter() - started < 1.0


def test_1_escaped_quotes_still_keep_brackets_inside_strings_out_of_the_nesting():
    assert nesting_depth('{"a": "\\"[[[[\\\\", "b": [[1]]}') == 3
    assert nesting_depth('["unterminated \\" [[[[') == 1


def test_1_make_refuses_the_escaped_quote_file_in_one_line(tmp_path):
    path = script(tmp_path, '"' + '\\"' * 500_000)
    started = time.perf_counter()
    one_line_error(*auteur_here("make", str(path), "--out", str(tmp_path / "run")), "is not valid JSON")
    assert time.perf_counter() - started < 10 and not (tmp_path / "run").exists()


# ---------------------------------------------------------------- 2. cached clip records are verified


@pytest.fixture(scope="module")
def rendered_shot(tmp_path_factory):
    """One shot rendered through the cache (the draft renderer, tiny profile); returns (root, task, record)."""
    from auteur.models.director import load_director
    from auteur.models.renderer import load_renderer
    from auteur.pipeline.crew import Crew
    from auteur.pipeline.shots import render_shot

    root = tmp_path_factory.mktemp("shot")
    film = Film.model_validate(small_film(keyframe="shots/sc1-sh01.png"))
    shot = film.scenes[0].shots[0]
    task = dict(shot=shot, cast=[film.character("<char1>")], location=film.location("<env1>"), dip_in=False,
                dip_out=False, language="en")
    crew = Crew(director=load_director("draft", {}), renderer=load_renderer("draft", {"preset": "ultrafast"}),
                profile=load_profile(str(TINY)), run=_run(root / "run"), cache=Cache(root / "cache"))
    record = render_shot(task, crew)
    assert not record.cached and record.lines[0].text == "A key, out here?"
    return root, task, record


def _run(root: Path) -> RunDir:
    (root / "shots").mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (128, 72), (40, 90, 140)).save(root / "shots" / "sc1-sh01.png")
    return RunDir(root)


@pytest.mark.parametrize("damage", ["injected line", "truncated", "edited duration"])
def test_2_a_cached_clip_whose_timings_were_edited_is_rendered_again_with_a_warning(rendered_shot, tmp_path, damage):
    from auteur.models.director import load_director
    from auteur.models.renderer import load_renderer
    from auteur.pipeline.crew import Crew
    from auteur.pipeline.shots import render_shot

    root, task, first = rendered_shot
    shutil.copytree(root / "cache", tmp_path / "cache")
    [meta] = (tmp_path / "cache" / "clips").rglob("*.json")
    data = json.loads(meta.read_text())
    if damage == "injected line":
        data["lines"][0]["text"] = "INJECTED SUBTITLE"
        meta.write_text(json.dumps(data))
    elif damage == "truncated":
        meta.write_text(meta.read_text()[:20])
    else:
        data["duration"] = 99.0
        meta.write_text(json.dumps(data))
    crew = Crew(director=load_director("draft", {}), renderer=load_renderer("draft", {"preset": "ultrafast"}),
                profile=load_profile(str(TINY)), run=_run(tmp_path / "run"), cache=Cache(tmp_path / "cache"))
    record = render_shot(task, crew)
    assert not record.cached
    assert record.lines == first.lines and record.duration == first.duration
    assert json.loads((tmp_path / "run" / "shots" / "sc1-sh01.json").read_text())["lines"][0]["text"] == "A key, out here?"
    assert [w.split()[2] for w in crew.cache.warnings] == [str(meta)]
    assert Cache(tmp_path / "cache").verified(meta)  # made again, and recorded


def test_2_an_intact_cached_clip_is_a_hit(rendered_shot, tmp_path):
    from auteur.models.director import load_director
    from auteur.models.renderer import load_renderer
    from auteur.pipeline.crew import Crew
    from auteur.pipeline.shots import render_shot

    root, task, first = rendered_shot
    shutil.copytree(root / "cache", tmp_path / "cache")
    crew = Crew(director=load_director("draft", {}), renderer=load_renderer("draft", {"preset": "ultrafast"}),
                profile=load_profile(str(TINY)), run=_run(tmp_path / "run"), cache=Cache(tmp_path / "cache"))
    record = render_shot(task, crew)
    assert record.cached and record.lines == first.lines and not crew.cache.warnings


# ---------------------------------------------------------------- 4. a --out that is not UTF-8


def test_4_a_non_utf8_out_is_refused_before_anything_is_made(tmp_path):
    done = subprocess.run([sys.executable, "-m", "auteur.pipeline.cli", "make", "A fox finds a key", "--out",
                           b"run-\xff"], cwd=tmp_path, capture_output=True, text=True,
                          env={**os.environ, "AUTEUR_CACHE_DIR": str(tmp_path / "cache")}, timeout=120)
    line = one_line_error(done.returncode, done.stdout, done.stderr, "is not a UTF-8 name")
    assert line == "error: --out run-\\xff is not a UTF-8 name; rename it or pick another"
    assert listing(tmp_path) == []


def test_4_resume_of_a_non_utf8_run_directory_is_refused_in_one_line(tmp_path):
    line = one_line_error(*auteur_here("resume", str(tmp_path / "run-\udcff")), "is not a UTF-8 name")
    assert line == f"error: run directory {tmp_path}/run-\\xff is not a UTF-8 name; rename it or pick another"


# ---------------------------------------------------------------- 5. a refused --out is left as it was


@pytest.fixture
def occupied(tmp_path) -> Path:
    folder = tmp_path / "etc"
    folder.mkdir()
    (folder / "hosts").write_text("127.0.0.1 localhost\n")
    return folder


def test_5_a_non_empty_out_is_refused_without_a_lock_file(occupied):
    before = listing(occupied)
    one_line_error(*auteur_here("make", "A fox finds a key", "--out", str(occupied)), "is not empty")
    assert listing(occupied) == before


def test_5_a_symlink_to_a_non_empty_directory_is_refused_without_a_lock_file(occupied, tmp_path):
    (tmp_path / "link").symlink_to(occupied)
    with pytest.raises(InputError, match="is not empty"):
        RunDir.create(tmp_path / "link", "x")
    assert listing(occupied) == ["hosts"]


def test_5_a_released_run_directory_keeps_no_lock_file(tmp_path):
    run = RunDir.create(tmp_path / "run", "x")
    assert (tmp_path / "run" / ".lock").is_file()
    run.release()
    assert sorted(p.name for p in (tmp_path / "run").iterdir()) == ["characters", "locations", "shots"]
    with RunDir(tmp_path / "run").lock():  # and it can be taken again
        assert (tmp_path / "run" / ".lock").is_file()
    assert not (tmp_path / "run" / ".lock").exists()


# ---------------------------------------------------------------- 6. a premise of invisible characters


@pytest.mark.parametrize("premise", ["\u200b\u200b\u200c", "\ufeff\u2060\u200d", "\u200e...\u200f"])
def test_6_a_premise_without_letters_or_digits_is_refused(premise, tmp_path):
    one_line_error(*auteur_here("make", premise, "--out", str(tmp_path / "run")), "the prompt has no letters or digits")
    assert not (tmp_path / "run").exists()


def test_6_zero_width_joiners_inside_words_are_kept():
    assert read_prompt("A fox finds a key \u200d\U0001f511") == "A fox finds a key \u200d\U0001f511"
    assert read_prompt("\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u062f") == "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u062f"


# ---------------------------------------------------------------- 7. deep nesting in every file a user gives


def test_7_a_profile_nested_5000_deep_is_one_line(tmp_path):
    data = TINY.read_text().replace('settings = { preset = "ultrafast" }', "settings = { x = " + "[" * 5000 + "]" * 5000 + " }")
    path = script(tmp_path, data, "deep.toml")
    with pytest.raises(InputError, match=r"profile .*deep.toml nests too deep to read"):
        load_profile(str(path))
    one_line_error(*auteur_here("make", "A fox finds a key", "--profile", str(path), "--out", str(tmp_path / "run")),
                   "nests too deep")
    assert not (tmp_path / "run").exists()


def test_7_a_profile_nested_past_64_is_refused_with_its_depth(tmp_path):
    data = TINY.read_text().replace('settings = { preset = "ultrafast" }', "settings = { x = " + "[" * 100 + "]" * 100 + " }")
    with pytest.raises(InputError, match="nests 103 levels deep"):  # three tables, a hundred arrays
        load_profile(str(script(tmp_path, data, "deep.toml")))


def test_7_a_training_config_nested_5000_deep_is_one_line(tmp_path):
    from auteur.models.mot.training.config import load_train_config

    path = script(tmp_path, '[model]\npath = "x"\n[data]\nruns = ' + "[" * 5000 + "]" * 5000 + "\n", "train.toml")
    with pytest.raises(InputError, match="training config .*train.toml nests too deep"):
        load_train_config(path)


def test_7_a_jsonl_document_of_50000_brackets_is_one_line_naming_the_line(tmp_path):
    from auteur.models.mot.training.documents import from_jsonl

    path = script(tmp_path, "[" * 50_000 + "\n", "films.jsonl")
    with pytest.raises(InputError, match=rf"{path.name}:1: the document nests 50000 levels deep"):
        from_jsonl(path)


# ---------------------------------------------------------------- 8. the executor's address, checked first


def test_8_a_malformed_ray_address_is_refused_before_the_run_directory_exists(tmp_path):
    one_line_error(*auteur_here("make", "A fox finds a key", "--executor", "ray:[/]", "--out", str(tmp_path / "run")),
                   "Ray address '[/]' is not HOST:PORT")
    assert not (tmp_path / "run").exists()


@pytest.mark.parametrize("spec", ["ray:", "ray:host", "ray:host:0", "ray:host:65536", "ray:a b:1", "ray:[/]:1"])
def test_8_an_address_that_is_not_host_and_port_is_refused(spec):
    from auteur.core.settings import parse_executor

    with pytest.raises(InputError, match="is not HOST:PORT"):
        parse_executor(spec)


@pytest.mark.parametrize("spec, address", [("ray:auto", "auto"), ("ray:10.0.0.5:6379", "10.0.0.5:6379"),
                                           ("ray:head.local:6379", "head.local:6379"), ("ray:[::1]:6379", "[::1]:6379"),
                                           ("ray:ray://10.0.0.5:10001", "ray://10.0.0.5:10001")])
def test_8_the_address_forms_ray_prints_are_accepted(spec, address):
    from auteur.core.settings import parse_executor

    assert parse_executor(spec) == ("ray", address)


# ---------------------------------------------------------------- 10. wrong types refused, not converted


@pytest.mark.parametrize("field, value", [("duration", True), ("duration", "4.5"), ("duration", None)])
def test_10_a_shot_duration_of_the_wrong_type_is_refused(tmp_path, field, value):
    with pytest.raises(InputError, match=f"shot sc1-sh01, field {field}: Input should be a valid number"):
        read_input(str(script(tmp_path, small_film(**{field: value}))))


def test_10_a_runtime_target_given_as_text_is_refused(tmp_path):
    data = small_film()
    data["treatment"]["target_runtime_s"] = "60"
    with pytest.raises(InputError, match="field treatment, field target_runtime_s: Input should be a valid number"):
        read_input(str(script(tmp_path, data)))


def test_10_a_whole_number_still_reads_as_seconds(tmp_path):
    film = read_input(str(script(tmp_path, small_film(duration=3)))).film
    assert film.scenes[0].shots[0].duration == 3.0


@pytest.mark.parametrize("line, match", [("target_runtime_s = \"60\"", "target_runtime_s: Input should be a valid number"),
                                         ("workers = true", "workers: Input should be a valid integer"),
                                         ("retries = 2.0", "retries: Input should be a valid integer")])
def test_10_a_profile_value_of_the_wrong_type_is_refused(tmp_path, line, match):
    key = line.split(" = ")[0]
    text = "\n".join(ln for ln in TINY.read_text().splitlines() if not ln.startswith(f"{key} ="))
    path = script(tmp_path, f"{line}\n{text}\n", "wrong.toml")
    with pytest.raises(InputError, match=match):
        load_profile(str(path))


def test_10_offscreen_given_as_text_is_refused(tmp_path):
    data = small_film()
    data["characters"][0]["offscreen"] = "yes"
    with pytest.raises(InputError, match="character <char1>, field offscreen: Input should be a valid boolean"):
        read_input(str(script(tmp_path, data)))


# ---------------------------------------------------------------- 14. the smaller ones


def test_14_a_profile_that_is_not_utf8_is_one_line(tmp_path):
    path = tmp_path / "latin1.toml"
    path.write_bytes(TINY.read_bytes().replace(b"draft at", b"draft \xe0"))
    with pytest.raises(InputError, match=r"profile .*latin1.toml is not UTF-8 text"):
        load_profile(str(path))


def test_14_an_out_name_too_long_for_the_file_system_is_one_line(tmp_path):
    out = tmp_path / ("a" * 300)
    line = one_line_error(*auteur_here("make", "A fox finds a key", "--out", str(out)), "File name too long")
    assert line == f"error: cannot write to --out {out}: File name too long"
    assert listing(tmp_path) == []


def test_14_a_megabyte_id_is_not_echoed_back_whole(tmp_path):
    with pytest.raises(InputError) as err:
        read_input(str(script(tmp_path, small_film(id="x" * 1_000_000))))
    assert len(str(err.value)) < 500 and "shot xxxxx" in str(err.value)


def test_14_help_shows_bracketed_words_and_no_bool_metavar():
    code, out, _ = auteur_here("eval", "--help")
    assert code == 0 and "a suite .toml whose [thresholds] the film" in " ".join(out.split())
    code, out, _ = auteur_here("--help")
    assert code == 0 and "--help  Show this message and exit." in out and "<bool>" not in out


def test_14_a_training_image_that_links_out_of_the_image_folder_is_refused(tmp_path):
    from auteur.models.mot.training.documents import from_jsonl

    outside = tmp_path / "secret.png"
    Image.new("RGB", (8, 8)).save(outside)
    images = tmp_path / "images"
    images.mkdir()
    (images / "shot.png").symlink_to(outside)
    doc = {"id": "a", "treatment": "t", "scenes": [{"text": "s", "shots": [{"text": "x", "keyframe": "shot.png"}]}]}
    path = script(tmp_path, json.dumps(doc), "films.jsonl")
    with pytest.raises(InputError, match="'shot.png' leads out of the image folder"):
        from_jsonl(path, images)
    (images / "shot.png").unlink()
    Image.new("RGB", (8, 8)).save(images / "shot.png")
    assert from_jsonl(path, images)[0].scenes[0].shots[0].keyframe == images / "shot.png"


@pytest.mark.parametrize("heading, title", [("the lighthouse keeper's home", "The Lighthouse Keeper's Home"),
                                            ("NASA's McDonald observatory", "NASA's McDonald Observatory"),
                                            ("  rock-pool   at noon ", "Rock-pool At Noon")])
def test_14_chapter_titles_raise_only_each_words_first_letter(heading, title):
    from auteur.tools.editing.chapters import headline

    assert headline(heading) == title


def test_14_the_video_prompt_of_a_two_shot_says_two_shot_once(tmp_path):
    from auteur.core.settings import VideoSettings
    from auteur.models.gpu.shot import shot_prompt
    from auteur.models.renderer import RenderRequest

    data = small_film(shot_type="two-shot")
    data["characters"].append({"token": "<char2>", "name": "Ash", "appearance": "a grey owl", "kind": "animal"})
    data["scenes"][0]["shots"][0]["characters"].append("<char2>")
    film = Film.model_validate(data)
    shot = film.scenes[0].shots[0]
    request = RenderRequest(shot=shot, keyframe=tmp_path / "k.png", cast=tuple(film.characters),
                            location=film.location("<env1>"), video=VideoSettings())
    prompt = shot_prompt(request, with_dialogue=True)
    assert "Two-shot, camera static." in prompt and "shot shot" not in prompt.lower()
    wide = dataclasses.replace(request, shot=shot.model_copy(update={"shot_type": ShotType.wide}))
    assert "Wide shot, camera static." in shot_prompt(wide, with_dialogue=True)

