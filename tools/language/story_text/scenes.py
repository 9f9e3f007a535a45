"""A story's scenes: cut at chapters and section breaks, and where the story moves on in time or place.

Within a section, a paragraph that opens on a shift of time ("Later, ...", "The next morning", "Am
nächsten Morgen") or puts its people somewhere new starts a scene, once the scene before has some length.
Each scene gets the place its people are put in first (else the one it names most, else the last scene's
in the same chapter), its time of day, who is in it (speakers and those who act), and an importance: who
is in it and what changes (new people, a new place, a chapter's start, the story's first and last scene).
"""

from __future__ import annotations

import math
from collections import Counter

from auteur.tools.language.story_text.cast import Cast
from auteur.tools.language.story_text.model import Passage, StoryScene
from auteur.tools.language.story_text.places import PlaceBook
from auteur.tools.language.story_text.source import Source
from auteur.tools.language.story_text.speakers import Quote

MIN_SCENE_WORDS = 150  # shorter stretches stay with the scene they are in


def cut_scenes(src: Source, cast: Cast, book: PlaceBook, quotes: list[Quote]) -> list[StoryScene]:
    groups = _groups(src, book)
    by_paragraph: dict[int, list[Quote]] = {}
    for q in quotes:
        by_paragraph.setdefault(q.p, []).append(q)
    scenes: list[StoryScene] = []
    seen: set[str] = set()
    previous_place, previous_time, previous_chapter = None, None, None
    for n, paragraphs in enumerate(groups):
        chapter_index = src.layout.paragraphs[paragraphs[0]].chapter
        chapter = src.layout.chapters[chapter_index] if chapter_index >= 0 else ""
        if chapter != previous_chapter:
            previous_place, previous_time = None, None
        place = _place(src, book, paragraphs) or previous_place
        time = _time(src, paragraphs) or previous_time
        passages = _passages(src, paragraphs, by_paragraph)
        present = _present(src, cast, paragraphs, by_paragraph)
        new = [k for k in present if k not in seen]
        seen.update(present)
        words = sum(len(src.layout.paragraphs[p].text.split()) for p in paragraphs)
        importance = (0.5 * len(present) + 1.0 * len(new) + (0.6 if place != previous_place else 0.0)
                      + (0.8 if chapter != previous_chapter and chapter else 0.0)
                      + 0.3 * math.sqrt(sum(1 for x in passages if x.kind == "speech"))
                      + (1.5 if n in (0, len(groups) - 1) else 0.0))
        opening = next((x.text for x in passages if x.kind == "narration"), "")
        scenes.append(StoryScene(index=n, chapter=chapter, place=book.names.get(place) if place else None, time=time,
                                 characters=tuple(present), passages=tuple(passages), words=words,
                                 importance=round(importance, 3), opening=_first_sentence(opening)))
        previous_place, previous_time, previous_chapter = place, time, chapter
    return scenes


def _groups(src: Source, book: PlaceBook) -> list[list[int]]:
    groups: list[list[int]] = []
    counts = Counter(s.key for s in book.sightings)
    words = 0
    current_place = None
    for p, para in enumerate(src.layout.paragraphs):
        new_section = not groups or src.layout.paragraphs[groups[-1][-1]].section != para.section
        located = [s.key for s in book.in_paragraph(p) if s.located and counts[s.key] >= 2]
        moved = bool(located) and current_place is not None and located[0] != current_place
        if new_section or (words >= MIN_SCENE_WORDS and (_time_shift(src, p) or (moved and _opens_with_place(src, book, p)))):
            groups.append([p])
            words = 0
            current_place = located[0] if located else None
        else:
            groups[-1].append(p)
            if current_place is None and located:
                current_place = located[0]
        words += len(para.text.split())
    # a stretch too short to stand alone stays with the scene before it in the same section
    merged: list[list[int]] = []
    for group in groups:
        short = sum(len(src.layout.paragraphs[p].text.split()) for p in group) < MIN_SCENE_WORDS / 2
        if merged and short and src.layout.paragraphs[merged[-1][-1]].section == src.layout.paragraphs[group[0]].section:
            merged[-1].extend(group)
        else:
            merged.append(group)
    return merged


