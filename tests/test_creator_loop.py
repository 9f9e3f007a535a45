"""The creator's loop as a user runs it: plan with an estimate, review and resume with an edit, retake one
shot, export the cut; the exports are read by OpenTimelineIO and rendered by Debian's melt.

One planned film (preview profile, a 15-s film of a few shots) goes through the whole loop; the tests share it in order.
"""

import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from clirun import auteur
from conftest import PREMISE

pytestmark = pytest.mark.slow

MELT = shutil.which("melt")
EDITED_LINE = "Lanterns never argue with weather."
RETAKE_LINE = "Then we wait for the tide together."


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _clips(run: Path) -> dict[str, str]:
    return {p.stem: _digest(p) for p in sorted((run / "shots").glob("*.mp4"))}


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    return tmp_path_factory.mktemp("loop-cache")


@pytest.fixture(scope="module")
def planned(tmp_path_factory, cache):
    """`auteur plan`, and a copy of the planned run as it stood (for what an unfinished run refuses)."""
    root = tmp_path_factory.mktemp("loop")
    run = root / "film"
    result = auteur("plan", PREMISE, "--profile", "preview", "--minutes", "0.25", "--out", str(run),
                    cache=cache)
    assert result.returncode == 0, result.stderr
    shutil.copytree(run, root / "still-planned")
    return run, root / "still-planned", result.stdout


@pytest.fixture(scope="module")
def resumed(planned, cache):
    """A line written into script.json during the review stop, then `auteur resume`."""
    run = planned[0]
    script = json.loads((run / "script.json").read_text("utf-8"))
    shot = next(sh for sc in script["scenes"] for sh in sc["shots"] if sh["characters"])
    shot["dialogue"] = [{"speaker": shot["characters"][0], "line": EDITED_LINE, "emotion": "calm"}]
    (run / "script.json").write_text(json.dumps(script, indent=2), "utf-8")
    result = auteur("resume", str(run), cache=cache)
    assert result.returncode == 0, result.stderr
    return run, shot["id"]


@pytest.fixture(scope="module")
def retaken(resumed, cache):
    run, _ = resumed
    shots = list(_clips(run))
    target = shots[-1]
    before = {"clips": _clips(run), "film": _digest(run / "film.mp4")}
    result = auteur("retake", str(run), target, "--line", RETAKE_LINE, cache=cache)
    assert result.returncode == 0, result.stderr
    return run, target, before, result.stdout


def test_plan_draws_the_storyboard_renders_no_clip_and_estimates_every_stage(planned):
    run, _, stdout = planned
    assert (run / "storyboard.png").is_file() and list((run / "shots").glob("*.png"))
    assert not list((run / "shots").glob("*.mp4")) and not (run / "film.mp4").exists()
    assert json.loads((run / "run.json").read_text())["status"] == "review"
    for stage in ("director text", "keyframes", "shot renders", "assembly"):
        assert stage in stdout
    assert "measured" in stdout and "auteur resume" in stdout
    assert "Waiting for review" in (run / "report.html").read_text("utf-8")


def test_an_unfinished_run_cannot_be_retaken_or_exported(planned):
    still = planned[1]
    for args in (("retake", str(still), "sc1-sh01"), ("export", str(still), "--to", "otio")):
        result = auteur(*args)
        assert result.returncode == 2
        assert result.stderr.count("\n") == 1 and "is not finished" in result.stderr and "auteur resume" in result.stderr


def test_resume_after_review_renders_the_film_with_the_edit_made_meanwhile(resumed):
    run, shot_id = resumed
    assert json.loads((run / "run.json").read_text())["status"] == "done"
    script = json.loads((run / "script.json").read_text("utf-8"))
    shot = next(sh for sc in script["scenes"] for sh in sc["shots"] if sh["id"] == shot_id)
    assert shot["dialogue"][0]["line"] == EDITED_LINE
    assert EDITED_LINE in (run / "film.srt").read_text("utf-8")
    assert "Waiting for review" not in (run / "report.html").read_text("utf-8")


def test_an_unknown_shot_is_refused_in_one_line_naming_the_shots_there_are(resumed):
    run, _ = resumed
    result = auteur("retake", str(run), "sc9-sh99")
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert "no shot 'sc9-sh99'" in result.stderr and "sc1-sh01" in result.stderr


def test_a_retake_changes_exactly_its_clip_and_the_film_and_keeps_the_previous_take(retaken):
    run, target, before, stdout = retaken
    after = _clips(run)
    assert after.keys() == before["clips"].keys()
    assert [s for s in after if after[s] != before["clips"][s]] == [target]
    assert _digest(run / "film.mp4") != before["film"]
    assert RETAKE_LINE in (run / "film.srt").read_text("utf-8")
    takes = json.loads((run / "run.json").read_text())["takes"][target]
    assert [t["take"] for t in takes] == [1, 2] and takes[1]["line"] == RETAKE_LINE
    assert _digest(run / takes[0]["clip"]) == before["clips"][target]  # the first take, kept as it was
    assert _digest(run / takes[1]["clip"]) == after[target]
    page = (run / "report.html").read_text("utf-8")
    assert f'data-shot="{target}" data-take="1"' in page and f'data-shot="{target}" data-take="2"' in page


