"""The `auteur` command line: make, resume, eval, bench, train, roles, doctor."""

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
    out_console.print(f"[bold green]film:[/] {safe(run.film)}")
    out_console.print(f"  subtitles {safe(run.srt)}  script {safe(run.script)}  storyboard {safe(run.storyboard)}")
    out_console.print(f"  report {safe(run.report)}")
    language = _planned_language(run.script)
    if language:
        out_console.print(f"  planned in {safe(language)}")
    if "shots_rendered" in s:
        out_console.print(f"  shots rendered {s['shots_rendered']}, from cache {s['shots_cached']}; "
                          f"images drawn {s['images_drawn']}, from cache {s['images_cached']}")


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
    source: str = typer.Argument(..., help="a one-line premise, a script.json, or a MovieAgent script_synopsis.json"),
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
) -> None:
    """Make a film from a one-line premise (or a script)."""

    def body():
        from auteur.pipeline.config import load_profile
        from auteur.core.settings import parse_executor
        from auteur.pipeline.inputs import read_input
        from auteur.pipeline.run import make as make_film

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
        chosen = chosen.model_copy(update=update)
        film_input = read_input(source)
        result = _progress_run(make_film, film_input, chosen, seed=seed, target_shots=shots,
                               out=None if out is None else Path(out),
                               plugins=False if no_plugins else None)
        _report(result)

    _guard(body)


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
) -> None:
    """Make and score a film per prompt of a suite; exit 1 when any misses the suite's thresholds."""

    def body():
        from auteur.pipeline.bench import default_out, junit_films, load_suite, run_suite, write_tables

        for what, path in (("--out", out), ("--junit", junit)):
            _utf8(what, path)
        chosen = load_suite(suite)
        where = out or default_out(chosen)
        rows = _progress_run(run_suite, chosen, where)
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
