"""What the README promises of the command line, on the tiniest films (tests/tiny.toml, three shots).

Films are shared: one module-scoped base film and one artifact cache serve every test that can reuse
them, so the edits, the burnt subtitles and the plugin runs render only what they change.
"""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from auteur.tools.editing.cards import end_card, title_card
from auteur.tools.editing.ffmpeg import ffmpeg_exe, probe, run_ffmpeg
from clirun import auteur
from conftest import PREMISE
from shared_films import shared_film

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
TINY = str(Path(__file__).with_name("tiny.toml"))
SHOTS = "3"


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    return tmp_path_factory.mktemp("readme")


@pytest.fixture(scope="module")
def shared_base(shared_films_root):
    """The three-shot tiny film, shared with test_ray_executor.py (tests/shared_films.py)."""
    return shared_film(shared_films_root, PREMISE, "--profile", TINY, "--shots", SHOTS)


@pytest.fixture(scope="module")
def cache(workspace, shared_base):
    """A copy of the cache the base film was made with: this file's takes and edits render only what they change."""
    return Path(shutil.copytree(shared_base.cache, workspace / "cache"))


def make(workspace: Path, cache: Path, name: str, *args: str, source: str = PREMISE, extra_env=None) -> Path:
    out = workspace / name
    done = auteur("make", source, "--profile", TINY, "--out", str(out), *args, cache=cache, extra_env=extra_env)
    assert done.returncode == 0, done.stderr
    return out


def summary(run: Path) -> dict:
    return json.loads((run / "run.json").read_text())["summary"]


def script(run: Path) -> dict:
    return json.loads((run / "script.json").read_text())


def rendered(run: Path) -> set[str]:
    return set(re.findall(r"render done (\S+)", (run / "run.log").read_text()))


def frame(film: Path, seconds: float) -> np.ndarray:
    """The film's picture at `seconds`, decoded to RGB."""
    info = probe(film)
    raw = run_ffmpeg(["-ss", f"{seconds:.3f}", "-i", str(film), "-frames:v", "1", "-f", "rawvideo",
                      "-pix_fmt", "rgb24", "pipe:1"]).stdout
    return np.frombuffer(raw, dtype=np.uint8).reshape(info.height, info.width, 3).astype(float)


@pytest.fixture(scope="module")
def base(shared_base):
    return shared_base.run  # read-only: tests compare against it and make their takes beside it


# ---------------------------------------------------------------- how much film, which take


def test_minutes_sets_the_runtime_the_film_is_planned_for(workspace, cache):
    run = make(workspace, cache, "minutes", "--minutes", "0.25")
    plan = script(run)
    assert plan["treatment"]["target_runtime_s"] == 15.0
    planned = sum(sh["duration"] for s in plan["scenes"] for sh in s["shots"])
    assert 7.5 <= planned <= 30.0  # within the 2x the durations metric allows
    assert json.loads((run / "run.json").read_text())["target_shots"] is None


def test_shots_and_minutes_together_are_refused_in_one_line(tmp_path):
    done = auteur("make", PREMISE, "--shots", "3", "--minutes", "1", "--out", str(tmp_path / "run"))
    assert done.returncode == 2 and done.stderr.strip() == "error: give --shots or --minutes, not both"
    assert not (tmp_path / "run").exists()


def test_another_seed_is_another_take_of_the_same_premise(workspace, cache, base):
    take = make(workspace, cache, "seed3", "--shots", SHOTS, "--seed", "3")
    assert json.loads((take / "run.json").read_text())["seed"] == 3
    assert script(take)["prompt"] == script(base)["prompt"]
    assert script(take) != script(base)
    assert (take / "film.mp4").read_bytes() != (base / "film.mp4").read_bytes()


# ---------------------------------------------------------------- subtitles burnt in


