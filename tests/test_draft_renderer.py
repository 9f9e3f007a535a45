"""The draft ShotRenderer: a real mp4 with the dialogue where the clip says it is."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from auteur.models.draft.renderer import DraftRenderer, DraftSettings, camera_path, record_dialogue
from auteur.models.renderer import RenderRequest, ShotRenderer, load_renderer
from auteur.core.settings import VideoSettings
from auteur.core.errors import InputError
from auteur.core.schema import Character, DialogueLine, FramingBox, Location, Shot, SoundCue, Voice
from auteur.tools.editing.ffmpeg import probe, run_ffmpeg

VIDEO = VideoSettings(width=320, height=180, fps=24, sample_rate=48000)
MARA = Character(token="<char1>", name="Mara", appearance="a keeper in oilskins",
                 voice=Voice(gender="female", pitch=0.3))
TOM = Character(token="<char2>", name="Tom", appearance="a fisherman", voice=Voice(gender="male", pitch=-0.4))
CLIFF = Location(token="<env1>", name="the lighthouse", look="a lighthouse on a cliff", ambience="wind and waves")
SILENT = -120.0  # ambience level that leaves only the dialogue audible


@pytest.fixture(scope="module")
def keyframe(tmp_path_factory) -> Path:
    """A busy picture (stripes, a disc, a gradient), so any camera move changes many pixels."""
    img = Image.new("RGB", (480, 300))
    draw = ImageDraw.Draw(img)
    for x in range(480):
        draw.line([(x, 0), (x, 300)], fill=(x // 2, 80, 255 - x // 2))
    for x in range(0, 480, 24):
        draw.line([(x, 0), (x + 60, 300)], fill=(255, 255, 255), width=3)
    for y in range(0, 300, 30):
        draw.line([(0, y), (480, y)], fill=(20, 20, 20), width=2)
    draw.ellipse([180, 90, 300, 210], fill=(250, 210, 60))
    path = tmp_path_factory.mktemp("keyframes") / "keyframe.png"
    img.save(path)
    return path


def shot(camera="static", duration=1.0, dialogue=(), framing=(), sound=()) -> Shot:
    return Shot(id="sc1-sh01", shot_type="medium", camera=camera, characters=["<char1>", "<char2>"],
                framing=list(framing), visual_prompt="<char1> and <char2> at the lamp", duration=duration,
                dialogue=[DialogueLine(speaker=s, line=t) for s, t in dialogue], sound=list(sound))


def request(keyframe: Path, the_shot: Shot, seed: int = 7) -> RenderRequest:
    return RenderRequest(shot=the_shot, keyframe=keyframe, cast=(MARA, TOM), location=CLIFF, video=VIDEO, seed=seed)


def decoded_audio(path: Path) -> np.ndarray:
    raw = run_ffmpeg(["-i", str(path), "-vn", "-f", "f32le", "-ac", "2", "-ar", "48000", "pipe:1"]).stdout
    return np.frombuffer(raw, dtype=np.float32).reshape(-1, 2)


def decoded_frames(path: Path) -> np.ndarray:
    raw = run_ffmpeg(["-i", str(path), "-an", "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"]).stdout
    return np.frombuffer(raw, dtype=np.uint8).reshape(-1, VIDEO.height, VIDEO.width, 3).astype(np.int16)


DIALOGUE = (("<char1>", "The storm is coming tonight."), ("<char2>", "Then we keep the light burning."))
# Mara stands left of frame, Tom right.
FRAMING = (FramingBox(character="<char1>", x=0.0, y=0.2, w=0.25, h=0.7),
           FramingBox(character="<char2>", x=0.75, y=0.2, w=0.25, h=0.7))


@pytest.fixture(scope="module")
def talking_clip(keyframe, tmp_path_factory):
    """A one-second shot holding two lines that need about four seconds, ambience off."""
    out = tmp_path_factory.mktemp("clips") / "talk.mp4"
    clip = DraftRenderer(ambience_db=SILENT).render(request(keyframe, shot(dialogue=DIALOGUE, framing=FRAMING)), out)
    return clip


# ---------------------------------------------------------------- the file


def test_draft_renderer_is_a_shot_renderer_loadable_by_name():
    renderer = load_renderer("draft", {"crf": 23})
    assert isinstance(renderer, ShotRenderer) and renderer.name == "draft"
    assert renderer.settings()["crf"] == 23


def test_clip_is_h264_and_aac_stereo_at_48k(talking_clip):
    info = probe(talking_clip.path)
    assert info.codecs("video") == ["h264"] and info.codecs("audio") == ["aac"]
    assert (info.width, info.height, info.fps) == (320, 180, 24.0)
    assert info.sample_rate == 48000 and info.channels == "stereo"


def x264_options(path: Path) -> dict[str, str]:
    """The options x264 wrote into the stream's SEI ("options: cabac=1 ref=1 ... mbtree=1 ...")."""
    data = path.read_bytes()
    start = data.index(b"options: ") + len(b"options: ")
    text = data[start:data.index(b"\x00", start)].decode("ascii", "replace")
    return dict(item.split("=", 1) for item in text.split() if "=" in item)


