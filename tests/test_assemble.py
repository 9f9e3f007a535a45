"""Film assembly with real ffmpeg on tiny clips made from lavfi sources."""

from pathlib import Path

import numpy as np
import pytest

from auteur.models.renderer import RenderedClip, SpokenLine
from auteur.core.settings import AssemblySettings, VideoSettings
from auteur.core.errors import AuteurError
from auteur.tools.editing.assemble import ShotClip, assemble, concat_floor, subtitle_tag
from auteur.tools.editing.cards import BACKGROUND, MARGIN, end_card, title_card
from auteur.tools.editing.ffmpeg import FFmpegError, probe, run_ffmpeg
from auteur.tools.editing.loudness import measure
from auteur.tools.editing.subtitles import parse_srt

FPS = 24
VIDEO = VideoSettings(width=320, height=180, fps=FPS, sample_rate=48000)
AWKWARD = "It's ' : [ ] ; , %{ = # \\ 🎬"
FILM_TITLE = "The Keeper = 1; #2 \\ ' : [ ] , %{ 🎬"


def make_clip(path: Path, *, size="320x180", rate=FPS, seconds=2.0, audio="pink", level=0.3, gain_db=0.0,
              audio_rate=48000, channels=2, video="testsrc2") -> Path:
    """An H.264 + AAC mp4 from lavfi sources; audio 'pink' noise or a 'tone' that starts at 1 s."""
    picture = f"{video}=size={size}:rate={rate}:duration={seconds}" if video == "testsrc2" else \
        f"color=c={video}:size={size}:rate={rate}:duration={seconds}"
    if audio is None:
        run_ffmpeg(["-f", "lavfi", "-i", picture, "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
                    str(path)])
        return path
    if audio == "pink":
        sound = f"anoisesrc=color=pink:amplitude={level}:sample_rate={audio_rate}:duration={seconds}"
        sound += f",volume={gain_db}dB"
    else:
        sound = f"aevalsrc=if(gte(t\\,1)\\,{level}*sin(2*PI*1000*t)\\,0):sample_rate={audio_rate}:duration={seconds}"
    run_ffmpeg(["-f", "lavfi", "-i", picture, "-f", "lavfi", "-i", sound, "-c:v", "libx264", "-preset", "ultrafast",
                "-pix_fmt", "yuv420p", "-c:a", "aac", "-ac", str(channels), "-shortest", str(path)])
    return path


def make_rendered_clip(path: Path, seconds: float = 2.0) -> Path:
    """A clip made the way the draft renderer makes one: RGB frames piped in, tagged BT.709, no SAR."""
    n = int(seconds * FPS)
    ramp = np.linspace(0, 255, VIDEO.width, dtype=np.float32)
    frames = np.stack([np.broadcast_to(((ramp + 8 * i) % 256)[None, :, None], (VIDEO.height, VIDEO.width, 3))
                       for i in range(n)]).astype(np.uint8)
    run_ffmpeg(["-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{VIDEO.width}x{VIDEO.height}", "-framerate", str(FPS),
                "-i", "pipe:0", "-f", "lavfi", "-i", f"anoisesrc=color=pink:amplitude=0.3:duration={seconds}",
                "-map", "0:v:0", "-map", "1:a:0", "-vf",
                "scale=out_color_matrix=bt709:out_range=tv,format=yuv420p,"
                "setparams=colorspace=bt709:color_primaries=bt709:color_trc=bt709",
                "-c:v", "libx264", "-preset", "ultrafast", "-r", str(FPS), "-c:a", "aac", "-ar", "48000", "-ac", "2",
                "-shortest", str(path)], input=frames.tobytes())
    return path


def packets(path: Path) -> list[str]:
    """Hashes of the video packets, as stored (no decoding)."""
    text = run_ffmpeg(["-i", str(path), "-map", "0:v:0", "-c", "copy", "-f", "framemd5", "-"]).stdout.decode()
    return [line.rsplit(",", 1)[1].strip() for line in text.splitlines() if line and not line.startswith("#")]


def luma(path: Path, t: float) -> np.ndarray:
    raw = run_ffmpeg(["-ss", f"{t:.4f}", "-i", str(path), "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "gray",
                      "-"]).stdout
    return np.frombuffer(raw, np.uint8).reshape(VIDEO.height, VIDEO.width).astype(float)


