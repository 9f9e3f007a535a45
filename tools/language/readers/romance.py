"""French, Spanish, Italian, Portuguese and German premises: simplemma's lemmas ("découvre" -> "découvrir",
"hijas" -> "hija") looked up in the lexicon, and the closed-class words around them: articles give number and a
person's gender, prepositions give case ("de Lyon" a place, "por su hija" the doer), "que/dass" after a discovery
opens what was found out, "mais/pero/aber" a twist. Nouns lead their describing words in the Romance languages;
German puts the head last, like English.
"""

from __future__ import annotations

import re
from functools import lru_cache

from auteur.core.errors import AuteurError
from auteur.tools.language.gloss import cues, gloss, kinds
from auteur.tools.language.readers.build import Layout, build
from auteur.tools.language.readers.tokens import Token

LAYOUTS = {"de": Layout(head_final=True, order="svo", extra={"subject_first": True})}
ROMANCE = Layout(head_final=False, order="svo")
_WORD = re.compile(r"[^\W\d_]+(?:[-’'][^\W\d_]+)*['’]?|\d+|[^\w\s]", re.UNICODE)
_ELIDED = re.compile(r"^(l|d|qu|n|s|c|j|m|t|un|dell|all|nell|sull)['’](.+)$", re.IGNORECASE)
# a possessive makes "fille" a daughter and "garçon" a son
_KIN = {"girl": "daughter", "boy": "son", "woman": "wife", "man": "husband"}  # with a possessive: "sa femme", "ihr Mann"


@lru_cache(maxsize=8)
def _lemmatizer(lang: str):
    try:
        import simplemma
    except ImportError:
        raise AuteurError("reading premises in French, Spanish, German, Italian or Portuguese needs simplemma; "
                          "reinstall auteur") from None
    return lambda word: simplemma.lemmatize(word, lang=lang)


def _split(text: str) -> list[str]:
    out = []
    for w in _WORD.findall(text):
        m = _ELIDED.match(w)
        if m and len(m.group(2)) > 1:
            out.extend([m.group(1).lower() + "'", m.group(2)])
        else:
            out.append(w)
    return out


def _phrase_cue(words: list[str], k: int, lists: dict) -> tuple[str, int]:
    """The cue that starts at word k ("ne peut pas": inability, "antes de": deadline) and how many words it spans."""
    for cue in ("inability", "goal", "deadline", "twist", "content"):
        for form in sorted(lists.get(cue, []), key=lambda f: -len(f.split())):
            parts = form.split()
            if [w.lower() for w in words[k:k + len(parts)]] == parts:
                return cue, len(parts)
    return "", 0


