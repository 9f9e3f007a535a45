"""Who is in a story: names gathered into characters, with aliases, genders and looks, and every mention.

Names are runs of proper nouns in the narration (English: spaCy's PROPN; German: capitalised words that
never follow an article, as German capitalises every noun), never inside quotations (a name someone says
is not someone there) and never set in italics (a boat, a book). A name is a person's when it tags speech
("said Mara", "sagte Lena"), carries a title ("Mr. Okafor", "Bürgermeister Brandt"), stands beside a role
("Anton Vogt, ihr Großvater,"), or is a sentence's subject more than once; a name that only follows "at",
"in" or "von" is a place's.

One character, many names: "Mara" is "Mara Lind" when only one full name starts with "Mara"; "Okafor" is
"Mr. Okafor"; "Captain Reyes" is "Ada Reyes" seen with her title. Titles and roles in apposition become
aliases ("the captain", "der Großvater"). An unnamed newcomer ("a small girl in a red knitted hat") is the
first person named after her, so "said the girl" is Nell; a described one ("der alte Mann") is the latest
character whose description has that noun. "she" and "er" are the latest character of that gender.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from auteur.tools.language.story_text.model import StoryCharacter
from auteur.tools.language.story_text.source import Source
from auteur.tools.language.story_text.tokens import Tok

MAX_LOOK_WORDS = 28
RANKS = {"captain", "kapitän", "doctor", "doktor", "dr", "professor", "inspector", "sergeant", "kommissar"}
ADDRESS = {"mr", "mrs", "ms", "miss", "mister", "herr", "frau"}  # forms of address: part of a name, not a role
ADJ_ENDINGS = ("e", "en", "er", "em", "es")


@dataclass
class Run:
    """A run of name words in the narration, with a title before it when there is one."""

    p: int
    start: int
    end: int  # exclusive
    words: tuple[str, ...]  # the name, title left out
    title: str | None = None


@dataclass
class Person:
    key: str
    words: tuple[str, ...]
    title: str | None = None
    roles: list[str] = field(default_factory=list)     # lower-case role nouns ("captain", "großvater")
    heads: list[str] = field(default_factory=list)     # nouns of their descriptions ("woman", "mann")
    votes: Counter = field(default_factory=Counter)
    looks: list[str] = field(default_factory=list)
    wardrobe: str = ""
    first: tuple[int, int] = (10**9, 0)
    mentions: int = 0
    unnamed: bool = False

    @property
    def gender(self) -> str | None:
        if not self.votes:
            return None
        (best, n), *rest = self.votes.most_common(2) + [("", 0)]
        return best if n > rest[0][1] else None


@dataclass(frozen=True)
class Mention:
    p: int
    start: int
    end: int
    key: str
    kind: str  # "name" | "alias" | "pronoun"


@dataclass
class Cast:
    people: dict[str, Person]
    mentions: list[Mention]
    runs: list[Run]
    place_names: list[tuple[str, int]]  # names the text uses as places, with how often
    _index: dict = field(default_factory=dict, repr=False)
    _indexed: int = field(default=-1, repr=False)

    def at(self, p: int, i: int) -> str | None:
        """The character a mention covering token i of paragraph p refers to."""
        for m in self._by_paragraph().get(p, []):
            if m.start <= i < m.end:
                return m.key
        return None

    def before(self, p: int, i: int) -> list[Mention]:
        """Mentions up to (not including) token i of paragraph p, latest last."""
        return [m for m in self.mentions if (m.p, m.start) < (p, i)]

    def _by_paragraph(self) -> dict[int, list[Mention]]:
        if self._indexed != len(self.mentions):  # (re)built once the mentions are read
            self._index = {}
            for m in self.mentions:
                self._index.setdefault(m.p, []).append(m)
            self._indexed = len(self.mentions)
        return self._index

    def characters(self, lines: Counter) -> tuple[StoryCharacter, ...]:
        out = []
        for person in sorted(self.people.values(), key=lambda x: x.first):
            if person.mentions + lines[person.key] < 2 and not lines[person.key]:
                continue  # named once in passing
            aliases = {" ".join(person.words[:1])} | {" ".join(person.words[-1:])} if len(person.words) > 1 else set()
            if person.title and person.words:
                aliases.add(f"{_title_case(person.title)} {person.words[-1]}")
            aliases |= {r for r in person.roles}
            aliases.discard(person.key)
            out.append(StoryCharacter(key=person.key, aliases=tuple(sorted(a for a in aliases if a)),
                                      gender=person.gender, role=person.roles[0] if person.roles else "",
                                      looks=tuple(dict.fromkeys(person.looks)), wardrobe=person.wardrobe,
                                      mentions=person.mentions, lines=lines[person.key]))
        return tuple(out)


def _title_case(word: str) -> str:
    return {"mr": "Mr.", "mrs": "Mrs.", "ms": "Ms.", "dr": "Dr."}.get(word, word.capitalize())


# ---------------------------------------------------------------- reading the cast


def read_cast(src: Source) -> Cast:
    common = _common_nouns(src)
    runs = _name_runs(src, common)
    evidence = _evidence(src, runs)
    people, run_keys = _people(src, runs, evidence)
    _roles(src, runs, run_keys, people)
    cast = Cast(people=people, mentions=[], runs=runs, place_names=_place_names(runs, evidence, people, run_keys))
    _descriptions(src, cast, run_keys)
    _newcomers(src, cast, run_keys)
    cast.mentions = _mentions(src, cast, run_keys)
    for m in cast.mentions:
        cast.people[m.key].mentions += 1
    return cast


def _common_nouns(src: Source) -> set[str]:
    """German: capitalised words the text puts after an article or an adjective somewhere: common nouns."""
    if src.language == "en":
        return set()
    marked: Counter = Counter()
    seen: Counter = Counter()
    for toks in src.toks:
        for k, t in enumerate(toks):
            if t.pos != "NOUN":
                continue
            seen[t.text] += 1
            if k == 0:
                continue
            prev = toks[k - 1]
            relative = prev.pos == "DET" and k >= 2 and toks[k - 2].text == ","  # ", die Lena ... gelegt hatte"
            if (prev.pos in ("DET", "ADP", "NUM") and not relative) or (prev.pos == "X" and prev.text.islower()
                                                      and prev.text.endswith(ADJ_ENDINGS) and not src.is_said(prev)
                                                      and k >= 2 and toks[k - 2].pos in ("DET", "ADP", "X", "PUNCT")
                                                      and not src.is_said(toks[k - 2])):
                marked[t.text] += 1
    # a name may meet an article by accident; a noun meets one most of the time
    return {w for w, n in marked.items() if n >= max(1, seen[w] / 3)}


def _is_title(src: Source, tok: Tok) -> bool:
    return tok.cap and tok.text.rstrip(".").lower() in src.cues["titles"]


def _name_word(src: Source, toks: list[Tok], k: int, common: set[str]) -> bool:
    t = toks[k]
    if t.quote >= 0 or not t.cap or t.text.lower() in src.layout.emphasised or t.text.lower() in src.cues.get("calendar", []):
        return False
    if src.language == "en":
        return t.pos == "PROPN" and t.text.isalpha() or (t.pos == "PROPN" and "-" in t.text)
    return t.pos == "NOUN" and t.text not in common and t.text.lower() not in src.cues.get("closed", [])


def _name_runs(src: Source, common: set[str]) -> list[Run]:
    runs: list[Run] = []
    for p, toks in enumerate(src.toks):
        k = 0
        while k < len(toks):
            start = k
            title = None
            while k < len(toks) - 1 and _is_title(src, toks[k]) and toks[k].quote < 0 and \
                    (_name_word(src, toks, k + 1, common) or (toks[k + 1].text == "." and k + 2 < len(toks)
                                                              and _name_word(src, toks, k + 2, common))):
                title = toks[k].text.rstrip(".").lower()
                k += 2 if toks[k + 1].text == "." else 1
            name_start = k
            while k < len(toks) and _name_word(src, toks, k, common) and not _is_title(src, toks[k]):
                k += 1
            if k > name_start:
                words = tuple(t.text for t in toks[name_start:k])
                runs.append(Run(p, start if title else name_start, k, words, title))
            else:
                k = max(k, start) + 1
    return runs


@dataclass
class Evidence:
    said: int = 0
    subject: int = 0
    place: int = 0
    det: int = 0
    runs: int = 0


def tag_subject(src: Source, p: int, v: int) -> tuple[int, int] | None:
    """The token span of who a said-verb at token v says it: its subject, or the mention beside it."""
    toks = src.toks[p]
    if src.language == "en":
        subj = [k for k, t in enumerate(toks) if t.head == v and t.dep in ("nsubj", "nsubjpass") and k != v]
        if subj:
            k = subj[0]
            return _phrase_around(toks, k)
    # no parse (or none found): the phrase right after the verb ("sagte Lena", "said the girl"), else right before
    after = _phrase_from(src, toks, v + 1)
    if after is not None:
        return after
    return _phrase_to(src, toks, v - 1)


def _phrase_around(toks: list[Tok], k: int) -> tuple[int, int]:
    """A head token's phrase: its determiner, adjectives and compound words before it, flat names beside it."""
    start = k
    while start > 0 and toks[start - 1].head == k and toks[start - 1].dep in ("det", "amod", "compound", "poss", "nmod") \
            and toks[start - 1].quote < 0:
        start -= 1
    while start > 0 and toks[start - 1].pos == "PROPN" and toks[start - 1].quote < 0:
        start -= 1
    end = k + 1
    while end < len(toks) and toks[end].pos == "PROPN" and toks[end].head == k:
        end += 1
    return start, end


