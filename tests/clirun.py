"""Run the real `auteur` command line in a subprocess, as a user would."""

import os
import subprocess
import sys


def auteur(*args: str, cwd=None, cache=None, timeout: int = 600, extra_env: dict | None = None):
    env = {**os.environ, "COLUMNS": "120", **(extra_env or {})}
    if cache is not None:
        env["AUTEUR_CACHE_DIR"] = str(cache)
    return subprocess.run([sys.executable, "-m", "auteur.pipeline.cli", *args], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=timeout)


def auteur_here(*args: str) -> tuple[int, str, str]:
    """Run the command line in this process (exit code, stdout, stderr): for errors raised before any work,
    where a subprocess's start-up would cost more than the test."""
    import contextlib
    import io
    from unittest import mock

    from auteur.pipeline.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), \
            mock.patch.object(sys, "argv", ["auteur", *args]):
        try:
            main()
            code = 0
        except SystemExit as done:
            code = done.code if isinstance(done.code, int) else 0
    return code, out.getvalue(), err.getvalue()
