"""English clauses from events: who says it to whom decides the person ("I lost my hearing", "you lost your
hearing", "Mara lost her hearing"), the form decides tense, aspect, polarity and mood. Verb forms come from
lemminflect; everything else is the closed-class grammar of English (auxiliaries, pronouns, articles).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from auteur.tools.language.reading import Event

PRONOUN = {  # (person, plural, gender) -> subject, object, possessive, reflexive
    (1, False, None): ("I", "me", "my", "myself"), (1, True, None): ("we", "us", "our", "ourselves"),
    (2, False, None): ("you", "you", "your", "yourself"), (2, True, None): ("you", "you", "your", "yourselves"),
    (3, True, None): ("they", "them", "their", "themselves"), (3, False, "female"): ("she", "her", "her", "herself"),
    (3, False, "male"): ("he", "him", "his", "himself"), (3, False, "neutral"): ("it", "it", "its", "itself"),
}
POSSESSIVES = {"her", "his", "their", "its", "my", "your", "our"}
OBJECT_PRONOUNS = {"him", "her", "them", "it", "me", "us", "you", "itself", "herself", "himself", "themselves"}
# "an hour", "a unicorn": the sound decides, not the letter
_AN_EXCEPTIONS = ("hour", "honest", "honour", "honor", "heir")
_A_EXCEPTIONS = ("uni", "use", "usu", "euro", "one", "once", "ewe")


def article(word: str) -> str:
    low = word.lower()
    if low.startswith(_AN_EXCEPTIONS):
        return "an"
    if low.startswith(_A_EXCEPTIONS):
        return "a"
    return "an" if low[:1] in "aeiou" else "a"


@lru_cache(maxsize=4096)
def inflect(lemma: str, tag: str) -> str:
    """A verb form: VBZ (she loses), VBD (lost), VBN (lost), VBG (losing), VB (lose)."""
    from auteur.tools.language.forms import inflection

    if tag == "VB":
        return lemma
    if lemma == "be":
        return {"VBZ": "is", "VBD": "was", "VBN": "been", "VBG": "being"}[tag]
    if lemma == "have":
        return {"VBZ": "has", "VBD": "had", "VBN": "had", "VBG": "having"}[tag]
    found = inflection(lemma, tag)
    if found:
        return found
    if tag == "VBZ":
        return lemma + ("es" if lemma.endswith(("s", "sh", "ch", "x", "z", "o")) else "s")
    if tag in ("VBD", "VBN"):
        return lemma + ("d" if lemma.endswith("e") else "ed")
    return (lemma[:-1] if lemma.endswith("e") and not lemma.endswith("ee") else lemma) + "ing"


@dataclass(frozen=True)
class NP:
    """A noun phrase as a clause needs it: its words, person, number and gender (for pronouns)."""

    text: str                 # "Mara", "the vending machine", "the bees"
    person: int = 3
    plural: bool = False
    gender: str = "neutral"   # female, male or neutral (a thing or an animal)
    pronoun: bool = False     # say it as a pronoun ("she") rather than by its words

    def _forms(self) -> tuple[str, str, str, str]:
        g = None if self.person != 3 or self.plural else (self.gender if self.gender in ("female", "male") else "neutral")
        return PRONOUN[(self.person, self.plural, g)]

    @property
    def subj(self) -> str:
        return self._forms()[0] if self.person != 3 or self.pronoun else self.text

    @property
    def obj(self) -> str:
        return self._forms()[1] if self.person != 3 or self.pronoun else self.text

    @property
    def poss(self) -> str:
        if self.person != 3 or self.pronoun:
            return self._forms()[2]
        return self.text + ("'" if self.text.endswith("s") and self.plural else "'s")

    @property
    def poss_pronoun(self) -> str:
        return self._forms()[2]

    @property
    def reflexive(self) -> str:
        return self._forms()[3]

    def as_person(self, person: int) -> NP:
        return replace(self, person=person)

    def said(self) -> NP:
        """The same one referred to again: a pronoun."""
        return replace(self, pronoun=True)


def third(text: str, plural: bool = False, gender: str = "neutral") -> NP:
    return NP(text=text, person=3, plural=plural, gender=gender)


def _be(subj: NP, tense: str) -> str:
    if tense == "past":
        return "were" if subj.plural or subj.person == 2 else "was"
    if subj.person == 1 and not subj.plural:
        return "am"
    return "are" if subj.plural or subj.person == 2 else "is"


def _has(subj: NP) -> str:
    return "have" if subj.plural or subj.person in (1, 2) else "has"


def _does(subj: NP) -> str:
    return "do" if subj.plural or subj.person in (1, 2) else "does"


def finite(subj: NP, lemma: str, tense: str) -> str:
    """The verb agreeing with its subject: "I lose", "she loses", "they lost"."""
    if lemma == "be":
        return _be(subj, tense)
    if tense == "past":
        return inflect(lemma, "VBD")
    if subj.plural or subj.person in (1, 2):
        return lemma
    return inflect(lemma, "VBZ")


CONTRACTIONS = (("I am", "I'm"), ("you are", "you're"), ("we are", "we're"), ("they are", "they're"),
                ("she is", "she's"), ("he is", "he's"), ("it is", "it's"), ("is not", "isn't"),
                ("are not", "aren't"), ("was not", "wasn't"), ("were not", "weren't"), ("do not", "don't"),
                ("does not", "doesn't"), ("did not", "didn't"), ("have not", "haven't"), ("has not", "hasn't"),
                ("can not", "can't"), ("cannot", "can't"), ("will not", "won't"), ("I will", "I'll"),
                ("you will", "you'll"), ("we will", "we'll"), ("would not", "wouldn't"), ("could not", "couldn't"))


def contract(text: str) -> str:
    """Spoken English: "I am" -> "I'm", "does not" -> "doesn't" (lines only, never plots)."""
    for full, short in CONTRACTIONS:
        text = re.sub(rf"\b{full}\b", short, text)
        text = re.sub(rf"\b{full.capitalize()}\b", short[:1].upper() + short[1:], text)
    # "I have lost" -> "I've lost", but "I have to" and "I have a plan" stay: the contraction is for the perfect only
    return re.sub(r"\b(I|you|we|they|You|We|They) have (\w+)\b",
                  lambda m: f"{m[1]}'ve {m[2]}" if _participle(m[2]) else m[0], text)


def _participle(word: str) -> bool:
    from auteur.tools.language.forms import lemma

    if word in ("been", "got", "gotten"):
        return True
    base = lemma(word, "VERB")
    return bool(base) and inflect(base, "VBN") == word and word not in ("do", "make", "have", "get", "let", "put")


@dataclass(frozen=True)
class Predicate:
    """An event's predicate with its object and the rest, ready to conjugate: "lose" + "her hearing"."""

    verb: str
    obj: str = ""
    rest: str = ""
    particle: str = ""
    passive: bool = False  # "the pumpkin has been stolen", "they are trapped in the studio"

    def tail(self) -> str:
        return " ".join(x for x in (self.particle, self.obj, self.rest) if x)