def _phrase_from(src: Source, toks: list[Tok], k: int) -> tuple[int, int] | None:
    """A mention starting at token k (adverbs skipped): a name, a pronoun, or article + adjectives + noun."""
    while k < len(toks) and toks[k].quote < 0 and toks[k].pos == "ADV":
        k += 1
    if k >= len(toks) or toks[k].quote >= 0 or toks[k].pos == "PUNCT":
        return None
    t = toks[k]
    if t.lemma in src.cues["pronouns"] or t.text.lower() in src.cues["pronouns"]:
        return k, k + 1
    if t.pos in ("PROPN", "NOUN") and t.cap:
        end = k + 1
        while end < len(toks) and toks[end].pos in ("PROPN", "NOUN") and toks[end].cap and toks[end].quote < 0:
            end += 1
        return k, end
    if t.text.lower() in src.cues["articles"]:
        end = k + 1
        while end < len(toks) and end - k <= 4 and toks[end].quote < 0 and not _noun(src, toks[end]):
            if toks[end].pos == "PUNCT":
                return None
            end += 1
        if end < len(toks) and _noun(src, toks[end]):
            return k, end + 1
    return None


def _phrase_to(src: Source, toks: list[Tok], k: int) -> tuple[int, int] | None:
    """A mention ending at token k: a name or pronoun just before a said-verb ("Lena sagte", "she said")."""
    if k < 0 or toks[k].quote >= 0:
        return None
    t = toks[k]
    if t.text.lower() in src.cues["pronouns"]:
        return k, k + 1
    if t.pos in ("PROPN", "NOUN") and t.cap:
        start = k
        while start > 0 and toks[start - 1].pos in ("PROPN", "NOUN", "DET", "ADJ") and toks[start - 1].quote < 0 \
                and toks[start - 1].pos != "PUNCT":
            start -= 1
        return start, k + 1
    if src.language == "en" and t.pos == "NOUN":
        start = k
        while start > 0 and toks[start - 1].pos in ("DET", "ADJ", "NOUN", "PRON") and toks[start - 1].quote < 0:
            start -= 1
        return start, k + 1
    return None


