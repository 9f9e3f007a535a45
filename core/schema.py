"""The film schema: treatment, cast, locations, scenes and shots, as pydantic models.

A `Film` grows as it moves through the crew: the director writes the treatment, the screenwriter
the cast and scenes, the location manager the locations, the storyboard artist the shots. Each
stage's output is also a schema of its own (`Screenplay`, `LocationPlan`, `ShotList`) so a
DirectorModel can be asked for exactly one stage, schema-constrained.

Characters and places are referred to by in-context ID tokens (`<char1>`, `<env1>`), as UniMAGE
does, so a visual prompt can name them and a keyframe model can bind them to reference images.
"""

from __future__ import annotations

import json
import re
from enum import Enum
from typing import Annotated, Any, Literal

from pydantic import (AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints,
                      ValidationError, ValidationInfo, model_validator)

SCHEMA_VERSION = 1

CharToken = Annotated[str, StringConstraints(pattern=r"^<char[1-9]\d*>$")]
EnvToken = Annotated[str, StringConstraints(pattern=r"^<env[1-9]\d*>$")]
NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]
ShotId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")]

# The most shots a film may have, from a script as from --shots: every shot is a keyframe and a clip.
MAX_SHOTS = 400
_RUN_PATH = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*(/[A-Za-z0-9_][A-Za-z0-9_.-]*)*$")


def _drop_foreign(value: Any, info: ValidationInfo) -> Any:
    """Image paths in a script from elsewhere are dropped when the caller says so (`make` draws its own)."""
    return None if (info.context or {}).get("foreign_images") == "drop" else value


def _inside_run(path: str) -> str:
    # Relative, no `..`, no leading dot or slash: a path that can only name a file inside the run
    # directory, so no reader (resume, the report, eval) can be pointed at a file elsewhere.
    if not _RUN_PATH.match(path) or ".." in path.split("/"):
        raise ValueError(f"image path {path[:80]!r} must be relative to the run directory (like shots/sc1-sh01.png)")
    return path


RunPath = Annotated[str, AfterValidator(_inside_run)]
ImagePath = Annotated[RunPath | None, BeforeValidator(_drop_foreign)]


class Model(BaseModel):
    # Numbers and flags are declared strict one by one (`strict=True`): a script's `"duration": true` or `"4.5"`
    # is refused rather than read as 1 or 4.5. The whole model cannot be strict: enums come from JSON strings.
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class BeatName(str, Enum):
    setup = "setup"
    inciting_incident = "inciting incident"
    rising_action = "rising action"
    midpoint = "midpoint"
    climax = "climax"
    resolution = "resolution"


class ShotType(str, Enum):
    extreme_wide = "extreme wide"
    wide = "wide"
    full = "full"
    medium = "medium"
    medium_close_up = "medium close-up"
    close_up = "close-up"
    extreme_close_up = "extreme close-up"
    over_the_shoulder = "over-the-shoulder"
    two_shot = "two-shot"
    insert = "insert"


class CameraMove(str, Enum):
    static = "static"
    push_in = "push-in"
    pull_out = "pull-out"
    pan_left = "pan-left"
    pan_right = "pan-right"
    tilt_up = "tilt-up"
    tilt_down = "tilt-down"


class TimeOfDay(str, Enum):
    dawn = "dawn"
    day = "day"
    dusk = "dusk"
    night = "night"


# ---------------------------------------------------------------- treatment (director)


class Beat(Model):
    name: BeatName
    summary: NonEmpty


class Treatment(Model):
    title: NonEmpty
    logline: NonEmpty
    genre: NonEmpty
    tone: NonEmpty
    visual_style: NonEmpty
    target_runtime_s: float = Field(strict=True, ge=5, le=3600)
    beats: list[Beat] = Field(min_length=1)
    left_out: list[NonEmpty] = Field(default_factory=list,
                                     description="what of a source story the film leaves out (scenes, lines), one item each")
    language: Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}$")] = Field(
        default="en", description="ISO 639 code of the language the film was planned (and is spoken) in")


# ---------------------------------------------------------------- cast and scenes (screenwriter)


class Voice(Model):
    """Backend-neutral voice traits; each renderer maps them onto its own speech engine."""

    gender: Literal["female", "male", "neutral"] = "neutral"
    pitch: float = Field(strict=True, default=0.0, ge=-1.0, le=1.0, description="relative, -1 low to 1 high")
    rate: float = Field(strict=True, default=1.0, ge=0.5, le=2.0, description="speaking-rate multiplier")
    description: str = ""


CharacterKind = Literal["person", "animal", "creature", "machine"]


