"""SIGKILL in each phase of two draft runs (planning, rendering, assembling), resume after each: the same film, no finished shot rendered twice,
no ffmpeg outliving the auteur that started it, and no half-written `.part` file (or renderer scratch folder)
left behind, in the run or in the cache."""

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from clirun import auteur
from conftest import PREMISE

pytestmark = pytest.mark.slow

TINY = str(Path(__file__).with_name("tiny.toml"))
SHOTS = 4
KILLS = 6  # two films, each killed once while planning, once while rendering, once while assembling


def start(args: list[str], cache: Path) -> subprocess.Popen:
    env = {**os.environ, "AUTEUR_CACHE_DIR": str(cache)}
    return subprocess.Popen([sys.executable, "-m", "auteur.pipeline.cli", *args], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait_for_graph_start(log: Path, starts_before: int, proc: subprocess.Popen) -> bool:
    """Until this process logs that its graph began (so the kill lands in the work, not in imports).

    False when it exits first: the previous kill came after the film was written, with nothing left to resume.
    """
    deadline = time.time() + 120
    while time.time() < deadline and proc.poll() is None:
        if log.is_file() and len(re.findall(r"(starting|resuming) run in", log.read_text())) > starts_before:
            return True
        time.sleep(0.02)
    assert proc.poll() == 0, "the run neither started its graph nor finished"
    return False


def render_events(log: Path) -> list[tuple[str, str]]:
    return re.findall(r"render (start|done) (\S+)", log.read_text())


def phase(run: Path, cache: Path) -> str:
    """Where a killed run was, from what it left behind."""
    if (run / ".work").exists():
        return "assembling"
    # os.walk, not rglob: the live process removes its scratch folders while we look, and os.walk skips a
    # folder that vanished where rglob raises.
    done = sum(name.endswith(".json") for _, _, names in os.walk(cache / "clips") for name in names)
    return f"rendering ({done} of {SHOTS} shots done)" if list(run.glob("shots/*.png")) else "planning"


def surviving_ffmpeg(*paths: Path) -> list[str]:
    """Live (not zombie) ffmpeg processes working on files under `paths`."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
            state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z" and "ffmpeg" in cmdline.split(" ", 1)[0] and any(str(p) in cmdline for p in paths):
            found.append(cmdline)
    return found


def check_no_ffmpeg_survives(*paths: Path) -> None:
    deadline = time.time() + 5  # the kernel's SIGKILL to the orphans is immediate; their exit takes a moment
    while surviving_ffmpeg(*paths) and time.time() < deadline:
        time.sleep(0.05)
    assert not surviving_ffmpeg(*paths), "an ffmpeg outlived the killed auteur"


def check_no_finished_shot_rendered_twice(log: Path) -> None:
    events = render_events(log)
    for shot in {s for _, s in events}:
        mine = [kind for kind, s in events if s == shot]
        assert mine.count("done") <= 1, f"shot {shot} was rendered to the end twice"
        if "done" in mine:
            assert "start" not in mine[mine.index("done"):], f"shot {shot} was started again after it finished"


PHASES = ("planning", "rendering", "assembling")


def test_six_kills_and_resumes_give_the_uninterrupted_film_and_render_no_finished_shot_twice(tmp_path):
    reference = tmp_path / "reference"
    made = auteur("make", PREMISE, "--profile", TINY, "--shots", str(SHOTS), "--out", str(reference),
                  cache=tmp_path / "reference-cache")
    assert made.returncode == 0, made.stderr

    # Each film is killed once in each phase, in story order: a process is watched until its run
    # directory shows the phase aimed at, and killed there; one that passes it is left to go on to the next.
    landed: list[str] = []
    films = 0
    while len(landed) < KILLS:
        out, cache = tmp_path / f"run{films}", tmp_path / f"cache{films}"
        starts, aims = 0, list(PHASES)
        while True:
            args = ["resume", str(out)] if starts else \
                ["make", PREMISE, "--profile", TINY, "--shots", str(SHOTS), "--out", str(out)]
            proc = start(args, cache)
            if not wait_for_graph_start(out / "run.log", starts, proc):
                break
            starts += 1
            where = ""
            while aims and len(landed) < KILLS and proc.poll() is None:
                where = phase(out, cache)
                if where.split()[0] == aims[0]:
                    break
                if PHASES.index(where.split()[0]) > PHASES.index(aims[0]):
                    aims.pop(0)  # already past it: aim at the next phase
                time.sleep(0.005)
            if proc.poll() is not None or not aims or len(landed) == KILLS:
                assert proc.wait() == 0
                break
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            check_no_ffmpeg_survives(out, cache)
            landed.append(where)
            aims.pop(0)
        for name in ("film.mp4", "film.srt", "script.json"):
            assert (out / name).read_bytes() == (reference / name).read_bytes(), f"{name} differs"
        check_no_finished_shot_rendered_twice(out / "run.log")
        assert not list(out.rglob("*.part*")), "a half-written file was left in the run"
        left = [p for p in cache.rglob(".*") if ".part" in p.name or p.name.endswith(".scratch")]
        assert not left, f"what the killed runs were writing is still in the cache: {left}"
        assert not (out / ".work").exists()
        assert len(list((cache / "clips").rglob("*.json"))) == SHOTS
        films += 1
    print(f"{KILLS} kills landed while", landed)
    kinds = [w.split()[0] for w in landed]
    assert len(landed) == KILLS and set(kinds) == set(PHASES), landed  # every phase was killed in
    assert all(kinds.count(p) >= 2 for p in PHASES), landed
