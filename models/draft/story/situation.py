"""The premise's situation as a story needs it: whose story it is, who stands across from them, what happened,
what they want, what stands in the way, what the clock is, and which shape of story that makes.

Everything here is read from the premise's events (`tools.language.events`), never from its nouns alone:
"a violinist loses her hearing" is a loss (the shape: lose, cope, face the debut without it); "a beekeeper
discovers her bees are building a map" a discovery (notice, doubt, follow, confront, changed); "a fox and a crow
must share a hollow tree" a goal shared by two who do not want to share.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from auteur.tools.language.reading import Entity, Event, PremiseReading

# The shape of the story, from what its main event is.
ARCS = {"loss": "loss", "inability": "inability", "discovery": "discovery", "perception": "discovery",
        "goal": "goal", "attempt": "goal", "change": "change", "state": "confinement", "refusal": "refusal",
        "act": "act"}
# An act whose verb already says the shape ("teaches ... to ride" is a lesson, "plays ... against" a contest).
ACT_ARCS = {"teach": "lesson", "play": "contest", "race": "contest", "compete": "contest", "fight": "contest",
            "challenge": "contest", "argue": "contest", "investigate": "search", "search": "search", "find": "search",
            "look": "search", "hunt": "search", "befriend": "bond", "fall": "bond", "love": "bond", "adopt": "bond",
            "rescue": "bond", "meet": "encounter", "receive": "contact", "call": "contact", "hear": "discovery",
            "deliver": "errand", "carry": "errand", "inherit": "inheritance", "escape": "journey", "travel": "journey",
            "steal": "mischief", "hide": "secret", "plan": "heist", "film": "mystery", "trap": "confinement",
            "stop": "change", "demand": "change", "repeat": "mystery", "run": "duty"}

GONE_VERBS = {"steal", "lose", "disappear", "vanish", "miss", "rob"}  # an object these are done to is not there


@dataclass
class Situation:
    reading: PremiseReading
    lead: int | None                    # the entity whose story it is (None: the premise names no character)
    other: int | None                   # who stands across from them, when the premise names someone
    group: list[int]                    # everyone else the premise names who acts in the story
    main: Event | None
    events: dict[str, Event] = field(default_factory=dict)  # by role: main, content, goal, clock, deadline, ...
    arc: str = "act"

    @property
    def entities(self) -> tuple[Entity, ...]:
        return self.reading.entities

    def event(self, key: str) -> Event | None:
        return self.events.get(key)

    def things(self) -> list[int]:
        """The premise's objects, the main event's first."""
        objs = [k for k, e in enumerate(self.entities) if e.kind == "object"]
        touched = {ev.patient for ev in self.events.values() if ev.patient is not None}
        return sorted(objs, key=lambda k: (k not in touched, k))

    def gone(self) -> set[int]:
        """The premise's objects that are not there to be seen: stolen, lost, vanished ("the town's famous giant
        pumpkin has been stolen"), which a shot must not show in anyone's hands."""
        return {ev.patient for ev in self.events.values() if ev.patient is not None and ev.verb in GONE_VERBS
                and not self.entities[ev.patient].is_character}

    def places(self) -> list[int]:
        return [k for k, e in enumerate(self.entities) if e.kind == "place"]


def _characters(reading: PremiseReading) -> list[int]:
    return [k for k, e in enumerate(reading.entities) if e.is_character]


def read_situation(reading: PremiseReading) -> Situation:
    events = list(reading.events)
    chars = _characters(reading)
    main = next((e for e in events if e.part == "main"), events[0] if events else None)
    roles: dict[str, Event] = {}
    if main is not None:
        roles["main"] = main
    for ev in events:
        key = {"content": "content", "clock": "clock", "deadline": "deadline", "twist": "twist",
               "backstory": "backstory"}.get(ev.part)
        if key and key not in roles:
            roles[key] = ev
        if ev.mode in ("goal", "attempt") and "goal" not in roles:
            roles["goal"] = ev
        if ev.mode == "refusal" and "refusal" not in roles:
            roles["refusal"] = ev
        if ev.mode in ("inability", "loss") and "obstacle" not in roles:
            roles["obstacle"] = ev
        if ev.part == "main" and ev is not main and "second" not in roles:
            roles["second"] = ev  # "film a horror movie ... and realise they are not alone"
    lead = _lead(reading, main, chars)
    other = _other(reading, main, chars, lead, roles)
    group = [k for k in chars if k not in (lead, other)]
    arc = ARCS.get(main.mode, "act") if main is not None else "act"
    if arc == "act" and main is not None:
        arc = ACT_ARCS.get(main.verb, "act")
    if "second" in roles and roles["second"].mode == "discovery":
        arc = "discovery"  # "film a horror movie and realise they are not alone": the realisation is the story
        roles.setdefault("content", next((e for e in events if e.part == "content"), roles["second"]))
    return Situation(reading=reading, lead=lead, other=other, group=group, main=main, events=roles, arc=arc)


def _lead(reading: PremiseReading, main: Event | None, chars: list[int]) -> int | None:
    """The main event's doer, when someone can carry a story; a person beside a thing that acts carries it
    ("a baker's sourdough starter becomes sentient": the baker lives it, the starter is the wonder)."""
    if not chars:
        return None
    ents = reading.entities
    doer = main.agent if main is not None and main.agent in chars else None
    if doer is None and main is not None and main.patient in chars:
        doer = main.patient  # "two rival radio DJs are trapped": it happens to them
    if doer is None:
        doer = chars[0]
    if ents[doer].kind != "person":
        owners = [r.owner for r in reading.relations if r.target == doer and r.owner in chars and ents[r.owner].kind == "person"]
        if owners:
            return owners[0]
    if ents[doer].status:  # the dead and the missing do not carry the film; who looks for them does
        living = [k for k in chars if not ents[k].status]
        return living[0] if living else doer
    return doer


def _other(reading: PremiseReading, main: Event | None, chars: list[int], lead: int | None,
           roles: dict[str, Event]) -> int | None:
    ents = reading.entities
    rest = [k for k in chars if k != lead]
    if not rest:
        return None
    # who the story's events set against or beside the lead: the one acted on, the one who acts back
    for ev in roles.values():
        for k in (ev.patient, ev.agent):
            if k in rest:
                return k
    by_relation = [r.target for r in reading.relations if r.owner == lead and r.target in rest]
    if by_relation:
        return by_relation[0]
    living = [k for k in rest if not ents[k].status]
    return (living or rest)[0]
