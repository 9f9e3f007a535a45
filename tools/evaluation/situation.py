"""Situation: the film plays what happens in its premise, not only the premise's nouns.

The premise's facts come from its reading (`tools.language`): its events (who does what: "loses her hearing",
"must share a hollow tree", "the pumpkin has been stolen"), the faculty a loss takes, its conditions (blackout,
snowed in, underwater) and its relations ("her grandson"). A plot, action or line plays a fact when it has the
fact's predicate or one of the words by which a film shows it (`data/situation.toml`), by lemma. A line also plays
the premise when it is said by the one whose speaking the premise is about (the parrot that repeats, the dead
patient who calls), or when it takes up the words of a plot or action of its scene that plays the premise (the
scene is about it, and the line is part of that). A line that only names a premise noun in a scene about
something else plays nothing.

By meaning (MiniLM) the metric is deliberately silent for lines: measured on the judged set, the lines closest to
a premise's sentence are the templates that paste its nouns, and good dialogue sits far from it.

A line that plays the premise only by a premise word three earlier lines already said restates it: it does not
count ("we're trapped" in eight lines of nine).

Score: half the share of lines that play a fact (60 % of lines or more is full marks), half the weighted share of
the premise's facts the film plays anywhere. Issues name the facts never played and the scenes that play none.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import numpy as np

from auteur.core.schema import Film
from auteur.tools.evaluation.metrics import Metric, clamp01
from auteur.tools.evaluation.restated import strip_restated
from auteur.tools.evaluation.weights import weight

LINE_TARGET = 0.6        # a film whose lines play the premise this often plays it throughout
SAID_TIMES = 3           # a premise word may carry three lines; the fourth that has nothing else restates it
LIGHT_VERBS = {"be", "have", "get", "make", "do", "go", "come", "take", "give", "keep", "start", "become", "let"}
FACT_WEIGHTS = {"main": 3.0, "content": 2.5, "goal": 2.0, "second": 2.0, "obstacle": 1.5, "clock": 1.5, "deadline": 1.5,
                "twist": 1.5, "refusal": 1.5, "backstory": 1.0, "detail": 0.75, "condition": 1.0, "relation": 1.0,
                "faculty": 2.0}
WORD = re.compile(r"[^\W\d_][\w'’-]*")
PREPOSITIONS = {"in", "on", "at", "to", "for", "with", "of", "from", "into", "by", "about", "over", "under", "through",
                "across", "after", "before", "during", "inside", "outside", "around", "near", "behind"}


@dataclass
class Fact:
    key: str                    # "main", "condition:blackout", "relation:grandson", ...
    kind: str                   # event | condition | relation | faculty
    text: str                   # what it says, for the issue and for meaning
    cues: set[str]              # lemmas that play it
    nouns: list[str] = field(default_factory=list)  # its bare nouns: naming them alone plays nothing
    weight: float = 1.0


@lru_cache(maxsize=1)
def _table() -> dict:
    return tomllib.loads(resources.files("auteur.tools.evaluation").joinpath("data/situation.toml").read_text("utf-8"))


@lru_cache(maxsize=20000)
def lemmas(word: str) -> frozenset[str]:
    """Every lemma a word may have, whatever its part of speech ("hearing" -> hearing, hear; "stolen" -> steal)."""
    from auteur.tools.language.forms import all_lemmas

    low = word.lower().strip("'’-")
    out = {low} | all_lemmas(low)
    if low.endswith("'s"):
        out.add(low[:-2])
    return frozenset(out)


def words_of(text: str) -> set[str]:
    out: set[str] = set()
    for w in WORD.findall(text):
        out |= lemmas(w)
        if "-" in w:
            for part in w.split("-"):
                out |= lemmas(part)
    return out


def facts(reading) -> list[Fact]:
    """The premise's facts, from its reading."""
    table = _table()
    out: list[Fact] = []
    ents = reading.entities
    seen: set[str] = set()
    roles: list[tuple[str, object]] = []
    for ev in reading.events:
        role = ev.part if ev.part != "main" or not any(k == "main" for k, _ in roles) else "second"
        if ev.mode in ("goal", "attempt") and role in ("detail", "second"):
            role = "goal"
        if ev.mode in ("loss", "inability") and role == "detail":
            role = "obstacle"
        if ev.mode == "refusal":
            role = "refusal"
        roles.append((role, ev))
    named = {w for e in ents for w in words_of(e.english) | set(lemmas(e.head))}
    for role, ev in roles:
        cues = _event_cues(ev, named)
        if not cues:
            continue
        text = ev.text or " ".join(x for x in (ev.verb, ev.obj, ev.rest) if x)
        key = f"{role}:{ev.verb}"
        if key in seen:
            continue
        seen.add(key)
        nouns = [ents[k].english for k in (ev.agent, ev.patient) if k is not None]
        out.append(Fact(key=key, kind="event", text=text, cues=cues, nouns=nouns, weight=FACT_WEIGHTS.get(role, 0.75)))
        if ev.mode == "loss":
            for word in reversed(ev.obj.lower().split()):
                if word in table["faculties"]:
                    out.append(Fact(key=f"faculty:{word}", kind="faculty", text=f"without {word}",
                                    cues=_lemmatized(table["faculties"][word]), weight=FACT_WEIGHTS["faculty"]))
                    break
    for cond in reading.conditions:
        cues = _lemmatized(table["conditions"].get(cond, [cond]))
        out.append(Fact(key=f"condition:{cond}", kind="condition", text=cond, cues=cues, weight=FACT_WEIGHTS["condition"]))
    for rel in reading.relations:
        target = ents[rel.target]
        if not target.is_character:
            continue
        noun = rel.noun.lower()
        cues = _lemmatized(table["relations"].get(noun, [noun]))
        key = f"relation:{noun}"
        if key not in seen:
            seen.add(key)
            out.append(Fact(key=key, kind="relation", text=f"{ents[rel.owner].english}'s {noun}", cues=cues,
                            weight=FACT_WEIGHTS["relation"]))
    return out