def mono_audio(path: Path) -> np.ndarray:
    raw = run_ffmpeg(["-i", str(path), "-map", "0:a:0", "-ac", "1", "-ar", "48000", "-f", "f32le", "-"]).stdout
    return np.frombuffer(raw, np.float32)


def shot(path: Path, scene: str, title: str, *lines: tuple[str, float, float], seconds: float = 2.0) -> ShotClip:
    spoken = [SpokenLine("<char1>", text, start, end) for text, start, end in lines]
    return ShotClip(RenderedClip(path, seconds, spoken), scene, title, {"<char1>": "Keeper"})


def quick(**overrides) -> AssemblySettings:
    """No cards: the fastest film, for tests about one behaviour."""
    return AssemblySettings(**{"title_card_s": 0, "end_card_s": 0, "preset": "ultrafast", **overrides})


# The film most tests read: a title card (1 s), scene 1 = a (2 s, made like a draft render) + b (3 s),
# scene 2 = c (2 s, another size and rate, mono 44.1 kHz) + d (2.5 s, a tone from its 1 s mark),
# an end card (1 s). a and d already match the film and sit beside no scene change.
OFFSETS = {"a": 1.0, "b": 3.0, "c": 6.0, "d": 8.0, "end": 10.5}
TOTAL = 11.5
LINES = {"a": ("Hello there.", 0.2, 1.0), "b": (AWKWARD, 0.5, 2.5), "c": ("From the other camera", 0.1, 1.9),
         "d": ("Last words", 1.2, 2.4)}


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    root = tmp_path_factory.mktemp("film")
    clips = {
        "a": make_rendered_clip(root / "a.mp4"),
        "b": make_clip(root / "b.mp4", seconds=3.0),
        "c": make_clip(root / "c.mp4", size="480x360", rate=30, audio_rate=44100, channels=1),
        "d": make_clip(root / "d.mp4", seconds=2.5, audio="tone", level=0.5),
    }
    shots = [shot(clips["a"], "s1", AWKWARD, LINES["a"]),
             shot(clips["b"], "s1", AWKWARD, LINES["b"], seconds=3),
             shot(clips["c"], "s2", "The Storm", LINES["c"]),
             shot(clips["d"], "s2", "The Storm", LINES["d"], seconds=2.5)]
    events = []
    film = assemble(shots, title=FILM_TITLE, logline="A keeper befriends a storm.", credits=["Keeper: a test"],
                    out_dir=root / "out", work_dir=root / "work", video=VIDEO,
                    settings=AssemblySettings(title_card_s=1, end_card_s=1, scene_transition_s=0.5),
                    progress=lambda stage, fraction: events.append((stage, fraction)), language="de")
    return {"film": film, "clips": clips, "events": events, "root": root}


def test_film_has_h264_video_aac_48k_stereo_and_mov_text_subtitles(made):
    info = probe(made["film"].path)
    assert info.codecs("video") == ["h264"]
    assert info.codecs("audio") == ["aac"]
    assert info.codecs("subtitle") == ["mov_text"]
    assert (info.sample_rate, info.channels) == (48000, "stereo")
    assert made["film"].path == made["root"] / "out" / "film.mp4"


def test_the_subtitle_track_is_tagged_with_the_films_language(made):
    # the film was made in German: players offer its subtitles as German, not English
    assert [s.language for s in probe(made["film"].path).streams if s.kind == "subtitle"] == ["deu"]


@pytest.mark.parametrize("language, tag", [("de", "deu"), ("fr", "fra"), ("zh", "zho"), ("ja", "jpn"), ("ko", "kor"),
                                           ("es", "spa"), ("en", "eng"), ("deu", "deu"), ("qq", "und")])
def test_a_film_language_becomes_the_iso_639_2_tag_players_show(language, tag):
    assert subtitle_tag(language) == tag


def test_film_lasts_the_sum_of_its_pieces_to_the_frame(made):
    film = made["film"]
    assert film.duration == pytest.approx(TOTAL, abs=1e-9)
    assert probe(film.path).duration == pytest.approx(TOTAL, abs=1 / FPS)
    assert len(packets(film.path)) == round(TOTAL * FPS)
    assert len(mono_audio(film.path)) == pytest.approx(TOTAL * 48000, abs=48)


