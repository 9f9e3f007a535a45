"""Who says each quotation, by the cues a reader uses, strongest first:

1. the tag: a said-verb in the narration beside the quotation and its subject ("Tobias said", "said the
   girl", "sagte er"): a name, a role ("the harbourmaster"), or a pronoun taken back to the latest
   character of its gender;
2. the paragraph: another quotation of the same paragraph with a tag ("Tape," she shouted. "The black
   tape!"), else the character the paragraph's narration is about ("Mara put both hands on the desk.");
3. the turns of a conversation: after a paragraph of narration, the one who last acted (unless it answered
   a question without words: then the asker goes on); else the speaker before last, as two people
   alternate; a name the quotation calls out ("Thank you, Joseph") is who is spoken to, not who speaks.
"""

from __future__ import annotations

from dataclasses import dataclass

from auteur.tools.language.story_text.cast import Cast, resolve_alias, tag_subject
from auteur.tools.language.story_text.source import Source
from auteur.tools.language.story_text.tokens import Tok


@dataclass
class Quote:
    p: int
    k: int           # index among the paragraph's quotations
    text: str
    speaker: str | None = None
    how: str = ""


def attribute(src: Source, cast: Cast) -> list[Quote]:
    """Every quotation of the text, in order, with its speaker where one can be told."""
    quotes = [Quote(p, k, src.quote_text(p, k)) for p in range(len(src.toks)) for k in range(src.quote_count(p))]
    by_paragraph: dict[int, list[Quote]] = {}
    for q in quotes:
        by_paragraph.setdefault(q.p, []).append(q)
    history: list[Quote] = []
    last_section = None
    for p in range(len(src.toks)):
        section = src.layout.paragraphs[p].section
        if section != last_section:
            history = []  # a new section starts a new conversation
            last_section = section
        here = by_paragraph.get(p, [])
        if not here:
            continue
        for q in here:
            who = _tagged(src, cast, q)
            if who:
                q.speaker, q.how = who, "tag"
        _within_paragraph(here)
        if any(q.speaker is None for q in here):
            actor = _paragraph_actor(src, cast, p)
            for q in here:
                if q.speaker is None and actor:
                    q.speaker, q.how = actor, "paragraph"
        if any(q.speaker is None for q in here):
            who = _turn(src, cast, p, history)
            for q in here:
                if q.speaker is None and who:
                    q.speaker, q.how = who, "turns"
        for q in here:
            if q.speaker and _calls_out(src, cast, q.text, q.speaker) and q.how in ("turns", "paragraph"):
                other = _other(src, cast, p, q.speaker, history)
                if other:
                    q.speaker, q.how = other, q.how + ", not the one called"
        history.extend(here)
    return quotes


def _tagged(src: Source, cast: Cast, q: Quote) -> str | None:
    """The speaker a said-verb beside the quotation names (after it first, then before it)."""
    toks = src.toks[q.p]
    inside = [i for i, t in enumerate(toks) if t.quote == q.k]
    if not inside:
        return None
    first, last = inside[0], inside[-1]
    after = _narration_run(toks, last + 1, +1)
    before = _narration_run(toks, first - 1, -1)
    # a tag before the quotation ends right at it, with a comma or colon ("Lena sagte:", "Then Anna said,")
    lead_in = before[-6:] if before and toks[before[-1]].text in (",", ":") else []
    for window in (after, lead_in):
        for v in window:
            if src.is_said(toks[v]):
                span = tag_subject(src, q.p, v)
                if span is None:
                    continue
                who = _who(src, cast, q.p, span)
                if who:
                    return who
    return None


def _narration_run(toks: list[Tok], k: int, step: int) -> list[int]:
    """Narration tokens from k onward (or backward) up to the sentence's end or the next quotation, in text order."""
    out = []
    while 0 <= k < len(toks) and toks[k].quote < 0:
        if step > 0 and toks[k].text in (".", "!", "?", ";") and out:
            break
        if step < 0 and toks[k].text in (".", "!", "?", ";"):
            break
        out.append(k)
        k += step
    return out if step > 0 else out[::-1]


