"""Film assembly: rendered shots plus title and end cards in, one film.mp4 out.

Picture and sound are built apart on one timeline counted in video frames. Every piece of the
film (a card or a shot) becomes a video-only segment of a known number of frames, and its sound
is cut or padded to exactly that length, so the concatenated soundtrack lines up with the
concatenated picture to the sample and every subtitle lands where its line is spoken.
Scene changes dip through black by fading the shots on either side, which keeps every piece's
length (a cross-fade would overlap them and shift everything after it).

Loudness is EBU R128 (`loudness.py`): the measuring pass runs inside the ffmpeg that writes the soundtrack,
the gain (and a limiter under the true-peak ceiling where needed) in a pass over the float WAV at the film's
rate that measures what it writes, and the mux only encodes the result.
"""

from __future__ import annotations

import os
import re
import shutil
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import langcodes
import numpy as np

from auteur.models.renderer import RenderedClip
from auteur.core.atomic import atomic_path, write_text
from auteur.core.settings import AssemblySettings, VideoSettings
from auteur.core.errors import AuteurError
from auteur.tools import fonts
from auteur.tools.editing.cards import end_card, title_card
from auteur.tools.editing.chapters import ffmetadata
from auteur.tools.editing.ffmpeg import (FFmpegError, MediaInfo, finish_ffmpeg_writer, open_ffmpeg_writer, probe,
                                 run_ffmpeg, x264_args)
from auteur.tools.editing.loudness import Loudness, measure, measuring_filter, normalize, read_report
from auteur.tools.editing.subtitles import Cue, literal_for_libass, to_srt
from auteur.tools.editing.timeline import FilmTimeline, Marked, Piece

Progress = Callable[[str, float], None]  # (stage, fraction of the whole assembly done)

# Where each stage starts, as a fraction of the whole assembly, for progress reports.
_STARTS = {"shots": 0.0, "mux": 0.7, "loudness": 0.95, "done": 1.0}
# Longest scene title kept in a chapter name: MP4's Nero chapter box holds 255 bytes of UTF-8.
_CHAPTER_TITLE_CHARS = 60
# The film's sound as delivered, whatever rate the soundtrack was built at.
_AAC = ["-c:a", "aac", "-b:a", "192k", "-ar", "48000", "-ac", "2"]
# HD colour, tagged the way the draft renderer tags its clips, so copied and encoded segments agree.
_BT709 = "setparams=colorspace=bt709:color_primaries=bt709:color_trc=bt709"


@dataclass
class ShotClip:
    clip: RenderedClip  # an mp4 with H.264 + AAC of any size/fps/rate; lines are clip-relative
    scene_id: str
    scene_title: str
    speaker_names: dict[str, str] = field(default_factory=dict)  # character token -> name
    shot_id: str = ""
    chapter: str = ""  # a source text's chapter: consecutive shots of one chapter are one chapter of the film


@dataclass
class AssembledFilm:
    path: Path
    srt_path: Path
    duration: float
    cues: list[Cue]
    chapters: list[tuple[float, float, str]]
    loudness: Loudness
    timeline: FilmTimeline


@dataclass
class _Piece:
    """One stretch of the film's timeline: a card or a shot, as a video-only segment."""

    label: str  # how errors name it
    segment: Path  # the normalised video-only mp4, in the work directory
    fade_in: bool = False
    fade_out: bool = False
    shot: ShotClip | None = None  # None for a card
    card: str = ""  # "title" or "end"
    frames: int = 0


@dataclass
class _Job:
    """What every piece needs to know about the film being made."""

    work_dir: Path
    video: VideoSettings
    settings: AssemblySettings
    title: str
    logline: str
    credits: list[str]
    language: str = "en"  # the film's language (ISO 639-1 or -2); its subtitle track is tagged with it

    @property
    def fade_s(self) -> float:
        return self.settings.scene_transition_s / 2

    def encoder_args(self) -> list[str]:
        # One timescale for every segment keeps the concat demuxer's stream copy exact: at 1000
        # ticks a frame, any source timing that is a whole number of frames maps without rounding.
        return [*x264_args(self.settings.preset, self.settings.crf), "-pix_fmt", "yuv420p", "-video_track_timescale", str(self.video.fps * 1000)]


