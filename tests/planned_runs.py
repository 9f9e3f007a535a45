"""Planned films and run directories for tests that need a plan but not a rendered film."""

from pathlib import Path

from PIL import Image

from auteur.models.draft.planner import Planner
from auteur.core.atomic import write_text
from auteur.core.schema import Film


def planned(prompt: str) -> Film:
    planner = Planner(prompt, seed=7)
    film = Film(prompt=prompt, treatment=planner.treatment(60))
    play = planner.screenplay(6, 60)
    film = film.revise(characters=play.characters, scenes=play.scenes)
    plan = planner.locations(film)
    film = film.revise(locations=plan.locations,
                       scenes=[s.model_copy(update={"location": t}) for s, t in zip(film.scenes, plan.scene_locations)])
    return film.revise(scenes=[s.model_copy(update={"shots": planner.shots(film, s).shots}) for s in film.scenes])


def run_dir_with(film: Film, root: Path) -> Path:
    """A run directory as a run leaves it, with plain keyframes standing in for drawn ones."""
    scenes = []
    for scene in film.scenes:
        shots = []
        for shot in scene.shots:
            path = f"shots/{shot.id}.png"
            (root / "shots").mkdir(parents=True, exist_ok=True)
            Image.new("RGB", (160, 90), (40 + 30 * len(shots), 90, 140)).save(root / path)
            shots.append(shot.model_copy(update={"keyframe": path}))
        scenes.append(scene.model_copy(update={"shots": shots}))
    write_text(root / "script.json", film.revise(scenes=scenes).to_json())
    return root
