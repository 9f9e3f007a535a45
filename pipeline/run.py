"""Making and resuming films: a run directory, a crew, the graph, checkpoints, a summary."""

from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Callable

from auteur.agents.registry import Roster, load_roles
from auteur.models.director import DirectorModel, load_director
from auteur.models.renderer import ShotRenderer, load_renderer
from auteur.core.atomic import write_text
from auteur.pipeline.cache import Cache
from auteur.pipeline.config import Profile
from auteur.pipeline.crew import Crew
from auteur.core.errors import AuteurError, DiskFull, InputError, is_disk_full
from auteur.pipeline.executors import open_executor, parse_executor
from auteur.pipeline.graph import build_graph, checkpointer, retry_failed_shots
from auteur.pipeline.inputs import FilmInput
from auteur.pipeline.runs import RunDir, RunManifest, slugify
from auteur.tools.evaluation.report import write_report

THREAD = {"configurable": {"thread_id": "film"}}
log = logging.getLogger("auteur")


@dataclass
class RunResult:
    run: RunDir
    summary: dict
    warnings: list[str] = field(default_factory=list)


Events = Callable[[str, str, float], None]


@dataclass
class Backends:
    """Everything loaded before a run directory is touched, so a bad profile fails at once."""

    roster: Roster
    director: DirectorModel
    renderer: ShotRenderer
    cache: Cache


def load_backends(profile: Profile, cache_dir: Path | None, plugins: bool | None) -> Backends:
    """Load both models; when both fail (say, neither is downloaded), one line names both."""
    loaded, problems = [], []
    for load, choice in ((load_director, profile.director), (load_renderer, profile.renderer)):
        try:
            loaded.append(load(choice.backend, choice.settings))
        except AuteurError as err:
            problems.append(str(err))
    if problems:
        raise AuteurError("; ".join(problems))
    director, renderer = loaded
    return Backends(roster=load_roles(plugins), director=director, renderer=renderer, cache=Cache(cache_dir))


def make(film_input: FilmInput, profile: Profile, *, seed: int = 7, target_shots: int | None = None,
         out: Path | None = None, cache_dir: Path | None = None, plugins: bool | None = None,
         on_event: Events | None = None) -> RunResult:
    """Make a film in a new run directory."""
    backends = load_backends(profile, cache_dir, plugins)
    roster = backends.roster
    run = RunDir.create(out, slugify(film_input.film.prompt))
    manifest = RunManifest(auteur_version=version("auteur"), created=dt.datetime.now().isoformat(timespec="seconds"),
                           source_kind=film_input.kind, seed=seed, target_shots=target_shots, profile=profile,
                           summary={"roles": [r.name for r in roster.roles]})
    write_text(run.input_path, film_input.to_json())
    run.write_manifest(manifest)
    return _drive(run, manifest, film_input, backends, on_event, fresh=True)


def resume(path: Path, *, cache_dir: Path | None = None, plugins: bool | None = None,
           on_event: Events | None = None, executor: str | None = None) -> RunResult:
    """Continue an interrupted run; finished work (checkpointed stages, cached shots) is not redone.

    `executor` renders the rest elsewhere (a run begun locally can finish on a cluster); it does
    not change the film, since the executor is no part of any cache key.
    """
    run = RunDir.open(path)
    manifest = run.read_manifest()
    if executor is not None:
        parse_executor(executor)
        manifest.profile = manifest.profile.model_copy(update={"executor": executor})
    film_input = FilmInput.from_json(run.input_path.read_text("utf-8"))
    backends = load_backends(manifest.profile, cache_dir, plugins)
    wanted = manifest.summary.get("roles", [])
    have = [r.name for r in backends.roster.roles]
    if wanted and wanted != have:
        raise AuteurError(f"{path} was made with roles {', '.join(wanted)} but this installation has "
                          f"{', '.join(have)}; install the same plugins to resume it")
    return _drive(run, manifest, film_input, backends, on_event, fresh=False)


def _drive(run: RunDir, manifest: RunManifest, film_input: FilmInput, backends: Backends, on_event: Events | None,
           *, fresh: bool) -> RunResult:
    with run.lock():
        handler = logging.FileHandler(run.log, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        try:
            result = _run_graph(run, manifest, film_input, backends, on_event, fresh)
            write_report(run.root)  # report.html and eval.json close every run, a resumed one too
            return result
        except BaseException as err:
            log.exception("run stopped")
            manifest.status = "failed"
            manifest.error = f"{type(err).__name__}: {err}"
            try:
                run.write_manifest(manifest)
            except OSError:
                pass  # the disk may be what failed; the error below says so
            if is_disk_full(err):
                raise DiskFull(f"no space left on the device holding {run.root} or the cache; free some space and "
                               f"continue with `auteur resume {run.root}`") from None
            if isinstance(err, AuteurError) and not isinstance(err, InputError):
                raise AuteurError(f"{err}; once fixed, continue with `auteur resume {run.root}`") from None
            raise
        finally:
            log.removeHandler(handler)
            handler.close()


def _run_graph(run: RunDir, manifest: RunManifest, film_input: FilmInput, backends: Backends,
               on_event: Events | None, fresh: bool) -> RunResult:
    profile, roster = manifest.profile, backends.roster
    graph = build_graph(roster.roles, checkpointer(str(run.state)))
    snapshot = graph.get_state(THREAD)
    started = bool(snapshot.values)
    if started and not snapshot.next:
        log.info("resume: nothing left to do")
        return RunResult(run, manifest.summary, roster.problems)
    if not fresh:
        again = retry_failed_shots(graph, THREAD, roster.roles[-1].name)
        if again:
            log.info("resume: rendering the failed shots %s again", ", ".join(again))
    executor = open_executor(profile, backends.renderer)  # after the check above: a finished run starts no cluster
    try:
        crew = Crew(director=backends.director, renderer=executor,
                    profile=profile, run=run, cache=backends.cache, seed=manifest.seed,
                    target_shots=manifest.target_shots, names=film_input.names,
                    on_event=on_event or (lambda kind, name, fraction: None))
        graph_input = None if (started and not fresh) else {"film": film_input.film}
        return _stream(graph, graph_input, crew, manifest, roster)
    finally:
        executor.close()


def _stream(graph, graph_input, crew: Crew, manifest: RunManifest, roster) -> RunResult:
    run, profile = crew.run, manifest.profile
    config = {**THREAD, "max_concurrency": crew.renderer.slots}
    log.info("%s run in %s (profile %s, seed %s, executor %s, %d at once)",
             "resuming" if graph_input is None else "starting", run.root, profile.name, manifest.seed,
             profile.executor, crew.renderer.slots)
    timings: dict[str, float] = {}
    mark = time.perf_counter()
    for update in graph.stream(graph_input, config, context=crew, stream_mode="updates", durability="sync"):
        now = time.perf_counter()
        for node in update:
            stage = "render" if node == "render_shot" else node
            timings[stage] = timings.get(stage, 0.0) + (now - mark)
            manifest.status = "rendering" if node == "render_shot" else manifest.status
        mark = now
        run.write_manifest(manifest)
    manifest.status = "done"
    manifest.summary.update({
        "shots_rendered": crew.shots.rendered, "shots_cached": crew.shots.cached,
        "images_drawn": crew.keyframes.rendered, "images_cached": crew.keyframes.cached,
        "stage_seconds": {k: round(v, 3) for k, v in timings.items()},
    })
    run.write_manifest(manifest)
    log.info("done: %s", manifest.summary)
    return RunResult(run, manifest.summary, roster.problems)
