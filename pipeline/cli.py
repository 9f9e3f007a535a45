"""The `auteur` command line: make, plan, resume, retake, export, eval, bench, train, roles, doctor."""

from __future__ import annotations

import json
import logging
import math
import os
import sys
import time
from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

from auteur.core.errors import AuteurError
from auteur.pipeline.console import err_console as console
from auteur.pipeline.console import error, neutralise, out_console, safe, warning

# Plain help (rich_markup_mode=None): rich's would read "[thresholds]" in a help text as a markup tag and
# drop it, and give every flag a `<bool>` metavar (`--help <bool>`).
app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False, rich_markup_mode=None,
                  help="auteur: one line in, a short film out.")


def _fail(message: str, code: int = 2) -> None:
    error(message)
    raise typer.Exit(code)


def _guard(fn, *args, **kwargs):
    """Run a command body: user errors become one line; anything else too, with the details logged."""
    try:
        return fn(*args, **kwargs)
    except AuteurError as err:
        _fail(str(err).replace("\n", " "))
    except KeyboardInterrupt:
        _fail("interrupted; continue with `auteur resume RUN_DIR`", 130)
    except typer.Exit:
        raise
    except Exception as err:  # never a traceback for a user; the run log has it
        logging.getLogger("auteur").debug("unexpected error", exc_info=True)
        logs = [h.baseFilename for h in logging.getLogger("auteur").handlers if isinstance(h, logging.FileHandler)]
        where = f"details in {logs[0]}" if logs else "a bug in auteur; please report the command that caused it"
        _fail(f"unexpected {type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''} ({where})")


def _report(result) -> None:
    s = result.summary
    for problem in result.warnings:
        warning(problem)
    run = result.run
    if result.waiting:
        _report_review(result)
        return
    out_console.print(f"[bold green]film:[/] {safe(run.film)}")
    out_console.print(f"  subtitles {safe(run.srt)}  script {safe(run.script)}  storyboard {safe(run.storyboard)}")
    out_console.print(f"  report {safe(run.report)}")
    language = _planned_language(run.script)
    if language:
        out_console.print(f"  planned in {safe(language)}")
    if "shots_rendered" in s:
        out_console.print(f"  shots rendered {s['shots_rendered']}, from cache {s['shots_cached']}; "
                          f"images drawn {s['images_drawn']}, from cache {s['images_cached']}")
    scores = _weakest(run.root / "eval.json")
    if scores:
        out_console.print(f"  score {scores}", highlight=False)


