"""Run the real `auteur` command line as a user would: its `main()`, with its arguments, exit code and output.

`auteur(...)` runs `main()` in the test's own process unless the call needs a process of its own. The command is
the same either way (argument parsing, the one-line errors, the exit code, what is printed on stdout and stderr);
what a subprocess adds is an interpreter start and the imports and model loads every `auteur make` repeats
(spaCy, MiniLM, the story engine's tables): about 6 s of a 12-s tiny film, paid again by every call. In one
process they are loaded once per test worker. A call gets a subprocess when it changes the environment
beyond what this module can set for one call (`extra_env` other than $COLUMNS and $AUTEUR_FFMPEG: a plugin's
site folder, a hub cache read at import), when it must be interruptible by a timeout, or when the test says
`fresh=True` (the shared films, a cluster's driver).
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from unittest import mock


WIDTH = 120  # columns, as a terminal would say in $COLUMNS
SET_PER_CALL = {"COLUMNS", "AUTEUR_FFMPEG", "AUTEUR_CACHE_DIR"}  # what an in-process call can set for itself


def auteur(*args: str, cwd=None, cache=None, timeout: int | None = None, extra_env: dict | None = None,
           fresh: bool = False, threads: int | None = None) -> subprocess.CompletedProcess:
    """`auteur *args`; `cache` is the artifact cache ($AUTEUR_CACHE_DIR). A subprocess when `fresh`, `extra_env`
    or `timeout` ask for one (see the module docstring), else in this process; `threads` caps torch's and the
    BLAS libraries' threads for the call (tiny models on a busy machine lose more to a thread pool than they gain),
    as OMP_NUM_THREADS would in a process of its own."""
    env = {"COLUMNS": str(WIDTH), **(extra_env or {}),
           **({"AUTEUR_CACHE_DIR": str(cache)} if cache is not None else {})}
    if fresh or timeout is not None or set(env) - SET_PER_CALL:
        return subprocess.run([sys.executable, "-m", "auteur.pipeline.cli", *args], capture_output=True, text=True,
                              cwd=cwd, timeout=timeout or 600,
                              env={**os.environ, **env, **({"OMP_NUM_THREADS": str(threads)} if threads else {})})
    with mock.patch.dict(os.environ, env), contextlib.chdir(cwd or os.getcwd()), \
            _consoles_width(int(env["COLUMNS"])), _threads(threads), _ffmpeg_read_afresh():
        code, out, err = auteur_here(*args)
    return subprocess.CompletedProcess(["auteur", *args], code, out, err)


@contextlib.contextmanager
def _ffmpeg_read_afresh():
    """$AUTEUR_FFMPEG is read once a process (`ffmpeg_exe` is cached): read it for this call, and forget it after."""
    from auteur.tools.editing.ffmpeg import ffmpeg_exe

    ffmpeg_exe.cache_clear()
    try:
        yield
    finally:
        ffmpeg_exe.cache_clear()


@contextlib.contextmanager
def _threads(threads: int | None):
    if threads is None:
        yield
        return
    import torch
    from threadpoolctl import threadpool_limits

    before = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        with threadpool_limits(threads):
            yield
    finally:
        torch.set_num_threads(before)


@contextlib.contextmanager
def _consoles_width(width: int):
    """auteur's consoles at `width` columns: rich reads $COLUMNS once, when the console is made (at import)."""
    from auteur.pipeline.console import err_console, out_console

    saved = [(console, console._width) for console in (out_console, err_console)]
    for console, _ in saved:
        console.width = width
    try:
        yield
    finally:
        for console, before in saved:
            console._width = before


def auteur_here(*args: str) -> tuple[int, str, str]:
    """Run the command line in this process (exit code, stdout, stderr)."""
    from auteur.pipeline.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), \
            mock.patch.object(sys, "argv", ["auteur", *args]):
        try:
            main()
            code = 0
        except SystemExit as done:
            code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    return code, out.getvalue(), err.getvalue()
