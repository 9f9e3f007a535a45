"""What a place is like in this film: its conditions (storm, blackout, underwater...) and the world it lies in.

The story engine says so in `Location.conditions`, one word each; a location without them (a hand-written
script, an older run) is read from its words as before ("a rainstorm night", "lights out"). Night is the
location's time of day, not a condition, but a drawn record lists it with them so an eval reads one list.
The world decides what replaces sky and ground: the sea floor under a water column, open space, or Mars's
red desert under a pink sky; every other condition is weather, light or a hazard over an Earth place.
"""

from __future__ import annotations

import re

from auteur.core.schema import Location

# The words each condition is read from when the script does not list it. Order is precedence for the one
# `weather` a place shows in its sky (a storm's rain outranks a drizzle).
CONDITION_WORDS: dict[str, str] = {
    "storm": "storm storms stormy rainstorm thunder thunderstorm lightning tempest gale hurricane typhoon cyclone squall",
    "rain": "rain rainy raining drizzle downpour wet monsoon",
    "snow": "snow snowy snowed snowbound snowdrift snowdrifts snowing snowfall blizzard snowstorm",
    "cold": "cold freezing frozen frost frosty icy winter wintry arctic",
    "fog": "fog foggy mist misty haze hazy cloud-wrapped",
    "wind": "wind windy windswept gust gusts gusty",
    "heat": "heat heatwave scorching sweltering blazing",
    "drought": "drought parched drought-stricken arid",
    "blackout": "blackout unlit lightless darkness",
    "eclipse": "eclipse",
    "underwater": "underwater undersea seabed sea-floor seafloor submarine submerged abyss",
    "space": "space orbit orbital spaceship spacecraft zero-gravity",
    "flood": "flood flooded flooding floodwater",
    "fire": "burning blaze wildfire inferno ablaze",  # not "fire": a fire in the hearth is no hazard
    "smoke": "smoke smoky smoke-filled",
    "dust": "dust sandstorm duststorm",
}
KNOWN = tuple(CONDITION_WORDS)
TEMPERATURE = ("cold", "heat")
WEATHER = ("storm", "rain", "snow", "fog")  # what the sky itself shows, first wins
_PHRASES = {  # several words that say one condition
    "blackout": re.compile(r"lights?\s+(?:out|off)|power\s+(?:cut|out|failure)|city-wide blackout"),
    "underwater": re.compile(r"bottom of the (?:sea|ocean)|under the (?:sea|ocean|water)|deep[- ]sea"),
    "space": re.compile(r"outer space|in orbit|space station"),
    "fire": re.compile(r"on fire|in flames"),
}
MARS = re.compile(r"\bmars\b|\bmartian\b|red planet", re.I)
_WORDS = {c: set(words.split()) for c, words in CONDITION_WORDS.items()}


def _tokens(text: str) -> set[str]:
    return set(re.findall(r"[a-z][a-z'-]*", text.lower()))


def read_conditions(location: Location) -> tuple[str, ...]:
    """The place's conditions: the script's own list when it has one, else what its words say, in table order.
    ("night" in the list is the time of day, which the location states on its own: see `is_night`.)"""
    declared = [c for c in location.conditions if c in _WORDS]
    if location.conditions:
        return tuple(c for c in KNOWN if c in declared)
    # a place's words and its light and sound say what the air is like; but "cold moonlight" and "warm lamplight"
    # are the light's colour, not the weather, so cold and heat are read from the place's own words only
    text = f"{location.name}. {location.look}. {location.light}. {location.ambience}".lower()
    words = _tokens(text)
    words |= {w.rstrip("s") for w in words}
    own = _tokens(f"{location.name}. {location.look}")
    found = {c for c, vocabulary in _WORDS.items() if (own if c in TEMPERATURE else words) & vocabulary}
    found |= {c for c, pattern in _PHRASES.items() if pattern.search(text)}
    if "storm" in found:
        found.discard("rain")  # a storm rains anyway; one sky
    return tuple(c for c in KNOWN if c in found)


def is_night(location: Location) -> bool:
    """Night by the location's time of day, or by a script that lists night among its conditions."""
    return location.time_of_day.value == "night" or "night" in location.conditions


def world_of(location: Location, conditions: tuple[str, ...], premise: str = "") -> str:
    """earth, underwater, space or mars: what stands in for sky and ground. A place the script puts in space is on
    Mars when its words or the film's premise say Mars (the premise alone does not move a place off the Earth)."""
    if "underwater" in conditions:
        return "underwater"
    if MARS.search(f"{location.name} {location.look}") or "space" in conditions and MARS.search(premise):
        return "mars"
    if "space" in conditions:
        return "space"
    return "earth"


def weather_of(conditions: tuple[str, ...]) -> str:
    """The one sky the place shows: storm, rain, snow, fog or clear."""
    return next((c for c in WEATHER if c in conditions), "clear")


def drawn_conditions(conditions: tuple[str, ...], time_of_day: str) -> list[str]:
    """The conditions a picture shows, night included, for the drawn record."""
    return list(conditions) + (["night"] if time_of_day == "night" else [])