def _weakest(path, n: int = 3) -> str | None:
    """The overall score and the n weakest metrics of a run's eval.json, as one line ("0.912; weakest: ...")."""
    import json

    try:
        data = json.loads(path.read_text("utf-8"))
        ran = [(m["name"], float(m["score"])) for m in data["metrics"] if m.get("score") is not None]
        overall = float(data["overall"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    weakest = ", ".join(f"{name} {score:.2f}" for name, score in sorted(ran, key=lambda x: x[1])[:n])
    return f"{overall:.3f} (auteur eval {safe(str(path.parent))} for why); weakest: {safe(weakest)}"


def _report_review(result) -> None:
    run = result.run
    out_console.print(f"[bold yellow]stopped for review:[/] the storyboard is drawn, no shot is rendered yet")
    out_console.print(f"  storyboard {safe(run.storyboard)}  report {safe(run.report)}")
    out_console.print(f"  edit {safe(run.script)} if you like (a line, an action, a camera move, a look)")
    out_console.print(f"  then render it: auteur resume {safe(run.root)}", highlight=False)


def _planned_language(script) -> str | None:
    """The treatment's language, from the run's script.json (None when it cannot be read)."""
    from auteur.core.schema import Film

    try:
        film = Film.from_json(script.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return film.treatment.language if film.treatment else None


def _progress_run(fn, *args, **kwargs):
    from auteur.pipeline.progress import ProgressView

    with ProgressView(console) as view:
        result = fn(*args, on_event=view.on_event, **kwargs)
        view.finish()
    return result


@app.command()
def make(
    source: Optional[str] = typer.Argument(None, help="a one-line premise, a script.json, a MovieAgent "
                                           "script_synopsis.json, or a story (.txt, .md; - for standard input)"),
    from_text: Optional[str] = typer.Option(None, "--from-text", help="make the film of this story file "
                                            "(a short story or a book chapter; - for standard input)"),
    profile: str = typer.Option("draft", "--profile", "-p", help="built-in profile name or a profile .toml"),
    shots: Optional[int] = typer.Option(None, "--shots", help="number of shots (1 to 400)"),
    minutes: Optional[float] = typer.Option(None, "--minutes", help="target running time (0.2 to 60)"),
    seed: int = typer.Option(7, "--seed", help="same prompt + seed = same film"),
    # a str, not a Path: Path("") is ".", and `--out ""` must be refused rather than mean the current directory
    out: Optional[str] = typer.Option(None, "--out", "-o", help="run directory (default runs/<time>-<slug>)"),
    burn_subtitles: bool = typer.Option(False, "--burn-subtitles", help="also burn subtitles into the picture"),
    workers: Optional[int] = typer.Option(None, "--workers", help="shots rendered at once (1 to 64)"),
    executor: Optional[str] = typer.Option(None, "--executor", help="where shots render: local, ray, ray:ADDRESS"),
    no_plugins: bool = typer.Option(False, "--no-plugins", help="use only auteur's own roles"),
    director: Optional[str] = typer.Option(None, "--director", help="override the profile's director: BACKEND or "
                                           "BACKEND:MODEL, e.g. mot:models/BAGEL-7B-MoT"),
    review: bool = typer.Option(False, "--review", help="stop once the storyboard is drawn, before any shot renders; "
                                "edit script.json if you like, then `auteur resume RUN`"),
) -> None:
    """Make a film from a one-line premise, a script, or a story."""

    def body():
        from auteur.core.errors import InputError
        from auteur.pipeline.inputs import read_input, read_story_input
        from auteur.pipeline.run import make as make_film

        if (source is None) == (from_text is None):
            raise InputError("give one thing to make a film of: a premise, a script or story file, or --from-text FILE")
        chosen = _make_profile(profile, shots, minutes, workers, out, executor, burn_subtitles, director)
        film_input = read_story_input(from_text) if from_text is not None else read_input(source)
        result = _progress_run(make_film, film_input, chosen, seed=seed, target_shots=shots,
                               out=None if out is None else Path(out),
                               plugins=False if no_plugins else None, review=review)
        _report(result)

    _guard(body)


@app.command()
def plan(
    source: str = typer.Argument(..., help="a one-line premise, a script.json, or a MovieAgent script_synopsis.json"),
    profile: str = typer.Option("draft", "--profile", "-p", help="built-in profile name or a profile .toml"),
    gpu: Optional[str] = typer.Option(None, "--gpu", help="estimate for this device: cpu, h100, h200, a100, l40s, "
                                      "rtx4090 (default: cpu for CPU profiles, h200 for GPU ones)"),
    shots: Optional[int] = typer.Option(None, "--shots", help="number of shots (1 to 400)"),
    minutes: Optional[float] = typer.Option(None, "--minutes", help="target running time (0.2 to 60)"),
    seed: int = typer.Option(7, "--seed", help="same prompt + seed = same film"),
    out: Optional[str] = typer.Option(None, "--out", "-o", help="run directory (default runs/<time>-<slug>)"),
    workers: Optional[int] = typer.Option(None, "--workers", help="shots rendered at once (1 to 64)"),
    no_plugins: bool = typer.Option(False, "--no-plugins", help="use only auteur's own roles"),
    director: Optional[str] = typer.Option(None, "--director", help="override the profile's director: BACKEND or "
                                           "BACKEND:MODEL"),
) -> None:
    """Plan the film and draw its storyboard, render no shot, and estimate what rendering it will take."""

    def body():
        from auteur.pipeline.estimate import check_device, estimate
        from auteur.pipeline.inputs import read_input
        from auteur.pipeline.run import make as make_film

        chosen = _make_profile(profile, shots, minutes, workers, out, None, False, director)
        device = check_device(gpu, chosen)
        film_input = read_input(source)
        result = _progress_run(make_film, film_input, chosen, seed=seed, target_shots=shots,
                               out=None if out is None else Path(out),
                               plugins=False if no_plugins else None, review=True)
        for problem in result.warnings:
            warning(problem)
        from auteur.core.schema import Film

        film = Film.from_json(result.run.script.read_text("utf-8"))
        table = estimate(film, chosen, device)
        _print_estimate(table)
        run = result.run
        out_console.print(f"[bold green]planned:[/] {safe(run.root)}  (no shot rendered)")
        out_console.print(f"  storyboard {safe(run.storyboard)}  report {safe(run.report)}  script {safe(run.script)}")
        out_console.print(f"  render it: auteur resume {safe(run.root)}", highlight=False)

    _guard(body)


def _print_estimate(table) -> None:
    grid = Table("stage", "seconds", "peak memory", "figures", title=f"estimate: {table.profile} on {table.device}")
    for row in table.rows:
        grid.add_row(row.stage, _seconds(row.seconds), _gib(row.memory_gib), safe(row.basis))
    grid.add_row("[bold]total[/]", f"[bold]{_seconds(table.total_s)}[/]", _gib(table.peak_gib), "")
    out_console.print(grid)
    for note in table.notes:
        out_console.print(f"  {safe(note)}", highlight=False)


def _seconds(s: float) -> str:
    if s < 10:
        return f"{s:.1f} s"
    return f"{s:.0f} s" if s < 120 else f"{s:.0f} s ({s / 60:.1f} min)"


def _gib(g: float) -> str:
    return f"{g:.1f} GiB" if g >= 1 else f"{g * 1024:.0f} MiB"


@app.command()
def retake(
    run_dir: Path = typer.Argument(..., help="a finished run directory"),
    shot_id: str = typer.Argument(..., help="the shot to make again, e.g. sc2-sh01"),
    seed: Optional[int] = typer.Option(None, "--seed", help="the take's seed (default: the run's seed + the take number)"),
    line: Optional[str] = typer.Option(None, "--line", help="new words for the shot's (first) line"),
    action: Optional[str] = typer.Option(None, "--action", help="a new action for the shot"),
) -> None:
    """Draw and render one shot again (previous takes kept) and assemble the film with it."""

    def body():
        from auteur.pipeline.retake import check_retake, retake as make_take

        check_retake(run_dir, shot_id, line, action)  # before the progress view: a refusal is one line
        result, take = _progress_run(make_take, run_dir, shot_id, seed=seed, line=line, action=action)
        for problem in result.warnings:
            warning(problem)
        run = result.run
        out_console.print(f"[bold green]take {take.take} of {safe(shot_id)}[/] (seed {take.seed}) is in the film: "
                          f"{safe(run.film)}")
        out_console.print(f"  this take {safe(run.root / take.clip)}; every take is listed in {safe(run.report)}")

    _guard(body)


@app.command()
def export(
    run_dir: Path = typer.Argument(..., help="a finished run directory"),
    to: str = typer.Option(..., "--to", help="otio, fcpxml, edl or kdenlive"),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="the file to write (default RUN/cut.<format>)"),
) -> None:
    """Export the cut as an editor's project: one clip per shot, sound, chapter markers, subtitles where kept."""

    def body():
        from auteur.pipeline.exporting import export_run

        if out is not None and not str(out).strip():
            raise AuteurError("--out is empty; name the file to write")
        for path in export_run(run_dir, to, out):
            out_console.print(f"[bold green]wrote[/] {safe(path)}")

    _guard(body)


def _make_profile(profile: str, shots, minutes, workers, out, executor, burn_subtitles: bool, director):
    """The profile `make` and `plan` run with: the named one, with the command line's changes."""
    from auteur.core.settings import parse_executor
    from auteur.pipeline.config import load_profile

    _check_make_options(shots, minutes, workers, out)
    chosen = load_profile(profile)
    update: dict = {}
    if minutes is not None:
        update["target_runtime_s"] = minutes * 60
    if workers is not None:
        update["workers"] = workers
    if executor is not None:
        parse_executor(executor)
        update["executor"] = executor
    if burn_subtitles:
        update["assembly"] = chosen.assembly.model_copy(update={"burn_subtitles": True})
    if director is not None:
        update["director"] = _director_override(chosen.director, director)
    return chosen.model_copy(update=update)


def _check_make_options(shots: int | None, minutes: float | None, workers: int | None, out: str | None) -> None:
    """Option values a film cannot be made with, each refused in one line before anything is loaded."""
    from auteur.core.errors import InputError

    if shots is not None and minutes is not None:
        raise InputError("give --shots or --minutes, not both")
    if shots is not None and not 1 <= shots <= 400:
        raise InputError(f"--shots {shots}: a film has 1 to 400 shots")
    if minutes is not None and not (math.isfinite(minutes) and 0.2 <= minutes <= 60):
        raise InputError(f"--minutes {minutes}: give a running time from 0.2 to 60 minutes")
    if workers is not None and not 1 <= workers <= 64:
        raise InputError(f"--workers {workers}: render 1 to 64 shots at once")
    if out is not None and not out.strip():
        raise InputError("--out is empty; name the run directory (or drop --out for runs/<time>-<slug>)")
    if out is not None and "\x00" in out:
        raise InputError("--out holds a NUL character; name a real directory")
    _utf8("--out", out)


def _utf8(what: str, path: object) -> None:
    """Refuse a path that is not UTF-8 before anything is made: auteur records paths in its JSON files
    (run.json, eval.json), which cannot hold it, so the run would fail at its end, and on every resume."""
    from auteur.core.errors import InputError

    if path is None:
        return
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        raise InputError(f"{what} {neutralise(path)} is not a UTF-8 name; rename it or pick another") from None


def _director_override(current, spec: str):
    """`BACKEND[:MODEL]` -> the profile's director choice with that backend (and model)."""
    from auteur.core.settings import BackendChoice

    backend, _, model = spec.partition(":")
    settings = dict(current.settings) if backend == current.backend else {}
    if model:
        settings["model"] = model
    return BackendChoice(backend=backend, settings=settings)


@app.command()
def resume(run_dir: Path = typer.Argument(..., help="the run directory to continue"),
           executor: Optional[str] = typer.Option(None, "--executor", help="render the rest on: local, ray, ray:ADDRESS"),
           ) -> None:
    """Continue an interrupted run without redoing finished work."""

    def body():
        from auteur.pipeline.run import resume as resume_film

        _utf8("run directory", run_dir)
        _report(_progress_run(resume_film, run_dir, executor=executor))

    _guard(body)


def _prompt_of(target: Path) -> str:
    """The prompt of the film in a run directory or script.json, for the JUnit report's properties."""
    from auteur.tools.evaluation.score import read_film

    return read_film(target)[0].prompt


@app.command("eval")
def eval_(
    target: Path = typer.Argument(..., help="a run directory or a script.json"),
    json_out: Optional[Path] = typer.Option(None, "--json", help="also write the scores as JSON here"),
    fail_under: Optional[float] = typer.Option(None, "--fail-under", min=0, max=1,
                                               help="exit 1 when the overall score is below this"),
    thresholds: Optional[Path] = typer.Option(None, "--thresholds",
                                              help="a suite .toml whose [thresholds] the film must meet (exit 1 if not)"),
    junit: Optional[Path] = typer.Option(None, "--junit", help="also write JUnit XML here (a test case per metric)"),
) -> None:
    """Score a film's narrative coherence: structural, semantic, premise and visual metrics, and an overall score."""

    def body():
        from auteur.pipeline.bench import failures, load_suite
        from auteur.tools.evaluation.score import evaluate_path, save

        for what, path in (("run or script", target), ("--json", json_out), ("--junit", junit), ("--thresholds", thresholds)):
            _utf8(what, path)
        if fail_under is not None and not math.isfinite(fail_under):
            raise AuteurError(f"--fail-under {fail_under}: give a score from 0 to 1")
        gate = load_suite(thresholds).thresholds if thresholds is not None else None
        start = time.perf_counter()
        evaluation = evaluate_path(target)
        seconds = time.perf_counter() - start
        table = Table("metric", "family", "score", "notes")
        for m in evaluation.metrics:
            notes = m.skipped if m.score is None else "; ".join(m.issues[:3]) + (" ..." if len(m.issues) > 3 else "")
            table.add_row(safe(m.name), m.family, "skipped" if m.score is None else f"{m.score:.3f}", safe(notes))
        table.add_row("[bold]overall[/]", "", f"[bold]{evaluation.overall:.3f}[/]", "")
        out_console.print(table)
        if json_out is not None:
            save(evaluation, json_out)
        floor = max(x for x in (fail_under, gate.overall if gate else None, 0.0) if x is not None)
        if junit is not None:
            from auteur.tools.evaluation.junit import FilmCases, cases_from_eval, write

            scores = json.loads(evaluation.to_json())
            cases = cases_from_eval(scores, gate.metrics if gate else {}, floor if floor > 0 else None)
            write([FilmCases(film=str(target), cases=cases, seconds=seconds, properties={"prompt": _prompt_of(target)})],
                  junit, name="auteur eval")
        missed = failures(evaluation.overall, {m.name: m.score for m in evaluation.metrics}, gate) if gate else []
        for miss in missed:
            console.print(f"[red]{safe(miss)} ({safe(thresholds)})[/]")
        if fail_under is not None and evaluation.overall < fail_under:
            console.print(f"[red]overall {evaluation.overall:.3f} is below --fail-under {fail_under}[/]")
            raise typer.Exit(1)
        if missed:
            raise typer.Exit(1)

    _guard(body)


@app.command()
def bench(
    suite: Path = typer.Argument(..., help="a suite .toml (see examples/suites/)"),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="where the films and tables go"),
    junit: Optional[Path] = typer.Option(None, "--junit", help="also write JUnit XML here (a test case per film and metric)"),
    record_scores: bool = typer.Option(False, "--record", help="write these films' scores as the suite's record "
                                       "(SUITE.recorded.json), which a suite with gate = \"recorded\" gates on"),
) -> None:
    """Make and score a film per prompt of a suite; exit 1 when any misses the suite's gate (its thresholds, or
    with gate = "recorded" its recorded scores)."""

    def body():
        from auteur.pipeline.bench import (default_out, gated, junit_films, load_recorded, load_suite, record,
                                           run_suite, write_tables)

        for what, path in (("--out", out), ("--junit", junit)):
            _utf8(what, path)
        chosen = load_suite(suite)
        recorded = load_recorded(suite)
        where = out or default_out(chosen)
        rows = _progress_run(run_suite, chosen, where, recorded=recorded)
        if record_scores:  # the tables then show these films against their own new record
            out_console.print(f"recorded: {safe(record(chosen, rows, suite))}")
            rows = gated(rows, chosen, load_recorded(suite))
        md, js = write_tables(chosen, rows, where)
        if junit is not None:
            from auteur.tools.evaluation.junit import write

            write(junit_films(chosen, rows), junit, name=f"auteur bench {chosen.name}")
        out_console.print("\n".join(neutralise(line) for line in md.read_text("utf-8").splitlines()), markup=False)
        out_console.print(f"tables: {safe(md)}  {safe(js)}")
        if any(r.failures for r in rows):
            raise typer.Exit(1)

    _guard(body)


@app.command()
def train(
    config: Path = typer.Argument(..., help="a training config .toml (see README: fine-tune the director)"),
    steps: Optional[int] = typer.Option(None, "--steps", min=1, help="override train.steps"),
) -> None:
    """Train or fine-tune the MoT director on film documents; resumes from the last checkpoint in train.out."""

    def body():
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        from auteur.models.mot.training.config import load_train_config
        from auteur.models.mot.training.loop import train as run_training

        cfg = load_train_config(config)
        if steps is not None:
            cfg = cfg.model_copy(update={"train": cfg.train.model_copy(update={"steps": steps})})
        columns = (TextColumn("[bold]stage {task.fields[stage]}[/]"), BarColumn(), MofNCompleteColumn(),
                   TextColumn("{task.fields[metrics]}"), TimeRemainingColumn())
        # The bar appears once data and weights are read, so a refused document stays a one-line error.
        progress = Progress(*columns, console=console)
        task = progress.add_task("train", total=cfg.train.steps, stage=cfg.train.stage, metrics="")
        window: list = []

        def on_start(info):
            if info["resumed_from"]:
                console.print(f"resuming at step {info['resumed_from']} in {safe(info['out'])}", highlight=False)
            progress.update(task, completed=info["resumed_from"])
            progress.start()

        def on_log(log):
            window.append(log)
            del window[:-cfg.train.log_every]
            rate = sum(w.tokens for w in window) / max(sum(w.seconds for w in window), 1e-9)
            ce = [w.ce for w in window if w.ce is not None]
            mse = [w.mse for w in window if w.mse is not None]
            parts = [f"ce {sum(ce) / len(ce):.3f}" if ce else "", f"mse {sum(mse) / len(mse):.4f}" if mse else "",
                     f"{rate:,.0f} tok/s"]
            progress.update(task, completed=log.step, metrics="  ".join(p for p in parts if p))

        try:
            result = run_training(cfg, on_log=on_log, on_start=on_start)
        finally:
            progress.stop()
        if result.checkpoint is not None:
            out_console.print(f"[bold green]checkpoint:[/] {safe(result.checkpoint)}", highlight=False)
            out_console.print(f"  make a film with it: auteur make PREMISE --profile studio --director "
                              f"mot:{neutralise(result.checkpoint)}", highlight=False, markup=False)

    _guard(body)


@app.command()
def roles(no_plugins: bool = typer.Option(False, "--no-plugins", help="only auteur's own roles")) -> None:
    """List the crew: built-in roles and installed plugin roles, in graph order."""

    def body():
        from auteur.agents.registry import load_roles

        roster = load_roles(False if no_plugins else None)
        table = Table("order", "role", "from", "does")
        for r in roster.roles:
            table.add_row(str(r.order), safe(r.name), safe(r.source), safe(r.summary))
        out_console.print(table)
        for problem in roster.problems:
            warning(problem)

    _guard(body)


@app.command()
def doctor() -> None:
    """Report what is installed and usable."""

    def body():
        from auteur.pipeline.doctor import checks

        table = Table("component", "status", "detail")
        ok = True
        for name, good, detail in checks():
            table.add_row(safe(name), "[green]ok[/]" if good else "[red]missing[/]", safe(detail))
            ok &= good or name.startswith("optional")
        out_console.print(table)
        if not ok:
            raise typer.Exit(1)

    _guard(body)


def main() -> None:
    # Weights come from local directories or an already-filled hub cache; never stall on a network
    # that is not there, and keep library progress bars out of auteur's own.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    logging.raiseExceptions = False  # a log write on a full disk must not print a traceback
    # auteur's log goes to the run's run.log; with none open, Python's last-resort handler would print
    # raw, unescaped warnings on stderr. What a user must see comes back as warnings in the result.
    logger = logging.getLogger("auteur")
    if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
        logger.addHandler(logging.NullHandler())
    # Not standalone: click would print a usage error as a boxed, many-line panel with the user's
    # words inside rich markup; here it becomes one escaped line like every other error.
    # typer carries its own copy of click; its exceptions live where BadParameter does.
    clicks = sys.modules[typer.BadParameter.__module__]
    try:
        code = app(prog_name="auteur", standalone_mode=False)
    except clicks.NoArgsIsHelpError:
        code = 0  # typer has printed the help while raising this
    except clicks.UsageError as err:
        command = err.ctx.command_path if err.ctx else "auteur"
        error(f"{err.format_message()} (see {command} --help)")
        code = 2
    except clicks.ClickException as err:
        error(err.format_message())
        code = err.exit_code
    except typer.Abort:
        error("aborted")
        code = 1
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    sys.exit(main())
