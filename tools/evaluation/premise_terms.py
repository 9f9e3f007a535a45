"""What a premise holds, as the evaluator needs it: its people, creatures, objects and places, their counts and looks.

The premise reader (`auteur.tools.language.premise.read_premise`, spaCy and MiniLM) does this; when it
cannot run (not installed, or its parser package missing), a small English reading stands in: noun phrases after determiners and numbers, their kind
from a shipped noun list (data/nouns.toml), counts from number words and plurals, gender from the
nouns and the pronoun that follows, age from adjectives, and given names from capitalised words.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from auteur.core.errors import AuteurError

CHARACTER_KINDS = ("person", "animal", "creature", "machine")
NUMBERS = {"one": 1, "a": 1, "an": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
           "nine": 9, "ten": 10, "twelve": 12, "twin": 2, "twins": 2, "both": 2, "pair": 2, "dozen": 12}
DETERMINERS = {"a", "an", "the", "her", "his", "its", "their", "my", "our", "your", "this", "these", "those",
               "every", "each", "some", "several", "many", "only", "last", "first", *NUMBERS}
PLACE_BEFORE = {"in", "at", "from", "to", "of", "near", "across", "into", "toward", "towards"}
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
TITLES = {"queen": "female", "king": "male", "princess": "female", "prince": "male", "mr": "male", "mrs": "female",
          "ms": "female", "lady": "female", "sir": "male", "aunt": "female", "uncle": "male"}


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


def kind_of(words: list[str]) -> str:
    """The kind of a noun phrase: the first word from the head backwards that the noun list knows, else a suffix."""
    known = lexicon()
    for w in reversed(words):
        if lemma(w) in known:
            return known[lemma(w)]
    head = lemma(words[-1])
    if len(head) >= 6 and re.search(r"(?:er|or|ist|ian|man|woman|ess)$", head):
        return "person"
    return "object"


def read_terms(prompt: str) -> PremiseTerms:
    """The premise's terms: from the premise reader when it is installed, else from the fallback reading."""
    try:
        from auteur.tools.language.premise import read_premise  # issue 10's reader

        reading = read_premise(prompt)
    except (ImportError, AuteurError):  # not installed, or its parser is missing: the small reading still counts
        return fallback_terms(prompt)
    entities: dict[str, Term] = {}
    for e in reading.entities:
        phrase = (getattr(e, "core", "") or e.phrase).strip()
        words = {w.lower() for w in _tokens(phrase)}
        # the reader leaves some looks open ("an old fisherman": no age); the phrase's own words fill them
        gender = e.gender if e.gender in ("female", "male") else (
            "female" if words & (FEMALE - {"her", "she", "hers"}) else "male" if words & (MALE - {"his", "he", "him"}) else None)
        age = {"child": "young", "young": "young", "old": "old"}.get(e.age or "") or (
            "old" if words & OLD else "young" if words & YOUNG else None)
        term = Term(phrase=phrase, head=lemma(e.head), kind=e.kind, count=e.count or 1, name=e.name,
                    gender=gender, age=age)
        key = (term.name or term.phrase).lower()
        entities.setdefault(key, term)  # a synopsis names Elsa four times: one term
    # the premise itself is the situation: the reader's want/obstacle fragments are lemmatised pieces of it
    return PremiseTerms(text=prompt, situation=prompt, entities=tuple(entities.values()))


def _tokens(sentence: str) -> list[str]:
    return re.findall(r"[^\W\d_][\w'’-]*|\d+|[,;:()]", sentence)


def looks_english(text: str) -> bool:
    """The fallback reading is English-only; other languages get no terms (the situation still counts)."""
    return bool({"a", "an", "the", "and", "of", "in", "to", "his", "her", "its"} & {w.lower() for w in _tokens(text)})


