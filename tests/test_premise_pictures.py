"""Pictures of the premise: the draft artist draws the premise's things, places and non-human characters from
the icon set, looks follow the words (a child is small, a parrot is a bird), and every picture records what
it shows. The films here are written by hand in the schema the planner fills (kind, appearance, props,
location name and look)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from auteur.agents.registry import load_roles
from auteur.core.schema import Beat, Character, DialogueLine, Film, FramingBox, Location, Scene, Shot, Treatment, Voice
from auteur.models.director import DrawRequest, load_director
from auteur.models.draft import icons
from auteur.models.draft.artist import draw_keyframe
from auteur.models.draft.looks import character_look
from auteur.models.draft.meaning import depict
from auteur.models.draft.place import location_look
from auteur.models.draft.plates import RECORD_KEY, draw_location_plate
from auteur.models.renderer import load_renderer
from auteur.pipeline.cache import Cache
from auteur.pipeline.config import load_profile
from auteur.pipeline.crew import Crew
from auteur.pipeline.runs import RunDir

W, H = 320, 180
pytestmark = pytest.mark.skipif(icons.font_path() is None, reason="fontawesomefree is not installed")


def person(token, name, appearance, gender="neutral", **kw) -> Character:
    return Character(token=token, name=name, appearance=appearance, voice=Voice(gender=gender), **kw)


def shot(sid, shot_type, chars, props=(), boxes=()) -> Shot:
    return Shot(id=sid, shot_type=shot_type, characters=list(chars), visual_prompt="a shot", duration=3.0, props=list(props),
                framing=[FramingBox(character=t, x=b[0], y=b[1], w=b[2], h=b[3]) for t, b in zip(chars, boxes)],
                dialogue=[DialogueLine(speaker=chars[0], line="Look.", emotion="wonder")] if chars else [])


def film(prompt, cast, place, shots) -> Film:
    treatment = Treatment(title=prompt[:30], logline=prompt, genre="drama", tone="warm", visual_style="storyboard",
                          target_runtime_s=30, beats=[Beat(name="setup", summary=prompt)])
    scene = Scene(id="sc1", heading="the place", beat="setup", plot=prompt, setting=place.name, location=place.token,
                  characters=[c.token for c in cast], shots=shots)
    return Film(prompt=prompt, treatment=treatment, characters=cast, locations=[place], scenes=[scene])


ROSA = person("<char1>", "Rosa", "a woman in her forties with a chef's apron", "female")
DEV = person("<char2>", "Dev", "a tall man with a moustache", "male")
ADA = person("<char1>", "Ada", "a girl of about eight with a grey beard drawn on her map", "female")
KIKI = Character(token="<char2>", name="Kiki", kind="animal", appearance="a grey parrot")
INSPECTOR = person("<char1>", "Inspector Vale", "an old detective in a trench coat", "male")
STRANGERS = [person(f"<char{k}>", n, a, g) for k, (n, a, g) in
             enumerate([("Tunde", "a young man in a suit", "male"), ("Amaka", "an older woman", "female"),
                        ("Bisi", "a student with a backpack", "female")], start=1)]
TOMO = person("<char1>", "Tomo", "a boy of about ten", "male")
USAGI = Character(token="<char2>", name="Usagi", kind="animal", appearance="a white rabbit")

FILMS = {
    "food trucks": (film("Two rival food-truck owners are snowed in the night before a festival", [ROSA, DEV],
                         Location(token="<env1>", name="snowed-in festival grounds", look="two food trucks in deep snow",
                                  time_of_day="dawn"),
                         [shot("sc1-sh01", "wide", ["<char1>", "<char2>"], ["food truck"]),
                          shot("sc1-sh02", "insert", ["<char1>"], ["food truck"])]), {"truck"}),
    "elevator": (film("Three strangers are stuck in a Lagos elevator during a blackout", STRANGERS,
                      Location(token="<env1>", name="a stalled elevator car", look="a stalled elevator car in Lagos, lights out",
                               time_of_day="night"),
                      [shot("sc1-sh01", "wide", [c.token for c in STRANGERS])]), {"elevator"}),
    "cartographer": (film("A cartographer's childhood map starts redrawing her town", [ADA],
                          Location(token="<env1>", name="the map room", look="a study with old maps on the walls",
                                   time_of_day="day"),
                          [shot("sc1-sh01", "medium", ["<char1>"], ["map"])]), {"map"}),
    "detective": (film("A detective who only speaks in questions and his parrot", [INSPECTOR, KIKI],
                       Location(token="<env1>", name="the detective's office", look="an office at night, rain on the window",
                                time_of_day="night"),
                       [shot("sc1-sh01", "two-shot", ["<char1>", "<char2>"], ["magnifying glass"])]), {"magnifying-glass"}),
    "moon": (film("A boy and a rabbit climb a hill to reach the moon", [TOMO, USAGI],
                  Location(token="<env1>", name="the hill under the moon", look="a grassy hill under a huge full moon",
                           time_of_day="night"),
                  [shot("sc1-sh01", "wide", ["<char1>", "<char2>"], ["moon"])]), {"moon"}),
}


def record(img: Image.Image) -> dict:
    return json.loads(img.info[RECORD_KEY])


def keyframe(f: Film, k: int = 0) -> Image.Image:
    s = f.shots()[k]
    return draw_keyframe(s, f.locations[0], [c for c in f.characters if c.token in s.characters], W, H, seed=3)


# ---------------------------------------------------------------- matching phrases to icons


@pytest.mark.parametrize("phrase, icon", [
    ("food truck", "truck"), ("two rival food trucks", "truck"), ("her childhood map", "map"), ("map", "map"),
    ("the moon", "moon"), ("a stalled elevator car, lights out", "elevator"), ("key", "key"), ("a dragon", "dragon"),
    ("a cat", "cat"), ("magnifying glass", "magnifying-glass"),
])
def test_premise_phrases_match_the_icon_that_depicts_them(phrase, icon):
    found = icons.match(phrase)
    assert found is not None and found.icon.name == icon, found


@pytest.mark.parametrize("phrase", ["courage", "a long argument", "the truth", "a promise", "her childhood", "an idea",
                                    "the protagonist wants to win", "yesterday"])
def test_unrelated_phrases_match_nothing(phrase):
    assert icons.match(phrase) is None


def test_an_icon_is_drawn_where_its_glyph_is():
    img = Image.new("RGB", (200, 200), (255, 255, 255))
    from PIL import ImageDraw

    box = icons.draw_icon(ImageDraw.Draw(img), icons.icon_named("truck"), 100, 180, 80, (200, 40, 40))
    inside = np.asarray(img.crop(box)).reshape(-1, 3)
    assert (np.abs(inside - (200, 40, 40)).sum(axis=1) < 90).mean() > 0.2  # the truck's red body
    assert np.asarray(img.crop((0, 0, 200, box[1] - 4))).min() == 255  # nothing above it


# ---------------------------------------------------------------- non-human characters and looks


def test_a_parrot_is_drawn_as_a_bird_not_a_person():
    f, _ = FILMS["detective"]
    figures = {fig["token"]: fig for fig in record(keyframe(f))["figures"]}
    assert figures["<char2>"]["kind"] == "animal"
    assert figures["<char2>"]["drawn_as"] == "bird" and figures["<char2>"]["species"] == "parrot"
    assert figures["<char1>"]["drawn_as"] == "human"


def test_the_schema_kind_wins_over_human_words_in_the_appearance():
    robot = Character(token="<char1>", name="Pip", kind="machine", appearance="a small delivery robot who acts like a man")
    assert character_look(robot).kind == "robot"
    otter = Character(token="<char2>", name="Olu", kind="animal", appearance="a river otter")
    look = character_look(otter)
    assert look.kind == "icon" and look.icon == "otter"


def test_a_childs_figure_is_smaller_and_never_grey_or_bearded():
    child, adult = character_look(ADA), character_look(ROSA)
    assert child.age == "child" and child.stature < 0.8 * adult.stature
    assert child.beard is None  # "a grey beard drawn on her map" does not put a beard on a girl
    assert child.hair not in ((200, 200, 198), (160, 160, 162), (232, 230, 224))


def test_women_are_drawn_as_women_and_old_men_grey():
    rosa, vale = character_look(ROSA), character_look(INSPECTOR)
    assert rosa.gender == "female" and rosa.beard is None and rosa.long_coat
    assert vale.gender == "male" and vale.age == "old"


def test_a_childs_figure_takes_less_of_the_frame_than_an_adults():
    def height_of(character):
        s = shot("sc1-sh01", "wide", [character.token], boxes=[(0.35, 0.3, 0.3, 0.6)])
        place = Location(token="<env1>", name="a white room", look="an empty white room", time_of_day="day")
        with_figure = np.asarray(draw_keyframe(s, place, [character], W, H), dtype=np.int32)
        empty = np.asarray(draw_keyframe(s.model_copy(update={"characters": [], "framing": [], "dialogue": []}), place, [], W, H),
                           dtype=np.int32)
        rows = np.nonzero(np.abs(with_figure - empty).sum(axis=(1, 2)) > 30)[0]
        return rows.max() - rows.min()

    assert height_of(ADA) < 0.85 * height_of(ROSA)


def test_three_characters_in_a_shot_are_three_figures():
    f, _ = FILMS["elevator"]
    figures = record(keyframe(f))["figures"]
    assert sorted(fig["token"] for fig in figures) == ["<char1>", "<char2>", "<char3>"]


# ---------------------------------------------------------------- settings, props and the record


@pytest.mark.parametrize("name", sorted(FILMS))
def test_each_films_keyframes_record_a_premise_object_or_setting(name):
    f, expected = FILMS[name]
    drawn = set()
    for k in range(len(f.shots())):
        rec = record(keyframe(f, k))
        drawn |= {p["icon"] for p in rec["props"]} | {p["icon"] for p in rec["setting"]["set_pieces"]}
        drawn |= {rec["setting"]["kind"]["kind"]} if rec["setting"]["kind"] else set()  # the place drawn as its kind
    assert drawn & expected, f"{name}: drew {sorted(drawn)}"


def test_the_place_is_the_premises_setting_not_the_stock_countryside():
    snow = location_look(FILMS["food trucks"][0].locations[0])
    assert snow.weather == "snow" and "truck" in {m.name for m in snow.set_pieces}
    lift = location_look(FILMS["elevator"][0].locations[0])
    assert lift.interior and lift.dark and lift.kind.kind.name == "elevator"  # drawn as a lift, its doors and buttons


def test_a_set_piece_changes_the_plate():
    grounds = FILMS["food trucks"][0].locations[0]
    bare = grounds.model_copy(update={"look": "open ground in deep snow", "name": "festival grounds"})
    plate = draw_location_plate(grounds, W, H, seed=1)
    assert record(plate)["setting"]["set_pieces"][0]["icon"] == "truck"
    assert np.abs(np.asarray(plate, dtype=np.int32) - np.asarray(draw_location_plate(bare, W, H, seed=1), dtype=np.int32)).mean() > 2


def test_a_prop_stands_in_the_side_the_figures_leave_free():
    s = shot("sc1-sh01", "wide", ["<char1>"], ["food truck"], boxes=[(0.6, 0.3, 0.3, 0.6)])
    place = Location(token="<env1>", name="a car park", look="an empty car park", time_of_day="day")
    with_prop = np.asarray(draw_keyframe(s, place, [ROSA], W, H), dtype=np.int32)
    without = np.asarray(draw_keyframe(s.model_copy(update={"props": []}), place, [ROSA], W, H), dtype=np.int32)
    changed = np.abs(with_prop - without).sum(axis=2) > 40
    assert changed[:, : W // 2].sum() > 200 and changed[:, W // 2:].sum() < changed[:, : W // 2].sum() / 10


def test_an_insert_shows_its_premise_prop():
    f, _ = FILMS["food trucks"]
    rec = record(keyframe(f, 1))
    assert rec["props"][0]["icon"] == "truck" and rec["props"][0]["where"] == "insert"


def test_the_draft_director_returns_the_record_and_the_crew_writes_it_beside_the_keyframe(tmp_path):
    f, _ = FILMS["detective"]
    run = RunDir(tmp_path / "run")
    for sub in ("shots", "characters", "locations"):
        (run.root / sub).mkdir(parents=True, exist_ok=True)
    crew = Crew(director=load_director("draft", {}), renderer=load_renderer("draft", {}),
                profile=load_profile(str(Path(__file__).with_name("tiny.toml"))), run=run, cache=Cache(tmp_path / "cache"),
                target_shots=3)
    for role in load_roles(False).roles:
        f = role.act(f, crew)
    rec = json.loads((run.root / "shots" / "sc1-sh01.drawn.json").read_text())
    assert rec["shot"] == "sc1-sh01" and {fig["drawn_as"] for fig in rec["figures"]} == {"human", "bird"}
    assert any(p.name.endswith(".drawn.json") for p in (run.root / "locations").iterdir())
    # a second run draws nothing new: the cached picture carries its record and the crew writes it again
    again = RunDir(tmp_path / "again")
    for sub in ("shots", "characters", "locations"):
        (again.root / sub).mkdir(parents=True, exist_ok=True)
    crew2 = Crew(director=crew.director, renderer=crew.renderer, profile=crew.profile, run=again, cache=crew.cache, target_shots=3)
    crew2.draw(DrawRequest(kind="keyframe", prompt="p", width=W, height=H, shot=f.shots()[0], location=f.locations[0],
                           cast=tuple(f.characters)), "shots/x.png")
    crew2.draw(DrawRequest(kind="keyframe", prompt="p", width=W, height=H, shot=f.shots()[0], location=f.locations[0],
                           cast=tuple(f.characters)), "shots/y.png")
    assert json.loads((again.root / "shots" / "y.drawn.json").read_text())["figures"]


# ---------------------------------------------------------------- things by meaning in context, with a floor

FRIDGE_NOTE = "A teenager finds a paper note taped to the fridge that predicts tomorrow."
PARADE = "A tuba player in a marching band loses the parade route on the day of the big parade."


@pytest.mark.parametrize("phrase, context, picture", [
    ("a paper note taped to a fridge", FRIDGE_NOTE, "letter"),  # the note, painted: paper, not a musical note
    ("note", FRIDGE_NOTE, "letter"),
    ("marching band", PARADE, "tuba"),  # a band that marches, not a wedding band
    ("a stalled elevator car", "Three strangers are stuck in a Lagos elevator during a blackout.", "elevator"),
    ("the submarine", "The crew of a submarine hears knocking from outside the hull.", "submarine"),
    ("ring", "He proposes to her with a ring at dinner.", "ring"),
    ("giant pumpkin", "A small-town mayor hides that the town's giant pumpkin has been stolen.", "pumpkin"),
])
def test_a_thing_is_pictured_by_its_meaning_in_its_context(phrase, context, picture):
    found = depict(phrase, context)
    assert found is not None and found.name == picture, found


@pytest.mark.parametrize("phrase, context, wrong", [
    ("note", "The violinist plays the first note of her debut at the concert hall.", "note-sticky"),
    ("note", "She hits the high note at the end of the aria.", "letter"),  # a sung note: neither paper nor a sticker
    ("band", PARADE, "ring"),
    ("deep snow", "Two food trucks are snowed in", "snowman"),
])
def test_below_the_floor_nothing_is_drawn_rather_than_a_wrong_icon(phrase, context, wrong):
    found = depict(phrase, context)
    assert found is None or found.name != wrong, found


@pytest.mark.parametrize("phrase", ["courage", "a long argument", "the truth", "a promise", "yesterday", "oxygen"])
def test_abstract_phrases_are_pictured_as_nothing(phrase):
    assert depict(phrase, "A story about it.") is None


def test_a_keyframe_records_each_props_phrase_picture_and_similarities():
    cast = [person("<char1>", "Tam", "a teenager in a hoodie")]
    kitchen = Location(token="<env1>", name="the kitchen", look="a small kitchen at home", time_of_day="day")
    s = Shot(id="sc1-sh02", shot_type="wide", characters=["<char1>"], visual_prompt="Tam reads the note on the fridge",
             action="Tam pulls the paper note off the fridge.", duration=3.0, props=["a paper note taped to a fridge"])
    props = record(draw_keyframe(s, kitchen, cast, W, H, premise=FRIDGE_NOTE))["props"]
    note = props[0]
    assert note["phrase"] == "a paper note" and note["painted"] == "letter" and note["icon"] is None
    assert 0.9 < note["similarity"] <= 1.001 and note["in_context"] >= 0.35
    assert all(p.get("icon") != "music" for p in props)


def test_a_machine_is_drawn_as_a_machine_never_as_weather_or_the_sea():
    unit = Character(token="<char1>", name="Unit Nine", kind="machine", appearance="a maintenance unit that dreams of waves")
    assert character_look(unit).kind == "robot"  # "waves" is what it dreams of, not what it is


def test_a_talking_vending_machine_is_drawn_as_a_vending_machine_with_a_face():
    machine = Character(token="<char1>", name="Vendy", kind="machine", appearance="a lonely vending machine")
    look = character_look(machine)
    assert (look.kind, look.species) == ("thing", "vending machine")
    s = shot("sc1-sh01", "medium", ["<char1>"])
    figure = record(draw_keyframe(s, Location(token="<env1>", name="the platform", look="a train platform"), [machine], W, H))
    assert figure["figures"][0]["drawn_as"] == "thing"


def test_the_shipped_thing_vectors_are_those_of_the_table():
    from auteur.models.draft.meaning import THING_VECTORS
    from auteur.models.draft.things import THINGS
    from auteur.tools.language.vectors import shipped

    texts = [t for phrases, _, _ in THINGS.values() for t in phrases]
    assert shipped(THING_VECTORS, texts), "things.THINGS changed: run meaning.build_vectors()"
