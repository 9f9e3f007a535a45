"""EBU R128 loudness: measure a soundtrack, and normalise it with ffmpeg's two-pass loudnorm.

The two passes are also offered as filter strings (`measuring_filter`, `applying_filter`) so the
assembler can run the first pass while it writes the soundtrack and the second while it encodes
the film's AAC, instead of spending two extra passes over the audio.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

from auteur.core.atomic import atomic_path
from auteur.tools.editing.ffmpeg import FFmpegError, run_ffmpeg

# Quieter than this the soundtrack is silence (ebur128 reports -70 LUFS for digital silence);
# gain applied to it would only raise the noise floor.
SILENT_LUFS = -69.0
# loudnorm's loudness-range target. The second pass asks for at least the source's own range,
# because a target below the measured LRA makes loudnorm give up linear mode and compress.
MIN_LRA = 7.0
MAX_LRA = 50.0
_LOOKAHEAD_S = 3.5  # loudnorm's 3 s lookahead, and some


@dataclass
class Loudness:
    integrated_lufs: float
    true_peak_db: float  # dBTP
    lra: float  # loudness range, LU


def _summary_value(text: str, label: str, path: Path) -> float:
    m = re.search(rf"{label}:\s+(-?(?:inf|[\d.]+))", text)
    if not m:
        raise FFmpegError(f"measuring loudness of {path}: ebur128 printed no {label!r} value")
    return float(m[1])


def measure(path: str | Path) -> Loudness:
    """Integrated loudness (LUFS), true peak (dBTP) and loudness range (LU) of `path`'s first audio stream."""
    path = Path(path)
    proc = run_ffmpeg(
        ["-loglevel", "info", "-nostats", "-i", str(path), "-map", "0:a:0",
         "-af", "ebur128=peak=true:framelog=verbose", "-f", "null", "-"],
        what=f"measuring loudness of {path}",
    )
    text = proc.stderr.decode("utf-8", "replace")
    summary = text[text.rfind("Summary:"):]
    return Loudness(
        integrated_lufs=_summary_value(summary, "I", path),
        true_peak_db=_summary_value(summary, "Peak", path),
        lra=_summary_value(summary, "LRA", path),
    )


def measuring_filter(target_lufs: float, true_peak_db: float) -> str:
    """loudnorm's first pass: it measures the input and prints its findings as JSON at info level."""
    # loudnorm meters its last 3 s lookahead buffer twice when it flushes at the end, which skews
    # input_i towards however the soundtrack ends (by 1.7 LU for a tone before a short end card).
    # Trailing silence takes the place of that buffer and is ignored by the R128 gate.
    return f"apad=pad_dur={_LOOKAHEAD_S},loudnorm=I={target_lufs}:TP={true_peak_db}:LRA={MIN_LRA}:print_format=json"


def read_report(log: bytes | str, what: str) -> dict[str, str]:
    """The JSON report loudnorm printed into an ffmpeg log (run at -loglevel info)."""
    text = log.decode("utf-8", "replace") if isinstance(log, bytes) else log
    start, end = text.rfind("{"), text.rfind("}")
    try:
        report = json.loads(text[start : end + 1])
        float(report["input_i"])
        return report
    except (ValueError, KeyError, TypeError):
        raise FFmpegError(f"{what}: loudnorm printed no measurement report") from None


def _number(report: dict[str, str], key: str, low: float, high: float) -> float:
    # loudnorm reports "-inf" for silence, and its options reject anything outside [low, high].
    value = float(report[key])
    return min(high, max(low, value)) if math.isfinite(value) else low


def applying_filter(measured: dict[str, str], target_lufs: float, true_peak_db: float, sample_rate: int) -> str:
    """loudnorm's second pass, from the first pass's report, resampled to `sample_rate` on the way out."""
    # loudnorm works at 192 kHz internally (for true-peak detection), hence the resample.
    resample = f"aresample={sample_rate}"
    if _number(measured, "input_i", -99, 0) < SILENT_LUFS:
        return resample
    lra = min(MAX_LRA, max(MIN_LRA, _number(measured, "input_lra", 0, 99) + 0.1))
    return (
        f"loudnorm=I={target_lufs}:TP={true_peak_db}:LRA={lra:.2f}"
        f":measured_I={_number(measured, 'input_i', -99, 0):.2f}"
        f":measured_TP={_number(measured, 'input_tp', -99, 99):.2f}"
        f":measured_LRA={_number(measured, 'input_lra', 0, 99):.2f}"
        f":measured_thresh={_number(measured, 'input_thresh', -99, 0):.2f}"
        f":offset={_number(measured, 'target_offset', -99, 99):.2f}"
        f":linear=true:print_format=json,{resample}"
    )


def normalize(
    src_wav: str | Path, dst_wav: str | Path, target_lufs: float, true_peak_db: float, sample_rate: int
) -> dict[str, str]:
    """Two-pass EBU R128 loudnorm of `src_wav` into a float WAV at `sample_rate`; returns pass 1's report."""
    src_wav, dst_wav = Path(src_wav), Path(dst_wav)
    what = f"loudness normalisation of {src_wav}"
    first = run_ffmpeg(
        ["-loglevel", "info", "-nostats", "-i", str(src_wav), "-map", "0:a:0",
         "-af", measuring_filter(target_lufs, true_peak_db), "-f", "null", "-"],
        what=f"{what} (measuring pass)",
    )
    measured = read_report(first.stderr, what)
    applying = applying_filter(measured, target_lufs, true_peak_db, sample_rate)
    with atomic_path(dst_wav) as tmp:
        run_ffmpeg(
            ["-i", str(src_wav), "-map", "0:a:0", "-af", applying, "-c:a", "pcm_f32le", str(tmp)],
            what=f"{what} (applying pass)",
        )
    return measured
