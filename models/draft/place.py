"""The look of a place, decided once from its name, look, light and conditions: sky, ground, water, landmarks,
furniture, the world it lies in (Earth, the sea floor, space, Mars) and the conditions drawn over it (storm,
blackout, drought...). Read from the location only, never from the shot or the seed, so a plate and every
keyframe of its place show the same place; a shot's camera (camera.py) only chooses how it is seen.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from functools import lru_cache

from auteur.core.schema import Location
from auteur.models.draft.conditions import (CONDITION_WORDS, drawn_conditions, is_night, read_conditions, weather_of,
                                           world_of)
from auteur.models.draft.meaning import Depiction, context_text, depict_all
from auteur.models.draft.place_kinds import KindMatch, PlaceKind, kind_of, town
from auteur.models.draft.palette import (RGB, colour_words, graded, has_word, jittered, luma, mix, scaled, stable_hash,
                                         word_sets, words_of)

LOCATION_SLOTS = {
    "sky": "sky skies",
    "water": "sea ocean water waves bay lake river harbour harbor",
    "ground": "shore rocks rock sand beach field fields grass meadow floor stone cliffs dunes crater craters snow "
              "moss pebble pebbles lane road",
    "building": "lighthouse house houses cottage cottages barn tower castle walls wall buildings building church "
                "cabin hut shop tiles",
}


SKY = {  # (zenith, horizon) per time of day
    "dawn": ((70, 84, 146), (250, 184, 146)), "day": ((84, 146, 222), (204, 226, 244)),
    "dusk": ((52, 40, 98), (244, 128, 72)), "night": ((8, 12, 34), (36, 48, 90)),
}
GRADE = {"dawn": (1.0, 0.92, 0.9), "day": (1.0, 1.0, 1.0), "dusk": (1.0, 0.82, 0.72), "night": (0.42, 0.48, 0.66)}

LANDMARKS = {
    "lighthouse": "lighthouse beacon",
    "tower": "tower spire church steeple belfry",
    "castle": "castle fortress courtyard ramparts",
    "house": "house houses cottage cottages cabin hut barn farmhouse farm farmyard village shack inn",
    "trees": "tree trees forest wood woods woodland orchard park garden grove jungle pines pine oak oaks",
    "mountains": "mountain mountains peak peaks ridge pass alps",
    "hills": "hill hills hilltop valley downs fields field meadow",
    "rocks": "rocks rock cliff cliffs crag headland boulders quay quays",
    "sea": "sea ocean shore beach coast harbour harbor bay waves surf pier dock port island tide lake",
    "river": "river stream creek canal",
    "boats": "boat boats ship ships sailing harbour harbor",
    "deck": "deck",
    "rails": "railway railroad rails platform tracks train trains",
    "city": "city street streets town buildings skyline alley downtown rooftop rooftops avenue market square shop",
    "road": "road lane path track",
    "fence": "fence gate fields farmyard",
    "dunes": "dune dunes desert",
    "craters": "crater craters",
}
INTERIOR = set("room interior inside indoors kitchen bedroom hall office library study workshop cellar attic "
               "corridor classroom cafe staircase stairs parlour parlor elevator lift apartment basement restaurant "
               "bar studio shop".split())
FURNITURE = {
    "shelves": "library shelves books bookshelf study",
    "table": "kitchen table tables desk office cafe classroom workshop",
    "lamp": "lamp lamps lantern candle candles",
    "stairs": "staircase stairs",
    "beams": "attic beams rafters barn",
    "fireplace": "fireplace hearth stove",
    "lens": "lens lenses brass lantern",
}
_LOC_SLOTS, _LANDMARKS, _FURNITURE = word_sets(LOCATION_SLOTS), word_sets(LANDMARKS), word_sets(FURNITURE)

# The sky and ground of the other worlds: (zenith, horizon) and the ground colour. Under water the "sky" is the
# water column, lit from the surface; on Mars a butterscotch-pink sky over a rust desert.
WORLD_SKY = {"underwater": ((56, 146, 168), (12, 58, 96)), "space": ((2, 4, 12), (12, 16, 34)),
             "mars": ((172, 108, 90), (234, 178, 138))}
WORLD_GROUND = {"underwater": (206, 188, 136), "space": (150, 150, 156), "mars": (184, 90, 54)}
WORLD_GRADE = {"underwater": (0.62, 0.84, 1.0), "space": (0.86, 0.9, 1.04), "mars": (1.05, 0.9, 0.8)}
# What each world keeps of the landmarks its words name: no green hills on Mars, no sky under the sea.
WORLD_LANDMARKS = {"underwater": {"rocks", "boats"}, "space": {"craters"},
                   "mars": {"mountains", "rocks", "craters", "dunes", "road"}}
# How a condition tints the sky (toward a colour, by how much) and the light on everything in it.
CONDITION_SKY = {"storm": ((64, 68, 80), 0.7), "rain": ((112, 118, 128), 0.6), "fog": ((176, 180, 186), 0.6),
                 "cold": ((196, 212, 232), 0.4),
                 "snow": ((196, 200, 210), 0.45), "heat": ((250, 236, 196), 0.45), "drought": ((236, 212, 164), 0.4),
                 "smoke": ((112, 100, 92), 0.65), "dust": ((196, 160, 110), 0.6), "fire": ((232, 112, 48), 0.55),
                 "eclipse": ((28, 30, 62), 0.75)}
CONDITION_GRADE = {"storm": (0.8, 0.82, 0.9), "heat": (1.06, 1.0, 0.88), "fire": (1.1, 0.84, 0.7), "cold": (0.9, 0.96, 1.08),
                   "smoke": (0.86, 0.84, 0.8), "dust": (1.0, 0.94, 0.82), "eclipse": (0.58, 0.58, 0.72),
                   "blackout": (0.55, 0.55, 0.55), "drought": (1.04, 0.98, 0.88)}
PARCHED = (176, 142, 92)  # drought ground: no green anywhere
UNLIT = (92, 88, 82)  # a lamp or window with the power out


@dataclass(frozen=True)
class LocationLook:
    time_of_day: str
    sky_top: RGB
    sky_horizon: RGB
    grade: tuple[float, float, float]  # multiplies figure colours so people sit in the light of the place
    horizon: float  # fraction of the height
    interior: bool
    ground_far: RGB
    ground_near: RGB
    water: RGB | None
    building: RGB
    wall: RGB  # interiors: back wall
    floor: RGB
    lit: RGB  # lamp and window light
    landmarks: tuple[str, ...]
    dressing: tuple[str, ...]  # the set dressing, back to front: rooms.py items indoors, outdoors.py items outside
    weather: str  # clear, rain, storm, fog, snow: what the sky shows
    tree_count: int
    side: int  # -1 left, 1 right: where the tallest landmark stands, so figures keep the centre clear
    variant: int
    set_pieces: tuple[Depiction, ...] = ()  # the premise's things standing in the place (a food truck, a map)
    dark: bool = False  # a blackout: lamps off, the light of the place dimmed
    conditions: tuple[str, ...] = ()  # everything drawn over the place: storm, drought, eclipse, flood...
    world: str = "earth"  # earth, underwater, space or mars
    kind: KindMatch | None = None  # the kind of place it was drawn as, and how near its name came
    pan: float = 0.0  # the camera's sideways offset (a fraction of the width): where a room's vanishing point lies



# ---------------------------------------------------------------- locations


def location_look(location: Location, premise: str = "") -> LocationLook:
    """The place's fixed look: sky, ground, water, landmarks, conditions; the same on the plate and in every keyframe.
    The film's premise is the context its things are read in, and says which world a place in space lies in."""
    return _look(location.model_dump_json(exclude={"reference_image"}), premise)


