"""Rendering one shot through the cache: identical inputs and settings never render twice."""

from __future__ import annotations

import logging
import time
from pathlib import Path

from auteur.models.renderer import RenderedClip, RenderRequest
from auteur.core.atomic import atomic_path, write_text
from auteur.pipeline.cache import Cache
from auteur.pipeline.crew import Crew
from auteur.core.errors import AuteurError, InputError, is_disk_full
from auteur.pipeline.state import ClipRecord, ShotTask, SpokenRecord

log = logging.getLogger("auteur")


class ShotFailed(AuteurError):
    """A shot whose render failed on every attempt."""

    def __init__(self, shot_id: str, reason: str):
        super().__init__(f"shot {shot_id} failed: {reason}")
        self.shot_id, self.reason = shot_id, reason


def render_shot(task: ShotTask, crew: Crew) -> ClipRecord:
    shot = task["shot"]
    if not shot.keyframe:
        raise AuteurError(f"shot {shot.id} has no keyframe; the storyboard stage did not finish")
    keyframe = crew.run.inside(shot.keyframe)
    fade = crew.profile.assembly.scene_transition_s / 2
    request = RenderRequest(shot=shot, keyframe=keyframe, cast=tuple(task["cast"]), location=task["location"],
                            video=crew.profile.video, seed=crew.seed,
                            fade_in_s=fade if task["dip_in"] else 0.0, fade_out_s=fade if task["dip_out"] else 0.0,
                            language=task.get("language", "en"), workdir=crew.run.root / "renderer",
                            shared_dir=crew.cache.root / "renderer")
    key = Cache.key("clip", crew.renderer.settings(), shot.model_dump(mode="json", exclude={"keyframe"}),
                    [c.model_dump(mode="json", exclude={"reference_image"}) for c in request.cast],
                    request.location.model_dump(mode="json", exclude={"reference_image"}),
                    request.video.model_dump(), request.seed, request.fade_in_s, request.fade_out_s,
                    Cache.file_digest(keyframe), *([request.language] if request.language != "en" else []))
    entry = crew.cache.path("clips", key, ".mp4")
    meta = entry.with_suffix(".json")
    # Both halves of the entry are checked on every hit: a truncated clip would silently shorten the
    # film, and edited timings would put someone else's words into the subtitles.
    clip = _cached_clip(crew.cache, entry, meta)
    cached = clip is not None
    if clip is None:
        log.info("render start %s", shot.id)
        clip = _render_with_retries(request, entry, crew)
        write_text(meta, clip.to_json())
        crew.cache.record(meta)
        crew.cache.record(entry)  # written last: its presence marks the entry complete
        log.info("render done %s", shot.id)
    crew.shots.add(cached=cached)
    crew.emit("shot", shot.id, 1.0)
    rel = f"shots/{shot.id}.mp4"
    crew.cache.put(entry, crew.run.root / rel)
    record = ClipRecord(shot_id=shot.id, path=rel, duration=clip.duration, cached=cached, fades=clip.fades,
                        lines=[SpokenRecord(speaker=ln.speaker, text=ln.text, start=ln.start, end=ln.end)
                               for ln in clip.lines])
    write_text(crew.run.root / f"shots/{shot.id}.json", record.model_dump_json(indent=2))
    return record


def _cached_clip(cache: Cache, entry: Path, meta: Path) -> RenderedClip | None:
    """The cached clip and its timings when both are intact, else None (a damaged pair is made again)."""
    if not (cache.verified(meta) and cache.verified(entry)):
        return None
    try:
        return RenderedClip.from_json(meta.read_text("utf-8"), entry.parent)
    except (OSError, ValueError, KeyError, TypeError) as err:  # digest intact, content not a clip record
        cache.discard(meta, f"its timings cannot be read ({type(err).__name__})")
        return None


def _render_with_retries(request: RenderRequest, entry: Path, crew: Crew) -> RenderedClip:
    """Render into the cache entry; a failure is retried with doubling waits, then names the shot."""
    shot, profile = request.shot, crew.profile
    attempts = profile.retries + 1
    for attempt in range(1, attempts + 1):
        try:
            with atomic_path(entry) as tmp:
                clip = crew.renderer.render(request, tmp, lambda f: crew.emit("shot", shot.id, f))
            clip.path = entry
            return clip
        except Exception as err:
            if isinstance(err, InputError) or is_disk_full(err):
                raise  # retrying cannot help: the input is wrong, or there is no room
            reason = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
            if attempt == attempts:
                raise ShotFailed(shot.id, f"{reason}, after {attempts} attempt{'s' * (attempts > 1)}") from err
            wait = profile.retry_backoff_s * 2 ** (attempt - 1)
            log.warning("shot %s failed (attempt %d of %d): %s; retrying in %.1f s", shot.id, attempt, attempts,
                        reason, wait)
            time.sleep(wait)
    raise AssertionError("unreachable")


def as_rendered(record: ClipRecord, root: Path) -> RenderedClip:
    from auteur.models.renderer import SpokenLine

    return RenderedClip(path=root / record.path, duration=record.duration, fades=record.fades,
                        lines=[SpokenLine(**ln.model_dump()) for ln in record.lines])
