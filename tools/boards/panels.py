"""Storyboard panels for any backend's keyframes: the picture with arrows marking its camera move (pans,
tilts, push-in, pull-out) over a caption strip giving the shot's id, type, move and length and its first
lines of dialogue, and a contact sheet laying the panels out in a grid on storyboard paper under a title.
Text is cleaned of control characters and cut to fit, set in the Noto font that covers its script
(`auteur.tools.fonts`), and no script or emoji the fonts cannot lay out stops a panel. Nothing here knows how a
keyframe was made.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

from auteur.core.schema import CameraMove, Shot
from auteur.tools import fonts
from auteur.tools.boards.captions import camera_words, more_lines, seconds, shot_words

RGB = tuple[int, int, int]
# The draft painter's ink and paper; kept here, not imported, so panels depend on no backend.
INK = (24, 20, 26)
PAPER = (246, 243, 236)


@lru_cache(maxsize=32)
def load_font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """The Latin font of the chain (Noto Sans) at a size; `draw_text` swaps in the font each script needs."""
    return fonts.load(fonts.font_files()[0] if fonts.font_files() else None, size, bold)


def clean_text(text: object) -> str:
    """Text safe to lay out: control characters become spaces, lone surrogates a replacement mark."""
    out = []
    for ch in str(text)[:2000]:
        category = unicodedata.category(ch)
        out.append("\ufffd" if category == "Cs" else " " if category in ("Cc", "Zl", "Zp") else ch)
    return " ".join("".join(out).split())


def _width(text: str, font) -> float:
    return fonts.measure(text, font)


def fit_text(text: str, font, max_width: float) -> str:
    """The text, cut with an ellipsis to fit max_width."""
    text = text[:500]
    if _width(text, font) <= max_width:
        return text
    lo, hi = 0, len(text)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if _width(text[:mid].rstrip() + "…", font) <= max_width:
            lo = mid
        else:
            hi = mid - 1
    return text[:lo].rstrip() + "…"


def draw_text(d: ImageDraw.ImageDraw, xy: tuple[float, float], text: str, font, fill: RGB) -> None:
    """Draw the text in the fonts its scripts need, falling back to ASCII where a layout refuses it."""
    try:
        fonts.draw(d, xy, text, font, fill)
    except Exception:  # e.g. a layout engine refusing a script; fall back to what any font can draw
        d.text(xy, text.encode("ascii", "replace").decode("ascii"), font=font, fill=fill)


def _arrow(d: ImageDraw.ImageDraw, start: tuple[float, float], end: tuple[float, float], width: float) -> None:
    (x0, y0), (x1, y1) = start, end
    length = math.hypot(x1 - x0, y1 - y0) or 1
    ux, uy = (x1 - x0) / length, (y1 - y0) / length
    nx, ny = -uy, ux
    head = width * 2.6
    bx, by = x1 - ux * head, y1 - uy * head
    pts = [(x0 + nx * width / 2, y0 + ny * width / 2), (bx + nx * width / 2, by + ny * width / 2), (bx + nx * head * 0.75, by + ny * head * 0.75),
           (x1, y1), (bx - nx * head * 0.75, by - ny * head * 0.75), (bx - nx * width / 2, by - ny * width / 2), (x0 - nx * width / 2, y0 - ny * width / 2)]
    d.polygon(pts, fill=(255, 255, 255, 215), outline=(20, 20, 24, 230), width=max(1, int(width / 6)))


def _camera_arrows(img: Image.Image, camera: CameraMove) -> None:
    """The storyboard marks for a camera move: arrows for pans and tilts, corner arrows in or out for push and pull."""
    if camera == CameraMove.static:
        return
    w, h = img.size
    layer = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    d = ImageDraw.Draw(layer)
    t = max(3.0, min(w, h) * 0.022)
    if camera in (CameraMove.pan_left, CameraMove.pan_right):
        a, b = (w * 0.64, h * 0.1), (w * 0.36, h * 0.1)
        _arrow(d, *((a, b) if camera == CameraMove.pan_left else (b, a)), t)
    elif camera in (CameraMove.tilt_up, CameraMove.tilt_down):
        a, b = (w * 0.93, h * 0.66), (w * 0.93, h * 0.34)
        _arrow(d, *((a, b) if camera == CameraMove.tilt_up else (b, a)), t)
    else:
        for sx, sy in ((0, 0), (1, 0), (0, 1), (1, 1)):
            corner = (w * (0.05 + 0.9 * sx), h * (0.07 + 0.86 * sy))
            inner = (corner[0] + (1 - 2 * sx) * w * 0.1, corner[1] + (1 - 2 * sy) * w * 0.1 * 0.6)
            _arrow(d, *((corner, inner) if camera == CameraMove.push_in else (inner, corner)), t * 0.8)
    img.paste(layer, (0, 0), layer)


def header(shot: Shot, language: str = "en") -> str:
    """A panel's first caption line: shot id, size, camera move and length, in the film's language."""
    return (f"{shot.id}   {shot_words(shot.shot_type, language).upper()}   {camera_words(shot.camera, language)}   "
            f"{seconds(shot.duration, language)}")


def draw_panel(keyframe: Image.Image, shot: Shot, cast_names: dict[str, str], language: str = "en") -> Image.Image:
    """A storyboard panel: the keyframe with its camera-move marks over a caption strip (shot, type, move, length,
    lines), its trade words in the film's language (`captions.py`)."""
    picture = keyframe.convert("RGB")
    _camera_arrows(picture, shot.camera)
    w, h = picture.size
    head, body = load_font(max(11, w // 44), bold=True), load_font(max(10, w // 54))
    pad = max(6, w // 90)
    lines: list[tuple[str, object, RGB]] = [(fit_text(clean_text(header(shot, language)), head, w - 2 * pad), head, INK)]
    for told in shot.narration[:1]:  # a story's narrator, over the picture
        lines.append((fit_text(clean_text(f"(V.O.) {told}"), body, w - 2 * pad), body, (90, 70, 40)))
    for line in shot.dialogue[:3]:
        name = clean_text(cast_names.get(line.speaker, line.speaker)).upper()
        lines.append((fit_text(clean_text(f"{name}: {line.line}"), body, w - 2 * pad), body, (40, 40, 48)))
    if len(shot.dialogue) > 3:
        lines.append((more_lines(len(shot.dialogue) - 3, language), body, (110, 110, 116)))
    if not shot.dialogue and not shot.narration and shot.action:
        lines.append((fit_text(clean_text(shot.action), body, w - 2 * pad), body, (110, 110, 116)))
    step = lambda font: int(getattr(font, "size", 12) * 1.45)  # noqa: E731
    strip = pad * 2 + sum(step(font) for _, font, _ in lines)
    panel = Image.new("RGB", (w, h + strip), PAPER)
    panel.paste(picture, (0, 0))
    d = ImageDraw.Draw(panel)
    d.rectangle((0, 0, w - 1, h - 1), outline=INK, width=max(2, w // 400))
    y = h + pad
    for text, font, colour in lines:
        draw_text(d, (pad, y), text, font, colour)
        y += step(font)
    return panel


def contact_sheet(panels: Sequence[Image.Image], columns: int = 3, title: str = "", panel_width: int | None = 640) -> Image.Image:
    """All panels in a grid on storyboard paper, under an optional title; panels wider than panel_width are reduced."""
    columns = max(1, min(columns, len(panels) or 1))
    scaled = []
    for p in panels:
        p = p.convert("RGB")
        if panel_width and p.width > panel_width:
            p = p.resize((panel_width, max(1, round(p.height * panel_width / p.width))), Image.Resampling.LANCZOS)
        scaled.append(p)
    cell_w = max((p.width for p in scaled), default=panel_width or 320)
    gap = max(8, cell_w // 24)
    title_font = load_font(max(14, cell_w // 16), bold=True)
    title_h = int(title_font.size * 1.8) if title else 0
    rows = [scaled[i:i + columns] for i in range(0, len(scaled), columns)]
    row_h = [max(p.height for p in row) for row in rows]
    sheet = Image.new("RGB", (gap + columns * (cell_w + gap), gap + title_h + sum(r + gap for r in row_h)), (232, 228, 218))
    d = ImageDraw.Draw(sheet)
    if title:
        draw_text(d, (gap, gap), fit_text(clean_text(title), title_font, sheet.width - 2 * gap), title_font, INK)
    y = gap + title_h
    for row, rh in zip(rows, row_h):
        for k, p in enumerate(row):
            sheet.paste(p, (gap + k * (cell_w + gap), y))
        y += rh + gap
    return sheet