@lru_cache(maxsize=64)
def _look(location_json: str, premise: str) -> LocationLook:
    """A look is read once per place and premise; every keyframe of the place shares it (it is frozen)."""
    location = Location.model_validate_json(location_json)
    place_words = words_of(f"{location.name}. {location.look}")  # light and ambience colour the air, not the layout
    rng = random.Random(stable_hash("location", location.token, location.name, location.look))
    when = "night" if is_night(location) else location.time_of_day.value
    conditions = read_conditions(location)
    world = world_of(location, conditions, premise)
    weather = weather_of(conditions) if world == "earth" else "clear"
    grade = GRADE[when]
    named = colour_words(f"{location.look}. {location.name}", _LOC_SLOTS)
    light_words = set(words_of(location.light))
    if light_words & {"warm", "golden", "amber", "lamplight", "candlelight", "fire"}:
        grade = (grade[0] * 1.04, grade[1] * 0.98, grade[2] * 0.9)
    if light_words & {"cold", "blue", "moonlight", "grey", "gray"}:
        grade = (grade[0] * 0.94, grade[1] * 0.98, grade[2] * 1.05)

    top, bottom = SKY[when]
    if "sky" in named:
        top, bottom = scaled(named["sky"], 0.7), named["sky"]
    landmarks = tuple(name for name, vocabulary in _LANDMARKS.items() if has_word(place_words, vocabulary))
    match = kind_of(location, premise) or (town(location) if world == "earth" else None)
    kind = match.kind if match else None
    interior = kind.inside if kind else (
        has_word(place_words, INTERIOR) and not has_word(place_words, {"courtyard", "square", "platform"}))
    furniture = tuple(name for name, vocabulary in _FURNITURE.items() if has_word(place_words, vocabulary))
    if kind and not interior:
        landmarks = tuple(dict.fromkeys(kind.landmarks + landmarks))
    if not landmarks and not interior and world == "earth":
        landmarks = ("hills", "trees")  # an unknown place reads as open country
    ground = named.get("ground") or _ground(place_words, landmarks, rng)
    if world != "earth":
        top, bottom = WORLD_SKY[world]
        if world != "space" and when == "night":
            top, bottom = mix(top, (4, 6, 16), 0.7), mix(bottom, (10, 14, 30), 0.6)
        ground = WORLD_GROUND[world]
        landmarks = tuple(m for m in landmarks if m in WORLD_LANDMARKS[world])
        if world == "mars":
            landmarks += tuple(m for m in ("craters", "rocks", "mesas") if m not in landmarks)
            if has_word(place_words, {"base", "habitat", "dome", "colony", "outpost", "station", "module", "lander"}):
                landmarks += ("dome",)
        grade = tuple(a * b for a, b in zip(grade, WORLD_GRADE[world]))  # type: ignore[assignment]
    for condition in conditions:
        if condition in CONDITION_SKY and world == "earth":
            colour, t = CONDITION_SKY[condition]
            dim = 0.5 if when == "night" else 1.0  # a night sky stays a night sky under rain
            top, bottom = mix(top, scaled(colour, dim), t), mix(bottom, scaled(colour, dim), t * 0.85)
        if condition in CONDITION_GRADE:
            grade = tuple(a * b for a, b in zip(grade, CONDITION_GRADE[condition]))  # type: ignore[assignment]
    if "snow" in conditions and world == "earth" and "ground" not in named:
        ground = (228, 232, 238)
    elif "cold" in conditions and world == "earth" and "ground" not in named:
        ground = mix(ground, (214, 226, 238), 0.7)  # hoar frost over whatever the ground is
    if "drought" in conditions and world == "earth":
        ground = PARCHED
    ground = jittered(mix(ground, (96, 96, 100), 0.3) if luma(ground) < 60 else ground, rng, 8)  # black rock still reads
    water = None
    if ("boats" in landmarks or "deck" in landmarks) and "river" not in landmarks and "sea" not in landmarks and world == "earth":
        landmarks += ("sea",)  # boats float on something
    if "sea" in landmarks or "river" in landmarks:
        water = named.get("water") or jittered((44, 98, 140) if weather == "clear" else (70, 86, 98), rng, 8)
    if "drought" in conditions and "river" in landmarks:
        water = mix(water, PARCHED, 0.6)  # a river run low and brown

    trees = 0
    if "trees" in landmarks:
        trees = 14 if has_word(place_words, {"forest", "wood", "woods", "woodland", "jungle", "pines"}) else (
            1 if has_word(place_words, {"one", "lone", "single", "tree"}) and not has_word(place_words, {"trees"}) else 5)
    building = named.get("building") or jittered(rng.choice([(226, 222, 212), (176, 92, 68), (150, 140, 126), (196, 180, 150)]), rng)
    wall = named.get("building") or jittered(rng.choice([(198, 176, 140), (150, 120, 96), (176, 186, 176), (204, 196, 180)]), rng)
    floor = named.get("ground") or jittered(rng.choice([(120, 84, 56), (96, 72, 54), (150, 130, 110)]), rng)
    if kind and kind.wall:  # a kind's own walls (steel in a lift, bark in a hollow tree), the words' colours first
        wall = named.get("building") or jittered(kind.wall, rng, 6)
    if kind and kind.floor:
        floor = named.get("ground") or jittered(kind.floor, rng, 6)
    horizon = 0.5 + rng.uniform(-0.03, 0.04) - (0.06 if "mountains" in landmarks else 0)
    dark = "blackout" in conditions
    if kind and kind.lamps and interior and when in ("dusk", "night") and not dark:
        grade = tuple(g * 0.92 for g in GRADE["day"])  # type: ignore[assignment]  # lit from the ceiling at any hour
    pieces = set_pieces(location, premise, match)
    return LocationLook(
        time_of_day=when, sky_top=top, sky_horizon=bottom, grade=grade, horizon=round(horizon, 4), interior=interior,
        ground_far=graded(mix(ground, bottom, 0.35), grade), ground_near=graded(scaled(ground, 0.82), grade),
        water=graded(water, grade) if water else None, building=graded(building, grade),
        # a room keeps some of its colour at night, lamplit; with the power out it takes the whole dimming
        wall=graded(wall, grade, 1.0 if dark else 0.7), floor=graded(floor, grade, 1.0 if dark else 0.7),
        lit=UNLIT if dark else (255, 214, 130),
        landmarks=landmarks, dressing=_dressing(kind, interior, furniture, when), weather=weather, tree_count=trees,
        side=rng.choice((-1, 1)), variant=rng.randrange(1 << 30),
        set_pieces=tuple(pieces), dark=dark,
        conditions=conditions, world=world, kind=match,
    )


