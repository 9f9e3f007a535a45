"""The storyboard artist: coverage for every scene, character sheets, and one keyframe per shot.

Keyframes are drawn a little larger than the film frame so the renderer can push in and pan
without upscaling. Each keyframe is conditioned on the reference images of its characters and
its location, which is what keeps a character looking the same from shot to shot.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from auteur import prompts
from auteur.agents.registry import Role
from auteur.models.director import DrawRequest, Reference, premise_of
from auteur.models.renderer import keyframe_size
from auteur.pipeline.cache import Cache, code_digest
from auteur.pipeline.crew import Crew
from auteur.core.schema import Character, Film, Scene, Shot, ShotList
from auteur.tools.boards.panels import contact_sheet, draw_panel

KEYFRAME_MARGIN = 1.2  # room for the draft renderer's camera moves, when the renderer names no size
SHEET_LAYOUT = {"columns": 4, "panel_width": 480}
KEYFRAMES_PER_CALL = 8


def act(film: Film, crew: Crew) -> Film:
    style = film.treatment.visual_style if film.treatment else "storyboard"
    scenes = []
    for scene in film.scenes:
        if not scene.shots:
            loc = film.location(scene.location)
            shots = crew.write(
                "storyboard", "shots", ShotList, {"film": film, "scene_id": scene.id},
                style=style, location_token=loc.token, location=loc.look, scene_id=scene.id, beat=scene.beat.value,
                plot=scene.plot, n_shots=len(scene.dialogue) + 1,
                cast="\n".join(f"{c.token}: {c.appearance}" for c in film.characters if c.token in scene.characters),
                dialogue="\n".join(f"{d.speaker} ({d.emotion}): {d.line}" for d in scene.dialogue) or "(none)",
            ).shots
            scene = scene.model_copy(update={"shots": shots})
        scenes.append(scene)
    film = film.revise(scenes=scenes)
    film = film.revise(characters=[_with_sheet(c, style, crew) for c in film.characters])
    shots = film.shots()
    drawn: dict[str, str] = {}
    if crew.director.settings().get("scene_context"):
        # MovieDreamer-style continuity: each keyframe sees the one before it in its scene, so they are drawn in order.
        previous: dict[str, Path] = {}
        for k, shot in enumerate(shots):
            scene = film.scene_of(shot.id).id
            drawn[shot.id] = _keyframe(shot, film, style, crew, previous.get(scene))
            previous[scene] = crew.run.root / drawn[shot.id]
            crew.emit("stage", "storyboard", (k + 1) / len(shots))
    else:
        jobs = [_keyframe_job(shot, film, style, crew) for shot in shots]
        todo = [(shot, job) for shot, job in zip(shots, jobs) if isinstance(job, tuple)]
        for shot, job in zip(shots, jobs):
            if isinstance(job, str):
                drawn[shot.id] = job
        for start in range(0, len(todo), KEYFRAMES_PER_CALL):  # batches small enough to report progress
            chunk = todo[start : start + KEYFRAMES_PER_CALL]
            for (shot, _), dest in zip(chunk, crew.draw_many([job for _, job in chunk])):
                drawn[shot.id] = dest
            crew.emit("stage", "storyboard", (len(drawn)) / len(shots))
    scenes = [s.model_copy(update={"shots": [sh.model_copy(update={"keyframe": drawn[sh.id]}) for sh in s.shots]})
              for s in film.scenes]
    film = film.revise(scenes=scenes)
    draw_sheet(film, crew)
    return film


def draw_sheet(film: Film, crew: Crew) -> None:
    """All panels on one page: what a person looks at before (or instead of) watching the film.

    Kept in the cache under everything drawn on it (each shot, its keyframe's bytes, the names, the
    title, the layout), so an unchanged film reuses its sheet and any change draws it again.
    """
    names = {c.token: c.name for c in film.characters}
    title = film.treatment.title if film.treatment else ""
    language = film.treatment.language if film.treatment else "en"
    shots = film.shots()
    key = Cache.key("storyboard", code_digest("auteur.tools.boards"), SHEET_LAYOUT, title, names, language,
                    [(sh.model_dump(mode="json", exclude={"keyframe"}), Cache.file_digest(crew.run.inside(sh.keyframe)))
                     for sh in shots])

    def make(path: Path) -> None:
        panels = []
        for shot in shots:
            with Image.open(crew.run.inside(shot.keyframe)) as keyframe:
                panels.append(draw_panel(keyframe.convert("RGB"), shot, names, language))
        contact_sheet(panels, title=title, **SHEET_LAYOUT).save(path, format="PNG")

    crew.cache.materialize("boards", key, ".png", crew.run.storyboard, make)


def _with_sheet(character: Character, style: str, crew: Crew) -> Character:
    if crew.run.holds(character.reference_image):
        return character
    height = crew.profile.video.height
    prompt = prompts.render("storyboard", "character", token=character.token, name=character.name,
                            appearance=character.appearance, wardrobe=character.wardrobe or "their usual clothes",
                            style=style)
    request = DrawRequest(kind="character", prompt=prompt, width=_even(height * 0.75), height=height,
                          seed=crew.seed, character=character)
    return character.model_copy(update={"reference_image": crew.draw(request, f"characters/{character.token.strip('<>')}.png")})


def redraw_keyframe(shot: Shot, film: Film, crew: Crew) -> str:
    """Draw one shot's keyframe again (a retake): at crew.seed, seeing the keyframe before it in its scene
    when the director draws scenes in sequence."""
    style = film.treatment.visual_style if film.treatment else "storyboard"
    previous = None
    if crew.director.settings().get("scene_context"):
        shots = film.scene_of(shot.id).shots
        k = next(i for i, sh in enumerate(shots) if sh.id == shot.id)
        previous = crew.run.inside(shots[k - 1].keyframe) if k > 0 and shots[k - 1].keyframe else None
    return _keyframe(shot.model_copy(update={"keyframe": None}), film, style, crew, previous)


def _keyframe(shot: Shot, film: Film, style: str, crew: Crew, previous: Path | None = None) -> str:
    job = _keyframe_job(shot, film, style, crew, previous)
    return job if isinstance(job, str) else crew.draw(*job)


def _keyframe_job(shot: Shot, film: Film, style: str, crew: Crew,
                  previous: Path | None = None) -> str | tuple[DrawRequest, str]:
    """The keyframe's path when it is already drawn, else the request that draws it and its path."""
    dest = f"shots/{shot.id}.png"
    if shot.keyframe == dest and crew.run.holds(dest):
        return dest
    scene = film.scene_of(shot.id)
    loc = film.location(scene.location)
    shot = with_listener(shot, scene, film)
    # offscreen characters go to the artist (it must know to leave them out) but not into the picture's references
    cast = tuple(film.character(t) for t in shot.characters)
    seen = tuple(c for c in cast if not c.offscreen)
    refs = tuple(Reference(c.token, crew.run.inside(c.reference_image)) for c in seen if c.reference_image)
    if loc.reference_image:
        refs += (Reference(loc.token, crew.run.inside(loc.reference_image)),)
    prompt = prompts.render("storyboard", "keyframe", visual_prompt=shot.visual_prompt, style=style,
                            cast="; ".join(f"{c.token} {c.appearance}" for c in seen) or "none",
                            location=f"{loc.token} {loc.look}")
    video = crew.profile.video
    # drawn at the size the renderer starts from: a director pays for every pixel it draws
    width, height = keyframe_size(crew.renderer, video) or (_even(video.width * KEYFRAME_MARGIN),
                                                            _even(video.height * KEYFRAME_MARGIN))
    request = DrawRequest(kind="keyframe", prompt=prompt, references=refs, width=width, height=height, seed=crew.seed,
                          shot=shot.model_copy(update={"keyframe": None}), location=loc, cast=cast,
                          previous_keyframe=previous, premise=premise_of(film))
    return request, dest


def with_listener(shot: Shot, scene: Scene, film: Film) -> Shot:
    """The shot as it is drawn: when everyone in it who speaks is heard, not seen (a voice on the phone, a knock on
    the hull) and no one else is in it, the picture shows who listens: the scene's first character in view."""
    cast = {c.token: c for c in film.characters}
    if not shot.dialogue or any(not cast[t].offscreen for t in shot.characters if t in cast):
        return shot
    listener = next((t for t in scene.characters if t in cast and not cast[t].offscreen), None)
    return shot.model_copy(update={"characters": [*shot.characters, listener]}) if listener else shot


def _even(x: float) -> int:
    return int(round(x / 2)) * 2


role = Role(name="storyboard", title="Storyboard artist", order=40, act=act,
            summary="breaks scenes into shots (type, camera, framing, dialogue) and draws a keyframe per shot")
