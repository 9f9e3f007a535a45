import json

import pytest
from pydantic import ValidationError

from auteur.models.draft.planner import Planner
from auteur.core.schema import Film, describe_validation_error
from conftest import PREMISE


def planned_film() -> Film:
    planner = Planner(PREMISE, seed=7)
    film = Film(prompt=PREMISE, treatment=planner.treatment(60))
    play = planner.screenplay(None, 60)
    film = film.revise(characters=play.characters, scenes=play.scenes)
    plan = planner.locations(film)
    film = film.revise(locations=plan.locations,
                       scenes=[s.model_copy(update={"location": t}) for s, t in zip(film.scenes, plan.scene_locations)])
    return film.revise(scenes=[s.model_copy(update={"shots": planner.shots(film, s).shots}) for s in film.scenes])


def test_film_round_trips_through_json_unchanged():
    film = planned_film()
    again = Film.from_json(film.to_json())
    assert again == film
    assert again.to_json() == film.to_json()


def test_a_planned_film_is_complete():
    assert planned_film().missing() == []


def test_validation_error_names_the_scene_shot_and_field():
    data = json.loads(planned_film().to_json())
    data["scenes"][1]["shots"][2]["duration"] = -3
    with pytest.raises(ValidationError) as err:
        Film.model_validate(data)
    message = describe_validation_error(err.value, data)
    assert message.startswith("scene sc2, shot sc2-sh03, field duration:")


def test_speaker_outside_the_cast_is_rejected_with_the_shot_named():
    data = json.loads(planned_film().to_json())
    shot = data["scenes"][0]["shots"][1]
    shot["characters"].append("<char9>")
    shot["dialogue"][0]["speaker"] = "<char9>"
    with pytest.raises(ValidationError) as err:
        Film.model_validate(data)
    assert "<char9> is not in the cast" in describe_validation_error(err.value, data)


def _renamed(old: str, new: str) -> dict:
    """The planned film with one ID token renamed everywhere, so no cross-reference rule can object."""
    text = planned_film().to_json().replace(f'"{old}"', f'"{new}"').replace(old, new)
    return json.loads(text)


@pytest.mark.parametrize("old, new", [("<char1>", "char1"), ("<char1>", "<char01>"), ("<char1>", "<Char1>"),
                                      ("<env1>", "env1"), ("<env1>", "<char1x>")])
def test_id_tokens_must_have_the_in_context_form(old, new):
    # renamed consistently, the film breaks no membership rule: only the token's own form can refuse it
    data = _renamed(old, new)
    with pytest.raises(ValidationError) as err:
        Film.model_validate(data)
    first = err.value.errors()[0]
    assert first["type"] == "string_pattern_mismatch" and first["input"] == new
    assert first["loc"][-1] in ("token", "speaker", "character", "location") or isinstance(first["loc"][-1], int)
    message = describe_validation_error(err.value, data)
    assert "should match pattern" in message and ("<char" in message or "<env" in message)


def test_well_formed_tokens_renamed_consistently_are_accepted():
    assert Film.model_validate(_renamed("<char1>", "<char17>")).character("<char17>")


def test_framing_box_must_stay_inside_the_frame():
    data = json.loads(planned_film().to_json())
    box = data["scenes"][0]["shots"][0]["framing"][0]
    box["x"], box["w"] = 0.9, 0.3
    with pytest.raises(ValidationError, match="extends past the frame"):
        Film.model_validate(data)


def test_the_script_vocabulary_is_a_public_contract():
    # saved script.json files, MovieAgent inputs and the planner's prompts spell these words: renaming
    # one breaks every script that uses it, so a change here is a schema version, never a refactor
    from auteur.core.schema import BeatName, CameraMove, ShotType, TimeOfDay

    assert [b.value for b in BeatName] == ["setup", "inciting incident", "rising action", "midpoint", "climax",
                                           "resolution"]
    assert [c.value for c in CameraMove] == ["static", "push-in", "pull-out", "pan-left", "pan-right", "tilt-up",
                                             "tilt-down"]
    assert [t.value for t in ShotType] == ["extreme wide", "wide", "full", "medium", "medium close-up", "close-up",
                                           "extreme close-up", "over-the-shoulder", "two-shot", "insert"]
    assert [t.value for t in TimeOfDay] == ["dawn", "day", "dusk", "night"]


def test_text_fields_are_stripped_non_empty_and_at_most_4000_characters():
    from auteur.core.schema import DialogueLine

    assert DialogueLine(speaker="<char1>", line="  Keep the light.  ").line == "Keep the light."
    assert DialogueLine(speaker="<char1>", line="I").line == "I"
    assert len(DialogueLine(speaker="<char1>", line="a" * 4000).line) == 4000
    for bad in ("", "   ", "a" * 4001):
        with pytest.raises(ValidationError):
            DialogueLine(speaker="<char1>", line=bad)


def test_an_assignment_is_validated_like_a_load():
    film = planned_film()
    shot = film.scenes[0].shots[0]
    with pytest.raises(ValidationError):
        shot.duration = -1.0
    with pytest.raises(ValidationError):
        shot.camera = "dolly-zoom"
    with pytest.raises(ValidationError):
        Film.model_validate({**json.loads(film.to_json()), "director_notes": "unknown field"})
