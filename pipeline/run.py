"""Making and resuming films: a run directory, a crew, the graph, checkpoints, a summary."""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Callable, Iterator

from auteur.agents.registry import Roster, load_roles
from auteur.core.atomic import write_text
from auteur.core.errors import AuteurError, DiskFull, InputError, is_disk_full
from auteur.models.director import DirectorModel, load_director
from auteur.models.renderer import ShotRenderer, load_renderer
from auteur.pipeline.cache import Cache
from auteur.pipeline.config import Profile
from auteur.pipeline.inputs import FilmInput
from auteur.pipeline.replay import recall, remember, replay, run_key
from auteur.pipeline.runs import RunDir, RunManifest, slugify

# LangGraph, the executors and the evaluation are imported where they are used: a re-run that
# replays a finished film from the cache needs none of them, and they cost seconds to import.

THREAD = {"configurable": {"thread_id": "film"}}
log = logging.getLogger("auteur")


@dataclass
class RunResult:
    run: RunDir
    summary: dict
    warnings: list[str] = field(default_factory=list)
    waiting: bool = False  # stopped for review after the storyboard; `auteur resume` renders it


Events = Callable[[str, str, float], None]


@dataclass
class Backends:
    """Everything loaded before a run directory is touched, so a bad profile fails at once."""

    roster: Roster
    director: DirectorModel
    renderer: ShotRenderer
    cache: Cache


def load_backends(profile: Profile, cache_dir: Path | None, plugins: bool | None, *, roster: Roster | None = None,
                  cache: Cache | None = None) -> Backends:
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
    return Backends(roster=roster or load_roles(plugins), director=director, renderer=renderer,
                    cache=cache or Cache(cache_dir))


def _key(film_input: FilmInput, manifest: RunManifest, roster: Roster) -> str:
    return run_key(film_input, manifest.profile, manifest.seed, manifest.target_shots,
                   [(r.name, r.source) for r in roster.roles])


def make(film_input: FilmInput, profile: Profile, *, seed: int = 7, target_shots: int | None = None,
         out: Path | None = None, cache_dir: Path | None = None, plugins: bool | None = None,
         on_event: Events | None = None, review: bool = False) -> RunResult:
    """Make a film in a new run directory; an unchanged film made before is copied from the cache.

    With `review`, the run stops once the storyboard is drawn (nothing rendered) for `auteur resume`.
    """
    roster, cache = load_roles(plugins), Cache(cache_dir)  # a bad cache directory fails before the run exists
    manifest = RunManifest(auteur_version=version("auteur"), created=dt.datetime.now().isoformat(timespec="seconds"),
                           source_kind=film_input.kind, seed=seed, target_shots=target_shots, profile=profile,
                           summary={"roles": [r.name for r in roster.roles]})
    # a run that stops for review goes through the graph even when the finished film is in the cache
    record = None if review else recall(cache, _key(film_input, manifest, roster))
    # the models are loaded (and so the profile's backends checked) before the run directory exists
    backends = None if record is not None else load_backends(profile, cache_dir, plugins, roster=roster, cache=cache)
    run = RunDir.create(out, slugify(film_input.film.prompt))  # holds the run's lock from here on
    try:
        write_text(run.input_path, film_input.to_json())
        run.write_manifest(manifest)
    except BaseException:
        run.release()
        raise
    if record is not None:
        return _replay(run, manifest, record, roster, cache)
    return _drive(run, manifest, film_input, backends, on_event, fresh=True, review=review)


