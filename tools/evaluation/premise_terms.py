"""What a premise holds, as the evaluator needs it: its people, creatures, objects and places, their counts and looks.

The premise reader (`auteur.tools.language.premise.read_premise`: spaCy's parser and MiniLM) reads the
premise; this module turns its entities into the evaluator's terms and fills looks the reader leaves open
from the phrase's own words. The word lists here also serve the cast checks (`cast.py`): the noun list
(data/nouns.toml) and its plural rule, determiners, number words and gendered nouns.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


CHARACTER_KINDS = ("person", "animal", "creature", "machine")
NUMBERS = {"one": 1, "a": 1, "an": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
           "nine": 9, "ten": 10, "twelve": 12, "twin": 2, "twins": 2, "both": 2, "pair": 2, "dozen": 12}
DETERMINERS = {"a", "an", "the", "her", "his", "its", "their", "my", "our", "your", "this", "these", "those",
               "every", "each", "some", "several", "many", "only", "last", "first", *NUMBERS}
STOP = {",", ";", ":", "(", ")", "in", "on", "at", "of", "from", "to", "with", "for", "by", "about", "into", "over", "under", "through",
        "across", "before", "after", "during", "except", "instead", "than", "while", "whose", "who", "that", "which",
        "and", "or", "but", "as", "because", "where", "when", "if", "is", "are", "was", "were", "be", "been",
        "becomes", "become", "must", "can", "could", "will", "would", "should", "may", "might", "has", "have", "had",
        "do", "does", "did", "not", "no", "it", "he", "she", "they", "him", "them", "we", "i", "you", "there",
        "here", "together", "out", "up", "down", "again", "once", "still", "even", "so", "too", "very", "every"}
FEMALE = {"woman", "girl", "mother", "mom", "sister", "daughter", "grandmother", "grandma", "granddaughter", "aunt",
          "niece", "wife", "widow", "bride", "queen", "princess", "lady", "heroine", "nun", "maid", "actress",
          "waitress", "boulangère", "hija", "her", "she", "hers"}
MALE = {"man", "boy", "father", "dad", "brother", "son", "grandfather", "grandpa", "grandson", "uncle", "nephew",
        "husband", "widower", "groom", "king", "prince", "monk", "gentleman", "fisherman", "hijo", "pescador",
        "his", "he", "him"}
OLD = {"old", "elderly", "aged", "retired", "ancient", "viejo", "vieja", "grandmother", "grandfather", "grandma",
       "grandpa", "widow", "widower"}
YOUNG = {"young", "little", "teenage", "teenager", "teen", "teenagers", "child", "kid", "baby", "boy", "girl",
         "granddaughter", "grandson", "jeune", "toddler", "schoolgirl", "schoolboy"}


@dataclass(frozen=True)
class Term:
    """One thing a premise names: a noun phrase, its head word, what kind of thing it is, how many, and how it looks."""

    phrase: str
    head: str
    kind: str  # person | animal | creature | machine | object | place | time | event
    count: int = 1
    name: str | None = None
    gender: str | None = None  # female | male
    age: str | None = None  # old | young


@dataclass(frozen=True)
class PremiseTerms:
    text: str
    situation: str
    entities: tuple[Term, ...]

    def characters(self) -> list[Term]:
        return [e for e in self.entities if e.kind in CHARACTER_KINDS]

    def given_names(self) -> set[str]:
        """Names the premise gives its characters (a place's name, "Tokyo", is no name for a person)."""
        return {e.name.lower() for e in self.entities if e.name and e.kind in CHARACTER_KINDS}


@lru_cache(maxsize=1)
def lexicon() -> dict[str, str]:
    """Noun -> kind, from data/nouns.toml."""
    data = tomllib.loads(resources.files("auteur.tools.evaluation").joinpath("data/nouns.toml").read_text("utf-8"))
    return {word: kind for kind, words in data.items() for word in words}


def lemma(word: str) -> str:
    """A noun's singular, when the noun list knows it (bees -> bee, DJs -> dj, sisters -> sister)."""
    w = word.lower().strip("'’")
    known = lexicon()
    for cut, add in (("ies", "y"), ("es", ""), ("s", "")):
        if w.endswith(cut) and len(w) > len(cut) + 1 and (w[: -len(cut)] + add) in known:
            return w[: -len(cut)] + add
    if w.endswith("s") and not w.endswith("ss") and len(w) > 3 and w not in known:
        return w[:-1]
    return w


def read_terms(prompt: str) -> PremiseTerms:
    """The premise's terms, from the premise reader."""
    from auteur.tools.language.premise import read_premise  # spaCy and MiniLM load on first use

    reading = read_premise(prompt)
    entities: dict[str, Term] = {}
    for e in reading.entities:
        # a premise in another language is planned in English: its terms are the readers' English for them
        phrase = (e.en or getattr(e, "core", "") or e.phrase).strip()
        words = {w.lower() for w in _tokens(phrase)}
        # the reader leaves some looks open ("an old fisherman": no age); the phrase's own words fill them
        gender = e.gender if e.gender in ("female", "male") else (
            "female" if words & (FEMALE - {"her", "she", "hers"}) else "male" if words & (MALE - {"his", "he", "him"}) else None)
        age = {"child": "young", "young": "young", "old": "old"}.get(e.age or "") or (
            "old" if words & OLD else "young" if words & YOUNG else None)
        head = phrase.split()[-1] if e.en and not e.name else e.head
        term = Term(phrase=phrase, head=lemma(head), kind=e.kind, count=e.count or 1, name=e.name,
                    gender=gender, age=age)
        key = (term.name or term.phrase).lower()
        entities.setdefault(key, term)  # a synopsis names Elsa four times: one term
    # the premise itself is the situation: the reader's want/obstacle fragments are lemmatised pieces of it
    return PremiseTerms(text=prompt, situation=prompt, entities=tuple(entities.values()))


def _tokens(sentence: str) -> list[str]:
    return re.findall(r"[^\W\d_][\w'’-]*|\d+|[,;:()]", sentence)
