"""The metrics that read the story (issue 21): situation, template, constraints, depiction, on small films built
here so each test shows one behaviour with the values it expects."""

from __future__ import annotations

import json

import pytest

from auteur.core.schema import Character, DialogueLine, FramingBox, Film, Scene, Shot, Voice
from auteur.tools.evaluation.constraints import constraints
from auteur.tools.evaluation.depiction import depiction
from auteur.tools.evaluation.situation import situation
from auteur.tools.evaluation.template import bench_templates, template

VIOLIN = "A violinist loses her hearing the week before her debut at the concert hall."
CONDUCTOR = "A conductor loses his voice on the night the marching band must lead the parade."


def person(k: int, name: str, role: str, gender: str = "female") -> Character:
    noun = {"female": "woman", "male": "man"}[gender]
    return Character(token=f"<char{k}>", name=name, role=role, appearance=f"a {noun}, a {role}",
                     voice=Voice(gender=gender))


def film(prompt: str, scenes: list[list[tuple[int, str]]], cast: list[Character] | None = None,
         plots: list[str] | None = None) -> Film:
    """A film of one scene per list of (speaker number, line); every line its own shot."""
    cast = cast or [person(1, "Mara", "violinist"), person(2, "Tomas", "pianist", "male")]
    out = []
    for k, lines in enumerate(scenes, start=1):
        dialogue = [DialogueLine(speaker=f"<char{n}>", line=text) for n, text in lines]
        tokens = [c.token for c in cast]
        shots = [Shot(id=f"sc{k}-sh{j:02d}", shot_type="medium", characters=tokens, visual_prompt="A shot.",
                      duration=3.0, dialogue=[d]) for j, d in enumerate(dialogue, start=1)]
        out.append(Scene(id=f"sc{k}", heading="HALL - NIGHT", beat="climax", plot=(plots or [])[k - 1] if plots else "They talk.",
                         setting="the hall, night", characters=tokens, dialogue=dialogue, shots=shots))
    return Film(prompt=prompt, characters=cast, scenes=out)


# ---------------------------------------------------------------- situation


def test_a_line_that_plays_the_premise_s_event_counts_and_one_that_only_names_its_nouns_does_not():
    plays = film(VIOLIN, [[(1, "I can't hear the strings any more."), (2, "Then feel them, Mara.")]])
    names = film(VIOLIN, [[(1, "The concert hall is lovely tonight."), (2, "The debut, the violinist, the week.")]])
    assert situation(plays).detail["lines"] == pytest.approx(0.5)
    assert situation(names).detail["lines"] == 0.0
    assert situation(plays).score > situation(names).score + 0.3


def test_what_a_causative_makes_happen_plays_it_and_naming_its_nouns_does_not():
    """"son pain fait rêver toute la ville": the bread makes the city dream; "dream" plays it, "the city" does not."""
    lyon = "Une jeune boulangère de Lyon découvre que son pain fait rêver toute la ville."
    cast = [person(1, "Margaux", "baker"), person(2, "Octave", "neighbour", "male")]
    dreams = film(lyon, [[(2, "I dreamt of the sea all night after your loaf."), (1, "Then everyone is dreaming.")]], cast)
    city = film(lyon, [[(2, "The city is busy this morning."), (1, "Lyon, always busy.")]], cast)
    assert situation(dreams).detail["lines"] == pytest.approx(1.0)
    assert situation(city).detail["lines"] == 0.0


def test_a_fact_never_played_is_named():
    silent = film(VIOLIN, [[(1, "Pass the sheet music."), (2, "Here.")]])
    assert any("never played" in i and "hear" in i.lower() for i in situation(silent).issues)


def test_the_words_a_film_shows_a_condition_with_play_it():
    dark = film("Two rival radio DJs are trapped in the same studio during a city-wide blackout.",
                [[(1, "Find the torch, the whole city's dark."), (2, "My side of the desk, not yours.")]],
                cast=[person(1, "Dee", "DJ"), person(2, "Ricky", "DJ", "male")])
    assert situation(dark).detail["fact:condition:blackout"] == 1.0


def test_a_line_takes_up_its_scene_when_the_scene_plays_the_premise():
    anchored = film(VIOLIN, [[(1, "Tomas, the piano lid is shaking under my hand."), (2, "That's the A.")]],
                    plots=["Mara cannot hear her violin; Tomas puts her hand on the piano lid."])
    alone = film(VIOLIN, [[(1, "Tomas, the piano lid is shaking under my hand."), (2, "That's the A.")]],
                 plots=["They rehearse."])
    assert situation(anchored).detail["lines"] == 0.5 and situation(alone).detail["lines"] == 0.0


def test_the_lines_of_one_whose_speaking_is_the_event_play_it():
    prompt = "A firefighter rescues a parrot that only repeats the last words of its missing owner."
    cast = [person(1, "Rosa", "firefighter"), Character(token="<char2>", name="Pip", kind="animal", role="parrot",
                                                        appearance="a grey parrot")]
    parrot = film(prompt, [[(2, "Kettle's on, back by six."), (1, "Who said that to you?")]], cast=cast)
    assert situation(parrot).detail["lines"] >= 0.5


# ---------------------------------------------------------------- template


def test_a_stock_template_with_the_premise_s_nouns_slotted_in_is_caught():
    stock = film(VIOLIN, [[(1, "The concert hall was never the problem, Tomas. It was us."), (2, "Choose, Mara! The violin or the concert hall!")]])
    fresh = film(VIOLIN, [[(1, "I can't hear the A string."), (2, "Put your palm on the lid.")]])
    bad, good = template(stock), template(fresh)
    assert good.score == 1.0 and bad.score == 0.0
    assert sum("stock template" in i for i in bad.issues) >= 2