class Character(Model):
    token: CharToken
    name: NonEmpty
    kind: CharacterKind = Field(default="person", description="what the character is; an artist draws a parrot as a parrot")
    role: str = ""
    appearance: NonEmpty
    wardrobe: str = ""
    voice: Voice = Field(default_factory=Voice)
    offscreen: bool = Field(strict=True, default=False, description="heard, never seen: a voice on the phone, a knocking beyond the "
                                                       "hull; the artist draws no figure for them")
    reference_image: ImagePath = None


class DialogueLine(Model):
    speaker: CharToken
    line: NonEmpty
    emotion: str = "neutral"


class Narration(Model):
    """A narrator's line (a voice over the picture, no one in the cast): the source text telling, not showing."""

    line: NonEmpty
    before: int = Field(default=0, ge=0, description="index of the scene's dialogue line it is spoken before "
                                                     "(the number of lines: after the last)")


class SoundCue(Model):
    kind: Literal["ambience", "effect", "music"]
    description: NonEmpty


class FramingBox(Model):
    """Where a character sits in frame, normalized to [0, 1] (x, y of the top-left corner)."""

    character: CharToken
    x: float = Field(strict=True, ge=0, le=1)
    y: float = Field(strict=True, ge=0, le=1)
    w: float = Field(strict=True, gt=0, le=1)
    h: float = Field(strict=True, gt=0, le=1)

    @model_validator(mode="after")
    def _inside_frame(self) -> FramingBox:
        if self.x + self.w > 1.0001 or self.y + self.h > 1.0001:
            raise ValueError("box extends past the frame (x + w and y + h must be at most 1)")
        return self


class Shot(Model):
    id: ShotId
    shot_type: ShotType
    camera: CameraMove = CameraMove.static
    characters: list[CharToken] = Field(default_factory=list)
    framing: list[FramingBox] = Field(default_factory=list)
    visual_prompt: NonEmpty
    action: str = ""
    duration: float = Field(strict=True, ge=0.5, le=120)
    dialogue: list[DialogueLine] = Field(default_factory=list)
    sound: list[SoundCue] = Field(default_factory=list)
    props: list[NonEmpty] = Field(default_factory=list,
                                  description="the premise's key objects in frame, as short noun phrases (\"food truck\", \"map\")")
    narration: list[NonEmpty] = Field(default_factory=list,
                                      description="the narrator's lines, spoken over the shot before its dialogue")
    keyframe: ImagePath = None

    @model_validator(mode="after")
    def _consistent(self) -> Shot:
        for box in self.framing:
            if box.character not in self.characters:
                raise ValueError(f"framing box for {box.character} but that character is not in the shot")
        for line in self.dialogue:
            if line.speaker not in self.characters:
                raise ValueError(f"speaker {line.speaker} is not among the shot's characters")
        return self


class Scene(Model):
    id: ShotId
    heading: NonEmpty
    beat: BeatName
    plot: NonEmpty
    setting: NonEmpty
    location: EnvToken | None = None
    characters: list[CharToken] = Field(default_factory=list)
    dialogue: list[DialogueLine] = Field(default_factory=list)
    narration: list[Narration] = Field(default_factory=list)
    chapter: str = Field(default="", max_length=200,
                         description="the source text's chapter; consecutive scenes of one chapter are one chapter of the film")
    shots: list[Shot] = Field(default_factory=list)


class Screenplay(Model):
    characters: list[Character] = Field(min_length=1)
    scenes: list[Scene] = Field(min_length=1)


# ---------------------------------------------------------------- locations (location manager)


Condition = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z-]{1,23}$")]


class Location(Model):
    token: EnvToken
    name: NonEmpty
    look: NonEmpty
    time_of_day: TimeOfDay = TimeOfDay.day
    light: str = ""
    ambience: str = ""
    conditions: list[Condition] = Field(default_factory=list, max_length=8, description=(
        "what the place is like in this film, one word each: weather (rain, storm, snow, fog, wind, heat, drought), "
        "light (blackout, eclipse), medium (underwater, space), hazards (flood, fire, smoke, dust)"))
    reference_image: ImagePath = None


class LocationPlan(Model):
    locations: list[Location] = Field(min_length=1)
    scene_locations: list[EnvToken] = Field(min_length=1, description="one location token per scene, in order")


# ---------------------------------------------------------------- shots (storyboard artist)


class ShotList(Model):
    shots: list[Shot] = Field(min_length=1)


# ---------------------------------------------------------------- the film


