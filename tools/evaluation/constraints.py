"""Constraints: what the premise rules out does not happen in the film.

Faults, each naming the character or shot:
- a character the premise leaves without a voice ("loses his voice", "a mute ...") speaks after the first scene;
- a character the premise makes unseen, dead or missing is framed on screen (a missing one may be found in the
  last scene); a voice on the phone or a knocking beyond the hull is heard, not shown;
- the premise's pronoun for a character ("her", "his") contradicts the cast's gender for them;
- two characters share a name, or a character is named by a common noun (the premise's own nouns, or what it is:
  "Whale", "Note", "Seagull");
- a relation the premise names ("her grandson") has nobody in the cast.
One fault halves the score (1 / (1 + faults)).
"""

from __future__ import annotations

from auteur.core.schema import Character, Film
from auteur.tools.evaluation.cast import _head
from auteur.tools.evaluation.metrics import Metric
from auteur.tools.evaluation.situation import lemmas, words_of
from auteur.tools.evaluation.weights import weight

VOICE = {"voice", "speech"}
MUTE = {"mute", "voiceless", "speechless", "tongueless"}


def _link(film: Film, reading) -> dict[int, list[Character]]:
    """Which cast members play each premise character: by name, by role words, by what they are."""
    out: dict[int, list[Character]] = {}
    for k, e in enumerate(reading.entities):
        if not e.is_character:
            continue
        # by the premise's head noun only: "the missing owner's parrot" shares "missing" with "its missing owner",
        # but is a parrot
        heads = set(lemmas(e.head)) | (set(lemmas(e.english.split()[-1])) if e.english.split() else set())
        for c in film.characters:
            named = e.name and e.name.lower() in c.name.lower()
            role = words_of(_head(c.role)) | words_of(_head(c.appearance))
            if named or (not e.name and heads & role):
                out.setdefault(k, []).append(c)
    return out


def constraints(film: Film, reading=None) -> Metric:
    if reading is None:
        from auteur.tools.language.premise import read_premise

        reading = read_premise(film.prompt)
    links = _link(film, reading)
    issues: list[str] = []
    found_in = {sc.id for sc in film.scenes[-2:]}  # a missing one may be found at the climax or after
    first = film.scenes[0].id if film.scenes else None
    for k, e in enumerate(reading.entities):
        if not e.is_character:
            continue
        playing = links.get(k, [])
        mute = bool(set(e.phrase.lower().split()) & MUTE) or any(
            ev.agent == k and ev.mode == "loss" and set(ev.obj.lower().split()) & VOICE for ev in reading.events)
        for c in playing:
            if mute:
                spoken = [sc.id for sc in film.scenes if sc.id != first for ln in sc.dialogue if ln.speaker == c.token]
                if spoken:
                    issues.append(f"cast {c.token} ({c.name}): the premise takes away {c.name}'s voice, but "
                                  f"{c.name} speaks in scene {spoken[0]}")
            if e.status in ("unseen", "dead", "missing"):
                framed = [sh.id for sc in film.scenes for sh in sc.shots if any(b.character == c.token for b in sh.framing)
                          and not (e.status == "missing" and sc.id in found_in)]
                if framed:
                    issues.append(f"shot {framed[0]}: {c.name} is {e.status} in the premise but is framed on screen")
            if e.gender and c.kind == "person" and c.voice.gender in ("female", "male") and c.voice.gender != e.gender:
                issues.append(f"cast {c.token} ({c.name}): the premise's {e.english} is {e.gender}, the cast has them "
                              f"{c.voice.gender}")
    issues += _names(film, reading)
    for rel in reading.relations:
        target = reading.entities[rel.target]
        if target.is_character and not links.get(rel.target):
            owner = reading.entities[rel.owner].english
            issues.append(f"premise: {owner}'s {rel.noun} is not in the cast")
    return Metric(name="constraints", family="premise", score=1.0 / (1.0 + len(issues)), weight=weight("constraints"),
                  issues=issues, detail={"faults": len(issues)})


def _names(film: Film, reading) -> list[str]:
    issues = []
    seen: dict[str, Character] = {}
    premise = {w for e in reading.entities for w in words_of(e.english)} | words_of(reading.english or reading.text)
    for c in film.characters:
        # "Chen Lei" and "Chen Wei" are a family; two "Seagull"s or two "Mara"s are one name twice
        key = c.name.lower() if len(c.name.split()) > 1 else c.name.split()[0].lower()
        if key in seen:
            issues.append(f"cast {c.token} ({c.name}): shares the name {c.name!r} with {seen[key].token}")
        seen[key] = c
        if c.name.lower().startswith(("the ", "a ", "an ")):
            continue  # "the knocker": a label for someone the film never names, not a common noun passed off as a name
        name_words = {w.lower() for w in c.name.split()}
        what = words_of(c.role) | {w for w in words_of(c.appearance.split(",")[0])}
        common = {w for w in name_words if lemmas(w) & (what | premise) and not any(
            e.name and w in e.name.lower() for e in reading.entities)}
        if common:
            issues.append(f"cast {c.token} ({c.name}): named by a common noun ({', '.join(sorted(common))}); "
                          "a character needs a name of their own")
    return issues