def clause(subj: NP, pred: Predicate, form: str = "present", negative: bool = False, modal: str = "") -> str:
    """A whole clause. form: present, progressive, past, perfect, future, question, perfect_question, base, ing,
    to (infinitive), pp (past participle phrase). modal: can, must, have to, want to, try to, ... (with base form)."""
    v, tail = pred.verb, pred.tail()
    not_ = " not" if negative else ""
    if form in ("base", "ing", "to", "pp"):
        core = {"base": "be " + inflect(v, "VBN") if pred.passive else v,
                "ing": ("being " + inflect(v, "VBN")) if pred.passive else inflect(v, "VBG"),
                "to": "to " + ("be " + inflect(v, "VBN") if pred.passive else v),
                "pp": inflect(v, "VBN")}[form]
        if negative:
            core = "not " + core
        return _join(core, tail)
    s = subj.subj
    if modal:
        verb = ("be " + inflect(v, "VBN")) if pred.passive else v
        return _join(f"{s} {modal}{not_} {verb}", tail)
    if pred.passive or v == "be":
        be_tense = "past" if form == "past" else "present"
        words = inflect(v, "VBN") if pred.passive and v != "be" else ""
        if form == "perfect":
            return _join(f"{s} {_has(subj)}{not_} been {words}".rstrip(), tail)
        if form in ("question", "perfect_question"):
            head = _be(subj, be_tense) if form == "question" else f"{_has(subj)}"
            mid = "" if form == "question" else " been"
            return _join(f"{head}{not_} {s}{mid} {words}".rstrip(), tail)
        if form == "future":
            return _join(f"{s} will{not_} be {words}".rstrip(), tail)
        return _join(f"{s} {_be(subj, be_tense)}{not_} {words}".rstrip(), tail)
    if form == "progressive":
        return _join(f"{s} {_be(subj, 'present')}{not_} {inflect(v, 'VBG')}", tail)
    if form == "perfect":
        return _join(f"{s} {_has(subj)}{not_} {inflect(v, 'VBN')}", tail)
    if form == "future":
        return _join(f"{s} will{not_} {v}", tail)
    if form == "question":
        return _join(f"{_does(subj)}{not_} {s} {v}", tail)
    if form == "perfect_question":
        return _join(f"{_has(subj)}{not_} {s} {inflect(v, 'VBN')}", tail)
    if negative:
        aux = "did" if form == "past" else _does(subj)
        return _join(f"{s} {aux} not {v}", tail)
    return _join(f"{s} {finite(subj, v, 'past' if form == 'past' else 'present')}", tail)


