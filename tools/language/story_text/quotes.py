"""Quoted speech in a paragraph: where each quotation opens and closes.

The marks are the language's (“…” and "…" in English; „…“ and »…« in German). A quotation left open
at the paragraph's end runs to the end of it: the convention for a speech over several paragraphs is to
reopen each one and close only the last. Straight double quotes pair up in order.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Segment:
    kind: str   # "speech" | "narration"
    start: int  # character offsets in the paragraph, the marks excluded for speech
    end: int


def segments(text: str, marks: list[tuple[str, str]]) -> list[Segment]:
    """The paragraph as alternating narration and speech segments, in order (empty narration left out)."""
    pairs = _marks_in_use(text, marks)
    out: list[Segment] = []
    i, narration_start = 0, 0
    while i < len(text):
        pair = next((p for p in pairs if text.startswith(p[0], i) and _opens(text, i, p)), None)
        if pair is None:
            i += 1
            continue
        close = text.find(pair[1], i + len(pair[0]))
        end = close if close >= 0 else len(text)
        if text[narration_start:i].strip():
            out.append(Segment("narration", narration_start, i))
        if text[i + len(pair[0]):end].strip():
            out.append(Segment("speech", i + len(pair[0]), end))
        i = end + len(pair[1]) if close >= 0 else len(text)
        narration_start = i
    if text[narration_start:].strip():
        out.append(Segment("narration", narration_start, len(text)))
    return out


def _marks_in_use(text: str, marks: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The language's quote pairs this text uses, the typographic ones first."""
    return [p for p in marks if p[0] in text]


def _opens(text: str, i: int, pair: tuple[str, str]) -> bool:
    """A mark that is also its own closer (") opens only where a word does not end just before it."""
    if pair[0] != pair[1]:
        return True
    before = text[i - 1] if i > 0 else " "
    return not before.isalnum() and before not in ".,!?;:"
