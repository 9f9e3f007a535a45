"""The Ray executor: one actor per GPU (or per CPU worker slot) keeps a renderer loaded.

Shots go to a free actor as tasks carrying plain data (the request as JSON, the keyframe's
bytes, and the files of the run's renderer folder) and come back as the clip's bytes, its line
timings and the renderer-folder files the shot added (uniavgen's reference voices); the driver writes
them into the cache and the run directory, so workers on other machines need no shared disk, only
auteur installed, and a character keeps one voice whichever actor renders its shots. An actor whose
process dies is restarted by Ray and its shot re-run there (`max_restarts`, `max_task_retries`); a node
that is gone moves its actors to live nodes.
"""

from __future__ import annotations

import json
import os
import queue
import socket
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

from auteur.models.renderer import Progress, RenderedClip, RenderRequest, SpokenLine, keyframe_size, load_renderer
from auteur.core.atomic import write_bytes
from auteur.pipeline.config import Profile
from auteur.core.settings import VideoSettings, parse_executor
from auteur.core.errors import AuteurError, InputError
from auteur.core.schema import Character, Location, Shot

# How often Ray may bring a dead actor back, and re-run the shot it was rendering.
ACTOR_RESTARTS = 3


def request_to_json(request: RenderRequest) -> str:
    return json.dumps({"shot": request.shot.model_dump(mode="json"),
                       "cast": [c.model_dump(mode="json") for c in request.cast],
                       "location": request.location.model_dump(mode="json"),
                       "video": request.video.model_dump(), "seed": request.seed, "language": request.language,
                       "keyframe_suffix": request.keyframe.suffix})


def request_from_json(text: str, keyframe: Path) -> RenderRequest:
    data = json.loads(text)
    return RenderRequest(shot=Shot.model_validate(data["shot"]), keyframe=keyframe,
                         cast=tuple(Character.model_validate(c) for c in data["cast"]),
                         location=Location.model_validate(data["location"]),
                         video=VideoSettings.model_validate(data["video"]), seed=data["seed"],
                         language=data.get("language", "en"))


def folder_files(root: Path | None) -> dict[str, bytes]:
    """Every file under `root` by its relative path (what a backend keeps across shots, shipped with a shot)."""
    if root is None or not root.is_dir():
        return {}
    files = sorted((p for p in root.rglob("*") if p.is_file() and not p.name.startswith(".")),
                   key=lambda p: (p.stat().st_mtime_ns, str(p)))  # in the order they were written
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in files}


def keep_new_files(root: Path, files: dict[str, bytes]) -> None:
    """Write the files a worker added into `root`, in the worker's order; a file already here stays (the first kept wins)."""
    for name, data in files.items():
        rel = Path(name)
        if rel.is_absolute() or ".." in rel.parts:
            raise AuteurError(f"a Ray worker returned a state file outside its folder: {name!r}")
        dest = root / rel
        if not dest.exists():
            dest.parent.mkdir(parents=True, exist_ok=True)
            write_bytes(dest, data)


class ShotWorker:
    """A Ray actor: loads the profile's renderer once, then renders shot after shot."""

    def __init__(self, backend: str, settings: dict[str, Any]):
        self.renderer = load_renderer(backend, settings)

    def settings(self) -> dict[str, Any]:
        return self.renderer.settings()

    def pid(self) -> int:
        return os.getpid()

    def keyframe_size(self, video_json: str) -> tuple[int, int] | None:
        return keyframe_size(self.renderer, VideoSettings.model_validate_json(video_json))

    def render(self, request_json: str, keyframe: bytes, state: dict[str, bytes] | None = None
               ) -> tuple[bytes, str, dict[str, bytes]]:
        """Render in a scratch folder on this worker, the run's renderer folder rebuilt there from `state`;
        return the clip's bytes, its lines as JSON, and the files the shot added to that folder."""
        suffix = json.loads(request_json)["keyframe_suffix"]
        with tempfile.TemporaryDirectory(prefix="auteur-shot-") as scratch:
            frame = Path(scratch) / f"keyframe{suffix}"
            frame.write_bytes(keyframe)
            workdir = Path(scratch) / "renderer"
            state = state or {}
            keep_new_files(workdir, state)
            request = replace(request_from_json(request_json, frame), workdir=workdir)
            clip = self.renderer.render(request, Path(scratch) / "clip.mp4")
            added = {k: v for k, v in folder_files(workdir).items() if k not in state}
            return clip.path.read_bytes(), json.dumps({"duration": clip.duration,
                                                        "lines": [vars(ln) for ln in clip.lines]}), added


