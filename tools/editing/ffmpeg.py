"""The one place auteur runs ffmpeg: binary discovery, argument-list calls, stream probing.

ffmpeg is always called with an argument list (never a shell string). Text that has to reach a
filter (subtitles, chapter titles) goes through files, never through filter arguments.
"""

from __future__ import annotations

import ctypes
import os
import re
import shutil
import signal
import subprocess
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from auteur.core.errors import AuteurError


PR_SET_PDEATHSIG = 1  # linux/prctl.h


def _load_prctl():
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):  # not Linux: children are still killed on every exit Python sees
        return None
    prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
    prctl.restype = ctypes.c_int
    return prctl


_PRCTL = _load_prctl()  # looked up here: the child, between fork and exec, only calls it


def _die_with_auteur(parent: int) -> None:
    """In the child before exec: the kernel sends SIGKILL when auteur dies, however it dies (SIGKILL too).

    Without it an ffmpeg muxing the film outlives a killed auteur, keeps writing beside the resumed
    run (outside its lock) and leaves a half-written .part file behind.
    """
    if _PRCTL is not None:
        _PRCTL(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # auteur died before the line above took effect
        os._exit(1)


def child_options() -> dict:
    """subprocess keyword arguments for any child auteur starts: it dies with auteur."""
    parent = os.getpid()
    return {"preexec_fn": lambda: _die_with_auteur(parent)}


class FFmpegError(AuteurError):
    """ffmpeg exited non-zero; the message carries its last meaningful stderr line."""


@lru_cache(maxsize=1)
def ffmpeg_exe() -> str:
    """The ffmpeg binary: $AUTEUR_FFMPEG if set, else the one bundled with imageio-ffmpeg."""
    configured = os.environ.get("AUTEUR_FFMPEG")
    if configured:
        found = shutil.which(configured)
        if not found:
            raise AuteurError(f"AUTEUR_FFMPEG={configured!r} is not an executable ffmpeg binary")
        return found
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


# x264's superfast preset also turns off its macroblock-tree rate control, which on a slow camera move over a still
# (every draft shot) nearly triples the bytes at the same CRF. Kept on, with veryfast's 10-frame look-ahead,
# superfast encodes such a shot in 0.7-0.85x veryfast's time at 1.17x its size and the same SSIM and PSNR
# (benchmarks/draft_encode.py).
X264_KEPT = {"superfast": "mbtree=1:rc-lookahead=10"}


def x264_args(preset: str, crf: int) -> list[str]:
    """The encoder arguments for libx264 at `preset` and `crf`, with what X264_KEPT keeps of slower presets."""
    args = ["-c:v", "libx264", "-preset", preset, "-crf", str(crf)]
    if preset in X264_KEPT:
        args += ["-x264-params", X264_KEPT[preset]]
    return args


def _last_error_line(stderr: str) -> str:
    lines = [ln.strip() for ln in stderr.splitlines() if ln.strip()]
    for line in lines:  # the cause, wherever ffmpeg printed it, rather than its summary
        if "No space left on device" in line or "Disk quota exceeded" in line:
            return line
    for line in reversed(lines):
        if not line.startswith(("frame=", "size=", "video:", "[out#", "Conversion failed!")):
            return line
    return lines[-1] if lines else "no output"


def run_ffmpeg(
    args: list[str],
    *,
    cwd: str | Path | None = None,
    input: bytes | None = None,
    what: str = "ffmpeg",
) -> subprocess.CompletedProcess:
    """Run ffmpeg with `args` (no binary name); raise FFmpegError naming `what` on failure."""
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-y", "-loglevel", "error", *args]
    proc = subprocess.run(cmd, cwd=cwd, input=input, capture_output=True, **child_options())
    if proc.returncode != 0:
        stderr = proc.stderr.decode("utf-8", "replace")
        raise FFmpegError(f"{what} failed: {_last_error_line(stderr)}")
    return proc


def open_ffmpeg_writer(args: list[str], *, cwd: str | Path | None = None) -> subprocess.Popen:
    """Start ffmpeg reading raw input from stdin (e.g. rgb24 frames); the caller writes and waits."""
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-y", "-loglevel", "error", *args]
    return subprocess.Popen(cmd, cwd=cwd, stdin=subprocess.PIPE, stderr=subprocess.PIPE, **child_options())


def finish_ffmpeg_writer(proc: subprocess.Popen, *, what: str = "ffmpeg") -> str:
    """Close stdin and wait; raise FFmpegError if the writer failed, else return ffmpeg's log."""
    assert proc.stdin is not None and proc.stderr is not None
    try:
        proc.stdin.close()
    except BrokenPipeError:
        pass
    stderr = proc.stderr.read().decode("utf-8", "replace")
    if proc.wait() != 0:
        raise FFmpegError(f"{what} failed: {_last_error_line(stderr)}")
    return stderr


def pipe_frames(args: list[str], frames: Iterable[bytes], *, what: str) -> str:
    """Feed raw frames to an ffmpeg reading stdin; if it stops reading, raise with its own reason."""
    proc = open_ffmpeg_writer(args)
    assert proc.stdin is not None
    try:
        for frame in frames:
            proc.stdin.write(frame)
    except BrokenPipeError:
        finish_ffmpeg_writer(proc, what=what)  # raises with ffmpeg's own message
        raise FFmpegError(f"{what} failed: ffmpeg stopped reading frames") from None
    except BaseException:
        proc.kill()
        proc.wait()
        raise
    return finish_ffmpeg_writer(proc, what=what)


@dataclass
class StreamInfo:
    index: int
    kind: str  # "video" | "audio" | "subtitle" | "data"
    codec: str
    detail: str
    language: str = ""  # the stream's language tag ("deu"), where it has one


@dataclass
class MediaInfo:
    duration: float
    streams: list[StreamInfo] = field(default_factory=list)
    chapters: list[tuple[float, float, str]] = field(default_factory=list)
    width: int = 0
    height: int = 0
    fps: float = 0.0
    sample_rate: int = 0
    channels: str = ""

    def codecs(self, kind: str) -> list[str]:
        return [s.codec for s in self.streams if s.kind == kind]


_STREAM = re.compile(r"Stream #\d+:(\d+)(?:\[\w+\])?(?:\((\w*)\))?: (Video|Audio|Subtitle|Data): (\w+)(.*)")
_DURATION = re.compile(r"Duration: (\d+):(\d+):(\d+(?:\.\d+)?)")
_CHAPTER = re.compile(r"Chapter #\d+:\d+: start (-?[\d.]+), end (-?[\d.]+)")


def probe(path: str | Path) -> MediaInfo:
    """Describe a media file from `ffmpeg -i` (imageio-ffmpeg ships no ffprobe)."""
    path = Path(path)
    if not path.is_file():
        raise AuteurError(f"cannot probe {path}: no such file")
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", str(path)]
    text = subprocess.run(cmd, capture_output=True, **child_options()).stderr.decode("utf-8", "replace")
    m = _DURATION.search(text)
    if not m:
        raise AuteurError(f"cannot probe {path}: {_last_error_line(text)}")
    info = MediaInfo(duration=int(m[1]) * 3600 + int(m[2]) * 60 + float(m[3]))
    lines = text.splitlines()
    for i, line in enumerate(lines):
        sm = _STREAM.search(line)
        if sm:
            stream = StreamInfo(int(sm[1]), sm[3].lower(), sm[4], sm[5], sm[2] or "")
            info.streams.append(stream)
            if stream.kind == "video" and not info.width:
                size = re.search(r", (\d{2,5})x(\d{2,5})", stream.detail)
                fps = re.search(r", ([\d.]+) fps", stream.detail)
                if size:
                    info.width, info.height = int(size[1]), int(size[2])
                if fps:
                    info.fps = float(fps[1])
            if stream.kind == "audio" and not info.sample_rate:
                rate = re.search(r", (\d+) Hz, ([\w.()]+)", stream.detail)
                if rate:
                    info.sample_rate, info.channels = int(rate[1]), rate[2]
        cm = _CHAPTER.search(line)
        if cm:
            title = ""
            for follow in lines[i + 1 : i + 4]:
                tm = re.match(r"\s+title\s*:\s?(.*)", follow)
                if tm:
                    title = tm[1]
                    break
            info.chapters.append((float(cm[1]), float(cm[2]), title))
    return info
