"""Is this text a story? Source code, lists and non-fiction are refused with one line that says why."""

from __future__ import annotations

import re

from auteur.core.errors import InputError

CODE_LINE = re.compile(r"^\s*(def |class |import |from \S+ import|#include|function |var |let |const |public |private |"
                       r"return\b|if\s*\(|for\s*\(|while\s*\(|\}|\{|</?\w+[^>]*>|SELECT |[A-Za-z_][\w.]*\s*=\s*\S)")
LIST_LINE = re.compile(r"^\s*(?:[-*+•·]|\d{1,3}[.)]|[a-zA-Z][.)])\s+\S")
MIN_WORDS = 150
MAX_WORDS = 30000


def check_shape(text: str, what: str) -> None:
    """Refuse code and lists before any reading: one line naming what the text looks like."""
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if not lines:
        raise InputError(f"{what} is empty; give a story of a few hundred words or more")
    if "```" in text or sum(1 for ln in lines if CODE_LINE.match(ln)) >= max(3, 0.3 * len(lines)) or \
            sum(text.count(c) for c in "{};") > 0.02 * max(1, len(text)):
        raise InputError(f"{what} looks like source code, not a story; auteur makes films of stories "
                         "(give a story, or a one-line premise)")
    if sum(1 for ln in lines if LIST_LINE.match(ln)) >= max(3, 0.5 * len(lines)):
        raise InputError(f"{what} is a list ({sum(1 for ln in lines if LIST_LINE.match(ln))} of {len(lines)} lines "
                         "are items), not a story; write it out as a story, or give a one-line premise")
    words = len(text.split())
    if words < MIN_WORDS:
        raise InputError(f"{what} is {words} words long; a story needs at least {MIN_WORDS} "
                         "(for a single line, give it as a premise: auteur make \"...\")")
    if words > MAX_WORDS:
        raise InputError(f"{what} is {words} words long; a film is made from at most {MAX_WORDS} "
                         "(give it a chapter or a few at a time)")


def check_story(what: str, words: int, quotes: int, speakers: int, third_person: int, characters: int) -> None:
    """Refuse a text that tells of no one: no characters, no dialogue, hardly a he or she."""
    rate = third_person / max(1, words)
    if characters == 0 and quotes == 0 and rate < 0.015:
        raise InputError(f"{what} reads as non-fiction, not a story: no characters, no dialogue and few he/she "
                         f"({rate:.1%} of its words); auteur makes films of stories")
    if characters == 0 and speakers == 0 and rate < 0.01:
        raise InputError(f"{what} reads as non-fiction, not a story: no one in it acts or speaks; "
                         "auteur makes films of stories")
