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
