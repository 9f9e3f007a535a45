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
from dataclasses import replace
from functools import lru_cache

from auteur.core.errors import AuteurError
from auteur.tools.language.english import COLLECTIVES, english, read_english
from auteur.tools.language.events import conditions, read_events
from auteur.tools.language.latin import read_latin
from auteur.tools.language.readers import read as read_other
from auteur.tools.language.meaning import (build_prototype_vectors, embed_all, prototypes, remember,  # noqa: F401
                                           similarities, typers, vector)
from auteur.tools.language.reading import (CHARACTER_KINDS, CONDITIONS, KINDS, STATUS_WORDS, Entity,  # noqa: F401
                                           Event, PremiseReading, Relation)

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


# Verbs only someone with a will does: a thing that does them is a character ("the computer that humiliated him",
# "the marching band must lead the parade"); a clock that stops or a book that rewrites itself stays a thing.
# Verbs whose other party is someone too ("a keeper and a storm meet": the storm is met as one meets a person).
PARTNERED = {"meet", "marry", "fight", "argue", "duel", "date", "kiss", "flirt", "bicker", "reconcile", "negotiate"}
AGENTIVE = {*PARTNERED,
            "humiliate", "lead", "demand", "refuse", "want", "talk", "speak", "call", "sing", "befriend", "love", "hate",
            "ask", "help", "follow", "escape", "plan", "decide", "steal", "teach", "answer", "whisper", "warn", "argue",
            "choose", "win", "beat", "play", "dispense", "fall", "frighten", "chase", "hunt", "guard", "save", "rescue",
            "challenge", "defeat", "trick", "march", "dance", "mock", "betray", "invite", "lie", "promise", "demand"}


def _status(words: str) -> str:
    """"dead", "missing" or "unseen" from a phrase's own words ("her late mother", "a long-lost son")."""
    found = {w for w in words.lower().replace(",", " ").split()} & set(STATUS_WORDS)
    return STATUS_WORDS[sorted(found)[0]] if found else ""


def settle(entities: list[Entity], events: tuple[Event, ...]) -> list[Entity]:
    """What the events tell about the entities: who is gone (dead, missing, unseen) and which things act as
    characters. A collective that acts is a group of people ("the marching band" leads the parade)."""
    from dataclasses import replace

    out = list(entities)
    for k, e in enumerate(out):
        status = _status(e.phrase)
        if any(ev.agent == k and ev.verb == "die" for ev in events):
            status = "dead"
        if status and e.is_character:
            out[k] = replace(e, status=status)
    doers = [(ev.agent, ev) for ev in events]
    # the other one of two who meet, fight or marry acts too ("a keeper and a storm meet": the storm is someone)
    doers += [(ev.patient, ev) for ev in events if ev.verb in PARTNERED and ev.agent is not None
              and out[ev.agent].is_character]
    for k, ev in doers:
        if k is None or out[k].is_character or out[k].kind not in ("object", "event") or ev.verb not in AGENTIVE:
            continue
        e = out[k]
        if e.head in COLLECTIVES:
            out[k] = replace(e, kind="person", count=COLLECTIVES[e.head])
        elif e.phrase.lower().split()[0] in ("his", "her", "their", "my", "our", "your"):
            out[k] = replace(e, kind="person")  # "his old rival" who meets him is someone's someone: a person
        else:
            out[k] = replace(e, kind="machine" if e.kind == "object" else "creature")
    return out



def _story_type(text: str, entities: list[Entity]) -> str:
    label, _ = typers()["story"].best(vector(text))
    chars = [e for e in entities if e.is_character]
    nonhuman = [e for e in chars if e.kind != "person"]
    if label not in ("creature",) and nonhuman and not any(e.kind == "person" for e in chars):
        return label if label in ("rivals", "mystery", "quest") else "creature"
    return label


# Symbols, emoji and their variation selectors, control and format characters: nothing a parser reads as words.
_UNREAD = {"So", "Sk", "Cc", "Cf", "Co", "Cs", "Cn"}


def readable(text: str) -> str:
    """The premise as its words: emoji, symbols and control characters out ("a storm ⛈️" is "a storm")."""
    kept = "".join(" " if unicodedata.category(c) in _UNREAD or 0xFE00 <= ord(c) <= 0xFE0F else c for c in text)
    return " ".join(kept.split())


def _own_script(text: str) -> str:
    """A premise in a Latin-script language without the words of another script: an English parser makes a noun of
    "meet" before "— שלום"; those words stay in the film's prompt, only the reading leaves them. What is left ends
    at its last word, not at a dangling dash."""
    def latin(word: str) -> bool:
        return any(c.isalpha() and "LATIN" in unicodedata.name(c, "") for c in word)

    words = [w for w in text.split() if latin(w) or not any(c.isalpha() for c in w)]
    out = re.sub(r"(\s*[\u2013\u2014-])+(?=\s*[\u2013\u2014-])", "", " ".join(words))
    return re.sub(r"[\s\u2013\u2014,;:-]+$", "", out)


@lru_cache(maxsize=512)
def read_premise(text: str) -> PremiseReading:
    """Read a premise: its language, entities (typed and counted), want, obstacle, situation and story type."""
    text = readable(text)
    if not text:
        raise AuteurError("the premise is empty: type one line that says who wants what")
    lang = detect_language(text)
    if lang not in dict(_SCRIPTS) or lang == "ru":
        text = _own_script(text) or text
    want = obstacle = situation = None
    events, relations, found = (), (), ()
    if lang == "en":
        read = read_english(text)
        entities, want, obstacle, situation = read.entities, read.want, read.obstacle, read.situation
        events, relations = read_events(read.doc, read.entities, read.anchors, read.aliases)
        entities = settle(entities, events)
        found = conditions(read.doc)
        story = _story_type(text, entities)
    else:
        reading = read_other(text, lang)
        if reading is not None:  # a reader for the language: its English gloss gives the story's shape
            entities = [replace(e, status=_status(e.en)) if e.is_character and not e.status and _status(e.en) else e
                        for e in reading.entities]  # "失散多年的儿子": the lost son is missing
            return replace(reading, entities=tuple(entities),
                           story_type=_story_type(reading.english or text, entities))
        entities = read_latin(text, lang)
        story = "quest"  # no parser to tell more; a quest is the shape that fits any protagonist
    return PremiseReading(text=text, language=lang, entities=tuple(entities), want=want, obstacle=obstacle,
                          situation=situation, story_type=story, events=events, relations=relations, conditions=found,
                          english=text if lang == "en" else "")