def _noun(src: Source, t: Tok) -> bool:
    if src.language == "en":
        return t.pos in ("NOUN", "PROPN")
    return t.pos == "NOUN" or (t.cap and t.pos == "X")


def _evidence(src: Source, runs: list[Run]) -> dict[str, Evidence]:
    ev: dict[str, Evidence] = {}
    spans: dict[int, list[Run]] = {}
    for r in runs:
        spans.setdefault(r.p, []).append(r)
        e = ev.setdefault(" ".join(r.words), Evidence())
        e.runs += 1
        toks = src.toks[r.p]
        before = toks[r.start - 1] if r.start > 0 else None
        if before is not None and before.text.lower() in ("the", "that", "this", "a", "an") and not r.title:
            e.det += 1
            before = toks[r.start - 2] if r.start > 1 else None
        if before is not None and before.text.lower() in src.cues["locative"] and before.quote < 0:
            e.place += 1
        if src.language == "en":
            if any(toks[k].dep in ("nsubj", "nsubjpass") for k in range(r.start, r.end)):
                e.subject += 1
        elif toks[r.start].first and r.end < len(toks) and toks[r.end].pos == "X" and toks[r.end].text.islower():
            e.subject += 1
    for p, toks in enumerate(src.toks):
        quoted = {t.sent for t in toks if t.quote >= 0}
        for v, t in enumerate(toks):
            if t.quote >= 0 or not src.is_said(t) or t.sent not in quoted:
                continue  # a said-verb counts where it tags a quotation
            span = tag_subject(src, p, v)
            if span is None:
                continue
            for r in spans.get(p, []):
                if r.start < span[1] and span[0] < r.end:
                    ev[" ".join(r.words)].said += 1
    return ev