def _fade_filters(piece: _Piece, job: _Job) -> list[str]:
    if job.fade_s <= 0:
        return []
    length = piece.frames / job.video.fps
    d = min(job.fade_s, length / 2)
    filters = []
    if piece.fade_in:
        filters.append(f"fade=t=in:st=0:d={d:.6f}")
    if piece.fade_out:
        filters.append(f"fade=t=out:st={length - d:.6f}:d={d:.6f}")
    return filters


def _frames_from_progress(path: Path) -> int | None:
    """The frame count ffmpeg's -progress file ended with; None when it reported none."""
    lines = path.read_text().splitlines()
    frames = [int(ln[6:]) for ln in lines if ln.startswith("frame=") and ln[6:].strip().isdigit()]
    return frames[-1] if frames else None


def _copied_frames(progress_file: Path, src: str, work_dir: Path, label: str) -> int:
    """The frames a stream copy just copied: from its progress report, else counted by decoding the picture.

    ffmpeg before 7.1 (imageio-ffmpeg 0.6 and 0.7 ship 7.0.2) reports no frame count for a stream copy;
    decoding the picture alone costs a second read, and only there."""
    frames = _frames_from_progress(progress_file)
    if frames is not None:
        return frames
    run_ffmpeg(["-progress", progress_file.name, "-i", src, "-map", "0:v:0", "-f", "null", "-"], cwd=work_dir,
               what=f"counting the frames of {label}")
    return _frames_from_progress(progress_file) or 0


# --- cards -----------------------------------------------------------------------------------


def _render_card(piece: _Piece, job: _Job) -> None:
    video = job.video
    if piece.card == "title":
        image, seconds = title_card(job.title, job.logline, video.width, video.height), job.settings.title_card_s
    else:
        image, seconds = end_card(job.credits, video.width, video.height), job.settings.end_card_s
    piece.frames = max(1, round(seconds * video.fps))
    still = piece.segment.with_suffix(".png")
    with atomic_path(still) as tmp:
        image.save(tmp)
    # One decoded still, held by tpad, rather than the image demuxer decoding the PNG every frame.
    filters = ["tpad=stop=-1:stop_mode=clone", "scale=out_color_matrix=bt709:out_range=tv", "format=yuv420p",
               _BT709, *_fade_filters(piece, job)]
    with atomic_path(piece.segment) as tmp:
        run_ffmpeg(["-framerate", str(video.fps), "-i", still.name, "-vf", ",".join(filters),
                    "-frames:v", str(piece.frames), *job.encoder_args(), "-an", str(tmp)],
                   cwd=job.work_dir, what=f"rendering the {piece.label}")


# --- shots -----------------------------------------------------------------------------------


def _probe_shot(piece: _Piece) -> MediaInfo:
    path = piece.shot.clip.path
    if not Path(path).is_file():
        raise FFmpegError(f"{piece.label}: clip {path} does not exist; render the shot again")
    try:
        info = probe(path)
    except AuteurError as err:
        raise FFmpegError(f"{piece.label}: clip {path} is not readable media ({err}); render the shot again") from None
    if not info.codecs("video"):
        raise FFmpegError(f"{piece.label}: clip {path} has no video stream; render the shot again")
    return info


def _matches(info: MediaInfo, video: VideoSettings) -> bool:
    """Whether the clip's picture can go into the film as it is."""
    detail = next(s.detail for s in info.streams if s.kind == "video")
    sar = re.search(r"\[SAR (\d+):(\d+)", detail)  # absent when the encoder left it unset (square)
    return (info.codecs("video")[0] == "h264" and (info.width, info.height) == (video.width, video.height)
            and abs(info.fps - video.fps) < 0.01 and re.search(r"\byuv420p\b", detail) is not None
            and (sar is None or sar[1] == sar[2]))


def _sound_output(info: MediaInfo, video: VideoSettings) -> list[str]:
    """ffmpeg output arguments writing the clip's first audio stream to stdout as float stereo."""
    if not info.codecs("audio"):
        return []
    return ["-map", "0:a:0", "-ac", "2", "-ar", str(video.sample_rate), "-f", "f32le", "pipe:1"]


