"""`auteur resume` on a finished run, and two processes on one run (kills at random points: test_kill_resume.py)."""

import pytest

from clirun import auteur
from conftest import PREMISE

pytestmark = pytest.mark.slow


def test_resuming_a_finished_run_does_nothing(tmp_path):
    cache, out = tmp_path / "cache", tmp_path / "run"
    assert auteur("make", PREMISE, "--profile", "preview", "--shots", "2", "--out", str(out), cache=cache).returncode == 0
    before = (out / "film.mp4").stat().st_mtime_ns
    again = auteur("resume", str(out), cache=cache)
    assert again.returncode == 0, again.stderr
    assert (out / "film.mp4").stat().st_mtime_ns == before


def test_a_second_process_on_the_same_run_is_refused(tmp_path):
    from auteur.pipeline.runs import RunDir

    cache, out = tmp_path / "cache", tmp_path / "run"
    assert auteur("make", PREMISE, "--profile", "preview", "--shots", "2", "--out", str(out), cache=cache).returncode == 0
    with RunDir.open(out).lock():
        other = auteur("resume", str(out), cache=cache)
    assert other.returncode == 2
    assert "in use by another auteur process" in other.stderr