def test_a_clip_of_another_size_and_rate_is_scaled_padded_and_retimed(made):
    info = probe(made["film"].path)
    assert (info.width, info.height, info.fps) == (320, 180, FPS)
    frame = luma(made["film"].path, OFFSETS["c"] + 1.0)  # 4:3 inside 16:9: pillarboxed
    assert frame[:, :30].mean() < 20 and frame[:, -30:].mean() < 20
    assert frame[:, 60:260].mean() > 50


def test_a_clip_that_already_matches_is_stream_copied_packet_for_packet(made):
    film_packets = packets(made["film"].path)
    joined = "|".join(film_packets)
    for name in ("a", "d"):
        # The key frame gains in-band parameter sets at the join; every other packet is untouched.
        assert "|".join(packets(made["clips"][name])[1:]) in joined
    assert "|".join(packets(made["clips"]["c"])[1:]) not in joined


def test_subtitle_cues_sit_at_the_clip_offset_plus_the_line_time(made):
    film = made["film"]
    expected = [(OFFSETS[k] + LINES[k][1], OFFSETS[k] + LINES[k][2]) for k in "abcd"]
    written = parse_srt(film.srt_path.read_text(encoding="utf-8"))
    assert len(written) == len(film.cues) == 4
    for cue, got, (start, end) in zip(film.cues, written, expected):
        assert got.start == pytest.approx(start, abs=0.05) and got.end == pytest.approx(end, abs=0.05)
        assert cue.start == pytest.approx(start, abs=1e-6) and cue.end == pytest.approx(end, abs=1e-6)


def test_awkward_subtitle_text_round_trips_through_film_srt_and_the_mov_text_track(made, tmp_path):
    written = parse_srt(made["film"].srt_path.read_text(encoding="utf-8"))
    assert written[1].text.replace("\n", " ") == AWKWARD
    run_ffmpeg(["-i", str(made["film"].path), "-map", "0:s:0", str(tmp_path / "track.srt")])
    track = parse_srt((tmp_path / "track.srt").read_text(encoding="utf-8"))
    assert [" ".join(c.text.split()) for c in track] == [LINES[k][0] for k in "abcd"]


def test_one_chapter_per_scene_with_titles_that_round_trip(made):
    expected = [(0.0, OFFSETS["c"], f"Scene 1: {AWKWARD}"), (OFFSETS["c"], TOTAL, "Scene 2: The Storm")]
    assert made["film"].chapters == expected
    read = probe(made["film"].path).chapters
    assert [name for _, _, name in read] == [name for _, _, name in expected]
    for (start, end, _), (s, e, _) in zip(read, expected):
        assert start == pytest.approx(s, abs=0.01) and end == pytest.approx(e, abs=0.05)


def test_the_film_title_is_the_global_title(made):
    dumped = run_ffmpeg(["-i", str(made["film"].path), "-f", "ffmetadata", "-"]).stdout.decode("utf-8")
    title = next(line for line in dumped.splitlines() if line.startswith("title="))
    unescaped = title[len("title="):].replace("\\\\", "\x00").replace("\\", "").replace("\x00", "\\")
    assert unescaped == FILM_TITLE


def test_the_soundtrack_lines_up_with_the_picture_to_the_millisecond(made):
    audio = mono_audio(made["film"].path)
    onset_expected = OFFSETS["d"] + 1.0  # d's tone starts 1 s into d
    window = audio[int((onset_expected - 0.5) * 48000): int((onset_expected + 0.5) * 48000)]
    onset = onset_expected - 0.5 + np.argmax(np.abs(window) > 0.3 * np.abs(window).max()) / 48000
    assert onset == pytest.approx(onset_expected, abs=0.003)


def test_a_scene_change_dips_picture_and_sound_to_black(made):
    path, cut = made["film"].path, OFFSETS["c"]
    black = 16.0  # limited-range luma
    middle = luma(path, OFFSETS["b"] + 1.5).mean() - black
    assert luma(path, cut - 1 / FPS).mean() - black < 0.25 * middle
    assert luma(path, cut).mean() - black < 2
    assert luma(path, OFFSETS["b"] + 1 / FPS).mean() - black > 0.9 * middle  # a to b: same scene, no dip
    audio = mono_audio(path)

    def rms(t0: float, t1: float) -> float:
        return float(np.sqrt(np.mean(audio[int(t0 * 48000): int(t1 * 48000)] ** 2)))

    assert rms(cut - 0.03, cut + 0.03) < 0.2 * rms(OFFSETS["b"] + 1.0, OFFSETS["b"] + 2.0)


