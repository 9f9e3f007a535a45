"""EBU R128 loudness: measure a soundtrack with ffmpeg's ebur128, and bring it to a target loudness.

Normalising is a gain to the target, measured again afterwards, with a look-ahead limiter under the true-peak
ceiling when the gain would push peaks over it. It replaced ffmpeg's two-pass loudnorm, which works at 192 kHz
(four times the film's rate) in both passes: 5.5 s of a 60-s film's 6-s mux went to it, and its dynamic mode
compresses the loudness range a film's dialogue and silences need. Here every pass runs at the film's own rate.
The measuring pass is also offered as a filter string (`measuring_filter`) so the assembler runs it while it
writes the soundtrack, at no extra read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from auteur.core.atomic import atomic_path
from auteur.tools.editing.ffmpeg import FFmpegError, run_ffmpeg

# Quieter than this the soundtrack is silence (ebur128 reports -70 LUFS for digital silence);
# gain applied to it would only raise the noise floor.
SILENT_LUFS = -69.0
# The limiter holds sample peaks this far under the true-peak ceiling: peaks between samples, and the AAC
# encoder's overshoot, sit up to about this much above the samples on speech and ambience.
PEAK_MARGIN_DB = 1.0
ON_TARGET_LU = 0.3  # close enough: a limited soundtrack is measured again and its gain corrected until within this
CORRECTIONS = 2  # at most this many corrections (the limiter's loss barely moves with a fraction of a dB more gain)
_EBUR128 = "ebur128=peak=true:framelog=verbose"  # framelog=verbose: only the summary is printed at info level


@dataclass
class Loudness:
    integrated_lufs: float
    true_peak_db: float  # dBTP
    lra: float  # loudness range, LU


def _summary_value(text: str, label: str, what: str) -> float:
    m = re.search(rf"{label}:\s+(-?(?:inf|[\d.]+))", text)
    if not m:
        raise FFmpegError(f"{what}: ebur128 printed no {label!r} value")
    return float(m[1])


def read_report(log: bytes | str, what: str) -> Loudness:
    """The summary ebur128 printed at the end of an ffmpeg log (run at -loglevel info)."""
    text = log.decode("utf-8", "replace") if isinstance(log, bytes) else log
    summary = text[text.rfind("Summary:"):]
    return Loudness(integrated_lufs=_summary_value(summary, "I", what),
                    true_peak_db=_summary_value(summary, "Peak", what),
                    lra=_summary_value(summary, "LRA", what))


def measure(path: str | Path) -> Loudness:
    """Integrated loudness (LUFS), true peak (dBTP) and loudness range (LU) of `path`'s first audio stream."""
    path = Path(path)
    what = f"measuring loudness of {path}"
    proc = run_ffmpeg(["-loglevel", "info", "-nostats", "-i", str(path), "-map", "0:a:0", "-af", _EBUR128,
                       "-f", "null", "-"], what=what)
    return read_report(proc.stderr, what)


def measuring_filter() -> str:
    """The measuring pass as a filter: its report comes back through `read_report`."""
    return _EBUR128


def applying_filter(measured: Loudness, target_lufs: float, true_peak_db: float, sample_rate: int,
                    gain_db: float | None = None) -> str:
    """The filter that takes a soundtrack `measured` so to `target_lufs` under `true_peak_db`, at `sample_rate`.

    The gain is the distance to the target (or `gain_db`, a corrected one); when it would lift the true peak over
    the ceiling, a look-ahead limiter (delay compensated, so the sound stays on its frames) holds the peaks
    PEAK_MARGIN_DB under it. Silence is only resampled: gain would raise nothing but noise."""
    resample = f"aresample={sample_rate}"
    if measured.integrated_lufs < SILENT_LUFS:
        return resample
    gain = target_lufs - measured.integrated_lufs if gain_db is None else gain_db
    chain = [f"volume={gain:.3f}dB"]
    if _limited(measured, gain, true_peak_db):
        limit = min(1.0, max(0.0625, 10 ** ((true_peak_db - PEAK_MARGIN_DB) / 20)))  # alimiter's accepted range
        chain.append(f"alimiter=limit={limit:.5f}:attack=5:release=50:level=false:latency=true")
    return ",".join([*chain, resample])


def _limited(measured: Loudness, gain_db: float, true_peak_db: float) -> bool:
    """Whether `gain_db` would lift the true peak over the ceiling, so the limiter must hold it."""
    return measured.integrated_lufs >= SILENT_LUFS and measured.true_peak_db + gain_db > true_peak_db


def normalize(src_wav: str | Path, dst_wav: str | Path, target_lufs: float, true_peak_db: float, sample_rate: int,
              measured: Loudness | None = None) -> Loudness:
    """`src_wav` at `target_lufs` under `true_peak_db`, as a float WAV at `sample_rate`; returns what it measures.

    `measured` is the source's loudness when already known (the assembler measures while it writes). A limited
    soundtrack loses a little loudness to the limiter, so the result is measured as it is written and, when it is
    off the target by more than ON_TARGET_LU, written again with the gain corrected (at most CORRECTIONS times)."""
    src_wav, dst_wav = Path(src_wav), Path(dst_wav)
    what = f"loudness normalisation of {src_wav}"
    source = measured or measure(src_wav)
    gain = target_lufs - source.integrated_lufs
    for _ in range(CORRECTIONS + 1):
        chain = applying_filter(source, target_lufs, true_peak_db, sample_rate, gain)
        with atomic_path(dst_wav) as tmp:
            proc = run_ffmpeg(["-loglevel", "info", "-nostats", "-i", str(src_wav), "-filter_complex",
                               f"[0:a:0]{chain},asplit=2[out][meter];[meter]{_EBUR128}[metered]",
                               "-map", "[out]", "-c:a", "pcm_f32le", str(tmp), "-map", "[metered]", "-f", "null", "-"],
                              what=what)
        result = read_report(proc.stderr, what)
        off = target_lufs - result.integrated_lufs
        if not _limited(source, gain, true_peak_db) or abs(off) <= ON_TARGET_LU:  # a plain gain lands exactly
            break
        gain += off
    return result
