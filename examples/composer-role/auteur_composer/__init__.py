"""An example plugin role: the composer scores every shot with a music cue chosen from its scene's beat.

Install it next to auteur (`pip install examples/composer-role`) and `auteur roles` lists it; the
graph runs it after the storyboard artist (order 45) and before rendering, and the draft renderer
plays its cues as a soft pad under the dialogue.
"""

from __future__ import annotations

from auteur.agents.registry import Role
from auteur.core.schema import Film, SoundCue

SCORE = {
    "setup": "solo piano, unhurried, in a major key",
    "inciting incident": "low strings, uneasy, a held minor chord",
    "rising action": "pulsing cello, building",
    "midpoint": "warm strings opening up",
    "climax": "full strings and timpani, tense, minor",
    "resolution": "piano and soft strings, warm, major, resolving",
}


def act(film: Film, crew) -> Film:
    scenes = []
    for scene in film.scenes:
        cue = SoundCue(kind="music", description=SCORE.get(scene.beat.value, "gentle strings"))
        shots = [shot if any(s.kind == "music" for s in shot.sound)
                 else shot.model_copy(update={"sound": [*shot.sound, cue]}) for shot in scene.shots]
        scenes.append(scene.model_copy(update={"shots": shots}))
    return film.revise(scenes=scenes)


role = Role(name="composer", title="Composer", order=45, act=act,
            summary="scores every shot with a music cue from its scene's beat")
