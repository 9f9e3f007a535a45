"""Japanese premises through MeCab (fugashi) with UniDic (unidic-lite): words, parts of speech, dictionary forms
and, for loanwords, UniDic's own English origin ("ロボット-robot"). Case comes from the particle after a noun
(が/は subject, を object, の possessor, で/に/へ place, と with); the subject-object-verb order decides the rest.
"""

from __future__ import annotations

from functools import lru_cache

from auteur.core.errors import AuteurError
from auteur.tools.language.gloss import cues, gloss, romanise
from auteur.tools.language.readers.build import Layout, build
from auteur.tools.language.readers.tokens import Token

LAYOUT = Layout(head_final=True, order="sov", joiner="")
_POS = {"名詞": "NOUN", "代名詞": "PRON", "動詞": "VERB", "形容詞": "ADJ", "形状詞": "ADJ", "連体詞": "ADJ",
        "助詞": "PART", "助動詞": "AUX", "補助記号": "PUNCT", "接頭辞": "X", "接尾辞": "X", "副詞": "X",
        "接続詞": "CONJ", "数詞": "NUM"}


@lru_cache(maxsize=1)
def tagger():
    try:
        import fugashi
        import unidic_lite  # noqa: F401  (fugashi finds its dictionary through this package)
    except ImportError:
        raise AuteurError("reading Japanese premises needs fugashi and unidic-lite; reinstall auteur") from None
    return fugashi.Tagger()


def _english(surface: str, base: str, lemma: str, verb: bool) -> tuple[str, str | None, bool]:
    """English, the form's gender, and whether the word describes rather than names."""
    for form in dict.fromkeys((surface, base, lemma.split("-")[0])):
        hit = gloss(form, "ja", verb)
        if hit is not None:
            return hit.en, hit.gender, hit.describes
    if "-" in lemma and lemma.split("-", 1)[1].isascii():
        return lemma.split("-", 1)[1], None, False  # UniDic's origin of a loanword: "コンピューター-computer"
    return "", None, False


def _roman(kana: str) -> str:
    return romanise(kana).lower() if kana else ""


def tokens(text: str) -> list[Token]:
    g = cues("ja")
    raw = [(w.surface, w.feature) for w in tagger()(text)]
    out: list[Token] = []
    i = 0
    while i < len(raw):
        surface, f = raw[i]
        pos = _POS.get(f.pos1, "X")
        base = f.orthBase or surface
        # "お|ばあ|さん", "茶|農家": a prefix, nouns and a noun-like suffix the lexicon knows as one word are one
        if f.pos1 in ("接頭辞", "名詞") and f.pos2 not in ("固有名詞", "数詞"):
            j = i + 1
            while j < len(raw) and (raw[j][1].pos1 == "名詞" and raw[j][1].pos2 not in ("数詞", "固有名詞")
                                    or raw[j][1].pos1 == "接尾辞" and raw[j][1].pos2 == "名詞的"):
                j += 1
            word = "".join(s for s, _ in raw[i:j])
            en, gender, describes = _english(word, word, word, False) if j > i + 1 else ("", None, False)
            if en:
                kana = "".join(x.kana or "" for _, x in raw[i:j])
                out.append(Token(word, word, "ADJ" if describes else "NOUN", en=en, gender=gender, roman=_roman(kana)))
                i = j
                continue
        if surface in g["numbers"] or f.pos2 == "数詞":
            count = g["numbers"].get(surface) or _numeral(surface)
            if i + 1 < len(raw) and raw[i + 1][0] in g["counters"]:
                i += 1  # "三|人": the counter belongs to the number
                surface += raw[i][0]
            tok = Token(surface, surface, "NUM", count=count)
            out.append(tok)
            i += 1
            continue
        if surface in g["stops"] or base in g["stops"]:
            out.append(Token(surface, base, "PART"))
        elif pos == "NOUN" and f.pos2 == "固有名詞":
            en, gender, _ = _english(surface, base, f.lemma or surface, False)
            roman = _roman(f.kana or surface).capitalize()
            out.append(Token(surface, surface, "PROPN", en=en or roman, name=True, roman=roman))
        elif pos == "NOUN" and f.pos2 != "代名詞":
            en, gender, describes = _english(surface, base, f.lemma or surface, False)
            out.append(Token(surface, base, "ADJ" if describes else "NOUN", en=en, gender=gender, roman=_roman(f.kana)))
        elif pos == "PRON" or f.pos2 == "代名詞":
            out.append(Token(surface, base, "PRON", gender=g["pronouns"].get(surface) or None))
        elif pos == "VERB" and f.pos2 == "非自立可能" and out and out[-1].text in ("て", "で", "ば"):
            out.append(Token(surface, base, "AUX"))  # "連れて|いる", "なければ|ならない": grammar, not an event
        elif pos == "VERB":
            en, _, _ = _english(surface, base, f.lemma or surface, True)
            out.append(Token(surface, base, "VERB", en=en, roman=_roman(f.kana)))
        elif pos == "ADJ":
            en, _, _ = _english(surface, base, f.lemma or surface, False)
            out.append(Token(surface, base, "ADJ", en=en, roman=_roman(f.kana)))
        elif pos == "PUNCT":
            out.append(Token(surface, surface, "PUNCT"))
        else:
            out.append(Token(surface, base, pos if pos != "X" else "PART"))
        i += 1
    return _mark(out, g)


