from auteur.models.draft.planner import Planner
from auteur.core.schema import ShotType
from conftest import PREMISE
from test_schema import planned_film


def test_premise_yields_its_two_leads_and_its_place():
    planner = Planner(PREMISE, 7)
    keeper, storm = planner.cast()[:2]
    assert (keeper.kind, keeper.role) == ("person", "lighthouse keeper")
    # the storm is a creature with a name of its own, never the common noun "Storm" (issue 22)
    assert storm.kind == "creature" and storm.role == "storm" and storm.name.lower() != "storm"
    places = [p.name for p in planner.story.places]
    assert "lighthouse" in places[0] and "the lighthouse keeper's home" in places  # where it happens, then home


def test_given_names_in_a_premise_become_the_leads():
    assert [c.name for c in Planner("Hugo and Ines meet at the harbor", 7).cast()] == ["Hugo", "Ines"]


def test_synopsis_names_keep_their_order_and_the_premise_s_reading():
    cast = Planner("Anna and Elsa must save Arendelle from an ancient spirit.", 7, ("Elsa", "Anna", "Olaf")).cast()
    assert [c.name for c in cast] == ["Elsa", "Anna", "Olaf"]
    assert cast[0].voice.gender == cast[1].voice.gender == "female"


def test_the_film_speaks_the_premise_s_story_not_a_stock_one():
    film = planned_film()
    said = " ".join(ln.line for s in film.scenes for ln in s.dialogue).lower()
    assert "storm" in said or "lighthouse" in said


def test_same_prompt_and_seed_plan_the_same_film():
    assert planned_film().to_json() == planned_film().to_json()


def test_another_seed_plans_another_film():
    a = Planner(PREMISE, 1).screenplay(None, 60)
    b = Planner(PREMISE, 2).screenplay(None, 60)
    assert a.model_dump() != b.model_dump()


def test_default_film_has_enough_shots_scenes_and_voices():
    film = planned_film()
    assert len(film.scenes) >= 3 and len(film.shots()) >= 8
    speakers = {line.speaker for shot in film.shots() for line in shot.dialogue}
    assert len(speakers) >= 2
    voices = {film.character(t).voice.model_dump_json() for t in speakers}
    assert len(voices) == len(speakers)


def test_every_scene_opens_wide_and_carries_all_its_lines_once_in_order():
    film = planned_film()
    for scene in film.scenes:
        assert scene.shots[0].shot_type in (ShotType.wide, ShotType.extreme_wide)
        assert [ln for shot in scene.shots for ln in shot.dialogue] == scene.dialogue


def test_protagonist_keeps_frame_left_in_two_shots():
    film = planned_film()
    lead = film.characters[0].token
    for shot in film.shots():
        if shot.shot_type == ShotType.two_shot:
            boxes = {b.character: b for b in shot.framing}
            others = [b for t, b in boxes.items() if t != lead]
            assert all(boxes[lead].x < b.x for b in others)


def test_shot_count_follows_the_request():
    for n in (3, 8, 13, 20):
        planner = Planner(PREMISE, 7)
        assert sum(planner.budget(n, 60)) == n


def test_target_runtime_scales_the_number_of_shots():
    planner = Planner(PREMISE, 7)
    assert sum(planner.budget(None, 120)) > sum(planner.budget(None, 60))
