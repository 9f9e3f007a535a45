"""Benchmark a film made from a story: `auteur make STORY --minutes M` on the draft profile, cold cache.

Side by side with its peer, the same command for a one-line premise of the same runtime, run back to back, so
the figure the issue asks for (wall time over the film's length, target <= 0.5 on 2 cores) comes with what the
story reading costs on top of any draft film. Records the machine's load before and after each run, the
film's length from ffmpeg, and each run's stage seconds from its run.json.

    python benchmarks/story_film.py [--story tests/data/stories/the_salt_road.txt] [--minutes 2] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STORY = ROOT / "tests" / "data" / "stories" / "the_salt_road.txt"
PREMISE = "A cartographer and her brother cross a salt marsh to find a road her father never found"


def film_seconds(film: Path) -> float:
    from imageio_ffmpeg import get_ffmpeg_exe

    probe = subprocess.run([get_ffmpeg_exe(), "-i", str(film)], capture_output=True, text=True)
    h, m, s = re.search(r"Duration: (\d+):(\d+):([\d.]+)", probe.stderr).groups()
    return int(h) * 3600 + int(m) * 60 + float(s)


def make(source: str, minutes: float, out: Path, cache: Path) -> dict:
    env = {**os.environ, "AUTEUR_CACHE_DIR": str(cache)}
    load_before = os.getloadavg()[0]
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "auteur.pipeline.cli", "make", source, "--minutes", str(minutes),
                    "--out", str(out)], env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    film = film_seconds(out / "film.mp4")
    summary = json.loads((out / "run.json").read_text())["summary"]
    shots = sum(1 for p in (out / "shots").glob("*.mp4"))
    return {"source": source if len(source) < 80 else source[:77] + "...", "wall_s": round(wall, 1),
            "film_s": round(film, 1), "x_real_time": round(wall / film, 3), "shots": shots,
            "stage_seconds": summary.get("stage_seconds", {}), "load_before": round(load_before, 2),
            "load_after": round(os.getloadavg()[0], 2)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--story", default=str(STORY))
    parser.add_argument("--minutes", type=float, default=2.0)
    parser.add_argument("--json")
    args = parser.parse_args()
    words = len(Path(args.story).read_text("utf-8").split())
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for label, source in (("story", args.story), ("premise (peer)", PREMISE)):
            row = make(source, args.minutes, tmp / label.split()[0], tmp / f"cache-{label.split()[0]}")
            row["run"] = label
            rows.append(row)
            print(json.dumps(row), flush=True)
    result = {"machine": f"{platform.machine()}, {os.cpu_count()} cores", "story_words": words,
              "minutes": args.minutes, "runs": rows,
              "story_over_peer_wall": round(rows[0]["wall_s"] / rows[1]["wall_s"], 3)}
    print(json.dumps(result, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
