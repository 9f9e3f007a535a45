"""A cached re-run of the default film, timed side by side with `auteur --help` (issue 12).

    python benchmarks/cached_rerun.py [--repeat 5] [--cache DIR]

Makes the default film once into a fresh cache (or uses --cache as it is), then alternates: `auteur
--help`, `auteur make PREMISE` into a new run directory (the replay of the recorded run), and the
same make with the run record removed (the graph path: every keyframe, clip, storyboard, film and
score found in the cache, LangGraph and the models loaded). Prints medians, the ratio to --help, and
the 1-minute load average before and after.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PREMISE = "A lighthouse keeper befriends a storm that wants to stop raining"
AUTEUR = [sys.executable, "-m", "auteur.pipeline.cli"]


def timed(args: list[str], env: dict) -> float:
    start = time.perf_counter()
    done = subprocess.run(args, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args[2:])} failed: {done.stderr.strip()[-400:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--cache", type=Path, help="an existing cache holding the default film (default: make one)")
    opts = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="auteur-rerun-"))
    cache = opts.cache or work / "cache"
    env = {**os.environ, "AUTEUR_CACHE_DIR": str(cache)}
    load_before = os.getloadavg()[0]
    if opts.cache is None:
        cold = timed([*AUTEUR, "make", PREMISE, "--out", str(work / "cold")], env)
        print(f"cold make (fills the cache): {cold:.1f} s")
    helps, replays, graphs = [], [], []
    for k in range(opts.repeat):
        helps.append(timed([*AUTEUR, "--help"], env))
        replays.append(timed([*AUTEUR, "make", PREMISE, "--out", str(work / f"replay{k}")], env))
        shutil.rmtree(cache / "runs", ignore_errors=True)  # no record: the graph runs, finding everything cached
        graphs.append(timed([*AUTEUR, "make", PREMISE, "--out", str(work / f"graph{k}")], env))
    help_s, replay_s, graph_s = (statistics.median(x) for x in (helps, replays, graphs))
    print(f"load average (1 min) before {load_before:.2f}, after {os.getloadavg()[0]:.2f}; {os.cpu_count()} cores")
    print(f"auteur --help                         median {help_s:.3f} s  ({', '.join(f'{x:.2f}' for x in helps)})")
    print(f"make, unchanged film (replay)         median {replay_s:.3f} s  ({', '.join(f'{x:.2f}' for x in replays)})"
          f"  = {replay_s / help_s:.1f}x --help")
    print(f"make, everything cached (graph path)  median {graph_s:.3f} s  ({', '.join(f'{x:.2f}' for x in graphs)})"
          f"  = {graph_s / help_s:.1f}x --help")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
