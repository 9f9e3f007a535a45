"""The draft renderer's picture encode: x264 settings side by side on a film's own camera moves.

For every shot of a finished draft run, the frames the renderer pipes to ffmpeg (its keyframe, camera path and
plate, as `DraftRenderer` draws them) are written once as raw RGB; then each setting encodes them with the
renderer's own filter chain, one thread, and is measured for CPU seconds (ffmpeg's, from rusage), bytes, and
SSIM and PSNR against the same frames converted losslessly to the encoder's YUV. The peer is x264 `veryfast`
(the renderer's preset until 2026-12-07); ratios are against it.

    python benchmarks/draft_encode.py RUN [--shots 6] [--repeat 3] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHAIN = ("scale=out_color_matrix=bt709:out_range=tv,format=yuv420p,"
         "setparams=colorspace=bt709:color_primaries=bt709:color_trc=bt709")


def settings() -> dict[str, list[str]]:
    from auteur.tools.editing.ffmpeg import x264_args

    return {"veryfast (peer)": x264_args("veryfast", 20),
            "superfast, x264 as shipped": ["-c:v", "libx264", "-preset", "superfast", "-crf", "20"],
            "superfast, mbtree kept (the renderer's)": x264_args("superfast", 20),
            "ultrafast": x264_args("ultrafast", 20)}


def shot_frames(run: Path, shots: int, scratch: Path) -> list[tuple[Path, int, tuple[int, int], int]]:
    """(raw file, frame count, size, fps) for the first `shots` shots of the run, drawn as the renderer draws them."""
    from auteur.core.schema import Film
    from auteur.models.draft.renderer import DraftRenderer, camera_path, prepare_plate
    from auteur.core.settings import VideoSettings
    from auteur.tools.editing.ffmpeg import probe

    from PIL import Image

    film = Film.from_json((run / "script.json").read_text("utf-8"))
    video = VideoSettings(**json.loads((run / "run.json").read_text("utf-8"))["profile"]["video"])
    size = (video.width, video.height)
    out = []
    for shot in film.shots()[:shots]:
        frames = math.ceil(probe(run / "shots" / f"{shot.id}.mp4").duration * video.fps - 1e-9)
        with Image.open(run / shot.keyframe) as img:
            keyframe = img.convert("RGB")
        windows = camera_path(shot, keyframe.size, size, frames, video.fps)
        plate, windows, resampling = prepare_plate(keyframe, windows, size)
        raw = scratch / f"{shot.id}.rgb"
        with open(raw, "wb") as f:
            for frame in DraftRenderer._frames(plate, windows, [1.0] * frames, resampling, size, None):
                f.write(frame)
        out.append((raw, frames, size, video.fps))
    return out


def _child_cpu(args: list[str]) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(args, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def measure(shots, encoder: list[str], repeat: int, scratch: Path) -> dict:
    from auteur.tools.editing.ffmpeg import ffmpeg_exe

    cpu, size, ssim, psnr, frames = 0.0, 0, [], [], 0
    for raw, count, (w, h), fps in shots:
        source = ["-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{w}x{h}", "-framerate", str(fps), "-i", str(raw)]
        ref = raw.with_suffix(".yuv")
        if not ref.exists():
            subprocess.run([ffmpeg_exe(), "-hide_banner", "-y", "-loglevel", "error", *source, "-vf", CHAIN,
                            "-f", "rawvideo", str(ref)], check=True)
        clip = scratch / "clip.mp4"
        cmd = [ffmpeg_exe(), "-hide_banner", "-y", "-loglevel", "error", *source, "-vf", CHAIN, *encoder,
               "-threads", "1", "-f", "mp4", str(clip)]
        cpu += statistics.median(_child_cpu(cmd) for _ in range(repeat))
        size += clip.stat().st_size
        log = subprocess.run([ffmpeg_exe(), "-hide_banner", "-i", str(clip), "-f", "rawvideo", "-pix_fmt", "yuv420p",
                              "-s", f"{w}x{h}", "-i", str(ref), "-lavfi", "[0:v][1:v]ssim;[0:v][1:v]psnr",
                              "-f", "null", "-"], capture_output=True, text=True).stderr
        ssim.append(float(re.search(r"All:([0-9.]+)", log)[1]))
        psnr.append(float(re.search(r"average:([0-9.]+|inf)", log)[1]))
        frames += count
    return {"cpu_s": round(cpu, 2), "fps": round(frames / cpu, 1), "bytes": size,
            "ssim": round(statistics.mean(ssim), 5), "psnr_db": round(statistics.mean(psnr), 2)}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", type=Path, help="a finished draft run (auteur make ... --out RUN)")
    parser.add_argument("--shots", type=int, default=6)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="auteur-encode-") as tmp:
        scratch = Path(tmp)
        shots = shot_frames(args.run, args.shots, scratch)
        rows = {name: measure(shots, encoder, args.repeat, scratch) for name, encoder in settings().items()}
    peer = rows["veryfast (peer)"]
    for row in rows.values():
        row["cpu_ratio"] = round(row["cpu_s"] / peer["cpu_s"], 2)
        row["bytes_ratio"] = round(row["bytes"] / peer["bytes"], 2)
    report = {"machine": f"{platform.machine()}, {os.cpu_count()} cores", "python": sys.version.split()[0],
              "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "run": str(args.run),
              "shots": len(shots), "frames": sum(s[1] for s in shots), "results": rows}
    print("| setting | CPU s | fps | bytes | SSIM | PSNR dB | CPU ratio | bytes ratio |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for name, r in rows.items():
        print(f"| {name} | {r['cpu_s']} | {r['fps']} | {r['bytes']} | {r['ssim']} | {r['psnr_db']} | "
              f"{r['cpu_ratio']} | {r['bytes_ratio']} |")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
    return report


if __name__ == "__main__":
    main()
