"""A text's layout: its title, chapter headings, section breaks and paragraphs, in order.

Chapters are headings on a line of their own ("Chapter Two: The Barge", "Kapitel 3", "II.", a markdown
`#` heading, a short line in capitals); section breaks are lines of only asterisks, dashes, tildes or
similar ("* * *", "---", "⁂"). Paragraphs are separated by blank lines; a text without blank lines has a
paragraph per line. Markdown emphasis markers are dropped, but the words they set off are kept aside:
an italic *Gannet* names a boat or a book, never a person.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

BREAK = re.compile(r"^\s*(?:[*#~=_\-–—•·⁂§]\s*){1,12}$")
ROMAN = re.compile(r"^(?=[IVXLC])M*(C[MD]|D?C{0,3})(X[CL]|L?X{0,3})(I[XV]|V?I{0,3})\.?$")
EMPHASIS = re.compile(r"(?<![\w*_])([*_]{1,2})(?=\S)(.+?)(?<=\S)\1(?![\w*_])")
MAX_HEADING_WORDS = 10


@dataclass(frozen=True)
class Paragraph:
    text: str
    chapter: int        # index into Layout.chapters (-1: before any chapter)
    section: int        # counts section breaks and chapters: a new value starts a new scene


@dataclass(frozen=True)
class Layout:
    title: str
    chapters: tuple[str, ...]
    paragraphs: tuple[Paragraph, ...]
    emphasised: frozenset[str]   # words the text set off in italics or bold


def lay_out(text: str, chapter_words: list[str], numbers: list[str]) -> Layout:
    """Split a story's text into title, chapters and paragraphs."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    blocks = _blocks(text)
    emphasised: set[str] = set()
    title = ""
    chapters: list[str] = []
    paragraphs: list[Paragraph] = []
    section = 0
    for k, block in enumerate(blocks):
        plain, marked = _unmark(block)
        if BREAK.match(block) and not re.search(r"\w", block):
            section += 1 if paragraphs and paragraphs[-1].section == section else 0
            continue
        heading = _heading(block, plain, chapter_words, numbers)
        if heading is not None:
            if k == 0 and not chapters and not _is_chapter(plain, chapter_words, numbers):
                title = heading  # the first line, a heading but not a chapter's: the story's title
                continue
            chapters.append(heading)
            section += 1 if paragraphs else 0
            continue
        if not title and k == 0 and _title_like(plain):
            title = plain
            continue
        emphasised.update(marked)
        paragraphs.append(Paragraph(" ".join(plain.split()), len(chapters) - 1, section))
    return Layout(title=title, chapters=tuple(chapters), paragraphs=tuple(paragraphs),
                  emphasised=frozenset(emphasised))


def _blocks(text: str) -> list[str]:
    lines = text.split("\n")
    if sum(1 for ln in lines if not ln.strip()) == 0 and len(lines) > 3:
        return [ln.strip() for ln in lines if ln.strip()]  # no blank lines: a paragraph per line
    blocks, current = [], []
    for line in lines:
        if line.strip():
            if BREAK.match(line) and not re.search(r"\w", line):  # a break line needs no blank lines around it
                if current:
                    blocks.append(" ".join(current))
                    current = []
                blocks.append(line.strip())
                continue
            current.append(line.strip())
        elif current:
            blocks.append(" ".join(current))
            current = []
    if current:
        blocks.append(" ".join(current))
    return blocks


def _unmark(block: str) -> tuple[str, set[str]]:
    """The block without markdown heading and emphasis markers, and the emphasised words."""
    marked: set[str] = set()

    def keep(m: re.Match) -> str:
        marked.update(w.lower() for w in re.findall(r"\w+", m[2]))
        return m[2]

    plain = EMPHASIS.sub(keep, re.sub(r"^#{1,6}\s+", "", block))
    return plain, marked


def _is_chapter(plain: str, chapter_words: list[str], numbers: list[str]) -> bool:
    first = plain.split()[0].lower().rstrip(".:") if plain.split() else ""
    return first in chapter_words or first.isdigit() or bool(ROMAN.match(plain.split()[0])) or first in numbers


def _heading(block: str, plain: str, chapter_words: list[str], numbers: list[str]) -> str | None:
    """The heading's title when the block is one: "Chapter Two: The Barge" -> "The Barge"."""
    words = plain.split()
    if not words or len(words) > MAX_HEADING_WORDS or plain.rstrip()[-1:] in '.!?,;"“”»«„' and not ROMAN.match(plain):
        return None
    markdown = block.lstrip().startswith("#")
    first = words[0].lower().rstrip(".:")
    numbered = first in chapter_words or first.isdigit() or bool(ROMAN.match(words[0]))
    capitals = sum(c.isupper() for c in plain) >= 0.8 * sum(c.isalpha() for c in plain) and len(plain) > 3
    if not (markdown or numbered or capitals):
        return None
    label = plain.strip()
    if numbered:
        # "Chapter Two: The Barge" -> "The Barge"; "Chapter 3" stays whole; "II." -> "II"
        rest = re.split(r"[:.\-–—]\s+", label, maxsplit=1)
        if len(rest) == 2 and rest[1].strip():
            label = rest[1].strip()
        label = label.rstrip(".")
    if capitals and not markdown:
        label = label.title() if label.isupper() else label
    return label


def _title_like(plain: str) -> bool:
    words = plain.split()
    return 0 < len(words) <= MAX_HEADING_WORDS and plain.rstrip()[-1:] not in ".!?,;:\"“”»«„"