def _replay(run: RunDir, manifest: RunManifest, record: dict, roster: Roster, cache: Cache) -> RunResult:
    with run.lock(), run_log(run):
        try:
            summary = replay(cache, record, run)
        except BaseException as err:
            _failed(run, manifest, err)
            if is_disk_full(err):
                raise _disk_full(run) from None
            raise
        manifest.status = "done"
        shots = summary.get("shots_rendered", 0) + summary.get("shots_cached", 0)
        images = summary.get("images_drawn", 0) + summary.get("images_cached", 0)
        manifest.summary.update({"shots_rendered": 0, "shots_cached": shots, "images_drawn": 0, "images_cached": images,
                                 "stage_seconds": {}, "replayed": True})
        run.write_manifest(manifest)
        log.info("replayed a finished run of the same film from the cache into %s", run.root)
        return RunResult(run, manifest.summary, roster.problems + cache.warnings)


def resume(path: Path, *, cache_dir: Path | None = None, plugins: bool | None = None,
           on_event: Events | None = None, executor: str | None = None) -> RunResult:
    """Continue an interrupted run; finished work (checkpointed stages, cached shots) is not redone.

    `executor` renders the rest elsewhere (a run begun locally can finish on a cluster); it does
    not change the film, since the executor is no part of any cache key.
    """
    run = RunDir.open(path)
    manifest = run.read_manifest()
    if executor is not None:
        from auteur.core.settings import parse_executor

        parse_executor(executor)
        manifest.profile = manifest.profile.model_copy(update={"executor": executor})
    film_input = FilmInput.from_json(run.input_path.read_text("utf-8"), str(run.input_path))
    backends = load_backends(manifest.profile, cache_dir, plugins)
    wanted = manifest.summary.get("roles", [])
    have = [r.name for r in backends.roster.roles]
    if wanted and wanted != have:
        raise AuteurError(f"{path} was made with roles {', '.join(wanted)} but this installation has "
                          f"{', '.join(have)}; install the same plugins to resume it")
    return _drive(run, manifest, film_input, backends, on_event, fresh=False)