def _opens_with_place(src: Source, book: PlaceBook, p: int) -> bool:
    """The paragraph opens in narration and its first sentence puts someone somewhere."""
    if not src.segs[p] or src.segs[p][0].kind != "narration":
        return False
    return any(s.located and src.toks[p][s.start].sent == 0 for s in book.in_paragraph(p))


def _time_shift(src: Source, p: int) -> bool:
    toks = [t for t in src.toks[p] if t.quote < 0 and t.pos != "PUNCT"][:5]
    if not toks or toks[0].text.lower() not in src.cues["time_shift"]:
        return False
    times = src.cues["times"]
    strong = {"later", "next", "following", "meanwhile", "afterwards", "später", "nächsten", "folgenden", "danach"}
    return any(t.text.lower() in strong or (t.text.lower() in times and (src.language == "en" or t.cap)) or
               t.text.lower() in src.cues["calendar"] for t in toks)


def _place(src: Source, book: PlaceBook, paragraphs: list[int]) -> str | None:
    """The scene's place: a phrase that puts its people somewhere, or sets the scene, early and often used."""
    counts = Counter(s.key for s in book.sightings)
    candidates = [s for p in paragraphs[:3] for s in book.in_paragraph(p)]
    if not candidates:
        here = Counter(s.key for p in paragraphs for s in book.in_paragraph(p))
        return here.most_common(1)[0][0] if here else None

    def score(pair: tuple[int, object]) -> float:
        n, s = pair
        opening = s.p == paragraphs[0] and src.toks[s.p][s.start].sent == 0
        return 2 * s.located + 2 * (s.setting and not s.located) + (1 if counts[s.key] >= 2 else 0) + opening - 0.01 * n

    return max(enumerate(candidates), key=score)[1].key


def _time(src: Source, paragraphs: list[int]) -> str | None:
    times = src.cues["times"]
    for p in paragraphs[:2]:
        for t in src.toks[p]:
            if t.quote >= 0 or t.sent > 1:
                continue
            word = t.text.lower()
            if word in times and (src.language == "en" or t.cap):
                return times[word]
    return None


def _passages(src: Source, paragraphs: list[int], quotes: dict[int, list[Quote]]) -> list[Passage]:
    out: list[Passage] = []
    for p in paragraphs:
        text = src.layout.paragraphs[p].text
        k = 0
        for seg in src.segs[p]:
            piece = text[seg.start:seg.end].strip()
            if seg.kind == "speech":
                q = quotes[p][k]
                out.append(Passage("speech", q.text, q.speaker, p, q.how))
                k += 1
            elif _words(piece) >= 1:
                out.append(Passage("narration", _clean_narration(piece), None, p))
    return out


def _words(text: str) -> int:
    return sum(1 for w in text.split() if any(c.isalpha() for c in w))


def _clean_narration(text: str) -> str:
    return text.strip(" ,;:—–-").strip()


def _present(src: Source, cast: Cast, paragraphs: list[int], quotes: dict[int, list[Quote]]) -> list[str]:
    """Who is in the scene: its speakers, and those its narration has act (not only remembered or named)."""
    order: dict[str, tuple[int, int]] = {}
    for p in paragraphs:
        for q in quotes.get(p, []):
            if q.speaker:
                order.setdefault(q.speaker, (p, -1))
        toks = src.toks[p]
        for m in cast.mentions:
            if m.p != p or m.kind == "pronoun":
                continue
            if _acts(src, toks, m.start, m.end):
                order.setdefault(m.key, (p, m.start))
    return [k for k, _ in sorted(order.items(), key=lambda kv: kv[1])]


def _acts(src: Source, toks, start: int, end: int) -> bool:
    """A mention that is a sentence's subject, not of a past-before-the-past verb ("Kit had drawn it")."""
    if src.language != "en":
        return toks[start].first or (start > 0 and src.is_said(toks[start - 1]))
    for k in range(start, end):
        t = toks[k]
        if t.dep in ("nsubj", "nsubjpass") and t.head >= 0:
            verb = toks[t.head]
            pluperfect = any(x.head == t.head and x.lemma == "have" and x.dep == "aux" and x.text.lower() == "had"
                             for x in toks)
            return not pluperfect and verb.pos in ("VERB", "AUX")
    return False


def _first_sentence(text: str) -> str:
    for end in (". ", "! ", "? "):
        if end in text:
            text = text.split(end)[0] + end.strip()
            break
    return text[:240]
