"""How much each metric counts in the overall score: one table, so a test can recompute the overall score.

The premise family carries most of the weight, and within it what the film *plays* of its premise (situation) more
than which of its nouns it names (premise_coverage): a well-formed film that slots the premise's nouns into stock
beats, or tells another story with this premise's title, must not reach the judged boundary on its structural
scores. The values were set from the judged set (tests/data/judged): every faithful script above its template by
at least 0.10 and above its swapped copy by at least 0.15, the overall score ranked as people ranked the scripts.
"""

from __future__ import annotations

WEIGHTS: dict[str, float] = {
    # structural: the script is well-formed
    "membership": 3.0,
    "appearance": 2.0,
    "locations": 1.0,
    "beats": 2.0,
    "durations": 1.0,
    "dialogue_fit": 1.0,
    "orphans": 1.0,
    # semantic: the story holds together
    "faithfulness": 1.0,
    "progression": 1.0,
    "grounding": 0.5,
    # premise: the film plays its premise, with the premise's cast, drawn as the premise says
    "situation": 12.0,
    "template": 4.5,
    "constraints": 3.0,
    "premise_coverage": 3.0,
    "cast_sanity": 2.0,
    "plot_cast": 1.0,
    "framing": 1.5,
    # visual: keyframes show what the shots say and what the premise has
    "keyframe_text": 1.0,
    "identity": 1.0,
    "depiction": 2.0,
}


def weight(name: str) -> float:
    """The weight of metric `name` (a metric missing from the table is a programming error)."""
    return WEIGHTS[name]
