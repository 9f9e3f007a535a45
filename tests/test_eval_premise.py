"""The premise metrics tell a film about its premise from one that is not, with margins.

Negatives are scripts the draft planner wrote for development premises (tests/data/films/off_premise,
unedited); positives are hand-written films that follow their premise (tests/data/films/faithful).
"""

import pytest

from auteur.core.schema import Film
from auteur.pipeline.bench import failures, load_suite
from auteur.tools.evaluation.cast import cast_sanity
from auteur.tools.evaluation.framing import framing
from auteur.tools.evaluation.plot_cast import plot_cast
from auteur.tools.evaluation.score import evaluate_film
from auteur.tools.evaluation.weights import WEIGHTS
from film_fixtures import FAITHFUL, OFF_PREMISE, film

GATE = load_suite("examples/suites/smoke.toml").thresholds


def score(f: Film):
    return evaluate_film(f, visual=False)


@pytest.fixture(scope="module")
def faithful_scores():
    return {name: score(film("faithful", name)) for name in FAITHFUL}


def by_name(evaluation):
    return {m.name: m.score for m in evaluation.metrics}


def test_there_are_off_premise_films_of_every_kind_and_faithful_ones():
    assert len(OFF_PREMISE) >= 7 and len(FAITHFUL) >= 3


@pytest.mark.parametrize("name", OFF_PREMISE)
def test_an_off_premise_film_fails_the_smoke_gate(name):
    evaluation = score(film("off_premise", name))
    assert failures(evaluation.overall, by_name(evaluation), GATE), name


def test_every_faithful_film_passes_the_smoke_gate(faithful_scores):
    for name, evaluation in faithful_scores.items():
        assert failures(evaluation.overall, by_name(evaluation), GATE) == [], name
        assert evaluation.overall >= GATE.overall + 0.05, name


# The weights set on the judged set (tools/evaluation/weights.py), written here by hand: a change to the table must
# be a change to this test too, and an evaluation that reads the wrong weight fails it.
JUDGED_WEIGHTS = {"membership": 3.0, "appearance": 2.0, "locations": 1.0, "beats": 2.0, "durations": 1.0,
                  "dialogue_fit": 1.0, "orphans": 1.0, "faithfulness": 1.0, "progression": 1.0, "grounding": 0.5,
                  "situation": 12.0, "template": 4.5, "constraints": 3.0, "premise_coverage": 3.0, "cast_sanity": 2.0,
                  "plot_cast": 1.0, "framing": 1.5, "keyframe_text": 1.0, "identity": 1.0, "depiction": 2.0}


def test_the_weight_table_is_the_one_set_on_the_judged_set():
    assert WEIGHTS == JUDGED_WEIGHTS


def test_the_overall_score_is_the_weighted_mean_with_the_judged_weights(faithful_scores):
    evaluation = faithful_scores[FAITHFUL[0]]
    ran = [m for m in evaluation.metrics if m.score is not None]
    expected = sum(JUDGED_WEIGHTS[m.name] * m.score for m in ran) / sum(JUDGED_WEIGHTS[m.name] for m in ran)
    assert evaluation.overall == pytest.approx(expected)
    assert all(m.weight == JUDGED_WEIGHTS[m.name] for m in evaluation.metrics)


def test_the_metrics_that_read_the_story_carry_most_of_the_weight():
    story = JUDGED_WEIGHTS["situation"] + JUDGED_WEIGHTS["template"] + JUDGED_WEIGHTS["constraints"]
    assert story / sum(JUDGED_WEIGHTS.values()) > 0.4


def test_a_film_scored_against_another_premise_scores_much_lower(faithful_scores):
    names = list(FAITHFUL)
    for name, other in zip(names, names[1:] + names[:1]):
        own = faithful_scores[name].overall
        swapped = score(film("faithful", name).revise(prompt=film("faithful", other).prompt)).overall
        assert swapped <= own - 0.15, (name, other, own, swapped)


def test_restating_the_prompt_earns_the_treatment_nothing():
    f = film("faithful", "robot_painter")
    restated = f.revise(treatment=f.treatment.model_copy(update={"logline": f.prompt}))
    faithfulness = next(m for m in score(restated).metrics if m.name == "faithfulness")
    coverage = next(m for m in score(restated).metrics if m.name == "premise_coverage")
    assert faithfulness.detail["treatment"] < next(m for m in score(f).metrics if m.name == "faithfulness").detail["treatment"]
    assert any(i.startswith("treatment:") and "restates" in i for i in coverage.issues)


# ---------------------------------------------------------------- each failure of the issue, injected into a good script


