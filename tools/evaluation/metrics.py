"""What every evaluator returns: named metrics in [0, 1], the problems behind them, per-scene detail."""

from __future__ import annotations

from pydantic import BaseModel, Field


class Metric(BaseModel):
    """One measured property of a film; `score` is None when the metric was skipped (and `skipped` says why)."""

    name: str
    family: str  # structural | semantic | premise | visual
    score: float | None
    weight: float = 1.0
    issues: list[str] = Field(default_factory=list)
    per_scene: dict[str, float] = Field(default_factory=dict)
    detail: dict[str, float] = Field(default_factory=dict)
    skipped: str | None = None


def ratio(good: int, total: int) -> float:
    """The share of checks that passed; a film with nothing to check passes."""
    return 1.0 if total == 0 else good / total


def clamp01(x: float) -> float:
    return max(0.0, min(1.0, x))