def test_an_unknown_export_format_is_refused_in_one_line(retaken):
    result = auteur("export", str(retaken[0]), "--to", "aaf")
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert "unknown export format 'aaf'" in result.stderr and "kdenlive" in result.stderr


@pytest.fixture(scope="module")
def exported(retaken, tmp_path_factory):
    run = retaken[0]
    out = tmp_path_factory.mktemp("cuts")
    files = {fmt: out / f"cut{suffix}" for fmt, suffix in
             (("otio", ".otio"), ("fcpxml", ".fcpxml"), ("edl", ".edl"), ("kdenlive", ".kdenlive"))}
    result = auteur("export", str(run), "--to", "kdenlive", "--out", str(files["kdenlive"]))  # as a user does
    assert result.returncode == 0, result.stderr
    assert str(files["kdenlive"]) in result.stdout and f"{files['kdenlive']}.srt" in result.stdout
    from auteur.pipeline.exporting import export_run

    for fmt in ("otio", "fcpxml", "edl"):  # the same code, without three more interpreter start-ups
        assert export_run(run, fmt, files[fmt])[0] == files[fmt]
    return run, files


def _film_frames(run: Path) -> int:
    import imageio_ffmpeg

    frames, _ = imageio_ffmpeg.count_frames_and_secs(str(run / "film.mp4"))
    return frames


@pytest.mark.parametrize("fmt", ["otio", "fcpxml", "edl", "kdenlive"])
def test_opentimelineio_reads_each_export_back_with_one_clip_per_shot_and_the_films_duration(exported, fmt):
    import opentimelineio as otio

    run, files = exported
    cut = otio.adapters.read_from_file(str(files[fmt]))
    picture = [t for t in cut.tracks if t.kind == otio.schema.TrackKind.Video][0]
    clips = list(picture.find_clips())
    shots = sorted(p.stem for p in (run / "shots").glob("*.mp4"))
    named = [c for c in clips if c.name in shots]
    assert [c.name for c in named] == shots
    assert len(clips) == len(shots) + 2  # and the title and end cards
    assert picture.duration().rate == 24
    assert picture.duration().to_frames() == _film_frames(run)
    if fmt != "edl":  # an EDL names a reel, not a file
        for clip in named:
            assert Path(clip.media_reference.target_url.removeprefix("file://")) == (run / "shots" / f"{clip.name}.mp4").resolve()
    if fmt == "otio":
        sound = [t for t in cut.tracks if t.kind == otio.schema.TrackKind.Audio][0]
        assert sound.duration() == picture.duration()
        kinds = [m.metadata["auteur"]["kind"] for m in cut.tracks.markers]
        subtitles = [m.name for m in cut.tracks.markers if m.metadata["auteur"]["kind"] == "subtitle"]
        assert kinds.count("chapter") >= 1 and RETAKE_LINE in subtitles
    if fmt == "kdenlive":  # guides for the chapters; the subtitle track's file beside the project, named in it
        assert len(cut.tracks.markers) == len(json.loads((run / "timeline.json").read_text())["chapters"])
        sidecar = Path(f"{files[fmt]}.srt")
        assert RETAKE_LINE in sidecar.read_text("utf-8") and str(sidecar.resolve()) in files[fmt].read_text("utf-8")


def _gray_frames(path: Path) -> np.ndarray:
    import imageio_ffmpeg

    raw = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-i", str(path), "-vf", "scale=64:36",
                          "-f", "rawvideo", "-pix_fmt", "gray", "-"], capture_output=True, check=True).stdout
    return np.frombuffer(raw, np.uint8).reshape(-1, 36, 64).astype(float)[:, :24]  # above the subtitles


def test_melt_renders_the_kdenlive_project_to_the_films_length_with_its_cuts_on_the_same_frames(exported, tmp_path):
    if MELT is None:
        pytest.skip("Debian's melt is not installed (.ci/run installs it)")
    run, files = exported
    render = tmp_path / "melt.mp4"
    subprocess.run([MELT, "-silent", str(files["kdenlive"]), "-consumer", f"avformat:{render}", "vcodec=libx264",
                    "acodec=aac", "crf=18"], capture_output=True, check=True, timeout=300)
    film, melted = _gray_frames(run / "film.mp4"), _gray_frames(render)
    assert len(melted) == len(film)
    timeline = json.loads((run / "timeline.json").read_text())
    for piece in timeline["pieces"][1:]:
        b = piece["start"]
        same = np.abs(melted[b] - film[b]).mean()
        assert same < 4, (piece, same)  # the render's frame b is the film's frame b ...
        assert np.abs(melted[b] - film[b - 1]).mean() > same + 4  # ... and not the frame before the cut
