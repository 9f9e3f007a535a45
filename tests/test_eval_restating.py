"""The eval against the story engine's own habits (issue 21, read on the engine's films): its line frames are
templates whatever fills their slots, a premise word said again in line after line restates the premise instead of
playing it, and text copied from the premise plays nothing. Plus the cast readings the hand-written scripts of the
judged set need: nicknames, a family name two characters share, a name set beside another, an owner's pet."""

from __future__ import annotations

import tomllib
from pathlib import Path

from test_eval_story import film, person

from auteur.core.schema import Character, Voice
from auteur.tools.evaluation.constraints import constraints
from auteur.tools.evaluation.plot_cast import name_parts, plot_cast
from auteur.tools.evaluation.situation import situation
from auteur.tools.evaluation.template import fills_a_frame, template

RADIO = "Two rival radio DJs are trapped in the same studio during a city-wide blackout."
FRAMES = Path(__file__).parents[1] / "models" / "draft" / "story" / "frames_en.toml"
STOCK = Path(__file__).parents[1] / "tools" / "evaluation" / "data" / "stock_lines.txt"


# ---------------------------------------------------------------- template: a frame is a frame whatever fills it


def test_a_frame_of_the_story_engine_is_a_template_whatever_its_slots_hold():
    # "If {main.news}, I'd rather face it with you, {B}." with slots no premise word fills
    assert fills_a_frame("If the lodge is snowed in, I'd rather face it with you, Ada.")
    # an opener before the frame is still the frame: 7 of the frame's own words in 14
    assert fills_a_frame("Hey, if I'm waiting for Sun Hao, I'd rather face it with you, Chen.")
    assert fills_a_frame("We're trapped, and look at you now.")


def test_a_line_that_shares_a_few_words_with_a_frame_is_not_one():
    # "Then do it, {A}: {goal.short}." has three words of its own: too few to make a line a template
    assert not fills_a_frame("Then do it, Ricky: hand her the mic before the battery dies.")
    # the frame's words, but most of the sentence is the film's own
    assert not fills_a_frame("If the keycard's dead and the magnetic lock failed shut, I'd rather face it with you.")


def test_the_template_score_counts_frame_lines_against_every_sentence():
    lines = [(1, "If the blackout lasts, I'd rather face it with you, Tomas."),  # a frame
             (2, "The emergency transmitter still runs on its battery."),
             (1, "One mic live, and it's my show."),
             (2, "Half the city is sitting in the dark with a radio.")]
    metric = template(film(RADIO, [lines]))
    assert metric.detail["template_share"] == 0.25 and metric.score == 0.25  # 1 - 3 * share
    assert metric.issues == ["scene sc1: \"If the blackout lasts, I'd rather face it with you, Tomas.\" is a stock "
                             "template with the premise's words slotted in"]


def test_every_line_frame_of_the_story_engine_is_in_the_eval_s_stock_lines():
    """The eval ships the engine's frames as data (tools may not import models): a new frame must be added there."""
    frames = tomllib.loads(FRAMES.read_text("utf-8"))
    found, stack = set(), [frames]
    while stack:
        x = stack.pop()
        if isinstance(x, dict):
            stack.extend(x.values())
        elif isinstance(x, list):
            stack.extend(x)
        elif isinstance(x, str) and x[:2] in ("A|", "B|") and x.count("|") >= 2:
            found.add(x.split("|", 2)[2])
    stock = set(STOCK.read_text("utf-8").splitlines())
    missing = sorted(found - stock)
    assert len(found) > 300 and not missing, f"add these to {STOCK.name}: {missing[:5]}"


# ---------------------------------------------------------------- situation: restating is not playing


def _radio_cast() -> list[Character]:
    return [person(1, "Dee", "radio DJ"), person(2, "Ricky", "radio DJ", "male")]


def test_a_premise_word_said_in_line_after_line_stops_counting_after_three():
    trapped = [(1 + k % 2, text) for k, text in enumerate([
        "We're trapped, Ricky.", "Trapped, and the door won't open.", "Still trapped, Dee.",
        "We're trapped, that's all.", "I'm not going anywhere while we're trapped.", "We're trapped, and look at us."])]
    metric = situation(film(RADIO, [trapped], cast=_radio_cast(), plots=["They wait."]))
    # the first three play the premise; the last three only say its word again
    assert metric.detail["lines"] == 0.5
    said = [i for i in metric.issues if "only say the premise's" in i]
    assert said == ["3 of 6 lines only say the premise's 'trap' again (e.g. \"We're trapped, that's all.\"): "
                    "a line that restates the premise does not play it"]


