"""Benchmark the draft planner's stages (treatment, screenplay, locations, shots) against a previous planner.

The previous planner is read from git (default: main's models/draft/planner.py and phrasebook.toml) into a
temporary module, so both run side by side in one process on the same premises. Reported: the first
premise cold (the reader loads spaCy and MiniLM), then the median per premise warm.

    python benchmarks/planning_stage.py [--ref main] [--premises tests/data/premises.toml] [--json out.json]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def previous_planner(ref: str):
    """main's planner as a module; its phrasebook comes from the same commit."""
    source = subprocess.run(["git", "show", f"{ref}:models/draft/planner.py"], cwd=ROOT, check=True,
                            capture_output=True, text=True).stdout
    book = subprocess.run(["git", "show", f"{ref}:models/draft/phrasebook.toml"], cwd=ROOT, check=True,
                          capture_output=True, text=True).stdout
    tmp = Path(tempfile.mkdtemp(prefix="planner_prev_"))
    (tmp / "phrasebook.toml").write_text(book, "utf-8")
    source = source.replace('resources.files("auteur.models.draft").joinpath("phrasebook.toml").read_text("utf-8")',
                            f'open({str(tmp / "phrasebook.toml")!r}, encoding="utf-8").read()')
    (tmp / "planner_prev.py").write_text(source, "utf-8")
    spec = importlib.util.spec_from_file_location("planner_prev", tmp / "planner_prev.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["planner_prev"] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module.Planner


def plan(planner_cls, prompt: str) -> float:
    from auteur.core.schema import Film

    start = time.perf_counter()
    planner = planner_cls(prompt, 7)
    film = Film(prompt=prompt, treatment=planner.treatment(60))
    play = planner.screenplay(None, 60)
    film = film.revise(characters=play.characters, scenes=play.scenes)
    places = planner.locations(film)
    film = film.revise(locations=places.locations,
                       scenes=[s.model_copy(update={"location": t}) for s, t in zip(film.scenes, places.scene_locations)])
    film.revise(scenes=[s.model_copy(update={"shots": planner.shots(film, s).shots}) for s in film.scenes])
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--ref", default="main")
    ap.add_argument("--premises", default=str(ROOT / "tests" / "data" / "premises.toml"))
    ap.add_argument("--json")
    args = ap.parse_args()
    prompts = [c["text"] for c in tomllib.loads(Path(args.premises).read_text("utf-8"))["premise"]][:30]
    from auteur.models.draft.planner import Planner

    old = previous_planner(args.ref)
    result = {"machine": platform.platform(), "cpus": os.cpu_count(), "load_before": os.getloadavg()[0],
              "premises": len(prompts)}
    for name, cls in (("previous", old), ("premise-faithful", Planner)):
        cold = plan(cls, prompts[0])
        warm = [plan(cls, p) for p in prompts[1:]]
        result[name] = {"first_premise_cold_s": round(cold, 3), "median_warm_s": round(statistics.median(warm), 4),
                        "max_warm_s": round(max(warm), 4), "all_30_s": round(cold + sum(warm), 2)}
    result["load_after"] = os.getloadavg()[0]
    print(json.dumps(result, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2), "utf-8")


if __name__ == "__main__":
    sys.exit(main())