def tokens(text: str, lang: str) -> list[Token]:
    g = cues(lang)
    lemma_of = _lemmatizer(lang)
    words = _split(text)
    out: list[Token] = []
    pending_case = ""
    pending_gender: str | None = None
    pending_owner: str | None = None
    pending_count: int | None = None
    pending_plural = False
    seen_discovery = False
    k = 0
    while k < len(words):
        w = words[k]
        low = w.lower()
        if not w[0].isalnum():
            out.append(Token(w, w, "PUNCT"))
            k += 1
            continue
        cue, span = _phrase_cue(words, k, g)
        if cue in ("inability", "goal") and span > 1 or cue in ("deadline", "twist") or \
                (cue == "content" and seen_discovery):
            out.append(Token(" ".join(words[k:k + span]), low, "CONJ" if cue != "goal" else "AUX", cue=cue))
            k += span
            continue
        if cue == "goal" and span == 1:
            out.append(Token(w, low, "AUX", cue="goal"))
            k += 1
            continue
        if low in g["possessives"]:
            pending_owner = g["possessives"][low]
            pending_plural = low in g["plural_articles"]
            out.append(Token(w, low, "DET", owner=pending_owner))
            k += 1
            continue
        if low in g["articles"] or (low in g["numbers"] and k + 1 < len(words)):
            if low in g["numbers"] and low not in ("un", "une", "uno", "una", "ein", "eine", "um", "uma"):
                pending_count = g["numbers"][low]
            pending_gender = g["articles"].get(low) or pending_gender
            pending_plural = low in g["plural_articles"]
            if low in ("del", "al", "du", "au", "do", "da", "dem", "vom", "zum", "zur", "im", "am") and low in g["place_prepositions"]:
                pending_case = pending_case or "loc"
            out.append(Token(w, low, "DET"))
            k += 1
            continue
        if low in g["pronouns"] and not (lang == "de" and low == "sie"):
            out.append(Token(w, low, "PRON", gender=g["pronouns"][low] or None))
            k += 1
            continue
        if low in g["with"] or low in g["by"] or low in g["place_prepositions"]:
            pending_case = "with" if low in g["with"] else "by" if low in g["by"] else "loc"
            if low in g.get("object_markers", ()) and out and out[-1].pos == "VERB":
                pending_case = "obj?"  # "enseña a su gato": the one taught; "va a la playa": where
            if low in ("de", "di", "d'", "von") and not (k + 1 < len(words) and words[k + 1][:1].isupper()):
                pending_case = "poss"  # "le pain de sa mère": whose, not where
            out.append(Token(w, low, "ADP"))
            k += 1
            continue
        if low in g["and"]:
            out.append(Token(w, low, "CONJ", cue="and"))
            k += 1
            continue
        if low in g["negation"]:
            out.append(Token(w, low, "PART", cue="negation"))
            k += 1
            continue
        if low in ("qui", "que", "quien", "che", "der", "die", "das", "welche") and out and out[-1].pos in ("NOUN", "PUNCT") \
                and (low not in ("der", "die", "das") or out[-1].text == ","):
            out.append(Token(w, low, "CONJ", cue="clause"))  # a relative clause describes the noun before it
            k += 1
            continue
        if low in g["stops"]:
            out.append(Token(w, low, "PART"))
            k += 1
            continue
        lemma = lemma_of(w) or w
        noun = gloss(w, lang) or gloss(lemma, lang)
        verb = gloss(lemma, lang, verb=True) or gloss(w, lang, verb=True)
        if verb is None and lemma.lower() == low and not (out and out[-1].pos == "DET"):
            # "enseña", "toca", "busca": the lemmatizer reads a noun (an emblem, a headdress, a search); the
            # regular present tense names the verb
            verb, lemma = next(((v, c) for c in _infinitives(low, lang) if (v := gloss(c, lang, verb=True))),
                               (None, lemma))
        capital = w[:1].isupper() and k > 0 and not (out and out[-1].text in ".!?")
        after_det = bool(out) and out[-1].pos in ("DET", "ADJ", "NUM")
        if noun is not None and noun.en[:1].isupper() or (capital and noun is None and verb is None and
                                                          (lang != "de" or pending_case in ("loc", "with"))):
            en = noun.en if noun is not None else w
            tok = Token(w, w, "PROPN", en=en, name=True)
        elif noun is not None and noun.describes and not (verb is not None and not after_det):
            tok = Token(w, low, "ADJ", en=noun.en, gender=noun.gender)
        elif noun is not None and (verb is None or after_det):
            en = _KIN.get(noun.en, noun.en) if pending_owner is not None else noun.en
            plural = pending_plural or (lemma.lower() != low and low.endswith(("s", "en", "er", "n")) and lang != "de") \
                or (lang == "de" and lemma != w and w.endswith(("en", "er", "e", "n")) and noun.gender is None)
            gender = noun.gender or (pending_gender if noun is None else None)
            tok = Token(w, low if lang != "de" else w, "NOUN", en=en, gender=gender, plural=plural,
                        owner=pending_owner)
            if plural and lemma != w:
                tok.lemma = lemma.lower() if lang != "de" else lemma
        elif verb is not None and low in g.get("causative", ()) and (made := _infinitive_after(words, k, lang)):
            # "son pain fait rêver toute la ville": her bread makes the whole city dream, one act of the bread's
            tok = Token(f"{w} {words[k + 1]}", lemma, "VERB", en="make", causes=made)
            k += 1
        elif verb is not None:
            tok = Token(w, lemma, "VERB", en=verb.en)
            by = k + 1 < len(words) and words[k + 1].lower() in g["by"]
            participle = by or lemma.lower() != low and low.endswith(
                ("é", "ée", "és", "ées", "ado", "ada", "ido", "ida", "ito", "ita", "ato", "ata", "eto", "eta"))
            if participle and out and out[-1].pos in ("NOUN", "ADJ") and lang != "de":
                tok.attributive = tok.past = True  # "un mensaje escrito por su hija"
            seen_discovery = seen_discovery or verb.en in ("discover", "find out", "realise", "know", "see", "learn")
        elif k + 1 < len(words) and words[k + 1].lower() in g["by"] and out and out[-1].pos == "NOUN":
            tok = Token(w, lemma, "VERB", roman=w)  # "escrito por": a participle the lexicon lacks, still an act
            tok.attributive = tok.past = True
        elif after_det or capital and lang == "de":
            tok = Token(w, low, "NOUN", gender=pending_gender, plural=pending_plural, owner=pending_owner)
        else:
            tok = Token(w, lemma, "X")
        if tok.pos in ("NOUN", "PROPN", "ADJ"):
            if pending_case == "obj?":  # a person or an animal after the verb's "a" is whom it is done to
                alive = {"person", "animal", "creature"} & set(kinds(tok.en) or ())
                pending_case = "obj" if alive or tok.pos == "PROPN" and not noun else "loc"
            tok.case = pending_case
            if tok.pos != "ADJ" or not pending_case:
                pending_case = ""
            if pending_count is not None and tok.pos == "NOUN":
                tok.count = pending_count
                pending_count = None
            if tok.pos == "NOUN" and tok.gender is None and noun is None:
                tok.gender = pending_gender
        if tok.pos in ("NOUN", "PROPN", "VERB"):
            pending_gender, pending_owner, pending_plural = None, None, False
        if tok.pos in ("VERB", "X"):
            pending_case = ""
        out.append(tok)
        k += 1
    return _complements(_nominalised(out, g))


