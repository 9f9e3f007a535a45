"""JSON from files a user hands auteur, with its nesting checked before the parser sees it.

Python's json parser recurses once per nesting level; a few KB of `[[[[...` exhaust the stack and
raise RecursionError. No auteur file nests deeper than a dozen levels, so anything past MAX_DEPTH
is refused with one line, without parsing.
"""

from __future__ import annotations

import json
import re
from typing import Any

from auteur.core.errors import InputError

MAX_DEPTH = 64
# A string, escapes included, in linear time: possessive loops never give back what they matched, and an
# unterminated string runs to the end of the text (the closing quote is optional) instead of failing and
# being retried from every later quote, which made `"` + `\"` * n quadratic (minutes for 1 MB).
_STRINGS = re.compile(r'"[^"\\]*+(?:\\.[^"\\]*+)*+"?', re.DOTALL)
_NOT_BRACKETS = re.compile(r"[^\[\]{}]+")


def nesting_depth(text: str) -> int:
    """The deepest bracket nesting in JSON text (brackets inside strings do not count)."""
    depth = deepest = 0
    for ch in _NOT_BRACKETS.sub("", _STRINGS.sub("", text)):
        if ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def loads(text: str, what: str, max_depth: int = MAX_DEPTH) -> Any:
    """Parse JSON text; `what` names the file in the one-line InputError for text that is not usable JSON."""
    depth = nesting_depth(text)
    if depth > max_depth:
        raise InputError(f"{what} nests {depth} levels deep; auteur reads JSON at most {max_depth} deep")
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise InputError(f"{what} is not valid JSON: {err.msg.removesuffix(' at')} at line {err.lineno}, column {err.colno}") from None
    except RecursionError:  # the depth check above makes this unreachable for well-formed text; kept for safety
        raise InputError(f"{what} nests too deep to read") from None
