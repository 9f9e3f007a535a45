"""The draft director's crew stages: a deterministic, seeded stand-in for a writing model.

The story itself comes from the story engine (`auteur.models.draft.story`): the premise's situation, cast,
places, and every scene told from the premise's events. Here it is laid out as the crew hands it on: the
treatment (title, logline, beats), the screenplay (one scene per beat, with its plot and lines), the locations
(the premise's conditions on each), and coverage with a plain shot grammar: an establishing wide, a two-shot
to open an exchange, over-the-shoulder shot/reverse-shot, and close-ups with a push-in on emotional lines. The
protagonist keeps frame-left; a group stands side by side, each figure in its own part of the frame.

Every choice comes from `random.Random` seeded with a string (stable across processes), salted per stage, so a
user-edited screenplay still gets the same shots it would have had.
"""

from __future__ import annotations

import random
import re

from auteur.core.schema import (
    Beat, BeatName, CameraMove, Character, DialogueLine, Film, FramingBox, Location, LocationPlan,
    Scene, Screenplay, Shot, ShotList, ShotType, SoundCue, TimeOfDay, Treatment,
)
from auteur.models.draft.story import Member, Story, plan_story
from auteur.models.draft.story.library import frames as story_frames
from auteur.models.draft.story.library import world as story_world

WORDS_PER_SECOND = 2.6  # espeak-ng's default pace, measured on the story library lines
LEAD_IN_S, TAIL_S = 0.4, 0.6
PAUSE_S = 0.3  # what espeak-ng adds at a comma
STRONG_EMOTIONS = {"fear", "anger", "sadness", "tender", "wonder", "surprise", "joy"}
SCENE_BEATS = {
    1: ["climax"],
    2: ["inciting incident", "resolution"],
    3: ["inciting incident", "climax", "resolution"],
    4: ["setup", "inciting incident", "climax", "resolution"],
    5: ["setup", "inciting incident", "midpoint", "climax", "resolution"],
    6: ["setup", "inciting incident", "rising action", "midpoint", "climax", "resolution"],
}
# Which of the story's places each beat happens in (0 = home, 1 and 2 = nearby).
BEAT_PLACE = {"setup": 0, "inciting incident": 0, "rising action": 2, "midpoint": 2, "climax": 1, "resolution": 0}
# Time of day per beat, when the premise sets none ("night shift", "blackout" keep the whole film at night).
BEAT_TIME = {"setup": "dusk", "inciting incident": "night", "rising action": "night", "midpoint": "night",
             "climax": "night", "resolution": "dawn"}
LANGUAGE_NAMES = {"en": "English", "de": "Deutsch"}


# ---------------------------------------------------------------- the planner


