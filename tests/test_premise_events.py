"""The premise reader's events, relations, conditions and statuses: who does what to whom, with what will.

Each expectation is written by hand from the premise's text, not from the reader's output.
"""

import pytest

from auteur.tools.language.premise import read_premise


def _events(text):
    r = read_premise(text)
    name = lambda k: r.entities[k].head if k is not None else None  # noqa: E731
    return r, [(ev.part, ev.mode, name(ev.agent), ev.verb, name(ev.patient)) for ev in r.events]


def _has(events, part=None, mode=None, agent="?", verb=None, patient="?"):
    for p, m, a, v, t in events:
        if (part in (None, p) and mode in (None, m) and (agent == "?" or a == agent) and verb in (None, v)
                and (patient == "?" or t == patient)):
            return True
    return False


# (premise, [(part, mode, agent head, verb, patient head)]) -- "?" where the premise does not say
CASES = [
    ("A violinist loses her hearing the week before her debut at the concert hall.",
     [("main", "loss", "violinist", "lose", "?")]),
    ("A fox and a crow must share a hollow tree through the longest winter in memory.",
     [("main", "goal", "fox", "share", "?")]),
    ("A small-town mayor tries to hide that the town's famous giant pumpkin has been stolen.",
     [("main", "attempt", "mayor", "hide", "?"), ("content", None, None, "steal", "pumpkin")]),
    ("A beekeeper in a drought-stricken valley discovers her bees are building a map in the honeycomb.",
     [("main", "discovery", "beekeeper", "discover", "?"), ("content", "act", "bee", "build", "map")]),
    ("A retired boxer teaches his granddaughter to ride a bicycle before the summer ends.",
     [("main", "act", "boxer", "teach", "granddaughter"), (None, "goal", "granddaughter", "ride", "bicycle"),
      ("deadline", None, "summer", "end", "?")]),
    ("A chess grandmaster plays one final game against the computer that once humiliated him.",
     [("main", "act", "grandmaster", "play", "?"), ("backstory", "act", "computer", "humiliate", "grandmaster")]),
    ("An old fisherman and a young marine biologist race a typhoon to free a trapped whale.",
     [("main", "act", "fisherman", "race", "?"), ("main", "goal", "fisherman", "free", "whale")]),
    ("A robot vacuum cleaner escapes the apartment to find the ocean it saw on television.",
     [("main", "act", "cleaner", "escape", "apartment"), ("main", "goal", "cleaner", "find", "ocean"),
      ("backstory", "perception", "cleaner", "see", "ocean")]),
    ("Twin brothers separated at birth meet as opposing lawyers in the same courtroom.",
     [("main", "act", "brother", "meet", "?"), ("backstory", None, "brother", "separate", "?")]),
    ("A blind gardener cannot see the flowers she grows, but the bees lead her.",
     [("main", "inability", "gardener", "see", "flower"), ("twist", "act", "bee", "lead", "gardener")]),
    ("A seagull steals a tourist's sandwich; the seagull has other plans.",
     [("main", "act", "seagull", "steal", "sandwich"), ("twist", None, "seagull", "have", "?")]),
    ("A lighthouse keeper befriends a storm that wants to stop raining",
     [("main", "act", "keeper", "befriend", "storm"), (None, "goal", "storm", "stop", "?")]),
    ("The crew of a submarine hears knocking from outside the hull at the bottom of the sea.",
     [("main", "perception", "crew", "hear", "?"), ("content", None, None, "knock", "?")]),
    ("A mail carrier in the Alps delivers the last letter of a village that is about to be flooded by a dam.",
     [("main", "act", "carrier", "deliver", "letter"), ("deadline", None, "dam", "flood", "village")]),
]


@pytest.mark.parametrize("text,expected", CASES, ids=[c[0][:40] for c in CASES])
def test_the_premise_events_are_read_with_who_does_what(text, expected):
    _, events = _events(text)
    for want in expected:
        assert _has(events, *want), f"{want} not among {events}"


def test_the_main_event_comes_first():
    r = read_premise("A violinist loses her hearing the week before her debut at the concert hall.")
    assert r.events[0].part == "main" and r.events[0].verb == "lose" and r.events[0].obj == "her hearing"


def test_a_clock_running_down_keeps_its_subject_as_written():
    r = read_premise("Two astronauts repairing a satellite argue about whose fault it is while their oxygen runs low.")
    clock = next(ev for ev in r.events if ev.part == "clock")
    assert (clock.verb, clock.subject, clock.obj) == ("run", "their oxygen", "low")


@pytest.mark.parametrize("text,owner,noun", [
    ("A grandmother teaches her grandson to cook her village's recipes over a video call from across the world.",
     "grandmother", "grandson"),
    ("A retired boxer teaches his granddaughter to ride a bicycle before the summer ends.", "boxer", "granddaughter"),
    ("A firefighter rescues a parrot that only repeats the last words of its missing owner.", "parrot", "owner"),
    ("A florist who is allergic to flowers runs her late mother's shop; the man who left her comes back.",
     "florist", "mother"),
])
def test_relations_name_whose_they_are(text, owner, noun):
    r = read_premise(text)
    pairs = {(r.entities[x.owner].head, x.noun) for x in r.relations}
    assert (owner, noun) in pairs, pairs


@pytest.mark.parametrize("text,conditions", [
    ("Two rival radio DJs are trapped in the same studio during a city-wide blackout.", {"blackout"}),
    ("The crew of a submarine hears knocking from outside the hull at the bottom of the sea.", {"underwater"}),
    ("A fox and a crow must share a hollow tree through the longest winter in memory.", {"cold"}),
    ("Two rival food-truck owners are snowed in before the festival.", {"snow"}),
    ("A night-shift nurse keeps receiving phone calls from a patient who died last year.", {"night"}),
    ("An old fisherman and a young marine biologist race a typhoon to free a trapped whale.", {"storm"}),
    ("A retired boxer teaches his granddaughter to ride a bicycle before the summer ends.", set()),
])
def test_conditions_are_what_the_words_set(text, conditions):
    assert set(read_premise(text).conditions) == conditions


@pytest.mark.parametrize("text,head,status", [
    ("A night-shift nurse keeps receiving phone calls from a patient who died last year.", "patient", "dead"),
    ("A firefighter rescues a parrot that only repeats the last words of its missing owner.", "owner", "missing"),
    ("A florist who is allergic to flowers runs her late mother's shop; the man who left her comes back.",
     "mother", "dead"),
])
def test_someone_gone_is_marked_so_the_film_does_not_just_show_them(text, head, status):
    r = read_premise(text)
    assert next(e for e in r.characters() if e.head == head).status == status


def test_a_thing_that_acts_with_a_will_is_a_character_and_a_band_is_people():
    r = read_premise("A conductor loses his voice on the night the marching band must lead the parade.")
    band = next(e for e in r.entities if e.head == "band")
    assert (band.kind, band.count) == ("person", 3)
    r = read_premise("During a solar eclipse, every clock in the city stops except the one in the bakery.")
    assert next(e for e in r.entities if e.head == "clock").kind == "object"


def test_a_second_mention_is_the_same_character():
    r = read_premise("A seagull steals a tourist's sandwich; the seagull has other plans.")
    assert [e.head for e in r.characters()].count("seagull") == 1