def _people(src: Source, runs: list[Run], ev: dict[str, Evidence]) -> tuple[dict[str, Person], dict[int, str]]:
    """Characters from the name runs; returns them by key and each run's character (by the run's index)."""
    titles = src.cues["titles"]

    def person(name: str, titled: bool) -> bool:
        e = ev[name]
        if e.det > e.runs / 2:
            return False  # "the Gannet", "that Tuesday"
        strong = e.said > 0 or titled
        return strong or (e.subject >= 2 and e.place == 0)

    titled_names = {" ".join(r.words) for r in runs if r.title and (titles.get(r.title, "") != "" or r.title in RANKS)}
    people: dict[str, Person] = {}
    run_keys: dict[int, str] = {}
    def full_person(r: Run) -> bool:
        name = " ".join(r.words)
        parts = [w for w in (r.words[0], r.words[-1]) if w in ev]
        return person(name, name in titled_names or bool(r.title)) or any(person(w, False) for w in parts)

    full = [r for r in runs if len(r.words) >= 2 and full_person(r)]
    for r in full:
        key = " ".join(r.words)
        people.setdefault(key, Person(key=key, words=r.words))
        if r.title:
            people[key].title = r.title
    for n, r in enumerate(runs):
        name = " ".join(r.words)
        if len(r.words) >= 2:
            if name in people:
                run_keys[n] = name
                people[name].first = min(people[name].first, (r.p, r.start))
            continue
        word = r.words[0]
        if not person(name, name in titled_names or bool(r.title)) and _match_single(people, word, r.title) is None:
            continue
        key = _match_single(people, word, r.title)
        if key is None:
            key = f"{_title_case(r.title)} {word}" if r.title in ADDRESS else word
            if key not in people:
                people[key] = Person(key=key, words=(word,), title=r.title)
        run_keys[n] = key
        people[key].first = min(people[key].first, (r.p, r.start))
        if r.title and not people[key].title:
            people[key].title = r.title
    for person_ in people.values():
        g = titles.get(person_.title or "", "")
        if g:
            person_.votes[g] += 3
    return people, run_keys