def stock_lines(f: Film) -> Film:
    """The planner's storm/keeper lines put in the faithful film's mouths (same speakers, same shots)."""
    stock = [ln.line for s in film("off_premise", "storm_story_beekeeper").scenes for ln in s.dialogue]
    k = 0
    scenes = []
    for scene in f.scenes:
        swap = {}
        for ln in scene.dialogue:
            swap[ln.line] = stock[k % len(stock)]
            k += 1
        relined = [ln.model_copy(update={"line": swap[ln.line]}) for ln in scene.dialogue]
        shots = [sh.model_copy(update={"dialogue": [d.model_copy(update={"line": swap.get(d.line, d.line)})
                                                    for d in sh.dialogue]}) for sh in scene.shots]
        scenes.append(scene.model_copy(update={"dialogue": relined, "shots": shots,
                                               "plot": "Something small and new settles between them."}))
    return f.revise(scenes=scenes)


def test_stock_lines_lower_the_template_score_and_are_named_by_scene():
    from auteur.tools.evaluation.template import template

    f = film("faithful", "lighthouse_storm")
    good, bad = template(f), template(stock_lines(f))
    assert good.score == 1.0 and bad.score <= good.score - 0.5
    assert any(i.startswith("scene sc") and "stock template" in i for i in bad.issues)


def test_a_stock_line_with_one_word_changed_is_still_stock_and_with_two_it_is_not():
    from auteur.tools.evaluation.template import _matches_stock, skeletons

    def stock(sentence: str) -> bool:
        (sk,) = skeletons(sentence, (), frozenset())
        return _matches_stock(sk)

    assert stock("If I let go now, everything I am pours out at once.")  # as the stock list has it
    assert stock("If I let go now, everything I have pours out at once.")  # 11 of 12 words: ratio 0.92
    assert not stock("If I let go now, everything I am pours out of me.")  # 10 of 12: 0.83, under 0.86
    assert not stock("If I let go today, everything we own spills out at once.")  # 8 of 12: 0.67
    assert not stock("If I let go now, everything I am pours out at once and for good.")  # 3 words longer


def test_a_story_about_something_else_plays_none_of_the_premise():
    from auteur.tools.evaluation.situation import situation

    f = film("faithful", "firefighter_parrot")
    other = film("faithful", "sisters_circus")
    elsewhere = f.revise(treatment=other.treatment, scenes=[
        s.model_copy(update={"plot": o.plot, "dialogue": o.dialogue[:len(s.dialogue)] if len(o.dialogue) >= len(s.dialogue)
                             else s.dialogue}) for s, o in zip(f.scenes, other.scenes)])
    elsewhere = elsewhere.revise(scenes=[s.model_copy(update={"shots": [
        sh.model_copy(update={"dialogue": [], "props": [], "action": ""}) for sh in s.shots]}) for s in elsewhere.scenes])
    good, bad = situation(f), situation(elsewhere)
    assert bad.score <= good.score - 0.3
    assert any("is never played" in i for i in bad.issues)


def recast(f: Film, token: str, **changes) -> Film:
    return f.revise(characters=[c.model_copy(update=changes) if c.token == token else c for c in f.characters])


def test_a_character_named_by_a_common_noun_of_the_premise_is_a_cast_fault():
    f = film("faithful", "lighthouse_storm")
    bad = cast_sanity(recast(f, "<char1>", name="Lighthouse"))
    assert cast_sanity(f).score == 1.0 and bad.score <= 1.0 - 0.3
    assert any(i.startswith("cast <char1> (Lighthouse)") and "named by the premise's word" in i for i in bad.issues)


def test_a_creature_named_for_what_the_premise_says_it_is_keeps_its_name_in_cast_sanity():
    # a fable's storm may be called Storm in cast_sanity (the constraints metric asks for a name of its own);
    # drawn as a person, the same name is the planner's noun-to-person fault
    f = film("faithful", "lighthouse_storm")
    storm = next(c for c in f.characters if c.token == "<char2>")
    assert storm.kind != "person"
    assert cast_sanity(recast(f, "<char2>", name="Storm")).score == 1.0
    assert cast_sanity(recast(f, "<char2>", name="Storm", kind="person")).score <= 1.0 - 0.3


def test_a_collapsed_plural_is_a_cast_fault():
    f = film("faithful", "sisters_circus")
    one_sister = recast(recast(f, "<char2>", role="acrobat"), "<char3>", role="ticket seller")
    bad = cast_sanity(one_sister)
    assert cast_sanity(f).score == 1.0 and bad.score <= 1.0 - 0.3
    assert any(i.startswith("premise: 3 sisters") and "1 in the cast" in i for i in bad.issues)


def test_a_wrong_gender_look_is_a_cast_fault():
    f = film("faithful", "sisters_circus")
    bad = cast_sanity(recast(f, "<char1>", appearance="a tall man in his forties with a black moustache",
                             voice=f.character("<char1>").voice.model_copy(update={"gender": "male"})))
    assert bad.score <= 1.0 - 0.3
    assert any(i.startswith("cast <char1> (Rosa)") and "female but is drawn male" in i for i in bad.issues)