def test_the_film_is_normalised_to_the_target_loudness(made):
    assert made["film"].loudness.integrated_lufs == pytest.approx(-16, abs=1)
    assert measure(made["film"].path).integrated_lufs == pytest.approx(-16, abs=1)


def test_progress_is_reported_in_order_up_to_done(made):
    fractions = [f for _, f in made["events"]]
    assert fractions == sorted(fractions)
    assert made["events"][-1] == ("done", 1.0)
    assert {"shots", "mux", "loudness"} <= {stage for stage, _ in made["events"]}


@pytest.mark.parametrize("gain_db", [-30.0, 12.0], ids=["quiet", "loud"])
def test_loudness_reaches_the_target_whatever_the_input_level(tmp_path, gain_db):
    clips = [make_clip(tmp_path / f"{i}.mp4", seconds=2.5, level=1.0, gain_db=gain_db) for i in range(2)]
    film = assemble([shot(c, "s1", "One", seconds=2.5) for c in clips], title="Level", logline="", credits=[],
                    out_dir=tmp_path / "out", work_dir=tmp_path / "work", video=VIDEO, settings=quick())
    assert abs(measure(clips[0]).integrated_lufs + 16) > 6  # really far off target
    assert measure(film.path).integrated_lufs == pytest.approx(-16, abs=1)