def fallback_terms(prompt: str) -> PremiseTerms:
    """A small English reading of a premise (see the module docstring)."""
    found: list[dict] = []
    if not looks_english(prompt):
        return PremiseTerms(text=prompt, situation=prompt, entities=())
    for sentence in re.split(r"(?<=[.!?。！？])\s*", prompt):
        words = _tokens(sentence)
        k = 0
        while k < len(words):
            w = words[k]
            low = w.lower()
            starts = low in DETERMINERS or (k == 0 and low not in STOP) or (w[0].isupper() and k > 0)
            if not starts or (low in STOP and low not in DETERMINERS):
                k += 1
                continue
            count = NUMBERS.get(low, 0) if low not in ("a", "an") else 1
            chunk, j = [] if low in DETERMINERS else [w], k + 1
            while j < len(words) and len(chunk) < 4:
                cur, nxt = words[j], words[j + 1].lower() if j + 1 < len(words) else ""
                if cur.lower() in STOP or cur.lower() in DETERMINERS - set(NUMBERS) - {"last", "first", "only"}:
                    break
                # a word followed by a determiner, an -s word followed by an -ing word, or a lowercase -s word
                # after a name, is the verb
                if nxt in DETERMINERS - {"last", "first", "only"} or (cur.endswith("s") and nxt.endswith("ing")
                                                                       and lemma(cur) not in lexicon()):
                    break
                if chunk and chunk[-1][0].isupper() and cur.islower() and cur.endswith("s") and lemma(cur) not in lexicon():
                    break
                chunk.append(cur)
                j += 1
                if cur.endswith(("'s", "’s")):
                    break
            while chunk and re.search(r"(?:ed|ing)$", chunk[-1]) and len(chunk) > 1:
                chunk.pop()
            # words after the last noun the list knows are the verb ("a satellite argue", "a robot learns")
            known = [n for n, c in enumerate(chunk) if lemma(c.removesuffix("'s").removesuffix("’s")) in lexicon()]
            if known and not chunk[-1][0].isupper():
                chunk = chunk[: known[-1] + 1]
            elif len(chunk) > 1 and chunk[-1].islower() and chunk[-1].endswith("s") and (j >= len(words) or words[j].lower() in STOP | DETERMINERS):
                chunk.pop()  # "a shy librarian discovers that": an unknown -s word before a clause word is the verb
            if chunk:
                found.append({"words": [c.removesuffix("'s").removesuffix("’s") for c in chunk], "count": count,
                              "det": low, "at": (sentence, k), "prev": words[k - 1].lower() if k else ""})
            k = max(j, k + 1)
    entities: dict[str, Term] = {}
    for item in found:
        term = _term(item)
        if term is None:
            continue
        key = (term.name or term.phrase).lower()
        old = entities.get(key)
        entities[key] = term if old is None else Term(old.phrase, old.head, old.kind, max(old.count, term.count),
                                                      old.name, old.gender or term.gender, old.age or term.age)
    return PremiseTerms(text=prompt, situation=prompt, entities=tuple(entities.values()))


def _term(item: dict) -> Term | None:
    words = [w for w in item["words"] if w.lower() not in STOP]
    if not words or all(w.lower() in NUMBERS or w.lower() in DETERMINERS for w in words):
        return None
    sentence, at = item["at"]
    caps = [w for w in words if w[0].isupper() and (at > 0 or w is not words[0]) and lemma(w) not in lexicon()
            and w.lower() not in NUMBERS]
    appositive = len(words) >= 2 and words[-2].islower()  # "the snowman Olaf", "his reindeer Sven"
    name = caps[-1] if caps and words[-1] == caps[-1] and (item["det"] not in ("a", "an", "the") or appositive) else None
    if name and len(words) == 1 and at == 0:
        name = None
    nouns = [w for w in words if w != name and w.lower() not in TITLES]
    if not nouns and not name:
        return None  # a bare title ("becomes Queen") is not a character of its own
    nouns = nouns or words
    head = lemma(nouns[-1])
    kind = kind_of(nouns) if nouns != [name] else "person"
    if name and len(words) == 1 and item["prev"] in PLACE_BEFORE:
        return Term(phrase=name, head=name.lower(), kind="place")  # "of Arendelle", "to Ahtohallan"
    if name and kind in ("object", "place", "time", "event"):
        kind = "person"
    plural = lemma(nouns[-1]) != nouns[-1].lower() and kind in CHARACTER_KINDS
    count = item["count"] if item["count"] > 1 else (2 if plural or any(w.lower() in ("twin", "twins") for w in words) else 1)
    lowered = [w.lower() for w in words] + [lemma(w) for w in words]  # "sisters" is as female as "sister"
    gender = next((TITLES[w] for w in lowered if w in TITLES), None)
    gender = gender or ("female" if FEMALE & set(lowered) else "male" if MALE & set(lowered) else None)
    if gender is None and kind == "person":
        gender = _pronoun_after(sentence, words[-1])
    age = "old" if OLD & set(lowered) else "young" if YOUNG & set(lowered) else None
    return Term(phrase=" ".join(words), head=head, kind=kind, count=count, name=name, gender=gender, age=age)


def _pronoun_after(sentence: str, word: str) -> str | None:
    """The gender of the first personal pronoun after `word`, when no other person comes between."""
    words = [w.lower() for w in _tokens(sentence)]
    try:
        start = words.index(word.lower()) + 1
    except ValueError:
        return None
    for w in words[start:]:
        if w in ("her", "she", "hers", "herself"):
            return "female"
        if w in ("his", "he", "him", "himself"):
            return "male"
        if lexicon().get(lemma(w)) == "person" or w in FEMALE | MALE:
            return None
    return None
