"""The assemble node's work: rendered shots, in film order, into film.mp4 and film.srt."""

from __future__ import annotations

from auteur.pipeline.crew import Crew
from auteur.core.errors import AuteurError
from auteur.core.schema import Film
from auteur.pipeline.shots import as_rendered
from auteur.pipeline.state import ClipRecord
from auteur.tools.editing.assemble import ShotClip, assemble
from auteur.tools.fonts import CREDIT as FONT_CREDIT


def credits_for(film: Film, crew: Crew) -> list[str]:
    cast = [f"{c.name} ({c.role})" if c.role and c.role.lower() != c.name.lower() else c.name for c in film.characters]
    # a backend drawing from licensed art says what it owes a credit to (the draft artist: Font Awesome's icons)
    owed = getattr(crew.director, "credits", lambda: [])()
    return ["Cast", *cast, "", f"Made with auteur, {crew.profile.name} profile",
            f"director model: {crew.director.name}, renderer: {crew.renderer.name}", *owed, FONT_CREDIT]


def assemble_film(film: Film, clips: dict[str, ClipRecord], crew: Crew) -> str:
    missing = [s.id for s in film.shots() if s.id not in clips]
    if missing:
        raise AuteurError(f"cannot assemble: shots {', '.join(missing)} were not rendered")
    names = {c.token: c.name for c in film.characters}
    items = [ShotClip(clip=as_rendered(clips[shot.id], crew.run.root), scene_id=scene.id,
                      scene_title=scene.heading.title(), speaker_names=names)
             for scene in film.scenes for shot in scene.shots]
    treatment = film.treatment
    crew.run.work.mkdir(exist_ok=True)
    assemble(items, title=treatment.title if treatment else "Untitled", logline=treatment.logline if treatment else "",
             credits=credits_for(film, crew), out_dir=crew.run.root, work_dir=crew.run.work,
             video=crew.profile.video, settings=crew.profile.assembly,
             progress=lambda stage, fraction: crew.emit("assemble", stage, fraction))
    return crew.run.film.name
