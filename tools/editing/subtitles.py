"""SubRip (.srt) subtitles: timed cues in, a file players and ffmpeg read out, and back."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Broadcast subtitle guidelines: about 42 characters a line, two lines on screen at most.
MAX_LINE = 42
MAX_LINES = 2


@dataclass
class Cue:
    start: float  # seconds from the film's start
    end: float
    text: str


def clean_text(text: str) -> str:
    """One line of plain text: control characters dropped, any whitespace run made one space."""
    # A newline inside a cue would end the SRT block early, so line breaks are ours to place.
    kept = "".join(" " if ch.isspace() else ch for ch in text if ch.isspace() or unicodedata.category(ch) != "Cc")
    return " ".join(kept.split())


def _hard_break(word: str, width: int) -> list[str]:
    return [word[i : i + width] for i in range(0, len(word), width)]


def _greedy(text: str, width: int) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        pieces = _hard_break(word, width) if len(word) > width else [word]
        for piece in pieces:
            if not current:
                current = piece
            elif len(current) + 1 + len(piece) <= width:
                current += " " + piece
            else:
                lines.append(current)
                current = piece
    if current:
        lines.append(current)
    return lines


def wrap(text: str, width: int = MAX_LINE) -> list[str]:
    """Lines of at most `width` characters; two lines are balanced so neither looks ragged."""
    if len(text) <= width:
        return [text] if text else []
    # Prefer the space nearest the middle that gives two lines that both fit.
    best = None
    for i, ch in enumerate(text):
        if ch == " " and i <= width and len(text) - i - 1 <= width:
            if best is None or abs(len(text) / 2 - i) < abs(len(text) / 2 - best):
                best = i
    if best is not None:
        return [text[:best], text[best + 1 :]]
    return _greedy(text, width)


def _split_long(cue: Cue) -> list[Cue]:
    """A cue too long for two lines becomes consecutive cues, timed by their share of the text."""
    lines = wrap(cue.text)
    if len(lines) <= MAX_LINES:
        return [Cue(cue.start, cue.end, "\n".join(lines))]
    chunks = [lines[i : i + MAX_LINES] for i in range(0, len(lines), MAX_LINES)]
    total = sum(len(" ".join(c)) for c in chunks)
    out, t = [], cue.start
    for chunk in chunks:
        dt = (cue.end - cue.start) * len(" ".join(chunk)) / total
        out.append(Cue(t, t + dt, "\n".join(chunk)))
        t += dt
    out[-1].end = cue.end
    return out


def timestamp(seconds: float) -> str:
    """SRT time: HH:MM:SS,mmm."""
    ms = max(0, round(seconds * 1000))
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d},{ms:03d}"


def to_srt(cues: list[Cue]) -> str:
    """An SRT document: cues in time order, numbered from 1, wrapped; empty or zero-length cues dropped."""
    blocks = []
    kept = [Cue(c.start, c.end, clean_text(c.text)) for c in sorted(cues, key=lambda c: c.start)]
    for cue in kept:
        if not cue.text or round(cue.end * 1000) <= round(cue.start * 1000):
            continue
        for part in _split_long(cue):
            blocks.append(f"{len(blocks) + 1}\n{timestamp(part.start)} --> {timestamp(part.end)}\n{part.text}\n")
    return "\n".join(blocks)


# Joins nothing and draws nothing; placed beside a markup character it stops the character from
# forming markup without changing what the viewer reads.
_WORD_JOINER = "\u2060"


def literal_for_libass(text: str) -> str:
    """Text that ffmpeg's SRT decoder and libass draw as written, for burning in.

    Both read markup inside SRT text ({\\an8} overrides, <b> tags, \\N breaks); dialogue that
    happens to contain braces, backslashes or angle brackets must still come out verbatim.
    """
    text = text.replace("\\", f"{_WORD_JOINER}\\{_WORD_JOINER}")
    text = text.replace("{", "\\{").replace("}", "\\}")
    return text.replace("<", f"<{_WORD_JOINER}")


_TIMING = re.compile(r"(\d+):(\d{1,2}):(\d{1,2})[,.](\d{1,3})\s*-->\s*(\d+):(\d{1,2}):(\d{1,2})[,.](\d{1,3})")


def _seconds(h: str, m: str, s: str, ms: str) -> float:
    return int(h) * 3600 + int(m) * 60 + int(s) + int(ms.ljust(3, "0")) / 1000


def parse_srt(text: str) -> list[Cue]:
    """Cues from an SRT document (lines of one cue joined with newlines); unreadable blocks skipped."""
    cues = []
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    for block in re.split(r"\n\s*\n", text):
        lines = block.strip("\n").split("\n")
        for i, line in enumerate(lines[:2]):  # the number line is optional in the wild
            m = _TIMING.search(line)
            if m:
                body = "\n".join(lines[i + 1 :]).strip()
                cues.append(Cue(_seconds(*m.groups()[:4]), _seconds(*m.groups()[4:]), body))
                break
    return cues
