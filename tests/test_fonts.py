"""Text in any script: the font chain covers every character of a Chinese, Korean, Hindi, Arabic, Japanese and
German premise, and the title card draws real glyphs for them, never the font's .notdef box."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw

from auteur.core.schema import DialogueLine, Shot
from auteur.tools import fonts
from auteur.tools.boards.panels import draw_panel
from auteur.tools.editing.cards import title_card

LOGLINES = {
    "zh": ("地图之城", "一个女孩童年的地图在一夜之间重画了她的小镇。"),
    "ko": ("정전", "정전이 된 라고스의 엘리베이터에 갇힌 세 명의 낯선 사람."),
    "hi": ("नक्शा", "एक लड़की का बचपन का नक्शा रातों-रात उसके शहर को फिर से बना देता है।"),
    "ar": ("الخريطة", "ثلاثة غرباء عالقون في مصعد في لاغوس أثناء انقطاع التيار الكهربائي."),
    "ja": ("地図の町", "少女の地図が一夜で町を描き直す。"),
    "de": ("Schnee", "Zwei Köchinnen, eingeschneit vor dem Fest, müssen sich einen Herd teilen."),
}
NOTDEF = "\ue000"  # a private-use code point: no font of the chain maps it, so it is drawn as .notdef


def glyph_bitmap(ch: str, path, size: int = 48) -> np.ndarray:
    img = Image.new("L", (size * 2, size * 2))
    ImageDraw.Draw(img).text((size // 2, size // 2), ch, font=fonts.load(path, size), fill=255)
    return np.asarray(img)


@pytest.mark.parametrize("lang", sorted(LOGLINES))
def test_every_character_of_the_title_and_logline_is_in_the_chosen_fonts_cmap(lang):
    title, logline = LOGLINES[lang]
    for text in (title, logline):
        path = fonts.font_for(text)
        assert path is not None, "no font of the chain is installed"
        missing = [ch for ch in text if not ch.isspace() and ord(ch) not in fonts.coverage(path)]
        assert not missing, f"{path.name} lacks {missing}"


@pytest.mark.parametrize("lang", ["zh", "ko", "hi", "ar"])
def test_no_glyph_of_the_logline_is_drawn_as_the_notdef_box(lang):
    _, logline = LOGLINES[lang]
    path = fonts.font_for(logline)
    assert ord(NOTDEF) not in fonts.coverage(path)
    notdef = glyph_bitmap(NOTDEF, path)
    for ch in set(logline) - {" ", "."}:
        drawn = glyph_bitmap(ch, path)
        assert drawn.any() and not np.array_equal(drawn, notdef), f"{ch!r} is drawn as .notdef in {path.name}"


@pytest.mark.parametrize("lang", ["zh", "ko", "hi", "ar"])
def test_the_title_card_differs_from_a_card_of_notdef_boxes(lang):
    title, logline = LOGLINES[lang]
    card = np.asarray(title_card(title, logline, 640, 360), dtype=np.int32)
    tofu = np.asarray(title_card(NOTDEF * len(title), NOTDEF * len(logline), 640, 360), dtype=np.int32)
    assert (card > 128).sum() > 200  # the text is on the card
    assert (np.abs(card - tofu) > 64).sum() > 0.3 * (card > 128).sum()


def test_each_script_gets_its_own_font():
    assert fonts.family(fonts.font_for(LOGLINES["de"][1])) == "Noto Sans"
    assert "CJK" in fonts.family(fonts.font_for(LOGLINES["ja"][1]))
    assert "CJK" in fonts.family(fonts.font_for(LOGLINES["zh"][1]))
    assert "CJK" in fonts.family(fonts.font_for(LOGLINES["ko"][1]))
    assert "Arabic" in fonts.family(fonts.font_for(LOGLINES["ar"][1]))
    assert fonts.family(fonts.font_for(LOGLINES["hi"][1])) in ("Noto Sans", "Noto Sans Devanagari")  # Noto Sans 2 has Devanagari


def test_a_line_no_single_font_covers_is_cut_into_runs_in_their_own_fonts():
    parts = fonts.runs("地图 الخريطة")
    assert [fonts.family(p) for _, p in parts] == ["Noto Sans CJK TC Regular", "Noto Sans Arabic"]
    assert "".join(t for t, _ in parts) == "地图 الخريطة"


def test_arabic_is_shaped_right_to_left_when_raqm_is_available():
    if not fonts.SHAPING:
        pytest.skip("Pillow was built without raqm: Arabic is drawn unshaped")
    path = fonts.font_for("سلام")
    joined = fonts.load(path, 40).getlength("سلام")
    isolated = sum(fonts.load(path, 40).getlength(ch) for ch in "سلام")
    assert joined < isolated  # joined letters take their narrower medial and final forms


def test_a_storyboard_caption_in_korean_is_not_boxes():
    shot = lambda text: Shot(id="sc1-sh01", shot_type="medium", characters=["<char1>"], visual_prompt="x", duration=2,  # noqa: E731
                             dialogue=[DialogueLine(speaker="<char1>", line=text, emotion="calm")])
    blank = Image.new("RGB", (480, 270), (90, 90, 90))
    korean = np.asarray(draw_panel(blank, shot("정전이 된 엘리베이터"), {"<char1>": "민지"}), dtype=np.int32)
    tofu = np.asarray(draw_panel(blank, shot(NOTDEF * 10), {"<char1>": NOTDEF * 2}), dtype=np.int32)
    assert (np.abs(korean[270:] - tofu[270:]) > 64).sum() > 100
