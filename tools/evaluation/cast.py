"""Cast sanity: the cast is the premise's cast, counted and drawn as the premise (or synopsis) says.

Faults, each named with the character it concerns:
- a character named by a common noun of the premise ("Tokyo", "Four", "Twin", "Storm");
- a character standing in for something the premise has as an object, a place or a time ("map", "week");
- looks that contradict the premise: species or kind (a parrot drawn as an old man), gender (the
  violinist who loses *her* hearing drawn as a man), age (an old fisherman drawn young);
- counts that contradict the premise (four teenagers played by one), or a lead of the premise's first
  sentence who is not in the cast at all.
One fault halves the score (1 / (1 + faults)): each is a film the viewer sees is wrong.
"""

from __future__ import annotations

import re

from auteur.core.schema import Character, Film
from auteur.tools.evaluation.metrics import Metric
from auteur.tools.evaluation.premise_terms import (CHARACTER_KINDS, DETERMINERS, FEMALE, MALE, NUMBERS, STOP,
                                                   PremiseTerms, Term, _tokens, lemma, lexicon, read_terms)
from auteur.tools.evaluation.weights import weight

GROUPS = {"crew", "family", "couple", "people", "team", "band", "gang", "class", "troupe", "choir", "army"}
GROUP_LOOK = {"swarm", "flock", "herd", "pack", "crowd", "group", "crew", "family", "pair", "twins", "couple",
              "colony", "band", "team", "school", "troupe", *(n for n in NUMBERS if n not in ("a", "an", "one"))}
OLD_LOOK = {"old", "elderly", "aged", "ancient", "wrinkled", "grey-haired", "white-haired", "grandmother", "grandfather"}
YOUNG_LOOK = {"young", "teenage", "teenager", "teen", "child", "girl", "boy", "kid", "little", "baby", "toddler",
              "schoolgirl", "schoolboy"}


def _words(text: str) -> list[str]:
    return [w.lower() for w in re.findall(r"[^\W\d_][\w'’-]*", text)]


def drawn_kind(c: Character) -> str:
    """What the appearance shows: the head noun of its first phrase ("a detective duck with a hat" -> animal),
    else any word of a character kind in it, else the declared kind."""
    head_phrase = re.split(r"\b(?:with|of|in|wearing|who|that)\b|[,;:(]", c.appearance.lower(), maxsplit=1)[0]
    for words in (list(reversed(_words(head_phrase))), _words(c.appearance)):
        for w in words:
            kind = lexicon().get(lemma(w))
            if kind in CHARACTER_KINDS and lemma(w) != "person":
                return kind
    return c.kind


def drawn_gender(c: Character) -> str | None:
    words = set(_words(f"{c.appearance} {c.wardrobe}"))
    if words & (FEMALE - {"her", "she", "hers"}):
        return "female"
    if words & (MALE - {"his", "he", "him"}):
        return "male"
    return c.voice.gender if c.voice.gender in ("female", "male") else None


def drawn_age(c: Character) -> str | None:
    words = set(_words(c.appearance))
    if words & OLD_LOOK:
        return "old"
    if words & YOUNG_LOOK:
        return "young"
    return None


def _head(text: str) -> str:
    """The words that say what someone is, before what a role or look says about them: "veteran late-night DJ" of
    "veteran late-night DJ losing her slot", "florist" of "florist who runs her late mother's shop"; an owner's
    name ("the submarine's sonar operator") is not what they are."""
    first = re.split(r"\b(?:who|that|which|of|with|from|whose|in|at|for|on)\b|[,;:(]", text.lower(), maxsplit=1)[0]
    # a participle clause with its own object ("... DJ losing her slot"): what they do, not what they are
    first = re.split(r"\s\w{3,}ing\s+(?=(?:her|his|their|its|the|a|an|my|over|up|out|on|in|to)\b)", first, maxsplit=1)[0]
    return " ".join(w for w in first.split() if not w.endswith(("'s", "’s")))


def _has(text: str, head: str) -> bool:
    return head in {lemma(w) for w in _words(text)}


def _last_is(text: str, head: str) -> bool:
    """Whether the phrase is a `head`: "town clerk" is a clerk, not the premise's town; "night caretaker" no night."""
    words = _words(text)
    return bool(words) and lemma(words[-1]) == head


