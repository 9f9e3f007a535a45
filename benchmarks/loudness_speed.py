"""Loudness normalisation of a film's soundtrack: auteur's `normalize` side by side with ffmpeg's two-pass loudnorm.

Both take the same float WAV (speech-like harmonics in syllables and phrases over pink noise, the test material
of tests/test_loudness.py) to -16 LUFS under -1.5 dBTP at 48 kHz. The peer is what the assembler ran before:
loudnorm's measuring pass, then its applying pass from the first pass's report (linear=true, which loudnorm
abandons for its dynamic mode when the gain would break the ceiling), both at loudnorm's internal 192 kHz.
Each is timed end to end (wall, median of --repeat), and its result measured with ebur128.

    python benchmarks/loudness_speed.py --seconds 60 --repeat 3
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))


def loudnorm_two_pass(src: Path, dst: Path, target: float, ceiling: float, rate: int) -> None:
    from auteur.tools.editing.ffmpeg import run_ffmpeg

    first = run_ffmpeg(["-loglevel", "info", "-nostats", "-i", str(src), "-af",
                        f"loudnorm=I={target}:TP={ceiling}:LRA=7:print_format=json", "-f", "null", "-"])
    text = first.stderr.decode("utf-8", "replace")
    m = json.loads(text[text.rfind("{"): text.rfind("}") + 1])
    lra = max(7.0, float(m["input_lra"]) + 0.1)
    run_ffmpeg(["-i", str(src), "-af",
                f"loudnorm=I={target}:TP={ceiling}:LRA={lra:.2f}:measured_I={m['input_i']}:measured_TP={m['input_tp']}"
                f":measured_LRA={m['input_lra']}:measured_thresh={m['input_thresh']}:offset={m['target_offset']}"
                f":linear=true,aresample={rate}", "-c:a", "pcm_f32le", str(dst)])


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    from test_loudness import _write_wav, speech_and_ambience

    from auteur.tools.editing.loudness import measure, normalize

    work = Path(tempfile.mkdtemp(prefix="loudness-bench-"))
    src = _write_wav(work / "soundtrack.wav", speech_and_ambience(args.seconds, -12.0))
    runs = {"auteur normalize": lambda dst: normalize(src, dst, -16.0, -1.5, 48000),
            "loudnorm two-pass (peer)": lambda dst: loudnorm_two_pass(src, dst, -16.0, -1.5, 48000)}
    rows = {}
    for name, run in runs.items():
        times = []
        for k in range(args.repeat):
            dst = work / f"{name.split()[0]}-{k}.wav"
            start = time.perf_counter()
            run(dst)
            times.append(time.perf_counter() - start)
        result = measure(dst)
        rows[name] = {"median_s": round(statistics.median(times), 3), "integrated_lufs": result.integrated_lufs,
                      "true_peak_db": result.true_peak_db, "lra": result.lra}
    source = measure(src)
    report = {"seconds": args.seconds, "source": vars(source), "runs": rows,
              "ratio": round(rows["auteur normalize"]["median_s"] / rows["loudnorm two-pass (peer)"]["median_s"], 3)}
    print(json.dumps(report, indent=2))
    return report


if __name__ == "__main__":
    main()
