"""The assembled cut as an editor's project: OpenTimelineIO, and through its adapters FCPXML, EDL, Kdenlive.

One timeline at the film's frame rate, cut to the same frames as film.mp4 (timeline.json): a picture
track with one clip per shot, pointing at the shot's own file, and the title and end cards as
clips of film.mp4; a sound track with each shot's dialogue and ambience (its clip's audio) and
silence under the cards. Chapters are markers; subtitles are ranged markers where the format keeps
a marker's text and length (OTIO, Kdenlive's subtitle track). What each format carries:

    otio      picture, sound, chapters (timeline markers), subtitles (ranged markers)
    fcpxml    picture, sound, chapters (markers on the clip a scene opens with)
    edl       picture, chapters (LOC comments on the clip a scene opens with); CMX 3600 has no sound
              file names and no text track
    kdenlive  picture, sound, chapters (guides), subtitles (Kdenlive's subtitle track, beside the project
              as PROJECT.srt); the project's frame size and length are the film's

The adapters are the OTIO project's own (otio-fcpx-xml-adapter, otio-cmx3600-adapter) and KDE's
(otio-kdenlive-adapter). Kdenlive's writer leaves three things a renderer needs unset: the project's
frame size (it always writes 1080p), the length of the background track, and the mix of the sound
track into the output; `_finish_kdenlive` sets them as Kdenlive itself writes them.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from auteur.core.atomic import write_text
from auteur.core.errors import InputError
from auteur.tools.editing.subtitles import Cue, to_srt
from auteur.tools.editing.timeline import FilmTimeline

FORMATS = {  # --to NAME: (OTIO adapter, file suffix)
    "otio": ("otio_json", ".otio"),
    "fcpxml": ("fcpx_xml", ".fcpxml"),
    "edl": ("cmx_3600", ".edl"),
    "kdenlive": ("kdenlive", ".kdenlive"),
}
# Rates each format can state: FCPXML names a frame rate by its frame duration (its adapter knows these),
# an EDL counts SMPTE timecode (whole rates OTIO's timecode accepts)
RATES = {"fcpxml": (24, 25, 30, 50, 60), "edl": (24, 25, 30, 48, 50, 60)}


def check_format(name: str) -> str:
    if name not in FORMATS:
        raise InputError(f"unknown export format {name!r}; use one of {', '.join(FORMATS)}")
    return name


def build(timeline: FilmTimeline, root: Path, *, title: str, chapters_on: str = "timeline",
          subtitles: bool = True):
    """The OTIO timeline of the cut. `chapters_on`: "timeline" (timeline markers) or "clips" (markers on the
    clip where each chapter starts, for formats whose adapter writes only clip markers)."""
    import opentimelineio as otio

    rate = timeline.fps
    root = Path(root).resolve()

    def span(start: int, frames: int):
        return otio.opentime.TimeRange(otio.opentime.RationalTime(start, rate), otio.opentime.RationalTime(frames, rate))

    def reference(path: Path, frames: int):
        return otio.schema.ExternalReference(target_url=path.as_uri(), available_range=span(0, frames))

    cut = otio.schema.Timeline(name=title, global_start_time=otio.opentime.RationalTime(0, rate))
    cut.metadata["auteur"] = {"fps": rate, "width": timeline.width, "height": timeline.height,
                              "frames": timeline.frames}
    picture = otio.schema.Track(name="Picture", kind=otio.schema.TrackKind.Video)
    sound = otio.schema.Track(name="Dialogue and ambience", kind=otio.schema.TrackKind.Audio)
    film = root / "film.mp4"
    clips = []
    for piece in timeline.pieces:
        if piece.kind == "shot":
            source = root / piece.clip
            meta = {"auteur": {"shot": piece.shot_id, "scene": piece.scene_id}}
            shot = otio.schema.Clip(name=piece.shot_id, media_reference=reference(source, piece.frames),
                                    source_range=span(0, piece.frames), metadata=meta)
            picture.append(shot)
            sound.append(otio.schema.Clip(name=piece.shot_id, media_reference=reference(source, piece.frames),
                                          source_range=span(0, piece.frames), metadata=meta))
            clips.append((piece.start, 0, shot))
        else:  # the cards exist only inside film.mp4: the cut takes them from there
            card = otio.schema.Clip(name=f"{piece.kind} card", media_reference=reference(film, timeline.frames),
                                    source_range=span(piece.start, piece.frames),
                                    metadata={"auteur": {"card": piece.kind}})
            picture.append(card)
            sound.append(otio.schema.Gap(source_range=span(0, piece.frames)))
            clips.append((piece.start, piece.start, card))
    cut.tracks.append(picture)
    cut.tracks.append(sound)
    for chapter in timeline.chapters:
        frame = round(chapter.start * rate)
        marker = otio.schema.Marker(name=chapter.text, marked_range=span(frame, 0), color=otio.schema.MarkerColor.RED,
                                    metadata={"auteur": {"kind": "chapter"}})
        if chapters_on == "timeline":
            cut.tracks.markers.append(marker)
            continue
        start, source_start, clip = next((c for c in reversed(clips) if c[0] <= frame), clips[0])
        marker.marked_range = span(source_start + frame - start, 0)
        clip.markers.append(marker)
    if subtitles:
        for cue in timeline.subtitles:
            a, b = round(cue.start * rate), round(cue.end * rate)
            cut.tracks.markers.append(otio.schema.Marker(
                name=cue.text, marked_range=span(a, max(1, b - a)), color=otio.schema.MarkerColor.YELLOW,
                metadata={"auteur": {"kind": "subtitle"}}))
    return cut


def export(timeline: FilmTimeline, root: Path, fmt: str, out: Path, *, title: str) -> list[Path]:
    """Write the cut as `fmt` to `out`; returns the files written (Kdenlive's subtitles go beside it)."""
    import opentimelineio as otio

    adapter, _ = FORMATS[check_format(fmt)]
    if fmt in RATES and timeline.fps not in RATES[fmt]:
        others = ", ".join(f for f in FORMATS if timeline.fps in RATES.get(f, (timeline.fps,)))
        raise InputError(f"{fmt} export needs a film at {', '.join(map(str, RATES[fmt]))} fps; this one is "
                         f"{timeline.fps} fps (export it as {others})")
    cut = build(timeline, root, title=title, chapters_on="clips" if fmt in ("fcpxml", "edl") else "timeline",
                subtitles=fmt == "otio")
    if fmt == "edl":
        # CMX 3600 events carry a reel name and a source timecode, not a sound file: the picture only
        cut.tracks[:] = [t for t in cut.tracks if t.kind == otio.schema.TrackKind.Video]
    # Kdenlive's adapter prints a notice on stdout; what auteur prints is its own
    with contextlib.redirect_stdout(io.StringIO()):
        text = otio.adapters.write_to_string(cut, adapter)
    written = [out]
    if fmt == "kdenlive":
        sidecar = out.with_name(out.name + ".srt")
        cues = [Cue(c.start, c.end, c.text) for c in timeline.subtitles]
        text = _finish_kdenlive(text, timeline, sidecar if cues else None)
        if cues:
            write_text(sidecar, to_srt(cues))
            written.append(sidecar)
    write_text(out, text)
    return written


_CLOCK = re.compile(r"^(\d+):(\d\d):(\d\d(?:\.\d+)?)$")


def _finish_kdenlive(text: str, timeline: FilmTimeline, subtitles: Path | None) -> str:
    """Frame size, exact frame counts, the background's length, the sound mix, and the subtitle track."""
    root = ET.fromstring(text)
    fps, frames = timeline.fps, timeline.frames
    profile = root.find("profile")
    profile.set("width", str(timeline.width))
    profile.set("height", str(timeline.height))
    profile.set("display_aspect_num", str(timeline.width))
    profile.set("display_aspect_den", str(timeline.height))
    profile.set("description", f"{timeline.width}x{timeline.height} {fps} fps")
    # The adapter writes times as clock strings rounded to the millisecond; MLT reads plain frame counts exactly.
    for element in root.iter():
        for name in ("in", "out", "length"):
            value = element.get(name)
            match = _CLOCK.match(value) if value else None
            if match:
                h, m, s = match.groups()
                element.set(name, str(round((int(h) * 3600 + int(m) * 60 + float(s)) * fps)))
    main = next(t for t in root.findall("tractor") if t.get("global_feed") == "1")
    main.set("id", "maintractor")
    main.set("in", "0")
    main.set("out", str(frames - 1))
    black = root.find("producer[@id='black_track']")
    black.set("in", "0")
    black.set("out", str(frames - 1))
    _property(black, "length", str(frames))
    # Each sound track is mixed into the output the way Kdenlive mixes its audio tracks (an internal `mix`);
    # the picture needs no compositing: it has one track over the background.
    for index, track in enumerate(main.findall("track")[1:], start=1):
        tractor = root.find(f"tractor[@id='{track.get('producer')}']")
        if tractor is not None and tractor.find("property[@name='kdenlive:audio_track']") is not None:
            mix = ET.SubElement(main, "transition", {"id": f"mix{index}"})
            for name, value in (("a_track", "0"), ("b_track", str(index)), ("mlt_service", "mix"), ("sum", "1"),
                                ("always_active", "1"), ("internal_added", "237")):
                _property(mix, name, value)
    if subtitles is not None:
        # Kdenlive's subtitle track: an internal subtitles filter on the timeline naming the file, and its list
        subtitle = ET.SubElement(main, "filter", {"id": "subtitles"})
        for name, value in (("mlt_service", "avfilter.subtitles"), ("internal_added", "237"),
                            ("av.filename", str(subtitles.resolve())), ("disable", "0")):
            _property(subtitle, name, value)
        bin_ = root.find("playlist[@id='main_bin']")
        _property(bin_, "kdenlive:docproperties.subtitlesList",
                  json.dumps([{"name": "Subtitles", "id": 0, "file": str(subtitles.resolve())}]))
    root.set("producer", "maintractor")  # what MLT (melt, Kdenlive's renderer) plays: the timeline, not the bin
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _property(element: ET.Element, name: str, value: str) -> None:
    found = element.find(f"property[@name='{name}']")
    if found is None:
        found = ET.SubElement(element, "property", {"name": name})
    found.text = value
