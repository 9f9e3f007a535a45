"""Premise coverage and specificity: the film is about *its* premise, in words that belong to it.

Both compare all-MiniLM-L6-v2 sentence embeddings (one encode call per film):

- **premise coverage**: every term of the premise (its people, creatures, objects, places; see
  premise_terms) appears somewhere in what the film shows or says (treatment, plots, dialogue, shot
  actions and props, how the cast and places look), by name or by meaning; and every scene stays with
  the premise's situation. Text copied from the prompt is cut out first (restated.py), so a logline
  that repeats the prompt earns nothing.
- **specificity**: dialogue lines and plots that sit close to a shipped corpus of lines that could
  belong to any film (data/generic_lines.txt) and far from the premise score low.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np

from auteur.core.schema import Film
from auteur.tools.evaluation.metrics import Metric, clamp01
from auteur.tools.evaluation.premise_terms import PremiseTerms, lemma, read_terms
from auteur.tools.evaluation.restated import strip_restated
from auteur.tools.evaluation.weights import weight

# MiniLM cosines of a short noun phrase against a sentence that shows it: ~0.5-0.7; unrelated: ~0.2-0.3.
TERM_FLOOR, TERM_CEIL = 0.30, 0.55
# A scene against the premise's situation: ~0.4-0.5 when it plays it, ~0.1-0.3 when it tells another story.
SITUATION_FLOOR, SITUATION_CEIL = 0.15, 0.45
# A unit is specific when it sits closer to its premise than to the nearest generic line. The margin
# (premise similarity minus generic similarity) of a film's own lines is ~-0.1..+0.2, of stock lines
# ~-0.7..-0.2; plots sit nearer their premise than lines do, so they need a larger margin.
MARGIN = {"line": (-0.30, 0.00), "plot": (-0.10, 0.15)}
TOKEN = re.compile(r"<(?:char|env)[1-9]\d*>")


@dataclass(frozen=True)
class Unit:
    text: str
    where: str  # "treatment", "scene sc2", "shot sc2-sh01", "cast", "locations"
    kind: str  # logline | beat | plot | line | shot | look


@lru_cache(maxsize=1)
def generic_lines() -> tuple[str, ...]:
    text = resources.files("auteur.tools.evaluation").joinpath("data/generic_lines.txt").read_text("utf-8")
    return tuple(ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#"))


_corpus_cache: dict[int, tuple[object, np.ndarray]] = {}


def generic_vectors(model, embed) -> np.ndarray:
    """The generic corpus, embedded once per model."""
    held = _corpus_cache.get(id(model))
    if held is None or held[0] is not model:
        held = (model, embed(list(generic_lines()), model))
        _corpus_cache[id(model)] = held
    return held[1]


def _spoken(film: Film, text: str) -> str:
    """Tokens replaced by what a viewer sees: the character's look, the place's name."""
    looks = {c.token: c.appearance for c in film.characters} | {p.token: p.name for p in film.locations}
    return TOKEN.sub(lambda m: looks.get(m.group(), ""), text)


def units(film: Film) -> list[Unit]:
    """Everything the film shows or says, each with where it is, prompt restatements cut out."""
    out: list[Unit] = []
    if film.treatment:
        out.append(Unit(film.treatment.logline, "treatment", "logline"))
        out += [Unit(b.summary, "treatment", "beat") for b in film.treatment.beats]
    for scene in film.scenes:
        out.append(Unit(scene.plot, f"scene {scene.id}", "plot"))
        lines = [ln.line for ln in scene.dialogue] + [ln.line for sh in scene.shots for ln in sh.dialogue]
        out += [Unit(line, f"scene {scene.id}", "line") for line in dict.fromkeys(lines)]
        for shot in scene.shots:
            shown = " ".join(x for x in (shot.action, ", ".join(shot.props)) if x)
            if shown:
                out.append(Unit(_spoken(film, shown), f"shot {shot.id}", "shot"))
    out += [Unit(f"{c.appearance} {c.wardrobe}".strip(), "cast", "look") for c in film.characters]
    out += [Unit(f"{p.name}: {p.look}", "locations", "look") for p in film.locations]
    kept = []
    for u in out:
        text = strip_restated(_spoken(film, u.text), film.prompt).strip()
        if text:
            kept.append(Unit(text, u.where, u.kind))
    return kept


def evaluate(film: Film, model=None, terms: PremiseTerms | None = None) -> list[Metric]:
    """Premise coverage and specificity of a film (skipped when it has no scenes)."""
    from auteur.tools.evaluation.semantic import embed, load_encoder

    if not film.scenes:
        return [Metric(name=n, family="premise", score=None, skipped="the film has no scenes yet")
                for n in ("premise_coverage", "specificity")]
    model = model or load_encoder()
    terms = terms or read_terms(film.prompt)
    found = units(film)
    texts = [terms.situation, *(e.phrase for e in terms.entities), *(u.text for u in found)]
    vecs = embed(texts, model)
    situation, term_vecs, unit_vecs = vecs[0], vecs[1:1 + len(terms.entities)], vecs[1 + len(terms.entities):]
    return [coverage(film, terms, found, situation, term_vecs, unit_vecs),
            specificity(film, terms, found, situation, term_vecs, unit_vecs, generic_vectors(model, embed))]


def _scaled(x: float, lo: float, hi: float) -> float:
    return clamp01((x - lo) / (hi - lo))


def coverage(film: Film, terms: PremiseTerms, found: list[Unit], situation: np.ndarray, term_vecs: np.ndarray,
             unit_vecs: np.ndarray) -> Metric:
    """How much of the premise the film shows: each term by name or meaning, each scene by situation."""
    words = [{lemma(w) for w in re.findall(r"[^\W\d_][\w'’-]*", u.text)} for u in found]
    term_scores, issues = {}, []
    for e, vec in zip(terms.entities, term_vecs):
        sims = unit_vecs @ vec if len(found) else np.zeros(0)
        named = any(e.head in ws for ws in words) or (e.name and any(e.name.lower() in ws for ws in words))
        best = _scaled(float(sims.max()) if len(sims) else 0.0, TERM_FLOOR, TERM_CEIL)
        term_scores[e.name or e.phrase] = 1.0 if named else best
        if term_scores[e.name or e.phrase] < 0.5:
            issues.append(f"premise: the {e.name or e.phrase} ({e.kind}) appears nowhere in the film")
    per_scene = {}
    for scene in film.scenes:
        rows = [k for k, u in enumerate(found) if u.where == f"scene {scene.id}"]
        if not rows:
            per_scene[scene.id] = 0.0
            issues.append(f"scene {scene.id}: says nothing but the prompt's own words")
            continue
        mean = unit_vecs[rows].mean(axis=0)
        sim = float(mean @ situation / max(np.linalg.norm(mean), 1e-9))
        per_scene[scene.id] = _scaled(sim, SITUATION_FLOOR, SITUATION_CEIL)
        if per_scene[scene.id] < 0.25:
            issues.append(f"scene {scene.id}: strays from the premise ({sim:.2f} to its situation)")
    if film.treatment and not any(u.kind == "logline" for u in found):
        issues.append("treatment: the logline only restates the prompt, which earns nothing")
    situation_score = float(np.mean(list(per_scene.values())))
    term_score = float(np.mean(list(term_scores.values()))) if term_scores else situation_score
    score = 0.6 * term_score + 0.4 * situation_score
    return Metric(name="premise_coverage", family="premise", score=score, weight=weight("premise_coverage"),
                  issues=issues, per_scene=per_scene,
                  detail={"terms": term_score, "situation": situation_score, **{f"term:{k}": v for k, v in term_scores.items()}})


def specificity(film: Film, terms: PremiseTerms, found: list[Unit], situation: np.ndarray, term_vecs: np.ndarray,
                unit_vecs: np.ndarray, generic: np.ndarray) -> Metric:
    """Lines and plots that belong to this premise, not to any film."""
    anchors = np.vstack([situation[None, :], term_vecs]) if len(term_vecs) else situation[None, :]
    corpus = generic_lines()
    scores: dict[str, list[float]] = {"line": [], "plot": []}
    per_scene: dict[str, list[float]] = {}
    issues = []
    for u, vec in zip(found, unit_vecs):
        if u.kind not in scores:
            continue
        sims = generic @ vec
        near = int(sims.argmax())
        s = _scaled(float((anchors @ vec).max()) - float(sims[near]), *MARGIN[u.kind])
        scores[u.kind].append(s)
        per_scene.setdefault(u.where.removeprefix("scene "), []).append(s)
        if s < 0.5:
            what = "line" if u.kind == "line" else "plot"
            issues.append(f"{u.where}: the {what} {u.text[:80]!r} could belong to any film "
                          f"(close to {corpus[near]!r})")
    lines = float(np.mean(scores["line"])) if scores["line"] else None
    plots = float(np.mean(scores["plot"])) if scores["plot"] else None
    parts = [(0.6, lines), (0.4, plots)]
    total = sum(w for w, v in parts if v is not None)
    score = sum(w * v for w, v in parts if v is not None) / total if total else 1.0
    return Metric(name="specificity", family="premise", score=score, weight=weight("specificity"), issues=issues,
                  per_scene={k: float(np.mean(v)) for k, v in per_scene.items()},
                  detail={k: v for k, v in (("lines", lines), ("plots", plots)) if v is not None})
