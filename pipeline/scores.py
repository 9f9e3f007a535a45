"""A run's scores and report page, with the scores reused from the cache when nothing they read changed.

Scoring loads a sentence model (and CLIP when there is one): seconds, for a result that depends only
on the script, the clip lengths, the keyframes and reference images, which models are available,
and the metric code. Those make the key; the page itself is re-rendered from the scores each time.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from auteur.pipeline.cache import Cache, code_digest
from auteur.pipeline.runs import RunDir


def _images(root: Path, script: dict) -> list[tuple[str, str | None]]:
    """The run's keyframes and reference images, each with its digest (None when absent)."""
    paths = [c.get("reference_image") for c in script.get("characters", [])]
    paths += [p.get("reference_image") for p in script.get("locations", [])]
    paths += [sh.get("keyframe") for s in script.get("scenes", []) for sh in s.get("shots", [])]
    out = []
    run = RunDir(root)
    for rel in paths:
        if rel:
            out.append((rel, Cache.file_digest(run.inside(rel)) if run.holds(rel) else None))
    return out


def scores_key(root: Path) -> str:
    from auteur.tools.evaluation.score import clip_durations, shots_were_asked
    from auteur.tools.evaluation.semantic import resolve_model

    text = (root / "script.json").read_bytes()
    models = {"sentence": resolve_model(), **{k: os.environ.get(k) for k in ("AUTEUR_CLIP_MODEL", "HF_HOME",
                                                                              "HF_HUB_OFFLINE")}}
    return Cache.key("scores", code_digest("auteur.tools.evaluation"), hashlib.sha256(text).hexdigest(),
                     clip_durations(root), shots_were_asked(root), _images(root, json.loads(text)), models)


def write_scores_and_report(run: RunDir, cache: Cache) -> None:
    """eval.json and report.html in the run directory; the scores come from the cache when they can."""
    from auteur.tools.evaluation.report import write_report

    key = scores_key(run.root)
    scores = run.root / "eval.json"
    if cache.reuse("scores", key, ".json", scores):
        evaluation = relabel(run)
        write_report(run.root, evaluation=evaluation)
        return
    write_report(run.root)
    cache.keep("scores", key, ".json", scores)


def relabel(run: RunDir):
    """Scores copied from another run name this run as their source."""
    from auteur.tools.evaluation.score import Evaluation, save

    scores = run.root / "eval.json"
    evaluation = Evaluation.model_validate_json(scores.read_text("utf-8"))
    if evaluation.source != str(run.root):
        evaluation.source = str(run.root)
        save(evaluation, scores)
    return evaluation
