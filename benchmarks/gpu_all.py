"""Every GPU figure of the project in one call: a list of steps, each a command whose output is saved.

    python benchmarks/gpu_all.py                 # on a lent GPU machine: every step, within --budget seconds
    python benchmarks/gpu_all.py --tiny          # the same steps at tiny sizes on the CPU (what CI and a laptop run)
    python benchmarks/gpu_all.py --only mot_decode_7b,mot_denoise_7b --list

Results go to $OUT when it is set (the device tool brings that folder back), else to --out: one
`<step>.txt` (the step's output) and `<step>.json` (its figures, where the step writes some) per step,
and `summary.json` (each step's command, exit status, seconds). A step that fails or runs out of time
is recorded and the next one runs. Steps run in the order listed and are skipped, not started, when
less than their `seconds` estimate is left of the budget, so the call ends inside it.

To add a figure, append a `Step` to STEPS: a name, the command on a GPU, the command for --tiny, and
an estimate of its GPU seconds (start-up and compilation included).

The lent machine lacks some packages the steps need (see /work/shared/GPU.md). Bring them as wheels
in `.whl/` (ignored by git, named in the device call's `carry`), fetched here with

    python3 -m pip download --no-deps --only-binary=:all: --python-version 3.12 --implementation cp \
        --platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 \
        -d .whl xgrammar apache-tvm-ffi pydantic pydantic-core annotated-types typing-inspection

and this script installs them into /tmp/site before the first step (--wheels). Without an install of
auteur it lays the repository out as the package `auteur` under /tmp/auteur-path (the top-level
folders are its subpackages) and puts that on PYTHONPATH.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable


@dataclass(frozen=True)
class Step:
    name: str
    gpu: list[str]  # arguments after the interpreter; "{json}" becomes the step's figures file
    tiny: list[str]
    seconds: int  # estimated GPU seconds, start-up included
    issue: int


STEPS: list[Step] = [
    # issue 14: the MoT director. Decode at BAGEL-7B dims against transformers' compiled static-cache generate,
    # with the xgrammar-constrained path; H200 HBM ~4.8 TB/s.
    Step("mot_decode_7b",
         ["benchmarks/mot_text_decode.py", "--dims", "7b", "--device", "cuda", "--dtype", "bf16", "--new", "256",
          "--repeats", "3", "--runs", "static,constrained,qwen2", "--hbm-tbps", "4.8", "--json", "{json}"],
         ["benchmarks/mot_text_decode.py", "--dims", "tiny", "--new", "24", "--repeats", "1", "--json", "{json}"],
         seconds=150, issue=14),
    # One guided step (3 branches) at 1024^2 and 512^2 as % of bf16 peak, old step beside it; 4 keyframes of 512^2
    # in one loop against one at a time.
    Step("mot_denoise_7b",
         ["benchmarks/mot_denoise_step.py", "--dims", "7b", "--device", "cuda", "--dtype", "bf16", "--sizes", "1024,512",
          "--repeats", "5", "--keyframes", "4", "--keyframe-size", "512", "--loop-steps", "6", "--json", "{json}"],
         ["benchmarks/mot_denoise_step.py", "--dims", "tiny", "--sizes", "128,256", "--repeats", "1", "--keyframes", "2",
          "--keyframe-size", "128", "--loop-steps", "3", "--json", "{json}"],
         seconds=150, issue=14),
    # The same step compiled (fused norms/RoPE/SiLU by inductor) before capture: worth it only if faster.
    Step("mot_denoise_7b_compiled",
         ["benchmarks/mot_denoise_step.py", "--dims", "7b", "--device", "cuda", "--dtype", "bf16", "--sizes", "1024,512",
          "--repeats", "5", "--compile", "--skip-old", "--json", "{json}"],
         ["benchmarks/mot_denoise_step.py", "--dims", "tiny", "--sizes", "128", "--repeats", "1", "--skip-old",
          "--compile", "--json", "{json}"],
         seconds=120, issue=14),
    # issue 17: training throughput and peak memory at BAGEL-7B widths, seq 4096, bf16 autocast, with and without
    # activation checkpointing: 4 of the 28 layers with full AdamW (14B x fp32 AdamW does not fit one GPU), then
    # all 28 layers with rank-64 LoRA on bf16 base weights.
    Step("mot_train_7b",
         ["benchmarks/mot_train.py", "--gpu", "--json", "{json}"],
         ["benchmarks/mot_train.py", "--threads", "1", "--layers", "1", "--seq-len", "256", "--repeats", "1",
          "--checkpointing", "both", "--json", "{json}"],
         seconds=120, issue=17),
    Step("mot_train_7b_lora",
         ["benchmarks/mot_train.py", "--gpu", "--lora", "64", "--json", "{json}"],
         ["benchmarks/mot_train.py", "--threads", "1", "--layers", "1", "--seq-len", "256", "--repeats", "1",
          "--lora", "4", "--json", "{json}"],
         seconds=150, issue=17),

    # issue 15: the studio profiles. Three films (studio, studio-fast, the Wan variant) with tiny checkpoints in the
    # real layouts, loaded through the real loaders onto the GPU, fanned out by the local executor.
    Step("studio_films",
         ["benchmarks/gpu_studio.py", "--device", "cuda", "--shots", "3", "--json", "{json}"],
         ["benchmarks/gpu_studio.py", "--device", "cpu", "--variant", "studio-fast", "--shots", "2", "--json", "{json}"],
         seconds=120, issue=15),
    # LTX-2 at real size (19 B, released VAE config, bf16 built on the GPU): seconds per 5-s 768x512 shot for studio
    # (10 of its 40 steps: seconds per step scale) and studio-fast (distilled, 8 calls), ratio to the bare pipeline.
    Step("ltx2_shot_real",
         ["benchmarks/gpu_shot.py", "--size", "real", "--backend", "ltx2", "--shots", "1", "--steps", "10",
          "--json", "{json}"],
         ["benchmarks/gpu_shot.py", "--backend", "ltx2", "--shots", "1", "--json", "{json}"],
         seconds=240, issue=15),
    # The 60-s film budget from the measured shot figures (reference figures where nothing new was measured).
    Step("film_budget",
         ["benchmarks/film_budget.py", "--shot-results-beside", "ltx2_shot_real.json", "--json", "{json}"],
         ["benchmarks/film_budget.py", "--json", "{json}"],
         seconds=10, issue=15),
    # Ray: one actor per GPU (needs `ray` on the machine); and Wan 2.2 5B at real size, 10 of its 50 steps.
    Step("studio_ray",
         ["benchmarks/gpu_studio.py", "--device", "cuda", "--variant", "studio-fast", "--executor", "ray",
          "--shots", "3", "--json", "{json}"],
         ["benchmarks/gpu_studio.py", "--device", "cpu", "--variant", "studio-fast", "--executor", "ray",
          "--shots", "2", "--json", "{json}"],
         seconds=90, issue=15),
    Step("wan_shot_real",
         ["benchmarks/gpu_shot.py", "--size", "real", "--backend", "wan", "--shots", "1", "--steps", "10",
          "--json", "{json}"],
         ["benchmarks/gpu_shot.py", "--backend", "wan", "--shots", "1", "--json", "{json}"],
         seconds=200, issue=15),

    # issue 16: UniAVGen at its published size (random bf16 weights built on the GPU): seconds per 5-s 1280x704 shot
    # (one call: 21 latent frames, 506 mel frames; 10 of its 50 steps, seconds per step given) and peak memory, the
    # renderer against the bare sampling loop + VAE decode + vocoder (acceptance: ratio <= 1.05).
    Step("uniavgen_shot_real",
         ["benchmarks/uniavgen_shot.py", "--size", "real", "--shots", "1", "--steps", "10", "--json", "{json}"],
         ["benchmarks/uniavgen_shot.py", "--shots", "1", "--json", "{json}"],
         seconds=180, issue=16),
]


def environment(wheels: bool) -> dict[str, str]:
    env = dict(os.environ)
    paths = []
    if wheels and (ROOT / ".whl").is_dir():
        site = Path("/tmp/site")
        found = sorted(str(p) for p in (ROOT / ".whl").glob("*.whl"))
        if found:
            subprocess.run([PY, "-m", "pip", "install", "-q", "--no-index", "--no-deps", "--no-compile", "--no-cache-dir",
                            "--upgrade", "--target", str(site), *found], check=True)
            paths.append(str(site))
    probe = subprocess.run([PY, "-c", "import auteur.models.mot"], env=env, capture_output=True, cwd="/")
    if probe.returncode != 0:  # not installed: lay the repository out as the namespace package `auteur`
        pkg = Path("/tmp/auteur-path/auteur")
        pkg.mkdir(parents=True, exist_ok=True)
        for folder in ("core", "agents", "prompts", "pipeline", "models", "tools"):
            link = pkg / folder
            if not link.exists():
                link.symlink_to(ROOT / folder)
        paths.append(str(pkg.parent))
    if paths:
        env["PYTHONPATH"] = os.pathsep.join(paths + [env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return env


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--tiny", action="store_true", help="tiny sizes on the CPU")
    p.add_argument("--only", help="comma-separated step names")
    p.add_argument("--budget", type=int, default=480, help="seconds for all steps together")
    p.add_argument("--out", default="gpu-results")
    p.add_argument("--wheels", action="store_true", help="install .whl/*.whl into /tmp/site first")
    p.add_argument("--list", action="store_true")
    args = p.parse_args()
    steps = [s for s in STEPS if not args.only or s.name in args.only.split(",")]
    if args.list:
        for s in steps:
            print(f"{s.name:<28} issue {s.issue:>3}  ~{s.seconds} s  {' '.join(s.gpu)}")
        return
    out = Path(os.environ.get("OUT") or args.out)
    out.mkdir(parents=True, exist_ok=True)
    env = environment(args.wheels)
    if args.tiny:
        env.setdefault("OMP_NUM_THREADS", "1")
    start = time.monotonic()
    summary = []
    for s in steps:
        left = args.budget - (time.monotonic() - start)
        if not args.tiny and left < s.seconds:
            summary.append({"step": s.name, "skipped": f"{left:.0f} s left, needs ~{s.seconds} s"})
            print(f"[skip] {s.name}: {left:.0f} s left of the budget, it needs ~{s.seconds} s", flush=True)
            continue
        figures = out / f"{s.name}.json"
        cmd = [PY] + [a.replace("{json}", str(figures)) for a in (s.tiny if args.tiny else s.gpu)]
        print(f"[run] {s.name}: {' '.join(cmd[1:])}", flush=True)
        t0 = time.monotonic()
        try:
            done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=max(10, left))
            rc, text = done.returncode, done.stdout + done.stderr
        except subprocess.TimeoutExpired as err:
            rc, text = 124, (err.stdout or b"").decode() if isinstance(err.stdout, bytes) else (err.stdout or "")
        seconds = time.monotonic() - t0
        (out / f"{s.name}.txt").write_text(text)
        tail = "\n".join(line for line in text.splitlines() if "it/s]" not in line)[-1500:]
        print(tail, flush=True)
        print(f"[done] {s.name}: exit {rc} in {seconds:.0f} s", flush=True)
        summary.append({"step": s.name, "issue": s.issue, "command": cmd[1:], "exit": rc, "seconds": round(seconds, 1),
                        "figures": json.loads(figures.read_text()) if figures.is_file() else None})
    (out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    failed = [x["step"] for x in summary if x.get("exit", 0) != 0]
    print(f"{len(summary)} steps, {len(failed)} failed{': ' + ', '.join(failed) if failed else ''}; results in {out}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