def _match_single(people: dict[str, Person], word: str, title: str | None) -> str | None:
    """The character a one-word name stands for: a unique given name, else a unique surname (titles agreeing)."""
    given = [p for p in people.values() if len(p.words) >= 2 and p.words[0] == word]
    if len(given) == 1 and not title:
        return given[0].key
    last = [p for p in people.values() if p.words[-1] == word and (len(p.words) >= 2 or p.title)]
    if title:
        # "Captain Reyes" is "Ada Reyes" only by a title that is not a form of address ("Mrs. Halloran" is not "Kit Halloran")
        last = [p for p in last if p.title == title or (p.title is None and len(p.words) >= 2 and title in RANKS)]
    if len(last) == 1:
        return last[0].key
    own = [p for p in people.values() if p.words == (word,) and (p.title == title or not title or not p.title)]
    return own[0].key if len(own) == 1 else None


def _place_names(runs: list[Run], ev: dict[str, Evidence], people: dict[str, Person], run_keys: dict[int, str]
                 ) -> list[tuple[str, int]]:
    taken = set(run_keys)
    counts: Counter = Counter()
    for n, r in enumerate(runs):
        name = " ".join(r.words)
        if n in taken or r.title:
            continue
        e = ev[name]
        if e.place > 0 and e.said == 0:
            counts[name] += 1
    return counts.most_common()


# ---------------------------------------------------------------- roles, descriptions, newcomers


def _gender_of_noun(src: Source, noun: str) -> str | None:
    lower = noun.lower()
    g = src.cues["gendered"].get(lower) or src.cues["titles"].get(lower) or None
    if g is None and src.language == "de" and lower.endswith("in") and len(lower) > 5 and noun[:1].isupper():
        return "female"  # German feminine agent nouns: Uhrmacherin, Bäckerin
    return g


def _roles(src: Source, runs: list[Run], run_keys: dict[int, str], people: dict[str, Person]) -> None:
    """Roles beside names: "Her brother Tobias", "Anton Vogt, ihr Großvater,", "the innkeeper, Mrs. Halloran,"."""
    for n, r in enumerate(runs):
        key = run_keys.get(n)
        if key is None:
            continue
        person = people[key]
        toks = src.toks[r.p]
        if r.title and src.cues["titles"].get(r.title, None) is not None and r.title not in ADDRESS | {
                "old", "young", "little", "alte", "kleine", "junge"}:
            _add_role(src, person, r.title)
        # a role noun right before the name: "brother Tobias", "Bürgermeister Brandt" (when not read as a title)
        k = r.start - 1
        if k >= 0 and toks[k].quote < 0 and toks[k].pos == "NOUN" and not toks[k].cap and \
                toks[k].lemma in src.cues["gendered"]:
            _add_role(src, person, toks[k].lemma)
        # ", the harbourmaster," / ", ihr Großvater," after the name
        if r.end + 2 < len(toks) and toks[r.end].text == "," and toks[r.end + 1].text.lower() in src.cues["articles"] \
                and toks[r.end + 1].text.lower() not in src.cues["indefinite"]:
            role = _role_noun(src, toks, r.end + 2)
            if role is not None:
                _add_role(src, person, role)
        # "the innkeeper, Mrs. Halloran," before the name
        if r.start >= 3 and toks[r.start - 1].text == "," and toks[r.end:r.end + 1] and toks[r.end].text == ",":
            j = r.start - 2
            if toks[j].quote < 0 and _noun(src, toks[j]) and (toks[j - 1].text.lower() in src.cues["definite"]
                                                              or toks[j - 1].text.lower() in src.cues["possessive"]):
                _add_role(src, person, toks[j].lemma if src.language == "en" else toks[j].text.lower())


