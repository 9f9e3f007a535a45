"""Words of a story, with what the reader needs of each: lemma, part of speech, whether it is quoted.

English goes through spaCy's `en_core_web_sm` (the premise reader's pipeline, loaded once): tokens,
lemmas, parts of speech and the dependency parse. German goes through simplemma (MIT; lemmas from
Wiktionary-derived lists, no model weights): a regular-expression tokenizer, simplemma's lemmas, and
closed word classes for the rest (articles, pronouns, prepositions); a capitalised word after an article
is a common noun, as German capitalises every noun.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from auteur.tools.language.story_text.quotes import Segment


@dataclass
class Tok:
    text: str
    lemma: str          # lower case
    pos: str            # a Universal POS tag: PROPN, NOUN, PRON, VERB, AUX, DET, ADJ, ADP, PUNCT, ...
    start: int          # character offset in the paragraph
    sent: int           # sentence number in the paragraph
    quote: int          # index of the speech segment it lies in, -1 for narration
    dep: str = ""       # English only: the dependency label
    head: int = -1      # English only: the head's index in the paragraph's token list
    first: bool = False  # the first word of its sentence (opening punctuation and quote marks skipped)

    @property
    def cap(self) -> bool:
        return self.text[:1].isupper()


WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*|\d+|[^\w\s]", re.UNICODE)


def tokenize(paragraphs: list[str], segs: list[list[Segment]], language: str, cues: dict) -> list[list[Tok]]:
    """Tokens of every paragraph, each told whether it lies inside a quotation."""
    if language == "en":
        return _english(paragraphs, segs)
    return [_plain(text, s, language, cues) for text, s in zip(paragraphs, segs)]


def _quote_index(segs: list[Segment], offset: int) -> int:
    k = -1
    for seg in segs:
        if seg.kind == "speech":
            k += 1
            if seg.start <= offset < seg.end:
                return k
    return -1


def _english(paragraphs: list[str], segs: list[list[Segment]]) -> list[list[Tok]]:
    from auteur.tools.language.premise import english

    nlp = english()
    out = []
    with nlp.select_pipes(disable=[p for p in ("ner",) if p in nlp.pipe_names]):
        for text, s, doc in zip(paragraphs, segs, nlp.pipe(paragraphs, batch_size=64)):
            sent_of = {}
            for n, sent in enumerate(doc.sents):
                for t in sent:
                    sent_of[t.i] = n
            toks = [Tok(text=t.text, lemma=t.lemma_.lower(), pos=t.pos_, start=t.idx, sent=sent_of[t.i],
                        quote=_quote_index(s, t.idx), dep=t.dep_, head=t.head.i) for t in doc if not t.is_space]
            # indices shift when spaces are dropped: map spaCy's to ours
            index = {t.start: k for k, t in enumerate(toks)}
            for tok, t in zip(toks, [t for t in doc if not t.is_space]):
                tok.head = index.get(t.head.idx, -1)
            _mark_firsts(toks)
            out.append(toks)
    return out


@lru_cache(maxsize=1)
def _simplemma():
    import simplemma

    return simplemma


def _plain(text: str, segs: list[Segment], language: str, cues: dict) -> list[Tok]:
    """Tokens for a language without a parser: lemmas from simplemma, tags from closed classes and capitals."""
    simplemma = _simplemma()
    articles = set(cues["articles"])
    pronouns = set(cues["pronouns"]) | set(cues["object_pronouns"]) | set(cues.get("closed", []))
    preps = set(cues["locative"])
    toks: list[Tok] = []
    sent = 0
    for m in WORD.finditer(text):
        word = m.group()
        lower = word.lower()
        if not word[0].isalnum():
            pos = "PUNCT"
        elif word.isdigit():
            pos = "NUM"
        elif lower in articles:
            pos = "DET"
        elif lower in cues["pronouns"] or lower in cues["object_pronouns"]:
            pos = "PRON"
        elif lower in preps:
            pos = "ADP"
        elif word[0].isupper() and lower not in pronouns:
            pos = "NOUN"  # a name or a common noun: the cast decides which
        else:
            pos = "X"
        try:
            lemma = simplemma.lemmatize(word, lang=language).lower() if pos in ("X", "NOUN") else lower
        except ValueError:
            lemma = lower
        toks.append(Tok(text=word, lemma=lemma, pos=pos, start=m.start(), sent=sent, quote=_quote_index(segs, m.start())))
        if word in ".!?…" and not _abbreviation(toks):
            sent += 1
    _mark_firsts(toks)
    return toks


def _abbreviation(toks: list[Tok]) -> bool:
    return len(toks) >= 2 and toks[-2].text.lower() in ("dr", "mr", "mrs", "ms", "st", "nr", "z", "b")


def _mark_firsts(toks: list[Tok]) -> None:
    seen: set[tuple[int, int]] = set()
    for tok in toks:
        key = (tok.sent, tok.quote)
        if tok.pos != "PUNCT" and key not in seen:
            tok.first = True
            seen.add(key)
