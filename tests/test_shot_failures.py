"""A failing shot is retried with backoff, then named; a full disk or a broken ffmpeg ends in one line; resume finishes."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from auteur.tools.editing.ffmpeg import ffmpeg_exe, probe
from clirun import auteur
from conftest import PREMISE

pytestmark = pytest.mark.slow

TINY = str(Path(__file__).with_name("tiny.toml"))


def flaky_ffmpeg(tmp_path: Path, *, succeed_first: int, then_fail: int) -> Path:
    """The real ffmpeg behind a wrapper that crashes shot encodes number succeed_first+1 .. +then_fail."""
    wrapper = tmp_path / "ffmpeg"
    wrapper.write_text(f"""#!{sys.executable}
import os, sys
args = sys.argv[1:]
if "rawvideo" in args:  # a shot encode: frames arrive on stdin
    count = {str(tmp_path / "encodes")!r}
    n = int(open(count).read()) if os.path.exists(count) else 0
    open(count, "w").write(str(n + 1))
    if {succeed_first} <= n < {succeed_first + then_fail}:
        sys.stderr.write("simulated encoder crash\\n")
        sys.exit(1)
os.execv({ffmpeg_exe()!r}, [{ffmpeg_exe()!r}, *args])
""")
    wrapper.chmod(0o755)
    return wrapper


def one_line(done) -> str:
    """The error, on one line after the progress bars' last state."""
    assert "Traceback" not in done.stderr + done.stdout
    lines = [ln for ln in done.stderr.splitlines() if ln.strip()]
    assert lines[-1].startswith("error: ") and all("error" not in ln for ln in lines[:-1]), done.stderr
    return " ".join(lines[-1].split())


def test_a_shot_whose_render_fails_once_is_retried_and_the_film_completes(tmp_path):
    out = tmp_path / "run"
    done = auteur("make", PREMISE, "--profile", TINY, "--shots", "3", "--workers", "1", "--out", str(out),
                  cache=tmp_path / "cache",
                  extra_env={"AUTEUR_FFMPEG": str(flaky_ffmpeg(tmp_path, succeed_first=1, then_fail=1))})
    assert done.returncode == 0, done.stderr
    log = (out / "run.log").read_text()
    assert "shot sc1-sh02 failed (attempt 1 of 3): encoding shot sc1-sh02 failed: simulated encoder crash" in log
    assert json.loads((out / "run.json").read_text())["summary"]["shots_rendered"] == 3


def test_a_shot_failing_every_attempt_is_named_the_others_render_and_resume_redoes_only_it(tmp_path):
    out, cache = tmp_path / "run", tmp_path / "cache"
    done = auteur("make", PREMISE, "--profile", TINY, "--shots", "4", "--workers", "1", "--out", str(out), cache=cache,
                  extra_env={"AUTEUR_FFMPEG": str(flaky_ffmpeg(tmp_path, succeed_first=1, then_fail=3))})
    assert done.returncode == 2
    message = one_line(done)
    assert "shot sc1-sh02 could not be rendered (encoding shot sc1-sh02 failed: simulated encoder crash, " \
           "after 3 attempts); the other 3 shots are kept" in message
    assert f"continue with `auteur resume {out}`" in message
    assert not (out / "film.mp4").exists()

    resumed = auteur("resume", str(out), cache=cache)  # the cause is gone: the real ffmpeg again
    assert resumed.returncode == 0, resumed.stderr
    assert json.loads((out / "run.json").read_text())["summary"]["shots_rendered"] == 1
    assert probe(out / "film.mp4").codecs("video") == ["h264"]


@pytest.fixture
def small_disk(tmp_path):
    """A 3 MiB tmpfs (needs root; mounting is how a full disk is made for real)."""
    disk = tmp_path / "disk"
    disk.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(disk)], capture_output=True).returncode:
        pytest.skip("cannot mount a tmpfs here (not root)")
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=True)


def test_a_full_disk_ends_in_one_line_and_the_run_resumes_once_there_is_room(small_disk):
    out, cache = small_disk / "run", small_disk / "cache"
    done = auteur("make", PREMISE, "--profile", TINY, "--shots", "3", "--out", str(out), cache=cache)
    assert done.returncode == 2
    assert f"no space left on the device holding {out}" in one_line(done)

    subprocess.run(["mount", "-o", "remount,size=64m", str(small_disk)], check=True)
    resumed = auteur("resume", str(out), cache=cache)
    assert resumed.returncode == 0, resumed.stderr
    assert probe(out / "film.mp4").codecs("audio") == ["aac"]
