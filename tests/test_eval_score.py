"""Eval's structural metrics the README names, grounding, and the weighted overall score, each against a
break made on purpose in a real planned script; expected values come from the metrics' own weights."""

import json

import pytest

from auteur.core.schema import Character, DialogueLine, Film, Location
from auteur.tools.evaluation import structural
from auteur.tools.evaluation.metrics import Metric
from auteur.tools.evaluation.score import clip_durations, evaluate_film, overall, per_scene, shots_were_asked
from test_eval_metamorphic import with_orphan_speaker
from test_schema import planned_film


@pytest.fixture(scope="module")
def real() -> Film:
    return planned_film()


def replace_shot(film: Film, scene_index: int, shot_index: int, **update) -> Film:
    scene = film.scenes[scene_index]
    shots = list(scene.shots)
    shots[shot_index] = shots[shot_index].model_copy(update=update)
    scenes = list(film.scenes)
    scenes[scene_index] = scene.model_copy(update={"shots": shots})
    return film.revise(scenes=scenes)


# ---------------------------------------------------------------- the overall score


def test_overall_is_the_mean_weighted_by_each_metrics_own_weight_skipped_ones_left_out():
    metrics = [Metric(name="a", family="x", score=1.0, weight=3.0), Metric(name="b", family="x", score=0.2, weight=1.0),
               Metric(name="c", family="x", score=0.0, weight=0.5),
               Metric(name="d", family="x", score=None, weight=9.0, skipped="no model")]
    assert overall(metrics) == pytest.approx((3.0 * 1.0 + 1.0 * 0.2 + 0.5 * 0.0) / 4.5)
    assert overall([metrics[3]]) == 0.0 and overall([]) == 0.0


def test_a_films_overall_follows_the_weights_its_metrics_carry(real):
    evaluation = evaluate_film(with_orphan_speaker(real), semantic=False, visual=False)
    ran = [m for m in evaluation.metrics if m.score is not None]
    assert len({m.weight for m in ran}) > 1 and len({m.score for m in ran}) > 1  # weights and scores that matter
    expected = sum(m.weight * m.score for m in ran) / sum(m.weight for m in ran)
    assert evaluation.overall == pytest.approx(expected)
    assert evaluation.overall != pytest.approx(sum(m.score for m in ran) / len(ran))


def test_a_scenes_score_is_the_weighted_mean_of_the_metrics_that_score_it(real):
    first, second = real.scenes[0].id, real.scenes[1].id
    metrics = [Metric(name="a", family="x", score=0.5, weight=3.0, per_scene={first: 1.0, second: 0.0}),
               Metric(name="b", family="x", score=0.5, weight=1.0, per_scene={first: 0.0}),
               Metric(name="c", family="x", score=None, weight=1.0)]
    scores = per_scene(real, metrics)
    assert scores[first] == pytest.approx(0.75) and scores[second] == 0.0
    assert all(scores[s.id] == 1.0 for s in real.scenes[2:])  # nothing scored them: nothing against them


# ---------------------------------------------------------------- structural metrics


def test_locations_flag_a_shot_showing_another_scenes_place(real):
    scene = real.scenes[0]
    elsewhere = next(p.token for p in real.locations if p.token != scene.location)
    shot = scene.shots[0]
    broken = replace_shot(real, 0, 0, visual_prompt=f"{elsewhere} at dusk. {shot.visual_prompt}")
    before, after = structural.locations(real), structural.locations(broken)
    assert before.score == 1.0 and not before.issues
    assert after.issues == [f"shot {shot.id}: shows {elsewhere} but scene {scene.id} is at {scene.location}"]
    assert after.per_scene[scene.id] < 1.0 and all(after.per_scene[s.id] == 1.0 for s in real.scenes[1:])
    assert after.score < 1.0


def test_locations_flag_a_scene_without_a_place(real):
    scenes = [real.scenes[0].model_copy(update={"location": None}), *real.scenes[1:]]
    metric = structural.locations(real.revise(scenes=scenes))
    assert f"scene {real.scenes[0].id}: no location" in metric.issues and metric.per_scene[real.scenes[0].id] < 1.0


