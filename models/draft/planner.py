"""The draft story planner: a deterministic, seeded stand-in for a writing model.

It reads the premise (`auteur.tools.language.premise`), takes its cast, places, props and situation
(`story.py`), lays the story on three-act beats chosen by the premise's story type, fills the story
library's lines (`story_<language>.toml`) with the premise's own people, things and places, and breaks
scenes into coverage with a plain shot grammar: an establishing wide, a two-shot to open an exchange,
over-the-shoulder shot/reverse-shot, and close-ups with a push-in on emotional lines. The protagonist
keeps frame-left; a group stands side by side, each figure in its own part of the frame.

Every choice comes from `random.Random` seeded with a string (stable across processes), salted per
stage, so a user-edited screenplay still gets the same shots it would have had.
"""

from __future__ import annotations

import random
import re

from auteur.core.schema import (
    Beat, BeatName, CameraMove, Character, DialogueLine, Film, FramingBox, Location, LocationPlan,
    Scene, Screenplay, Shot, ShotList, ShotType, SoundCue, TimeOfDay, Treatment,
)
from auteur.models.draft.story import Story, build_story, can_fill, fill, library, needs

WORDS_PER_SECOND = 2.6  # espeak-ng's default pace, measured on the story library lines
LEAD_IN_S, TAIL_S = 0.4, 0.6
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


# ---------------------------------------------------------------- the planner


