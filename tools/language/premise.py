"""Reading a one-line premise: who is in it, where and when it happens, what they want, what stands in the way.

English premises are read by `english.py` (spaCy's parser, phrases typed by MiniLM in `meaning.py`).

Other languages: the language is detected first (script ranges, then langdetect's profiles). There is no
parser here for them, so the reader keeps to what closed-class words tell: the article-led subject that
opens the line is the protagonist (its article gives the gender), a capitalised word after a place
preposition is a place, a capitalised word elsewhere (not sentence-first, not after an article: German
capitalises every noun) is a name. Scripts without spaces (Chinese, Japanese, Korean, Hindi, Arabic) give
no entities rather than wrong ones.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from auteur.core.errors import AuteurError
from auteur.tools.language.english import english, read_english
from auteur.tools.language.latin import read_latin
from auteur.tools.language.meaning import (build_prototype_vectors, embed_all, prototypes, remember,  # noqa: F401
                                           similarities, typers, vector)
from auteur.tools.language.reading import (CHARACTER_KINDS, CONDITIONS, KINDS, Entity, Event,  # noqa: F401
                                           PremiseReading, Relation)

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


# ---------------------------------------------------------------- the whole reading


def _story_type(text: str, entities: list[Entity]) -> str:
    label, _ = typers()["story"].best(vector(text))
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
        entities, want, obstacle, situation = read_english(text)
        story = _story_type(text, entities)
    else:
        entities = read_latin(text, lang)
        story = "quest"  # no parser to tell more; a quest is the shape that fits any protagonist
    return PremiseReading(text=text, language=lang, entities=tuple(entities), want=want, obstacle=obstacle,
                          situation=situation, story_type=story)

