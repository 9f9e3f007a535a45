"""The draft DirectorModel: the seeded planner writes, the procedural artist draws. No weights."""

from __future__ import annotations

import logging
from typing import Any

from PIL import Image

from auteur.models.director import DrawRequest, T, WriteRequest
from auteur.models.draft.artist import draw_keyframe
from auteur.models.draft.figures import draw_character_sheet
from auteur.models.draft.planner import Planner
from auteur.models.draft.plates import draw_location_plate
from auteur.core.errors import InputError
from auteur.core.schema import Film, LocationPlan, Screenplay, ShotList, Treatment

log = logging.getLogger("auteur")


class DraftDirector:
    name = "draft"

    def __init__(self, **settings: Any):
        if settings:
            raise InputError(f"the draft director takes no settings (got {', '.join(sorted(settings))})")

    def settings(self) -> dict[str, Any]:
        # version 2: premise props, set pieces and non-human icons drawn; a record of what was drawn in each PNG
        # version 3: conditions and worlds, things by meaning in context, place kinds, a camera per shot, offscreen
        # version 4: a place known only by its name drawn as one of its streets (place_kinds.town)
        return {"backend": self.name, "version": 4}

    def credits(self) -> list[str]:
        """What the draft pictures are made from and owe a credit to."""
        from auteur.models.draft.icons import CREDIT

        return [CREDIT]

    def write(self, request: WriteRequest, schema: type[T]) -> T:
        ctx = request.context
        film: Film = ctx["film"]
        if ctx.get("story"):
            from auteur.models.draft.story_film import StoryFilmPlanner

            planner = StoryFilmPlanner(ctx["story"], request.seed, film.prompt)
        else:
            planner = Planner(film.prompt, request.seed, tuple(ctx.get("names", ())))
        if schema is Treatment:
            log.info("draft director: %s", planner.language_note())
            if ctx.get("story"):
                return planner.treatment(ctx["target_runtime_s"], ctx.get("target_shots"))
            return planner.treatment(ctx["target_runtime_s"])
        if schema is Screenplay:
            return planner.screenplay(ctx.get("target_shots"), ctx["target_runtime_s"])
        if schema is LocationPlan:
            return planner.locations(film)
        if schema is ShotList:
            scene = next(s for s in film.scenes if s.id == ctx["scene_id"])
            return planner.shots(film, scene, ctx.get("n_shots"))
        raise InputError(f"the draft director cannot write {schema.__name__}; use a model-backed director profile")

    def draw(self, request: DrawRequest) -> Image.Image:
        size = (request.width, request.height)
        if request.kind == "character" and request.character:
            return draw_character_sheet(request.character, *size, seed=request.seed)
        if request.kind == "location" and request.location:
            return draw_location_plate(request.location, *size, seed=request.seed, premise=request.premise)
        if request.kind == "keyframe" and request.shot and request.location:
            return draw_keyframe(request.shot, request.location, request.cast, *size, seed=request.seed,
                                 premise=request.premise)
        raise InputError(f"draw request of kind {request.kind!r} lacks its subject")
