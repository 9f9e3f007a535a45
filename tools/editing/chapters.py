"""Film title and chapter marks as an FFMETADATA1 file, which ffmpeg maps onto the film.

Titles travel through this file rather than `-metadata` arguments or filter strings, so no
character in them can be mistaken for ffmpeg syntax.
"""

from __future__ import annotations

import unicodedata

_SPECIAL = "=;#\\\n"


def escape(value: str) -> str:
    """A metadata value with ffmpeg's specials (= ; # \\ newline) backslash-escaped."""
    # Other control characters (a stray \r, NUL) have no business in a title and would end lines.
    value = "".join(ch for ch in value if ch == "\n" or unicodedata.category(ch) != "Cc")
    return "".join("\\" + ch if ch in _SPECIAL else ch for ch in value)


def headline(text: str) -> str:
    """A scene heading as a chapter title: each word's first letter raised, the rest kept as written.

    (str.title() starts a word after every non-letter: "Keeper'S", "Mcdonald", "Nasa".)"""
    return " ".join(word[:1].upper() + word[1:] for word in text.split())


def ffmetadata(title: str, chapters: list[tuple[float, float, str]]) -> str:
    """An FFMETADATA1 document: the global title, then one [CHAPTER] (millisecond timebase) each."""
    parts = [";FFMETADATA1", f"title={escape(title)}", ""]
    for start, end, name in chapters:
        start_ms = max(0, round(start * 1000))
        end_ms = max(start_ms, round(end * 1000))
        parts += ["[CHAPTER]", "TIMEBASE=1/1000", f"START={start_ms}", f"END={end_ms}", f"title={escape(name)}", ""]
    return "\n".join(parts)