class Planner:
    def __init__(self, prompt: str, seed: int, names: tuple[str, ...] = ()):
        self.prompt = prompt
        self.seed = seed
        self.story = build_story(prompt, seed, names)
        self.premise = self.story.reading
        self.book = library(self.story.language)

    @property
    def language(self) -> str:
        """The language the film is planned (and spoken) in."""
        return self.story.language

    def language_note(self) -> str:
        """One line saying which language the film was planned in, and why."""
        read, planned = self.premise.language, self.story.language
        if read == planned:
            return f"planned in {self.book['name']} ({planned}), the premise's language"
        return f"planned in {self.book['name']} ({planned}): no story library for the premise's language ({read}); " \
               "its names and places are kept"

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

    def _slots(self, a: Character | None = None, b: Character | None = None) -> dict[str, str]:
        cast = self.story.cast
        a = a or cast[0]
        b = b or (cast[1] if len(cast) > 1 else cast[0])
        return {**self.story.slots, "A": _short(a.name), "B": _short(b.name)}

    def _pick(self, rng: random.Random, pools: list[list[str]], slots: dict[str, str]) -> str:
        """A template from the first pool that has one the premise can fill, premise-specific ones first."""
        for pool in pools:
            usable = [t for t in pool if can_fill(t, slots)]
            if usable:
                best = max(self.story.score(t) for t in usable)
                return fill(rng.choice([t for t in usable if self.story.score(t) == best]), slots)
        return fill("{A} and {B}.", slots)

    def _with_speakers(self, plot: str, lines: list[DialogueLine], cast: list[Character]) -> str:
        """The plot, naming every speaker of the scene its beat's summary leaves out."""
        names = {c.token: _short(c.name) for c in cast}
        missing = list(dict.fromkeys(names[ln.speaker] for ln in lines if names[ln.speaker] not in plot))
        if not missing:
            return plot
        words = self.book["also_present"]
        joined = missing[0] if len(missing) == 1 else f"{', '.join(missing[:-1])} {words['and']} {missing[-1]}"
        return f"{plot} {words['one' if len(missing) == 1 else 'many'].format(names=joined)}"

    def _plot(self, beat: str, slots: dict[str, str]) -> str:
        """The beat's summary; the scene that plays the beat gets the same one (one rng per beat)."""
        rng = self.rng(f"plot:{beat}")
        plots = self.book["plots"]
        return self._pick(rng, [plots.get(self.premise.story_type, {}).get(beat, []) + plots["any"][beat]], slots)

    # -- director: the treatment
    def treatment(self, target_runtime_s: float) -> Treatment:
        rng = self.rng("treatment")
        t = self.book["treatment"]
        slots = self._slots()
        slots["a_head"] = slots.get("a_head") or slots["A"]
        beats = [Beat(name=BeatName(name), summary=self._plot(name, slots))
                 for name in ("setup", "inciting incident", "midpoint", "climax", "resolution")]
        logline = self.prompt.strip().rstrip(".!?。！？") + ("." if self.premise.language not in ("zh", "ja") else "。")
        kind = self.premise.story_type
        genres = t["genres"].get(kind) or t["genres"]["quest"]
        titles = [x for x in t["titles"] if can_fill(x, slots) and self.story.score(x) > 0] or ["{A}"]
        return Treatment(
            title=_title_case(fill(rng.choice(titles), slots)), logline=logline[:1].upper() + logline[1:],
            genre=rng.choice(genres), tone=rng.choice(t["tones"]), visual_style=rng.choice(t["styles"]),
            target_runtime_s=target_runtime_s, beats=beats, language=self.language,
        )

    # -- screenwriter: cast and scenes with dialogue
    def cast(self) -> list[Character]:
        return _distinct_voices(list(self.story.cast))

    def screenplay(self, target_shots: int | None, target_runtime_s: float) -> Screenplay:
        rng = self.rng("screenplay")
        cast = self.cast()
        places = self.story.places
        budget = self.budget(target_shots, target_runtime_s)
        used: set[str] = set()
        scenes = []
        for idx, (beat, shots) in enumerate(zip(SCENE_BEATS[len(budget)], budget), start=1):
            a = cast[0]
            b = cast[1 + (idx - 1) % (len(cast) - 1)] if len(cast) > 1 else cast[0]
            who = {"A": a, "B": b}
            slots = self._slots(a, b)
            exchange = self._exchange(beat, max(0, shots - 1), rng, slots, used)
            lines = [DialogueLine(speaker=who[w].token, line=line, emotion=emotion) for w, emotion, line in exchange]
            place, time = places[BEAT_PLACE[beat] % len(places)][0], self.book["times"]["beats"][beat]
            # a group of the premise is together on screen: every member is present in its scenes
            present = [a.token] if beat == "setup" else list(dict.fromkeys([a.token, b.token]))
            present += [ln.speaker for ln in lines if ln.speaker not in present]
            present += [c.token for c in cast if c.token not in present and _same_source(self.story, c, a)]
            scenes.append(Scene(
                id=f"sc{idx}", heading=f"{place.upper()} - {time.upper()}", beat=BeatName(beat),
                plot=self._with_speakers(self._plot(beat, slots), lines, cast), setting=f"{place}, {time}",
                characters=present, dialogue=lines,
            ))
        return Screenplay(characters=cast, scenes=scenes)

    def _exchange(self, beat: str, n: int, rng: random.Random, slots: dict[str, str], used: set[str]
                  ) -> list[tuple[str, str, str]]:
        """n lines for a scene of this beat: the story type's lines first, then the shared ones; never a line twice."""
        lines_book = self.book["lines"]
        own = [e.split("|", 2) for e in lines_book.get(self.premise.story_type, {}).get(beat, [])]
        shared = [e.split("|", 2) for e in lines_book["any"][beat]]
        if beat == "setup":  # the second lead has not arrived yet: the protagonist talks alone
            own, shared = [[p for p in x if p[0] == "A" and "B" not in needs(p[2])] for x in (own, shared)]
        rng.shuffle(own)
        rng.shuffle(shared)

        def rank(entry: list[str]) -> int:
            return -self.story.score(entry[2])  # the premise's own material first

        pool = [p for p in own + shared if can_fill(p[2], slots)]
        pool.sort(key=rank)  # stable: the shuffled order stands within each rank
        out: list[tuple[str, str, str]] = []
        last = None
        for who, emotion, text in pool:
            if len(out) >= n:
                break
            line = fill(text, slots)
            if line in used or (who == last and beat != "setup" and len(pool) > n):
                continue
            used.add(line)
            out.append((who, emotion, line))
            last = who
        for who, emotion, text in pool:  # a long scene may need lines the alternation skipped
            if len(out) >= n:
                break
            line = fill(text, slots)
            if line not in used:
                used.add(line)
                out.append((who, emotion, line))
        return out

    # -- location manager: places from scene settings
    def locations(self, film: Film) -> LocationPlan:
        known = {p[0]: p for p in self.story.places}
        times = self.book["times"]
        tokens: dict[str, str] = {}
        locations: list[Location] = []
        for scene in film.scenes:
            if scene.setting in tokens:
                continue
            name, _, when = scene.setting.rpartition(", ")
            if not name or when not in TimeOfDay.__members__:
                name, when = scene.setting, _time_from_words(scene.setting)
            base = known.get(name)
            look = base[1] if base else scene.setting
            ambience = base[2] if base else "room tone"
            token = f"<env{len(locations) + 1}>"
            tokens[scene.setting] = token
            locations.append(Location(token=token, name=name, look=look, time_of_day=TimeOfDay(when),
                                      light=times["light"][when], ambience=ambience))
        return LocationPlan(locations=locations, scene_locations=[tokens[s.setting] for s in film.scenes])

    # -- storyboard artist: coverage for one scene
    def shots(self, film: Film, scene: Scene, n_shots: int | None = None) -> ShotList:
        rng = self.rng(f"shots:{scene.id}")
        place = film.location(scene.location) if scene.location else None
        order = {c.token: k for k, c in enumerate(film.characters)}
        first_scene = film.scenes[0].id == scene.id
        lines = list(scene.dialogue)
        n_shots = max(1, n_shots or len(lines) + 1)
        # an establishing shot, then the lines spread over the remaining shots in order
        n_groups = min(len(lines), max(1, n_shots - 1))
        groups: list[list[DialogueLine]] = [[] for _ in range(n_groups)]
        for k, line in enumerate(lines):
            groups[k * n_groups // len(lines)].append(line)
        shots = [self._establishing(film, scene, place, first_scene, rng, order)] if n_shots > n_groups else []
        previous = ShotType.wide
        for k, group in enumerate(groups):
            shots.append(self._coverage(film, scene, place, group, k, previous, rng, order))
            previous = shots[-1].shot_type
        for n, shot in enumerate(shots, start=1):
            shot.id = f"{scene.id}-sh{n:02d}"
            shot.props = self._props(scene, shot, n == 1)
        return ShotList(shots=shots)

    def _props(self, scene: Scene, shot: Shot, establishing: bool) -> list[str]:
        """The premise's key objects in frame: those the shot's lines or the scene's plot name; the
        establishing shot shows the first of them so every scene puts the premise's thing on screen."""
        props = self.story.props
        said = " ".join([scene.plot] + [ln.line for ln in shot.dialogue]).lower()
        shown = [p for p in props if p.lower() in said or p.split()[-1].lower() in said]
        if establishing and props and not shown:
            shown = props[:1]
        return shown[:3]

    def _establishing(self, film, scene, place, first_scene, rng, order) -> Shot:
        shot_type = ShotType.extreme_wide if first_scene else ShotType.wide
        camera = CameraMove.pull_out if first_scene else rng.choice([CameraMove.pan_right, CameraMove.pan_left,
                                                                     CameraMove.tilt_down, CameraMove.static])
        chars = sorted(scene.characters, key=order.get)
        framing = _small_figures(chars, order)
        return Shot(id="x", shot_type=shot_type, camera=camera, characters=chars, framing=framing,
                    visual_prompt=self._describe(film, shot_type, camera, chars, place, self.book["shots"]["establishing_action"]),
                    action=self.book["shots"]["establishing_action"], duration=4.5 if first_scene else 3.5,
                    sound=[SoundCue(kind="ambience", description=place.ambience if place and place.ambience else scene.setting)])

    def _coverage(self, film, scene, place, group, k, previous, rng, order) -> Shot:
        speakers = list(dict.fromkeys(line.speaker for line in group))
        speaker = speakers[0]
        others = [t for t in scene.characters if t not in speakers]
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
        action = " ".join(self.book["shots"]["speaking"].format(speaker=ln.speaker, emotion=ln.emotion) for ln in group)
        if listener and listener in chars:
            action += " " + self.book["shots"]["listening"].format(listener=listener)
        words = sum(len(ln.line.split()) for ln in group)
        duration = round(max(2.5, words / WORDS_PER_SECOND + LEAD_IN_S + TAIL_S + 0.3 * (len(group) - 1)), 2)
        sound = [SoundCue(kind="ambience", description=place.ambience)] if place and place.ambience else []
        return Shot(id="x", shot_type=shot_type, camera=camera, characters=chars, framing=framing,
                    visual_prompt=self._describe(film, shot_type, camera, chars, place, action), action=action,
                    duration=duration, dialogue=list(group), sound=sound)

    def _describe(self, film, shot_type, camera, chars, place, action) -> str:
        subjects = " and ".join(chars) if chars else "No one"
        where = f"at {place.token} ({place.name})" if place else "in the scene"
        return self.book["shots"]["template"].format(
            shot_type=shot_type.value.capitalize(), camera=camera.value, subjects=subjects, where=where,
            time=place.time_of_day.value if place else "day", light=place.light if place else "", action=action,
        ).strip()


# ---------------------------------------------------------------- helpers


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


def _same_source(story: Story, c: Character, lead: Character) -> bool:
    """Is c another member of the lead's group ("three sisters": all three are in every scene)?"""
    tokens = [x.token for x in story.cast]
    if c.token not in tokens or lead.token not in tokens:
        return False
    src = story.cast_entities
    i, j = tokens.index(c.token), tokens.index(lead.token)
    return src[i] is not None and src[i] is src[j]
