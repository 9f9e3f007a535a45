"""How much each metric counts in the overall score: one table, so a test can recompute the overall score.

The premise family (coverage, specificity, cast sanity, plot-cast agreement, framing) carries about
half the weight: a film that is well-formed but tells another story, or draws its cast wrong, must
not reach the smoke suite's threshold on its structural scores alone.
"""

from __future__ import annotations

WEIGHTS: dict[str, float] = {
    # structural: the script is well-formed
    "membership": 3.0,
    "appearance": 2.0,
    "locations": 1.0,
    "beats": 1.0,
    "durations": 1.0,
    "dialogue_fit": 1.0,
    "orphans": 1.0,
    # semantic: the story holds together
    "faithfulness": 2.0,
    "progression": 1.5,
    "grounding": 1.0,
    # premise: the film is about its premise, with the premise's cast, drawn as the premise says
    "premise_coverage": 6.0,
    "specificity": 3.0,
    "cast_sanity": 4.0,
    "plot_cast": 2.0,
    "framing": 2.0,
    # visual: keyframes show what the shots say
    "keyframe_text": 1.0,
    "identity": 1.0,
}


def weight(name: str) -> float:
    """The weight of metric `name` (a metric missing from the table is a programming error)."""
    return WEIGHTS[name]
