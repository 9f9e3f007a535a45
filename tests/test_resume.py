"""`auteur resume` on a finished run, and two processes on one run (kills at random points: test_kill_resume.py).

One finished two-shot tiny film serves the file: it is the run resumed, the run locked, and the film a killed
run must equal once resumed (none of these tests changes it).
"""

from pathlib import Path

import pytest

from clirun import auteur
from conftest import PREMISE

pytestmark = pytest.mark.slow

TINY = str(Path(__file__).with_name("tiny.toml"))


@pytest.fixture(scope="module")
def finished(tmp_path_factory) -> tuple[Path, Path]:
    """A finished run and the cache it was made with."""
    root = tmp_path_factory.mktemp("finished")
    out, cache = root / "run", root / "cache"
    done = auteur("make", PREMISE, "--profile", TINY, "--shots", "2", "--out", str(out), cache=cache)
    assert done.returncode == 0, done.stderr
    return out, cache


def test_resuming_a_finished_run_does_nothing(finished):
    out, cache = finished
    before = (out / "film.mp4").stat().st_mtime_ns
    again = auteur("resume", str(out), cache=cache)
    assert again.returncode == 0, again.stderr
    assert (out / "film.mp4").stat().st_mtime_ns == before


def test_a_second_process_on_the_same_run_is_refused(finished):
    from auteur.pipeline.runs import RunDir

    out, cache = finished
    with RunDir.open(out).lock():
        other = auteur("resume", str(out), cache=cache)
    assert other.returncode == 2
    assert "in use by another auteur process" in other.stderr


# `auteur make`, in a process that dies (as under SIGKILL: no cleanup, no flush) the moment the graph has saved
# its input as the pending writes of its first checkpoint, before the first role runs.
DIES_AFTER_THE_INPUT_IS_SAVED = """
import os, sys
from auteur.pipeline import graph
real = graph.checkpointer
def dying(path):
    saver = real(path)
    put_writes = saver.put_writes
    def put_writes_then_die(config, writes, task_id, task_path=""):
        put_writes(config, writes, task_id, task_path)
        if "branch:to:director" in [channel for channel, _ in writes]:
            os._exit(9)
    saver.put_writes = put_writes_then_die
    return saver
graph.checkpointer = dying
from auteur.pipeline.cli import main
sys.argv = ["auteur", *sys.argv[1:]]
main()
"""


def test_a_run_killed_between_its_first_checkpoint_and_its_first_step_resumes_to_the_film(tmp_path, finished):
    """The kill test (then ten kills) once landed here: the input waited as pending writes of the first checkpoint, so the
    graph read as having no next step, and resume said "nothing left to do" over an empty run."""
    import os
    import subprocess
    import sys

    reference = finished[0]  # the same premise, profile and shots, made uninterrupted
    out, cache = tmp_path / "run", tmp_path / "cache"
    killed = subprocess.run([sys.executable, "-c", DIES_AFTER_THE_INPUT_IS_SAVED, "make", PREMISE, "--profile", TINY,
                             "--shots", "2", "--out", str(out)], capture_output=True, text=True, timeout=300,
                            env={**os.environ, "AUTEUR_CACHE_DIR": str(cache)})
    assert killed.returncode == 9, killed.stderr
    assert (out / "state.sqlite").is_file() and not (out / "script.json").exists()

    resumed = auteur("resume", str(out), cache=cache)
    assert resumed.returncode == 0, resumed.stderr
    for name in ("film.mp4", "film.srt", "script.json"):
        assert (out / name).read_bytes() == (reference / name).read_bytes(), name