def _role_noun(src: Source, toks: list[Tok], k: int) -> str | None:
    """The noun of "[adjectives] noun ," starting at token k."""
    j = k
    while j < len(toks) and j - k < 3 and toks[j].quote < 0 and not _noun(src, toks[j]) and toks[j].pos != "PUNCT":
        j += 1
    if j < len(toks) and _noun(src, toks[j]) and j + 1 < len(toks) and toks[j + 1].text in (",", ".", ";"):
        return toks[j].lemma if src.language == "en" else toks[j].text.lower()
    return None


def _add_role(src: Source, person: Person, role: str) -> None:
    role = role.lower().rstrip(".")
    if role not in person.roles:
        person.roles.append(role)
    g = _gender_of_noun(src, role)
    if g:
        person.votes[g] += 2


def _sentence_subject(src: Source, cast: Cast, run_keys: dict[int, str], p: int, sent: list[Tok]) -> str | None:
    """The character a sentence is about: its first mention, a pronoun taken back to the sentence before."""
    toks = src.toks[p]
    for t in sent:
        k = toks.index(t)
        key = _run_at(cast, run_keys, p, k)
        if key:
            return key
        if t.text.lower() in src.cues["pronouns"] and t.quote < 0:
            return None
    return None


def _run_at(cast: Cast, run_keys: dict[int, str], p: int, k: int) -> str | None:
    for n, r in enumerate(cast.runs):
        if r.p == p and r.start <= k < r.end and n in run_keys:
            return run_keys[n]
    return None


def _descriptions(src: Source, cast: Cast, run_keys: dict[int, str]) -> None:
    """Looks and genders from "X was a tall woman with ...", "Sie war eine schmale junge Frau ...", "wore ..."."""
    copulas, wears = set(src.cues["copula"]), set(src.cues["wear"])
    previous: str | None = None
    previous_only = False
    for p in range(len(src.toks)):
        toks = src.toks[p]
        for sent in src.sentences(p):
            named = [k for k in dict.fromkeys(_run_at(cast, run_keys, p, toks.index(t)) for t in sent) if k]
            subject = named[0] if named else None
            lead = next((t for t in sent if t.pos != "PUNCT"), None)
            # a pronoun that opens a sentence of narration ("She was ..."), not one that tags a quotation before it
            opens = lead is not None and not any(x.quote >= 0 and x.sent == lead.sent and x.start < lead.start for x in toks)
            pronoun = opens and lead.text.lower() in src.cues["pronouns"] and _singular(src, toks, toks.index(lead))
            if pronoun and previous and previous_only:
                subject = previous
                cast.people[subject].votes[src.cues["pronouns"][lead.text.lower()]] += 1
            if subject is not None:
                _describe(src, cast.people[subject], toks, sent, copulas, wears, pronoun)
            # the next sentence's pronoun is this one's only name only when no other pronoun here could be its antecedent
            others = any((t.text.lower() in src.cues["pronouns"] or t.text.lower() in src.cues["object_pronouns"])
                         and t.dep != "poss" for t in sent if t.quote < 0 and t is not lead)
            if named:
                previous, previous_only = named[0], len(named) == 1 and not others
            elif not pronoun:
                previous_only = False
        # a paragraph's apposition with an article: "Mrs. Halloran, a round, red-cheeked woman in a flowered apron,"
        for n, r in enumerate(cast.runs):
            if r.p != p or n not in run_keys:
                continue
            if r.end + 2 < len(toks) and toks[r.end].text == "," and toks[r.end + 1].text.lower() in src.cues["indefinite"] \
                    and _subject_like(src, toks, r):
                look = _look(src, toks, r.end + 1)
                if look:
                    person = cast.people[run_keys[n]]
                    person.looks.append(look[0])
                    _head(src, person, look[1])


