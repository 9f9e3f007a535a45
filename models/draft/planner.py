"""The draft story planner: a deterministic, seeded stand-in for a writing model.

It reads a one-line premise, draws a cast and places from it, lays the story on three-act beats,
writes short exchanges, and breaks scenes into coverage with a plain shot grammar: an establishing
wide, a two-shot to open an exchange, over-the-shoulder shot/reverse-shot, and close-ups with a
push-in on emotional lines. Lead A keeps frame-left and lead B frame-right (the 180-degree rule).

Every choice comes from `random.Random` seeded with a string (stable across processes), salted per
stage, so a user-edited screenplay still gets the same shots it would have had.
"""

from __future__ import annotations

import random
import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from auteur.core.schema import (
    Beat, BeatName, CameraMove, Character, DialogueLine, Film, FramingBox, Location, LocationPlan,
    Scene, Screenplay, Shot, ShotList, ShotType, SoundCue, TimeOfDay, Treatment, Voice,
)

WORDS_PER_SECOND = 2.6  # espeak-ng's default pace, measured on the phrasebook lines
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
# Which of the story's places each beat happens in (0 = home, 1 and 2 = nearby), and when.
BEAT_PLACE = {"setup": 0, "inciting incident": 0, "rising action": 2, "midpoint": 2, "climax": 1, "resolution": 0}
BEAT_TIME = {"setup": "dusk", "inciting incident": "night", "rising action": "night", "midpoint": "night",
             "climax": "night", "resolution": "dawn"}
TIME_LIGHT = {"dawn": "low pink light from the horizon", "day": "flat daylight", "dusk": "amber light going blue",
              "night": "cold moonlight and one warm lamp"}


@lru_cache(maxsize=1)
def phrasebook() -> dict:
    return tomllib.loads(resources.files("auteur.models.draft").joinpath("phrasebook.toml").read_text("utf-8"))


# ---------------------------------------------------------------- reading the premise


