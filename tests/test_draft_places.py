"""Places drawn as their kind (an elevator car, a kitchen with its fridge, a parade street), and shots that vary
their framing: the draft artist's place kinds and cameras."""

from __future__ import annotations

import json

import numpy as np
import pytest

from auteur.core.schema import Location, Shot
from auteur.models.draft import outdoors, place_kinds, rooms
from auteur.models.draft.artist import draw_keyframe
from auteur.models.draft.camera import COMPOSITIONS, shot_camera
from auteur.models.draft.plates import RECORD_KEY, draw_location_plate
from auteur.tools.language.vectors import shipped

W, H = 320, 180


def place(name: str, look: str = "", when: str = "day", **kw) -> Location:
    return Location(token="<env1>", name=name, look=look or name, time_of_day=when, **kw)


def setting(img) -> dict:
    return json.loads(img.info[RECORD_KEY])["setting"]


@pytest.mark.parametrize("name, look, premise, kind", [
    ("the kitchen", "a small kitchen", "", "kitchen"),
    ("the elevator", "a stalled elevator car in Lagos, lights out", "Three strangers are stuck in a Lagos elevator", "elevator"),
    ("the submarine control room", "the control room, at the bottom of the sea", "", "control_room"),
    ("the same studio", "the same studio", "Two rival radio DJs are trapped in the same studio during a blackout", "radio_studio"),
    ("Bahnhof", "Bahnhof", "Ein alter Uhrmacher repariert die Uhr am Bahnhof", "train_station"),
    ("the concert hall", "the concert hall", "A violinist loses her hearing before her debut", "concert_hall"),
    ("the same courtroom", "the same courtroom", "Twin brothers meet as opposing lawyers", "courtroom"),
    ("the hollow tree", "a hollow tree in the longest winter", "A fox and a crow share a hollow tree", "hollow_tree"),
    ("the tea mountain", "a mountain tea terrace in the clouds", "An old tea farmer waits on the mountain", "tea_terrace"),
    ("the bakery", "the bakery", "Every clock stops except the one in the bakery", "bakery"),
    ("the parade route", "the main street", "A tuba player in a marching band loses the parade route", "parade_street"),
])
def test_a_place_is_drawn_as_its_kind(name, look, premise, kind):
    found = place_kinds.kind_of(place(name, look), premise)
    assert found is not None and found.kind.name == kind, found
    assert setting(draw_location_plate(place(name, look), W, H, premise=premise))["kind"]["kind"] == kind


@pytest.mark.parametrize("name", ["the moor", "the lighthouse", "the bell tower", "yesterday's promise"])
def test_a_place_no_kind_fits_is_drawn_from_its_words(name):
    assert place_kinds.kind_of(place(name)) is None


def test_a_place_known_only_by_its_name_is_a_street_of_it_and_mars_stays_mars():
    """"Sevilla", "Valparaíso": a premise's city no kind's name comes near was drawn as open country (dusk hills
    with trees); a named place on earth is one of its streets, Mars is Mars, a common name keeps its words."""
    from auteur.models.draft.place import location_look

    for name in ("Sevilla", "Valparaíso"):
        look = location_look(place(name, name.lower()), "Una anciana de Sevilla enseña a su gato a tocar el piano.")
        assert look.kind is not None and look.kind.kind.name == "city_street" and "hills" not in look.landmarks
        assert setting(draw_location_plate(place(name, name.lower()), W, H))["kind"]["kind"] == "city_street"
    mars = location_look(place("Mars", "mars"), "An astronaut grows the first potato on Mars.")
    assert mars.world == "mars" and (mars.kind is None or mars.kind.kind.name != "city_street")
    assert location_look(place("the moor")).kind is None


def test_a_kitchen_has_its_fridge_and_counter_and_differs_from_a_plain_room():
    kitchen = draw_location_plate(place("the kitchen", "a small kitchen"), W, H)
    assert {"fridge", "counter", "cupboards"} <= set(setting(kitchen)["dressing"])
    plain = draw_location_plate(place("the cellar", "a stone cellar"), W, H)
    assert setting(plain)["kind"] is None
    # the fridge: a tall near-white block standing on the floor
    white = (np.asarray(kitchen, dtype=np.int32).min(axis=2) > 200)
    assert white.mean() > 0.04 and white.mean() > 3 * (np.asarray(plain, dtype=np.int32).min(axis=2) > 200).mean()