def _lemmatized(words) -> set[str]:
    """The table's words and their lemmas: "lights" is played by "light", "locked" by "lock"."""
    out: set[str] = set()
    for w in words:
        out |= {w} | set(lemmas(w))
    return out


def _event_cues(ev, named: set[str] = frozenset()) -> set[str]:
    """The lemmas that play an event: its verb and the verb's other words; for a light verb, its complement, unless
    the complement is one of the premise's own nouns (`named`): "becomes sentient" is played by "sentient", but "fait
    rêver toute la ville", read as "makes the city dream", is played by "dream", not by naming the city."""
    verb = ev.verb.lower()
    cues: set[str] = set()
    if verb not in LIGHT_VERBS:
        cues |= {verb} | set(lemmas(verb))
        for other in _table().get("verbs", {}).get(verb, []):
            cues |= _lemmatized(w for w in other.split() if len(w) > 2)
    if verb in LIGHT_VERBS or ev.mode == "state":
        # "are not alone", "becomes sentient", "has other plans": the complement carries it
        comp = [w for w in WORD.findall(ev.obj) if w.lower() not in {"a", "an", "the", "other", "her", "his", "their", "its", "my"}]
        if comp and len(comp[-1]) > 2 and not set(lemmas(comp[-1])) & named:
            cues |= set(lemmas(comp[-1]))
    if verb in LIGHT_VERBS and ev.rest:
        # "makes the city dream" (fait rêver): what the light verb makes happen is the act
        first = WORD.match(ev.rest)
        if first and first.group().lower() not in PREPOSITIONS:
            cues |= {first.group().lower()} | set(lemmas(first.group().lower()))
    if ev.particle and verb in LIGHT_VERBS:
        cues.discard(ev.particle)
    return {c for c in cues if len(c) > 2}


