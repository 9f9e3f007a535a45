"""The screenwriter: treatment in, cast (with ID tokens and voices) and scenes with dialogue out."""

from __future__ import annotations

from auteur.agents.registry import Role
from auteur.pipeline.crew import Crew
from auteur.core.schema import Film, Screenplay


def act(film: Film, crew: Crew) -> Film:
    if film.characters and film.scenes:
        return film
    assert film.treatment is not None
    treatment = film.treatment
    play = crew.write(
        "screenwriter", "screenplay", Screenplay,
        {"film": film, "target_runtime_s": crew.target_runtime_s, "target_shots": crew.target_shots, "names": crew.names},
        premise=film.prompt, names=", ".join(crew.names) or "none", scenes=len(treatment.beats),
        treatment=treatment.model_dump_json(indent=1),
    )
    return film.revise(characters=play.characters, scenes=play.scenes)


role = Role(name="screenwriter", title="Screenwriter", order=20, act=act,
            summary="writes the cast (ID tokens, looks, voices) and the scenes with dialogue")
