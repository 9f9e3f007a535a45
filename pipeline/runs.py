"""Run directories: one folder per film, its manifest, its lock, and paths kept inside it.

    RUN/film.mp4  film.srt  timeline.json  script.json  storyboard.png  report.html  eval.json  run.json  input.json  run.log
    RUN/state.sqlite
    RUN/shots/  characters/  locations/
"""

from __future__ import annotations

import datetime as dt
import errno
import fcntl
import os
import re
import unicodedata
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, Literal

from pydantic import BaseModel, Field

from auteur.core.atomic import write_text
from auteur.pipeline.config import Profile
from auteur.core.errors import AuteurError, InputError


class Take(BaseModel):
    """One take of a shot (`auteur retake`): its seed, what was changed, and its files kept under takes/."""

    take: int
    seed: int
    keyframe: str  # run-relative: takes/<shot>/take<N>.png
    clip: str  # run-relative: takes/<shot>/take<N>.mp4
    line: str | None = None  # the line given with --line, when one was
    action: str | None = None  # the action given with --action, when one was
    made: str = ""


class RunManifest(BaseModel):
    """What a run was asked to do, enough to resume it; plus how it went."""

    auteur_version: str
    created: str
    source_kind: Literal["prompt", "synopsis", "script", "story"]
    seed: int
    target_shots: int | None = None
    profile: Profile
    status: Literal["planning", "review", "rendering", "assembling", "done", "failed"] = "planning"
    error: str | None = None
    summary: dict[str, Any] = Field(default_factory=dict)
    takes: dict[str, list[Take]] = Field(default_factory=dict)  # shot id -> its takes, the one in the film last


def slugify(text: str, words: int = 6) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    parts = re.findall(r"[a-z0-9]+", ascii_text.lower())[:words]
    return "-".join(parts)[:60] or "film"


def _held(lock: Path) -> bool:
    """Whether another process holds the lock file `lock` (looked at without creating or writing anything)."""
    try:
        fd = os.open(lock, os.O_RDONLY | os.O_CLOEXEC | os.O_NOFOLLOW)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        return False
    except OSError:
        return True
    finally:
        os.close(fd)