def link(terms: PremiseTerms, cast: list[Character]) -> dict[str, Term]:
    """Which premise term each character plays: a given name first, then the role, the name, the appearance."""
    out: dict[str, Term] = {}
    entities = list(terms.entities)
    for c in cast:
        by_name = next((e for e in entities if e.name and (e.name.lower() == c.name.lower()
                                                           or e.name.lower() in c.name.lower().split())), None)
        if by_name:
            out[c.token] = by_name
    for source in (lambda c: _head(c.role), lambda c: c.name, lambda c: _head(c.appearance)):
        for c in cast:
            if c.token in out:
                continue
            found = next((e for e in entities if not e.name and _has(source(c), e.head)
                          and (e.kind in CHARACTER_KINDS or _last_is(source(c), e.head))), None)
            if found:
                out[c.token] = found
    return out


def _leads(terms: PremiseTerms) -> list[Term]:
    """The character terms of the premise's first sentence: the ones a film cannot leave out."""
    first = re.split(r"(?<=[.!?。！？])\s", terms.text.strip(), maxsplit=1)[0].lower()
    return [e for e in terms.characters() if (e.name or e.phrase).lower() in first]


def cast_sanity(film: Film, terms: PremiseTerms | None = None) -> Metric:
    """Faults in who the cast is, how many, and how they are drawn, against the premise."""
    terms = terms or read_terms(film.prompt)
    premise_words = {lemma(w) for w in _tokens(terms.text) if w[0].isalpha()} | {w.lower() for w in _tokens(terms.text)}
    given = terms.given_names()
    links = link(terms, film.characters)
    issues: list[str] = []

    def fault(c: Character, text: str) -> None:
        issues.append(f"cast {c.token} ({c.name}): {text}")

    for c in film.characters:
        low = c.name.lower()
        term = links.get(c.token)
        # "Storm" for the premise's storm, drawn as a creature, is that character's name, as in a fable; "Night",
        # "Murder" or "Hometown" as a person is the planner turning the premise's nouns into people
        plays_itself = (term is not None and c.kind != "person" and drawn_kind(c) != "person"
                        and set(_words(c.name)) <= set(_words(term.phrase)))
        if low not in given and not plays_itself and (low in premise_words or lemma(low) in premise_words
                                                      or low in DETERMINERS | STOP):
            fault(c, f"named by the premise's word {c.name!r}; a character needs a name of their own")
        if term is None:
            continue
        shown = drawn_kind(c)
        if term.kind not in CHARACTER_KINDS:
            # a storm or a computer may be played as a creature or a machine; a person standing in for the
            # premise's valley, map or week is the planner turning nouns into people
            if shown == "person" or c.kind == "person":
                fault(c, f"plays the premise's {term.phrase!r}, which is {'an' if term.kind[0] in 'aeiou' else 'a'} "
                         f"{term.kind}, not a character")
            continue
        if term.kind != "person" and (shown == "person" or c.kind == "person"):
            fault(c, f"the premise's {term.phrase} ({term.kind}) is drawn as a person")
        elif term.kind == "person" and shown != "person":
            fault(c, f"the premise's {term.phrase} (a person) is drawn as {'an' if shown[0] in 'aeiou' else 'a'} {shown}")
        gender = drawn_gender(c)
        if term.gender and gender and gender != term.gender:
            fault(c, f"the premise's {term.name or term.phrase} is {term.gender} but is drawn {gender}")
        age = drawn_age(c)
        if term.age and age and age != term.age:
            fault(c, f"the premise's {term.phrase} is {term.age} but is drawn {age}")
    for term in _leads(terms):
        playing = [c for c in film.characters if links.get(c.token) == term]
        if term.head in GROUPS:
            people = sum(drawn_kind(c) == "person" for c in film.characters)
            if people < 2:
                issues.append(f"premise: the {term.phrase} is a group but the cast has {people} person")
            continue
        group = any(set(_words(c.appearance)) & GROUP_LOOK or _has_plural(c.appearance, term.head) for c in playing)
        have = term.count if group else len(playing)
        if have == 0:
            issues.append(f"premise: the {term.name or term.phrase} ({term.kind}) is not in the cast")
        elif have < term.count:
            issues.append(f"premise: {term.count if term.count > 2 else 'two or more'} {term.phrase} in the premise, "
                          f"{have} in the cast ({', '.join(c.name for c in playing)})")
    return Metric(name="cast_sanity", family="premise", score=1.0 / (1.0 + len(issues)), weight=weight("cast_sanity"),
                  issues=issues, detail={"faults": len(issues), "linked": len(links)})


def _has_plural(text: str, head: str) -> bool:
    return any(lemma(w) == head and w != head for w in _words(text))