def test_a_frame_spoken_in_three_films_of_a_bench_is_a_template_there_and_in_two_it_is_not():
    frame = "Tell me I'm dreaming, because {x}."
    premises = [VIOLIN, CONDUCTOR, "A sailor loses his compass far out at sea."]
    events = ["you've lost your hearing", "you've lost your voice", "you've lost your compass"]
    films = {str(k): film(p, [[(1, frame.format(x=e)), (2, "Sit down.")]]) for k, (p, e) in enumerate(zip(premises, events))}
    assert all(share > 0 for share, _ in bench_templates(films).values())
    two = {k: films[k] for k in ("0", "1")}
    assert all(share == 0 for share, _ in bench_templates(two).values())


# ---------------------------------------------------------------- constraints


def test_the_voiceless_speaking_after_the_first_scene_is_a_fault():
    cast = [person(1, "Otto", "conductor", "male"), person(2, "Ines", "drummer")]
    speaks = film(CONDUCTOR, [[(1, "Tonight, the parade.")], [(1, "I can still shout.")]], cast=cast)
    silent = film(CONDUCTOR, [[(1, "Tonight, the parade.")], [(2, "Nod if you can hear me, Otto.")]], cast=cast)
    assert any("takes away Otto's voice" in i for i in constraints(speaks).issues)
    assert not constraints(silent).issues


def test_the_premise_s_pronoun_against_the_cast_s_gender_is_a_fault():
    wrong = film(VIOLIN, [[(1, "I can't hear.")]], cast=[person(1, "Mara", "violinist", "male"), person(2, "Tomas", "pianist", "male")])
    assert any("is female, the cast has them male" in i for i in constraints(wrong).issues)


def test_a_shared_name_and_a_common_noun_name_are_faults():
    cast = [person(1, "Mara", "violinist"), person(2, "Mara", "pianist"),
            Character(token="<char3>", name="Violinist", role="violinist", appearance="a woman, a violinist")]
    issues = constraints(film(VIOLIN, [[(1, "I can't hear.")]], cast=cast)).issues
    assert any("shares the name" in i for i in issues) and any("common noun" in i for i in issues)


def test_a_relation_the_premise_names_with_nobody_in_the_cast_is_a_fault():
    prompt = "A retired boxer teaches his granddaughter to ride a bicycle before the summer ends."
    alone = film(prompt, [[(1, "Pedal, pedal.")]], cast=[person(1, "Amos", "retired boxer", "male"), person(2, "Ruth", "neighbour")])
    cast = [person(1, "Amos", "retired boxer", "male"), person(2, "Ruth", "granddaughter")]
    assert any("granddaughter is not in the cast" in i for i in constraints(alone).issues)
    assert not [i for i in constraints(film(prompt, [[(1, "Pedal, pedal.")]], cast=cast)).issues if "not in the cast" in i]


def test_someone_the_premise_makes_dead_framed_on_screen_is_a_fault():
    prompt = "A night-shift nurse keeps receiving phone calls from a patient who died last year."
    cast = [person(1, "Ada", "night-shift nurse"), person(2, "Edwin", "patient", "male")]
    f = film(prompt, [[(2, "It's me again."), (1, "Who is this?")]], cast=cast)
    framed = f.revise(scenes=[s.model_copy(update={"shots": [sh.model_copy(update={"framing": [
        FramingBox(character="<char2>", x=0.1, y=0.1, w=0.3, h=0.8)]}) for sh in s.shots]}) for s in f.scenes])
    assert any("is dead in the premise but is framed" in i for i in constraints(framed).issues)
    assert not [i for i in constraints(f).issues if "framed" in i]


# ---------------------------------------------------------------- depiction


def test_depiction_reads_what_the_keyframes_drew(tmp_path):
    prompt = "A beekeeper in a drought-stricken valley discovers her bees are building a map in the honeycomb."
    f = film(prompt, [[(1, "Look at the comb.")]])
    (tmp_path / "shots").mkdir()
    record = {"kind": "keyframe", "setting": {"weather": "clear", "conditions": ["drought"]},
              "props": [{"icon": "map", "phrase": "map"}]}
    (tmp_path / "shots" / "sc1-sh01.drawn.json").write_text(json.dumps(record))
    drawn = depiction(f, tmp_path)
    assert drawn.score == 1.0
    record["setting"]["conditions"] = []
    (tmp_path / "shots" / "sc1-sh01.drawn.json").write_text(json.dumps(record))
    missing = depiction(f, tmp_path)
    assert missing.score == pytest.approx(0.5) and any("drought is drawn in no keyframe" in i for i in missing.issues)
    assert depiction(f, None).score is None


def test_a_role_with_a_place_or_time_before_its_noun_is_that_noun_not_the_place():
    from auteur.tools.evaluation.cast import cast_sanity

    prompt = "A small-town mayor tries to hide that the town's famous giant pumpkin has been stolen at night."
    cast = [person(1, "Iris", "small-town mayor"), person(2, "June", "town clerk"),
            person(3, "Vera", "night caretaker")]
    issues = cast_sanity(film(prompt, [[(1, "Nobody can know."), (2, "They will."), (3, "Not from me.")]],
                              cast=cast)).issues
    assert not any("which is a place" in i or "which is a time" in i for i in issues), issues
    # a person cast as the town itself is still the fault it was
    town = [person(1, "Iris", "small-town mayor"), person(2, "June", "town")]
    issues = cast_sanity(film(prompt, [[(1, "Nobody can know."), (2, "They will.")]], cast=town)).issues
    assert any("plays the premise's 'the town'" in i or "which is a place" in i for i in issues), issues