def _units(film: Film) -> list[tuple[str, str, str, str]]:
    """(kind, scene id, text, speaker token) for every line, plot and shot action of the film, as written."""
    out = []
    for scene in film.scenes:
        out.append(("plot", scene.id, scene.plot, ""))
        lines = list(scene.dialogue) or [ln for sh in scene.shots for ln in sh.dialogue]
        out += [("line", scene.id, ln.line, ln.speaker) for ln in lines]
        out += [("action", scene.id, sh.action, "") for sh in scene.shots if sh.action]
    return out


def _own_words(units: list[tuple[str, str, str, str]], prompt: str) -> list[tuple[str, str, str, str]]:
    """The units without the runs of words they copy from the premise: "Lionel plays one final game against the
    computer" as a scene's plot tells the premise again, and plays nothing of it."""
    return [(kind, sid, strip_restated(text, prompt), who) for kind, sid, text, who in units]


def plays(units: list[tuple[str, str, str, str]], found: list[Fact], film: Film, reading) -> np.ndarray:
    """A boolean matrix: does unit i play fact j? By lemma; a line also by its speaker or by its scene."""
    if not units or not found:
        return np.zeros((len(units), len(found)), dtype=bool)
    words = [words_of(u[2]) for u in units]
    hit = np.array([[bool(w & f.cues) for f in found] for w in words], dtype=bool)
    talkers = _talking_facts(film, reading, found)
    names = {w for c in film.characters for w in words_of(c.name)}
    for scene in film.scenes:
        rows = [i for i, u in enumerate(units) if u[1] == scene.id]
        anchors = [i for i in rows if units[i][0] in ("plot", "action") and hit[i].any()]
        anchor_words = set().union(*(words[i] for i in anchors)) - names - STOP if anchors else set()
        for i in rows:
            if units[i][0] != "line" or hit[i].any():
                continue
            for j in talkers.get(units[i][3], []):
                hit[i, j] = True  # the parrot's every line is its repeating; the dead caller's, the call
            shared = {w for w in words[i] - names - STOP if len(w) > 3} & anchor_words
            if shared and not hit[i].any():
                j = next(j for a in anchors for j in np.flatnonzero(hit[a]))
                hit[i, j] = True
    return hit


def _cue_words(text: str, cues: set[str]) -> set[str]:
    """The premise words a text plays its facts by, one per word of the text ("trapped" is "trap")."""
    out = set()
    for w in WORD.findall(text):
        own = lemmas(w) & cues
        if own:
            out.add(min(own, key=lambda c: (len(c), c)))
    return out


def _said_again(written: list[tuple[str, str, str, str]], lines: list[int], cues: set[str],
                hit: np.ndarray) -> list[int]:
    """The lines that play the premise only by a premise word already said in `SAID_TIMES` earlier lines (counted
    in the lines as written): "we're trapped" in eight lines of nine is the premise restated, not played."""
    said: dict[str, int] = {}
    out = []
    for i in lines:
        words = _cue_words(written[i][2], cues)
        if hit[i].any() and words and all(said.get(w, 0) >= SAID_TIMES for w in words):
            out.append(i)
        for w in words:
            said[w] = said.get(w, 0) + 1
    return out


SPEECH = {"repeat", "say", "speak", "call", "phone", "demand", "ask", "dispense", "advise", "tell", "whisper", "sing",
          "talk", "answer", "warn", "beg", "insist", "knock", "receive"}
STOP = {"that", "this", "with", "have", "there", "what", "your", "they", "from", "will", "just", "then", "them",
        "been", "were", "when", "here", "into", "only", "over", "more", "some", "like", "back", "down", "know", "come",
        "look", "said", "says", "tell", "still", "again", "every", "never", "before", "after", "about", "their"}


