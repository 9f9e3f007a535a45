"""Films that several test files make the same way, made once a test session and shared by the xdist workers.

A draft film costs 15-20 s of CPU at any size (start-up and planning are most of it), so files that need the
same film share one. What is shared is read-only: a test that edits the run, or makes further films with its
cache, works on a copy (shutil.copytree), so no test sees another's renders.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from clirun import auteur


@dataclass(frozen=True)
class SharedFilm:
    run: Path
    cache: Path  # the cache the film was made with, from empty
    stdout: str  # what `auteur make` printed


def shared_film(root: Path, *args: str) -> SharedFilm:
    """`auteur make *args --out RUN` into an empty cache, once for all workers: the first caller makes it (the
    others wait on its lock) and every caller gets the same finished run."""
    home = root / hashlib.sha256(json.dumps(args).encode()).hexdigest()[:16]
    home.mkdir(parents=True, exist_ok=True)
    run, cache, printed = home / "run", home / "cache", home / "stdout.txt"
    with open(home / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not printed.exists():  # written last: it says the film is whole
            shutil.rmtree(run, ignore_errors=True)  # what a failed earlier try left
            shutil.rmtree(cache, ignore_errors=True)
            # its own process, as a user runs it: the suite's other films run `main()` in the test's process
            done = auteur("make", *args, "--out", str(run), cache=cache, fresh=True)
            assert done.returncode == 0, done.stderr
            printed.write_text(done.stdout)
    return SharedFilm(run, cache, printed.read_text())
