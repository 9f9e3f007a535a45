"""Fonts for text in any script: title and end cards, storyboard captions, character sheets, burned subtitles.

The fonts come from registry packages that `pip install -e .` brings (all under the SIL Open Font License):
Noto Sans (Latin, Greek, Cyrillic), Noto Sans Arabic, Noto Sans Devanagari and Noto Sans CJK (Chinese,
Japanese, Korean). A text run is set in the first font of that chain whose character map covers every
character in it; a line mixing scripts no single font covers is cut into runs, each in its own font. DejaVu
(where the system has it) and Pillow's own font are the last resort, so a missing package never stops a film.
Right-to-left scripts are shaped by Pillow's raqm layout when it is available (`SHAPING`).
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from importlib import util
from pathlib import Path

from PIL import ImageFont, features

# (package, glob inside it): the fallback chain, most general first. The CJK font also carries Latin, so a
# Japanese title with an English word in it stays in one font.
CHAIN: tuple[tuple[str, str], ...] = (
    ("fontpkg_noto_sans", "files/NotoSans[[]*.ttf"),  # the upright variable font, not the italic
    ("cvttf_NotoSansCJK_Regular", "*.otf"),
    ("fontpkg_noto_sans_arabic", "files/*.ttf"),
    ("fontpkg_noto_sans_devanagari", "files/*.ttf"),
)
SYSTEM_FALLBACK = ("DejaVuSans.ttf",)
SHAPING = features.check("raqm")  # complex-script shaping and bidi (Arabic joined right to left, Devanagari ligatures)
CREDIT = "Noto fonts (SIL Open Font License 1.1)"


@lru_cache(maxsize=1)
def font_files() -> tuple[Path, ...]:
    """The installed font files of the chain, in fallback order."""
    found: list[Path] = []
    for package, pattern in CHAIN:
        spec = util.find_spec(package)
        if spec is None or not spec.submodule_search_locations:
            continue
        for root in spec.submodule_search_locations:
            found.extend(sorted(Path(root).glob(pattern))[:1])
    return tuple(found)


@lru_cache(maxsize=16)
def coverage(path: Path) -> frozenset[int]:
    """Every code point the font maps to a real glyph (read from its cmap, not guessed from its name)."""
    from fontTools.ttLib import TTFont

    with TTFont(str(path), lazy=True) as font:
        return frozenset(font.getBestCmap() or ())


@lru_cache(maxsize=16)
def family(path: Path | None) -> str:
    """The font's family name as a renderer that looks fonts up by name (libass) knows it."""
    if path is None:
        return "DejaVu Sans"
    from fontTools.ttLib import TTFont

    with TTFont(str(path), lazy=True) as font:
        names = font["name"]
        return str(names.getDebugName(1) or names.getDebugName(16) or path.stem)  # libass matches the legacy family (ID 1)


def _needs_glyph(ch: str) -> bool:
    # spaces, joiners and marks of direction are laid out, not drawn: any font handles them
    return not ch.isspace() and unicodedata.category(ch) not in ("Cc", "Cf", "Zs")


def font_for(text: str) -> Path | None:
    """The first font of the chain that covers every character of the text, else the one that covers most."""
    files = font_files()
    wanted = {ord(ch) for ch in text if _needs_glyph(ch)}
    best, best_missing = None, None
    for path in files:
        missing = len(wanted - coverage(path))
        if missing == 0:
            return path
        if best_missing is None or missing < best_missing:
            best, best_missing = path, missing
    return best


def runs(text: str) -> list[tuple[str, Path | None]]:
    """The text cut into runs that one font each can set: one run when one font covers it all."""
    whole = font_for(text)
    if whole is None or not {ord(ch) for ch in text if _needs_glyph(ch)} - coverage(whole):
        return [(text, whole)]
    out: list[tuple[str, Path | None]] = []
    for ch in text:
        path = out[-1][1] if out and not _needs_glyph(ch) else font_for(ch)
        if out and out[-1][1] == path:
            out[-1] = (out[-1][0] + ch, path)
        else:
            out.append((ch, path))
    return out


@lru_cache(maxsize=64)
def load(path: Path | None, size: int, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """A font of the chain at a pixel size; variable fonts are set to their Bold instance when asked."""
    size = max(6, int(size))
    engine = ImageFont.Layout.RAQM if SHAPING else ImageFont.Layout.BASIC
    if path is not None:
        try:
            font = ImageFont.truetype(str(path), size, layout_engine=engine)
        except OSError:
            font = None
        if font is not None:
            if bold:
                try:
                    font.set_variation_by_name("Bold")
                except (OSError, ValueError, AttributeError):
                    pass  # a static font (the CJK one) has no bold instance; regular reads fine on a card
            return font
    for name in SYSTEM_FALLBACK:
        try:
            return ImageFont.truetype(name, size, layout_engine=engine)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


def font(text: str, size: int, bold: bool = False):
    """The font to set this text in, at this size."""
    return load(font_for(text), size, bold)


def _parts(text: str, base) -> list[tuple[str, object]]:
    """The text's runs, each with a font the size of `base`; runs `base` itself covers keep `base` (and its weight)."""
    size = getattr(base, "size", 12)
    base_path = getattr(base, "path", None)
    base_path = Path(base_path) if isinstance(base_path, (str, Path)) else None
    parts = []
    for segment, path in runs(text):
        same = path is None or path == base_path
        parts.append((segment, base if same else load(path, size)))
    return parts


def measure(text: str, base) -> float:
    """The width in pixels of the text set in `base` and, where it lacks glyphs, in the chain's other fonts."""
    try:
        return sum(f.getlength(segment) for segment, f in _parts(text, base))
    except Exception:  # a font that cannot measure a string must not stop a card or a storyboard
        return len(text) * getattr(base, "size", 10) * 0.6


def draw(d, xy: tuple[float, float], text: str, base, fill, anchor: str = "la") -> None:
    """Draw the text at xy (Pillow anchor), each run in a font that has its glyphs."""
    parts = _parts(text, base)
    if len(parts) == 1:
        d.text(xy, text, font=parts[0][1], fill=fill, anchor=anchor)
        return
    total = sum(f.getlength(segment) for segment, f in parts)
    x, y = xy
    x -= total / 2 if anchor[0] == "m" else total if anchor[0] == "r" else 0
    for segment, f in parts:
        d.text((x, y), segment, font=f, fill=fill, anchor="l" + anchor[1])
        x += f.getlength(segment)