def test_the_clip_is_x264_superfast_with_its_macroblock_tree_kept(talking_clip, keyframe, tmp_path):
    options = x264_options(talking_clip.path)
    # superfast's own choices (one reference, diamond search, sub-pixel level 1) with mbtree and a 10-frame look-ahead
    assert (options["ref"], options["me"], options["subme"]) == ("1", "dia", "1")
    assert (options["mbtree"], options["rc_lookahead"], options["crf"]) == ("1", "10", "20.0")
    # a preset chosen in the profile is x264's own
    clip = DraftRenderer(preset="veryfast", ambience_db=SILENT).render(request(keyframe, shot()), tmp_path / "v.mp4")
    options = x264_options(clip.path)
    assert (options["me"], options["subme"], options["mbtree"], options["rc_lookahead"]) == ("hex", "2", "1", "10")
    clip = DraftRenderer(preset="ultrafast", ambience_db=SILENT).render(request(keyframe, shot()), tmp_path / "u.mp4")
    assert x264_options(clip.path)["mbtree"] == "0"


def test_clip_is_lengthened_to_hold_all_dialogue_in_whole_frames(talking_clip):
    assert len(talking_clip.lines) == 2
    assert talking_clip.duration >= talking_clip.lines[-1].end + 0.5  # the tail after the last line
    frames = talking_clip.duration * VIDEO.fps
    assert frames == pytest.approx(round(frames), abs=1e-9)
    assert probe(talking_clip.path).duration == pytest.approx(talking_clip.duration, abs=0.03)


def test_audio_is_exactly_frames_over_fps_long(talking_clip):
    assert len(decoded_audio(talking_clip.path)) == round(talking_clip.duration * 48000)


def test_spoken_line_starts_match_the_speech_onsets_in_the_decoded_audio(talking_clip):
    audio = decoded_audio(talking_clip.path).mean(axis=1)
    loud = np.abs(audio) > 10 ** (-40 / 20)
    previous_end = 0.0
    for line in talking_clip.lines:
        search_from = round((previous_end + 0.1) * 48000)
        onset = (search_from + np.argmax(loud[search_from:])) / 48000
        assert onset == pytest.approx(line.start, abs=0.1), line.text
        assert line.end > line.start
        previous_end = line.end


def test_lines_are_laid_end_to_end_after_the_lead_in(talking_clip):
    first, second = talking_clip.lines
    assert first.start == pytest.approx(0.4, abs=1e-3)
    assert second.start - first.end == pytest.approx(0.3, abs=1e-3)
    assert [(ln.speaker, ln.text) for ln in talking_clip.lines] == list(DIALOGUE)


def test_speech_is_panned_toward_the_speakers_framing_box(talking_clip):
    audio = decoded_audio(talking_clip.path)
    for line, louder in zip(talking_clip.lines, (0, 1)):
        span = audio[round(line.start * 48000) : round(line.end * 48000)]
        left, right = np.sqrt((span**2).mean(axis=0))
        assert (left > 1.2 * right) if louder == 0 else (right > 1.2 * left)


def test_rendering_twice_gives_the_same_file(keyframe, tmp_path):
    renderer = DraftRenderer()
    the_shot = shot(camera="push-in", dialogue=DIALOGUE[:1])
    first = renderer.render(request(keyframe, the_shot), tmp_path / "a.mp4")
    second = renderer.render(request(keyframe, the_shot), tmp_path / "b.mp4")
    digest = [hashlib.sha256(p.read_bytes()).hexdigest() for p in (first.path, second.path)]
    assert digest[0] == digest[1] and first.lines == second.lines