def test_burn_subtitles_draws_the_lines_on_the_picture_and_keeps_the_soft_track(workspace, cache, base):
    burnt = make(workspace, cache, "burnt", "--shots", SHOTS, "--burn-subtitles")
    assert summary(burnt)["shots_rendered"] == 0  # the same shots: only the assembly differs
    assert probe(burnt / "film.mp4").codecs("subtitle") == probe(base / "film.mp4").codecs("subtitle") != []
    cue = re.search(r"(\d\d):(\d\d):(\d\d),(\d\d\d) --> (\d\d):(\d\d):(\d\d),(\d\d\d)",
                    (base / "film.srt").read_text())
    h1, m1, s1, ms1, h2, m2, s2, ms2 = map(int, cue.groups())
    middle = ((h1 * 3600 + m1 * 60 + s1 + ms1 / 1000) + (h2 * 3600 + m2 * 60 + s2 + ms2 / 1000)) / 2
    during = np.abs(frame(burnt / "film.mp4", middle) - frame(base / "film.mp4", middle))
    rows = during.mean(axis=(1, 2))
    # the difference is text near the bottom of the frame, not a changed picture
    assert rows.max() > 10 and rows[: len(rows) // 2].mean() < rows[len(rows) // 2:].mean()


# ---------------------------------------------------------------- title and end cards


def test_the_film_opens_on_its_title_card_and_closes_on_its_end_card(base):
    plan, film = script(base), base / "film.mp4"
    info = probe(film)
    w, h = info.width, info.height

    def distance(picture: np.ndarray, card: Image.Image) -> float:
        return float(np.abs(picture - np.asarray(card.convert("RGB"), dtype=float)).mean())

    opening, closing = frame(film, 0.25), frame(film, info.duration - 0.25)
    title = title_card(plan["treatment"]["title"], plan["treatment"]["logline"], w, h)
    wrong_title = title_card("Another Film Entirely", plan["treatment"]["logline"], w, h)
    assert distance(opening, title) < 12 and distance(opening, title) < distance(opening, wrong_title)
    names = [c["name"] for c in plan["characters"]]
    credits = end_card(["Cast", *names, "", "Made with auteur, tiny profile",
                        "director model: draft, renderer: draft"], w, h)
    assert distance(closing, credits) < 12 and distance(closing, credits) < distance(closing, title)
    keyframe = Image.open(base / plan["scenes"][0]["shots"][0]["keyframe"]).convert("RGB").resize((w, h))
    assert distance(opening, keyframe) > 2 * distance(opening, title)


# ---------------------------------------------------------------- editing a film


def edited(base: Path, workspace: Path, name: str, change) -> Path:
    plan = script(base)
    change(plan)
    folder = workspace / f"{name}-script"
    folder.mkdir()
    (folder / "script.json").write_text(json.dumps(plan))
    return folder / "script.json"


def test_editing_a_characters_look_redraws_and_rerenders_only_their_shots(workspace, cache, base):
    plan = script(base)
    shots = {sh["id"]: sh["characters"] for s in plan["scenes"] for sh in s["shots"]}
    # a character in some of the shots but not all, so that both halves of the claim are tested
    k, with_them = next((k, ids) for k, c in enumerate(plan["characters"])
                        if 0 < len(ids := {i for i, chars in shots.items() if c["token"] in chars}) < len(shots))
    without = set(shots) - with_them

    def restyle(p):
        p["characters"][k]["appearance"] = "a tall figure in a bright yellow raincoat"

    take = make(workspace, cache, "look", source=str(edited(base, workspace, "look", restyle)))
    assert rendered(take) == with_them
    assert summary(take)["shots_cached"] == len(without)
    assert script(take)["characters"][k]["appearance"] == "a tall figure in a bright yellow raincoat"


def test_editing_a_camera_move_rerenders_only_that_shot(workspace, cache, base):
    plan = script(base)
    shot = plan["scenes"][0]["shots"][1]
    new_move = "pan-left" if shot["camera"] != "pan-left" else "tilt-up"

    def move(p):
        p["scenes"][0]["shots"][1]["camera"] = new_move

    take = make(workspace, cache, "camera", source=str(edited(base, workspace, "camera", move)))
    assert rendered(take) == {shot["id"]}
    assert summary(take)["shots_cached"] == int(SHOTS) - 1
    assert summary(take)["images_drawn"] == 1  # that shot's keyframe only: no sheet, plate or other shot redrawn


# ---------------------------------------------------------------- the composer plugin, and --no-plugins


@pytest.fixture(scope="module")
def composer_site(workspace):
    """The example plugin installed for real (pip --target), reached through PYTHONPATH."""
    target = workspace / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation",
                    "--target", str(target), str(REPO / "examples" / "composer-role")], check=True,
                   capture_output=True)
    return {"PYTHONPATH": os.pathsep.join([str(target), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)}


def music_cues(run: Path) -> list[str]:
    return [c["description"] for s in script(run)["scenes"] for sh in s["shots"] for c in sh["sound"]
            if c["kind"] == "music"]


def test_the_composer_plugin_scores_every_shot_and_the_film_plays_it(workspace, cache, base, composer_site):
    scored = make(workspace, cache, "composer", "--shots", SHOTS, extra_env=composer_site)
    assert summary(scored)["roles"][-1] == "composer"
    assert len(music_cues(scored)) == int(SHOTS) and not music_cues(base)
    assert summary(scored)["shots_rendered"] == int(SHOTS)  # a music cue is an input of every clip
    # the same picture plan, a different sound: the cue is heard
    assert [sh["visual_prompt"] for s in script(scored)["scenes"] for sh in s["shots"]] == \
           [sh["visual_prompt"] for s in script(base)["scenes"] for sh in s["shots"]]
    for shot_id in rendered(scored):
        assert (scored / "shots" / f"{shot_id}.mp4").read_bytes() != (base / "shots" / f"{shot_id}.mp4").read_bytes()


def test_no_plugins_makes_the_film_with_auteurs_own_roles_only(workspace, cache, base, composer_site):
    # (AUTEUR_NO_PLUGINS=1, the same switch, is tested on the role registry in test_roles.py)
    plain = make(workspace, cache, "no-plugins", "--shots", SHOTS, "--no-plugins", extra_env=composer_site)
    assert "composer" not in summary(plain)["roles"] and not music_cues(plain)
    assert (plain / "script.json").read_bytes() == (base / "script.json").read_bytes()
    assert summary(plain)["shots_rendered"] == 0  # the base film's clips, from the cache


# ---------------------------------------------------------------- a broken ffmpeg


def ffmpeg_broken(tmp_path: Path, when: str) -> Path:
    """An ffmpeg that fails always ("always"), or only for the assembly's work in the run's .work folder."""
    wrapper = tmp_path / "ffmpeg"
    wrapper.write_text(f"""#!{sys.executable}
import os, sys
args = sys.argv[1:]
if {when!r} == "always" or any("/.work" in a for a in args) or os.path.basename(os.getcwd()) == ".work":
    sys.stderr.write("simulated broken ffmpeg\\n")
    sys.exit(1)
os.execv({ffmpeg_exe()!r}, [{ffmpeg_exe()!r}, *args])
""")
    wrapper.chmod(0o755)
    return wrapper


def one_line_error(done) -> str:
    assert done.returncode != 0 and "Traceback" not in done.stderr + done.stdout
    lines = [ln for ln in done.stderr.splitlines() if ln.strip()]
    assert lines[-1].startswith("error: ") and all("error" not in ln for ln in lines[:-1]), done.stderr
    return lines[-1]


def test_a_missing_ffmpeg_stops_the_run_in_one_line_and_resume_finishes_it(tmp_path, base):
    # an empty cache: the shared one holds this film already, and an unchanged film is replayed without ffmpeg
    cache = tmp_path / "cache"
    out = tmp_path / "run"
    done = auteur("make", PREMISE, "--profile", TINY, "--shots", SHOTS, "--out", str(out), cache=cache,
                  extra_env={"AUTEUR_FFMPEG": str(tmp_path / "no-such-ffmpeg")})
    assert "AUTEUR_FFMPEG" in one_line_error(done) and "not an executable ffmpeg binary" in one_line_error(done)
    assert not (out / "film.mp4").exists()
    again = auteur("resume", str(out), cache=cache)
    assert again.returncode == 0, again.stderr
    assert (out / "film.mp4").read_bytes() == (base / "film.mp4").read_bytes()


def test_an_ffmpeg_failing_at_assembly_stops_in_one_line_and_resume_renders_nothing_again(tmp_path, base):
    # an empty cache: the shared one holds this film already, and an unchanged film is replayed without ffmpeg
    cache = tmp_path / "cache"
    out = tmp_path / "run"
    done = auteur("make", PREMISE, "--profile", TINY, "--shots", SHOTS, "--out", str(out), cache=cache,
                  extra_env={"AUTEUR_FFMPEG": str(ffmpeg_broken(tmp_path, "assembly"))})
    assert "simulated broken ffmpeg" in one_line_error(done)
    assert not (out / "film.mp4").exists() and len(list((out / "shots").glob("*.mp4"))) == int(SHOTS)
    again = auteur("resume", str(out), cache=cache)
    assert again.returncode == 0, again.stderr
    assert "render start" not in (out / "run.log").read_text().split("resuming run in")[-1]
    assert (out / "film.mp4").read_bytes() == (base / "film.mp4").read_bytes()


# ---------------------------------------------------------------- eval and bench from the command line


def test_auteur_eval_scores_a_run_directory_with_its_rendered_durations(base, tmp_path):
    out = tmp_path / "scores.json"
    done = auteur("eval", str(base), "--json", str(out), "--fail-under", "0.5")
    assert done.returncode == 0, done.stderr
    scores = json.loads(out.read_text())
    assert scores["source"] == str(base)
    metrics = {m["name"]: m for m in scores["metrics"]}
    assert {"membership", "appearance", "locations", "beats", "durations", "dialogue_fit", "orphans"} <= set(metrics)
    assert metrics["durations"]["score"] == 1.0 and metrics["orphans"]["score"] == 1.0
    ran = [m for m in scores["metrics"] if m["score"] is not None]
    assert scores["overall"] == pytest.approx(sum(m["weight"] * m["score"] for m in ran) /
                                              sum(m["weight"] for m in ran))


def test_a_bench_run_on_the_preview_profile_passes_its_thresholds(tmp_path):
    suite = tmp_path / "suite.toml"
    suite.write_text(f'description = "one preview film"\nprofile = "preview"\nshots = 2\nseed = 7\n'
                     f'prompts = [{json.dumps(PREMISE)}]\n[thresholds]\noverall = 0.8\n'
                     f'[thresholds.metrics]\nmembership = 1.0\norphans = 1.0\n')
    done = auteur("bench", str(suite), "--out", str(tmp_path / "bench"), cache=tmp_path / "cache")
    assert done.returncode == 0, done.stdout + done.stderr
    table = json.loads((tmp_path / "bench" / "bench.json").read_text())
    assert "PASS" in (tmp_path / "bench" / "bench.md").read_text() or table
    films = list((tmp_path / "bench").rglob("film.mp4"))
    assert len(films) == 1
    info = probe(films[0])
    assert (info.width, info.height) == (640, 360)  # the preview profile's size

    # the same suite gating on its record: --record writes it beside the suite, a later bench holds the film to it
    # (both replay the cached film)
    suite.write_text(suite.read_text().replace("seed = 7\n", 'seed = 7\ngate = "recorded"\n'))
    recorded = auteur("bench", str(suite), "--record", "--out", str(tmp_path / "rec"), cache=tmp_path / "cache")
    assert recorded.returncode == 0, recorded.stdout + recorded.stderr
    kept = json.loads((tmp_path / "suite.recorded.json").read_text())["films"][PREMISE]
    assert kept["overall"] == pytest.approx(table["rows"][0]["overall"], abs=1e-4)
    again = auteur("bench", str(suite), "--out", str(tmp_path / "again"), cache=tmp_path / "cache")
    assert again.returncode == 0, again.stdout + again.stderr
    assert "gate: no score below its record by more than 0.02" in (tmp_path / "again" / "bench.md").read_text()
