"""The draft planner for a story input: the text's own scenes, people, places and words, fitted to the runtime.

The story reader (`auteur.tools.language.story_text`) gives the text's scenes in order, its characters (with
the text's descriptions as their looks) and places, and every quotation with its speaker. This planner
chooses what the film shows and writes the treatment and screenplay from it; the location and shot stages
are the draft planner's own (`Planner.locations`, `Planner.shots`), fed the text's places, after which the
scene's narration is laid over the shots it belongs to.

Fitting a story to a runtime (`--minutes`, the profile's target): every scene first costs an establishing
shot, its opening narration and two of its lines; scenes are taken by importance (who is in them, what
changes; the first and last always) while that fits; the time left goes to more lines, spread evenly through
each kept scene so every speaker keeps a line. A line too long for a shot is cut at a sentence (else a
comma) within `MAX_LINE_WORDS`. What was left out is listed in the treatment. A text with chapters becomes a
film with the same chapters.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from functools import lru_cache

import tomllib
from importlib import resources

from auteur.core.schema import (
    Beat, BeatName, Character, DialogueLine, Film, Narration, Scene, Screenplay, ShotList, TimeOfDay, Treatment, Voice,
)
from auteur.models.draft.planner import LEAD_IN_S, SCENE_BEATS, TAIL_S, WORDS_PER_SECOND, Planner, _distinct_voices
from auteur.models.draft.story.library import frames, world
from auteur.models.draft.story.places import Place
from auteur.tools.language.story_text import StoryCharacter, StoryReading, StoryScene, read_story

MAX_LINE_WORDS = 24      # a line longer than this is cut at a sentence (else a comma) within it
MAX_NARRATION_WORDS = 30
ESTABLISHING_S = 4.0     # what an establishing shot costs before any narration
MIN_LINES = 2            # a kept scene shows at least this many of its lines (when it has them)
LINE_OVERHEAD_S = LEAD_IN_S + TAIL_S + 0.3
MAX_CAST = 8
PERSON_NOUNS = {"girl", "boy", "woman", "man", "lady", "mädchen", "junge", "frau", "mann", "dame"}


@dataclass
class Cut:
    """One scene of the text as the film keeps it."""

    scene: StoryScene
    lines: list[tuple[int, str, str]] = field(default_factory=list)  # (passage index, speaker key, line)
    narration: list[tuple[int, str]] = field(default_factory=list)   # (passage index, text)

    def seconds(self) -> float:
        talk = sum(len(t.split()) / WORDS_PER_SECOND + LINE_OVERHEAD_S for _, _, t in self.lines)
        told = [len(t.split()) / WORDS_PER_SECOND + 0.5 for _, t in self.narration]
        # the opening narration is spoken over the establishing shot; later narration lengthens the shots it joins
        return max(ESTABLISHING_S, told[0] + LEAD_IN_S + TAIL_S if told else 0.0) + talk + sum(told[1:])


@lru_cache(maxsize=4)
def _reading(text: str) -> StoryReading:
    return read_story(text)


@lru_cache(maxsize=1)
def phrases() -> dict:
    """The few words this planner writes itself, per language (story_film.toml)."""
    return tomllib.loads(resources.files("auteur.models.draft").joinpath("story_film.toml").read_text("utf-8"))


@dataclass
class _TextStory:
    """What the draft planner's location and shot stages read of a story: its places, conditions and props."""

    places: list[Place]
    conditions: list[str] = field(default_factory=list)

    def props(self) -> list[str]:
        return []