class Planner:
    def __init__(self, prompt: str, seed: int, names: tuple[str, ...] = ()):
        self.prompt = prompt
        self.seed = seed
        self.story: Story = plan_story(prompt, seed, tuple(names))
        self.premise = self.story.reading
        self.book = story_frames(self.story.language)
        self.world = story_world(self.story.language)

    @property
    def language(self) -> str:
        """The language the film is planned (and spoken) in."""
        return self.story.language

    def language_note(self) -> str:
        """One line saying which language the film was planned in, and why."""
        read, planned = self.premise.language, self.story.language
        name = LANGUAGE_NAMES.get(planned, planned)
        if read == planned:
            return f"planned in {name} ({planned}), the premise's language"
        kept = ", ".join(e.english for e in self.premise.entities if e.kind != "time")[:160]
        return f"planned in {name} ({planned}): no story library for the premise's language ({read}); " \
               f"its people, places and things are kept ({kept})" if kept else \
               f"planned in {name} ({planned}): no story library for the premise's language ({read})"

    def rng(self, salt: str) -> random.Random:
        return random.Random(f"{self.seed}|{salt}|{self.prompt}")

    # -- story shape shared by the stages
    def budget(self, target_shots: int | None, target_runtime_s: float) -> list[int]:
        """Shots per scene; the runtime target assumes about four seconds a shot."""
        total = target_shots or max(4, round(target_runtime_s / 4.2))
        n_scenes = max(1, min(6, round(total / 3.0)))
        if total >= 8:
            n_scenes = max(4, n_scenes)
        base, extra = divmod(total, n_scenes)
        return [base + (1 if k < extra else 0) for k in range(n_scenes)]

    def _beats(self, target_shots: int | None, target_runtime_s: float) -> list[tuple[str, int]]:
        budget = self.budget(target_shots, target_runtime_s)
        return list(zip(SCENE_BEATS[len(budget)], budget))

    def _pairs(self, beats: list[str]) -> list[tuple[Member, Member | None, bool]]:
        """Who faces whom in each scene: the lead and, in turn, everyone else; the lead alone in the setup when the
        one across from them only arrives with the inciting incident."""
        cast = self.story.cast
        lead = cast[0]
        # everyone else in turn, the lead's own group after the others (its members are in every scene anyway), so
        # each character of the film has a scene opposite the lead; one who cannot speak is spoken to
        others = [m for m in cast[1:] if m.source != lead.source or m.source is None] + \
                 [m for m in cast[1:] if m.source == lead.source and m.source is not None]
        # the dead are only a voice on the line; the missing are found at the end, not met on the way
        gone = [m for m in others if m.entity is not None and m.entity.status == "missing"]
        others = [m for m in others if m not in gone] or others
        others = others or [None]
        tied = len(cast) > 1 and (cast[1].source == lead.source or self._related(lead, cast[1]))
        out = []
        for k, beat in enumerate(beats):
            b = others[max(0, k - 1) % len(others)]
            if gone and beat == "resolution":
                b = gone[0]  # found at last
            solo = beat == "setup" and not tied and self.story.situation.arc not in ("confinement", "goal", "contest", "lesson")
            out.append((lead, b, solo or b is None))
        return out

    def _related(self, a: Member, b: Member) -> bool:
        rel = self.premise.relations
        return any({r.owner, r.target} == {a.source, b.source} for r in rel) or b.source is None and False

    def _plan(self, target_shots: int | None, target_runtime_s: float):
        """Every scene of the story, told: (beat, shots, place, time, pair, Told)."""
        key = (target_shots, round(target_runtime_s, 3))
        cache = self.__dict__.setdefault("_plans", {})
        if key in cache:
            return cache[key]
        beats = self._beats(target_shots, target_runtime_s)
        places = self.story.places
        writer = self.story.writer
        writer.reset()
        night = "night" in self.story.conditions or "blackout" in self.story.conditions
        out = []
        # "trapped in the same studio": no scene leaves the place the premise confines them to
        where = [0] * len(beats) if self.story.situation.arc == "confinement" else \
            _place_per_beat([beat for beat, _ in beats], len(places))
        for k, ((beat, shots), (a, b, solo)) in enumerate(zip(beats, self._pairs([x for x, _ in beats]))):
            place = places[where[k]] if places else None
            time = "night" if night and beat != "resolution" else BEAT_TIME[beat]
            told = writer.scene(beat, (a, b), max(0, shots - 1), place.name if place else "here", solo)
            out.append((beat, shots, place, time, (a, b, solo), told))
        cache[key] = out
        return out

    # -- director: the treatment
    def treatment(self, target_runtime_s: float) -> Treatment:
        rng = self.rng("treatment")
        plan = self._plan(self.fitted_shots(target_runtime_s), target_runtime_s)  # the beats the screenplay tells
        t = self.book["treatment"]
        arc = self.story.situation.arc
        beats = [Beat(name=BeatName(beat), summary=told.plot or beat) for beat, _, _, _, _, told in plan]
        genres = t["genres"].get(arc) or t["genres"]["any"]
        title = self._title(rng)
        return Treatment(title=title, logline=self._logline(rng), genre=rng.choice(genres), tone=rng.choice(t["tones"]),
                         visual_style=rng.choice(t["styles"]), target_runtime_s=target_runtime_s, beats=beats,
                         language=self.language)

    def _title(self, rng: random.Random) -> str:
        writer = self.story.writer
        from auteur.models.draft.story.writer import Context

        ctx = Context(writer, self.story.cast[0], self.story.cast[1] if len(self.story.cast) > 1 else None,
                      self.story.places[0].name if self.story.places else "")
        options = writer._ranked(self.book["treatment"]["titles"], ctx, rng)
        for option in options:
            filled = ctx.fill(option)
            if filled:
                return _title_case(filled)
        return _title_case(self.story.cast[0].short)

    def _logline(self, rng: random.Random) -> str:
        writer = self.story.writer
        from auteur.models.draft.story.english import sentence
        from auteur.models.draft.story.writer import Context

        ctx = Context(writer, self.story.cast[0], self.story.cast[1] if len(self.story.cast) > 1 else None,
                      self.story.places[0].name if self.story.places else "")
        for option in writer._ranked(self.book["treatment"]["loglines"], ctx, rng):
            filled = ctx.fill(option)
            if filled:
                return sentence(filled)
        return sentence(self.prompt)

    # -- screenwriter: cast and scenes with dialogue
    def cast(self) -> list[Character]:
        return _distinct_voices([m.character for m in self.story.cast])

    def fitted_shots(self, target_runtime_s: float) -> int | None:
        """Shots for a film of the runtime asked: the budget's four seconds a shot, or fewer when the story's lines
        run longer than that (a 60-s film was 70 s of shots), never under four. None: the budget's count fits."""
        plan = self._plan(None, target_runtime_s)
        total = sum(shots for _, shots, *_ in plan)
        # as the shots will time them: an establishing shot, then a shot a line (see _coverage)
        length = sum((4.5 if k == 0 else 3.5) + sum(max(2.5, spoken_seconds(text) + LEAD_IN_S + TAIL_S)
                                                      for _, _, text in told.lines)
                     for k, (*_, told) in enumerate(plan))
        if length <= 1.1 * target_runtime_s or total <= 4:
            return None
        return max(4, min(total - 1, round(total * target_runtime_s / length)))

    def screenplay(self, target_shots: int | None, target_runtime_s: float) -> Screenplay:
        cast = self.cast()
        scenes = []
        if target_shots is None:
            target_shots = self.fitted_shots(target_runtime_s)
        for idx, (beat, shots, place, time, (a, b, solo), told) in enumerate(self._plan(target_shots, target_runtime_s), start=1):
            lines = [DialogueLine(speaker=tok, line=text, emotion=emotion) for tok, emotion, text in told.lines]
            present = [a.token] if solo or b is None else list(dict.fromkeys([a.token, b.token]))
            present += [ln.speaker for ln in lines if ln.speaker not in present]
            # a group of the premise is together on screen: every member is present in its scenes
            present += [m.token for m in self.story.cast if m.token not in present and m.source is not None
                        and m.source == a.source]
            name = place.name if place else "here"
            scenes.append(Scene(id=f"sc{idx}", heading=f"{name.upper()} - {time.upper()}", beat=BeatName(beat),
                                plot=told.plot or f"{a.short}.", setting=f"{name}, {time}", characters=present,
                                dialogue=lines))
        return Screenplay(characters=cast, scenes=scenes)

    # -- location manager: places from scene settings
    def locations(self, film: Film) -> LocationPlan:
        known = {p.name: p for p in self.story.places}
        light = self.world["times"]["light"]
        tokens: dict[str, str] = {}
        locations: list[Location] = []
        for scene in film.scenes:
            if scene.setting in tokens:
                continue
            name, _, when = scene.setting.rpartition(", ")
            if not name or when not in TimeOfDay.__members__:
                name, when = scene.setting, _time_from_words(scene.setting)
            base = known.get(name)
            token = f"<env{len(locations) + 1}>"
            tokens[scene.setting] = token
            locations.append(Location(token=token, name=name, look=base.look if base else scene.setting,
                                      time_of_day=TimeOfDay(when), light=light[when],
                                      ambience=base.ambience if base else "room tone",
                                      conditions=[c for c in (base.conditions if base else self.story.conditions)
                                                  if c != "night"]))
        return LocationPlan(locations=locations, scene_locations=[tokens[s.setting] for s in film.scenes])

    def _told(self, film: Film, scene: Scene):
        """The story's telling of this scene, when the scene still holds the lines it was written with."""
        index = next((k for k, s in enumerate(film.scenes) if s.id == scene.id), -1)
        runtime = film.treatment.target_runtime_s if film.treatment else 60.0
        # the shot count the screenplay was planned for: the runtime's fit when no count was asked, else about its
        # lines plus an establishing shot a scene (fewer when a scene's telling found fewer lines than shots)
        planned = sum(len(s.dialogue) + 1 for s in film.scenes)
        for target in dict.fromkeys((self.fitted_shots(runtime), planned, None)):
            for beat, _, _, _, _, told in self._plan(target, runtime):
                if [t for _, _, t in told.lines] == [ln.line for ln in scene.dialogue] and beat == scene.beat.value:
                    return told
        plan = self._plan(None, runtime)
        if 0 <= index < len(plan) and not scene.dialogue and not plan[index][5].lines:
            return plan[index][5]
        return None

    # -- storyboard artist: coverage for one scene
    def shots(self, film: Film, scene: Scene, n_shots: int | None = None) -> ShotList:
        rng = self.rng(f"shots:{scene.id}")
        place = film.location(scene.location) if scene.location else None
        order = {c.token: k for k, c in enumerate(film.characters)}
        first_scene = film.scenes[0].id == scene.id
        told = self._told(film, scene)
        lines = list(scene.dialogue)
        n_shots = max(1, n_shots or len(lines) + 1)
        # an establishing shot, then the lines spread over the remaining shots in order
        n_groups = min(len(lines), max(1, n_shots - 1))
        groups: list[list[DialogueLine]] = [[] for _ in range(n_groups)]
        for k, line in enumerate(lines):
            groups[k * n_groups // len(lines)].append(line)
        opening = (told.opening if told and told.opening else self.world["shots"]["establishing"])
        shots = [self._establishing(film, scene, place, first_scene, rng, order, opening)] if n_shots > n_groups else []
        previous = ShotType.wide
        said = 0
        for k, group in enumerate(groups):
            actions = told.actions[said:said + len(group)] if told else []
            said += len(group)
            shots.append(self._coverage(film, scene, place, group, k, previous, rng, order, [a for a in actions if a]))
            previous = shots[-1].shot_type
        for n, shot in enumerate(shots, start=1):
            shot.id = f"{scene.id}-sh{n:02d}"
            shot.props = self._props(scene, shot, n == 1)
        return ShotList(shots=shots)

    def _props(self, scene: Scene, shot: Shot, establishing: bool) -> list[str]:
        """The premise's key objects in frame: those the shot's lines, action or the scene's plot name; the
        establishing shot shows the first of them so every scene puts the premise's thing on screen."""
        props = self.story.props()
        said = " ".join([scene.plot, shot.action] + [ln.line for ln in shot.dialogue]).lower()
        shown = [p for p in props if p.lower() in said or p.split()[-1].lower() in said]
        if establishing and props and not shown:
            shown = props[:1]
        return shown[:3]

    def _establishing(self, film, scene, place, first_scene, rng, order, action: str) -> Shot:
        shot_type = ShotType.extreme_wide if first_scene else ShotType.wide
        camera = CameraMove.pull_out if first_scene else rng.choice([CameraMove.pan_right, CameraMove.pan_left,
                                                                     CameraMove.tilt_down, CameraMove.static])
        unseen = {c.token for c in film.characters if c.offscreen}
        chars = sorted(scene.characters, key=order.get)
        framing = _small_figures([t for t in chars if t not in unseen], order)
        return Shot(id="x", shot_type=shot_type, camera=camera, characters=chars, framing=framing,
                    visual_prompt=self._describe(film, shot_type, camera, chars, place, action),
                    action=action, duration=4.5 if first_scene else 3.5,
                    sound=[SoundCue(kind="ambience", description=place.ambience if place and place.ambience else scene.setting)])

    def _coverage(self, film, scene, place, group, k, previous, rng, order, actions: list[str]) -> Shot:
        unseen = {c.token for c in film.characters if c.offscreen}
        heard = [t for t in dict.fromkeys(line.speaker for line in group) if t in unseen]
        # a voice on the line or through the wall is heard, not framed: its shot is on the one who hears it
        speakers = [t for t in dict.fromkeys(line.speaker for line in group) if t not in unseen]
        others = [t for t in scene.characters if t not in speakers and t not in unseen]
        if not speakers:
            speakers, others = others[:1] or [group[0].speaker], others[1:]
        speaker = speakers[0]
        listener = others[0] if others else None
        emotion = group[0].emotion
        if len(speakers) > 1 or (k == 0 and listener):
            shot_type, camera = ShotType.two_shot, CameraMove.static
            chars = sorted(set(speakers) | ({listener} if listener else set()), key=order.get)
        elif emotion in STRONG_EMOTIONS and k > 0 and previous != ShotType.close_up:
            shot_type, camera, chars = ShotType.close_up, CameraMove.push_in, [speaker]
        elif listener:
            shot_type, camera, chars = ShotType.over_the_shoulder, CameraMove.static, [listener, speaker]
        else:
            shot_type, camera, chars = ShotType.medium, rng.choice([CameraMove.static, CameraMove.push_in]), [speaker]
        framing = _frame(shot_type, chars, order, speaker)
        chars = [*chars, *(t for t in heard if t not in chars)]  # in the shot, speaking, never in its frame
        names = {c.token: c.name.split()[0] for c in film.characters}
        action = " ".join(actions) or " ".join(self.world["shots"]["speaking"].format(speaker=names.get(ln.speaker, ln.speaker),
                                                                                      emotion=ln.emotion) for ln in group)
        duration = round(max(2.5, sum(spoken_seconds(ln.line) for ln in group) + LEAD_IN_S + TAIL_S
                             + 0.3 * (len(group) - 1)), 2)
        sound = [SoundCue(kind="ambience", description=place.ambience)] if place and place.ambience else []
        return Shot(id="x", shot_type=shot_type, camera=camera, characters=chars, framing=framing,
                    visual_prompt=self._describe(film, shot_type, camera, chars, place, action), action=action,
                    duration=duration, dialogue=list(group), sound=sound)

    def _describe(self, film, shot_type, camera, chars, place, action) -> str:
        subjects = " and ".join(chars) if chars else "No one"
        where = f"at {place.token} ({place.name})" if place else "in the scene"
        return self.world["shots"]["template"].format(
            shot_type=shot_type.value.capitalize(), camera=camera.value, subjects=subjects, where=where,
            time=place.time_of_day.value if place else "day", light=place.light if place else "", action=action,
        ).strip()


# ---------------------------------------------------------------- helpers


def _place_per_beat(beats: list[str], n_places: int) -> list[int]:
    """Which of the story's places each scene is in: BEAT_PLACE's, then a middle scene in a place used twice moves
    to a place no scene has, so a four-scene film still visits every place the premise names."""
    where = [BEAT_PLACE[b] % max(1, n_places) for b in beats]
    for missing in range(min(n_places, len(beats))):
        if missing in where:
            continue
        spare = next((k for k in range(1, len(beats) - 1) if where.count(where[k]) > 1), None)
        if spare is not None:
            where[spare] = missing
    return where


def spoken_seconds(line: str) -> float:
    """How long espeak-ng takes to say a line: its words at the measured pace, and a pause at every comma (the
    story engine's lines have more of them than the old templates)."""
    pauses = line.count(",") + line.count(";") + line.count(":")
    return len(line.split()) / WORDS_PER_SECOND + PAUSE_S * pauses


def _distinct_voices(cast: list[Character]) -> list[Character]:
    """Nudge pitches apart so no two characters of one gender sound alike."""
    out: list[Character] = []
    for ch in cast:
        pitch = ch.voice.pitch
        for _ in range(8):
            if all(o.voice.gender != ch.voice.gender or abs(o.voice.pitch - pitch) >= 0.35 for o in out):
                break
            pitch = round(pitch + 0.4 if pitch <= 0.55 else pitch - 0.9, 2)
            pitch = max(-1.0, min(1.0, pitch))
        out.append(ch.model_copy(update={"voice": ch.voice.model_copy(update={"pitch": pitch})}))
    return out


def _side(token: str, order: dict[str, int]) -> int:
    """0 = frame-left, 1 = frame-right; the protagonist stays left."""
    return 0 if order.get(token, 0) % 2 == 0 else 1


def _lineup(chars: list[str], order: dict[str, int], width: float, y: float, h: float, left: float = 0.08,
            right: float = 0.92) -> list[FramingBox]:
    """Figures side by side in story order (the protagonist leftmost), each in its own slot of the frame,
    so no two boxes overlap whatever the group's size."""
    ranked = sorted(chars, key=lambda t: order.get(t, 0))
    slot = (right - left) / max(1, len(ranked))
    w = min(width, slot * 0.9)
    boxes = []
    for k, tok in enumerate(ranked):
        x = left + slot * (k + 0.5) - w / 2
        boxes.append(FramingBox(character=tok, x=round(x, 3), y=y, w=round(w, 3), h=h))
    return boxes


def _small_figures(chars: list[str], order: dict[str, int]) -> list[FramingBox]:
    if len(chars) <= 2:  # a pair: the one earlier in the story frame-left, a wide gap between them
        lead = min(chars, key=lambda t: order.get(t, 0)) if chars else None
        return [FramingBox(character=tok, x=(0.28 if tok == lead else 0.62) if len(chars) == 2 else 0.45,
                           y=0.55, w=0.1, h=0.3) for tok in chars]
    return _lineup(chars, order, 0.1, 0.55, 0.3, 0.2, 0.8)


def _frame(shot_type: ShotType, chars: list[str], order: dict[str, int], speaker: str) -> list[FramingBox]:
    if shot_type == ShotType.close_up:
        return [FramingBox(character=speaker, x=0.28, y=0.08, w=0.44, h=0.92)]
    if shot_type == ShotType.medium:
        return [FramingBox(character=speaker, x=0.32, y=0.15, w=0.36, h=0.85)]
    if shot_type == ShotType.over_the_shoulder:
        listener = chars[0]
        fg_left = _side(listener, order) == 0
        return [FramingBox(character=listener, x=0.0 if fg_left else 0.62, y=0.1, w=0.38, h=0.9),
                FramingBox(character=speaker, x=0.56 if fg_left else 0.12, y=0.15, w=0.3, h=0.75)]
    if len(chars) == 2:  # the pair: the one earlier in the story frame-left (characters 1 and 3 no longer share a box)
        lead = min(chars, key=lambda c: order.get(c, 0))
        return [FramingBox(character=tok, x=0.14 if tok == lead else 0.56, y=0.2, w=0.3, h=0.78) for tok in chars]
    return _lineup(chars, order, 0.3, 0.2, 0.78)


def overlap(a: FramingBox, b: FramingBox) -> float:
    """Intersection of two boxes as a share of the smaller one."""
    w = min(a.x + a.w, b.x + b.w) - max(a.x, b.x)
    h = min(a.y + a.h, b.y + b.h) - max(a.y, b.y)
    if w <= 0 or h <= 0:
        return 0.0
    return w * h / min(a.w * a.h, b.w * b.h)


def _time_from_words(text: str) -> str:
    words = set(_words(text))
    for time, keys in (("dawn", {"dawn", "morning", "sunrise"}), ("dusk", {"dusk", "evening", "sunset", "twilight"}),
                       ("night", {"night", "midnight", "dark"})):
        if words & keys:
            return time
    return "day"


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W\d_][\w'-]*", text.lower())


def _title_case(text: str) -> str:
    small = {"a", "an", "the", "of", "and", "in", "on", "at", "to", "for", "before", "after"}
    words = text.split()
    return " ".join(w.lower() if k and w.lower() in small else w[:1].upper() + w[1:] for k, w in enumerate(words))


def _short(name: str) -> str:
    return name.split(",")[0]
