"""Metrics that measure something: a real planned script against corrupted copies of itself, with margins."""

import random

import pytest

from auteur.models.draft.planner import Planner
from auteur.core.schema import DialogueLine, Film
from auteur.tools.evaluation.score import evaluate_film
from conftest import PREMISE
from test_schema import planned_film

UNRELATED = "A pastry chef opens a bakery on the moon and competes in an intergalactic cake contest"


def score(film: Film):
    return evaluate_film(film, visual=False)


@pytest.fixture(scope="module")
def real() -> Film:
    return planned_film()


@pytest.fixture(scope="module")
def real_scores(real):
    return score(real)


def shuffled(film: Film, seed: int) -> Film:
    scenes = list(film.scenes)
    order = list(range(len(scenes)))
    rng = random.Random(seed)
    while order == sorted(order):
        rng.shuffle(order)
    return film.revise(scenes=[scenes[k] for k in order])


def restyled(film: Film, look: str, *, declare: bool = False) -> Film:
    """From the middle of the film on, every shot restates <char1> with `look`."""
    half = len(film.scenes) // 2
    scenes = []
    for k, scene in enumerate(film.scenes):
        if k >= half:
            shots = [sh.model_copy(update={"visual_prompt": f"<char1> ({look}). {sh.visual_prompt}",
                                           "characters": list(dict.fromkeys([*sh.characters, "<char1>"]))})
                     for sh in scene.shots]
            plot = f"<char1> changes into {look}. {scene.plot}" if declare and k == half else scene.plot
            scene = scene.model_copy(update={"shots": shots, "plot": plot,
                                             "characters": list(dict.fromkeys([*scene.characters, "<char1>"]))})
        scenes.append(scene)
    return film.revise(scenes=scenes)


def unrelated(film: Film) -> Film:
    """Another premise's treatment and scenes, under this film's prompt."""
    other = Planner(UNRELATED, seed=7)
    play = other.screenplay(None, 60)
    return film.revise(treatment=other.treatment(60), characters=play.characters, locations=[],
                       scenes=[s.model_copy(update={"location": None}) for s in play.scenes]).revise(prompt=PREMISE)


def with_orphan_speaker(film: Film) -> Film:
    """A cast member speaks in the first scene without being in it."""
    scene = film.scenes[0]
    outsider = next(c.token for c in film.characters if c.token not in scene.characters)
    shot = scene.shots[-1]
    shot = shot.model_copy(update={"characters": [*shot.characters, outsider],
                                   "dialogue": [*shot.dialogue, DialogueLine(speaker=outsider, line="I was never here.")]})
    scene = scene.model_copy(update={"shots": [*scene.shots[:-1], shot]})
    return film.revise(scenes=[scene, *film.scenes[1:]])


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_shuffling_scenes_lowers_progression(real_scores, real, seed):
    worse = score(shuffled(real, seed)).metric("progression").score
    assert worse <= real_scores.metric("progression").score - 0.1


def test_reversing_scenes_takes_the_story_backwards(real_scores, real):
    backwards = score(real.revise(scenes=list(reversed(real.scenes))))
    assert backwards.metric("progression").detail["forward"] == 0.0
    assert backwards.metric("beats").score < real_scores.metric("beats").score


def test_changing_an_appearance_mid_film_lowers_continuity(real_scores, real):
    changed = score(restyled(real, "a bald giant in a silver spacesuit"))
    assert real_scores.metric("appearance").score == 1.0
    assert changed.metric("appearance").score <= 0.5
    assert any("<char1>" in issue and "no change is declared" in issue for issue in changed.metric("appearance").issues)


def test_restating_the_cast_sheet_look_keeps_continuity(real):
    c = real.character("<char1>")
    same = score(restyled(real, f"{c.appearance}, {c.wardrobe}"))
    assert same.metric("appearance").score == 1.0


def test_a_declared_change_of_appearance_is_not_a_fault(real):
    declared = score(restyled(real, "a bald giant in a silver spacesuit", declare=True))
    assert declared.metric("appearance").score == 1.0


def test_an_unrelated_story_lowers_faithfulness(real_scores, real):
    other = score(unrelated(real))
    assert other.metric("faithfulness").score <= real_scores.metric("faithfulness").score - 0.25


def test_an_orphan_speaker_is_flagged(real_scores, real):
    orphaned = score(with_orphan_speaker(real))
    membership = orphaned.metric("membership")
    assert real_scores.metric("membership").score == 1.0
    assert membership.score < 1.0
    assert any("orphan speaker" in issue and "scene sc1" in issue for issue in membership.issues)


def test_the_real_script_outscores_every_corrupted_variant(real_scores, real):
    variants = {"shuffled": shuffled(real, 1), "restyled": restyled(real, "a bald giant in a silver spacesuit"),
                "unrelated": unrelated(real), "orphan speaker": with_orphan_speaker(real)}
    for name, film in variants.items():
        assert score(film).overall <= real_scores.overall - 0.02, name
