"""`auteur retake RUN SHOT`: one shot drawn and rendered again, every take kept, the film assembled again.

Only the retaken shot's keyframe and clip are made; every other clip is left as it is, byte for byte.
Each take's keyframe and clip are kept under takes/<shot>/take<N>.png|.mp4 and listed in run.json
(and on the report page); the shot's files in shots/ are the take the film uses. A take is made at
its own seed (the run's seed plus the take's number, unless --seed says), so a retake with nothing
changed is still another take. If anything fails, the run is put back as it was.
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
from pathlib import Path

from auteur.core.errors import InputError
from auteur.core.schema import DialogueLine, Film, Shot
from auteur.pipeline.cache import place
from auteur.pipeline.run import Events, RunResult, load_backends, run_log
from auteur.pipeline.runs import RunDir, RunManifest, Take

log = logging.getLogger("auteur")


def finished_run(path: Path) -> tuple[RunDir, RunManifest, Film]:
    """A run whose film is made, with its manifest and script; anything else is refused in one line."""
    run = RunDir.open(path)
    manifest = run.read_manifest()
    if manifest.status != "done" or not run.film.is_file():
        hint = "it waits for review" if manifest.status == "review" else f"its status is {manifest.status}"
        raise InputError(f"{path} is not finished ({hint}); finish it with `auteur resume {path}` first")
    return run, manifest, Film.from_json(run.script.read_text("utf-8"))


def check_retake(path: Path, shot_id: str, line: str | None, action: str | None) -> tuple[RunDir, RunManifest, Film]:
    """The finished run and its film with the shot edited; a retake that cannot be made is refused in one line."""
    run, manifest, film = finished_run(path)
    return run, manifest, edited_shot(film, shot_id, line, action)


def edited_shot(film: Film, shot_id: str, line: str | None, action: str | None) -> Film:
    """The film with the shot's first line and/or action replaced (the scene's copy of the line too)."""
    shots = {sh.id: sh for sh in film.shots()}
    if shot_id not in shots:
        raise InputError(f"no shot {shot_id!r} in this run; its shots are {', '.join(shots)}")
    shot = shots[shot_id]
    scene = film.scene_of(shot_id)
    dialogue, scene_lines = list(shot.dialogue), list(scene.dialogue)
    if line is not None:
        line = " ".join(line.split())
        if not line:
            raise InputError("--line is empty; give the words the shot's character says")
        if dialogue:
            old = dialogue[0]
            dialogue[0] = old.model_copy(update={"line": line})
            scene_lines = [dialogue[0] if (d.speaker, d.line) == (old.speaker, old.line) else d for d in scene_lines]
        elif shot.characters:
            dialogue = [DialogueLine(speaker=shot.characters[0], line=line)]
        else:
            raise InputError(f"shot {shot_id} has no one in it to say --line; add a character to it in script.json")
    update: dict = {"dialogue": dialogue}
    if action is not None:
        update["action"] = " ".join(action.split())
    new_shot = Shot.model_validate({**shot.model_dump(), **update})
    scenes = [s.model_copy(update={"dialogue": scene_lines if s.id == scene.id else s.dialogue,
                                   "shots": [new_shot if sh.id == shot_id else sh for sh in s.shots]})
              for s in film.scenes]
    return film.revise(scenes=scenes)


def retake(path: Path, shot_id: str, *, seed: int | None = None, line: str | None = None,
           action: str | None = None, cache_dir: Path | None = None, plugins: bool | None = None,
           on_event: Events | None = None) -> tuple[RunResult, Take]:
    """Make a new take of one shot of a finished run and assemble the film with it."""
    run, manifest, film = check_retake(path, shot_id, line, action)
    backends = load_backends(manifest.profile, cache_dir, plugins)
    with run.lock(), run_log(run):
        takes = list(manifest.takes.get(shot_id) or [_first_take(run, manifest, shot_id)])
        number = takes[-1].take + 1
        take_seed = manifest.seed + number - 1 if seed is None else seed
        backup = run.work / "retake"
        kept = _back_up(run, shot_id, backup)
        try:
            _make_take(run, manifest, film, shot_id, take_seed, backends, on_event)
            take = Take(take=number, seed=take_seed, keyframe=f"takes/{shot_id}/take{number}.png",
                        clip=f"takes/{shot_id}/take{number}.mp4", line=line, action=action,
                        made=dt.datetime.now().isoformat(timespec="seconds"))
            _keep(run, shot_id, take)
            manifest.takes[shot_id] = takes + [take]
            run.write_manifest(manifest)
            from auteur.pipeline.report_page import write_scores_and_page

            write_scores_and_page(run, backends.cache)
        except BaseException:
            log.exception("retake of %s failed; the run is put back as it was", shot_id)
            for rel in kept:
                place(backup / rel, run.root / rel)
            for suffix in (".png", ".mp4"):
                (run.root / "takes" / shot_id / f"take{number}{suffix}").unlink(missing_ok=True)
            raise
        finally:
            shutil.rmtree(run.work, ignore_errors=True)
    log.info("retake %d of %s (seed %d) is in the film", number, shot_id, take_seed)
    summary = {"shots_rendered": 1, "shots_cached": 0, **{k: v for k, v in manifest.summary.items()
                                                          if k not in ("shots_rendered", "shots_cached")}}
    return RunResult(run, summary, backends.roster.problems + backends.cache.warnings), take


# What a retake may change, relative to the run: put back from a copy if it fails.
def _files(run: RunDir, shot_id: str) -> list[str]:
    names = ["script.json", "run.json", "film.mp4", "film.srt", "timeline.json", "storyboard.png", "report.html",
             "eval.json", *(f"shots/{shot_id}{suffix}" for suffix in (".png", ".mp4", ".json", ".drawn.json"))]
    return [n for n in names if (run.root / n).is_file()]


def _back_up(run: RunDir, shot_id: str, backup: Path) -> list[str]:
    kept = _files(run, shot_id)
    for rel in kept:
        place(run.root / rel, backup / rel)
    return kept


def _first_take(run: RunDir, manifest: RunManifest, shot_id: str) -> Take:
    """The shot as the run first made it, kept as take 1 before the first retake replaces it."""
    take = Take(take=1, seed=manifest.seed, keyframe=f"takes/{shot_id}/take1.png", clip=f"takes/{shot_id}/take1.mp4",
                made=manifest.created)
    _keep(run, shot_id, take)
    return take


def _keep(run: RunDir, shot_id: str, take: Take) -> None:
    place(run.root / f"shots/{shot_id}.png", run.root / take.keyframe)
    place(run.root / f"shots/{shot_id}.mp4", run.root / take.clip)


def _make_take(run: RunDir, manifest: RunManifest, film: Film, shot_id: str, seed: int, backends,
               on_event: Events | None) -> None:
    from auteur.agents.storyboard import draw_sheet, redraw_keyframe
    from auteur.core.atomic import write_text
    from auteur.pipeline.assembly import assemble_film
    from auteur.pipeline.crew import Crew
    from auteur.pipeline.executors import open_executor
    from auteur.pipeline.graph import shot_task
    from auteur.pipeline.shots import render_shot
    from auteur.pipeline.state import ClipRecord

    profile = manifest.profile
    executor = open_executor(profile, backends.renderer)
    try:
        crew = Crew(director=backends.director, renderer=executor, profile=profile, run=run, cache=backends.cache,
                    seed=seed, target_shots=manifest.target_shots,
                    on_event=on_event or (lambda kind, name, fraction: None))
        crew.emit("stage", "retake", 0.0)
        shot = next(sh for sh in film.shots() if sh.id == shot_id)
        keyframe = redraw_keyframe(shot, film, crew)
        film = film.revise(scenes=[s.model_copy(update={"shots": [
            sh.model_copy(update={"keyframe": keyframe}) if sh.id == shot_id else sh for sh in s.shots]})
            for s in film.scenes])
        write_text(run.script, film.to_json())
        draw_sheet(film, crew)
        clips = {sh.id: ClipRecord.model_validate_json((run.root / f"shots/{sh.id}.json").read_text("utf-8"))
                 for sh in film.shots() if sh.id != shot_id}
        clips[shot_id] = render_shot(shot_task(film, shot_id), crew)
        crew.emit("stage", "retake", 1.0)
        assemble_film(film, clips, crew)
    finally:
        executor.close()
