"""Every GPU figure of the project in two device calls, prepared and rehearsed here on the CPU.

    python benchmarks/gpu_all.py --pack             # here: lay .device/ (the wheels and ffmpeg the machine lacks)
    python benchmarks/gpu_all.py --rehearse         # here: every step at tiny size, in a Python 3.12 venv holding
                                                    # only the lent image's packages plus what .device carries
    python3 benchmarks/gpu_all.py --call 1 --budget 470     # on the lent machine (see gpu_plan.py for the calls)
    python benchmarks/gpu_all.py --list

A call first unpacks `.device/` (checked against its manifest) into a scratch folder, puts it on
PYTHONPATH with the repository laid out as the package `auteur`, points AUTEUR_FFMPEG at the carried
ffmpeg, then runs its steps (gpu_plan.py) in order, each a subprocess, skipping those whose estimate no
longer fits the budget. Results go to $OUT when it is set (the device tool brings that folder back),
else to --out: `call<N>.json` (each step's command, exit status, seconds, target and figures) and
`call<N>.log` (every step's whole output); at most 8 files come back from a device call.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gpu_plan import CALLS, KIND, STEPS, Step, steps_of  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("core", "agents", "prompts", "pipeline", "models", "tools")  # the package-dir mapping of pyproject.toml


def layout(scratch: Path) -> Path:
    """The repository as the package `auteur` (its top-level folders linked in), for an uninstalled run."""
    pkg = scratch / "auteur-path" / "auteur"
    pkg.mkdir(parents=True, exist_ok=True)
    for folder in PACKAGES:
        link = pkg / folder
        if link.is_symlink() and link.resolve() != (ROOT / folder).resolve():
            link.unlink()
        if not link.exists():
            link.symlink_to(ROOT / folder)
    return pkg.parent


def environment(scratch: Path, kit: Path | None) -> dict[str, str]:
    """The steps' environment: the kit's packages and ffmpeg, and `auteur` importable without an install."""
    from device_kit import unpack

    env = dict(os.environ, PYTHONUNBUFFERED="1", HF_HUB_OFFLINE="1")
    paths = []
    if kit is not None:
        ffmpeg = unpack(kit, scratch / "site")
        paths.append(str(scratch / "site"))
        env["AUTEUR_FFMPEG"] = str(ffmpeg)
    probe = subprocess.run([sys.executable, "-c", "import auteur.models.mot"], env=env, capture_output=True, cwd="/")
    if probe.returncode != 0:
        paths.append(str(layout(scratch)))
    env["PYTHONPATH"] = os.pathsep.join(paths + [env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return env


def run_steps(steps: list[Step], env: dict[str, str], work: Path, budget: float | None, tiny: bool,
              log) -> list[dict]:
    """Run each step in turn within `budget` seconds (None: no limit); one record per step."""
    start = time.monotonic()
    work.mkdir(parents=True, exist_ok=True)
    summary = []
    for s in steps:
        left = None if budget is None else budget - (time.monotonic() - start)
        if left is not None and left < s.seconds:
            summary.append({"step": s.name, "issue": s.issue, "target": s.target,
                            "skipped": f"{left:.0f} s left of the budget, needs ~{s.seconds} s"})
            print(f"[skip] {s.name}: {left:.0f} s left of the budget, it needs ~{s.seconds} s", flush=True)
            continue
        figures = work / f"{s.name}.json"
        figures.unlink(missing_ok=True)
        cmd = [sys.executable] + [a.replace("{json}", str(figures)) for a in (s.tiny if tiny else s.gpu)]
        print(f"[run] {s.name}: {' '.join(cmd[1:])}", flush=True)
        t0 = time.monotonic()
        try:
            done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True,
                                  timeout=None if left is None else max(10.0, left))
            rc, text = done.returncode, done.stdout + done.stderr
        except subprocess.TimeoutExpired as err:
            out = err.stdout.decode(errors="replace") if isinstance(err.stdout, bytes) else (err.stdout or "")
            rc, text = 124, out + "\n[timed out: the call's budget ran out]"
        seconds = time.monotonic() - t0
        log.write(f"===== {s.name}: exit {rc} in {seconds:.1f} s\n$ {' '.join(cmd[1:])}\n{text}\n")
        log.flush()
        tail = "\n".join(line for line in text.splitlines() if "it/s]" not in line)[-1500:]
        print(tail, flush=True)
        print(f"[done] {s.name}: exit {rc} in {seconds:.0f} s", flush=True)
        try:
            found = json.loads(figures.read_text()) if figures.is_file() else None
        except ValueError:
            found = None
        summary.append({"step": s.name, "issue": s.issue, "target": s.target, "command": cmd[1:], "exit": rc,
                        "seconds": round(seconds, 1), "figures": found, "tail": tail[-600:] if rc else ""})
    return summary


def device_name() -> str:
    try:
        import torch

        if torch.cuda.is_available():
            return torch.cuda.get_device_name(0)
    except ImportError:
        pass
    return f"{platform.machine()}, CPU only"


def run_call(args) -> int:
    out = Path(os.environ.get("OUT") or args.out)
    out.mkdir(parents=True, exist_ok=True)
    scratch = Path(args.scratch)
    scratch.mkdir(parents=True, exist_ok=True)
    kit = None if args.no_kit else Path(args.kit)
    if kit is not None and not (kit / "manifest.json").is_file():
        raise SystemExit(f"{kit} holds no kit: run `python benchmarks/gpu_all.py --pack` first (or pass --no-kit)")
    t0 = time.monotonic()
    env = environment(scratch, kit)
    setup_s = time.monotonic() - t0
    if args.tiny:
        env.setdefault("OMP_NUM_THREADS", "1")
    steps = steps_of(args.call, args.only)
    label = f"call{args.call}" if args.call else "steps"
    budget = None if args.tiny else (args.budget if args.budget is not None else CALLS.get(args.call, {}).get("budget"))
    with (out / f"{label}.log").open("w") as log:
        summary = run_steps(steps, env, scratch / "figures", budget, args.tiny, log) if steps else []
    failed = [x["step"] for x in summary if x.get("exit", 0) != 0]
    report = {"call": args.call, "tiny": args.tiny, "device": device_name(), "python": platform.python_version(),
              "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "kit_unpack_s": round(setup_s, 1),
              "budget_s": budget, "wall_s": round(time.monotonic() - t0, 1), "failed": failed, "steps": summary}
    (out / f"{label}.json").write_text(json.dumps(report, indent=2) + "\n")
    ran = sum(1 for x in summary if "exit" in x)
    print(f"{ran} steps run, {len(summary) - ran} skipped, {len(failed)} failed"
          f"{': ' + ', '.join(failed) if failed else ''}; results in {out}")
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    what = p.add_mutually_exclusive_group()
    what.add_argument("--pack", action="store_true", help="lay .device/ here (needs the package registry)")
    what.add_argument("--rehearse", action="store_true", help="every step at tiny size in a Python 3.12 venv like the "
                                                              "lent image, with only .device added")
    what.add_argument("--list", action="store_true", help="the plan: calls, steps, estimates")
    p.add_argument("--call", type=int, choices=sorted(CALLS), help="run one device call's steps")
    p.add_argument("--only", help="comma-separated step names (instead of a call's)")
    p.add_argument("--tiny", action="store_true", help="tiny sizes on the CPU")
    p.add_argument("--budget", type=float, help="seconds for the call's steps (default: the plan's)")
    p.add_argument("--out", default="gpu-results", help="results folder when $OUT is not set")
    p.add_argument("--kit", default=str(ROOT / ".device"))
    p.add_argument("--no-kit", action="store_true", help="use the packages already installed (an installed auteur)")
    p.add_argument("--scratch", default="/tmp/auteur-device", help="where the kit is unpacked and figures land")
    p.add_argument("--refresh", action="store_true", help="--pack: resolve the packages again (else cached)")
    args = p.parse_args(argv)
    if args.pack:
        from device_kit import pack

        data = pack(refresh=args.refresh)
        print(f".device: {len(data['wheels'])} wheels and ffmpeg in {data['kit_mib']} MiB; with the working tree "
              f"{data['travels_mib']} MiB travel (limit 64)")
        return 0
    if args.rehearse:
        from rehearsal import rehearse

        return rehearse(Path(args.kit), Path(args.out))
    if args.list:
        for n, call in CALLS.items():
            print(f"call {n} on {KIND}: budget {call['budget']} s, timeout_s {call['timeout_s']}")
            for s in steps_of(n):
                print(f"  {s.name:<26} issue {s.issue:>3}  ~{s.seconds:>3} s  {s.target}")
        return 0
    if args.call is None and not args.only:
        p.error("say which steps: --call N or --only NAMES (or --pack, --rehearse, --list)")
    return run_call(args)


if __name__ == "__main__":
    sys.exit(main())
