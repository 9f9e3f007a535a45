"""The Ray executor on a real local CPU cluster, started once for the module as a user would (`ray start --head`)."""

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from auteur.models.draft.renderer import DraftRenderer
from auteur.models.renderer import RenderRequest
from auteur.pipeline.config import load_profile
from clirun import auteur
from conftest import PREMISE
from shared_films import shared_film
from test_schema import planned_film

ray = pytest.importorskip("ray")
TINY = str(Path(__file__).with_name("tiny.toml"))


@pytest.fixture(scope="module")
def cluster():
    """A two-CPU head node in its own session (so teardown stops exactly what it started); yields its address."""
    # Ray 2.5x turns token auth on when ~/.ray/auth_token exists (any earlier local ray.init() writes
    # one); say what this private test cluster uses, for the head and every client alike.
    saved_auth = os.environ.get("RAY_AUTH_MODE")
    os.environ["RAY_AUTH_MODE"] = "disabled"
    temp = tempfile.mkdtemp(prefix="/tmp/auteur-ray-")  # short: Ray's socket paths must fit in 107 bytes
    ray_cli = str(Path(sys.executable).with_name("ray"))
    head = subprocess.Popen([ray_cli, "start", "--head", "--block", "--num-cpus", "2", "--include-dashboard", "false",
                             "--disable-usage-stats", "--port", "0", "--temp-dir", temp],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    address, seen = None, []
    for line in head.stdout:
        seen.append(line)
        m = re.search(r"ray start --address='([^']+)'", line)
        if m:
            address = m[1]
            break
    assert address, "".join(seen)
    threading.Thread(target=head.stdout.read, daemon=True).start()  # keep draining its output
    yield address
    if ray.is_initialized():
        ray.shutdown()
    os.killpg(head.pid, signal.SIGTERM)
    try:
        head.wait(timeout=3)  # `ray start --block` takes 15 s and more to stop gracefully; nothing here needs that
    except subprocess.TimeoutExpired:
        pass
    try:
        os.killpg(head.pid, signal.SIGKILL)  # whatever of our own session is left
    except ProcessLookupError:
        pass
    head.wait()
    shutil.rmtree(temp, ignore_errors=True)
    if saved_auth is None:
        os.environ.pop("RAY_AUTH_MODE", None)
    else:
        os.environ["RAY_AUTH_MODE"] = saved_auth


def long_shot_request(tmp_path: Path) -> RenderRequest:
    film = planned_film()
    shot = film.scenes[0].shots[0].model_copy(update={"duration": 12.0})
    keyframe = tmp_path / "keyframe.png"
    Image.fromarray(np.random.default_rng(1).integers(0, 255, (90, 160, 3), dtype=np.uint8)).save(keyframe)
    return RenderRequest(shot=shot, keyframe=keyframe, cast=tuple(film.character(t) for t in shot.characters),
                         location=film.location(film.scenes[0].location), video=load_profile(TINY).video, seed=7)


def children(pid: int) -> list[str]:
    try:
        kids = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    names = []
    for kid in kids:
        try:
            names.append(Path(f"/proc/{kid}/cmdline").read_bytes().split(b"\0")[0].decode())
        except OSError:
            pass
    return names


def test_a_worker_killed_mid_shot_has_its_shot_rendered_again(cluster, tmp_path):
    from auteur.pipeline.executors.ray_cluster import RayExecutor

    profile = load_profile(TINY).model_copy(update={"workers": 1, "executor": f"ray:{cluster}"})
    executor = RayExecutor(profile, cluster)
    try:
        request = long_shot_request(tmp_path)
        [pid] = executor.worker_pids()
        result: dict = {}
        worker = threading.Thread(target=lambda: result.update(clip=executor.render(request, tmp_path / "ray.mp4")))
        worker.start()
        deadline = time.time() + 60
        while not any("ffmpeg" in Path(c).name for c in children(pid)) and time.time() < deadline:
            time.sleep(0.005)
        assert time.time() < deadline, "the worker never started encoding"
        os.kill(pid, signal.SIGKILL)  # mid-shot: its ffmpeg is encoding the clip
        worker.join(timeout=240)
        assert "clip" in result, "the shot never came back"
        assert executor.worker_pids() != [pid], "the shot should have run on a restarted worker"
    finally:
        executor.close()
    local = DraftRenderer(**profile.renderer.settings).render(request, tmp_path / "local.mp4")
    assert (tmp_path / "ray.mp4").read_bytes() == local.path.read_bytes()
    assert result["clip"].lines == local.lines


def make_three_shots(out: Path, cache: Path, executor: str) -> Path:
    done = auteur("make", PREMISE, "--profile", TINY, "--shots", "3", "--executor", executor, "--out", str(out),
                  cache=cache, fresh=True)  # a driver of its own: the test process never joins the cluster
    assert done.returncode == 0, done.stderr
    assert re.search(rf"executor {re.escape(executor)}, 2 at once", (out / "run.log").read_text())
    return out


@pytest.fixture(scope="module")
def local_film(shared_films_root) -> Path:
    """The three-shot tiny film made locally from an empty cache (shared with test_readme_cli.py): what every
    cluster-made film must equal."""
    film = shared_film(shared_films_root, PREMISE, "--profile", TINY, "--shots", "3")
    assert re.search(r"executor local, 2 at once", (film.run / "run.log").read_text())  # tiny.toml's executor
    return film.run


@pytest.mark.slow
def test_a_film_made_on_the_cluster_is_byte_identical_to_one_made_locally(cluster, local_film, tmp_path):
    on_ray = make_three_shots(tmp_path / "ray", tmp_path / "cache-ray", f"ray:{cluster}")
    assert (local_film / "film.mp4").read_bytes() == (on_ray / "film.mp4").read_bytes()


def test_an_unreachable_cluster_is_one_line_naming_it(tmp_path):
    done = auteur("make", PREMISE, "--profile", TINY, "--shots", "2", "--executor", "ray:127.0.0.1:9",
                  "--out", str(tmp_path / "run"), cache=tmp_path / "cache", timeout=300)
    assert done.returncode == 2
    lines = [ln for ln in done.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "cannot reach the Ray cluster at 127.0.0.1:9" in lines[0], done.stderr


@pytest.mark.slow
def test_a_run_begun_locally_is_finished_on_the_cluster_by_resume(cluster, local_film, tmp_path):
    from test_shot_failures import flaky_ffmpeg

    out, cache = tmp_path / "run", tmp_path / "cache"
    # locally, the second shot's encoder crashes on every attempt: the run stops with the others rendered
    done = auteur("make", PREMISE, "--profile", TINY, "--shots", "3", "--workers", "1", "--out", str(out), cache=cache,
                  extra_env={"AUTEUR_FFMPEG": str(flaky_ffmpeg(tmp_path, succeed_first=1, then_fail=3))})
    assert done.returncode != 0 and "shot sc1-sh02 failed" in done.stderr
    resumed = auteur("resume", str(out), "--executor", f"ray:{cluster}", cache=cache, fresh=True)
    assert resumed.returncode == 0, resumed.stderr
    after = (out / "run.log").read_text().split("resuming run in")[-1]
    assert re.search(rf"executor ray:{re.escape(cluster)}", after)
    assert re.findall(r"render done (\S+)", after) == ["sc1-sh02"]  # the finished shots stay finished
    assert (out / "film.mp4").read_bytes() == (local_film / "film.mp4").read_bytes()


def test_the_runs_voices_go_to_the_worker_with_each_shot_and_the_voices_it_makes_come_back(cluster, tmp_path):
    """Through RayExecutor.render: the driver ships the run's renderer folder and writes back what a worker added."""
    import json
    from dataclasses import replace

    from gpu_shots import request, shot
    from uniavgen_checkpoint import write_uniavgen

    from auteur.core.settings import BackendChoice
    from auteur.pipeline.executors.ray_cluster import RayExecutor

    settings = {"model": str(write_uniavgen(tmp_path / "UniAVGen")), "device": "cpu", "width": 64, "height": 64,
                "steps": 2}
    profile = load_profile(TINY).model_copy(update={"workers": 1, "executor": f"ray:{cluster}",
                                                    "renderer": BackendChoice(backend="uniavgen", settings=settings)})
    first = request(tmp_path, shot("s1", 0.5, [("<char1>", "I keep the light.")]))
    second = request(tmp_path, shot("s2", 0.5, [("<char1>", "Go home.")]))
    executor = RayExecutor(profile, cluster)
    try:
        executor.render(replace(first, workdir=tmp_path / "run"), tmp_path / "s1.mp4")
        [voice] = (tmp_path / "run" / "uniavgen-voices").glob("*.json")  # made on the worker, written back here
        assert voice.with_suffix(".wav").is_file()
        record = json.loads(voice.read_text())
        assert (record["character"], record["text"], record["shot"]) == ("<char1>", "I keep the light.", "s1")
        executor.render(replace(second, workdir=tmp_path / "run"), tmp_path / "s2.mp4")
        executor.render(replace(second, workdir=tmp_path / "fresh"), tmp_path / "s2-fresh.mp4")
    finally:
        executor.close()
    # with the run's voice, s2 continues s1's voice; in a fresh run it makes one of its own (and hands it back)
    assert (tmp_path / "s2.mp4").read_bytes() != (tmp_path / "s2-fresh.mp4").read_bytes()
    [fresh] = (tmp_path / "fresh" / "uniavgen-voices").glob("*.json")
    assert json.loads(fresh.read_text())["shot"] == "s2"
    assert [p.name for p in (tmp_path / "run" / "uniavgen-voices").glob("*.json")] == [voice.name]