@dataclass(frozen=True)
class Premise:
    text: str
    leads: tuple[str, ...]  # noun phrases or given names, protagonist first
    place_keys: tuple[str, ...]  # keys of [places] found in the text
    desire: str | None  # "stop raining" from "wants to stop raining"


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W\d_][\w'-]*", text.lower())


def _singular(word: str) -> str:
    return word[:-1] if word.endswith("s") and not word.endswith("ss") and len(word) > 3 else word


def read_premise(text: str, names: tuple[str, ...] = ()) -> Premise:
    """Pull leads, places and a desire out of a one-line premise."""
    book = phrasebook()
    words = _words(text)
    articles, stops = set(book["words"]["articles"]), set(book["words"]["stops"])
    places = book["places"]
    leads: list[str] = []
    i = 0
    while i < len(words):
        if words[i] in articles:
            phrase: list[str] = []
            j = i + 1
            while j < len(words) and len(phrase) < 3 and words[j] not in stops and words[j] not in articles:
                w = words[j]
                # a later word ending in -s/-ed/-ing is a verb in one-liners ("keeper befriends")
                if phrase and (w.endswith(("ed", "ing")) or (w.endswith("s") and not w.endswith(("ss", "us", "is")))):
                    break
                phrase.append(w)
                j += 1
            if phrase and _singular(phrase[-1]) not in places:
                leads.append(" ".join(phrase))
            i = max(j, i + 1)
        else:
            i += 1
    # Capitalised words inside the line are given names ("Mara and the sea").
    for k, word in enumerate(re.findall(r"[^\W\d_][\w'-]*", text)):
        if word[:1].isupper() and word.lower() not in articles | stops and word.lower() not in places \
                and (k > 0 or len(text.split()) > 1) and word.lower() not in " ".join(leads).split():
            leads.insert(sum(1 for w in leads if w[:1].isupper()), word)
    if names:
        leads = list(names)
    place_keys = tuple(dict.fromkeys(_singular(w) for w in words if _singular(w) in places))
    lowered = " ".join(words)
    desire = None
    for marker in book["words"]["desire_markers"]:
        m = re.search(rf"\b{re.escape(marker)} ([^.,;!?]+)", lowered)
        if m:
            desire = " ".join(m[1].split()[:6])
            break
    return Premise(text=text, leads=tuple(dict.fromkeys(leads)), place_keys=place_keys, desire=desire)


# ---------------------------------------------------------------- the planner


class Planner:
    def __init__(self, prompt: str, seed: int, names: tuple[str, ...] = ()):
        self.prompt = prompt
        self.seed = seed
        self.premise = read_premise(prompt, names)
        self.book = phrasebook()

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

    def _cast_words(self, film: Film | None = None) -> dict[str, str]:
        leads = self.premise.leads or ("someone",)
        a = film.characters[0] if film and film.characters else None
        b = film.characters[1] if film and len(film.characters) > 1 else None
        short_a = (a.name if a else leads[0].split()[-1]).split(",")[0]
        short_b = (b.name if b else (leads[1] if len(leads) > 1 else "stranger").split()[-1]).split(",")[0]
        place = self._places()[0][0]
        desire = self.premise.desire
        return {
            "a": short_a, "b": short_b, "A": short_a[:1].upper() + short_a[1:], "B": short_b[:1].upper() + short_b[1:],
            "a_role": f"the {leads[0]}" if not a else (f"the {a.role}" if a.role else a.name),
            "b_role": b.role if b else "", "place": place,
            "title_a": leads[0].split()[-1].title(), "title_b": (leads[1] if len(leads) > 1 else "stranger").split()[-1].title(),
            "desire": f"want to {desire}" if desire else "want to be something other than this",
            "desire_clause": f" by something that wants to {desire}" if desire else "",
        }

    def _places(self) -> list[tuple[str, str, str]]:
        """Home and two nearby places as (name, look, ambience)."""
        book = self.book
        keys = self.premise.place_keys
        if keys:
            home = tuple(book["places"][keys[0]])
            near_src = book["near"].get(keys[0]) or book["near"]["default"]
            near = [tuple(entry.split("|")) for entry in near_src]
            others = [tuple(book["places"][k]) for k in keys[1:] if book["places"][k][0] != home[0]]
            near = (others + near)[:2]
        else:
            pool = [tuple(e.split("|")) for e in book["fallback_places"]["names"]]
            self.rng("places").shuffle(pool)
            home, near = pool[0], pool[1:3]
        if any(w in _words(self.prompt) for w in ("storm", "rain", "raining", "thunder")):
            home = (home[0], home[1], home[2] + ", rain, thunder")
        return [home, *near]

    # -- director: the treatment
    def treatment(self, target_runtime_s: float) -> Treatment:
        rng = self.rng("treatment")
        t = self.book["treatment"]
        words = self._cast_words()
        beats = [Beat(name=BeatName(name), summary=self.book["beats"][name].format(**words))
                 for name in ("setup", "inciting incident", "midpoint", "climax", "resolution")]
        logline = self.prompt.strip().rstrip(".!?") + "."
        return Treatment(
            title=rng.choice(t["titles"]).format(**words), logline=logline[:1].upper() + logline[1:],
            genre=rng.choice(t["genres"]), tone=rng.choice(t["tones"]), visual_style=rng.choice(t["styles"]),
            target_runtime_s=target_runtime_s, beats=beats,
        )

    # -- screenwriter: cast and scenes with dialogue
    def cast(self) -> list[Character]:
        rng = self.rng("cast")
        people, creatures = self.book["people"], self.book["nonhuman"]
        leads = list(self.premise.leads) or ["someone"]
        if len(leads) == 1:
            leads.append(rng.choice(people["companions"]).split(" ", 1)[1])
        cast: list[Character] = []
        used_names: set[str] = set()
        for k, phrase in enumerate(leads[:6], start=1):
            head = _singular(phrase.split()[-1])
            given_name = bool(self.premise.leads) and phrase in self.premise.leads and phrase[:1].isupper()
            if head in creatures and not given_name:
                look, gender, pitch = creatures[head]
                name, role, appearance, wardrobe = head.title(), phrase, look, ""
            else:
                gender = rng.choice(["female", "male"])
                pool = [n for n in people[f"{gender}_names"] if n not in used_names]
                name = phrase if given_name else rng.choice(pool)
                role = "" if given_name else phrase
                noun = "woman" if gender == "female" else "man"
                appearance = f"{rng.choice(people['ages'])} {rng.choice(people['builds'])} {noun} with {rng.choice(people['hair'])}"
                wardrobe = rng.choice(people["wardrobe"])
                pitch = round(rng.uniform(-0.6, 0.6), 2)
            used_names.add(name)
            cast.append(Character(token=f"<char{k}>", name=name, role=role, appearance=appearance, wardrobe=wardrobe,
                                  voice=Voice(gender=gender, pitch=pitch, rate=round(rng.uniform(0.92, 1.08), 2))))
        return _distinct_voices(cast)

    def screenplay(self, target_shots: int | None, target_runtime_s: float) -> Screenplay:
        rng = self.rng("screenplay")
        cast = self.cast()
        film_cast = Film(prompt=self.prompt, characters=cast)
        words = self._cast_words(film_cast)
        places = self._places()
        budget = self.budget(target_shots, target_runtime_s)
        scenes = []
        for idx, (beat, shots) in enumerate(zip(SCENE_BEATS[len(budget)], budget), start=1):
            a = cast[0]
            b = cast[1 + (idx - 1) % (len(cast) - 1)] if len(cast) > 1 else cast[0]
            who = {"A": a, "B": b}
            exchange = self._exchange(beat, max(0, shots - 1), rng, words)
            lines = [DialogueLine(speaker=who[w].token, line=line, emotion=emotion) for w, emotion, line in exchange]
            place, time = places[BEAT_PLACE[beat] % len(places)][0], BEAT_TIME[beat]
            present = [a.token] if beat == "setup" else list(dict.fromkeys([a.token, b.token]))
            present += [ln.speaker for ln in lines if ln.speaker not in present]
            scenes.append(Scene(
                id=f"sc{idx}", heading=f"{place.upper()} - {time.upper()}", beat=BeatName(beat),
                plot=self.book["beats"][beat].format(**words), setting=f"{place}, {time}",
                characters=present, dialogue=lines,
            ))
        return Screenplay(characters=cast, scenes=scenes)

    def _exchange(self, beat: str, n: int, rng: random.Random, words: dict) -> list[tuple[str, str, str]]:
        """n lines for a scene of this beat, taken from the beat's exchanges (then its neighbours')."""
        options = self.book["dialogue"][beat]
        first = rng.randrange(len(options))
        pool = [entry.split("|", 2) for k in range(len(options)) for entry in options[(first + k) % len(options)]]
        if beat == "setup":  # the second lead has not arrived yet
            pool = [p for p in pool if p[0] == "A"] or pool
        lines = []
        for k in range(n):
            who, emotion, text = pool[k % len(pool)]
            lines.append((who, emotion, text.format(**words)))
        return lines

    # -- location manager: places from scene settings
    def locations(self, film: Film) -> LocationPlan:
        known = {p[0]: p for p in self._places()}
        for entry in self.book["places"].values():
            known.setdefault(entry[0], tuple(entry))
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
            ambience = base[2] if base else _ambience_from_words(scene.setting)
            token = f"<env{len(locations) + 1}>"
            tokens[scene.setting] = token
            locations.append(Location(token=token, name=name, look=look, time_of_day=TimeOfDay(when),
                                      light=TIME_LIGHT[when], ambience=ambience))
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
        return ShotList(shots=shots)

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


def _small_figures(chars: list[str], order: dict[str, int]) -> list[FramingBox]:
    boxes = []
    for k, tok in enumerate(chars):
        x = 0.28 + 0.3 * _side(tok, order) + 0.04 * (k // 2)
        boxes.append(FramingBox(character=tok, x=round(min(x, 0.86), 3), y=0.55, w=0.1, h=0.3))
    return boxes


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
    boxes = []
    for k, tok in enumerate(chars):
        slot = _side(tok, order) if len(chars) <= 2 else k
        width = 0.8 / max(2, len(chars))
        x = 0.1 + slot * (0.8 - width) / max(1, max(1, len(chars) - 1)) if len(chars) > 2 else (0.14 if slot == 0 else 0.56)
        boxes.append(FramingBox(character=tok, x=round(x, 3), y=0.2, w=round(min(width, 0.3), 3), h=0.78))
    return boxes


def _time_from_words(text: str) -> str:
    words = set(_words(text))
    for time, keys in (("dawn", {"dawn", "morning", "sunrise"}), ("dusk", {"dusk", "evening", "sunset", "twilight"}),
                       ("night", {"night", "midnight", "dark"})):
        if words & keys:
            return time
    return "day"


def _ambience_from_words(text: str) -> str:
    words = set(_words(text))
    found = [amb for key, (_, _, amb) in phrasebook()["places"].items() if key in words]
    return found[0] if found else "room tone"
