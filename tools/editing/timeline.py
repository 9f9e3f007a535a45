"""The assembled film's timeline: where every card and shot sits in film.mp4, to the frame.

Assembly knows each piece's exact length only once it has made it (a copied clip is as long as its
frames, a card as its seconds round to); it writes them down here, beside the subtitles and chapters
it placed, so an editor's project (`auteur export`) can be cut to the same frames as the film.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel


class Piece(BaseModel):
    kind: Literal["title", "shot", "end"]
    start: int  # the first frame of the piece in the film
    frames: int
    shot_id: str | None = None
    scene_id: str | None = None
    clip: str | None = None  # the shot's clip, relative to the run directory


class Marked(BaseModel):
    start: float  # seconds from the film's start
    end: float
    text: str


class FilmTimeline(BaseModel):
    fps: int
    width: int
    height: int
    frames: int  # the whole film
    pieces: list[Piece]
    subtitles: list[Marked]
    chapters: list[Marked]

    def shots(self) -> list[Piece]:
        return [p for p in self.pieces if p.kind == "shot"]
