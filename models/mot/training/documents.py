"""Film documents: what the director learns from, in the order it sees them at inference.

A document is a treatment, the cast (each ID token with its description and reference image),
then scenes, each scene's text followed by its shots: a shot's text, then its keyframe.

Two readers build them: `from_run` reads an auteur run directory (script.json plus the keyframes
and reference images it names); `from_jsonl` reads the layout for outside datasets, one document
per line, image paths relative to an image folder:

    {"id": "harbour", "treatment": "...",
     "cast": [{"token": "<char1>", "text": "Mara, a ferry pilot ...", "image": "harbour/mara.png"}],
     "scenes": [{"text": "sc1 THE QUAY - DAWN ...",
                 "shots": [{"text": "wide, static: the ferry leaves", "keyframe": "harbour/sc1-sh01.png"}]}]}

A malformed document is refused with one line naming the file (and line) and the field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from auteur.core.errors import InputError
from auteur.core.jsonload import loads

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp")


@dataclass(frozen=True)
class CastMember:
    token: str  # <char1>, <env1>: the ID token prompts use
    text: str
    image: Path | None  # reference image; None when the run has none


@dataclass(frozen=True)
class ShotDoc:
    text: str
    keyframe: Path


@dataclass(frozen=True)
class SceneDoc:
    text: str
    shots: tuple[ShotDoc, ...] = ()


@dataclass(frozen=True)
class FilmDocument:
    id: str
    treatment: str
    cast: tuple[CastMember, ...] = ()
    scenes: tuple[SceneDoc, ...] = field(default_factory=tuple)

    def keyframes(self) -> list[ShotDoc]:
        return [shot for scene in self.scenes for shot in scene.shots]


# ---------------------------------------------------------------------------- auteur run directories
def from_run(run: Path) -> FilmDocument:
    """The film document of a finished auteur run (shots without a keyframe are left out)."""
    from pydantic import ValidationError

    from auteur.core.schema import Film, describe_validation_error

    script = run / "script.json"
    if not script.is_file():
        raise InputError(f"{run}: not an auteur run directory (no script.json)")
    try:
        raw = loads(script.read_text("utf-8"), str(script))
        film = Film.model_validate(raw)
    except UnicodeDecodeError:
        raise InputError(f"{script} is not UTF-8 text") from None
    except ValidationError as err:
        raise InputError(f"{script}: {describe_validation_error(err, raw)}") from None
    if film.treatment is None:
        raise InputError(f"{script}: field treatment is missing; the run has not written its treatment yet")
    t = film.treatment
    beats = "; ".join(f"{b.name.value}: {b.summary}" for b in t.beats)
    treatment = f"{t.title}. {t.logline} Genre: {t.genre}. Tone: {t.tone}. Style: {t.visual_style}. Beats: {beats}"
    cast = []
    for i, c in enumerate(film.characters):
        text = f"{c.token} {c.name}" + (f", {c.role}" if c.role else "") + f": {c.appearance}" + (f"; {c.wardrobe}" if c.wardrobe else "")
        cast.append(CastMember(c.token, text, _image(run, script, c.reference_image, f"characters[{i}].reference_image")))
    for i, loc in enumerate(film.locations):
        text = f"{loc.token} {loc.name}: {loc.look}, {loc.time_of_day.value}" + (f", {loc.light}" if loc.light else "")
        cast.append(CastMember(loc.token, text, _image(run, script, loc.reference_image, f"locations[{i}].reference_image")))
    scenes = []
    for i, s in enumerate(film.scenes):
        lines = " ".join(f"{d.speaker}: {d.line}" for d in s.dialogue)
        text = f"{s.id} {s.heading}. " + (f"{s.location} " if s.location else "") + f"{s.plot}" + (f" {lines}" if lines else "")
        shots = []
        for j, shot in enumerate(s.shots):
            if shot.keyframe is None:
                continue
            where = f"scenes[{i}].shots[{j}].keyframe"
            shots.append(ShotDoc(f"{shot.id} {shot.shot_type.value}, {shot.camera.value}: {shot.visual_prompt}",
                                 _image(run, script, shot.keyframe, where, required=True)))
        scenes.append(SceneDoc(text, tuple(shots)))
    return FilmDocument(id=run.name, treatment=treatment, cast=tuple(cast), scenes=tuple(scenes))


# ---------------------------------------------------------------------------- JSONL + image folder
def from_jsonl(file: Path, images: Path | None = None) -> list[FilmDocument]:
    """Every document in a JSONL file; image paths are relative to `images` (default: the file's folder)."""
    if not file.is_file():
        raise InputError(f"{file}: no such JSONL file")
    root = images if images is not None else file.parent
    if not root.is_dir():
        raise InputError(f"{file}: image folder {root} does not exist")
    docs, seen = [], set()
    try:
        lines = file.read_text("utf-8").splitlines()
    except UnicodeDecodeError:
        raise InputError(f"{file}: not UTF-8 text") from None
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        doc = _document(line, f"{file}:{n}", root)
        if doc.id in seen:
            raise InputError(f"{file}:{n}: field id: {doc.id!r} appears twice")
        seen.add(doc.id)
        docs.append(doc)
    if not docs:
        raise InputError(f"{file}: no documents (one JSON object per line expected)")
    return docs


def _document(line: str, where: str, root: Path) -> FilmDocument:
    raw = loads(line, f"{where}: the document")  # nesting checked before parsing: `[[[[...` is one line of error
    if not isinstance(raw, dict):
        raise InputError(f"{where}: a document is a JSON object, found {type(raw).__name__}")
    unknown = sorted(set(raw) - {"id", "treatment", "cast", "scenes"})
    if unknown:
        raise InputError(f"{where}: field {unknown[0]} is not part of a film document (id, treatment, cast, scenes)")
    doc_id = _text(raw, "id", where)
    treatment = _text(raw, "treatment", where)
    cast = []
    for i, member in enumerate(_list(raw, "cast", where, required=False)):
        name = f"cast[{i}]"
        _object(member, name, where, {"token", "text", "image"})
        token = _text(member, "token", where, name)
        if not (token.startswith("<") and token.endswith(">")):
            raise InputError(f"{where}: field {name}.token: {token!r} is not an ID token like <char1>")
        image = member.get("image")
        cast.append(CastMember(token, _text(member, "text", where, name),
                               None if image is None else _file(root, image, where, f"{name}.image")))
    scenes = []
    for i, scene in enumerate(_list(raw, "scenes", where)):
        name = f"scenes[{i}]"
        _object(scene, name, where, {"text", "shots"})
        shots = []
        for j, shot in enumerate(_list(scene, "shots", where, prefix=name, required=False)):
            sname = f"{name}.shots[{j}]"
            _object(shot, sname, where, {"text", "keyframe"})
            shots.append(ShotDoc(_text(shot, "text", where, sname),
                                 _file(root, shot.get("keyframe"), where, f"{sname}.keyframe")))
        scenes.append(SceneDoc(_text(scene, "text", where, name), tuple(shots)))
    return FilmDocument(doc_id, treatment, tuple(cast), tuple(scenes))


def _object(value, name: str, where: str, keys: set[str]) -> None:
    if not isinstance(value, dict):
        raise InputError(f"{where}: field {name} must be an object, found {type(value).__name__}")
    unknown = sorted(set(value) - keys)
    if unknown:
        raise InputError(f"{where}: field {name}.{unknown[0]} is unknown (expected {', '.join(sorted(keys))})")


def _text(obj: dict, key: str, where: str, prefix: str = "") -> str:
    name = f"{prefix}.{key}" if prefix else key
    value = obj.get(key)
    if value is None:
        raise InputError(f"{where}: field {name} is missing")
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"{where}: field {name} must be non-empty text")
    return value.strip()


