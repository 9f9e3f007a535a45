"""`auteur bench SUITE`: make a film per prompt of a suite, score each, gate on the suite's thresholds.

A suite is a TOML file (examples/suites/): a profile, a shot count, a seed, the prompts, and the
thresholds a film must reach (`[thresholds]`: `overall` and per-metric minimums). The thresholds are
committed next to the prompts, so a change that lowers a score shows up as a failed bench.

A suite whose films do not reach its thresholds yet gates on its recorded scores instead (`gate = "recorded"`):
`auteur bench SUITE --record` writes each film's scores to `SUITE.recorded.json` beside the suite, and later
benches fail when the overall score or any metric of a film drops more than `tolerance` below its record. The
distance to the thresholds is still printed for every film, so the day the films reach them is seen, and the
suite's gate goes back to "thresholds" in that commit.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, ValidationError

from auteur.core.atomic import write_text
from auteur.core import tomlload as toml
from auteur.core.errors import InputError


class Thresholds(BaseModel):
    overall: float = Field(ge=0, le=1)
    metrics: dict[str, float] = Field(default_factory=dict)


class Suite(BaseModel):
    name: str
    description: str = ""
    profile: str = "preview"
    shots: int | None = Field(default=None, ge=1, le=400)
    seed: int = 7
    prompts: list[str] = Field(min_length=1)
    thresholds: Thresholds
    gate: Literal["thresholds", "recorded"] = "thresholds"
    tolerance: float = Field(default=0.02, ge=0, le=1)


class Recorded(BaseModel):
    """One film's recorded scores: what a later bench of the same prompt may not fall below (less the tolerance)."""
    overall: float
    metrics: dict[str, float | None]


class Row(BaseModel):
    prompt: str
    run: str
    seconds: float
    overall: float
    metrics: dict[str, float | None]
    failures: list[str]  # what fails the bench: the thresholds missed, or with gate = "recorded" the regressions
    repeats: list[str] = Field(default_factory=list)  # lines this film shares with films of other prompts
    boundary: list[str] = Field(default_factory=list)  # the thresholds this film misses, whatever the gate


