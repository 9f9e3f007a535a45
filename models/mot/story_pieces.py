"""A story for the MoT director: the text in pieces that fit its context, the plan built stage by stage.

The story reader and the draft story planner (`models/draft/story_film.py`) decide, without weights, what
the film keeps: the scenes, the cast (names, the text's looks, voices) and the places. The model then
writes, in turn:

1. the treatment, from an outline of the whole story (a line per scene: where, who, how it opens), which
   fits the context however long the text is;
2. each kept scene, from that scene's own text; a scene longer than a piece is given in several pieces, one
   request each, and the answers are joined (the first piece's plot, every piece's lines in order).

Every request's prompt is at most `piece_tokens` tokens of text plus its template, so the model never sees
more than its context holds; the location and shot stages then run as for any film.
"""

from __future__ import annotations

from typing import Any, Callable

from auteur import prompts
from auteur.core.schema import Film, Scene, Screenplay, Treatment
from auteur.models.director import WriteRequest
from auteur.tools.language.story_text import StoryScene


def write_from_story(write: Callable[[WriteRequest, type], Any], count: Callable[[str], int], request: WriteRequest,
                     schema: type, piece_tokens: int):
    """Answer a treatment or screenplay request for a story input through `write`, piece by piece."""
    from auteur.models.draft.story_film import StoryFilmPlanner

    ctx = dict(request.context)
    film: Film = ctx["film"]
    planner = StoryFilmPlanner(ctx.pop("story"), request.seed, film.prompt)
    runtime = ctx.get("target_runtime_s", 60)
    cuts, left_out = planner.cuts(ctx.get("target_shots"), runtime)
    if schema is Treatment:
        outline = _fit([_outline_line(s) for s in planner.reading.scenes], count, piece_tokens)
        kept = ", ".join(str(c.scene.index + 1) for c in cuts)
        prompt = prompts.render("director", "story_treatment", outline=outline, kept=kept, runtime=round(runtime))
        answer = write(WriteRequest(request.role, "story_treatment", prompt, {**ctx, "n_beats": len(cuts)},
                                    request.seed), Treatment)
        return answer.model_copy(update={"title": planner.reading.title or answer.title, "left_out": left_out,
                                         "language": planner.language, "target_runtime_s": runtime})
    # the screenplay: the planner's cast and scenes (places, who, order), each scene's words written by the model
    plan = planner.screenplay(ctx.get("target_shots"), runtime)
    cast = "; ".join(f"{c.token} {c.name}" for c in plan.characters)
    scenes = []
    for cut, planned in zip(cuts, plan.scenes):
        pieces = _pieces(_scene_text(cut.scene), count, piece_tokens)
        parts = []
        for n, piece in enumerate(pieces, start=1):
            prompt = prompts.render("screenwriter", "story_scene", scene_id=planned.id, beat=planned.beat.value,
                                    piece=n, pieces=len(pieces), text=piece, cast=cast, setting=planned.setting)
            scene_ctx = {**ctx, "scene": planned, "cast_tokens": [c.token for c in plan.characters]}
            parts.append(write(WriteRequest(request.role, "story_scene", prompt, scene_ctx, request.seed), Scene))
        scenes.append(_joined(planned, parts))
    return Screenplay(characters=plan.characters, scenes=scenes)


def _outline_line(scene: StoryScene) -> str:
    who = ", ".join(scene.characters) or "no one named"
    head = f"{scene.index + 1}. {scene.chapter + ': ' if scene.chapter else ''}{scene.place or 'somewhere'}"
    return f"{head} ({who}): {scene.opening}"


def _scene_text(scene: StoryScene) -> str:
    out = []
    for p in scene.passages:
        out.append(f"“{p.text}” ({p.speaker})" if p.kind == "speech" and p.speaker else
                   f"“{p.text}”" if p.kind == "speech" else p.text)
    return "\n".join(out)


def _pieces(text: str, count: Callable[[str], int], limit: int) -> list[str]:
    """The text cut at line (then word) boundaries into pieces of at most `limit` tokens each."""
    pieces: list[str] = []
    current: list[str] = []
    for line in text.split("\n"):
        for chunk in _words_within(line, count, limit):
            trial = "\n".join(current + [chunk])
            if current and count(trial) > limit:
                pieces.append("\n".join(current))
                current = [chunk]
            else:
                current.append(chunk)
    if current:
        pieces.append("\n".join(current))
    return pieces or [""]


def _words_within(line: str, count: Callable[[str], int], limit: int) -> list[str]:
    if count(line) <= limit:
        return [line]
    out, current = [], []
    for word in line.split():
        if current and count(" ".join(current + [word])) > limit:
            out.append(" ".join(current))
            current = []
        current.append(word)
    if current:
        out.append(" ".join(current))
    return out


def _fit(lines: list[str], count: Callable[[str], int], limit: int) -> str:
    """As many outline lines as fit in `limit` tokens, each shortened first when it must be."""
    out: list[str] = []
    for line in lines:
        short = _words_within(line, count, max(8, limit // max(1, len(lines))))[0]
        if count("\n".join(out + [short])) > limit:
            break
        out.append(short)
    return "\n".join(out)


def _joined(planned: Scene, parts: list[Scene]) -> Scene:
    """The planned scene (id, beat, place, chapter, who) with the model's plot, lines and narration from every piece."""
    dialogue = [line for part in parts for line in part.dialogue]
    narration = []
    for part in parts:
        before = sum(len(p.dialogue) for p in parts[:parts.index(part)])
        narration += [n.model_copy(update={"before": min(before + n.before, len(dialogue))}) for n in part.narration]
    present = list(dict.fromkeys(planned.characters + [t for part in parts for t in part.characters]
                                 + [ln.speaker for ln in dialogue]))
    return planned.model_copy(update={"plot": parts[0].plot, "dialogue": dialogue, "narration": narration,
                                      "characters": present})
