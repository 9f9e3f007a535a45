"""Content-addressed store of rendered artifacts, shared by every run on the machine.

An entry's key is a hash of everything that determines it (inputs, backend settings, seed), so a
re-run with identical inputs finds every keyframe and clip already made. Entries are written
atomically; two runs racing to the same entry both write identical bytes and the last rename wins.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path
from typing import Any, Callable

from auteur.core.atomic import atomic_path
from auteur.core.errors import InputError

CACHE_VERSION = 1


def default_cache_dir() -> Path:
    env = os.environ.get("AUTEUR_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "auteur"


def place(src: Path, dest: Path) -> None:
    """Put a cache entry at dest: a hard link when possible (no copy), else a copy; atomically."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(dest) as tmp:
        tmp.unlink()
        try:
            os.link(src, tmp)
        except OSError:
            shutil.copyfile(src, tmp)


class Cache:
    def __init__(self, root: Path | None = None):
        self.root = Path(root) if root else default_cache_dir()
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise InputError(f"cannot use the cache directory {self.root}: {err.strerror} "
                             f"(set AUTEUR_CACHE_DIR to a writable folder)") from None

    @staticmethod
    def key(*parts: Any) -> str:
        blob = json.dumps([CACHE_VERSION, *parts], sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()

    @staticmethod
    def file_digest(path: Path) -> str:
        h = hashlib.sha256()
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
        return h.hexdigest()

    def path(self, kind: str, key: str, suffix: str) -> Path:
        return self.root / kind / key[:2] / f"{key}{suffix}"

    def materialize(self, kind: str, key: str, suffix: str, target: Path, make: Callable[[Path], None]) -> bool:
        """Place the entry at `target`, making it with `make(tmp_path)` first if absent. True on a hit."""
        entry = self.path(kind, key, suffix)
        hit = entry.is_file()
        if not hit:
            with atomic_path(entry) as tmp:
                make(tmp)
        place(entry, target)
        return hit
