"""A story's text made ready for reading: layout, quotation segments and tokens, and the language's cues."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from auteur.tools.language.story_text.layout import Layout
from auteur.tools.language.story_text.quotes import Segment
from auteur.tools.language.story_text.tokens import Tok

# Languages the reader has cues for; the planner issue adds more.
LANGUAGES = ("en", "de")


@lru_cache(maxsize=1)
def all_cues() -> dict:
    return tomllib.loads(resources.files("auteur.tools.language.story_text").joinpath("cues.toml").read_text("utf-8"))


def cues(language: str) -> dict:
    return all_cues()[language]


@dataclass
class Source:
    language: str
    cues: dict
    layout: Layout
    segs: list[list[Segment]]   # per paragraph
    toks: list[list[Tok]]       # per paragraph

    @property
    def paragraphs(self) -> list[str]:
        return [p.text for p in self.layout.paragraphs]

    def quote_text(self, p: int, k: int) -> str:
        seg = [s for s in self.segs[p] if s.kind == "speech"][k]
        return self.paragraphs[p][seg.start:seg.end].strip()

    def quote_count(self, p: int) -> int:
        return sum(1 for s in self.segs[p] if s.kind == "speech")

    def narration(self, p: int) -> list[Tok]:
        return [t for t in self.toks[p] if t.quote < 0]

    def sentences(self, p: int) -> list[list[Tok]]:
        """The paragraph's narration, sentence by sentence (quotations left out)."""
        out: dict[int, list[Tok]] = {}
        for t in self.toks[p]:
            if t.quote < 0:
                out.setdefault(t.sent, []).append(t)
        return [s for s in out.values() if any(t.pos != "PUNCT" for t in s)]

    def is_said(self, tok: Tok) -> bool:
        return tok.lemma in self.said_lemmas and tok.pos not in ("NOUN", "PROPN", "ADJ", "DET")

    @property
    def said_lemmas(self) -> set[str]:
        return set(self.cues["said"])