def _subject_like(src: Source, toks: list[Tok], r: Run) -> bool:
    """Is the name its sentence's subject (so an apposition after it describes the person, not "than Mara, a boat")?"""
    if src.language == "en":
        return any(toks[k].dep in ("nsubj", "nsubjpass") or  # "kept by Mrs. Halloran, a round ... woman"
                   (toks[k].dep == "pobj" and toks[k].head >= 0 and toks[toks[k].head].dep == "agent")
                   for k in range(r.start, r.end)) or toks[r.start].first
    return toks[r.start].first


def _singular(src: Source, toks: list[Tok], k: int) -> bool:
    """German "sie" is she only with a verb in the singular ("sagte sie", "sie war"), not "arbeiteten sie"."""
    if src.language != "de" or toks[k].text.lower() != "sie":
        return True
    near = [toks[j] for j in (k - 1, k + 1) if 0 <= j < len(toks) and toks[j].pos == "X" and toks[j].text.islower()]
    return not any(t.text.endswith(("en", "ten")) and t.text not in ("waren",) for t in near) and \
        not any(t.text in ("waren", "sind", "haben", "hatten") for t in near)


def _describe(src: Source, person: Person, toks: list[Tok], sent: list[Tok], copulas: set[str], wears: set[str],
              led_by_pronoun: bool = False) -> None:
    for j, t in enumerate(sent):
        if t.quote >= 0:
            continue
        nxt = sent[j + 1] if j + 1 < len(sent) else None
        if t.lemma in copulas and nxt is not None and nxt.text.lower() in src.cues["indefinite"]:
            look = _look(src, toks, toks.index(nxt))
            if look:
                person.looks.append(look[0])
                _head(src, person, look[1])
            return
        if t.lemma in copulas and nxt is not None and nxt.pos == "ADJ" and src.language == "en" and led_by_pronoun:
            # "He was taller than Ines by a head, fair-haired and loose-limbed, with a long grey coat"
            look = _look(src, toks, toks.index(nxt))
            if look and " with " in f" {look[0]} " and len(look[0].split()) >= 5:
                person.looks.append(look[0])
            return
        if t.lemma in wears and nxt is not None and not person.wardrobe:
            look = _look(src, toks, toks.index(nxt))
            if look:
                person.wardrobe = look[0]
            return


def _look(src: Source, toks: list[Tok], k: int) -> tuple[str, str | None] | None:
    """The description from token k to its clause's end, and its head noun."""
    words, head = [], None
    j = k
    while j < len(toks) and toks[j].quote < 0:
        t = toks[j]
        if t.text in (".", ";", "!", "?", ":") or (t.text == "," and j + 1 < len(toks) and
                                                   toks[j + 1].lemma in ("and", "und", "but", "aber") and
                                                   j + 2 < len(toks) and (toks[j + 2].pos in ("PRON", "DET", "ADP") or
                                                                          toks[j + 2].text.lower() in src.cues["pronouns"])):
            break
        if t.text.lower() in ("who", "which", "that", "der", "die", "das") and words and j > k + 1 and \
                toks[j - 1].text == ",":
            break
        if head is None and j > k and _noun(src, t) and not (src.language == "en" and t.pos == "PROPN"):
            head = t.lemma if src.language == "en" else t.text.lower()
        words.append(t)
        j += 1
    while words and words[-1].text in (",", "and", "und"):
        words.pop()
    if len(words) < 2:
        return None
    text = _join(src, toks, words[:MAX_LOOK_WORDS])
    return text, head


def _join(src: Source, toks: list[Tok], words: list[Tok]) -> str:
    out = ""
    for a, b in zip(words, words[1:] + [None]):
        out += a.text
        if b is not None and b.start > a.start + len(a.text):
            out += " "
    return out


def _head(src: Source, person: Person, head: str | None) -> None:
    if head:
        person.heads.append(head)
        g = _gender_of_noun(src, head)
        if g:
            person.votes[g] += 2


