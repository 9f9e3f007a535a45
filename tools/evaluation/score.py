"""The whole evaluation: read a run directory or a script.json, run every metric family, weigh an overall score."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError

from auteur.core.atomic import write_text
from auteur.core.errors import AuteurError, InputError
from auteur.core.jsonload import loads
from auteur.core.schema import Film, describe_validation_error
from auteur.tools.language.premise import read_premise
from auteur.tools.evaluation import premise as premise_metrics
from auteur.tools.evaluation import semantic as semantic_metrics
from auteur.tools.evaluation import structural as structural_metrics
from auteur.tools.evaluation import visual as visual_metrics
from auteur.tools.evaluation.cast import cast_sanity
from auteur.tools.evaluation.constraints import constraints
from auteur.tools.evaluation.depiction import depiction
from auteur.tools.evaluation.framing import framing
from auteur.tools.evaluation.metrics import Metric
from auteur.tools.evaluation.plot_cast import plot_cast
from auteur.tools.evaluation.premise_terms import read_terms
from auteur.tools.evaluation.situation import situation
from auteur.tools.evaluation.template import template
from auteur.tools.evaluation.weights import WEIGHTS


class Evaluation(BaseModel):
    """Scores of one film: every metric, the weighted overall score, and a score per scene."""

    source: str
    overall: float
    metrics: list[Metric]
    per_scene: dict[str, float] = Field(default_factory=dict)

    def metric(self, name: str) -> Metric:
        return next(m for m in self.metrics if m.name == name)

    def to_json(self) -> str:
        return self.model_dump_json(indent=2) + "\n"


def overall(metrics: list[Metric]) -> float:
    """The weighted mean of the metrics that ran, weights from weights.WEIGHTS (skipped ones count for nothing)."""
    ran = [m for m in metrics if m.score is not None]
    total = sum(m.weight for m in ran)
    return sum(m.weight * m.score for m in ran) / total if total else 0.0


def per_scene(film: Film, metrics: list[Metric]) -> dict[str, float]:
    """Each scene's weighted mean over the metrics that score scenes."""
    out = {}
    for scene in film.scenes:
        pairs = [(m.weight, m.per_scene[scene.id]) for m in metrics if scene.id in m.per_scene]
        out[scene.id] = sum(w * s for w, s in pairs) / sum(w for w, _ in pairs) if pairs else 1.0
    return out


def evaluate_film(film: Film, *, root: Path | None = None, clip_durations: dict[str, float] | None = None,
                  semantic: bool = True, visual: bool = True, source: str = "") -> Evaluation:
    """Every metric family on one film; `root` is its run directory when there is one (keyframes, clips)."""
    metrics = structural_metrics.evaluate(film, clip_durations, runtime_target=not shots_were_asked(root))
    terms = read_terms(film.prompt)
    reading = read_premise(film.prompt)
    if semantic:
        try:
            metrics += semantic_metrics.evaluate(film)
            metrics += premise_metrics.evaluate(film, terms=terms)
            metrics.append(situation(film, reading))
        except AuteurError as err:  # no sentence model here: say so instead of failing the whole evaluation
            have = {m.name for m in metrics}
            metrics += [Metric(name=n, family=f, score=None, skipped=str(err))
                        for n, f in (("faithfulness", "semantic"), ("progression", "semantic"), ("grounding", "semantic"),
                                     ("premise_coverage", "premise"), ("situation", "premise")) if n not in have]
    metrics += [template(film), constraints(film, reading), cast_sanity(film, terms), plot_cast(film), framing(film)]
    if visual:
        metrics += visual_metrics.evaluate(film, root)
        metrics.append(depiction(film, root, reading))
    for m in metrics:
        m.weight = WEIGHTS[m.name]
    return Evaluation(source=source, overall=overall(metrics), metrics=metrics, per_scene=per_scene(film, metrics))


def read_film(path: Path) -> tuple[Film, Path | None]:
    """The film in a run directory or a script.json, and the run directory when there is one."""
    path = Path(path)
    script = path / "script.json" if path.is_dir() else path
    if not script.is_file():
        raise InputError(f"{path}: no script.json there; give a run directory or a script.json")
    try:
        data = loads(script.read_text("utf-8"), str(script))
    except UnicodeDecodeError as err:
        raise InputError(f"{script} is not UTF-8 text: {err}") from None
    try:
        film = Film.model_validate(data)
    except ValidationError as err:
        raise InputError(f"{script}: {describe_validation_error(err, data)}") from None
    return film, script.parent if (script.parent / "run.json").is_file() else None


def shots_were_asked(root: Path | None) -> bool:
    """Whether the run was made with --shots, so its length follows the shot count, not the runtime target."""
    if root is None or not (root / "run.json").is_file():
        return False
    try:
        return json.loads((root / "run.json").read_text("utf-8")).get("target_shots") is not None
    except (ValueError, AttributeError):
        return False


def clip_durations(root: Path | None) -> dict[str, float]:
    """Rendered seconds per shot, from the shots/<id>.json records a run leaves."""
    if root is None:
        return {}
    out = {}
    for record in sorted((root / "shots").glob("*.json")):
        try:
            data = json.loads(record.read_text("utf-8"))
            out[data["shot_id"]] = float(data["duration"])
        except (ValueError, KeyError, TypeError):
            continue
    return out


def evaluate_path(path: Path, *, semantic: bool = True, visual: bool = True) -> Evaluation:
    """Evaluate a run directory or a script.json."""
    film, root = read_film(path)
    return evaluate_film(film, root=root, clip_durations=clip_durations(root), semantic=semantic, visual=visual,
                         source=str(path))


def save(evaluation: Evaluation, dest: Path) -> None:
    write_text(dest, evaluation.to_json())
