"""What a place is like in the film: the draft artist draws a location's conditions (storm, blackout, underwater,
Mars, drought...) and records them, so an eval can check the picture against the premise."""

from __future__ import annotations

import json

import numpy as np
import pytest

from auteur.core.schema import Location
from auteur.models.draft.conditions import read_conditions
from auteur.models.draft.plates import RECORD_KEY, draw_location_plate

W, H = 320, 180


def place(name: str, look: str, when: str = "day", conditions: tuple[str, ...] = (), **kw) -> Location:
    return Location(token="<env1>", name=name, look=look, time_of_day=when, conditions=list(conditions), **kw)


def plate(location: Location, seed: int = 1, premise: str = "") -> tuple[np.ndarray, dict]:
    img = draw_location_plate(location, W, H, seed=seed, premise=premise)
    return np.asarray(img, dtype=np.int32), json.loads(img.info[RECORD_KEY])["setting"]


def band(pixels: np.ndarray, top: float, bottom: float) -> np.ndarray:
    return pixels[int(top * H):int(bottom * H)].reshape(-1, 3)


def green_share(pixels: np.ndarray) -> float:
    r, g, b = pixels[..., 0], pixels[..., 1], pixels[..., 2]
    return float(((g > r + 12) & (g > b + 12)).mean())


QUAY = ("the harbour quay", "a stone quay with boats")


def test_a_storm_is_recorded_and_darkens_and_greys_the_sky():
    calm, calm_record = plate(place(*QUAY, "night"))
    storm, record = plate(place(*QUAY, "night", ("storm",)))
    assert record["conditions"] == ["storm", "night"] and record["weather"] == "storm"
    assert calm_record["conditions"] == ["night"] and calm_record["weather"] == "clear"
    sky = lambda px: band(px, 0.0, 0.3)  # noqa: E731
    assert sky(storm).std(axis=1).mean() < sky(calm).std(axis=1).mean()  # less colour: overcast grey
    assert storm.mean() < calm.mean() + 4  # no brighter for its rain


def test_underwater_has_a_water_column_for_a_sky_and_a_seabed():
    pixels, record = plate(place("the wreck", "the sea floor beside a wreck", conditions=("underwater",)))
    assert record["world"] == "underwater" and record["conditions"] == ["underwater"]
    top = band(pixels, 0.0, 0.4).mean(axis=0)
    assert top[2] > top[0] + 60 and top[1] > top[0] + 30  # blue-green water, where a sky would be
    floor = band(pixels, 0.85, 1.0).mean(axis=0)
    assert floor[0] > top[0] + 20  # sand-coloured ground below it, warmer than the water


def test_a_porthole_on_the_deep_shows_water_not_a_sunset():
    room = place("the control room", "the control room of a submarine", "dusk", ("underwater",))
    pixels, record = plate(room)
    assert record["interior"] and record["world"] == "underwater"
    sunset = place("the control room", "the control room of a power station", "dusk")  # such a room, on land
    dry, _ = plate(sunset)
    # the window's sky is in the upper half of the room (the table lamp below it may glow orange either way)
    orange = lambda px: float(((px[..., 0] > px[..., 2] + 80) & (px[..., 0] > 200))[: H // 2].mean())  # noqa: E731
    assert orange(pixels) == 0.0 and orange(dry) > 0.001


def test_a_blackout_puts_the_lamps_out_and_dims_the_room():
    studio = ("the radio studio", "a radio studio with a desk lamp")
    lit, lit_record = plate(place(*studio, "night"))
    dark, record = plate(place(*studio, "night", ("blackout",)))
    assert record["dark"] and record["conditions"] == ["blackout", "night"] and not lit_record["dark"]
    luma = lambda px: px @ np.array([0.299, 0.587, 0.114])  # noqa: E731
    assert np.percentile(luma(dark), 99) < np.percentile(luma(lit), 99) * 0.6  # no lamp glowing
    assert luma(dark).mean() < luma(lit).mean() * 0.75


def test_mars_is_a_red_desert_under_a_pink_sky_with_nothing_green():
    pixels, record = plate(place("the plain", "a wide plain on Mars", conditions=("space",)))
    assert record["world"] == "mars" and "trees" not in record["landmarks"] and "hills" not in record["landmarks"]
    ground, sky = band(pixels, 0.75, 1.0).mean(axis=0), band(pixels, 0.0, 0.25).mean(axis=0)
    assert ground[0] > ground[1] + 40 and ground[0] > ground[2] + 60
    assert sky[0] > sky[2] + 20  # pink-butterscotch, not blue
    assert green_share(pixels) == 0.0


def test_a_place_in_space_is_on_mars_when_the_premise_says_mars():
    crater = place("the crater field", "a field of craters", conditions=("space",))
    assert plate(crater, premise="An astronaut stranded on Mars records voicemails")[1]["world"] == "mars"
    assert plate(crater)[1]["world"] == "space"
    assert plate(place("the kitchen", "a kitchen"), premise="A boy dreams of going to Mars")[1]["world"] == "earth"


def test_drought_leaves_the_valley_parched():
    valley = ("the valley", "a valley of fields and trees")
    green, _ = plate(place(*valley))
    dry, record = plate(place(*valley, conditions=("drought",)))
    assert record["conditions"] == ["drought"]
    assert green_share(green) > 0.2 and green_share(dry) < 0.01


@pytest.mark.parametrize("condition", ["eclipse", "fire", "smoke", "dust", "heat", "flood", "wind", "snow", "fog", "rain",
                                       "cold"])
def test_every_condition_changes_the_picture_and_is_recorded(condition):
    town = ("the town square", "a town square with houses")
    clear, _ = plate(place(*town))
    changed, record = plate(place(*town, conditions=(condition,)))
    assert condition in record["conditions"]
    assert (np.abs(changed - clear).sum(axis=2) > 30).mean() > 0.005


def test_without_listed_conditions_the_words_are_read():
    assert read_conditions(place("the quay", "a rainstorm night on the quay")) == ("storm",)
    assert read_conditions(place("the lift", "a stalled elevator car, lights out")) == ("blackout",)
    assert read_conditions(place("the hull", "the control room, at the bottom of the sea")) == ("underwater",)
    assert read_conditions(place("the valley", "a drought-stricken valley")) == ("drought",)
    assert read_conditions(place("the cellar", "a warm cellar by the fire")) == ()  # a hearth is no hazard
    assert read_conditions(place("the ward", "a hospital ward", light="cold moonlight")) == ()  # the light's colour
    assert read_conditions(place("the pass", "a frozen mountain pass")) == ("cold",)


def test_listed_conditions_are_the_script_s_word_not_the_look_s():
    assert read_conditions(place("the quay", "a rainstorm night on the quay", conditions=("snow",))) == ("snow",)


def test_night_listed_as_a_condition_is_drawn_as_night():
    _, record = plate(place(*QUAY, "day", ("night", "storm")))
    assert record["time_of_day"] == "night" and record["conditions"] == ["storm", "night"]


def test_rain_stays_outside_a_room():
    room = place("the kitchen", "a kitchen with a window", conditions=("rain",))
    one, two = plate(room, seed=1)[0], plate(room, seed=2)[0]
    assert np.array_equal(one, two)  # the seed moves falling rain; indoors none falls in front of the room
