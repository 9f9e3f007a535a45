"""Korean premises by their particles: Korean writes each noun with its case particle attached (알바생이 subject,
고양이를 object, 서울의 possessor, 편의점에서 place, 고양이와 with) and ends each verb in a closed set of endings,
so stripping the particle and matching verb stems (Hangul syllables decomposed, so 된다 is 되다 and 했다 is 하다)
against the lexicon reads the line without a morphological model.

Why no kiwipiepy: its model is an 88 MB download for every install, and it would only tell noun from verb for
words the lexicon must still translate; the particles tell that for the words a premise is made of.
"""

from __future__ import annotations

from auteur.tools.language.gloss import cues, nouns, romanise, verbs
from auteur.tools.language.readers.build import Layout, build
from auteur.tools.language.readers.tokens import Token

LAYOUT = Layout(head_final=True, order="sov", joiner=" ")
_BASE, _END = 0xAC00, 0xD7A3
# vowels a verb ending contracts with the stem's last vowel: 하+여 -> 해, 오+아 -> 와, 주+어 -> 줘, 되+어 -> 돼
_CONTRACT = {0: {1}, 8: {9}, 13: {14}, 20: {6}, 18: {4}, 11: {10}}
# endings that make a verb describe the noun after it (오는 고양이, 잃어버린 열쇠)
_ADNOMINAL_FINALS = {4, 8}  # ㄴ, ㄹ as the last syllable's final consonant
_PAST_MARK = 20  # ㅆ


def _parts(ch: str) -> tuple[int, int, int] | None:
    code = ord(ch)
    if not _BASE <= code <= _END:
        return None
    code -= _BASE
    return code // 588, (code % 588) // 28, code % 28


def _syllable_matches(stem_ch: str, word_ch: str) -> bool:
    a, b = _parts(stem_ch), _parts(word_ch)
    if a is None or b is None:
        return stem_ch == word_ch
    if a[0] != b[0]:
        return False
    return a[1] == b[1] or b[1] in _CONTRACT.get(a[1], set())


def _verb(word: str) -> tuple[str, str] | None:
    """(dictionary form, English) of the lexicon verb this word is a form of: 된다 -> 되다, 기다린다 -> 기다리다."""
    best = None
    for form, hit in verbs("ko").items():
        stem = form[:-1] if form.endswith("다") else form
        if not stem or len(word) < len(stem):
            continue
        if word.startswith(stem) or (word[:len(stem) - 1] == stem[:-1] and _syllable_matches(stem[-1], word[len(stem) - 1])):
            if best is None or len(stem) > len(best[0]) - 1:
                best = (form, hit.en)
    return best


def _noun(word: str, g: dict) -> tuple[str, str, bool] | None:
    """(noun, case, plural) of a word that is a noun with particles: 알바생이 -> (알바생, subj, False)."""
    particles = sorted(((p, c) for c in ("subject", "object", "possessive", "locative", "with", "other_particles")
                        for p in g[c]), key=lambda pc: -len(pc[0]))
    case_of = {"subject": "subj", "object": "obj", "possessive": "poss", "locative": "loc", "with": "with",
               "other_particles": ""}
    if word in nouns("ko"):
        return word, "", False
    for p, c in particles:
        if word.endswith(p) and len(word) > len(p):
            stem = word[:-len(p)]
            for extra, c2 in particles:  # "에서는", "에게도": a second particle
                if stem.endswith(extra) and stem[:-len(extra)] in nouns("ko"):
                    stem, c = stem[:-len(extra)], c2 if c == "other_particles" or c == "subject" else c
                    break
            plural = stem.endswith("들") and len(stem) > 1
            if plural:
                stem = stem[:-1]
            if stem in nouns("ko") or _verb(stem) is None:
                return stem, case_of[c], plural
    return None


def _modal(word: str, nxt: str) -> str:
    if word.endswith("지만"):
        return "twist"
    if word.endswith(("려고", "으려고")) or nxt.startswith("싶") or word.endswith("야"):
        return "goal"
    if word == "수" and nxt.startswith("없") or word.startswith("못"):
        return "inability"
    return ""


