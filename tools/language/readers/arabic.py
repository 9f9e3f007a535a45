"""Arabic premises by their clitics: a word carries its conjunction, preposition and article in front
(والسوق: and-the-market) and its possessor behind (ابنته: his daughter); stripped, the stem is looked up in the
lexicon. Arabic puts the verb first (يبيع صبي: sells a boy), the noun before its describing words, and a noun
before the one it belongs to (سوق القاهرة: Cairo's market).
"""

from __future__ import annotations

from auteur.tools.language.gloss import cues, nouns, verbs
from auteur.tools.language.readers.build import Layout, build
from auteur.tools.language.readers.tokens import Token

LAYOUT = Layout(head_final=False, order="vso")


def _stems(word: str, g: dict) -> list[str]:
    """The word and what it is without its proclitics and article, longest first."""
    out = [word]
    for p in g["proclitics"]:
        if word.startswith(p) and len(word) - len(p) >= 2:
            out.append(word[len(p):])
    for w in list(out):
        if w.startswith(g["article"]) and len(w) > 3:
            out.append(w[len(g["article"]):])
    return out


def _verb(stems: list[str]) -> str | None:
    table = verbs("ar")
    for s in stems:
        if s in table:
            return table[s].en
        if s.startswith("ت") and "ي" + s[1:] in table:  # تضيء: she/it lights, of يضيء
            return table["ي" + s[1:]].en
    return None


def tokens(text: str) -> list[Token]:
    g = cues("ar")
    words = [w.strip("،.,!?؟") for w in text.split()]
    out: list[Token] = []
    pending_case = ""
    for w in (w for w in words if w):
        stems = _stems(w, g)
        stem = next((s for s in stems if s in nouns("ar")), stems[-1])
        hit = nouns("ar").get(stem)
        verb = _verb(stems)
        if w in g["place_prepositions"] or w in g["with"]:
            pending_case = "with" if w in g["with"] else "loc"
            out.append(Token(w, w, "ADP"))
            continue
        if w in g["negation"]:
            out.append(Token(w, w, "PART", cue="negation"))
            continue
        if w in g["twist"]:
            out.append(Token(w, w, "CONJ", cue="twist"))
            continue
        if w in g["numbers"]:
            out.append(Token(w, w, "DET", count=g["numbers"][w]))
            continue
        if w in g["stops"]:
            out.append(Token(w, w, "PART"))
            continue
        if verb is not None and (hit is None or w[0] in "يت"):
            tok = Token(w, stems[-1], "VERB", en=verb)
            # "فوانيس تضيء الأحلام": a verb right after a noun with no "that" between says what the noun does
            tok.attributive = bool(out) and out[-1].pos == "NOUN" and any(t.pos == "VERB" for t in out)
        elif hit is not None:
            name = hit.en[:1].isupper()
            pos = "PROPN" if name else "ADJ" if hit.describes else "NOUN"
            tok = Token(w, stem, pos, en=hit.en, gender=hit.gender, name=name)
        else:
            tok = Token(w, stems[-1], "NOUN")
        if tok.pos in ("NOUN", "PROPN"):
            tok.case, pending_case = pending_case, ""
            if out and out[-1].count:
                tok.count = out[-1].count
        out.append(tok)
    return out


def read(text: str):
    return build(text, "ar", tokens(text), LAYOUT)
