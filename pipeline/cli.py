"""The `auteur` command line: make, resume, eval, bench, train, roles, doctor."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

from auteur.core.errors import AuteurError

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="auteur: one line in, a short film out.")
console = Console(stderr=True)
out_console = Console()


def _fail(message: str, code: int = 2) -> None:
    console.print(f"[bold red]error:[/] {message}", highlight=False, markup=True, soft_wrap=True)
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
        _fail(f"unexpected {type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''} "
              f"(details in the run's run.log)")


def _report(result) -> None:
    s = result.summary
    for warning in result.warnings:
        console.print(f"[yellow]warning:[/] {warning}", highlight=False)
    run = result.run
    out_console.print(f"[bold green]film:[/] {run.film}", highlight=False)
    out_console.print(f"  subtitles {run.srt}  script {run.script}  storyboard {run.storyboard}", highlight=False)
    out_console.print(f"  report {run.report}", highlight=False)
    if "shots_rendered" in s:
        out_console.print(f"  shots rendered {s['shots_rendered']}, from cache {s['shots_cached']}; "
                          f"images drawn {s['images_drawn']}, from cache {s['images_cached']}", highlight=False)


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
    shots: Optional[int] = typer.Option(None, "--shots", min=1, max=400, help="number of shots"),
    minutes: Optional[float] = typer.Option(None, "--minutes", min=0.2, max=60, help="target running time"),
    seed: int = typer.Option(7, "--seed", help="same prompt + seed = same film"),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="run directory (default runs/<time>-<slug>)"),
    burn_subtitles: bool = typer.Option(False, "--burn-subtitles", help="also burn subtitles into the picture"),
    workers: Optional[int] = typer.Option(None, "--workers", min=1, max=64, help="shots rendered at once"),
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

        if shots is not None and minutes is not None:
            raise AuteurError("give --shots or --minutes, not both")
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
        result = _progress_run(make_film, film_input, chosen, seed=seed, target_shots=shots, out=out,
                               plugins=False if no_plugins else None)
        _report(result)

    _guard(body)


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

        _report(_progress_run(resume_film, run_dir, executor=executor))

    _guard(body)


@app.command("eval")
def eval_(
    target: Path = typer.Argument(..., help="a run directory or a script.json"),
    json_out: Optional[Path] = typer.Option(None, "--json", help="also write the scores as JSON here"),
    fail_under: Optional[float] = typer.Option(None, "--fail-under", min=0, max=1,
                                               help="exit 1 when the overall score is below this"),
) -> None:
    """Score a film's narrative coherence: structural, semantic and visual metrics, and an overall score."""

    def body():
        from auteur.tools.evaluation.score import evaluate_path, save

        evaluation = evaluate_path(target)
        table = Table("metric", "family", "score", "notes")
        for m in evaluation.metrics:
            notes = m.skipped if m.score is None else "; ".join(m.issues[:3]) + (" ..." if len(m.issues) > 3 else "")
            table.add_row(m.name, m.family, "skipped" if m.score is None else f"{m.score:.3f}", notes)
        table.add_row("[bold]overall[/]", "", f"[bold]{evaluation.overall:.3f}[/]", "")
        out_console.print(table)
        if json_out is not None:
            save(evaluation, json_out)
        if fail_under is not None and evaluation.overall < fail_under:
            console.print(f"[red]overall {evaluation.overall:.3f} is below --fail-under {fail_under}[/]", highlight=False)
            raise typer.Exit(1)

    _guard(body)


@app.command()
def bench(
    suite: Path = typer.Argument(..., help="a suite .toml (see examples/suites/)"),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="where the films and tables go"),
) -> None:
    """Make and score a film per prompt of a suite; exit 1 when any misses the suite's thresholds."""

    def body():
        from auteur.pipeline.bench import default_out, load_suite, run_suite, write_tables

        chosen = load_suite(suite)
        where = out or default_out(chosen)
        rows = _progress_run(run_suite, chosen, where)
        md, js = write_tables(chosen, rows, where)
        out_console.print(md.read_text("utf-8"), highlight=False, markup=False, soft_wrap=True)
        out_console.print(f"tables: {md}  {js}", highlight=False)
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
                console.print(f"resuming at step {info['resumed_from']} in {info['out']}", highlight=False)
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
            out_console.print(f"[bold green]checkpoint:[/] {result.checkpoint}", highlight=False)
            out_console.print(f"  make a film with it: auteur make PREMISE --profile studio --director "
                              f"mot:{result.checkpoint}", highlight=False, markup=False)

    _guard(body)


@app.command()
def roles(no_plugins: bool = typer.Option(False, "--no-plugins", help="only auteur's own roles")) -> None:
    """List the crew: built-in roles and installed plugin roles, in graph order."""

    def body():
        from auteur.agents.registry import load_roles

        roster = load_roles(False if no_plugins else None)
        table = Table("order", "role", "from", "does")
        for r in roster.roles:
            table.add_row(str(r.order), r.name, r.source, r.summary)
        out_console.print(table)
        for problem in roster.problems:
            console.print(f"[yellow]warning:[/] {problem}", highlight=False)

    _guard(body)


@app.command()
def doctor() -> None:
    """Report what is installed and usable."""

    def body():
        from auteur.pipeline.doctor import checks

        table = Table("component", "status", "detail")
        ok = True
        for name, good, detail in checks():
            table.add_row(name, "[green]ok[/]" if good else "[red]missing[/]", detail)
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
    app(prog_name="auteur")


if __name__ == "__main__":
    sys.exit(main())
