"""The studio profiles end to end: `auteur make` with the MoT director and a GPU renderer, on tiny
random checkpoints written in the real layouts, loaded through the real loaders onto the device.

For each variant it writes the checkpoints (a BAGEL-layout MoT from tests/mot_tiny.py; LTX-2, Wan
2.2, Stable Audio and VITS in diffusers'/transformers' layouts from tests/tiny_models.py), derives
a profile from the built-in one (its settings kept, the model paths, device and sizes made tiny),
runs the real command line, `auteur make PREMISE --profile that.toml`, whose render fan-out goes
through the local executor, and checks the film: an mp4 with picture and sound, every shot's
keyframe drawn at the renderer's own frame size, the backends recorded in run.json.

    python benchmarks/gpu_studio.py --device cuda        # the studio films on the GPU
    python benchmarks/gpu_studio.py --device cpu --variant studio-fast --json out.json

On a lent GPU this runs as steps of the one-call script, `python benchmarks/gpu_all.py` (studio_films,
studio_ray), beside gpu_shot.py at real size and film_budget.py.

Variants: `studio` (LTX-2, default schedule with MA-CFG), `studio-fast` (LTX-2 on the distilled
schedule, FP8 where the GPU has it), `wan` (the studio profile with the Wan 2.2 renderer), `uniavgen`
(the uniavgen profile: UniAVGen in the published layout, tests/uniavgen_checkpoint.py).
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
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the tiny checkpoints are the tests' own

PREMISE = "A lighthouse keeper befriends a storm that wants to stop raining"
VARIANTS = ("studio", "studio-fast", "wan", "uniavgen")


def toml_text(data: dict, prefix: str = "") -> str:
    """A nested dict as TOML (strings, numbers, booleans, lists and tables: what a profile holds)."""
    def value(v) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, (int, float)):
            return repr(v)
        if isinstance(v, str):
            return json.dumps(v)  # a JSON string is a valid TOML basic string
        if isinstance(v, (list, tuple)):
            return "[" + ", ".join(value(x) for x in v) + "]"
        raise TypeError(f"cannot write {type(v).__name__} to TOML")

    plain = [f"{k} = {value(v)}" for k, v in data.items() if not isinstance(v, dict)]
    tables = [toml_text(v, f"{prefix}{k}.") for k, v in data.items() if isinstance(v, dict)]
    head = f"[{prefix[:-1]}]\n" if prefix else ""
    return head + "".join(line + "\n" for line in plain) + "\n" + "".join(tables)


def checkpoints(root: Path, variant: str) -> dict[str, Path]:
    """Tiny random checkpoints in the real layouts, by role."""
    import mot_tiny
    from diffusers import LTX2ImageToVideoPipeline
    from tiny_models import ltx2_components, saved_pipeline, studio_models

    paths = {"director": mot_tiny.checkpoint(root / "bagel", seed=1)}
    if variant == "uniavgen":
        from uniavgen_checkpoint import write_uniavgen

        return {**paths, "uniavgen": write_uniavgen(root / "UniAVGen")}
    if variant == "wan":
        return {**paths, **studio_models(root)}
    return {**paths, "ltx2": saved_pipeline(LTX2ImageToVideoPipeline, ltx2_components(), root / "ltx2")}


def profile_for(variant: str, paths: dict[str, Path], device: str) -> dict:
    """The built-in profile with its models swapped for the tiny ones, on `device`, at tiny sizes."""
    base = variant if variant in ("studio-fast", "uniavgen") else "studio"
    data = tomllib.loads((ROOT / "pipeline" / "profiles" / f"{base}.toml").read_text())
    data["description"] = f"{base} on tiny random checkpoints ({variant}, {device})"
    data["target_runtime_s"] = 12
    data["video"] = {"width": 320, "height": 180, "fps": 8, "sample_rate": 48000}
    data["assembly"] = {"title_card_s": 1.0, "end_card_s": 1.0}
    data["director"]["settings"].update(
        model=str(paths["director"]), device=device, dtype="fp32" if device == "cpu" else "bf16", steps=3,
        image_side=64, reference_side=32, reference_min_side=16, vit_side=16, vit_min_side=8, max_chars=10,
        max_items=2, max_new_tokens=1500)
    memory = {**data["renderer"]["settings"].get("memory", {}), "compile": False}
    if variant == "uniavgen":
        data["renderer"]["settings"].update(model=str(paths["uniavgen"]), device=device, width=64, height=32, steps=2,
                                            memory=memory)
    elif variant == "wan":
        data["renderer"] = {"backend": "wan", "settings": {
            "model": str(paths["wan"]), "tts_model": str(paths["tts"]), "ambience_model": str(paths["ambience"]),
            "device": device, "width": 64, "height": 32, "steps": 2, "ambience_steps": 2, "max_sequence_length": 16,
            "memory": memory}}
    else:
        settings = data["renderer"]["settings"]
        settings.update(model=str(paths["ltx2"]), revision="", device=device, width=64, height=32,
                        max_sequence_length=16, image_crf=0, cross_timestep=False, stg_block=1, memory=memory)
        if settings.get("schedule", "default") == "default":
            settings["steps"] = 2
    return data


def run(variant: str, device: str, shots: int, work: Path, executor: str = "local") -> dict:
    """Make one film with `variant` on `device`; return what was checked and how long it took."""
    from PIL import Image

    from auteur.core.schema import Film
    from auteur.models.renderer import keyframe_size, load_renderer
    from auteur.pipeline.config import load_profile
    from auteur.tools.editing.ffmpeg import probe

    root = work / f"{variant}-{executor}"
    start = time.perf_counter()
    paths = checkpoints(root / "models", variant)
    written = time.perf_counter() - start
    profile_path = root / f"{variant}.toml"
    profile_path.write_text(toml_text(profile_for(variant, paths, device)))
    out = root / "film"
    env = {**os.environ, "AUTEUR_CACHE_DIR": str(root / "cache"), "HF_HUB_OFFLINE": "1"}
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "auteur.pipeline.cli", "make", PREMISE, "--profile",
                           str(profile_path), "--shots", str(shots), "--executor", executor, "--out", str(out)],
                          capture_output=True, text=True, env=env)
    wall = time.perf_counter() - start
    if done.returncode:
        last = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"exit {done.returncode}"
        raise SystemExit(f"{variant} on {device} ({executor}): auteur make failed: {last}")
    profile = load_profile(str(profile_path))
    wanted = keyframe_size(load_renderer(profile.renderer.backend, profile.renderer.settings), profile.video)
    film = Film.from_json((out / "script.json").read_text())
    sizes = set()
    for shot in film.shots():
        with Image.open(out / shot.keyframe) as picture:
            sizes.add(picture.size)
    info = probe(out / "film.mp4")
    manifest = json.loads((out / "run.json").read_text())
    checks = {"film_has_picture_and_sound": info.codecs("video") == ["h264"] and info.codecs("audio") == ["aac"],
              "keyframes_at_renderer_size": sizes == {tuple(wanted)},
              "director_is_mot": manifest["profile"]["director"]["backend"] == "mot",
              "renderer": manifest["profile"]["renderer"]["backend"],
              "every_shot_rendered": manifest["summary"]["shots_rendered"] == len(film.shots())}
    if not all(v for k, v in checks.items() if k != "renderer"):
        raise SystemExit(f"{variant} on {device}: the film fails a check: {checks}")
    return {"variant": variant, "device": device, "executor": executor, "shots": len(film.shots()),
            "film_s": round(info.duration, 2),
            "keyframe": f"{wanted[0]}x{wanted[1]}", "checkpoints_written_s": round(written, 2),
            "make_wall_s": round(wall, 2), "stage_seconds": manifest["summary"]["stage_seconds"], "checks": checks}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cuda", help="cuda (the GPU check), cuda:1, or cpu")
    parser.add_argument("--variant", choices=[*VARIANTS, "all"], action="append",
                        help="a variant to make (repeat for several; all when none is named)")
    parser.add_argument("--executor", default="local", help="local (one renderer per GPU) or ray (one actor per GPU)")
    parser.add_argument("--shots", type=int, default=3)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    if args.device.startswith("cuda"):
        import torch

        if not torch.cuda.is_available():
            sys.exit("--device cuda needs a CUDA GPU; use --device cpu to run the same check on the CPU")
    results = []
    with tempfile.TemporaryDirectory(prefix="auteur-studio-") as scratch:
        for variant in VARIANTS if not args.variant or "all" in args.variant else args.variant:
            results.append(run(variant, args.device, args.shots, Path(scratch), args.executor))
            print(json.dumps(results[-1]), flush=True)
    report = {"machine": f"{platform.machine()}, {os.cpu_count()} cores", "device": args.device,
              "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
              "load_average": " ".join(f"{x:.2f}" for x in os.getloadavg()), "results": results}
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
    return report


if __name__ == "__main__":
    main()
