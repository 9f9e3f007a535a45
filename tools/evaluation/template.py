"""Template: lines that are a stock sentence with the premise's nouns slotted in.

Each sentence of a line is reduced to its skeleton: lower case, the film's character names masked as N, words
whose lemma is in the premise masked as P, numbers as #. A skeleton that matches a stock skeleton (the draft
planners' beat templates and the story engine's frames, and a corpus of lines that could be in any film, shipped as
data) is a template line. A stock line's {slots} are also read as holes any few words fill: "If we're snowed in
at the lodge, I'd rather face it with you, Ada." is the frame "If {main.news}, I'd rather face it with you, {B}."
whatever its slots hold, as long as the frame's own words are most of the sentence.
Across the films of a bench, a skeleton spoken in more than `MAX_FILMS` films is a template too
(`bench_templates`): a frame that fits every premise plays none.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from functools import lru_cache
from importlib import resources

from auteur.core.schema import Film
from auteur.tools.evaluation.metrics import Metric, clamp01
from auteur.tools.evaluation.situation import lemmas, words_of
from auteur.tools.evaluation.weights import weight

MAX_FILMS = 2  # a skeleton may recur in two films of a bench by chance, not in three
CLOSE = 0.86   # skeletons this similar (token sequence ratio) are the same frame with a word changed
MIN_TOKENS = 3
# A frame with holes matches a sentence when its own words are at least this many and this share of the sentence:
# "Then do it, {A}: {goal.short}." has three words of its own, too few to call "Then do it, Ricky: hand her the mic
# before the battery dies." a template.
FRAME_WORDS, FRAME_SHARE = 4, 0.5
HOLE = r"\S+(?: \S+){0,9}"  # a slot holds one to ten words
TOKEN = re.compile(r"\{[A-Za-z_.]+\}|[^\W\d_][\w'’-]*|\d+|[?!]")
STOP = {"a", "an", "the", "and", "or", "of", "to", "in", "on", "at", "for", "with", "is", "are", "it", "that"}


@lru_cache(maxsize=1)
def stock() -> tuple[tuple[str, ...], ...]:
    """Skeletons of the stock lines (the old beat templates, and lines any film could have)."""
    out = []
    for line in _stock_texts():
        out += [s for s in skeletons(line, (), frozenset()) if len(s) >= MIN_TOKENS]
    return tuple(dict.fromkeys(out))


def _stock_texts() -> list[str]:
    out = []
    for name in ("stock_lines.txt", "generic_lines.txt"):
        text = resources.files("auteur.tools.evaluation").joinpath(f"data/{name}").read_text("utf-8")
        out += [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return out


def _tokens(sentence: str) -> list[str]:
    return [t if t.startswith("{") else t.lower().replace("’", "'") for t in TOKEN.findall(sentence)]


@lru_cache(maxsize=1)
def frames() -> tuple[tuple[re.Pattern, int], ...]:
    """The stock sentences that have slots, each as a pattern over a sentence's space-joined tokens, with the
    number of the frame's own words."""
    out = {}
    for line in _stock_texts():
        for sent in sentences(line):
            toks = _tokens(sent)
            own = [t for t in toks if not t.startswith("{")]
            if len(own) == len(toks) or len(own) < FRAME_WORDS:
                continue
            parts = [HOLE if t.startswith("{") else re.escape(t) for t in toks]
            parts = [p for k, p in enumerate(parts) if not (k and p == HOLE and parts[k - 1] == HOLE)]
            out[" ".join(parts)] = len(own)
    # the engine opens a line now and then with a word that fits its feeling ("Hey,", "Oh, come on,") and may end
    # it on a name: up to three words before the frame and two after are still the frame
    return tuple((re.compile(rf"^(?:\S+ ){{0,3}}?{body}(?: \S+){{0,2}}$"), own) for body, own in sorted(out.items()))


def fills_a_frame(sentence: str) -> bool:
    """Whether the sentence is a stock frame's words with its slots filled by any few words."""
    toks = _tokens(sentence)
    text = " ".join(toks)
    return any(own >= FRAME_SHARE * len(toks) and frame.match(text) for frame, own in frames())


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]


