"""Chinese premises through jieba's part-of-speech segmenter: words and their tags (n noun, nr/ns person/place
name, v verb, a adjective, m number), English from the lexicon or CC-CEDICT. Chinese is subject-verb-object with
the head noun last; "的" ties a describing clause to the noun after it; a measure word after a number counts.
"""

from __future__ import annotations

from functools import lru_cache

from auteur.core.errors import AuteurError
from auteur.tools.language.gloss import cues, gloss, nouns
from auteur.tools.language.readers.build import Layout, build
from auteur.tools.language.readers.tokens import Token

LAYOUT = Layout(head_final=True, order="svo", joiner="")
# jieba's tags (ICTCLAS) by their first letter; "nr"/"ns"/"nt" are names
_POS = {"n": "NOUN", "s": "NOUN", "f": "PART", "v": "VERB", "a": "ADJ", "b": "ADJ", "m": "NUM", "q": "PART",
        "r": "PRON", "p": "ADP", "c": "CONJ", "u": "PART", "d": "X", "x": "PUNCT", "w": "PUNCT", "t": "NOUN",
        "i": "ADJ", "l": "ADJ", "y": "PART", "e": "PART", "o": "X", "z": "ADJ", "j": "NOUN", "g": "NOUN"}


@lru_cache(maxsize=1)
def segmenter():
    try:
        import jieba
        import jieba.posseg
    except ImportError:
        raise AuteurError("reading Chinese premises needs jieba; reinstall auteur (pip install -e .)") from None
    jieba.setLogLevel(60)  # jieba prints its dictionary loading to stderr otherwise
    return jieba.posseg


def _split(word: str, flag: str, g: dict) -> list[tuple[str, str]]:
    """jieba keeps "一位", "山上", "回家" whole: a number with its measure word, a noun with its place word, a
    verb with its object are split so each part does its own work."""
    if len(word) >= 2 and word[0] in g["numbers"] and word[1:] in g["classifiers"]:
        return [(word[0], "m"), (word[1:], "q")]
    if len(word) >= 2 and word[-1] in "上里中下" and gloss(word[:-1], "zh") is not None and gloss(word, "zh") is None:
        return [(word[:-1], "n"), (word[-1], "f")]
    if flag.startswith("s") and len(word) >= 2 and word[-1] in "上里中下":
        return [(word[:-1], "n"), (word[-1], "f")]
    return [(word, flag)]


def tokens(text: str) -> list[Token]:
    g = cues("zh")
    pairs = [p for w, f in segmenter().cut(text) for p in _split(w, f, g)]
    out: list[Token] = []
    for word, flag in pairs:
        if not word.strip():
            continue
        pos = _POS.get(flag[:1], "X")
        own = nouns("zh").get(word)  # the lexicon's word: its sense beats jieba's tag ("孙子" is no name here)
        known = gloss(word, "zh")
        verb_hit = gloss(word, "zh", verb=True)
        if word in g["goal"] + g["inability"] and (pos in ("VERB", "X") or word in ("必须", "不能", "无法")):
            out.append(Token(word, word, "AUX", cue="goal" if word in g["goal"] else "inability"))
            continue
        if len(word) == 2 and word[0] in "这那每哪" and word[1] in g["classifiers"]:
            out.append(Token(word, word, "DET"))  # "那只": that one
            continue
        if word in g["stops"] and word not in g["with"]:
            out.append(Token(word, word, "PART" if pos != "ADP" else "ADP"))
            continue
        if word in g["numbers"] and pos in ("NUM", "X"):
            out.append(Token(word, word, "NUM", count=g["numbers"][word]))
            continue
        if own is None and (flag in ("nr", "ns", "nt", "nz") or flag.startswith("nr")):
            en = known.en if known else ""
            out.append(Token(word, word, "PROPN", en=en or _roman(word), name=True))
            continue
        if pos == "VERB" or (pos == "NOUN" and verb_hit is not None and verb_hit.source == "lexicon" and own is None):
            out.append(Token(word, word, "VERB", en=verb_hit.en if verb_hit else (known.en if known else "")))
            continue
        if word in g["classifiers"] and out and out[-1].pos in ("DET", "NUM", "PRON"):
            out.append(Token(word, word, "PART"))  # "那|只|小狗": the measure word of "that"
            continue
        if pos in ("NOUN", "ADJ") or (pos == "X" and own is not None):
            en = known.en if known else _pieces(word)
            describes = known is not None and known.describes
            kind = "ADJ" if pos == "ADJ" or describes else "NOUN"
            out.append(Token(word, word, kind, en=en, gender=known.gender if known else None))
            continue
        if pos == "PRON":
            out.append(Token(word, word, "PRON", gender=g["pronouns"].get(word) or None))
            continue
        out.append(Token(word, word, pos))
    return _mark(out, g)


def _pieces(word: str) -> str:
    """English for a word no source knows whole, from the longest known pieces ("失散多年": "lost many years");
    "" where a piece is unknown (the word is then kept romanised)."""
    out, i = [], 0
    while i < len(word):
        for j in range(len(word), i, -1):
            hit = gloss(word[i:j], "zh") if j - i > 1 or j == len(word) else None
            if hit is not None:
                out.append(hit.en)
                i = j
                break
        else:
            return ""
    return " ".join(out) if len(out) > 1 else ""


def _roman(word: str) -> str:
    from auteur.tools.language.gloss import romanise

    return romanise(word).capitalize()


DURATIONS = ("many years", "years", "a long time", "many days", "months")


def _mark(out: list[Token], g: dict) -> list[Token]:
    for k, tok in enumerate(out):
        prev = out[k - 1] if k else None
        nxt = out[k + 1] if k + 1 < len(out) else None
        if tok.pos == "NUM":
            noun = next((t for t in out[k + 1:k + 4] if t.pos in ("NOUN", "PROPN")), None)
            if noun is not None:
                noun.count = tok.count
            tok.pos = "DET"
        if tok.text in g["plural_suffixes"] and prev is not None:
            prev.plural = True
        if tok.text in g["with"] and prev is not None and prev.pos in ("NOUN", "PROPN"):
            tok.cue = "and"
        if tok.text in ("在", "到", "从") and nxt is not None:
            # "在云雾中的山上": the nouns up to the place word are where it happens
            for t in out[k + 1:k + 6]:
                if t.pos in ("NOUN", "PROPN"):
                    t.case = "loc"
                if t.pos == "VERB":
                    break
        if tok.text in g["possessive_particle"] and prev is not None:
            if prev.pos == "PRON" and nxt is not None:
                noun = next((t for t in out[k + 1:k + 4] if t.pos in ("NOUN", "PROPN")), None)
                if noun is not None:
                    noun.owner = prev.gender or ""  # "她的孙子": her grandson
            elif prev.pos in ("ADJ",):
                prev.case = "poss"  # "失散多年的儿子": the describing words stay with the son
                for span in DURATIONS:  # "失散多年": lost many years, a long-lost son
                    if prev.en.endswith(" " + span) and len(prev.en.split()) == 1 + len(span.split()):
                        prev.en = f"long-{prev.en.split()[0]}"
                        break
            elif prev.pos == "VERB":
                prev.attributive = prev.past = True  # "写的信": a clause that describes the noun after it
        if tok.text in g["negation"] and not tok.cue:
            tok.cue = "negation"
        elif tok.text in g["twist"]:
            tok.cue = "twist"
    return out


def read(text: str):
    return build(text, "zh", tokens(text), LAYOUT)