def load_suite(path: Path) -> Suite:
    """A suite from its TOML file, with a one-line error naming what is wrong."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"suite {path} does not exist")
    data = toml.read(path, f"suite {path}")
    try:
        return Suite.model_validate({"name": path.stem, **data})
    except ValidationError as err:
        first = err.errors()[0]
        raise InputError(f"suite {path}: field {'.'.join(map(str, first['loc']))}: {first['msg']}") from None


def failures(overall: float, metrics: dict[str, float | None], thresholds: Thresholds) -> list[str]:
    """Which thresholds a film misses."""
    out = [f"overall {overall:.3f} < {thresholds.overall}"] if overall < thresholds.overall else []
    for name, floor in thresholds.metrics.items():
        got = metrics.get(name)
        if got is not None and got < floor:
            out.append(f"{name} {got:.3f} < {floor}")
    return out


def recorded_path(suite_path: Path) -> Path:
    suite_path = Path(suite_path)
    return suite_path.with_name(f"{suite_path.stem}.recorded.json")


def load_recorded(suite_path: Path) -> dict[str, Recorded]:
    """The recorded scores of a suite, by prompt ({} when none were recorded), with a one-line error when damaged."""
    path = recorded_path(suite_path)
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text("utf-8"))
        return {prompt: Recorded.model_validate(v) for prompt, v in data["films"].items()}
    except (ValueError, KeyError, TypeError, AttributeError, ValidationError) as err:
        raise InputError(f"recorded scores {path}: not a recording `auteur bench --record` wrote "
                         f"({type(err).__name__})") from None


def record(suite: Suite, rows: list[Row], suite_path: Path) -> Path:
    """Write these films' scores as the suite's record (atomically)."""
    path = recorded_path(suite_path)
    films = {r.prompt: {"overall": round(r.overall, 4), "metrics": {k: None if v is None else round(v, 4)
                                                                   for k, v in r.metrics.items()}} for r in rows}
    write_text(path, json.dumps({"suite": suite.name, "recorded": dt.date.today().isoformat(), "films": films},
                                indent=2, ensure_ascii=False) + "\n")
    return path


def regressions(row: Row, recorded: Recorded | None, tolerance: float) -> list[str]:
    """What a film lost against its record: the overall score or a metric more than `tolerance` below it."""
    if recorded is None:
        return ["no recorded scores for this prompt (run `auteur bench SUITE --record`)"]
    out = []
    for name, was, now in [("overall", recorded.overall, row.overall),
                           *((n, v, row.metrics.get(n)) for n, v in recorded.metrics.items())]:
        if was is not None and now is not None and now < was - tolerance:
            out.append(f"{name} {now:.3f} < recorded {was:.3f} - {tolerance}")
    return out


def gated(rows: list[Row], suite: Suite, recorded: dict[str, Recorded] | None = None) -> list[Row]:
    """Each row with `boundary` (the thresholds it misses) and `failures` (what the suite's gate fails it for)."""
    out = []
    for row in rows:
        boundary = failures(row.overall, row.metrics, suite.thresholds)
        failed = boundary if suite.gate == "thresholds" else \
            regressions(row, (recorded or {}).get(row.prompt), suite.tolerance)
        out.append(row.model_copy(update={"boundary": boundary, "failures": failed}))
    return out


def run_suite(suite: Suite, out: Path, on_event=None, recorded: dict[str, Recorded] | None = None) -> list[Row]:
    """Make and score one film per prompt of the suite into `out`/NN, gated as the suite says (`gated`)."""
    from auteur.pipeline.config import load_profile
    from auteur.pipeline.inputs import read_input
    from auteur.pipeline.run import make

    profile = load_profile(suite.profile)
    rows = []
    for k, prompt in enumerate(suite.prompts, start=1):
        run_dir = out / f"{k:02d}"
        start = time.perf_counter()
        make(read_input(prompt), profile, seed=suite.seed, target_shots=suite.shots, out=run_dir, on_event=on_event)
        seconds = time.perf_counter() - start
        scores = json.loads((run_dir / "eval.json").read_text("utf-8"))
        metrics = {m["name"]: m["score"] for m in scores["metrics"]}
        rows.append(Row(prompt=prompt, run=str(run_dir), seconds=round(seconds, 2), overall=scores["overall"],
                        metrics=metrics, failures=[]))
    return gated(with_repetition(rows, suite), suite, recorded)


def with_repetition(rows: list[Row], suite: Suite) -> list[Row]:
    """Rows whose template score (and overall score) counts the lines each film shares with films of other
    prompts, word for word or as the same frame (skeletons spoken in more films of the bench than chance allows)."""
    from auteur.core.schema import Film
    from auteur.tools.evaluation.repetition import repeated_lines
    from auteur.tools.evaluation.template import bench_templates
    from auteur.tools.evaluation.weights import WEIGHTS

    films = {Path(r.run).name: Film.from_json((Path(r.run) / "script.json").read_text("utf-8")) for r in rows}
    shared = repeated_lines(films)
    framed = bench_templates(films)
    out = []
    for row in rows:
        share, issues = shared[Path(row.run).name]
        frame_share, frame_issues = framed[Path(row.run).name]
        issues = issues + frame_issues
        if not issues or row.metrics.get("template") is None:
            out.append(row)
            continue
        lost = min(1.0, share + frame_share)
        metrics = {**row.metrics, "template": round(row.metrics["template"] * (1.0 - lost), 4)}
        ran = {k: v for k, v in metrics.items() if v is not None}
        overall = sum(WEIGHTS[k] * v for k, v in ran.items()) / sum(WEIGHTS[k] for k in ran)
        out.append(row.model_copy(update={"metrics": metrics, "overall": round(overall, 4), "repeats": issues}))
    return out


def junit_films(suite: Suite, rows: list[Row]):
    """JUnit test cases per film of a bench: every metric against the suite's thresholds, then the overall score."""
    from auteur.tools.evaluation.junit import FilmCases, cases_from_eval

    films = []
    for row in rows:
        scores = json.loads((Path(row.run) / "eval.json").read_text("utf-8"))
        scores["overall"] = row.overall
        for m in scores["metrics"]:
            m["score"] = row.metrics.get(m["name"], m["score"])
            if m["name"] == "template":
                m["issues"] = [*row.repeats, *(m.get("issues") or [])]
        films.append(FilmCases(film=f"{suite.name}/{Path(row.run).name}", seconds=row.seconds,
                               cases=cases_from_eval(scores, suite.thresholds.metrics, suite.thresholds.overall),
                               properties={"prompt": row.prompt, "run": row.run, "profile": suite.profile}))
    return films


def markdown(suite: Suite, rows: list[Row]) -> str:
    """The bench as a markdown table: one row per prompt, the overall score and every metric."""
    names = list(dict.fromkeys(n for r in rows for n in r.metrics))
    head = ["prompt", "overall", *names, "seconds", "pass"]
    lines = [f"# bench `{suite.name}` ({suite.profile}, {suite.shots or 'default'} shots, seed {suite.seed})", "",
             "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        cells = [r.prompt.replace("|", "\\|")[:60], f"{r.overall:.3f}",
                 *("skipped" if r.metrics.get(n) is None else f"{r.metrics[n]:.3f}" for n in names),
                 f"{r.seconds:.1f}", "yes" if not r.failures else "NO: " + "; ".join(r.failures)]
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", f"thresholds: overall >= {suite.thresholds.overall}; "
              + ", ".join(f"{k} >= {v}" for k, v in suite.thresholds.metrics.items()), ""]
    if suite.gate == "recorded":
        lines += [f"gate: no score below its record by more than {suite.tolerance} (the films do not reach the "
                  "thresholds yet); distance to the thresholds:", ""]
        lines += [f"- {Path(r.run).name}: " + ("reaches every threshold" if not r.boundary else "; ".join(r.boundary))
                  for r in rows] + [""]
    repeats = [(r, i) for r in rows for i in r.repeats]
    if repeats:
        lines += ["## lines repeated across films of different prompts", ""]
        lines += [f"- {Path(r.run).name}: {i}".replace("|", "\\|") for r, i in repeats] + [""]
    return "\n".join(lines)


def write_tables(suite: Suite, rows: list[Row], out: Path) -> tuple[Path, Path]:
    """bench.md and bench.json in `out`."""
    md, js = out / "bench.md", out / "bench.json"
    write_text(md, markdown(suite, rows))
    write_text(js, json.dumps({"suite": suite.model_dump(), "created": dt.datetime.now().isoformat(timespec="seconds"),
                               "rows": [r.model_dump() for r in rows],
                               "passed": all(not r.failures for r in rows)}, indent=2) + "\n")
    return md, js


def default_out(suite: Suite) -> Path:
    return Path("runs") / f"bench-{suite.name}-{dt.datetime.now().strftime('%Y%m%d-%H%M%S')}"