def _dressing(kind: PlaceKind | None, interior: bool, furniture: tuple[str, ...], when: str) -> tuple[str, ...]:
    """What dresses the set: the kind's own items (with any the place's words add), or a plain room from its words."""
    if kind:
        extra = tuple(f for f in furniture if f in ("shelves", "fireplace", "stairs", "beams", "lens") and f not in kind.dressing)
        return kind.dressing + extra if interior else kind.dressing
    if not interior:
        return ()
    items = ["lens" if "lens" in furniture else "window"]
    items += [f for f in ("shelves", "fireplace", "stairs", "beams") if f in furniture]
    if "table" in furniture or not furniture:
        items.append("table")
    if not furniture:
        items.append("picture")
    if "lamp" in furniture or when in ("dusk", "night"):
        items.append("lamp")
    return tuple(items)


def _ground(place_words: list[str], landmarks: tuple[str, ...], rng: random.Random) -> RGB:
    """The ground the place's words name: snow, sand, stone, moon dust, pavement, else grass."""
    if has_word(place_words, {"snow", "ice", "icy", "frozen", "arctic", "winter", "snowy"}):
        return (228, 232, 238)
    if has_word(place_words, {"sand", "desert", "dune", "dunes", "beach"}):
        return (214, 186, 132)
    if has_word(place_words, {"pebble", "pebbles", "rock", "rocks", "cliff", "cliffs", "stone", "quay", "quays"}):
        return (112, 108, 100)
    if has_word(place_words, {"crater", "craters", "moon"}):
        return (150, 150, 156)
    if "city" in landmarks or has_word(place_words, {"street", "square", "platform", "courtyard", "road"}):
        return (104, 100, 98)
    return rng.choice([(86, 130, 64), (104, 138, 70), (120, 134, 74)])