def _join(*parts: str) -> str:
    return " ".join(p for p in parts if p).strip()


def sentence(text: str) -> str:
    """First letter up, a full stop unless it has its own end."""
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"\s+([,.;:!?])", r"\1", text)
    if not text:
        return text
    text = text[:1].upper() + text[1:]
    return text if text[-1] in ".!?\"'…" else text + "."


def perspective(text: str, owner: NP | None, others: dict[str, NP] | None = None) -> str:
    """An event's words said from a point of view: "her hearing" said by the one who lost it is "my hearing";
    a pronoun that stands for someone now addressed or speaking turns with them ("humiliated him" -> "me")."""
    if owner is None:
        return text
    words = text.split(" ")
    for k, w in enumerate(words):
        low = w.lower()
        if low in POSSESSIVES and _same_referent(low, owner):
            words[k] = owner.poss_pronoun if owner.person != 3 else w
        elif low in ("herself", "himself", "itself", "themselves") and _same_referent(low, owner):
            words[k] = owner.reflexive
    return " ".join(words)


def _same_referent(pronoun: str, np: NP) -> bool:
    if pronoun in ("their", "themselves"):
        return np.plural
    if pronoun in ("her", "herself"):
        return np.gender == "female" and not np.plural
    if pronoun in ("his", "himself"):
        return np.gender == "male" and not np.plural
    if pronoun in ("its", "itself"):
        return np.gender == "neutral" and not np.plural
    return False


def predicate(event: Event, obj: str | None = None, rest: str | None = None) -> Predicate:
    """The predicate of an event as the premise says it."""
    passive = event.agent is None and event.patient is not None and not event.obj and event.verb != "be"
    return Predicate(verb=event.verb, obj=event.obj if obj is None else obj, rest=event.rest if rest is None else rest,
                     particle=event.particle, passive=passive)


def plural_noun(noun: str) -> str:
    from auteur.tools.language.forms import inflection

    words = noun.split()
    found = inflection(words[-1], "NNS")
    words[-1] = found if found else words[-1] + "s"
    return " ".join(words)


def singular_noun(noun: str) -> str:
    from auteur.tools.language.forms import lemma

    words = noun.split()
    last = words[-1]
    found = lemma(last, "NOUN")
    if found:
        words[-1] = found
    if words[-1] == last and re.fullmatch(r"[A-Z]{2,}s", last):
        words[-1] = last[:-1]  # "DJs", "CEOs": an acronym's plural, which the lemma tables do not hold
    return " ".join(words)