def test_a_parade_street_is_hung_with_bunting_over_a_crowd():
    street = np.asarray(draw_location_plate(place("the parade route", "the main street"), W, H), dtype=np.int32)
    top = street[int(0.1 * H):int(0.36 * H)].reshape(-1, 3)
    saturated = (top.max(axis=1) - top.min(axis=1)) > 120  # the flags' bright reds, yellows and blues
    assert saturated.mean() > 0.05


def test_every_kinds_set_dressing_is_something_the_artist_can_paint():
    for key, (kind, names) in place_kinds.kinds().items():
        painters = rooms.ITEMS if kind.inside else outdoors.ITEMS
        assert set(kind.dressing) <= set(painters), key
        assert names, key


@pytest.mark.parametrize("key", sorted(place_kinds.kinds()))
def test_every_kind_draws_and_records_itself(key):
    kind, names = place_kinds.kinds()[key]
    img = draw_location_plate(place(names[0]), 160, 90, seed=1)
    assert img.size == (160, 90) and len(np.unique(np.asarray(img).reshape(-1, 3), axis=0)) > 12
    recorded = setting(img)
    assert recorded["interior"] == kind.inside and list(kind.dressing) == recorded["dressing"][:len(kind.dressing)]


def test_the_shipped_kind_vectors_are_those_of_the_table():
    names = [n for _, ns in place_kinds.kinds().values() for n in ns]
    assert shipped(place_kinds.VECTORS, names), "place_kinds.toml changed: run place_kinds.build_vectors()"


# ---------------------------------------------------------------- the camera: consecutive shots framed apart


def empty_shot(sid: str, shot_type: str = "wide") -> Shot:
    return Shot(id=sid, shot_type=shot_type, visual_prompt="the place", duration=3.0)


HILLS = place("the hills", "green hills under the sky", "dusk")


def test_consecutive_shots_take_different_compositions_across_scenes_too():
    ids = [f"sc{s}-sh{k:02d}" for s in range(1, 6) for k in range(1, 5)]
    for seed in range(4):
        cameras = [shot_camera(sid, seed, "a place").composition for sid in ids]
        assert all(a != b for a, b in zip(cameras, cameras[1:])), (seed, cameras)


def test_consecutive_keyframes_of_one_place_are_framed_differently():
    frames = [draw_keyframe(empty_shot(f"sc1-sh0{k}"), HILLS, [], W, H, seed=7) for k in range(1, 5)]
    records = [json.loads(f.info[RECORD_KEY])["camera"] for f in frames]
    for (a, ra), (b, rb) in zip(zip(frames, records), list(zip(frames, records))[1:]):
        assert ra != rb
        diff = np.abs(np.asarray(a, dtype=np.int32) - np.asarray(b, dtype=np.int32)).sum(axis=2)
        assert (diff > 40).mean() > 0.15  # not a shifted copy: a fifth of the frame or so is different picture


def test_a_reverse_angle_mirrors_the_place_and_moves_its_horizon():
    facing = {COMPOSITIONS[shot_camera(f"sc1-sh0{k}", 7, "x").composition][1] for k in range(1, 8)}
    assert facing == {1, -1}
    horizons = {round(c[0], 2) for c in COMPOSITIONS}
    assert len(horizons) == len(COMPOSITIONS) and max(horizons) - min(horizons) > 0.15


def test_the_establishing_shots_of_different_films_differ():
    firsts = {shot_camera("sc1-sh01", 7, premise).composition
              for premise in ("A beekeeper in a valley", "A fox and a crow in a tree", "A boxer and his granddaughter",
                              "Twin brothers in court", "A mayor and a pumpkin", "A nurse and the phone")}
    assert len(firsts) >= 4  # six films at the same seed open from at least four different set-ups
