"""Title and end cards: centred light text on a dark ground, drawn with PIL in the Noto font each script needs
(`auteur.tools.fonts`), so a Japanese title or an Arabic logline is set in real glyphs, not boxes."""

from __future__ import annotations

import unicodedata

from PIL import Image, ImageDraw, ImageFont

from auteur.tools import fonts

BACKGROUND = (12, 12, 16)
INK = (238, 236, 230)
DIM = (150, 150, 158)
MARGIN = 0.08  # of the width, kept clear on either side


def _clean(text: str) -> str:
    # Control characters and lone surrogates would reach FreeType as garbage (or raise on
    # encoding); everything else, emoji and right-to-left scripts included, is drawn as the font can.
    kept = "".join(" " if ch.isspace() else ch for ch in str(text)
                   if ch.isspace() or unicodedata.category(ch) not in ("Cc", "Cs"))
    return " ".join(kept.split())


def _font(size: int, text: str = "") -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    """The font for this text (its script decides) at a size; `fonts.draw` sets any other script's runs."""
    return fonts.font(text, max(8, size))


def _width(draw: ImageDraw.ImageDraw, text: str, font) -> float:
    return fonts.measure(text, font)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font, max_width: float, max_lines: int) -> list[str]:
    """Greedy word wrap to `max_width` pixels; over-long words are split; overflow ends in an ellipsis."""
    lines: list[str] = []
    current = ""
    for word in _clean(text).split(" "):
        if not word:
            continue
        candidate = f"{current} {word}" if current else word
        if _width(draw, candidate, font) <= max_width:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = word
        while _width(draw, current, font) > max_width and len(current) > 1:
            # A word wider than the card: break it at the longest prefix that fits.
            lo, hi = 1, len(current) - 1
            while lo < hi:
                mid = (lo + hi + 1) // 2
                if _width(draw, current[:mid], font) <= max_width:
                    lo = mid
                else:
                    hi = mid - 1
            lines.append(current[:lo])
            current = current[lo:]
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        last = lines[max_lines - 1]
        while last and _width(draw, last + "…", font) > max_width:
            last = last[:-1]
        lines = lines[: max_lines - 1] + [last.rstrip() + "…"]
    return lines


def _line_height(font) -> int:
    return int(getattr(font, "size", 12) * 1.45) + 1  # by size, so a CJK line and a Latin line space alike


def _draw_block(draw: ImageDraw.ImageDraw, lines: list[tuple[str, object, tuple]], width: int, height: int) -> None:
    """Draw (text, font, colour) lines as one block centred on the card."""
    total = sum(_line_height(font) for _, font, _ in lines)
    y = (height - total) / 2
    for text, font, colour in lines:
        step = _line_height(font)
        fonts.draw(draw, (width / 2, y + step / 2), text, font, colour, anchor="mm")
        y += step


def title_card(title: str, subtitle: str, width: int, height: int) -> Image.Image:
    """The opening card: the film's title, and a smaller subtitle (the logline) under it."""
    image = Image.new("RGB", (width, height), BACKGROUND)
    draw = ImageDraw.Draw(image)
    max_width = width * (1 - 2 * MARGIN)
    big, small = _font(height // 9, title), _font(height // 26, subtitle)
    block = [(ln, big, INK) for ln in _wrap(draw, title, big, max_width, 3)]
    sub = _wrap(draw, subtitle, small, max_width * 0.85, 4)
    if block and sub:
        block.append(("", small, DIM))  # a blank line between title and subtitle
    block += [(ln, small, DIM) for ln in sub]
    _draw_block(draw, block, width, height)
    return image


def end_card(lines: list[str], width: int, height: int) -> Image.Image:
    """The closing card: credit lines, centred, the font shrunk until they all fit."""
    image = Image.new("RGB", (width, height), BACKGROUND)
    draw = ImageDraw.Draw(image)
    max_width = width * (1 - 2 * MARGIN)
    entries = [ln for ln in (_clean(x) for x in lines) if ln]
    size = height // 18
    while True:
        font = _font(size, " ".join(entries))
        wrapped = [w for ln in entries for w in _wrap(draw, ln, font, max_width, 2)]
        if len(wrapped) * _line_height(font) <= height * 0.86 or size <= 10:
            break
        size = int(size * 0.88)
    fit = max(1, int(height * 0.86) // _line_height(font))
    if len(wrapped) > fit:  # still too many at the smallest size: keep the first ones
        wrapped = wrapped[: fit - 1] + ["…"]
    _draw_block(draw, [(ln, font, INK) for ln in wrapped], width, height)
    return image