def connect(address: str | None, num_cpus: int | None = None) -> bool:
    """Join the cluster at `address` (or start one here when None); True if this call started Ray."""
    import ray

    if ray.is_initialized():
        return False
    if address and address != "auto" and not address.startswith("ray://"):
        _reachable(address)  # Ray itself retries an absent cluster for minutes before giving up
    options: dict[str, Any] = {"log_to_driver": False, "configure_logging": False}
    if address is None and not os.environ.get("RAY_ADDRESS"):
        options.update(include_dashboard=False, num_cpus=num_cpus)
    try:
        ray.init(address=address, **options)
    except (ConnectionError, ValueError, RuntimeError) as err:
        where = f"the Ray cluster at {address}" if address else "a local Ray cluster"
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise AuteurError(f"cannot reach {where}: {first} (start one with `ray start --head`)") from None
    return True


def _reachable(address: str, timeout: float = 5.0) -> None:
    parse_executor(f"ray:{address}")  # its form: HOST:PORT
    host, _, port = address.rpartition(":")
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=timeout).close()
    except OSError as err:
        raise AuteurError(f"cannot reach the Ray cluster at {address}: {err.strerror or err} "
                          f"(start one with `ray start --head`)") from None


class RayExecutor:
    """Renders shots on Ray actors; see the module docstring."""

    @classmethod
    def open(cls, profile: Profile, address: str | None = None, loaded: object = None) -> RayExecutor:
        """The executor seam's constructor; a renderer already loaded here stays here (actors load their own)."""
        return cls(profile, address)

    def __init__(self, profile: Profile, address: str | None):
        try:
            import ray
        except ImportError:
            raise InputError("the ray executor needs Ray: pip install 'auteur[cluster]'") from None
        self._ray = ray
        self._owns_ray = connect(address, num_cpus=max(profile.workers, os.cpu_count() or 1))
        gpus = int(ray.cluster_resources().get("GPU", 0))
        choice = profile.renderer
        if gpus:
            count, resources = gpus, {"num_gpus": 1, "num_cpus": 1}
        else:  # no GPU anywhere: one actor per CPU worker slot, as many as the cluster has CPUs for
            cpus = int(ray.cluster_resources().get("CPU", 1))
            count, resources = max(1, min(profile.workers, cpus)), {"num_cpus": 1}
        remote = ray.remote(ShotWorker).options(max_restarts=ACTOR_RESTARTS, max_task_retries=ACTOR_RESTARTS,
                                                 **resources)
        self.actors = [remote.remote(choice.backend, choice.settings) for _ in range(count)]
        self.slots = count
        self._idle: queue.Queue = queue.Queue()
        for actor in self.actors:
            self._idle.put(actor)
        try:  # the first answer also proves the renderer loads on the workers
            self._settings = ray.get(self.actors[0].settings.remote())
        except ray.exceptions.RayError as err:
            self.close()
            raise AuteurError(f"the Ray workers cannot load the {choice.backend} renderer: {_cause(err)}") from None
        self.name = choice.backend
        self._keyframe_sizes: dict[str, tuple[int, int] | None] = {}

    def settings(self) -> dict[str, Any]:
        """The workers' renderer settings (their engine versions included); part of every cache key."""
        return self._settings

    def keyframe_size(self, video: VideoSettings) -> tuple[int, int] | None:
        """The workers' renderer's keyframe size, for the storyboard (asked once per frame size)."""
        key = video.model_dump_json()
        if key not in self._keyframe_sizes:
            size = self._ray.get(self.actors[0].keyframe_size.remote(key))
            self._keyframe_sizes[key] = tuple(size) if size is not None else None
        return self._keyframe_sizes[key]

    def render(self, request: RenderRequest, out: Path, progress: Progress | None = None) -> RenderedClip:
        actor = self._idle.get()
        try:
            ref = actor.render.remote(request_to_json(request), request.keyframe.read_bytes(),
                                      folder_files(request.workdir))
            try:
                clip, meta, added = self._ray.get(ref)
            except self._ray.exceptions.RayError as err:
                if isinstance(getattr(err, "cause", None), InputError):
                    raise InputError(str(err.cause)) from None  # the shot itself is wrong: no retry helps
                raise AuteurError(f"rendering on Ray failed: {_cause(err)}") from None
        finally:
            self._idle.put(actor)
        if request.workdir is not None:
            keep_new_files(request.workdir, added)
        write_bytes(out, clip)
        data = json.loads(meta)
        return RenderedClip(path=Path(out), duration=float(data["duration"]),
                            lines=[SpokenLine(**ln) for ln in data["lines"]])

    def worker_pids(self) -> list[int]:
        """The process id of every actor (for operators and fault-injection tests)."""
        return self._ray.get([a.pid.remote() for a in self.actors])

    def close(self) -> None:
        for actor in getattr(self, "actors", []):
            self._ray.kill(actor)
        self.actors = []
        if self._owns_ray:
            self._ray.shutdown()


def _cause(err: Exception) -> str:
    """The last line of the worker's own error (Ray wraps it in a traceback), else Ray's."""
    cause = getattr(err, "cause", None)
    if isinstance(cause, AuteurError):
        return str(cause)
    lines = [ln.strip() for ln in str(err).splitlines() if ln.strip()]
    return lines[-1] if lines else type(err).__name__
