"""A metric's defaults and the two helpers every evaluator scores with, by value."""

from __future__ import annotations

from auteur.tools.evaluation.metrics import Metric, clamp01, ratio


def test_a_metric_counts_once_with_nothing_against_it_unless_told():
    m = Metric(name="beats", family="structural", score=0.5)
    assert m.model_dump() == {"name": "beats", "family": "structural", "score": 0.5, "weight": 1.0, "issues": [],
                              "per_scene": {}, "detail": {}, "skipped": None}
    other = Metric(name="orphans", family="structural", score=1.0)
    m.issues.append("one")
    assert other.issues == []  # each metric has its own lists


def test_ratio_and_clamp01():
    assert ratio(3, 4) == 0.75 and ratio(0, 0) == 1.0 and ratio(0, 2) == 0.0
    assert clamp01(1.5) == 1.0 and clamp01(-0.5) == 0.0 and clamp01(0.25) == 0.25
