"""The location manager: a place (look, time of day, light, ambience) for every scene, and its plate."""

from __future__ import annotations

from auteur import prompts
from auteur.agents.registry import Role
from auteur.models.director import DrawRequest, premise_of
from auteur.pipeline.crew import Crew
from auteur.core.errors import AuteurError
from auteur.core.schema import Film, LocationPlan


def act(film: Film, crew: Crew) -> Film:
    if not film.locations or any(s.location is None for s in film.scenes):
        plan = crew.write("location_manager", "locations", LocationPlan, {"film": film},
                          settings="\n".join(f"{s.id}: {s.setting}" for s in film.scenes))
        if len(plan.scene_locations) != len(film.scenes):
            raise AuteurError(f"the location plan names {len(plan.scene_locations)} locations for "
                              f"{len(film.scenes)} scenes")
        scenes = [s.model_copy(update={"location": token}) for s, token in zip(film.scenes, plan.scene_locations)]
        film = film.revise(locations=plan.locations, scenes=scenes)
    return film.revise(locations=[_with_plate(loc, film, crew) for loc in film.locations])


def _with_plate(loc, film: Film, crew: Crew):
    if crew.run.holds(loc.reference_image):
        return loc
    video = crew.profile.video
    prompt = prompts.render("location_manager", "plate", token=loc.token, name=loc.name, look=loc.look,
                            time_of_day=loc.time_of_day.value, light=loc.light or "natural light",
                            style=film.treatment.visual_style if film.treatment else "storyboard")
    request = DrawRequest(kind="location", prompt=prompt, width=video.width, height=video.height,
                          seed=crew.seed, location=loc, premise=premise_of(film))
    return loc.model_copy(update={"reference_image": crew.draw(request, f"locations/{loc.token.strip('<>')}.png")})


role = Role(name="location_manager", title="Location manager", order=30, act=act,
            summary="finds a location for every scene (look, time of day, light, ambience) and draws its plate")