def test_render_leaves_only_the_clip_in_its_folder(keyframe, tmp_path):
    DraftRenderer().render(request(keyframe, shot(duration=0.5)), tmp_path / "clip.mp4")
    assert [p.name for p in tmp_path.iterdir()] == ["clip.mp4"]


def test_progress_is_reported_up_to_one(keyframe, tmp_path):
    seen: list[float] = []
    DraftRenderer().render(request(keyframe, shot(duration=1.0)), tmp_path / "clip.mp4", progress=seen.append)
    assert seen and seen == sorted(seen) and seen[-1] == 1.0 and all(0 < f <= 1 for f in seen)


# ---------------------------------------------------------------- picture


@pytest.mark.parametrize("camera", ["push-in", "pull-out", "pan-left", "pan-right", "tilt-up", "tilt-down"])
def test_camera_moves_change_the_picture_over_the_shot(keyframe, tmp_path, camera):
    clip = DraftRenderer().render(request(keyframe, shot(camera=camera, duration=0.5)), tmp_path / "clip.mp4")
    frames = decoded_frames(clip.path)
    assert len(frames) == 12
    assert np.abs(frames[-1] - frames[0]).mean() > 25


def test_static_camera_barely_changes_the_picture(keyframe, tmp_path):
    clip = DraftRenderer().render(request(keyframe, shot(camera="static", duration=0.5)), tmp_path / "clip.mp4")
    frames = decoded_frames(clip.path)
    assert np.abs(frames[-1] - frames[0]).mean() < 10  # moves measure 40 and more


@pytest.mark.parametrize("camera, axis, direction", [
    ("pan-left", 0, -1), ("pan-right", 0, 1), ("tilt-up", 1, -1), ("tilt-down", 1, 1),
])
def test_pans_and_tilts_travel_the_way_they_are_named(camera, axis, direction):
    boxes = camera_path(shot(camera=camera), (1600, 1000), (1280, 720), 48, 24)
    moved = boxes[-1][axis] - boxes[0][axis]
    across = boxes[-1][1 - axis] - boxes[0][1 - axis]
    assert np.sign(moved) == direction and abs(moved) > 50 and abs(across) < 1e-6


@pytest.mark.parametrize("camera, direction", [("push-in", -1), ("pull-out", 1)])
def test_push_in_tightens_and_pull_out_widens_the_window(camera, direction):
    widths = [right - left for left, _, right, _ in camera_path(shot(camera=camera), (1600, 1000), (1280, 720), 48, 24)]
    assert np.all(np.sign(np.diff(widths)) == direction)


def test_camera_windows_stay_inside_the_keyframe_at_the_frames_aspect():
    for camera in ["static", "push-in", "pull-out", "pan-left", "pan-right", "tilt-up", "tilt-down"]:
        for l, t, r, b in camera_path(shot(camera=camera), (1024, 1024), (1280, 720), 30, 24):
            assert 0 <= l < r <= 1024 + 1e-6 and 0 <= t < b <= 1024 + 1e-6
            assert (r - l) / (b - t) == pytest.approx(1280 / 720, rel=1e-6)


def test_camera_moves_ease_in_and_out():
    boxes = camera_path(shot(camera="pan-right"), (1600, 900), (1280, 720), 49, 24)
    steps = np.diff([b[0] for b in boxes])
    assert steps[0] < steps[24] / 5 and steps[-1] < steps[24] / 5


def test_small_keyframe_is_scaled_up_to_the_frame(tmp_path):
    small = tmp_path / "small.png"
    Image.new("RGB", (100, 60), (200, 40, 40)).save(small)
    clip = DraftRenderer().render(request(small, shot(camera="push-in", duration=0.5)), tmp_path / "clip.mp4")
    info = probe(clip.path)
    assert (info.width, info.height) == (320, 180)
    assert decoded_frames(clip.path)[5, 90, 160, 0] > 150  # still the red keyframe, filling the frame


# ---------------------------------------------------------------- sound


