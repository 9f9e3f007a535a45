"""Premise coverage: every term of the premise (its people, creatures, objects, places; see premise_terms)
appears somewhere in what the film shows or says (treatment, plots, dialogue, shot actions and props, how the cast
and places look), by name or by meaning (all-MiniLM-L6-v2, one encode call per film). Text copied from the prompt
is cut out first (restated.py), so a logline that repeats the prompt earns nothing.

What the premise's people *do* is the `situation` metric's (situation.py); a film may develop its story past the
premise's own words, so scenes are not held to the premise's sentence here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from auteur.core.schema import Film
from auteur.tools.evaluation.metrics import Metric, clamp01
from auteur.tools.evaluation.premise_terms import PremiseTerms, lemma, read_terms
from auteur.tools.evaluation.restated import strip_restated
from auteur.tools.evaluation.weights import weight

# MiniLM cosines of a short noun phrase against a sentence that shows it: ~0.5-0.7; unrelated: ~0.2-0.3.
TERM_FLOOR, TERM_CEIL = 0.30, 0.55
TOKEN = re.compile(r"<(?:char|env)[1-9]\d*>")


@dataclass(frozen=True)
class Unit:
    text: str
    where: str  # "treatment", "scene sc2", "shot sc2-sh01", "cast", "locations"
    kind: str  # logline | beat | plot | line | shot | look


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
    """Premise coverage of a film (skipped when it has no scenes)."""
    from auteur.tools.evaluation.semantic import embed, load_encoder

    if not film.scenes:
        return [Metric(name="premise_coverage", family="premise", score=None, skipped="the film has no scenes yet")]
    model = model or load_encoder()
    terms = terms or read_terms(film.prompt)
    found = units(film)
    texts = [*(e.phrase for e in terms.entities), *(u.text for u in found)]
    vecs = embed(texts, model) if texts else np.zeros((0, 384))
    term_vecs, unit_vecs = vecs[:len(terms.entities)], vecs[len(terms.entities):]
    return [coverage(film, terms, found, term_vecs, unit_vecs)]


def _scaled(x: float, lo: float, hi: float) -> float:
    return clamp01((x - lo) / (hi - lo))


def coverage(film: Film, terms: PremiseTerms, found: list[Unit], term_vecs: np.ndarray, unit_vecs: np.ndarray) -> Metric:
    """How much of the premise the film shows: each term by name (a character's role or name counts) or meaning."""
    words = [{lemma(w) for w in re.findall(r"[^\W\d_][\w'’-]*", u.text)} for u in found]
    cast_words = {lemma(w) for c in film.characters for w in re.findall(r"[^\W\d_][\w'’-]*", f"{c.name} {c.role}")}
    term_scores, issues = {}, []
    for e, vec in zip(terms.entities, term_vecs):
        sims = unit_vecs @ vec if len(found) else np.zeros(0)
        named = any(e.head in ws for ws in words) or e.head in cast_words or (
            e.name and any(e.name.lower() in ws for ws in words))
        best = _scaled(float(sims.max()) if len(sims) else 0.0, TERM_FLOOR, TERM_CEIL)
        term_scores[e.name or e.phrase] = 1.0 if named else best
        if term_scores[e.name or e.phrase] < 0.5:
            issues.append(f"premise: the {e.name or e.phrase} ({e.kind}) appears nowhere in the film")
    if film.treatment and not any(u.kind == "logline" for u in found):
        issues.append("treatment: the logline only restates the prompt, which earns nothing")
    score = float(np.mean(list(term_scores.values()))) if term_scores else 1.0
    return Metric(name="premise_coverage", family="premise", score=score, weight=weight("premise_coverage"),
                  issues=issues, detail={"terms": score, **{f"term:{k}": v for k, v in term_scores.items()}})