def test_a_line_with_a_new_way_of_playing_the_premise_still_counts():
    lines = [(1, "We're trapped."), (2, "Trapped again."), (1, "Trapped, I said."),
             (2, "We're trapped and the lock failed shut.")]  # a fourth "trapped", but the lock is new
    metric = situation(film(RADIO, [lines], cast=_radio_cast(), plots=["They wait."]))
    assert metric.detail["lines"] == 1.0
    assert not [i for i in metric.issues if "only say" in i]


def test_a_plot_that_pastes_the_premise_plays_nothing_of_it():
    quiet = [(1, "Pass me the records."), (2, "Which ones?")]
    pasted = situation(film(RADIO, [quiet], cast=_radio_cast(),
                            plots=["The rival radio DJs are trapped in the same studio during a city-wide blackout."]))
    told = situation(film(RADIO, [quiet], cast=_radio_cast(),
                          plots=["The magnetic lock fails shut and every light in the city goes out."]))
    assert pasted.detail["fact:main:trap"] == 0.0 and pasted.detail["fact:condition:blackout"] == 0.0
    assert told.detail["fact:main:trap"] == 1.0 and told.detail["fact:condition:blackout"] == 1.0


# ---------------------------------------------------------------- names as people write them


def test_a_nickname_in_quotes_is_a_name_the_plot_may_use():
    lola = Character(token="<char1>", name="Dolores 'Lola' Ruiz", role="grandmother", appearance="a woman",
                     voice=Voice(gender="female"))
    assert "Lola" in name_parts(lola, [lola])


def test_a_family_name_two_share_is_the_one_the_plots_never_call_otherwise():
    father, son = person(1, "Chen Wenshan", "tea farmer", "male"), person(2, "Chen Lei", "son", "male")
    plots = ("Chen waits at the head of the path.", "Lei climbs out of the mist.")
    assert "Chen" in name_parts(father, [father, son], plots)
    assert "Chen" not in name_parts(son, [father, son], plots)
    assert "Chen" not in name_parts(father, [father, son])  # without the plots, a shared word names no one


def test_a_name_set_beside_another_does_not_make_its_owner_act():
    cast = [person(1, "Rosa", "firefighter"), person(2, "Edwin Abernathy", "missing owner", "male")]
    f = film("A firefighter rescues a parrot.", [[(1, "No one up here.")]], cast=cast,
             plots=["The radio reports that the occupant, Edwin Abernathy, 84, has not been found; Rosa listens."])
    f = f.revise(scenes=[s.model_copy(update={"characters": ["<char1>"]}) for s in f.scenes])
    f = f.revise(scenes=[s.model_copy(update={"shots": [sh.model_copy(update={"characters": ["<char1>"]})
                                                          for sh in s.shots]}) for s in f.scenes])
    assert plot_cast(f).issues == []
    acting = f.revise(scenes=[s.model_copy(update={"plot": "Edwin Abernathy walks out into the rain; Rosa listens."})
                              for s in f.scenes])
    assert plot_cast(acting).issues == ["scene sc1: the plot has Edwin Abernathy (<char2>) act, but they are not in "
                                        "the scene"]


def test_the_missing_owner_s_parrot_is_a_parrot_not_the_missing_owner():
    prompt = "A firefighter rescues a parrot that only repeats the last words of its missing owner."
    cast = [person(1, "Rosa", "firefighter"),
            Character(token="<char2>", name="Pip", kind="animal", role="the missing owner's parrot",
                      appearance="a green parrot", voice=Voice(gender="neutral")),
            person(3, "Edwin", "the parrot's missing owner", "male")]
    f = film(prompt, [[(1, "Come on, Pip."), (2, "Kettle's on.")]], cast=cast)
    f = f.revise(scenes=[s.model_copy(update={"characters": ["<char1>", "<char2>"]}) for s in f.scenes])
    metric = constraints(f)
    assert not [i for i in metric.issues if "Pip" in i], metric.issues


def test_a_scene_that_only_copies_the_prompt_earns_no_faithfulness():
    from auteur.tools.evaluation.semantic import evaluate

    copied = [(1, RADIO)]
    told = [(1, "The magnetic lock failed shut, and every light in the city is out.")]
    f = film(RADIO, [copied, told], cast=_radio_cast(), plots=[RADIO, "Dee and Ricky fight over the one live mic."])
    faithfulness = next(m for m in evaluate(f) if m.name == "faithfulness")
    assert faithfulness.per_scene["sc1"] == 0.0 and faithfulness.per_scene["sc2"] > 0.0
