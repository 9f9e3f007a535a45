"""Framing by value: boxes placed by hand, each overlap's share and the score worked out from the rule the
module states (a box more than half covered by another is a fault; each fault halves the distance to zero)."""

from __future__ import annotations

import pytest

from auteur.core.schema import FramingBox
from auteur.tools.evaluation.framing import framing, shared
from test_eval_structural_values import MARA, TOM, film, scene, shot

ANN = {"token": "<char3>", "name": "Ann", "appearance": "a girl"}


def box(x, y, w, h, who="<char1>") -> FramingBox:
    return FramingBox(character=who, x=x, y=y, w=w, h=h)


def test_shared_is_the_overlap_over_the_smaller_box():
    assert shared(box(0, 0, 0.5, 0.5), box(0.25, 0.25, 0.5, 0.5)) == pytest.approx(0.25)  # 0.25 x 0.25 of 0.25
    assert shared(box(0.25, 0.25, 0.5, 0.5), box(0, 0, 0.5, 0.5)) == pytest.approx(0.25)
    assert shared(box(0, 0, 1, 1), box(0.2, 0.2, 0.1, 0.1)) == pytest.approx(1.0)  # all of the small one
    assert shared(box(0.2, 0.2, 0.1, 0.2), box(0, 0, 1, 1)) == pytest.approx(1.0)  # whichever comes first
    assert shared(box(0, 0, 0.4, 0.8), box(0.2, 0.4, 0.4, 0.2)) == pytest.approx(0.5)  # 0.2 x 0.2 of 0.08
    assert shared(box(0, 0, 0.5, 1), box(0.5, 0, 0.5, 1)) == 0.0  # side by side, touching
    assert shared(box(0, 0, 0.2, 0.2), box(0.5, 0.6, 0.2, 0.2)) == 0.0  # apart both ways


def test_framing_by_hand():
    both, three = ["<char1>", "<char2>"], ["<char1>", "<char2>", "<char3>"]
    f = film([
        scene("s1", [shot("s1a", "x", characters=both, framing=[("<char1>", 0, 0, 0.5, 0.5), ("<char2>", 0.2, 0, 0.5, 0.5)]),
                     shot("s1b", "y", characters=both,
                          framing=[("<char1>", 0, 0, 0.5, 0.5), ("<char2>", 0.25, 0, 0.5, 0.5)]),
                     shot("s1c", "u", characters=both, framing=[("<char2>", 0.5, 0.5, 0.3, 0.3),
                                                               ("<char1>", 0.5, 0.5, 0.3, 0.3)])],
              characters=both),
        scene("s2", [shot("s2a", "z", characters=three,
                          framing=[("<char1>", 0, 0, 0.4, 0.4), ("<char2>", 0.1, 0.1, 0.2, 0.2),
                                   ("<char3>", 0.6, 0.6, 0.4, 0.4)]),
                     shot("s2b", "w", characters=both, framing=[("<char1>", 0, 0, 0.5, 1), ("<char2>", 0.5, 0, 0.5, 1)]),
                     shot("s2c", "v", characters=both, framing=[("<char1>", 0, 0, 0.3, 0.3)])],
              characters=three),
    ], cast=(MARA, TOM, ANN))
    m = framing(f)
    # s1a: 0.3 x 0.5 of 0.25 = 60 %, a fault; s1b: exactly half, none; s1c: one box on the other, a fault. s2a: Tom
    # inside Mara's box, a fault; Ann apart from both; s2b: touching; s2c: one box, no pair. Seven pairs, three faults.
    assert m.issues == ["shot s1a: <char1> (Mara) and <char2> (Tom) share 60% of a frame box; one is drawn over the other",
                        "shot s1c: <char2> (Tom) and <char1> (Mara) share 100% of a frame box; one is drawn over the other",
                        "shot s2a: <char1> (Mara) and <char2> (Tom) share 100% of a frame box; one is drawn over the other"]
    assert m.per_scene == {"s1": pytest.approx(1 / 3), "s2": 0.5} and m.score == 0.25
    assert m.detail == {"pairs": 7, "stacked": 3}
    assert (m.name, m.family, m.weight) == ("framing", "premise", 1.5)


def test_a_film_without_boxes_frames_perfectly():
    m = framing(film([scene("s1", [shot("s1a", "x")])]))
    assert m.score == 1.0 and m.per_scene == {"s1": 1.0} and m.detail == {"pairs": 0, "stacked": 0}
