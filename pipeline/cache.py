"""Content-addressed store of made artifacts, shared by every run on the machine.

An entry's key is a hash of everything that determines it (inputs, backend settings, seed), so a
re-run with identical inputs finds every keyframe, clip, storyboard and film already made. Each
entry is written atomically and then its SHA-256 is recorded beside it (`KEY.EXT.sha256`, written
last, so its presence marks the entry complete). Every hit is checked against that digest: a
truncated or edited entry is made again, with a one-line warning, instead of going into a film.

Entries reach a run directory as copies (a reflink where the file system can share blocks), never
as hard links: a run's files are its own, and editing one cannot change the cache.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import logging
import os
import shutil
import tempfile
import threading
from pathlib import Path
from typing import Any, Callable

from auteur.core.atomic import atomic_path, is_leftover, sweep, write_text
from auteur.core.errors import InputError

CACHE_VERSION = 1
FICLONE = 0x40049409  # linux/fs.h: _IOW(0x94, 9, int), share the source's blocks copy-on-write
log = logging.getLogger("auteur")


def default_cache_dir() -> Path:
    env = os.environ.get("AUTEUR_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "auteur"


def file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _clone_or_copy(src: Path, dest: Path) -> None:
    with open(src, "rb") as fin, open(dest, "wb") as fout:
        try:
            fcntl.ioctl(fout.fileno(), FICLONE, fin.fileno())
            return
        except OSError as err:
            if err.errno not in (errno.EOPNOTSUPP, errno.ENOTTY, errno.EXDEV, errno.EINVAL, errno.ENOSYS, errno.EPERM):
                raise
        shutil.copyfileobj(fin, fout, 1 << 20)


def place(src: Path, dest: Path) -> None:
    """Put a copy of `src` at `dest` (a reflink when possible), atomically; never a hard link."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(dest) as tmp:
        _clone_or_copy(src, tmp)


class Cache:
    def __init__(self, root: Path | None = None):
        self.root = Path(root) if root else default_cache_dir()
        self.warnings: list[str] = []
        self.placed: dict[Path, Path] = {}  # run file -> the entry it is a copy of (see pipeline/replay.py)
        self._lock = threading.Lock()
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            # A cache that exists but cannot be written fails here, before any run directory is made.
            fd, probe = tempfile.mkstemp(prefix=".write-test.", dir=self.root)
            os.close(fd)
            os.unlink(probe)
        except OSError as err:
            raise InputError(f"cannot use the cache directory {self.root}: {err.strerror or err} "
                             f"(set AUTEUR_CACHE_DIR to a writable folder)") from None

    @staticmethod
    def key(*parts: Any) -> str:
        blob = json.dumps([CACHE_VERSION, *parts], sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()

    file_digest = staticmethod(file_digest)

    def path(self, kind: str, key: str, suffix: str) -> Path:
        return self.root / kind / key[:2] / f"{key}{suffix}"

    @staticmethod
    def _digest_path(entry: Path) -> Path:
        return entry.with_name(entry.name + ".sha256")

    def record(self, entry: Path) -> str:
        """Record a freshly made entry's digest; from now on hits are checked against it."""
        digest = file_digest(entry)
        write_text(self._digest_path(entry), digest + "\n")
        return digest

    def recorded_digest(self, entry: Path) -> str | None:
        try:
            return self._digest_path(entry).read_text("utf-8").strip()
        except (OSError, ValueError):
            return None

    def put(self, entry: Path, target: Path) -> None:
        """Copy an entry into a run, remembering which entry the run's file came from."""
        place(entry, target)
        with self._lock:
            self.placed[Path(target).resolve()] = entry

    def verified(self, entry: Path) -> bool:
        """Whether `entry` is complete and unchanged; a bad one is removed, with a one-line warning."""
        sidecar = self._digest_path(entry)
        if not (entry.is_file() and sidecar.is_file()):
            return False
        try:
            good = file_digest(entry) == sidecar.read_text("utf-8").strip()
        except (OSError, ValueError):  # unreadable, or a digest file that is not even text
            good = False
        if not good:
            self.discard(entry, "its digest does not match the one recorded")
        return good

    def discard(self, entry: Path, why: str) -> None:
        """Remove a damaged entry (its digest first, so it never reads as complete), with a one-line warning."""
        message = f"cache entry {entry} is damaged ({why}); making it again"
        log.warning(message)
        with self._lock:
            self.warnings.append(message)
        for path in (self._digest_path(entry), entry):
            try:
                path.unlink(missing_ok=True)
            except OSError:
                pass

    def materialize(self, kind: str, key: str, suffix: str, target: Path, make: Callable[[Path], None]) -> bool:
        """Place the entry at `target`, making it with `make(tmp_path)` first if absent or damaged. True on a hit."""
        entry = self.path(kind, key, suffix)
        hit = self.verified(entry)
        if not hit:
            with atomic_path(entry) as tmp:
                make(tmp)
            self.record(entry)
        self.put(entry, target)
        return hit

    def reuse(self, kind: str, key: str, suffix: str, target: Path) -> bool:
        """Place a verified entry at `target` if there is one; False (nothing placed) otherwise."""
        entry = self.path(kind, key, suffix)
        if not self.verified(entry):
            return False
        self.put(entry, target)
        return True

    def sweep(self) -> int:
        """Remove what killed writers left in the cache (part files, renderers' scratch folders); returns how many.

        Only leftovers no live process holds are removed (see core/atomic.py), so a run sharing the
        cache keeps writing undisturbed.
        """
        removed, folders = 0, [self.root]
        while folders:
            folder = folders.pop()
            removed += sweep(folder)
            try:  # every folder below, but never one a link leads to (it may be anywhere)
                folders += [Path(e.path) for e in os.scandir(folder)
                            if e.is_dir(follow_symlinks=False) and not is_leftover(e.name)]
            except OSError:
                continue
        if removed:
            log.info("removed %d leftovers of killed writers from the cache", removed)
        return removed

    def keep(self, kind: str, key: str, suffix: str, source: Path) -> Path:
        """Store a copy of a file made elsewhere (in a run directory) as an entry."""
        entry = self.path(kind, key, suffix)
        place(source, entry)
        self.record(entry)
        with self._lock:
            self.placed[Path(source).resolve()] = entry
        return entry


def code_digest(*packages: str) -> str:
    """A digest of the source files of `packages` (modules or whole packages): part of the key of an
    entry made by that code, so a change to it makes the entry again instead of reusing a stale one."""
    import importlib.util

    h = hashlib.sha256()
    for name in packages:
        spec = importlib.util.find_spec(name)
        if spec is None:
            continue
        if spec.submodule_search_locations:
            files = sorted(f for root in spec.submodule_search_locations for f in Path(root).rglob("*")
                           if f.suffix in (".py", ".toml", ".txt", ".html") and "__pycache__" not in f.parts)
        else:
            files = [Path(spec.origin)] if spec.origin else []
        for f in files:
            h.update(f.name.encode())
            h.update(f.read_bytes())
    return h.hexdigest()