def _numeral(word: str) -> int | None:
    digits = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
    return digits.get(word) or (int(word) if word.isdigit() else None)


def _mark(out: list[Token], g: dict) -> list[Token]:
    """Particles give the noun before them its case; numbers count the noun after them; "たち" makes it plural;
    auxiliaries after a verb say will ("たい"), inability ("できない") or negation."""
    cases = {**{p: "subj" for p in g["subject"]}, **{p: "obj" for p in g["object"]},
             **{p: "poss" for p in g["possessive"]}, **{p: "loc" for p in g["locative"]},
             **{p: "with" for p in g["with"]}}
    for k, tok in enumerate(out):
        prev = out[k - 1] if k else None
        if tok.pos == "PART" and prev is not None and prev.pos in ("NOUN", "PROPN", "PRON", "ADJ") and tok.text in cases:
            prev.case = prev.case or cases[tok.text]
            if tok.text == "と":
                tok.cue = "and"
        if tok.pos == "PRON" and tok.case == "poss":
            nxt = next((t for t in out[k + 1:k + 3] if t.pos in ("NOUN", "PROPN")), None)
            if nxt is not None:
                nxt.owner = tok.gender or ""  # "彼女の息子": her son
        if tok.pos == "NUM":
            nxt = next((t for t in out[k + 1:k + 4] if t.pos in ("NOUN", "PROPN")), None)
            if nxt is not None:
                nxt.count = tok.count
            tok.pos = "DET"  # a counted number is part of the phrase, not a noun of its own
        if tok.text in g["plural_suffixes"] and prev is not None and prev.pos == "NOUN":
            prev.plural = True
        if tok.pos in ("AUX", "PART", "VERB") and prev is not None and not prev.cue:
            tail = "".join(t.text for t in out[k:k + 5])
            if any(tail.startswith(c) for c in g["goal"]) and prev.pos in ("VERB", "AUX"):
                tok.cue = "goal"
                for t in out[k + 1:k + 5]:
                    t.cue = t.cue or "goal"  # "なければならない" is one must: its ない is no negation
            elif any(tail.startswith(c) for c in g["inability"][:-1]):
                tok.cue = "inability"
            elif tok.lemma == "ない" and tok.pos == "AUX":
                tok.cue = "negation"
        if tok.pos == "PART" and tok.text in ("が", "けれど", "のに") and prev is not None and prev.pos in ("VERB", "AUX"):
            tok.cue = "twist"
        if tok.text in g["twist"] and tok.pos == "CONJ":
            tok.cue = "twist"
        if tok.pos == "VERB" and k + 1 < len(out) and out[k + 1].text == "た" and k + 2 < len(out) \
                and out[k + 2].pos in ("NOUN",):
            tok.attributive = tok.past = True  # "見つけた少年": a past form before a noun describes it
    for k, tok in enumerate(out):  # "祖母と孫が": と between two nouns, the second the subject, is "and"
        if tok.case == "with" and k + 2 < len(out) and out[k + 1].text == "と" and out[k + 2].pos in ("NOUN", "PROPN") \
                and out[k + 2].case == "subj":
            tok.case = "subj"
    return out


def read(text: str):
    return build(text, "ja", tokens(text), LAYOUT)
