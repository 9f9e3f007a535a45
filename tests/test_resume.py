"""A run killed while rendering finishes with `auteur resume`, without rendering finished shots again."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from auteur.tools.ffmpeg import probe
from clirun import auteur
from conftest import PREMISE

pytestmark = pytest.mark.slow


def finished_clips(cache) -> int:
    return len(list((cache / "clips").rglob("*.json"))) if (cache / "clips").exists() else 0


def test_killed_during_rendering_resume_finishes_without_rerendering(tmp_path):
    cache, out = tmp_path / "cache", tmp_path / "run"
    env = {**os.environ, "AUTEUR_CACHE_DIR": str(cache)}
    proc = subprocess.Popen([sys.executable, "-m", "auteur.pipeline.cli", "make", PREMISE, "--profile", "preview",
                             "--shots", "8", "--workers", "1", "--out", str(out)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 240
    while finished_clips(cache) < 2 and time.time() < deadline and proc.poll() is None:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    done_before = finished_clips(cache)
    assert 2 <= done_before < 8, "the kill did not land during rendering"
    assert not (out / "film.mp4").exists()

    resumed = auteur("resume", str(out), cache=cache)
    assert resumed.returncode == 0, resumed.stderr
    summary = json.loads((out / "run.json").read_text())["summary"]
    assert summary["shots_rendered"] == 8 - done_before
    assert probe(out / "film.mp4").codecs("video") == ["h264"]


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
