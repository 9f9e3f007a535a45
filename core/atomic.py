"""Atomic artifact writes: a reader (or a resumed run) never sees a half-written file.

A writer holds an flock on its temporary file (and on a scratch folder) for as long as it writes, so
a process killed mid-write leaves files no one holds: `sweep` removes exactly those, and leaves the
ones a live process (another run sharing the cache) is still writing.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import stat
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


# mkstemp makes 0600 files; artifacts should get the permissions any other new file would.
FILE_MODE = 0o666 & ~_umask()
SCRATCH_SUFFIX = ".scratch"
# A leftover this young may be a live writer's between creating it and locking it.
SWEEP_MIN_AGE_S = 1.0


@contextmanager
def atomic_path(dest: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside `dest`; on success it is renamed onto `dest`, else removed.

    The temporary name keeps `dest`'s suffix so tools that pick a format by extension
    (ffmpeg, PIL) still do the right thing.
    """
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{dest.stem}.", suffix=f".part{dest.suffix}", dir=dest.parent)
    tmp_path = Path(tmp)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # writers reopen the path: the lock is on the file, held until we close
        os.fchmod(fd, FILE_MODE)
        yield tmp_path
        os.replace(tmp_path, dest)
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise
    finally:
        os.close(fd)


@contextmanager
def scratch_dir(parent: str | Path, what: str) -> Iterator[Path]:
    """A temporary folder `.WHAT-XXXX.scratch` in `parent`, removed afterwards, held (flock) meanwhile."""
    parent = Path(parent)
    parent.mkdir(parents=True, exist_ok=True)
    path = Path(tempfile.mkdtemp(prefix=f".{what}-", suffix=SCRATCH_SUFFIX, dir=parent))
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)
        os.close(fd)


def is_leftover(name: str) -> bool:
    """Whether a file or folder name is one of atomic_path's part files or a scratch folder."""
    return name.startswith(".") and (".part" in name or name.endswith(SCRATCH_SUFFIX))


def sweep(folder: str | Path) -> int:
    """Remove the part files and scratch folders directly in `folder` that no live process holds; returns how many."""
    removed = 0
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    now = time.time()
    for entry in entries:
        if not is_leftover(entry.name):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
            if now - info.st_mtime < SWEEP_MIN_AGE_S or stat.S_ISLNK(info.st_mode):
                continue
            is_dir = stat.S_ISDIR(info.st_mode)
            fd = os.open(entry.path, os.O_RDONLY | os.O_CLOEXEC | os.O_NOFOLLOW | (os.O_DIRECTORY if is_dir else 0))
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # refused while its writer lives
            if is_dir:
                shutil.rmtree(entry.path, ignore_errors=True)
            else:
                os.unlink(entry.path)
            removed += 1
        except OSError:
            pass
        finally:
            os.close(fd)
    return removed


def write_bytes(dest: str | Path, data: bytes) -> None:
    with atomic_path(dest) as tmp:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())


def write_text(dest: str | Path, text: str) -> None:
    write_bytes(dest, text.encode("utf-8"))
