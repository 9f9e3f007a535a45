"""Storyboard panels and the contact sheet: camera moves marked, captions that never break, every panel laid out."""

from __future__ import annotations

import numpy as np
from PIL import Image

from auteur.core.schema import DialogueLine, Shot
from auteur.tools.boards.panels import contact_sheet, draw_panel, header

W, H = 320, 180


def shot(chars: tuple[str, ...] = ("<char1>",), camera: str = "static", lines: tuple[tuple[str, str, str], ...] = ()) -> Shot:
    return Shot(id="sc1-sh01", shot_type="two-shot" if len(chars) > 1 else "medium", camera=camera, characters=list(chars),
                visual_prompt="a shot", duration=3.0, dialogue=[DialogueLine(speaker=s, line=text, emotion=e) for s, text, e in lines])


def pixels(img: Image.Image, box: tuple[float, float, float, float]) -> np.ndarray:
    x, y, w, h = box
    return np.asarray(img, dtype=np.int32)[int(y * img.height):int((y + h) * img.height), int(x * img.width):int((x + w) * img.width)]


HOSTILE = [
    "Hello 👋🏽 👨‍👩‍👧 🌩️!",
    "שלום, מה שלומך? مرحبا كيف حالك",
    "tab\there\nnew line\r\x00\x07\x1b[31m red \u202eoverride\u200f",
    "drawtext=text='a\\:b':fontfile=/etc/passwd,[0:v]scale=2:2;[out] %{pts} \"quoted\" 'single'",
    "word " * 790,
]


def test_draw_panel_never_raises_on_hostile_dialogue_and_adds_a_caption_strip():
    keyframe = Image.new("RGB", (W, H), (40, 60, 80))
    lines = tuple(("<char1>" if k % 2 else "<char2>", text, "fear") for k, text in enumerate(HOSTILE))
    names = {"<char1>": "A\x00mos 🌊", "<char2>": "العاصفة"}
    for camera in ("static", "push-in", "pull-out", "pan-left", "pan-right", "tilt-up", "tilt-down"):
        panel = draw_panel(keyframe, shot(("<char1>", "<char2>"), camera=camera, lines=lines), names)
        assert panel.width == W and panel.height > H
        strip = np.asarray(panel.crop((0, H, W, panel.height))).reshape(-1, 3)
        assert len(np.unique(strip, axis=0)) > 2  # the caption strip carries text, not a blank band


def test_the_panel_shows_its_keyframe():
    rng = np.random.default_rng(0)
    keyframe = Image.fromarray(rng.integers(0, 255, (H, W, 3), dtype=np.uint8))
    panel = draw_panel(keyframe, shot(), {})
    inside = (0.03, 0.03, 0.94, 0.94)  # the picture within its frame line
    assert np.array_equal(pixels(panel.crop((0, 0, W, H)), inside), pixels(keyframe, inside))


def test_a_camera_move_is_marked_on_the_picture():
    keyframe = Image.new("RGB", (W, H), (40, 60, 80))
    inside = (0.03, 0.03, 0.94, 0.94)  # the picture within its frame line

    def picture(camera: str) -> bytes:
        panel = draw_panel(keyframe, shot(camera=camera), {})
        return pixels(panel.crop((0, 0, W, H)), inside).tobytes()

    assert picture("static") == pixels(keyframe, inside).tobytes()
    marked = [picture("push-in"), picture("static"), picture("pan-left")]
    assert len(set(marked)) == 3  # every pair differs: a push-in is not drawn as a pan


def test_contact_sheet_lays_out_every_panel_in_a_grid():
    colours = [(200, 30 * k, 40) for k in range(7)]
    sheet = contact_sheet([Image.new("RGB", (160, 120), c) for c in colours], columns=3, title="Dailies ✂️")
    found = {tuple(c) for c in np.asarray(sheet).reshape(-1, 3)}
    assert all(c in found for c in colours)
    assert 3 * 160 < sheet.width < 4 * 160
    assert 3 * 120 < sheet.height < 5 * 120


def test_contact_sheet_of_no_panels_is_still_an_image():
    assert contact_sheet([], title="empty").mode == "RGB"


def test_captions_follow_the_films_language():
    s = Shot(id="sc1-sh02", shot_type="close-up", camera="push-in", characters=[], visual_prompt="a shot", duration=3.5)
    assert header(s, "de") == "sc1-sh02   GROSS   Ranfahrt   3,5 s"
    assert header(s, "en") == "sc1-sh02   CLOSE-UP   push-in   3.5s"
    wide = Shot(id="sc1-sh02", shot_type="wide", camera="pan-left", visual_prompt="a shot", duration=3.5)
    assert header(wide, "fr") == "sc1-sh02   PLAN D'ENSEMBLE   panoramique gauche   3,5 s"
    assert header(s, "ja") == header(s, "en")  # no caption table for Japanese: the English trade words


def test_a_german_panel_carries_a_german_caption_strip():
    keyframe = Image.new("RGB", (W, H), (40, 60, 80))
    s = shot(camera="push-in", lines=(("<char1>", "Hallo.", "joy"),) * 5)
    german, english = (np.asarray(draw_panel(keyframe, s, {}, language)) for language in ("de", "en"))
    assert german.shape == english.shape
    assert not np.array_equal(german[H:], english[H:])  # the strip's words differ ...
    assert np.array_equal(german[:H], english[:H])  # ... and the picture does not