def setting_record(look: LocationLook) -> dict:
    """What a picture shows of its place: the setting the words chose, its conditions, the things standing in it."""
    return {"interior": look.interior, "time_of_day": look.time_of_day, "weather": look.weather, "dark": look.dark,
            "world": look.world, "conditions": drawn_conditions(look.conditions, look.time_of_day),
            "kind": look.kind.record() if look.kind else None, "landmarks": list(look.landmarks),
            "dressing": list(look.dressing),
            "set_pieces": [m.record() for m in look.set_pieces]}


# A place's icons are its things. Weather, sky light, landscape and buildings are painted from the place's words
# (landmarks); holiday decorations would only be noise; people are figures.
_SET_CATEGORIES = tuple(("animals automotive camping childhood construction devices-hardware disaster education energy "
                         "food-beverage fruits-vegetables gaming halloween household logistics maps maritime medical-health "
                         "money moving music-audio religion science science-fiction security shopping sports-fitness time "
                         "transportation travel-hotel writing astronomy").split())
_CONDITIONS = re.compile(r"lights?\s+(?:out|off)|power\s+(?:cut|out|failure)|at night|by day", re.I)  # how, not what


def set_pieces(location: Location, premise: str = "", kind: KindMatch | None = None, limit: int = 2) -> list[Depiction]:
    """The premise's things a place holds, read in the premise: "food trucks in deep snow" holds a truck. The words
    that made the place its kind are the kind's set dressing already (an elevator is its doors, not an icon)."""
    phrases = [_CONDITIONS.sub(" ", p) for p in (location.name, location.look)]
    # a hill, a tree, stairs, the snow: painted already, as landmarks, furniture or conditions
    painted = set().union(*_LANDMARKS.values(), *_FURNITURE.values(), *(set(w.split()) for w in CONDITION_WORDS.values()))
    if kind:
        painted |= set(words_of(kind.matched.replace(" ~ ", " ")))
    found = [m for m in depict_all(phrases, context_text(location.name, location.look, premise), within=_SET_CATEGORIES)
             if not has_word(words_of(m.matched.split(" ~ ")[0]), painted)]
    return found[:limit]