class StoryFilmPlanner(Planner):
    """Plans a film of a story text; the location and shot stages are the draft planner's."""

    def __init__(self, text: str, seed: int, prompt: str):
        # Planner.__init__ plans a premise's story; here the story reader's reading is the story, and the
        # attributes the shared stages read (prompt, seed, story, book, world) are set from it.
        self.reading = _reading(text)
        self.prompt = prompt
        self.seed = seed
        self.words = phrases()[self.reading.language if self.reading.language in phrases() else "en"]
        # the picture's words (visual prompts, light) are English, which the draft artist reads
        self.book, self.world = frames("en"), world("en")
        self.characters = self._characters()
        self.story = _TextStory(places=self._places())

    @property
    def language(self) -> str:
        return self.reading.language

    def cast(self) -> list[Character]:
        return _distinct_voices(list(self.characters))

    def _told(self, film: Film, scene: Scene):
        return None  # the premise engine's telling of a scene: a story's scenes are the text's own

    # -- the text's cast and places as film material
    def _characters(self) -> list[Character]:
        rng = random.Random(f"{self.seed}|story-cast|{self.prompt}")
        # the film's cast: who speaks, and who is there without a word in more than one scene (not the remembered)
        scenes = {c.key: sum(c.key in s.characters for s in self.reading.scenes) for c in self.reading.characters}
        cast = [c for c in self.reading.characters if c.lines or scenes[c.key] >= 2]
        speaking = sorted(cast, key=lambda c: (-c.lines, -c.mentions))[:MAX_CAST]
        kept = [c for c in cast if c in speaking]
        out = []
        for k, c in enumerate(kept, start=1):
            gender = c.gender or "neutral"
            out.append(Character(token=f"<char{k}>", name=c.key, kind="person", role=c.role,
                                 appearance=_appearance(c, self.reading.language), wardrobe=c.wardrobe[:300],
                                 voice=Voice(gender=gender, pitch=round(rng.uniform(-0.6, 0.6), 2),
                                             rate=round(rng.uniform(0.94, 1.06), 2))))
        return out

    def _places(self) -> list[Place]:
        return [Place(name=p.name, look=_trim(p.look or p.name, 40), ambience=_ambience(p.name + " " + p.look, self.world))
                for p in self.reading.places]

    def language_note(self) -> str:
        r = self.reading
        return f"planned from a {r.words}-word story in {self.words['name']} ({r.language}): {len(r.scenes)} scenes, " \
               f"{len(r.characters)} characters, {len(r.quotes())} quotations"

    # -- what the film keeps
    def cuts(self, target_shots: int | None, target_runtime_s: float) -> tuple[list[Cut], list[str]]:
        """The kept scenes with their lines and narration, and what was left out (one line each)."""
        budget = target_runtime_s if not target_shots else target_shots * 4.2
        cast = {c.name for c in self.characters}
        full = [_cut(s, cast) for s in self.reading.scenes]
        minimal = [_trimmed(c, MIN_LINES) for c in full]
        ends = list(dict.fromkeys([0, len(full) - 1]))  # the story's opening and ending are always shown
        chosen: list[int] = list(ends)
        spent = sum(minimal[i].seconds() for i in ends)
        for i in sorted(range(len(full)), key=lambda i: (-full[i].scene.importance, i)):
            if i in ends or spent + minimal[i].seconds() > budget:
                continue
            chosen.append(i)
            spent += minimal[i].seconds()
        chosen.sort()
        if target_shots:
            return self._by_shots(full, target_shots)
        kept = {i: minimal[i] for i in chosen}
        # the time left: more lines, a scene at a time by importance, each scene's lines spread evenly
        share = {i: full[i].scene.importance for i in chosen}
        total = sum(share.values()) or 1.0
        left = max(0.0, budget - spent)
        for i in chosen:
            extra = left * share[i] / total
            allowed = len(kept[i].lines)
            while allowed < len(full[i].lines):
                trial = _trimmed(full[i], allowed + 1)
                if trial.seconds() - kept[i].seconds() > extra:
                    break
                extra -= trial.seconds() - kept[i].seconds()
                kept[i], allowed = trial, allowed + 1
        return [kept[i] for i in chosen], _left_out(full, kept)

    def _by_shots(self, full: list[Cut], shots: int) -> tuple[list[Cut], list[str]]:
        """`--shots N`: a shot per kept line and one to open each scene, N in all where the text has the lines."""
        ends = list(dict.fromkeys([0, len(full) - 1]))
        ranked = ends + [i for i in sorted(range(len(full)), key=lambda i: (-full[i].scene.importance, i)) if i not in ends]
        chosen = sorted(ranked[:max(1, min(len(full), shots // 2 if shots >= 4 else 1))])
        lines = {i: 0 for i in chosen}
        left = shots - len(chosen)
        while left > 0 and any(lines[i] < len(full[i].lines) for i in chosen):
            for i in sorted(chosen, key=lambda i: (lines[i] / max(1, len(full[i].lines)), -full[i].scene.importance)):
                if lines[i] < len(full[i].lines):
                    lines[i] += 1
                    left -= 1
                    break
        kept = {i: _trimmed(full[i], lines[i]) if lines[i] else Cut(full[i].scene, [], full[i].narration[:1])
                for i in chosen}
        for i in chosen:  # the speaker-coverage of a trimmed scene may add a line: keep to the count asked for
            kept[i].lines = kept[i].lines[:lines[i]]
        return [kept[i] for i in chosen], _left_out(full, kept)

    # -- director: the treatment
    def treatment(self, target_runtime_s: float, target_shots: int | None = None) -> Treatment:
        rng = self.rng("treatment")
        t = self.book["treatment"]
        cuts, left_out = self.cuts(target_shots, target_runtime_s)
        beats = _beats(len(cuts))
        summaries: dict[str, str] = {}
        for beat, cut in zip(beats, cuts):
            summaries.setdefault(beat, _trim(cut.scene.opening or _where(cut.scene), 40))
        title = self.reading.title or (self.reading.chapters[0] if self.reading.chapters else self.characters[0].name)
        return Treatment(title=title[:200], logline=self.prompt, genre=self.words["genre"],
                         tone=rng.choice(t["tones"]), visual_style=rng.choice(t["styles"]),
                         target_runtime_s=target_runtime_s,
                         beats=[Beat(name=BeatName(b), summary=s) for b, s in summaries.items()],
                         language=self.language, left_out=left_out)

    # -- screenwriter: the cast and the kept scenes
    def screenplay(self, target_shots: int | None, target_runtime_s: float) -> Screenplay:
        cast = self.cast()
        token = {c.name: c.token for c in cast}
        cuts, _ = self.cuts(target_shots, target_runtime_s)
        scenes = []
        previous_place = None
        for n, (beat, cut) in enumerate(zip(_beats(len(cuts)), cuts), start=1):
            s = cut.scene
            place = s.place or previous_place or self._home()
            previous_place = place
            time = s.time if s.time in TimeOfDay.__members__ else "day"
            lines = [DialogueLine(speaker=token[who], line=line, emotion=_emotion(line)) for _, who, line in cut.lines]
            narration = [Narration(line=text, before=sum(1 for k, _, _ in cut.lines if k < at))
                         for at, text in cut.narration]
            present = [token[k] for k in s.characters if k in token]
            present += [ln.speaker for ln in lines if ln.speaker not in present]
            plot = self._with_speakers(_trim(s.opening or _where(s), 40), lines, cast)
            heading_place = place
            scenes.append(Scene(id=f"sc{n}", heading=f"{heading_place.upper()} - {time.upper()}", beat=BeatName(beat), plot=plot,
                                setting=f"{place}, {time}", characters=present, dialogue=lines, narration=narration,
                                chapter=s.chapter))
        return Screenplay(characters=cast, scenes=scenes)

    def _home(self) -> str:
        lead = self.characters[0].name.split()[0] if self.characters else ""
        return self.words["home"].format(who=lead, s="'" if lead.endswith("s") else "'s")

    def _with_speakers(self, plot: str, lines: list[DialogueLine], cast: list[Character]) -> str:
        """The plot, naming every speaker of the scene it leaves out ("Tobias is there too.")."""
        names = {c.token: c.name.split()[0] if c.name.split()[0].rstrip(".").lower() not in ("mr", "mrs", "ms", "herr", "frau")
                 else c.name for c in cast}
        missing = list(dict.fromkeys(names[ln.speaker] for ln in lines if names[ln.speaker] not in plot))
        if not missing:
            return plot
        words = self.words["also_present"]
        joined = missing[0] if len(missing) == 1 else f"{', '.join(missing[:-1])} {words['and']} {missing[-1]}"
        return f"{plot} {words['one' if len(missing) == 1 else 'many'].format(names=joined)}"

    # -- storyboard: the draft planner's coverage, with the narration laid over it
    def shots(self, film: Film, scene: Scene, n_shots: int | None = None) -> ShotList:
        plan = super().shots(film, scene, n_shots)
        if not scene.narration:
            return plan
        shots = plan.shots
        # the shot that speaks dialogue line i; narration before line 0 goes over the establishing shot
        first_line = {}
        k = 0
        for n, shot in enumerate(shots):
            for _ in shot.dialogue:
                first_line.setdefault(k, n)
                k += 1
        for item in scene.narration:
            n = 0 if item.before == 0 else first_line.get(item.before, len(shots) - 1)
            if item.before >= len(scene.dialogue):
                n = len(shots) - 1
            shots[n].narration.append(item.line)
        for shot in shots:
            if shot.narration:
                said = sum(len(x.split()) for x in shot.narration) / WORDS_PER_SECOND
                talk = sum(len(ln.line.split()) for ln in shot.dialogue) / WORDS_PER_SECOND
                shot.duration = round(max(shot.duration, said + talk + LEAD_IN_S + TAIL_S + 0.3 * len(shot.dialogue)), 2)
        return ShotList(shots=shots)


# ---------------------------------------------------------------- helpers


def _cut(scene: StoryScene, cast: set[str]) -> Cut:
    """Everything a scene could show: its attributed lines (shortened to fit a shot) and its told passages."""
    cut = Cut(scene=scene)
    told_words = 0
    for k, p in enumerate(scene.passages):
        if p.kind == "speech" and p.speaker in cast:
            cut.lines.append((k, p.speaker, _spoken(shorten(p.text, MAX_LINE_WORDS))))
        elif p.kind == "narration":
            words = len(p.text.split())
            # the scene's opening, and any stretch long enough to be told rather than shown, is narrated
            if not cut.narration or words >= 40 and told_words < 2 * MAX_NARRATION_WORDS:
                line = shorten(_first_sentence(p.text), MAX_NARRATION_WORDS)
                if line:
                    cut.narration.append((k, line))
                    told_words += len(line.split())
    return cut


def _left_out(full: list[Cut], kept: dict[int, Cut]) -> list[str]:
    """What the film leaves out of the text: each scene not kept, and how many lines of dialogue."""
    out = [f"scene {i + 1} ({_where(full[i].scene)}): {_trim(full[i].scene.opening, 20)}"
           for i in range(len(full)) if i not in kept]
    shown = sum(len(c.lines) for c in kept.values())
    said = sum(len(c.lines) for c in full)
    if shown < said:
        out.append(f"{said - shown} of {said} lines of dialogue (the film keeps {shown})")
    return out


def _trimmed(cut: Cut, n_lines: int) -> Cut:
    """The cut with `n_lines` of its lines, spread evenly through the scene, every speaker keeping one if it can;
    only the opening narration is kept when the scene is cut down."""
    lines = cut.lines
    if n_lines < len(lines):
        picks = sorted({round(i * (len(lines) - 1) / max(1, n_lines - 1)) for i in range(n_lines)}) if n_lines > 1 else [0]
        chosen = [lines[i] for i in picks]
        for speaker in dict.fromkeys(s for _, s, _ in lines):
            if speaker not in {s for _, s, _ in chosen}:
                chosen.append(next(x for x in lines if x[1] == speaker))
        lines = sorted(chosen)
    narration = cut.narration if n_lines >= len(cut.lines) else cut.narration[:1]
    return Cut(scene=cut.scene, lines=list(lines), narration=list(narration))


def shorten(text: str, limit: int) -> str:
    """The text itself when it fits; else its first sentences within `limit` words, else its opening up to a comma."""
    words = text.split()
    if len(words) <= limit:
        return text.strip()
    sentences = re.findall(r"[^.!?…]+[.!?…]+[\"'”“»«]*|[^.!?…]+$", text)
    out = ""
    for s in sentences:
        if len((out + " " + s).split()) > limit:
            break
        out = (out + " " + s.strip()).strip()
    if out:
        return out
    clause = text.split(",")[0]
    if len(clause.split()) <= limit:
        return clause.strip() + "…"
    return " ".join(words[:limit]) + "…"


def _spoken(line: str) -> str:
    """A quotation as a line: the comma that led into its tag ("The fog's early," Tobias said) becomes a stop."""
    line = line.strip()
    return line[:-1].rstrip() + "." if line.endswith(",") else line


def _first_sentence(text: str) -> str:
    m = re.match(r"(.+?[.!?…])(\s|$)", text.strip())
    return (m.group(1) if m else text).strip()


def _trim(text: str, words: int) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + ("…" if len(parts) > words else "")


def _where(scene: StoryScene) -> str:
    return scene.place or scene.chapter or f"scene {scene.index + 1}"


def _beats(n: int) -> list[str]:
    """A beat for each of n scenes in order: the planner's table up to six, then spread by position."""
    if n in SCENE_BEATS:
        return SCENE_BEATS[n]
    order = ["setup", "inciting incident", "rising action", "midpoint", "climax", "resolution"]
    edges = [0.0, 0.12, 0.3, 0.5, 0.72, 0.9]
    out = []
    for i in range(n):
        f = i / max(1, n - 1)
        out.append(order[max(k for k, e in enumerate(edges) if f >= e)])
    out[0], out[-1] = "setup", "resolution"
    return out


def _emotion(line: str) -> str:
    return "surprise" if line.rstrip("”\"'»«“ ").endswith("!") else "neutral"


def _appearance(c: StoryCharacter, language: str) -> str:
    """The text's own description of the character, else what their gender says."""
    if c.looks:
        return _trim(c.looks[0], 30)
    if c.role.lower() in PERSON_NOUNS:  # "a girl", "ein Junge": what the text calls them
        role = c.role if language == "en" else c.role.capitalize()
        article = {"en": "an" if role[:1] in "aeiou" else "a", "de": "eine" if c.gender == "female" else "ein"}
        return f"{article.get(language, 'a')} {role}"
    noun = {"female": {"en": "a woman", "de": "eine Frau"}, "male": {"en": "a man", "de": "ein Mann"}}
    return noun.get(c.gender or "", {}).get(language, "a person")


def _ambience(text: str, world_: dict) -> str:
    """The ambience of the story library's place sharing a word with this one, else room tone."""
    words = set(re.findall(r"\w+", text.lower()))
    for entry in world_["places"]["library"]:
        name, sound = entry[0], entry[1]
        if words & set(re.findall(r"\w+", name.lower())) - {"the", "a", "old", "der", "die", "das", "alte"}:
            return sound
    return "room tone, distant voices"
