"""Where a story happens: the places its people are in, by the phrases that put them there.

A place phrase follows a preposition of place ("on the slipway", "in der Werkstatt", "at Vell") or is the
subject of standing or lying ("The map shop stood at the bottom of Chandler Street"). English common nouns
are kept when the packaged MiniLM puts them nearer the premise reader's place prototypes than its
object, person or time ones (a quay is a place, a pocket is not); German ones (MiniLM reads English) when
a person is put there or the text comes back to them. Named places are the names the cast reader found
after "at", "in" or "von".
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from auteur.tools.language.story_text.cast import Cast
from auteur.tools.language.story_text.model import StoryPlace
from auteur.tools.language.story_text.source import Source
from auteur.tools.language.story_text.tokens import Tok

SETTING_VERBS = {"stand", "lie", "sit", "rise", "stehen", "liegen"}
CONTRACTED = {"im": "dem", "am": "dem", "zum": "dem", "vom": "dem", "beim": "dem", "zur": "der", "ins": "das",
              "ans": "das", "aufs": "das"}


@dataclass
class Sighting:
    p: int
    start: int
    end: int
    key: str          # the place's head: "quay", "werkstatt", "Holm"
    phrase: str       # as written: "the quay", "der Werkstatt"
    located: bool     # a character is in the same sentence
    setting: bool = False  # the phrase is what stands or lies somewhere ("The map shop stood ...")


@dataclass
class PlaceBook:
    places: list[StoryPlace]
    sightings: list[Sighting] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)  # key -> StoryPlace.name

    def in_paragraph(self, p: int) -> list[Sighting]:
        return [s for s in self.sightings if s.p == p]


def read_places(src: Source, cast: Cast) -> PlaceBook:
    raw = _sightings(src, cast)
    keep = _typed(src, raw)
    sightings = [s for s in raw if s.key in keep]
    counts = Counter(s.key for s in sightings)
    names: dict[str, str] = {}
    places: list[StoryPlace] = []
    for s in sightings:
        if s.key in names:
            continue
        names[s.key] = _name(src, s, sightings)
        places.append(StoryPlace(name=names[s.key], aliases=tuple(sorted({x.phrase for x in sightings if x.key == s.key}
                                                                          - {names[s.key]})),
                                 look=_sentence_of(src, s), mentions=counts[s.key]))
    return PlaceBook(places=places, sightings=sightings, names=names)


def _sightings(src: Source, cast: Cast) -> list[Sighting]:
    named = {name for name, _ in cast.place_names}
    out: list[Sighting] = []
    being = set(src.cues["being"])
    for p, toks in enumerate(src.toks):
        people = [m for m in cast.mentions if m.p == p]
        for k, t in enumerate(toks):
            if t.quote >= 0:
                continue
            span = _place_phrase(src, toks, k, named)
            if span is None:
                continue
            start, end, key, setting = span
            if key.lower() in src.cues["times"] or key.lower() in src.cues["calendar"]:
                continue  # "am nächsten Morgen" says when, not where
            phrase = " ".join(x.text for x in toks[start:end]).replace(" 's", "'s").replace(" ’s", "’s")
            # someone is there: a person named in the sentence (not inside the phrase: "the harbourmaster's office"),
            # put there by a preposition of being or arriving ("on the slipway", "in der Werkstatt"), not "across"
            prep = toks[start - 1].text.lower() if start > 0 else ""
            there = (prep in being or setting) and any(toks[m.start].sent == t.sent and not start <= m.start < end
                                                       for m in people)
            out.append(Sighting(p, start, end, key, phrase, there, setting))
    return out


def _place_phrase(src: Source, toks: list[Tok], k: int, named: set[str]) -> tuple[int, int, str, bool] | None:
    """A place phrase whose head is token k, as (start, end, key, is-a-setting), or None."""
    t = toks[k]
    if src.language == "en":
        if t.pos not in ("NOUN", "PROPN") or t.head < 0:
            return None
        head = toks[t.head]
        by_prep = t.dep == "pobj" and head.lemma in src.cues["locative"]
        setting = t.dep == "nsubj" and (head.lemma in SETTING_VERBS or head.lemma == "be")
        if not (by_prep or setting):
            return None
        if t.pos == "PROPN":
            start, end = _propn_span(toks, k)
            name = " ".join(x.text for x in toks[start:end])
            if name not in named:
                return None
            if start > 0 and toks[start - 1].lemma == "the":
                start -= 1
            return start, end, name, setting
        start = k
        while start > 0 and toks[start - 1].quote < 0 and toks[start - 1].pos != "PUNCT" and _under(toks, start - 1, k):
            start -= 1
        if toks[start].lemma != "the":
            return None  # "in her hand", "in a grey coat": a place is "the quay", "the harbourmaster's office"
        return start, k + 1, t.lemma, setting
    # German: preposition (+ article) (+ adjectives) + capitalised noun
    if t.pos != "NOUN" or k == 0:
        return None
    j = k - 1
    while j >= 0 and toks[j].pos == "X" and toks[j].text.islower() and k - j <= 3:
        j -= 1
    if j < 0:
        return None
    if t.text in named and toks[j].text.lower() in src.cues["locative"]:
        return j + 1, k + 1, t.text, False
    article = toks[j].text.lower()
    if article in CONTRACTED and toks[j].quote < 0:
        return j, k + 1, t.lemma, False
    determiner = article in src.cues["definite"] or article in src.cues["possessive"]
    if determiner and j > 0 and toks[j - 1].text.lower() in src.cues["locative"]:
        return j, k + 1, t.lemma, False
    if article in src.cues["definite"] and k + 1 < len(toks) and toks[k + 1].lemma in SETTING_VERBS and toks[j].first:
        return j, k + 1, t.lemma, True  # "Das Rathaus lag ..."
    if article in src.cues["definite"] and j > 0 and toks[j - 1].lemma in SETTING_VERBS | {"sein"} and toks[j].sent == 0 \
            and toks[j - 1].start < 40:
        return j, k + 1, t.lemma, True  # "Am Samstag war der Marktplatz voller Menschen."
    return None


def _under(toks: list[Tok], j: int, k: int) -> bool:
    """Does token j hang (through its heads) from token k?"""
    for _ in range(6):
        if j == k:
            return True
        if toks[j].head < 0 or toks[j].head == j:
            return False
        j = toks[j].head
    return j == k


def _propn_span(toks: list[Tok], k: int) -> tuple[int, int]:
    start, end = k, k + 1
    while start > 0 and toks[start - 1].pos == "PROPN":
        start -= 1
    while end < len(toks) and toks[end].pos == "PROPN":
        end += 1
    return start, end


def _typed(src: Source, raw: list[Sighting]) -> set[str]:
    """The keys that name places: named places always; common nouns by meaning (English) or by use (German)."""
    keys = Counter(s.key for s in raw)
    named = {s.key for s in raw if s.key[:1].isupper() and src.language == "en"}
    common = [k for k in keys if k not in named]
    if src.language != "en":
        located = {s.key for s in raw if s.located}
        return {k for k in keys if keys[k] >= 2 or k in located}
    return named | set(_places_by_meaning(common))


def _places_by_meaning(nouns: list[str]) -> list[str]:
    """English nouns MiniLM puts nearer the place prototypes than any other kind."""
    if not nouns:
        return []
    from auteur.tools.language.premise import prototypes, similarities

    table = prototypes()["kind"]
    labels = [label for label in table if label != "abstract"]
    protos = [x for label in labels for x in table[label]]
    out = []
    for noun in nouns:
        sims = similarities(_article(noun), protos)
        best_label, best = None, -1.0
        at = 0
        for label in labels:
            n = len(table[label])
            top = sorted(sims[at:at + n], reverse=True)[:2]
            at += n
            score = sum(top) / len(top)
            if score > best:
                best_label, best = label, score
        if best_label == "place":
            out.append(noun)
    return out


def _article(noun: str) -> str:
    return f"{'an' if noun[:1] in 'aeiou' else 'a'} {noun}"


def _name(src: Source, s: Sighting, all_: list[Sighting]) -> str:
    if src.language == "en":
        if s.key[:1].isupper():
            return s.phrase  # a named place as written: "Holm", "the Crooked Eel"
        phrases = [x.phrase for x in all_ if x.key == s.key]
        definite = [x for x in phrases if x.lower().startswith("the ")]
        best = min(definite or phrases, key=len)
        return "the " + best.split(" ", 1)[1] if best.lower().startswith(("a ", "an ")) else best[:1].lower() + best[1:]
    if s.key[:1].isupper() and not any(x.key == s.key and x.phrase.split()[0].lower() in src.cues["definite"]
                                       for x in all_):
        return s.key
    noun = s.key[:1].upper() + s.key[1:]
    articles = Counter()
    for toks in src.toks:
        for k, t in enumerate(toks):
            if k and t.lemma == s.key and t.pos == "NOUN":
                a = toks[k - 1].text.lower()
                prep = k >= 2 and toks[k - 2].text.lower() in src.cues["locative"]
                if a == "das":
                    articles["das"] += 2
                elif a == "die" and not prep:
                    articles["die"] += 2
                elif a == "der" and not prep:
                    articles["der"] += 1
                elif a in ("zur",) or (a == "der" and prep):
                    articles["die"] += 1
                elif a == "den" and not t.text.endswith("n"):
                    articles["der"] += 1
    return f"{articles.most_common(1)[0][0]} {noun}" if articles else noun


def _sentence_of(src: Source, s: Sighting) -> str:
    toks = src.toks[s.p]
    sent = [t for t in toks if t.sent == toks[s.start].sent and t.quote < 0]
    if not sent:
        return ""
    text = src.paragraphs[s.p]
    return text[sent[0].start:sent[-1].start + len(sent[-1].text)].strip()
