"""Hindi premises by their postpositions: Hindi writes case as separate words after the noun (की/का/के whose,
में/पर/से where, को whom, ने who, के लिए for), ends the clause on its verb (stem + ता/ती/ते + है), and agrees
adjectives and verbs with a woman in ी ("बूढ़ी दर्ज़ी ... सिलती है": an old tailor, and she sews).
"""

from __future__ import annotations

from auteur.tools.language.gloss import cues, nouns, verbs
from auteur.tools.language.readers.build import Layout, build
from auteur.tools.language.readers.tokens import Token

LAYOUT = Layout(head_final=True, order="sov")


def _verb(word: str) -> tuple[str, str] | None:
    best = None
    for form, hit in verbs("hi").items():
        stem = form[:-2] if form.endswith("ना") else form
        if len(stem) >= 2 and word.startswith(stem) and (best is None or len(stem) > len(best[0])):
            best = (stem, hit.en)
    return best


def tokens(text: str) -> list[Token]:
    g = cues("hi")
    words = [w.strip("।.,!?") for w in text.split()]
    words = [w for w in words if w]
    cases = {**{p: "subj" for p in g["subject"]}, **{p: "obj" for p in g["object"]},
             **{p: "poss" for p in g["possessive"]}, **{p: "loc" for p in g["locative"]}}
    out: list[Token] = []
    i = 0
    while i < len(words):
        w = words[i]
        for n in (3, 2):  # "शादी का जोड़ा": a wedding outfit
            joined = " ".join(words[i:i + n])
            if len(words) - i >= n and joined in nouns("hi"):
                hit = nouns("hi")[joined]
                out.append(Token(joined, joined, "NOUN", en=hit.en))
                i += n
                break
        else:
            hit = nouns("hi").get(w)
            if w in g["numbers"]:
                out.append(Token(w, w, "DET", count=g["numbers"][w]))
            elif w in g["possessives"]:
                out.append(Token(w, w, "DET", owner=g["possessives"][w]))
            elif w in cases and out:
                if w in ("के",) and i + 1 < len(words) and words[i + 1] == "लिए":
                    out[-1].case = out[-1].case or "for"  # "पोती के लिए": for her granddaughter, not the thing sewn
                else:
                    out[-1].case = out[-1].case or cases[w]
                out.append(Token(w, w, "PART"))
            elif w in g["auxiliaries"] or w in g["stops"]:
                out.append(Token(w, w, "AUX"))
            elif hit is not None:
                name = hit.en[:1].isupper()
                pos = "PROPN" if name else "ADJ" if hit.describes else "NOUN"
                out.append(Token(w, w, pos, en=hit.en, gender=hit.gender, name=name))
            elif (verb := _verb(w)) is not None and (i + 1 == len(words) or words[i + 1] in g["auxiliaries"]):
                out.append(Token(w, verb[0] + "ना", "VERB", en=verb[1],
                                 gender="female" if w.endswith(tuple(g["feminine_endings"])) else None))
            else:
                out.append(Token(w, w, "NOUN"))
            i += 1
    # a feminine adjective or verb makes the person it agrees with a woman
    for k, tok in enumerate(out):
        if tok.pos == "ADJ" and tok.text.endswith(tuple(g["feminine_endings"])):
            noun = next((t for t in out[k + 1:k + 3] if t.pos == "NOUN"), None)
            if noun is not None and noun.gender is None:
                noun.gender = "female"
        if tok.pos == "VERB" and tok.gender == "female":
            subject = next((t for t in out[:k] if t.pos == "NOUN" and t.case in ("", "subj")), None)
            if subject is not None and subject.gender is None:
                subject.gender = "female"
            tok.gender = None
        if tok.count and k + 1 < len(out):
            noun = next((t for t in out[k + 1:k + 3] if t.pos in ("NOUN", "PROPN")), None)
            if noun is not None:
                noun.count = tok.count
        if tok.pos == "DET" and tok.owner is not None and k + 1 < len(out):
            out[k + 1].owner = tok.owner  # "अपनी पोती": her granddaughter, and no further (once the wedding dress too)
    return out


def read(text: str):
    return build(text, "hi", tokens(text), LAYOUT)
