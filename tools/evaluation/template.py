"""Template: lines that are a stock sentence with the premise's nouns slotted in.

Each sentence of a line is reduced to its skeleton: lower case, the film's character names masked as N, words
whose lemma is in the premise masked as P, numbers as #. A skeleton that matches a stock skeleton (the old draft
planner's beat templates and a corpus of lines that could be in any film, shipped as data) is a template line.
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
TOKEN = re.compile(r"\{[A-Za-z_.]+\}|[^\W\d_][\w'’-]*|\d+|[?!]")
STOP = {"a", "an", "the", "and", "or", "of", "to", "in", "on", "at", "for", "with", "is", "are", "it", "that"}


@lru_cache(maxsize=1)
def stock() -> tuple[tuple[str, ...], ...]:
    """Skeletons of the stock lines (the old beat templates, and lines any film could have)."""
    out = []
    for name in ("stock_lines.txt", "generic_lines.txt"):
        text = resources.files("auteur.tools.evaluation").joinpath(f"data/{name}").read_text("utf-8")
        for line in text.splitlines():
            if line.strip() and not line.startswith("#"):
                out += [s for s in skeletons(line, (), frozenset()) if len(s) >= MIN_TOKENS]
    return tuple(dict.fromkeys(out))


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
    names = tuple(c.name for c in film.characters)
    premise = _premise_words(film)
    out = []
    for scene in film.scenes:
        lines = [ln.line for ln in scene.dialogue] or [ln.line for sh in scene.shots for ln in sh.dialogue]
        for line in lines:
            out += [(scene.id, line, sk) for sk in skeletons(line, names, premise) if len(sk) >= MIN_TOKENS]
    return out


def _matches_stock(sk: tuple[str, ...]) -> bool:
    for st in stock():
        if st == sk:
            return True
        if abs(len(st) - len(sk)) <= 2 and SequenceMatcher(None, st, sk, autojunk=False).ratio() >= CLOSE:
            return True
    return False


def template(film: Film) -> Metric:
    """The share of the film's line sentences that are stock templates: 1 when none is, 0 when a third or more is."""
    found = film_skeletons(film)
    if not found:
        return Metric(name="template", family="premise", score=None, skipped="the film has no dialogue")
    hits = [(sid, line) for sid, line, sk in found if _matches_stock(sk)]
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
