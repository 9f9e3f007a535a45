"""`auteur bench SUITE`: make a film per prompt of a suite, score each, gate on the suite's thresholds.

A suite is a TOML file (examples/suites/): a profile, a shot count, a seed, the prompts, and the
thresholds a film must reach (`[thresholds]`: `overall` and per-metric minimums). The thresholds are
committed next to the prompts, so a change that lowers a score shows up as a failed bench.
"""

from __future__ import annotations

import datetime as dt
import json
import time
import tomllib
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError

from auteur.core.atomic import write_text
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


class Row(BaseModel):
    prompt: str
    run: str
    seconds: float
    overall: float
    metrics: dict[str, float | None]
    failures: list[str]
    repeats: list[str] = Field(default_factory=list)  # lines this film shares with films of other prompts


def load_suite(path: Path) -> Suite:
    """A suite from its TOML file, with a one-line error naming what is wrong."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"suite {path} does not exist")
    try:
        data = tomllib.loads(path.read_text("utf-8"))
        return Suite.model_validate({"name": path.stem, **data})
    except tomllib.TOMLDecodeError as err:
        raise InputError(f"suite {path} is not valid TOML: {err}") from None
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


def run_suite(suite: Suite, out: Path, on_event=None) -> list[Row]:
    """Make and score one film per prompt of the suite into `out`/NN."""
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
                        metrics=metrics, failures=failures(scores["overall"], metrics, suite.thresholds)))
    return with_repetition(rows, suite)


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
        out.append(row.model_copy(update={"metrics": metrics, "overall": round(overall, 4), "repeats": issues,
                                          "failures": failures(overall, metrics, suite.thresholds)}))
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
