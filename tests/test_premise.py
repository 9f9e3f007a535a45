"""The premise reader: entities typed and counted, names and places read, common nouns left alone."""

from __future__ import annotations

import numpy as np
import pytest

from premises import cases
from auteur.tools.language.premise import CHARACTER_KINDS, Entity, detect_language, read_premise

CASES = cases()


def _ids(case: dict) -> str:
    return case["text"][:40]


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_language_is_detected(case):
    assert read_premise(case["text"]).language == case["language"]


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_every_character_is_read_with_its_kind_and_count(case):
    chars = {e.head: e for e in read_premise(case["text"]).characters()}
    for head, kind, count in case["characters"]:
        assert head in chars, f"{head} missing from {sorted(chars)}"
        assert (chars[head].kind, chars[head].count) == (kind, count), chars[head]


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_no_common_noun_becomes_a_character(case):
    reading = read_premise(case["text"])
    heads = {e.head.lower() for e in reading.characters()} | {(e.name or "").lower() for e in reading.characters()}
    expected = {h.lower() for h, _, _ in case["characters"]}
    for word in case["not_characters"]:
        assert word.lower() not in heads, f"{word} became a character"
    assert heads - {""} <= expected, f"unexpected characters {sorted(heads - expected - {''})}"


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_named_and_premise_places_are_places(case):
    places = {e.head for e in read_premise(case["text"]).places()}
    for head in case["places"]:
        assert head in places, f"{head} not among places {sorted(places)}"


@pytest.mark.parametrize("case", [c for c in CASES if c.get("genders") or c.get("ages")], ids=_ids)
def test_gender_and_age_follow_the_text(case):
    chars = {e.head: e for e in read_premise(case["text"]).characters()}
    for head, gender in case.get("genders", {}).items():
        assert chars[head].gender == gender, chars[head]
    for head, age in case.get("ages", {}).items():
        assert chars[head].age == age, chars[head]


@pytest.mark.parametrize("case", [c for c in CASES if c.get("objects")], ids=_ids)
def test_key_objects_are_objects(case):
    objects = {e.head for e in read_premise(case["text"]).objects()}
    assert set(case["objects"]) <= objects, objects


def test_reading_is_deterministic_and_cached():
    text = CASES[0]["text"]
    first = read_premise(text)
    read_premise.cache_clear()
    again = read_premise(text)
    assert first == again and first is not again
    assert read_premise(text) is again


def test_kinds_split_into_characters_places_and_objects():
    reading = read_premise("A lonely vending machine in a Tokyo train station starts dispensing advice instead of drinks.")
    assert all(e.kind in CHARACTER_KINDS for e in reading.characters())
    assert {e.name for e in reading.places()} >= {"Tokyo"}
    assert isinstance(reading.entities[0], Entity)


NAMED = [
    ("A boy and his reindeer Sven search the mountains for a lost sled.", "reindeer", "Sven", "animal"),
    ("My neighbour, a retired pilot named Otto, builds a plane in his garage.", "pilot", "Otto", "person"),
    ("The robot Pixel and her friend Mara fix the old clock.", "robot", "Pixel", "machine"),
    ("The robot Pixel and her friend Mara fix the old clock.", "friend", "Mara", "person"),
    ("A shy librarian called Ada finds a map in a Tokyo train station.", "librarian", "Ada", "person"),
    ("Queen Elsa hears a voice, and her younger sister Anna follows her north.", "sister", "Anna", "person"),
]


@pytest.mark.parametrize("text, head, name, kind", NAMED, ids=[f"{n}-{h}" for _, h, n, _ in NAMED])
def test_a_name_given_beside_a_noun_names_that_one_character(text, head, name, kind):
    chars = read_premise(text).characters()
    named = [e for e in chars if e.name == name]
    assert len(named) == 1, chars
    assert (named[0].head, named[0].kind, named[0].count) == (head, kind, 1)
    assert name not in named[0].core  # the core describes ("retired pilot"); the name is apart
    assert not [e for e in chars if e.head in (name, name.lower())]  # no second character made of the name


def test_a_verb_read_as_a_noun_after_an_adjective_reading_keeps_both_people():
    # the tagger reads "mechanic" as an adjective of "race": the line's verb, not a noun
    chars = {e.head: e for e in read_premise("A young pilot and an elderly mechanic race a storm over the sea.").characters()}
    assert {"pilot", "mechanic"} <= set(chars) and "race" not in chars
    assert chars["mechanic"].kind == "person"