class Film(Model):
    schema_version: Literal[1] = SCHEMA_VERSION
    prompt: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20000)]
    treatment: Treatment | None = None
    characters: list[Character] = Field(default_factory=list)
    locations: list[Location] = Field(default_factory=list)
    scenes: list[Scene] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _not_too_long(cls, data: Any) -> Any:
        # Counted before validation, so a 10,000-shot script is refused without validating every shot.
        if isinstance(data, dict) and isinstance(data.get("scenes"), list):
            shots = sum(len(s["shots"]) for s in data["scenes"] if isinstance(s, dict) and isinstance(s.get("shots"), list))
            if shots > MAX_SHOTS or len(data["scenes"]) > MAX_SHOTS:
                raise ValueError(f"the script has {len(data['scenes'])} scenes and {shots} shots; a film has at most "
                                 f"{MAX_SHOTS} shots (split the story into several films)")
        return data

    @model_validator(mode="after")
    def _references_resolve(self) -> Film:
        cast = _unique([c.token for c in self.characters], "character token")
        places = _unique([p.token for p in self.locations], "location token")
        _unique([s.id for s in self.scenes], "scene id")
        _unique([sh.id for s in self.scenes for sh in s.shots], "shot id")
        for scene in self.scenes:
            where = f"scene {scene.id}"
            if scene.location is not None and places and scene.location not in places:
                raise ValueError(f"{where}: location {scene.location} is not among the locations")
            for token in scene.characters:
                if token not in cast:
                    raise ValueError(f"{where}: character {token} is not in the cast")
            for line in scene.dialogue:
                if line.speaker not in cast:
                    raise ValueError(f"{where}: speaker {line.speaker} is not in the cast")
            for shot in scene.shots:
                for token in shot.characters:
                    if token not in cast:
                        raise ValueError(f"shot {shot.id}: character {token} is not in the cast")
        return self

    # -- convenience lookups used by agents and renderers
    def character(self, token: str) -> Character:
        return next(c for c in self.characters if c.token == token)

    def location(self, token: str) -> Location:
        return next(p for p in self.locations if p.token == token)

    def shots(self) -> list[Shot]:
        return [shot for scene in self.scenes for shot in scene.shots]

    def scene_of(self, shot_id: str) -> Scene:
        return next(s for s in self.scenes if any(sh.id == shot_id for sh in s.shots))

    def missing(self) -> list[str]:
        """What a renderable film still lacks, in crew order; empty when it can be rendered."""
        gaps = []
        if self.treatment is None:
            gaps.append("treatment")
        if not self.characters or not self.scenes:
            gaps.append("screenplay")
        if not self.locations or any(s.location is None for s in self.scenes):
            gaps.append("locations")
        if not self.scenes or any(not s.shots for s in self.scenes):
            gaps.append("shots")
        return gaps

    def revise(self, **changes: object) -> Film:
        """A copy with `changes`, validated as a whole (model_copy alone skips the cross-checks)."""
        data = self.model_dump()
        for name, value in changes.items():
            data[name] = _plain(value)
        return Film.model_validate(data)

    def to_json(self) -> str:
        return json.dumps(self.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Film:
        return cls.model_validate_json(text)


def _plain(value: object) -> object:
    if isinstance(value, BaseModel):
        return value.model_dump()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _unique(values: list[str], what: str) -> set[str]:
    seen: set[str] = set()
    for v in values:
        if v in seen:
            raise ValueError(f"duplicate {what} {v}")
        seen.add(v)
    return seen


def describe_validation_error(err: ValidationError, data: object = None) -> str:
    """One line naming where the first problem is, with scene and shot ids where they exist.

    `scenes.1.shots.0.duration` becomes `scene sc2, shot sc2-sh01, field duration`.
    """
    first = err.errors()[0]
    loc = list(first.get("loc", ()))
    parts: list[str] = []
    node = data
    i = 0
    while i < len(loc):
        key = loc[i]
        nxt = loc[i + 1] if i + 1 < len(loc) else None
        if key in ("scenes", "shots", "characters", "locations", "dialogue", "framing", "beats") and isinstance(nxt, int):
            label = {"scenes": "scene", "shots": "shot", "characters": "character", "locations": "location",
                     "dialogue": "dialogue line", "framing": "framing box", "beats": "beat"}[key]
            item = node[key][nxt] if isinstance(node, dict) and isinstance(node.get(key), list) and nxt < len(node[key]) else None
            ident = None
            if isinstance(item, dict):
                ident = item.get("id") or item.get("token")
            parts.append(f"{label} {_clipped(ident)}" if isinstance(ident, str) else f"{label} #{nxt + 1}")
            node = item
            i += 2
            continue
        if isinstance(key, str) and not key.startswith(("function-", "constrained-")):
            parts.append(f"field {key}")
        node = node.get(key) if isinstance(node, dict) else None
        i += 1
    where = ", ".join(parts) if parts else "script"
    msg = first.get("msg", "invalid").removeprefix("Value error, ")
    return f"{where}: {_clipped(msg, 300)}"


def _clipped(text: str, limit: int = 60) -> str:
    """User text quoted in an error, cut to `limit` characters: a 1 MB id must not make a 1 MB error line."""
    return text if len(text) <= limit else f"{text[:limit - 3]}..."