def _normalise_shot(piece: _Piece, job: _Job) -> np.ndarray | None:
    """Write the shot's video segment (copied when it already fits); return its decoded sound."""
    info = _probe_shot(piece)
    video = job.video
    src = str(Path(piece.shot.clip.path).resolve())
    progress_file = piece.segment.with_suffix(".progress")
    needs_fade = job.fade_s > 0 and (piece.fade_in or piece.fade_out)
    if _matches(info, video) and not needs_fade:
        # The common case (the draft renderer writes the film's format): one pass that copies the
        # picture, decodes the sound, and counts the frames it copied.
        with atomic_path(piece.segment) as tmp:
            proc = run_ffmpeg(["-progress", progress_file.name, "-i", src, "-map", "0:v:0", "-c:v", "copy",
                               "-video_track_timescale", str(video.fps * 1000), "-an", str(tmp),
                               *_sound_output(info, video)],
                              cwd=job.work_dir, what=f"copying the picture of {piece.label}")
        piece.frames = _copied_frames(progress_file, src, job.work_dir, piece.label)
    else:
        # Count the source's frames first: a fade-out must know where the segment ends.
        proc = run_ffmpeg(["-progress", progress_file.name, "-i", src, "-map", "0:v:0", "-c", "copy",
                           "-f", "null", "-", *_sound_output(info, video)],
                          cwd=job.work_dir, what=f"reading {piece.label}")
        source_frames = _copied_frames(progress_file, src, job.work_dir, piece.label)
        piece.frames = round(source_frames * video.fps / (info.fps or video.fps))
        if piece.frames <= 0:
            raise FFmpegError(f"{piece.label}: clip {src} has no video frames; render the shot again")
        w, h = video.width, video.height
        filters = [
            "setpts=PTS-STARTPTS",
            f"scale={w}:{h}:force_original_aspect_ratio=decrease:out_color_matrix=bt709:out_range=tv",
            f"pad={w}:{h}:(ow-iw)/2:(oh-ih)/2:color=black",
            "setsar=1",
            f"fps={video.fps}",
            # Hold the last picture should the frame-rate change leave the source a frame short.
            "tpad=stop=-1:stop_mode=clone",
            "format=yuv420p",
            _BT709,
            *_fade_filters(piece, job),
        ]
        with atomic_path(piece.segment) as tmp:
            run_ffmpeg(["-i", src, "-map", "0:v:0", "-vf", ",".join(filters), "-frames:v", str(piece.frames),
                        *job.encoder_args(), "-an", str(tmp)],
                       cwd=job.work_dir, what=f"normalising the picture of {piece.label}")
    if piece.frames <= 0:
        raise FFmpegError(f"{piece.label}: clip {src} has no video frames; render the shot again")
    if not info.codecs("audio"):
        return None
    return np.frombuffer(proc.stdout[: len(proc.stdout) // 8 * 8], dtype=np.float32).reshape(-1, 2)


def _prepare(piece: _Piece, job: _Job) -> np.ndarray | None:
    """Make the piece's video segment; return its sound (None for silence)."""
    if piece.shot is None:
        _render_card(piece, job)
        return None
    return _normalise_shot(piece, job)


# --- sound -----------------------------------------------------------------------------------


def _fit(audio: np.ndarray | None, samples: int) -> np.ndarray:
    """The piece's sound cut or padded with silence to exactly `samples`."""
    out = np.zeros((samples, 2), dtype=np.float32)
    if audio is not None:
        n = min(samples, len(audio))
        out[:n] = audio[:n]
    return out


def _apply_fades(audio: np.ndarray, piece: _Piece, rate: int, fade_s: float) -> None:
    d = min(int(round(fade_s * rate)), len(audio) // 2)
    if d <= 0:
        return
    ramp = np.linspace(0.0, 1.0, d, endpoint=False, dtype=np.float32)[:, None]
    if piece.fade_in:
        audio[:d] *= ramp
    if piece.fade_out:
        audio[-d:] *= ramp[::-1]


class _Soundtrack:
    """The pieces' sound, appended in film order and sample-exact to the picture, as a float WAV.

    The same ffmpeg that writes the WAV measures its loudness as it goes by, so the measuring pass
    costs no extra read and overlaps the picture work.
    """

    def __init__(self, dest: Path, job: _Job):
        self.rate, self.fps, self.fade_s = job.video.sample_rate, job.video.fps, job.fade_s
        self.frames = 0
        self.writer = open_ffmpeg_writer([
            "-loglevel", "info", "-nostats",  # info: ebur128 prints its summary at that level
            "-f", "f32le", "-ar", str(self.rate), "-ac", "2", "-i", "pipe:0",
            "-map", "0:a", "-c:a", "pcm_f32le", str(dest),
            "-map", "0:a", "-af", measuring_filter(),
            "-f", "null", "-",
        ])

    def add(self, piece: _Piece, audio: np.ndarray | None) -> None:
        # Boundaries are rounded from the running frame count, so rounding never accumulates.
        start = round(self.frames * self.rate / self.fps)
        self.frames += piece.frames
        fitted = _fit(audio, round(self.frames * self.rate / self.fps) - start)
        _apply_fades(fitted, piece, self.rate, self.fade_s)
        try:
            self.writer.stdin.write(fitted.tobytes())
        except BrokenPipeError:
            self.finish()  # the writer died; this raises with its reason
            raise FFmpegError("writing the soundtrack failed: ffmpeg stopped reading") from None

    def finish(self) -> Loudness:
        """Close the WAV; return its loudness."""
        log = finish_ffmpeg_writer(self.writer, what="writing the soundtrack")
        return read_report(log, "measuring the soundtrack's loudness")

    def abort(self) -> None:
        self.writer.kill()
        self.writer.wait()


# --- timeline --------------------------------------------------------------------------------


def _plan(shots: list[ShotClip], work_dir: Path, settings: AssemblySettings) -> list[_Piece]:
    """The film's pieces in order, with fades where one scene gives way to the next."""
    pieces: list[_Piece] = []
    # Cards fade themselves in and out (they are encoded anyway); the shots beside them do not,
    # so the first and last shots can still be stream-copied.
    if settings.title_card_s > 0:
        pieces.append(_Piece("title card", work_dir / "title_card.mp4", True, True, card="title"))
    for i, shot in enumerate(shots):
        label = f"shot {i + 1} of {len(shots)} (scene {shot.scene_id!r}, {Path(shot.clip.path).name})"
        pieces.append(_Piece(label, work_dir / f"shot_{i:04d}.mp4", shot=shot))
    if settings.end_card_s > 0:
        pieces.append(_Piece("end card", work_dir / "end_card.mp4", True, True, card="end"))
    fade_s = settings.scene_transition_s / 2
    for before, after in zip(pieces, pieces[1:]):
        if before.shot and after.shot and before.shot.scene_id != after.shot.scene_id:
            before.fade_out = after.fade_in = True
    for piece in pieces:
        if piece.shot:  # a renderer that already dipped the clip to black spares a re-encode
            head, tail = piece.shot.clip.fades
            piece.fade_in = piece.fade_in and head < fade_s - 1e-6
            piece.fade_out = piece.fade_out and tail < fade_s - 1e-6
    return pieces


def _workers() -> int:
    # x264 keeps about 1.3 cores busy on small frames; two encodes at once fill a 2-core machine.
    return max(2, min(4, (os.cpu_count() or 2) // 2))


def _make_pieces(pieces: list[_Piece], job: _Job, soundtrack: _Soundtrack, report: Progress) -> None:
    """Prepare the pieces a few at a time in parallel, feeding their sound to the soundtrack in order."""
    window: deque[tuple[_Piece, Future]] = deque()
    todo = iter(pieces)
    with ThreadPoolExecutor(max_workers=_workers(), thread_name_prefix="assemble") as pool:
        def submit_next() -> None:
            piece = next(todo, None)
            if piece is not None:
                window.append((piece, pool.submit(_prepare, piece, job)))

        try:
            # A bounded window keeps decoded sound waiting for its turn to a few pieces' worth.
            for _ in range(2 * _workers()):
                submit_next()
            done = 0
            while window:
                piece, future = window.popleft()
                soundtrack.add(piece, future.result())
                submit_next()
                done += 1
                report("shots", _STARTS["mux"] * done / len(pieces))
        except BaseException:
            for _, future in window:
                future.cancel()
            raise


def _offsets(pieces: list[_Piece], fps: int) -> list[float]:
    starts, frames = [], 0
    for piece in pieces:
        starts.append(frames / fps)
        frames += piece.frames
    return starts + [frames / fps]


def _cues(pieces: list[_Piece], offsets: list[float]) -> list[Cue]:
    cues = []
    for piece, start, end in zip(pieces, offsets, offsets[1:]):
        if piece.shot is None:
            continue
        for line in piece.shot.clip.lines:
            a, b = start + max(0.0, line.start), min(end, start + line.end)
            if b > a and line.text.strip():
                cues.append(Cue(a, b, line.text))
    return cues


def _chapters(pieces: list[_Piece], offsets: list[float]) -> list[tuple[float, float, str]]:
    """One chapter per scene, back to back from 0 to the end (MP4 chapters cannot leave gaps); a film of a text
    with chapters has the text's chapters instead, each spanning its scenes."""
    starts: list[tuple[float, str]] = []
    previous = None
    by_text = any(piece.shot is not None and piece.shot.chapter for piece in pieces)
    for piece, start in zip(pieces, offsets):
        if piece.shot is None:
            continue
        key = piece.shot.chapter if by_text else piece.shot.scene_id
        if key != previous:
            title = " ".join((piece.shot.chapter if by_text else piece.shot.scene_title).split())
            if len(title) > _CHAPTER_TITLE_CHARS:
                title = title[: _CHAPTER_TITLE_CHARS - 1].rstrip() + "…"
            number = len(starts) + 1
            label = "Chapter" if by_text else "Scene"
            starts.append((start, f"{label} {number}: {title}" if title else f"{label} {number}"))
            previous = key
    if not starts:
        return []
    # The title card opens the first chapter and the end card closes the last.
    bounds = [0.0] + [s for s, _ in starts[1:]] + [offsets[-1]]
    return [(bounds[i], bounds[i + 1], name) for i, (_, name) in enumerate(starts)]


# --- the film --------------------------------------------------------------------------------


def _concat_list(pieces: list[_Piece], fps: int) -> str:
    # Segment names are ours (nothing to quote); the stated duration pins each segment to its
    # frame count, so the picture cannot drift from the soundtrack built on the same count.
    return "".join(f"file '{p.segment.name}'\nduration {p.frames / fps:.6f}\n" for p in pieces)


def _fonts_dir(folder: Path) -> None:
    """The chain's font files, linked (copied where links fail) into one folder for libass's fontsdir."""
    folder.mkdir(parents=True, exist_ok=True)
    for k, source in enumerate(fonts.font_files()):
        link = folder / f"{k}-{source.stem.split('[')[0]}{source.suffix}"
        if link.exists():
            continue
        try:
            link.symlink_to(source)
        except OSError:
            shutil.copyfile(source, link)


def subtitle_tag(language: str) -> str:
    """The ISO 639-2 code an MP4 track carries (the terminology form players show: deu, fra, zho), from the film's
    ISO 639 code; "und" (undetermined) for a code no standard knows."""
    try:
        return langcodes.Language.get(language).to_alpha3()
    except (LookupError, ValueError):
        return "und"


def _mux(film: Path, job: _Job, has_subtitles: bool, subtitle_font: str = "Noto Sans") -> None:
    """Concatenate the segments, encode the normalised sound, add subtitles and chapters."""
    settings = job.settings
    args = ["-f", "concat", "-i", "segments.txt", "-i", "normalised.wav"]
    if has_subtitles:
        args += ["-i", "subtitles.srt"]
    meta = "3" if has_subtitles else "2"  # the input index of chapters.txt
    args += ["-f", "ffmetadata", "-i", "chapters.txt", "-map", "0:v:0", "-map", "1:a:0"]
    if has_subtitles:
        args += ["-map", "2:s:0", "-c:s", "mov_text", "-metadata:s:s:0", f"language={subtitle_tag(job.language)}"]
    args += ["-map_metadata", meta, "-map_chapters", meta]
    if settings.burn_subtitles and has_subtitles:
        # The filter names files in the work directory (the cwd), so its paths need no escaping. libass gets
        # the Noto chain as its fonts directory and, by name, the one font that covers every cue (libass falls back
        # only through fontconfig, which does not see that directory), so Japanese or Arabic lines get real glyphs.
        # The soft track stays for players and search, switched off so it is not drawn twice.
        _fonts_dir(job.work_dir / "fonts")
        burn = f"subtitles=burn_in.srt:fontsdir=fonts:force_style='FontName={subtitle_font}'"
        args += ["-vf", burn, *job.encoder_args(), "-disposition:s:0", "0"]
    else:
        args += ["-c:v", "copy"]
    args += [*_AAC, "-movflags", "+faststart", str(film)]
    run_ffmpeg(args, cwd=job.work_dir, what="muxing the film")


def assemble(
    shots: list[ShotClip],
    *,
    title: str,
    logline: str,
    credits: list[str],
    out_dir: Path,
    work_dir: Path,
    video: VideoSettings,
    settings: AssemblySettings,
    progress: Progress | None = None,
    language: str = "en",
) -> AssembledFilm:
    """Assemble the shots, in order, between title and end cards into out_dir/film.mp4 and film.srt."""
    if not shots:
        raise AuteurError("nothing to assemble: the film has no rendered shots")
    # Absolute, because ffmpeg runs with the work directory as its cwd.
    out_dir, work_dir = Path(out_dir).resolve(), Path(work_dir).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    work_dir.mkdir(parents=True, exist_ok=True)
    report = progress or (lambda stage, fraction: None)
    job = _Job(work_dir, video, settings, title, logline, list(credits), language)
    pieces = _plan(shots, work_dir, settings)

    report("shots", _STARTS["shots"])
    with atomic_path(work_dir / "soundtrack.wav") as wav:
        soundtrack = _Soundtrack(wav, job)
        try:
            _make_pieces(pieces, job, soundtrack, report)
        except BaseException:
            soundtrack.abort()
            raise
        measured = soundtrack.finish()

    report("mux", _STARTS["mux"])
    offsets = _offsets(pieces, video.fps)
    cues = _cues(pieces, offsets)
    chapters = _chapters(pieces, offsets)
    srt = to_srt(cues)
    write_text(work_dir / "segments.txt", _concat_list(pieces, video.fps))
    write_text(work_dir / "chapters.txt", ffmetadata(title, chapters))
    write_text(work_dir / "subtitles.srt", srt)
    if settings.burn_subtitles:
        write_text(work_dir / "burn_in.srt", to_srt([Cue(c.start, c.end, literal_for_libass(c.text)) for c in cues]))
    srt_path, film_path = out_dir / "film.srt", out_dir / "film.mp4"
    # film.srt goes first, so a film.mp4 on disk means the whole assembly finished.
    write_text(srt_path, srt)
    normalize(work_dir / "soundtrack.wav", work_dir / "normalised.wav", settings.loudness_lufs, settings.true_peak_db,
              48000, measured=measured)
    with atomic_path(film_path) as tmp:
        _mux(tmp, job, bool(srt), fonts.family(fonts.font_for(" ".join(c.text for c in cues))))
        report("loudness", _STARTS["loudness"])
        loudness = measure(tmp)
    report("done", _STARTS["done"])
    return AssembledFilm(path=film_path, srt_path=srt_path, duration=offsets[-1], cues=cues, chapters=chapters,
                         loudness=loudness, timeline=_timeline(pieces, video, cues, chapters))


def _timeline(pieces: list[_Piece], video: VideoSettings, cues: list[Cue],
              chapters: list[tuple[float, float, str]]) -> FilmTimeline:
    placed, start = [], 0
    for piece in pieces:
        shot = piece.shot
        placed.append(Piece(kind="shot" if shot else piece.card, start=start, frames=piece.frames,
                            shot_id=shot.shot_id if shot else None, scene_id=shot.scene_id if shot else None,
                            clip=str(shot.clip.path) if shot else None))
        start += piece.frames
    return FilmTimeline(fps=video.fps, width=video.width, height=video.height, frames=start, pieces=placed,
                        subtitles=[Marked(start=c.start, end=c.end, text=c.text) for c in cues],
                        chapters=[Marked(start=a, end=b, text=name) for a, b, name in chapters])


def concat_floor(clips: list[Path], out: Path, work_dir: Path) -> None:
    """Stream-copy concatenation of the clips as they are: the speed floor assembly is measured against."""
    work_dir = Path(work_dir)
    work_dir.mkdir(parents=True, exist_ok=True)
    # Quoted for the concat demuxer: inside '...' only the closing quote is special.
    listing = "".join("file '" + str(Path(c).resolve()).replace("'", "'\\''") + "'\n" for c in clips)
    write_text(work_dir / "floor.txt", listing)
    with atomic_path(out) as tmp:
        run_ffmpeg(["-f", "concat", "-safe", "0", "-i", str(work_dir / "floor.txt"), "-c", "copy", str(tmp)],
                   what="stream-copy concat of the clips")