PRESENT_ENDINGS = {  # third person present -> infinitive, for regular verbs
    "es": (("an", "ar"), ("en", "er"), ("en", "ir"), ("a", "ar"), ("e", "er"), ("e", "ir")),
    "pt": (("am", "ar"), ("em", "er"), ("em", "ir"), ("a", "ar"), ("e", "er"), ("e", "ir")),
    "it": (("ano", "are"), ("ono", "ere"), ("ono", "ire"), ("a", "are"), ("e", "ere"), ("e", "ire")),
    "fr": (("ent", "er"), ("e", "er"), ("it", "ir"), ("t", "re")),
}


def _infinitives(word: str, lang: str) -> list[str]:
    return [word[:-len(end)] + inf for end, inf in PRESENT_ENDINGS.get(lang, ()) if word.endswith(end)]


def _nominalised(out: list[Token], g: dict) -> list[Token]:
    """"Una anciana de Sevilla": a describing word with an article and no noun after it is someone, an old woman
    (as English needs the noun)."""
    for k, tok in enumerate(out):
        if tok.pos != "ADJ" or not k or out[k - 1].pos != "DET":
            continue
        nxt = out[k + 1] if k + 1 < len(out) else None
        if nxt is not None and nxt.pos in ("NOUN", "PROPN", "ADJ"):
            continue
        gender = tok.gender or g["articles"].get(out[k - 1].lemma) or None
        tok.pos, tok.gender = "NOUN", gender
        tok.en = f"{tok.en} {'woman' if gender == 'female' else 'man' if gender == 'male' else 'person'}"
    return out


INFINITIVE_ENDINGS = ("ar", "er", "ir", "re", "are", "ere", "ire")


def _complements(out: list[Token]) -> list[Token]:
    """"enseña a su gato a tocar el piano": teaches her cat to play the piano. An infinitive after "a"/"à" that
    follows a verb and the one it is done to completes that verb, with its own object; it is no act of its own."""
    for k, tok in enumerate(out):
        if tok.pos != "VERB" or tok.causes:
            continue
        j, whom = k + 1, False
        while j < len(out) and j <= k + 5 and out[j].pos in ("ADP", "DET", "NOUN", "PROPN", "ADJ"):
            whom = whom or out[j].pos in ("NOUN", "PROPN")
            j += 1
        then = out[j] if j < len(out) else None
        if not whom or then is None or then.pos != "VERB" or not then.en or out[j - 1].lemma not in ("a", "à") \
                or not then.text.lower().endswith(INFINITIVE_ENDINGS):
            continue
        what = next((t for t in out[j + 1:j + 4] if t.pos in ("NOUN", "PROPN")), None)
        said = f"to {then.en}"
        if what is not None and what.en:
            det = out[out.index(what) - 1]
            said += f" {'the ' if det.pos == 'DET' and det.owner is None else ''}{what.en}"
        tok.causes = said
        then.pos = "PART"  # told inside the verb it completes
    return out


def _infinitive_after(words: list[str], k: int, lang: str) -> str:
    """The English of the verb after word k ("rêver" -> "dream"), or "" when no verb follows."""
    if k + 1 >= len(words):
        return ""
    then = words[k + 1]
    found = gloss(_lemmatizer(lang)(then) or then, lang, verb=True)
    return found.en if found is not None else ""


def read(text: str, lang: str):
    return build(text, lang, tokens(text, lang), LAYOUTS.get(lang, ROMANCE))