def skeletons(text: str, names: tuple[str, ...], premise: frozenset[str]) -> list[tuple[str, ...]]:
    """Each sentence's skeleton: names N, slots and premise words P, numbers #."""
    first_names = {n.lower() for name in names for n in name.split()}
    out = []
    for sent in sentences(text):
        toks = []
        for tok in TOKEN.findall(sent):
            low = tok.lower().strip("'’")
            if tok.startswith("{"):
                toks.append("N" if tok[1:2] in "AB" and len(tok) <= 4 else "P")
            elif low in first_names:
                toks.append("N")
            elif low.isdigit():
                toks.append("#")
            elif lemmas(low) & premise and low not in STOP:
                toks.append("P")
            else:
                toks.append(low)
        # a run of masks is one mask ("the three sisters" and "Ruth" fill the same hole)
        squeezed = [t for k, t in enumerate(toks) if not (k and t in "NP" and toks[k - 1] == t)]
        out.append(tuple(squeezed))
    return out


def _premise_words(film: Film) -> frozenset[str]:
    return frozenset(w for w in words_of(film.prompt) if w not in STOP and len(w) > 2)


def film_skeletons(film: Film) -> list[tuple[str, str, tuple[str, ...]]]:
    """(scene id, line, skeleton) for every sentence of every line of the film."""
    return [(sid, line, sk) for sid, line, _, sk in _film_sentences(film)]


def _film_sentences(film: Film) -> list[tuple[str, str, str, tuple[str, ...]]]:
    """(scene id, line, sentence, skeleton) for every sentence of every line of the film."""
    names = tuple(c.name for c in film.characters)
    premise = _premise_words(film)
    out = []
    for scene in film.scenes:
        lines = [ln.line for ln in scene.dialogue] or [ln.line for sh in scene.shots for ln in sh.dialogue]
        for line in lines:
            for sent in sentences(line):
                out += [(scene.id, line, sent, sk) for sk in skeletons(sent, names, premise) if len(sk) >= MIN_TOKENS]
    return out


def _matches_stock(sk: tuple[str, ...]) -> bool:
    if sk in stock_set():
        return True
    # One matcher with the sentence as its second sequence (SequenceMatcher indexes that one once), and ratio()
    # only where its two cheap upper bounds allow it: the same verdicts, a tenth of the work.
    matcher = SequenceMatcher(None, autojunk=False)
    matcher.set_seq2(sk)
    for st in stock():
        if abs(len(st) - len(sk)) <= 2:
            matcher.set_seq1(st)
            if matcher.real_quick_ratio() >= CLOSE and matcher.quick_ratio() >= CLOSE and matcher.ratio() >= CLOSE:
                return True
    return False


@lru_cache(maxsize=1)
def stock_set() -> frozenset[tuple[str, ...]]:
    return frozenset(stock())


def template(film: Film) -> Metric:
    """The share of the film's line sentences that are stock templates: 1 when none is, 0 when a third or more is."""
    found = _film_sentences(film)
    if not found:
        return Metric(name="template", family="premise", score=None, skipped="the film has no dialogue")
    hits = [(sid, line) for sid, line, sent, sk in found if _matches_stock(sk) or fills_a_frame(sent)]
    share = len(hits) / len(found)
    issues = [f"scene {sid}: {line[:80]!r} is a stock template with the premise's words slotted in" for sid, line in hits]
    return Metric(name="template", family="premise", score=clamp01(1.0 - 3.0 * share), weight=weight("template"),
                  issues=issues, detail={"template_share": share, "sentences": len(found)})


def bench_templates(films: dict[str, Film]) -> dict[str, tuple[float, list[str]]]:
    """For each film of a bench: the share of its sentences whose skeleton more than MAX_FILMS films speak."""
    per: dict[str, list[tuple[str, str, tuple[str, ...]]]] = {label: film_skeletons(f) for label, f in films.items()}
    where: dict[tuple[str, ...], set[str]] = {}
    for label, items in per.items():
        for _, _, sk in items:
            where.setdefault(sk, set()).add(label)
    out = {}
    for label, items in per.items():
        issues = []
        for sid, line, sk in items:
            if len(where[sk]) > MAX_FILMS:
                issues.append(f"scene {sid}: the frame of {line[:70]!r} is spoken in {len(where[sk])} films of the bench")
        out[label] = (len(issues) / len(items) if items else 0.0, issues)
    return out