def test_a_wrong_species_look_is_a_cast_fault():
    f = film("faithful", "firefighter_parrot")
    bad = cast_sanity(recast(f, "<char2>", kind="person", appearance="an old stooped man with a shaved head"))
    assert cast_sanity(f).score == 1.0 and bad.score <= 1.0 - 0.3
    assert any(i.startswith("cast <char2> (Pepper)") and "drawn as a person" in i for i in bad.issues)


def test_a_wrong_age_look_is_a_cast_fault():
    f = film("faithful", "sisters_circus").revise(prompt="An old ringmaster and his three young daughters keep a circus alive.")
    bad = cast_sanity(recast(f, "<char1>", role="ringmaster", appearance="a young man with a thin moustache",
                             voice=f.character("<char1>").voice.model_copy(update={"gender": "male"})))
    assert any(i.startswith("cast <char1>") and "old but is drawn young" in i for i in bad.issues)


def stacked(f: Film) -> Film:
    """Every two-shot draws its second character in the first one's box."""
    scenes = []
    for scene in f.scenes:
        shots = []
        for sh in scene.shots:
            if sh.shot_type.value == "two-shot" and len(sh.framing) >= 2:
                first = sh.framing[0]
                sh = sh.model_copy(update={"framing": [first, *(b.model_copy(update={"x": first.x, "y": first.y, "w": first.w, "h": first.h})
                                                                for b in sh.framing[1:])]})
            shots.append(sh)
        scenes.append(scene.model_copy(update={"shots": shots}))
    return f.revise(scenes=scenes)


def test_two_shot_boxes_on_top_of_each_other_lower_framing_named_by_shot():
    f = film("faithful", "robot_painter")
    bad = framing(stacked(f))
    assert framing(f).score == 1.0 and bad.score <= 1.0 - 0.3
    assert any(i.startswith("shot sc") and "drawn over the other" in i for i in bad.issues)


def test_a_plot_about_an_absent_character_lowers_plot_cast_named_by_scene():
    f = film("faithful", "firefighter_parrot")
    scenes = [s.model_copy(update={"plot": "Walter arrives at the fire station."}) if s.id == "sc2" else s for s in f.scenes]
    bad = plot_cast(f.revise(scenes=scenes))
    assert plot_cast(f).score == 1.0 and bad.score <= 1.0 - 0.3
    assert "scene sc2: the plot has Walter (<char3>) act, but they are not in the scene" in bad.issues
    assert any(i.startswith("scene sc2: Dev (<char1>) speaks") for i in bad.issues)


def test_a_plot_may_speak_of_an_absent_character_without_a_fault():
    f = film("faithful", "firefighter_parrot")
    assert "Walter" in f.scenes[1].plot and "<char3>" not in f.scenes[1].characters
    assert plot_cast(f).score == 1.0


def test_the_synopsis_film_with_anna_and_elsa_as_men_is_caught():
    bad = cast_sanity(film("off_premise", "frozen2_synopsis_men"))
    assert any(i.startswith("cast <char1> (Elsa)") and "female but is drawn male" in i for i in bad.issues)
    assert any(i.startswith("cast <char4> (Olaf)") for i in bad.issues)  # the snowman drawn as a young woman


def test_every_premise_issue_names_where_it_is(faithful_scores):
    evaluation = score(film("off_premise", "storm_story_beekeeper"))
    places = ("scene sc", "shot sc", "cast <char", "premise:", "treatment:")
    for m in evaluation.metrics:
        if m.family == "premise" and m.score is not None and m.score < 1.0:
            assert m.issues, m.name
        if m.family == "premise":
            assert all(i.startswith(places) for i in m.issues), (m.name, m.issues)


def test_without_a_sentence_model_the_lexical_premise_checks_still_run(monkeypatch):
    from auteur.core.errors import AuteurError
    from auteur.tools.evaluation import semantic

    def missing(*_a, **_k):
        raise AuteurError("cannot load sentence model /nowhere: not a directory")

    monkeypatch.setattr(semantic, "load_encoder", missing)
    evaluation = score(film("off_premise", "wrong_species_duck"))
    named = {m.name: m for m in evaluation.metrics}
    assert named["premise_coverage"].score is None and "cannot load sentence model" in named["premise_coverage"].skipped
    assert named["cast_sanity"].score is not None and named["cast_sanity"].score < 0.5


def test_a_look_is_read_by_its_head_noun_not_its_first_word():
    f = film("faithful", "firefighter_parrot")
    detective = recast(f, "<char2>", appearance="a detective parrot with a tiny deerstalker hat")
    assert cast_sanity(detective).score == 1.0