class RunDir:
    def __init__(self, root: Path):
        self.root = Path(root)

    film = property(lambda self: self.root / "film.mp4")
    srt = property(lambda self: self.root / "film.srt")
    timeline = property(lambda self: self.root / "timeline.json")  # where each shot sits in film.mp4
    script = property(lambda self: self.root / "script.json")
    storyboard = property(lambda self: self.root / "storyboard.png")
    manifest_path = property(lambda self: self.root / "run.json")
    input_path = property(lambda self: self.root / "input.json")
    log = property(lambda self: self.root / "run.log")
    state = property(lambda self: self.root / "state.sqlite")
    report = property(lambda self: self.root / "report.html")
    work = property(lambda self: self.root / ".work")

    @classmethod
    def create(cls, out: Path | None, slug: str) -> RunDir:
        """A new, empty, writable run directory (default: runs/<timestamp>-<slug>), its lock already held.

        A directory that already holds anything is refused before a byte is written there (not even the
        lock file). Then the lock is taken and the directory checked again, so of two `make` on one
        --out the loser writes nothing: it finds the lock taken, or, once the winner is done, a
        run.json. The caller releases it with `release()` (or `lock()`).
        """
        if out is None:
            stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
            out = Path("runs") / f"{stamp}-{slug}"
            n = 2
            while out.exists():
                out = Path("runs") / f"{stamp}-{slug}-{n}"
                n += 1
        out = Path(out)
        try:
            if out.exists() and not out.is_dir():
                raise InputError(f"--out {out} is a file, not a directory")
            if out.is_dir():
                if _held(out / ".lock"):
                    raise AuteurError(f"{out} is in use by another auteur process; wait for it to finish")
                cls._refuse_unless_empty(out)
            out.mkdir(parents=True, exist_ok=True)
        except OSError as err:  # a name too long, a parent that is a file, no permission, ...
            raise InputError(f"cannot write to --out {out}: {err.strerror or err}") from None
        run = cls(out)
        try:
            run._acquire()
        except OSError as err:
            raise InputError(f"cannot write to --out {out}: {err.strerror or err}") from None
        try:
            cls._refuse_unless_empty(out)
            for sub in ("shots", "characters", "locations"):
                (out / sub).mkdir(exist_ok=True)
        except BaseException:
            run.release()
            raise
        return run

    @staticmethod
    def _refuse_unless_empty(out: Path) -> None:
        if (out / "run.json").exists():
            raise InputError(f"{out} already holds a run; continue it with `auteur resume {out}` or pick another --out")
        if any(p.name != ".lock" for p in out.iterdir()):
            raise InputError(f"--out {out} is not empty; pick a new or empty directory")

    @classmethod
    def open(cls, path: Path) -> RunDir:
        run = cls(Path(path))
        if not run.manifest_path.is_file():
            raise InputError(f"{path} is not an auteur run directory (no run.json)")
        return run

    def read_manifest(self) -> RunManifest:
        try:
            return RunManifest.model_validate_json(self.manifest_path.read_text("utf-8"))
        except Exception as err:
            raise AuteurError(f"{self.manifest_path} is unreadable: {err}") from None

    def write_manifest(self, manifest: RunManifest) -> None:
        write_text(self.manifest_path, manifest.model_dump_json(indent=2) + "\n")

    @staticmethod
    def confined(relative: str) -> str | None:
        """`relative` when it is a plain path below a run directory (no `..`, not absolute), else None."""
        parts = Path(relative).parts
        if not parts or Path(relative).is_absolute() or ".." in parts:
            return None
        return relative

    def inside(self, relative: str) -> Path:
        """Resolve a run-relative path, refusing anything that escapes the run directory."""
        path = (self.root / relative).resolve()
        if not path.is_relative_to(self.root.resolve()):
            raise AuteurError(f"path {relative!r} points outside the run directory")
        return path

    def _acquire(self) -> None:
        """Take the run's lock: an flock on `.lock`, which the holder removes when it lets go.

        Since the file is removed on release, a process may lock a `.lock` that has just been
        unlinked; it then tries again on the file now at the path, so two processes never both hold
        the lock of one run.
        """
        path = self.root / ".lock"
        for _ in range(10):
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as err:
                os.close(fd)
                if err.errno in (errno.EAGAIN, errno.EACCES):
                    raise AuteurError(f"{self.root} is in use by another auteur process; wait for it to finish") from None
                raise
            try:
                same = os.path.samestat(os.fstat(fd), os.stat(path))
            except FileNotFoundError:
                same = False
            if same:
                break
            os.close(fd)  # the holder removed this one as we locked it: lock the file now at the path
        else:
            raise AuteurError(f"{self.root} is in use by another auteur process; wait for it to finish")
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._lock_fd = fd
        self._remove_leftovers()

    def _remove_leftovers(self) -> None:
        """Half-written files of a process killed mid-write (atomic writes' `.NAME.*.part.EXT`).

        Safe only with the lock held: no other process can be writing into this run.
        """
        for folder in (self.root, *(self.root / sub for sub in ("shots", "characters", "locations"))):
            if folder.is_dir():
                for leftover in folder.glob(".*.part*"):
                    leftover.unlink(missing_ok=True)

    def release(self) -> None:
        """Let go of the lock; the lock file goes with it, so a finished run holds no stale `.lock`."""
        fd = getattr(self, "_lock_fd", None)
        if fd is not None:
            self._lock_fd = None
            try:
                (self.root / ".lock").unlink(missing_ok=True)  # while still holding it (see _acquire)
            except OSError:
                pass  # a read-only or vanished directory: the lock still ends with the descriptor
            os.close(fd)

    def holds(self, relative: str | None) -> bool:
        """Whether `relative` names a file inside the run directory (symlinks out of it do not count)."""
        if not relative:
            return False
        try:
            return self.inside(relative).is_file()
        except AuteurError:
            return False

    @contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the run's lock (taking it unless `create` already did); another process gets a clear error."""
        if getattr(self, "_lock_fd", None) is None:
            self._acquire()
        try:
            yield
        finally:
            self.release()
