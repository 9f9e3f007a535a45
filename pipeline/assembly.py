"""The assemble node's work: rendered shots, in film order, into film.mp4 and film.srt."""

from __future__ import annotations

from pathlib import Path

from auteur.core.atomic import write_text
from auteur.pipeline.cache import Cache, code_digest
from auteur.pipeline.crew import Crew
from auteur.core.errors import AuteurError
from auteur.core.schema import Film
from auteur.pipeline.shots import as_rendered
from auteur.pipeline.state import ClipRecord
from auteur.tools.editing.assemble import ShotClip, assemble
from auteur.tools.editing.chapters import headline
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
                      scene_title=headline(scene.heading), speaker_names=names, shot_id=shot.id,
                      chapter=scene.chapter)
             for scene in film.scenes for shot in scene.shots]
    treatment = film.treatment
    title, logline = (treatment.title, treatment.logline) if treatment else ("Untitled", "")
    language = treatment.language if treatment else "en"
    credits = credits_for(film, crew)
    # Everything the film is made of: each clip's bytes and timing, the cards' text, the settings,
    # and the assembly code itself. An unchanged film is copied from the cache, not assembled again.
    key = Cache.key("film", code_digest("auteur.tools.editing", "auteur.pipeline.assembly"), title, logline, credits,
                    crew.profile.video.model_dump(), crew.profile.assembly.model_dump(),
                    [(Cache.file_digest(item.clip.path), item.clip.duration, list(item.clip.fades),
                      [(ln.speaker, ln.text, ln.start, ln.end) for ln in item.clip.lines],
                      item.scene_id, item.scene_title, item.chapter) for item in items], names, language)
    run, cache = crew.run, crew.cache
    made = [(".timeline.json", run.timeline), (".srt", run.srt), (".mp4", run.film)]  # film.mp4 last: it marks done
    if all(cache.reuse("films", key, suffix, path) for suffix, path in made):
        crew.emit("assemble", "done", 1.0)
        return run.film.name
    run.work.mkdir(exist_ok=True)
    film = assemble(items, title=title, logline=logline, credits=credits, out_dir=run.root, work_dir=run.work,
                    video=crew.profile.video, settings=crew.profile.assembly,
                    progress=lambda stage, fraction: crew.emit("assemble", stage, fraction), language=language)
    timeline = film.timeline.model_copy(update={"pieces": [
        p.model_copy(update={"clip": Path(p.clip).resolve().relative_to(run.root.resolve()).as_posix()}) if p.clip else p
        for p in film.timeline.pieces]})
    write_text(run.timeline, timeline.model_dump_json(indent=1) + "\n")
    for suffix, path in made:
        cache.keep("films", key, suffix, path)
    return run.film.name