def test_a_worker_named_with_a_vehicle_is_someone_and_a_machine_named_like_a_worker_is_not():
    """MiniLM hears the train in "a night-train conductor" and the bus in "a bus driver" and types the phrase a
    machine; the lexicon lists the head among people and the head alone is someone."""
    for text, head in (("A night-train conductor discovers a passenger who has been riding the same train for "
                        "forty years.", "conductor"), ("A bus driver finds a lost dog on the last route of the night.",
                                                       "driver")):
        assert next(e.kind for e in read_premise(text).entities if e.head == head) == "person"
    cleaner = read_premise("A robot vacuum cleaner escapes the apartment to find the ocean it saw on television.")
    assert next(e.kind for e in cleaner.entities if e.head == "cleaner") == "machine"


def test_want_obstacle_and_situation_are_phrases_of_the_premise():
    reading = read_premise("A retired boxer teaches his granddaughter to ride a bicycle before the summer ends.")
    assert reading.want == "ride a bicycle before the summer ends"
    assert reading.obstacle == "the summer ends"
    assert "before the summer ends" in reading.situation
    assert read_premise("Two astronauts repairing a satellite argue about whose fault it is while their oxygen runs low."
                        ).obstacle == "their oxygen runs low"


def test_story_type_follows_the_premise():
    assert read_premise("Two rival radio DJs are trapped in the same studio during a city-wide blackout.").story_type in ("rivals", "strangers")
    assert read_premise("A detective duck investigates the disappearance of the pond's only goldfish.").story_type == "mystery"
    assert read_premise("A grandmother teaches her grandson to cook her village's recipes over a video call from across the world.").story_type == "family"


def test_short_english_line_with_names_is_english():
    assert detect_language("Anna and Elsa must save Arendelle.") == "en"


def test_scripts_decide_their_languages():
    assert detect_language("一位老茶农在山上。") == "zh"
    assert detect_language("猫がいる。ひとりで。") == "ja"
    assert detect_language("서울의 고양이") == "ko"


def test_empty_premise_is_refused():
    from auteur.core.errors import AuteurError

    with pytest.raises(AuteurError, match="empty"):
        read_premise("   ")


@pytest.mark.parametrize("which", ["prototypes", "places"])
def test_the_shipped_phrase_vectors_are_those_of_the_lists_as_they_are_now(which):
    """Edit prototypes.toml or world_en.toml's places and this fails until the vectors are built again."""
    from auteur.models.draft.story import places as story
    from auteur.tools.evaluation.semantic import embed
    from auteur.tools.language import meaning
    from auteur.tools.language.vectors import shipped

    path, texts, rebuild = {"prototypes": (meaning.PROTOTYPE_VECTORS, meaning._prototype_texts(), "build_prototype_vectors"),
                            "places": (story.PLACE_VECTORS, story.place_texts(), "build_place_vectors")}[which]
    vectors = shipped(path, texts)
    assert list(vectors) == texts, f"{which} changed: run {rebuild}()"
    assert np.allclose(np.stack([vectors[t] for t in texts[:40]]), embed(texts[:40]), atol=1e-5)


def test_vectors_built_from_other_phrases_or_damaged_are_not_used(tmp_path):
    from auteur.tools.language.vectors import build, shipped

    path = build(tmp_path / "v.safetensors", ["a person", "a place"])
    assert list(shipped(path, ["a person", "a place"])) == ["a person", "a place"]
    assert shipped(path, ["a person", "a place", "a thing"]) == {}  # the list grew: embedded live instead
    path.write_bytes(b"not safetensors")
    assert shipped(path, ["a person", "a place"]) == {}


def test_a_clause_the_parser_read_as_one_noun_phrase_gives_its_subject_not_the_clause():
    """"discovers that one painting changes every night": spaCy chunks "that one painting changes"; the thing is the
    painting (a film had "Hollis turns the that painting changes over in both hands")."""
    r = read_premise("A night guard at a museum discovers that one painting changes every night.")
    things = [e for e in r.entities if e.kind == "object"]
    assert [(e.head, e.english) for e in things] == [("painting", "painting")]
    assert not any("that" in e.english.split() for e in r.entities)


def test_a_clause_object_said_again_is_it_unless_it_is_what_was_found_out():
    from auteur.models.draft.story.voice_en import _light_object

    assert _light_object("that the town's famous giant pumpkin has been stolen") == "it"
    assert _light_object("that one painting changes", knowing=True) == "that one painting changes"
    assert _light_object("one final game against the computer") == "the game"