@contextmanager
def run_log(run: RunDir) -> Iterator[None]:
    handler = logging.FileHandler(run.log, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    try:
        yield
    finally:
        log.removeHandler(handler)
        handler.close()


def _failed(run: RunDir, manifest: RunManifest, err: BaseException) -> None:
    log.exception("run stopped")
    manifest.status = "failed"
    manifest.error = f"{type(err).__name__}: {err}"
    try:
        run.write_manifest(manifest)
    except OSError:
        pass  # the disk may be what failed; the caller's error says so


def _disk_full(run: RunDir) -> DiskFull:
    return DiskFull(f"no space left on the device holding {run.root} or the cache; free some space and "
                    f"continue with `auteur resume {run.root}`")


def _drive(run: RunDir, manifest: RunManifest, film_input: FilmInput, backends: Backends, on_event: Events | None,
           *, fresh: bool, review: bool = False) -> RunResult:
    from auteur.pipeline.report_page import write_scores_and_page

    with run.lock(), run_log(run):
        try:
            result = _run_graph(run, manifest, film_input, backends, on_event, fresh, review)
            write_scores_and_page(run, backends.cache)  # report.html and eval.json close every run, a resumed one too
        except BaseException as err:
            _failed(run, manifest, err)
            if is_disk_full(err):
                raise _disk_full(run) from None
            if isinstance(err, AuteurError) and not isinstance(err, InputError):
                raise AuteurError(f"{err}; once fixed, continue with `auteur resume {run.root}`") from None
            raise
        result.warnings = backends.roster.problems + backends.cache.warnings
        if result.waiting:
            return result
        shutil.rmtree(run.work, ignore_errors=True)  # the assembly's scratch files: the film is made
        backends.cache.sweep()  # and what a killed run of this film (or any other) left in the cache
        if manifest.summary.get("edited_at_review"):
            return result  # its film is not the one its input makes: never replay it for that input
        try:
            remember(backends.cache, _key(film_input, manifest, backends.roster), run, manifest.summary)
        except OSError as err:  # the film is made; only the next re-run will be slower
            log.warning("could not record the finished run in the cache: %s", err)
        return result


def _run_graph(run: RunDir, manifest: RunManifest, film_input: FilmInput, backends: Backends,
               on_event: Events | None, fresh: bool, review: bool = False) -> RunResult:
    if not fresh and manifest.status == "done" and _film_is_there(run):
        log.info("resume: the film is finished, nothing left to do")
        return RunResult(run, manifest.summary)
    from auteur.pipeline.crew import Crew
    from auteur.pipeline.executors import open_executor
    from langgraph.types import Command

    from auteur.pipeline.graph import build_graph, checkpointer, retry_failed_shots, waiting_for_review

    profile, roster = manifest.profile, backends.roster
    graph = build_graph(roster.roles, checkpointer(str(run.state)))
    snapshot = graph.get_state(THREAD)
    started = bool(snapshot.values)
    if started and not snapshot.next and _film_is_there(run):
        log.info("resume: nothing left to do")
        return RunResult(run, manifest.summary)
    if not fresh and snapshot.values.get("output") and not snapshot.next:
        # Assembled once, but the film (or its subtitles) has since been deleted: assemble it again,
        # which copies it from the cache when the shots are unchanged.
        log.info("resume: the finished film is missing; assembling it again")
        graph.update_state(THREAD, None, as_node="render_shot")
    # A run killed between the graph's first checkpoint and its first step reads as having no next step
    # (the input waits there as pending writes) though nothing was made: streaming on from the checkpoint
    # applies them and runs the crew from the start.
    resuming_review = not fresh and waiting_for_review(graph, THREAD)
    if not fresh and not resuming_review:
        again = retry_failed_shots(graph, THREAD)
        if again:
            log.info("resume: rendering the failed shots %s again", ", ".join(again))
    executor = open_executor(profile, backends.renderer)  # after the check above: a finished run starts no cluster
    try:
        crew = Crew(director=backends.director, renderer=executor,
                    profile=profile, run=run, cache=backends.cache, seed=manifest.seed,
                    target_shots=manifest.target_shots, names=film_input.names, story=film_input.story,
                    on_event=on_event or (lambda kind, name, fraction: None))
        if resuming_review:
            graph_input = Command(resume=True)  # the review node takes in script.json as it now is
        elif started and not fresh:
            graph_input = None
        else:
            graph_input = {"film": film_input.film, "review": review}
        return _stream(graph, graph_input, crew, manifest)
    finally:
        executor.close()


def _film_is_there(run: RunDir) -> bool:
    return run.film.is_file() and run.srt.is_file()


def _stream(graph, graph_input, crew, manifest: RunManifest) -> RunResult:
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
            if node.startswith("__"):  # LangGraph's own entries (an interrupt), not a stage
                continue
            stage = "render" if node == "render_shot" else node
            timings[stage] = timings.get(stage, 0.0) + (now - mark)
            manifest.status = "rendering" if node == "render_shot" else manifest.status
        mark = now
        run.write_manifest(manifest)
    from auteur.pipeline.graph import waiting_for_review

    if waiting_for_review(graph, THREAD):
        manifest.status = "review"
        manifest.summary.update({"images_drawn": crew.keyframes.rendered, "images_cached": crew.keyframes.cached,
                                 "stage_seconds": {k: round(v, 3) for k, v in timings.items()}})
        run.write_manifest(manifest)
        log.info("stopped for review after the storyboard: %s", run.root)
        return RunResult(run, manifest.summary, waiting=True)
    if graph.get_state(THREAD).values.get("edited"):
        manifest.summary["edited_at_review"] = True
    manifest.status = "done"
    manifest.summary.update({
        "shots_rendered": crew.shots.rendered, "shots_cached": crew.shots.cached,
        "images_drawn": crew.keyframes.rendered, "images_cached": crew.keyframes.cached,
        # a run resumed after its review stop keeps the planning stages' seconds
        "stage_seconds": {**manifest.summary.get("stage_seconds", {}), **{k: round(v, 3) for k, v in timings.items()}},
    })
    run.write_manifest(manifest)
    log.info("done: %s", manifest.summary)
    return RunResult(run, manifest.summary)