def _newcomers(src: Source, cast: Cast, run_keys: dict[int, str]) -> None:
    """"A small girl in a red hat" ... "Nell": the first person named after an unnamed newcomer is that newcomer;
    the newcomer's noun ("girl", "junge") becomes the named character's alias."""
    firsts = sorted((person.first, key) for key, person in cast.people.items())
    for p, toks in enumerate(src.toks):
        for k, t in enumerate(toks):
            if t.quote >= 0 or t.text.lower() not in src.cues["indefinite"]:
                continue
            j = k + 1
            while j < len(toks) and j - k <= 4 and toks[j].quote < 0 and not _noun(src, toks[j]) and toks[j].pos != "PUNCT":
                j += 1
            if j >= len(toks) or not _noun(src, toks[j]) or toks[j].pos == "PROPN":
                continue
            noun = toks[j].lemma if src.language == "en" else toks[j].text.lower()
            gender = _gender_of_noun(src, noun)
            if gender is None:
                continue  # only nouns that say a person by themselves: "girl", "Junge"
            later = [key for first, key in firsts if (p, k) < first <= (p + 6, 10**6)]
            for key in later:
                person = cast.people[key]
                if person.gender in (None, gender) and noun not in person.roles:
                    person.roles.append(noun)
                    person.votes[gender] += 1
                    break


def _mentions(src: Source, cast: Cast, run_keys: dict[int, str]) -> list[Mention]:
    """Every mention of a character in the narration, in order: names, aliases, and pronouns taken back to the
    latest character of their gender."""
    out: list[Mention] = []
    starts = {(r.p, r.start): (n, r) for n, r in enumerate(cast.runs)}
    for p, toks in enumerate(src.toks):
        k = 0
        while k < len(toks):
            t = toks[k]
            if t.quote >= 0:
                k += 1
                continue
            hit = starts.get((p, k))
            if hit and hit[0] in run_keys:
                out.append(Mention(p, k, hit[1].end, run_keys[hit[0]], "name"))
                k = hit[1].end
                continue
            lower = t.text.lower()
            if (lower in src.cues["pronouns"] or lower in src.cues["object_pronouns"]) and _singular(src, toks, k) \
                    and not (src.language == "en" and lower == "her" and t.dep == "poss"):
                gender = src.cues["pronouns"].get(lower) or src.cues["object_pronouns"].get(lower)
                key = _latest(cast, out, gender)
                if key:
                    out.append(Mention(p, k, k + 1, key, "pronoun"))
                k += 1
                continue
            if lower in src.cues["definite"] or lower in src.cues["possessive"]:
                span = _phrase_from(src, toks, k)
                if span is not None:
                    key = resolve_alias(src, cast, out, toks, span)
                    if key:
                        out.append(Mention(p, span[0], span[1], key, "alias"))
                        k = span[1]
                        continue
            k += 1
    return out


def _latest(cast: Cast, mentions: list[Mention], gender: str | None) -> str | None:
    for m in reversed(mentions):
        if cast.people[m.key].gender == gender:
            return m.key
    return None


def resolve_alias(src: Source, cast: Cast, mentions: list[Mention], toks: list[Tok], span: tuple[int, int]) -> str | None:
    """The character a definite phrase ("the captain", "der alte Mann") names, or None."""
    head = toks[span[1] - 1]
    noun = head.lemma if src.language == "en" else head.text.lower()
    if head.pos == "PROPN" or (src.language == "de" and head.text.lower() in src.cues.get("closed", [])):
        return None
    roles = [key for key, person in cast.people.items() if noun in person.roles]
    described = [key for key, person in cast.people.items() if noun in person.heads]
    for pool in (roles, described):
        if len(pool) == 1:
            return pool[0]
        if pool:  # several: the latest mentioned of them
            for m in reversed(mentions):
                if m.key in pool:
                    return m.key
            return pool[0]
    return None