def test_same_character_keeps_one_voice_and_different_characters_sound_different(keyframe):
    # neither has a Voice of their own: the renderer still has to tell them apart
    twins = (Character(token="<char1>", name="Ann", appearance="a"),
             Character(token="<char2>", name="Bea", appearance="b"))
    lines = shot(dialogue=(("<char1>", "Hello there."), ("<char2>", "Hello there."), ("<char1>", "Hello there.")))
    req = RenderRequest(shot=lines, keyframe=keyframe, cast=twins, location=CLIFF, video=VIDEO)
    takes, _ = record_dialogue(req, DraftSettings())
    assert np.array_equal(takes[0].samples, takes[2].samples)
    assert not (len(takes[0].samples) == len(takes[1].samples) and np.allclose(takes[0].samples, takes[1].samples))


def test_line_with_nothing_speakable_gets_no_spoken_line(keyframe, tmp_path):
    the_shot = shot(dialogue=(("<char1>", "\x07\x1b\x00"), ("<char2>", "Still here.")))
    clip = DraftRenderer().render(request(keyframe, the_shot), tmp_path / "clip.mp4")
    assert [ln.text for ln in clip.lines] == ["Still here."]
    assert clip.lines[0].start == pytest.approx(0.4, abs=1e-3)


def test_music_cue_adds_a_soft_pad_under_the_shot(keyframe, tmp_path):
    renderer = DraftRenderer(ambience_db=SILENT, music_db=-30.0)
    quiet = renderer.render(request(keyframe, shot(duration=1.0)), tmp_path / "quiet.mp4")
    cue = SoundCue(kind="music", description="a warm theme")
    scored = renderer.render(request(keyframe, shot(duration=1.0, sound=[cue])), tmp_path / "scored.mp4")
    assert np.sqrt(np.mean(decoded_audio(quiet.path) ** 2)) < 1e-3
    level = 20 * np.log10(np.sqrt(np.mean(decoded_audio(scored.path) ** 2)))
    assert -36 < level < -26


def test_ambience_plays_under_a_shot_without_dialogue(keyframe, tmp_path):
    clip = DraftRenderer().render(request(keyframe, shot(duration=1.0)), tmp_path / "clip.mp4")
    level = 20 * np.log10(np.sqrt(np.mean(decoded_audio(clip.path) ** 2)))
    assert -38 < level < -26


def test_mix_never_clips(talking_clip):
    assert np.abs(decoded_audio(talking_clip.path)).max() < 1.0


# ---------------------------------------------------------------- errors


def test_unknown_setting_is_rejected_naming_it_and_the_known_ones():
    with pytest.raises(InputError, match="'lead_in'.*lead_in_s"):
        DraftRenderer(lead_in=1.0)


@pytest.mark.parametrize("setting", [{"crf": 99}, {"preset": "warp"}, {"gap_s": -1}, {"ambience_db": "loud"}])
def test_bad_setting_value_is_rejected_naming_it(setting):
    name = next(iter(setting))
    with pytest.raises(InputError, match=name):
        DraftRenderer(**setting)


def test_speaker_missing_from_the_cast_is_named(keyframe, tmp_path):
    req = RenderRequest(shot=shot(dialogue=DIALOGUE), keyframe=keyframe, cast=(MARA,), location=CLIFF, video=VIDEO)
    with pytest.raises(InputError, match=r"sc1-sh01.*<char2>"):
        DraftRenderer().render(req, tmp_path / "clip.mp4")
    assert not list(tmp_path.iterdir())


def test_unreadable_keyframe_is_named(tmp_path):
    missing = tmp_path / "nowhere.png"
    with pytest.raises(InputError, match="nowhere.png"):
        DraftRenderer().render(request(missing, shot()), tmp_path / "clip.mp4")


def test_requested_head_and_tail_fades_dip_picture_and_sound_to_black(keyframe, tmp_path):
    base = request(keyframe, shot(duration=1.5))
    faded = RenderRequest(**{**base.__dict__, "fade_in_s": 0.25, "fade_out_s": 0.25})
    clip = DraftRenderer().render(faded, tmp_path / "faded.mp4")
    plain = DraftRenderer().render(base, tmp_path / "plain.mp4")
    frames, reference = decoded_frames(clip.path), decoded_frames(plain.path)
    assert clip.fades == (0.25, 0.25) and plain.fades == (0.0, 0.0)
    assert frames[0].mean() < 20 and frames[-1].mean() < 20
    assert abs(frames[len(frames) // 2].mean() - reference[len(frames) // 2].mean()) < 2
    sound = decoded_audio(clip.path)
    assert np.abs(sound[:200]).max() < 1e-3 and np.abs(decoded_audio(plain.path)[2400:4800]).max() > 1e-3
