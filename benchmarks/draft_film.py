"""Benchmark the default draft film on this machine.

Records: wall time of `auteur make` on the default prompt with an empty cache, the split per stage
(from the run's run.json), a cached re-run, and assembly of the film's own shot clips against the
floor of a stream-copy concat of the same clips (run side by side, median of --repeat runs).

    python benchmarks/draft_film.py [--prompt "..."] [--repeat 3] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROMPT = "A lighthouse keeper befriends a storm that wants to stop raining"


def make(prompt: str, out: Path, cache: Path) -> float:
    env = {**os.environ, "AUTEUR_CACHE_DIR": str(cache)}
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "auteur.pipeline.cli", "make", prompt, "--out", str(out)],
                   env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def assembly_vs_floor(run: Path, repeat: int) -> dict:
    from auteur.pipeline.config import Profile
    from auteur.core.schema import Film
    from auteur.models.renderer import RenderedClip, SpokenLine
    from auteur.tools.editing.assemble import ShotClip, assemble, concat_floor

    film = Film.from_json((run / "script.json").read_text())
    profile = Profile.model_validate(json.loads((run / "run.json").read_text())["profile"])
    names = {c.token: c.name for c in film.characters}
    shots = []
    for scene in film.scenes:
        for shot in scene.shots:
            rec = json.loads((run / "shots" / f"{shot.id}.json").read_text())
            clip = RenderedClip(path=run / rec["path"], duration=rec["duration"], fades=tuple(rec["fades"]),
                                lines=[SpokenLine(**{k: ln[k] for k in ("speaker", "text", "start", "end")})
                                       for ln in rec["lines"]])
            shots.append(ShotClip(clip=clip, scene_id=scene.id, scene_title=scene.heading, speaker_names=names))
    ours, floor = [], []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            start = time.perf_counter()
            concat_floor([s.clip.path for s in shots], tmp / "floor.mp4", tmp)
            floor.append(time.perf_counter() - start)
            (tmp / "work").mkdir()
            start = time.perf_counter()
            assemble(shots, title=film.treatment.title, logline=film.treatment.logline, credits=["bench"],
                     out_dir=tmp, work_dir=tmp / "work", video=profile.video, settings=profile.assembly)
            ours.append(time.perf_counter() - start)
    return {"assembly_s": statistics.median(ours), "floor_s": statistics.median(floor),
            "ratio": statistics.median(ours) / statistics.median(floor), "clips": len(shots)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prompt", default=PROMPT)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        cold = make(args.prompt, tmp / "cold", tmp / "cache")
        warm = make(args.prompt, tmp / "warm", tmp / "cache")
        manifest = json.loads((tmp / "cold" / "run.json").read_text())
        from auteur.tools.editing.ffmpeg import probe

        result = {
            "device": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, CPU only",
            "date": time.strftime("%Y-%m-%d"),
            "film_s": round(probe(tmp / "cold" / "film.mp4").duration, 2),
            "cold_wall_s": round(cold, 2), "cached_wall_s": round(warm, 2),
            "stages_s": manifest["summary"]["stage_seconds"],
            **{k: round(v, 3) if isinstance(v, float) else v for k, v in assembly_vs_floor(tmp / "cold", args.repeat).items()},
        }
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