def _talking_facts(film: Film, reading, found: list[Fact]) -> dict[str, list[int]]:
    """Speaker token -> the facts their speaking is (the premise makes their words the event)."""
    out: dict[str, list[int]] = {}
    for j, f in enumerate(found):
        verb = f.key.split(":", 1)[1] if ":" in f.key else ""
        if f.kind != "event" or verb not in SPEECH:
            continue
        for ev in reading.events:
            if ev.verb != verb:
                continue
            for k in (ev.agent, ev.patient if verb == "receive" else None):
                if k is None:
                    continue
                e = reading.entities[k]
                heads = set(lemmas(e.head)) | words_of(e.english)
                for c in film.characters:
                    if verb == "receive" and k == ev.patient:
                        continue
                    role = words_of(c.role.split(",")[0]) | words_of(c.appearance.split(",")[0])
                    if heads & role or (e.name and e.name.lower() in c.name.lower()):
                        out.setdefault(c.token, []).append(j)
            # "receives phone calls from a patient who died": the caller's lines are the calls
            if verb == "receive":
                for e in reading.entities:
                    if e.is_character and e.head in ev.rest.lower():
                        for c in film.characters:
                            if lemmas(e.head) & (words_of(c.role) | words_of(c.appearance.split(",")[0])):
                                out.setdefault(c.token, []).append(j)
    return out


def situation(film: Film, reading=None, model=None) -> Metric:
    """How much of the premise's situation the film plays, and how many of its lines play it."""
    if not film.scenes:
        return Metric(name="situation", family="premise", score=None, skipped="the film has no scenes yet")
    if reading is None:
        from auteur.tools.language.premise import read_premise

        reading = read_premise(film.prompt)
    found = facts(reading)
    if not found:
        return Metric(name="situation", family="premise", score=None,
                      skipped="no event, condition or relation could be read from the premise")
    written = _units(film)
    units = _own_words(written, film.prompt)
    hit = plays(units, found, film, reading)
    lines = [i for i, u in enumerate(units) if u[0] == "line"]
    played = hit.any(axis=0)
    cues = set().union(*(f.cues for f in found))
    said_again = _said_again(written, lines, cues, hit)
    for i in said_again:
        hit[i] = False
    line_share = float(hit[lines].any(axis=1).mean()) if lines else 0.0
    content = [j for j, f in enumerate(found) if f.key.startswith("content:")]
    for j, f in enumerate(found):
        if f.kind == "event" and f.key.startswith(("main:", "second:")) and content and played[content].any() \
                and any(ev.mode in ("perception", "discovery") and ev.verb == f.key.split(":", 1)[1] for ev in reading.events):
            played[j] = True  # "hears knocking": the knocking heard is the hearing played
    total = sum(f.weight for f in found)
    coverage = sum(f.weight for f, p in zip(found, played) if p) / total
    score = 0.5 * clamp01(line_share / LINE_TARGET) + 0.5 * coverage
    issues = [f"premise: {f.text!r} ({f.key.split(':')[0]}) is never played" for f, p in zip(found, played) if not p]
    per_scene: dict[str, float] = {}
    for scene in film.scenes:
        rows = [i for i, u in enumerate(units) if u[1] == scene.id and u[0] in ("line", "plot")]
        share = float(hit[rows].any(axis=1).mean()) if rows else 0.0
        per_scene[scene.id] = share
        scene_lines = [units[i][2] for i in rows if units[i][0] == "line" and not hit[i].any()]
        if rows and share == 0.0:
            issues.append(f"scene {scene.id}: neither its plot nor its lines play the premise's situation")
        elif scene_lines and len(scene_lines) == sum(1 for i in rows if units[i][0] == "line"):
            issues.append(f"scene {scene.id}: no line plays the premise (e.g. {scene_lines[0][:70]!r})")
    if said_again:
        words = sorted({w for i in said_again for w in _cue_words(written[i][2], cues)})
        issues.append(f"{len(said_again)} of {len(lines)} lines only say the premise's {', '.join(map(repr, words))} "
                      f"again (e.g. {written[said_again[0]][2][:70]!r}): a line that restates the premise does not play it")
    return Metric(name="situation", family="premise", score=score, weight=weight("situation"), issues=issues,
                  per_scene=per_scene, detail={"lines": line_share, "facts": coverage,
                                               **{f"fact:{f.key}": float(p) for f, p in zip(found, played)}})
