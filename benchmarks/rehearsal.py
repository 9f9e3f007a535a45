"""The device run rehearsed on the CPU: the lent image's Python and packages, only `.device/` added.

The venv holds Python 3.12 with exactly the image's packages (device_kit.IMAGE resolved, less what
GPU.md names as absent; torch 2.11.0 is the same CUDA 13 build the machine runs, here on the CPU). It is
built once and checked before every rehearsal: its `pip freeze` must equal the image's list, nothing more
or less, else it is built again. Nothing is ever installed into it: as on the machine, the kit unpacks
into a fresh scratch folder on PYTHONPATH. Then both device calls run exactly as gpu_plan.py starts
them, with --tiny, and the rehearsal passes only when every step of both passed.
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from device_kit import CACHE, ROOT, canonical
from gpu_plan import CALLS


def python312() -> str:
    """A Python 3.12 interpreter that runs: on PATH, or one pyenv installed (pyenv's shim fails unless selected)."""
    root = os.environ.get("PYENV_ROOT", str(Path.home() / ".pyenv"))
    candidates = [shutil.which("python3.12")] + sorted(glob.glob(f"{root}/versions/3.12*/bin/python3.12"), reverse=True)
    for candidate in filter(None, candidates):
        done = subprocess.run([candidate, "-c", "import sys; print(sys.version_info[:2] == (3, 12))"],
                              capture_output=True, text=True)
        if done.returncode == 0 and done.stdout.strip() == "True":
            return candidate
    raise SystemExit("the rehearsal needs Python 3.12 (the lent machine's); none runs from PATH or under pyenv: "
                     "`pyenv install 3.12` or your system's python3.12 package")


def frozen(venv: Path) -> dict[str, str]:
    done = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "freeze", "--all", "--disable-pip-version-check"],
                          capture_output=True, text=True)
    pairs = (line.split("==", 1) for line in done.stdout.splitlines() if "==" in line)
    return {canonical(n): v for n, v in pairs if canonical(n) != "pip"}


def image_venv(image: dict[str, str]) -> Path:
    """The venv of the lent image's packages, built if missing or if it holds anything else."""
    venv = CACHE / "image-venv"
    if (venv / "bin" / "python").is_file() and frozen(venv) == image:
        return venv
    shutil.rmtree(venv, ignore_errors=True)
    wheels = CACHE / "image-wheels"
    pins = [f"{n}=={v}" for n, v in image.items()]
    py = python312()
    subprocess.run([py, "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "--disable-pip-version-check", "-q"]
    # the wheels are kept between builds: torch's CUDA build and its libraries are 2.6 GB
    subprocess.run(pip + ["download", "--no-deps", "-d", str(wheels), *pins], check=True)
    subprocess.run(pip + ["install", "--no-index", "--no-deps", "--find-links", str(wheels), *pins], check=True)
    if venv.joinpath("bin", "python").is_file() and frozen(venv) != image:
        extra = sorted(set(frozen(venv).items()) ^ set(image.items()))
        raise SystemExit(f"the image venv does not match the image's list: {extra[:6]}")
    return venv


def rehearse(kit: Path, out: Path) -> int:
    """Both device calls at tiny size in the image venv with the kit; 0 only when every step passed."""
    manifest = kit / "manifest.json"
    if not manifest.is_file():
        raise SystemExit(f"{kit} holds no kit: run `python benchmarks/gpu_all.py --pack` first")
    image = json.loads(manifest.read_text())["image"]
    t0 = time.monotonic()
    venv = image_venv(image)
    venv_s = time.monotonic() - t0
    out.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "OUT", "PYTHONHOME")}
    env["PATH"] = os.pathsep.join([str(venv / "bin"), env.get("PATH", "")])
    calls, failed = {}, False
    with tempfile.TemporaryDirectory(prefix="auteur-rehearsal-") as scratch:
        for n in sorted(CALLS):
            t = time.monotonic()
            # the device call's own command, with --tiny; the scratch stands in for the machine's /tmp
            cmd = [str(venv / "bin" / "python"), "benchmarks/gpu_all.py", "--call", str(n), "--tiny",
                   "--kit", str(kit), "--scratch", scratch, "--out", str(out)]
            print(f"[rehearse] call {n}: {' '.join(cmd[1:])}", flush=True)
            rc = subprocess.run(cmd, cwd=ROOT, env=env).returncode
            calls[n] = {"exit": rc, "seconds": round(time.monotonic() - t, 1)}
            failed |= rc != 0
    report = {"python": subprocess.run([str(venv / "bin" / "python"), "--version"], capture_output=True,
                                       text=True).stdout.strip(),
              "torch": image.get("torch"), "venv_check_or_build_s": round(venv_s, 1), "calls": calls,
              "wall_s": round(time.monotonic() - t0, 1), "passed": not failed}
    (out / "rehearsal.json").write_text(json.dumps(report, indent=2) + "\n")
    print(f"rehearsal {'passed' if not failed else 'FAILED'} in {report['wall_s']:.0f} s "
          f"(venv {venv_s:.0f} s; " + ", ".join(f"call {n}: exit {c['exit']} in {c['seconds']:.0f} s"
                                                for n, c in calls.items()) + f"); results in {out}")
    return 0 if not failed else 1


if __name__ == "__main__":
    sys.exit(rehearse(ROOT / ".device", ROOT / "gpu-results"))
