"""report.html: a run's plan, film and scores on one page that works from file:// with no network.

Every piece of script text goes through Jinja2's autoescaping, so a prompt with markup shows as text.
Images and the film are referenced relative to the run directory; the per-scene chart is inline SVG.
"""

from __future__ import annotations

import logging
from importlib import resources
from pathlib import Path

from jinja2 import Environment, select_autoescape

from auteur.core.atomic import write_text
from auteur.core.schema import Film

log = logging.getLogger("auteur")
CHART_H, BAR_W, GAP, LEFT = 160, 48, 16, 8


def _environment() -> Environment:
    return Environment(autoescape=select_autoescape(default=True, default_for_string=True), trim_blocks=True,
                       lstrip_blocks=True)


def scene_chart(per_scene: dict[str, float]) -> dict:
    """Bar geometry for the per-scene score chart."""
    bars = []
    for k, (scene_id, score) in enumerate(per_scene.items()):
        h = round(max(0.0, min(1.0, score)) * CHART_H, 1)
        color = "#3a7d44" if score >= 0.75 else "#c08a1e" if score >= 0.5 else "#b23b3b"
        bars.append({"x": LEFT + k * (BAR_W + GAP), "y": 20 + CHART_H - h, "w": BAR_W, "h": h,
                     "label": scene_id, "score": score, "color": color})
    return {"bars": bars, "left": LEFT, "base": 20 + CHART_H, "height": CHART_H + 44,
            "width": LEFT + max(1, len(bars)) * (BAR_W + GAP)}


def render(film: Film, evaluation=None, *, film_src: str | None = "film.mp4", srt_src: str | None = "film.srt") -> str:
    """The report page as HTML text."""
    template = resources.files("auteur.tools.evaluation").joinpath("report.html").read_text("utf-8")
    title = film.treatment.title if film.treatment else "Untitled"
    return _environment().from_string(template).render(
        film=film, title=title, evaluation=evaluation, names={c.token: c.name for c in film.characters},
        chart=scene_chart(evaluation.per_scene if evaluation else {}), film_src=film_src, srt_src=srt_src)


def write_report(root: Path, *, evaluate: bool = True, evaluation=None) -> Path:
    """Evaluate the run in `root`, write eval.json and report.html there; returns the page's path.

    Given an `evaluation` (scores reused from the cache), the page shows it and nothing is evaluated.
    """
    from auteur.tools.evaluation.score import clip_durations, read_film, save, evaluate_film

    root = Path(root)
    film, _ = read_film(root / "script.json")
    if evaluate and evaluation is None:
        evaluation = evaluate_film(film, root=root, clip_durations=clip_durations(root), source=str(root))
        save(evaluation, root / "eval.json")
    page = root / "report.html"
    write_text(page, render(film, evaluation, film_src="film.mp4" if (root / "film.mp4").is_file() else None,
                            srt_src="film.srt" if (root / "film.srt").is_file() else None))
    log.info("report: %s (overall %s)", page, f"{evaluation.overall:.3f}" if evaluation else "not evaluated")
    return page