def test_burn_in_draws_the_subtitles_into_the_picture(tmp_path):
    clip = make_clip(tmp_path / "navy.mp4", video="navy")
    film = assemble([shot(clip, "s1", "One", ("Burned in %{ = # \\ text", 0.2, 1.0))], title="Burn", logline="",
                    credits=[], out_dir=tmp_path / "out", work_dir=tmp_path / "work", video=VIDEO,
                    settings=quick(burn_subtitles=True))
    assert probe(film.path).codecs("subtitle") == ["mov_text"]  # the soft track stays too
    bottom = slice(VIDEO.height * 2 // 3, VIDEO.height)
    assert luma(film.path, 0.6)[bottom].max() > 200  # white text on navy
    assert luma(film.path, 1.5)[bottom].max() < 100  # after the cue: navy only


def test_burned_in_japanese_is_drawn_in_real_glyphs_not_notdef_boxes(tmp_path):
    def burned(text: str, name: str) -> np.ndarray:
        clip = make_clip(tmp_path / f"{name}.mp4", video="navy")
        film = assemble([shot(clip, "s1", "One", (text, 0.2, 1.0))], title="Burn", logline="", credits=[],
                        out_dir=tmp_path / name, work_dir=tmp_path / f"work-{name}", video=VIDEO,
                        settings=quick(burn_subtitles=True))
        return luma(film.path, 0.6)[VIDEO.height * 2 // 3:].astype(np.int32)

    japanese = burned("東京の地図", "ja")
    tofu = burned("\ue000" * 5, "tofu")  # private-use code points: no font has them, every one is .notdef
    assert japanese.max() > 150  # something light was drawn (thin CJK strokes at this size)
    assert (np.abs(japanese - tofu) > 60).sum() > 60  # and it is not the same five boxes


def test_a_clip_without_sound_gets_silence_of_its_length(tmp_path):
    clips = [make_clip(tmp_path / "mute.mp4", audio=None), make_clip(tmp_path / "noisy.mp4")]
    film = assemble([shot(c, "s1", "One") for c in clips], title="Mute", logline="", credits=[],
                    out_dir=tmp_path / "out", work_dir=tmp_path / "work", video=VIDEO, settings=quick())
    audio = mono_audio(film.path)
    assert len(audio) == pytest.approx(4.0 * 48000, abs=48)
    assert np.abs(audio[: int(1.9 * 48000)]).max() < 1e-3
    assert np.abs(audio[int(2.1 * 48000):]).max() > 0.05


@pytest.mark.parametrize("damage", ["missing", "corrupt"])
def test_an_unusable_clip_raises_naming_it_and_leaves_no_film(tmp_path, damage):
    good = make_clip(tmp_path / "good.mp4", seconds=1.0)
    bad = tmp_path / "bad_shot.mp4"
    if damage == "corrupt":
        bad.write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 8)
    shots = [shot(good, "s1", "One", seconds=1), shot(bad, "s1", "One")]
    with pytest.raises(FFmpegError, match="bad_shot.mp4") as err:
        assemble(shots, title="Broken", logline="", credits=[], out_dir=tmp_path / "out", work_dir=tmp_path / "work",
                 video=VIDEO, settings=AssemblySettings(preset="ultrafast"))
    assert isinstance(err.value, AuteurError)
    assert "shot 2" in str(err.value)
    assert not (tmp_path / "out" / "film.mp4").exists()
    assert list((tmp_path / "out").iterdir()) == []  # no half-written film either


def test_concat_floor_joins_the_clips_by_stream_copy(tmp_path):
    clips = [make_clip(tmp_path / f"{i}.mp4", seconds=1.0 + i) for i in range(2)]
    concat_floor(clips, tmp_path / "floor.mp4", tmp_path / "work")
    assert probe(tmp_path / "floor.mp4").duration == pytest.approx(3.0, abs=0.05)
    joined, first, second = packets(tmp_path / "floor.mp4"), packets(clips[0]), packets(clips[1])
    # Key frames gain in-band parameter sets at the join; every other packet is copied as it was.
    assert len(joined) == len(first) + len(second)
    assert joined[1 : len(first)] == first[1:] and joined[len(first) + 1 :] == second[1:]


@pytest.mark.parametrize("text", ["Plain title", "Storm 🌩️ and \u200fמגדלור\u200e العاصفة",
                                  "bad\x00\x1b[31m\ud800 text", "word " * 80, "x" * 500])
def test_cards_draw_any_text_inside_their_margins(text):
    margin = int(320 * MARGIN) - 2
    for card in (title_card(text, text, 320, 180), end_card([text, "Cast", text], 320, 180)):
        ink = np.abs(np.asarray(card).astype(int) - np.array(BACKGROUND)).sum(axis=2) > 30
        assert card.size == (320, 180)
        assert ink[:, margin:-margin].any()
        assert not ink[:, :margin].any() and not ink[:, -margin:].any()


def test_cards_with_nothing_to_say_are_blank():
    for card in (title_card("", "\x00", 320, 180), end_card([], 320, 180)):
        assert np.all(np.asarray(card) == np.array(BACKGROUND, dtype=np.uint8))


def test_a_clip_the_renderer_already_faded_is_copied_not_faded_again(tmp_path):
    clips = [make_rendered_clip(tmp_path / f"{n}.mp4") for n in "ab"]
    shots = [shot(clips[0], "s1", "One"), shot(clips[1], "s2", "Two")]
    shots[0].clip.fades, shots[1].clip.fades = (0.0, 0.25), (0.25, 0.0)
    film = assemble(shots, title="T", logline="L", credits=[], out_dir=tmp_path / "out", work_dir=tmp_path / "work",
                    video=VIDEO, settings=quick(scene_transition_s=0.5))
    joined = "|".join(packets(film.path))
    for clip in clips:
        assert "|".join(packets(clip)[1:]) in joined


def test_a_stream_copy_without_a_frame_count_is_counted_by_decoding(tmp_path):
    # ffmpeg 7.0.2 (imageio-ffmpeg 0.6 and 0.7, and the GPU kit) reports no frame= line for a stream copy:
    # its progress file is what this one is, and every film failed with "has no video frames"
    from auteur.tools.editing.assemble import _copied_frames

    clip = make_clip(tmp_path / "a.mp4", seconds=1.5, audio=None)
    progress = tmp_path / "copy.progress"
    progress.write_text("bitrate=N/A\ntotal_size=N/A\nout_time_us=1458333\nprogress=end\n")
    assert _copied_frames(progress, str(clip), tmp_path, "shot 1") == 36
    progress.write_text("frame=12\nprogress=continue\nframe=36\nprogress=end\n")  # newer ffmpeg: read, not decoded
    assert _copied_frames(progress, "/nonexistent.mp4", tmp_path, "shot 1") == 36