def _who(src: Source, cast: Cast, p: int, span: tuple[int, int]) -> str | None:
    """The character a mention span refers to: a mention the cast found there, else an alias resolved now."""
    for i in range(span[0], span[1]):
        key = cast.at(p, i)
        if key:
            return key
    toks = src.toks[p]
    return resolve_alias(src, cast, cast.before(p, span[0]), toks, span)


def _within_paragraph(here: list[Quote]) -> None:
    """Quotations of one paragraph are one speaker's: an untagged one takes its neighbour's tag."""
    known = [q for q in here if q.speaker]
    if not known:
        return
    for q in here:
        if q.speaker is None:
            before = [x for x in known if x.k < q.k]
            after = [x for x in known if x.k > q.k]
            source = before[-1] if before else after[0]
            q.speaker, q.how = source.speaker, "continued"


def _paragraph_actor(src: Source, cast: Cast, p: int) -> str | None:
    """The character the paragraph's own narration is about: the subject of its sentence nearest the quotation."""
    toks = src.toks[p]
    first_quote = next((i for i, t in enumerate(toks) if t.quote >= 0), len(toks))
    sentences = src.sentences(p)
    # sentences before the first quotation, nearest first; then those after it
    before = [s for s in sentences if toks.index(s[0]) < first_quote][::-1]
    after = [s for s in sentences if toks.index(s[0]) > first_quote]
    for sent in before + after:
        who = _subject(src, cast, p, sent)
        if who:
            return who
    return None


def _subject(src: Source, cast: Cast, p: int, sent: list[Tok]) -> str | None:
    toks = src.toks[p]
    if src.language == "en":
        for t in sent:
            if t.dep in ("nsubj",) and toks[t.head].pos in ("VERB", "AUX") if t.head >= 0 else False:
                i = toks.index(t)
                key = cast.at(p, i)
                if key:
                    return key
    for t in sent:  # no parse: who is named first
        key = cast.at(p, toks.index(t))
        if key:
            return key
    return None


def _turn(src: Source, cast: Cast, p: int, history: list[Quote]) -> str | None:
    """A quotation that stands alone in its paragraph: who takes the turn."""
    previous = [q for q in history if q.speaker]
    last = previous[-1] if previous else None
    gap = [x for x in range(last.p + 1, p) if src.quote_count(x) == 0] if last else []
    if gap:
        actor = None
        for x in gap:
            for sent in src.sentences(x):
                who = _subject(src, cast, x, sent)
                if who:
                    actor = who
        if actor:
            if last and actor != last.speaker and last.text.rstrip().endswith("?"):
                return last.speaker  # the other answered without words; the asker goes on
            return actor
    if last is None:
        return None
    speakers = [q.speaker for q in previous]
    before_last = next((s for s in reversed(speakers) if s != last.speaker), None)
    if before_last:
        return before_last
    return _other(src, cast, p, last.speaker, history)


def _other(src: Source, cast: Cast, p: int, speaker: str, history: list[Quote]) -> str | None:
    """Someone in the conversation other than `speaker`: the last other speaker, else the latest other mentioned."""
    for q in reversed(history):
        if q.speaker and q.speaker != speaker:
            return q.speaker
    for m in reversed(cast.before(p, 0)):
        if m.key != speaker and m.p >= p - 6:
            return m.key
    return None


def _calls_out(src: Source, cast: Cast, text: str, speaker: str) -> bool:
    """Does the quotation call the speaker by name ("Thank you, Joseph", "Tobias, the tape")? Then it is not theirs."""
    names = {w for w in cast.people[speaker].words}
    words = text.replace("!", ",").replace("?", ",").replace(".", ",").split(",")
    parts = [w.strip() for w in words if w.strip()]
    return any(part in names for part in parts)