def _list(obj: dict, key: str, where: str, prefix: str = "", required: bool = True) -> list:
    name = f"{prefix}.{key}" if prefix else key
    value = obj.get(key)
    if value is None and not required:
        return []
    if not isinstance(value, list) or (required and not value):
        raise InputError(f"{where}: field {name} must be a non-empty list")
    return value


def _file(root: Path, value, where: str, name: str) -> Path:
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"{where}: field {name} must be an image path")
    rel = Path(value)
    if rel.is_absolute() or ".." in rel.parts:
        raise InputError(f"{where}: field {name}: {value!r} must be relative to the image folder, without '..'")
    path = root / rel
    if path.suffix.lower() not in IMAGE_SUFFIXES:
        raise InputError(f"{where}: field {name}: {value!r} is not a PNG, JPEG or WebP image")
    if not path.is_file():
        raise InputError(f"{where}: field {name}: {path} does not exist")
    if not _inside(path, root):
        raise InputError(f"{where}: field {name}: {value!r} leads out of the image folder {root} (a symbolic link)")
    return path


def _inside(path: Path, folder: Path) -> bool:
    """Whether `path`, its symbolic links followed, is a file under `folder` (a link to /etc/shadow is not)."""
    return path.resolve().is_relative_to(folder.resolve())


def _image(run: Path, script: Path, value: str | None, name: str, required: bool = False) -> Path | None:
    if value is None:
        return None
    rel = Path(value)
    if rel.is_absolute() or ".." in rel.parts:
        raise InputError(f"{script}: field {name}: {value!r} must stay inside the run directory")
    path = run / rel
    if not path.is_file():
        if required:
            raise InputError(f"{script}: field {name}: {path} does not exist")
        return None
    if not _inside(path, run):
        raise InputError(f"{script}: field {name}: {value!r} leads out of the run directory (a symbolic link)")
    return path


def read_all(runs: list[Path], jsonl: list[Path], images: Path | None) -> list[FilmDocument]:
    """Every document the config names, runs first; at least one keyframe or one scene overall."""
    docs = [from_run(r) for r in runs]
    for file in jsonl:
        docs.extend(from_jsonl(file, images))
    return docs
