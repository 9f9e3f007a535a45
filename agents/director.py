"""The director: premise in, treatment out (logline, genre, tone, style, three-act beats)."""

from __future__ import annotations

from auteur.agents.registry import Role
from auteur.pipeline.crew import Crew
from auteur.core.schema import Film, Treatment


def act(film: Film, crew: Crew) -> Film:
    if film.treatment is not None:
        return film
    treatment = crew.write("director", "treatment", Treatment,
                           {"film": film, "target_runtime_s": crew.target_runtime_s, "names": crew.names},
                           premise=film.prompt, runtime=round(crew.target_runtime_s))
    return film.revise(treatment=treatment)


role = Role(name="director", title="Director", order=10, act=act,
            summary="writes the treatment: logline, genre, tone, visual style, three-act beats")