def tokens(text: str) -> list[Token]:
    g = cues("ko")
    words = [w.strip(".,!?。") for w in text.split()]
    words = [w for w in words if w]
    out: list[Token] = []
    i = 0
    while i < len(words):
        word = words[i]
        nxt = words[i + 1] if i + 1 < len(words) else ""
        pair = f"{word} {nxt}" if nxt else ""
        if pair and pair in nouns("ko"):  # "매일 밤", "낯선 사람"
            hit = nouns("ko")[pair]
            out.append(Token(pair, pair, "ADJ" if hit.describes else "NOUN", en=hit.en, gender=hit.gender))
            i += 2
            continue
        if pair and nxt and _noun(word, g) is not None:
            both = _verb(f"{word} {nxt}")
            if both is not None and " " in both[0]:  # "친구가 된다": befriend
                out.append(Token(pair, both[0], "VERB", en=both[1]))
                i += 2
                continue
        cue = _modal(word, nxt)
        if word in g["stops"]:
            out.append(Token(word, word, "PART", cue="inability" if word == "수" and nxt.startswith("없") else ""))
        elif word in g["numbers"] and nxt:
            out.append(Token(word, word, "DET", count=g["numbers"][word]))
        elif word in g["pronouns"] or word.rstrip("는가의를") in g["pronouns"]:
            base = word if word in g["pronouns"] else word.rstrip("는가의를")
            out.append(Token(word, base, "PRON", gender=g["pronouns"][base] or None,
                             case="poss" if word.endswith("의") else "subj"))
        elif word in g["counters"] or word.rstrip("의") in g["counters"]:
            out.append(Token(word, word, "PART"))
        elif cue in ("twist",) and _verb(word) is None:
            out.append(Token(word, word, "CONJ", cue=cue))
        elif word in ("수", "것", "것을", "걸") or word.startswith(("싶", "없", "않", "하지")) and out and \
                out[-1].pos in ("VERB", "AUX", "PART"):
            out.append(Token(word, word, "AUX", cue=cue or ("inability" if word.startswith("없") and out and
                                                            out[-1].text == "수" else "")))
        else:
            noun = _noun(word, g)
            verb = _verb(word)
            adjective = nouns("ko").get(word)
            if adjective is not None and adjective.describes:
                out.append(Token(word, word, "ADJ", en=adjective.en))
            elif noun is not None and (verb is None or noun[0] in nouns("ko") or i + 1 < len(words) and noun[1]):
                stem, case, plural = noun
                hit = nouns("ko").get(stem)
                en = hit.en if hit else ""
                name = bool(en) and en[:1].isupper()
                out.append(Token(word, stem, "PROPN" if name else "NOUN", en=en, gender=hit.gender if hit else None,
                                 case=case, plural=plural, name=name))
            elif verb is not None:
                last = _parts(word[-1])
                attributive = last is not None and last[2] in _ADNOMINAL_FINALS and i + 1 < len(words) \
                    and not word.endswith(("다", "고", "서", "며")) and nxt not in ("수", "것", "거", "때")
                tok = Token(word, verb[0], "VERB", en=verb[1], cue=cue)
                tok.attributive = attributive
                tok.past = attributive and word[-1] in "은던" or any((_parts(c) or (0, 0, 0))[2] == _PAST_MARK for c in word)
                out.append(tok)
                if word.endswith(("서", "며", "면서")) and i + 1 < len(words):
                    out.append(Token(",", ",", "PUNCT"))  # "비가 와서 ...": a new clause of the same part
            elif i == len(words) - 1:
                out.append(Token(word, word, "VERB", roman=romanise(word)))  # Korean ends on its verb
            else:
                out.append(Token(word, word, "NOUN"))
        if cue and out[-1].cue == "":
            out[-1].cue = cue if cue != "twist" else ""
            if cue == "twist":
                out.append(Token("", "", "PUNCT", cue="twist"))  # "...지만": what follows turns the story
        i += 1
    for k, tok in enumerate(out):
        if tok.count and k + 1 < len(out):
            noun = next((t for t in out[k + 1:k + 3] if t.pos in ("NOUN", "PROPN")), None)
            if noun is not None:
                noun.count = tok.count
        if tok.pos == "PRON" and tok.case == "poss" and k + 1 < len(out):
            out[k + 1].owner = tok.gender or ""
    return out


def read(text: str):
    return build(text, "ko", tokens(text), LAYOUT)