def test_dialogue_fit_flags_a_line_too_long_for_its_shot_and_counts_the_voices_rate(real):
    k, shot = next((k, sh) for k, sh in enumerate(real.scenes[0].shots) if sh.dialogue)
    speaker = shot.dialogue[0].speaker
    words = int(shot.duration * structural.MAX_WORDS_PER_SECOND * 0.8)  # fits at rate 1, not at rate 0.5
    lines = [DialogueLine(speaker=speaker, line=" ".join(["word"] * words))]
    fits = replace_shot(real, 0, k, dialogue=lines)
    assert not any(i.startswith(f"shot {shot.id}:") for i in structural.dialogue_fit(fits).issues)
    slow = fits.revise(characters=[c.model_copy(update={"voice": c.voice.model_copy(update={"rate": 0.5})})
                                   if c.token == speaker else c for c in fits.characters])
    metric = structural.dialogue_fit(slow)
    assert f"shot {shot.id}: its lines need {words / (structural.MAX_WORDS_PER_SECOND * 0.5):.1f} s but the shot " \
           f"lasts {shot.duration:.1f} s" in metric.issues
    assert metric.per_scene[real.scenes[0].id] < 1.0 and metric.score < structural.dialogue_fit(fits).score


def test_dialogue_fit_counts_the_pause_between_lines(real):
    k, shot = next((k, sh) for k, sh in enumerate(real.scenes[0].shots) if sh.dialogue)
    speaker = shot.dialogue[0].speaker
    # each line alone fits; ten of them with their pauses do not
    per_line = max(1, int(shot.duration * structural.MAX_WORDS_PER_SECOND / 10))
    words = " ".join(["word"] * per_line)
    metric = structural.dialogue_fit(replace_shot(real, 0, k, dialogue=[DialogueLine(speaker=speaker, line=words)] * 10))
    assert any(i.startswith(f"shot {shot.id}: its lines need") for i in metric.issues)


def test_orphans_name_an_unused_character_and_an_unused_place(real):
    assert structural.orphans(real).score == 1.0
    extra = real.revise(characters=[*real.characters, Character(token="<char9>", name="Ida", appearance="a diver")],
                        locations=[*real.locations, Location(token="<env9>", name="the reef", look="coral")])
    metric = structural.orphans(extra)
    total = len(extra.characters) + len(extra.locations)
    assert metric.score == pytest.approx((total - 2) / total)
    assert metric.issues == ["character <char9> (Ida) never appears", "location <env9> (the reef) is never used"]


# ---------------------------------------------------------------- grounding (semantic)


def test_grounding_drops_when_scenes_carry_each_others_beats(real):
    labels = [s.beat for s in real.scenes]
    assert len(set(labels)) > 1
    swapped = real.revise(scenes=[s.model_copy(update={"beat": b}) for s, b in zip(real.scenes, reversed(labels))])
    from auteur.tools.evaluation import semantic

    def grounding(film):
        return next(m for m in semantic.evaluate(film) if m.name == "grounding")

    good, bad = grounding(real), grounding(swapped)
    assert good.score > bad.score + 0.1
    assert any("reads more like the" in i for i in bad.issues)
    assert set(bad.per_scene) == {s.id for s in real.scenes}


def test_grounding_is_skipped_without_treatment_beats(real):
    from auteur.tools.evaluation.semantic import grounding

    metric = grounding(real.revise(treatment=None), None, None)
    assert metric.score is None and metric.skipped == "no treatment beats to ground on"


# ---------------------------------------------------------------- what a run directory tells eval


def test_a_run_made_with_shots_is_not_held_to_the_runtime_target(tmp_path):
    assert not shots_were_asked(None) and not shots_were_asked(tmp_path)
    (tmp_path / "run.json").write_text(json.dumps({"target_shots": None}))
    assert not shots_were_asked(tmp_path)
    (tmp_path / "run.json").write_text(json.dumps({"target_shots": 4}))
    assert shots_were_asked(tmp_path)
    (tmp_path / "run.json").write_text("[1, 2]")  # not an object: no claim either way
    assert not shots_were_asked(tmp_path)


def test_clip_durations_come_from_every_readable_shot_record(tmp_path):
    (tmp_path / "shots").mkdir()
    (tmp_path / "shots" / "a.json").write_text(json.dumps({"shot_id": "sc1-sh01", "duration": 2.5}))
    (tmp_path / "shots" / "b.json").write_text(json.dumps({"shot_id": "sc1-sh02", "duration": "3"}))
    (tmp_path / "shots" / "0.json").write_text("{broken")  # read first: a bad record skips itself only
    (tmp_path / "shots" / "d.json").write_text(json.dumps({"duration": 1.0}))
    assert clip_durations(tmp_path) == {"sc1-sh01": 2.5, "sc1-sh02": 3.0}
    assert clip_durations(None) == {}
