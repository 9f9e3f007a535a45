"""Benchmark the render fan-out: a 16-shot draft film on 1..k workers, and the orchestration cost per shot.

Side by side on this machine, each with an empty cache:
  * `--executor ray` (a local Ray started by the run) with --workers 1 and k, against the in-process
    executor with the same worker counts (the peer: same renderer, no Ray);
  * orchestration overhead per shot: the same film again with every clip in the cache, so the
    render stage is only the graph's Send step, the cache lookup and the SQLite checkpoint write
    (timed on their own by wrapping the checkpointer's writes).

The acceptance figure is k actors on a k-core machine rendering >= 0.8 k times as fast as one; it
is only meaningful on a quiet machine, so the load average is recorded before and after every run
and `quiet` says whether the 1-minute load was under a quarter per core before the first run.

    python benchmarks/scale_out.py [--shots 16] [--profile draft] [--workers 1 2] [--json out.json]
    python benchmarks/scale_out.py --profile studio.toml --executors ray --workers 1 8   # one actor per GPU
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROMPT = "A lighthouse keeper befriends a storm that wants to stop raining"


def make(out: Path, cache: Path, shots: int, profile: str, executor: str, workers: int) -> dict:
    env = {**os.environ, "AUTEUR_CACHE_DIR": str(cache)}
    load_before = os.getloadavg()[0]
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "auteur.pipeline.cli", "make", PROMPT, "--shots", str(shots), "--profile",
                    profile, "--executor", executor, "--workers", str(workers), "--out", str(out)],
                   env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    summary = json.loads((out / "run.json").read_text())["summary"]
    return {"wall_s": round(wall, 2), "render_s": summary["stage_seconds"]["render"],
            "shots_rendered": summary["shots_rendered"], "load_before": load_before, "load_after": os.getloadavg()[0]}


def orchestration(cache: Path, shots: int, profile: str, tmp: Path) -> dict:
    """Per-shot cost of the fan-out with every clip cached, and the checkpoint writes' share of it."""
    import auteur.pipeline.run as run_module
    from auteur.pipeline.config import load_profile
    from auteur.pipeline.graph import checkpointer
    from auteur.pipeline.inputs import read_input

    spent = {"put": 0.0, "put_writes": 0.0, "writes": 0}

    def timed_checkpointer(path: str):
        saver = checkpointer(path)
        for name in ("put", "put_writes"):
            inner = getattr(saver, name)

            def wrapper(*args, _inner=inner, _name=name, **kwargs):
                start = time.perf_counter()
                try:
                    return _inner(*args, **kwargs)
                finally:
                    spent[_name] += time.perf_counter() - start
                    spent["writes"] += _name == "put_writes"
            setattr(saver, name, wrapper)
        return saver

    run_module.checkpointer = timed_checkpointer
    os.environ["AUTEUR_CACHE_DIR"] = str(cache)
    result = run_module.make(read_input(PROMPT), load_profile(profile), target_shots=shots, out=tmp / "cached")
    summary = result.summary
    assert summary["shots_cached"] == shots, summary
    per_shot = summary["stage_seconds"]["render"] / shots
    return {"render_stage_per_shot_ms": round(1000 * per_shot, 1),
            "checkpoint_put_writes_per_shot_ms": round(1000 * spent["put_writes"] / max(1, spent["writes"]), 2),
            "checkpoint_total_s": round(spent["put"] + spent["put_writes"], 3)}


def _gpus() -> str:
    try:
        import torch
    except ImportError:
        return "no torch"
    if not torch.cuda.is_available():
        return "CPU only"
    return ", ".join(torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shots", type=int, default=16)
    parser.add_argument("--profile", default="draft")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="worker counts (the first is the base)")
    parser.add_argument("--executors", nargs="+", choices=["local", "ray"], default=["local", "ray"])
    parser.add_argument("--no-orchestration", action="store_true", help="skip the cached re-run")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    result: dict = {"device": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, {_gpus()}",
                    "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "shots": args.shots,
                    "profile": args.profile, "load_before": os.getloadavg()[0], "runs": {}}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for workers in args.workers:
            for executor in args.executors:
                name = f"{executor}-{workers}"
                result["runs"][name] = make(tmp / name, tmp / f"cache-{name}", args.shots, args.profile, executor, workers)
                print(name, result["runs"][name], flush=True)
        if not args.no_orchestration:
            last = f"{args.executors[0]}-{args.workers[-1]}"
            result["orchestration"] = orchestration(tmp / f"cache-{last}", args.shots, args.profile, tmp)
    runs, base = result["runs"], args.workers[0]
    for executor in args.executors:
        for k in args.workers[1:]:
            speedup = runs[f"{executor}-{base}"]["render_s"] / runs[f"{executor}-{k}"]["render_s"]
            result[f"{executor}_speedup_{k}_over_{base}"] = round(speedup, 2)
            result[f"{executor}_{k}_meets_0.8k"] = speedup >= 0.8 * k / base
    if set(args.executors) == {"local", "ray"}:
        for workers in args.workers:
            result[f"ray_over_local_{workers}"] = round(runs[f"ray-{workers}"]["render_s"] / runs[f"local-{workers}"]["render_s"], 2)
    # the runs' own workers raise the load, so only the load before the first run tells whether others were busy
    result["quiet"] = result["load_before"] < 0.25 * (os.cpu_count() or 1)
    result["load_after"] = os.getloadavg()[0]
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
