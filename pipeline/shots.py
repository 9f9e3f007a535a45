"""Rendering one shot through the cache: identical inputs and settings never render twice."""

from __future__ import annotations

from pathlib import Path

from auteur.models.renderer import RenderedClip, RenderRequest
from auteur.pipeline.atomic import atomic_path, write_text
from auteur.pipeline.cache import Cache, place
from auteur.pipeline.crew import Crew
from auteur.pipeline.errors import AuteurError
from auteur.pipeline.state import ClipRecord, ShotTask, SpokenRecord


def render_shot(task: ShotTask, crew: Crew) -> ClipRecord:
    shot = task["shot"]
    if not shot.keyframe:
        raise AuteurError(f"shot {shot.id} has no keyframe; the storyboard stage did not finish")
    keyframe = crew.run.inside(shot.keyframe)
    request = RenderRequest(shot=shot, keyframe=keyframe, cast=tuple(task["cast"]), location=task["location"],
                            video=crew.profile.video, seed=crew.seed,
                            fade_in_s=task["fade_in_s"], fade_out_s=task["fade_out_s"])
    key = Cache.key("clip", crew.renderer.settings(), shot.model_dump(mode="json", exclude={"keyframe"}),
                    [c.model_dump(mode="json", exclude={"reference_image"}) for c in request.cast],
                    request.location.model_dump(mode="json", exclude={"reference_image"}),
                    request.video.model_dump(), request.seed, request.fade_in_s, request.fade_out_s,
                    Cache.file_digest(keyframe))
    entry = crew.cache.path("clips", key, ".mp4")
    meta = entry.with_suffix(".json")
    cached = entry.is_file() and meta.is_file()
    if cached:
        clip = RenderedClip.from_json(meta.read_text("utf-8"), entry.parent)
    else:
        with atomic_path(entry) as tmp:
            clip = crew.renderer.render(request, tmp, lambda f: crew.emit("shot", shot.id, f))
        clip.path = entry
        write_text(meta, clip.to_json())  # written last: its presence marks the entry complete
    crew.shots.add(cached=cached)
    crew.emit("shot", shot.id, 1.0)
    rel = f"shots/{shot.id}.mp4"
    place(entry, crew.run.root / rel)
    record = ClipRecord(shot_id=shot.id, path=rel, duration=clip.duration, cached=cached, fades=clip.fades,
                        lines=[SpokenRecord(speaker=ln.speaker, text=ln.text, start=ln.start, end=ln.end)
                               for ln in clip.lines])
    write_text(crew.run.root / f"shots/{shot.id}.json", record.model_dump_json(indent=2))
    return record


def as_rendered(record: ClipRecord, root: Path) -> RenderedClip:
    from auteur.models.renderer import SpokenLine

    return RenderedClip(path=root / record.path, duration=record.duration, fades=record.fades,
                        lines=[SpokenLine(**ln.model_dump()) for ln in record.lines])
