"""The draft artist's palette: named colours, blends and grades, a process-stable hash, and the word helpers
every look reads its text with. Nothing here draws or decides a look; looks.py (characters) and place.py
(places) do.
"""

from __future__ import annotations

import hashlib
import random
import re

RGB = tuple[int, int, int]

COLOURS: dict[str, RGB] = {
    "red": (180, 36, 34), "crimson": (160, 20, 50), "scarlet": (205, 40, 30), "maroon": (110, 22, 32),
    "burgundy": (120, 28, 48), "pink": (230, 140, 170), "rose": (215, 110, 130), "orange": (232, 122, 32),
    "amber": (228, 160, 42), "rust": (172, 76, 36), "ginger": (196, 96, 40), "copper": (184, 104, 52),
    "auburn": (142, 58, 32), "yellow": (238, 200, 40), "mustard": (204, 160, 42), "gold": (214, 172, 52),
    "golden": (214, 172, 52), "blonde": (228, 198, 124), "blond": (228, 198, 124), "cream": (240, 230, 200),
    "beige": (212, 192, 152), "tan": (192, 150, 102), "khaki": (182, 166, 112), "brown": (120, 80, 46),
    "tawny": (170, 120, 60), "chestnut": (122, 62, 36), "olive": (112, 116, 52), "green": (52, 132, 62),
    "emerald": (30, 142, 92), "teal": (32, 122, 122), "turquoise": (62, 182, 182), "blue": (46, 88, 172),
    "navy": (30, 40, 92), "indigo": (62, 52, 132), "purple": (112, 52, 142), "violet": (142, 82, 182),
    "lavender": (182, 162, 212), "white": (236, 236, 230), "ivory": (240, 236, 220), "silver": (192, 196, 202),
    "grey": (128, 128, 132), "gray": (128, 128, 132), "charcoal": (60, 62, 66), "black": (30, 30, 34),
    "steel": (140, 150, 160), "brick": (160, 74, 56), "slate": (92, 100, 112), "moss": (92, 118, 60), "pale": (225, 215, 200), "dark": (58, 46, 40),
}
SHADES = {"dark": 0.6, "deep": 0.7, "light": 1.3, "pale": 1.4, "bright": 1.15, "faded": 1.2}


def word_sets(table: dict[str, str]) -> dict[str, set[str]]:
    """Each entry's space-separated words as a set."""
    return {key: set(words.split()) for key, words in table.items()}


def stable_hash(*parts: str) -> int:
    """A 64-bit hash that is the same in every process (Python's hash() is salted per run)."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8", "replace")).digest()
    return int.from_bytes(digest[:8], "big")


def words_of(text: str) -> list[str]:
    """Lower-case words and punctuation marks, possessives and hyphens undone."""
    text = text.lower().replace("-", " ").replace("\u2019", "'")
    out = []
    for word in re.findall(r"[a-z']+|[,.;:!?()]", text):
        word = word.removesuffix("'s").strip("'")
        if word:
            out.append(word)
    return out


def has_word(words: list[str] | set[str], vocabulary: set[str]) -> bool:
    """Whether any word, or its singular, is in the vocabulary."""
    return any(w in vocabulary or (w.endswith("s") and w[:-1] in vocabulary) for w in words)


def first_index(words: list[str], vocabulary: set[str]) -> int | None:
    for i, w in enumerate(words):
        if w in vocabulary or (w.endswith("s") and w[:-1] in vocabulary):
            return i
    return None


def colour_words(text: str, slots: dict[str, set[str]]) -> dict[str, RGB]:
    """Colours named in the text, by slot: "a red wool coat" gives {"primary": red}; the first mention wins."""
    words = words_of(text)
    found: dict[str, RGB] = {}
    for i, word in enumerate(words):
        if word not in COLOURS or (word in SHADES and i + 1 < len(words) and words[i + 1] in COLOURS):
            continue
        rgb = COLOURS[word]
        if i > 0 and words[i - 1] in SHADES and words[i - 1] != word:
            rgb = scaled(rgb, SHADES[words[i - 1]])
        for noun in words[i + 1:i + 4]:  # "red wool sailing coat": up to three words on
            if not noun.isalpha() and noun not in ("sou'wester",):
                break
            slot = next((s for s, nouns in slots.items() if noun in nouns or noun.rstrip("s") in nouns), None)
            if slot:
                found.setdefault(slot, rgb)
                break
    return found


def scaled(rgb: RGB, k: float) -> RGB:
    """The colour darkened (k below 1) or lightened toward white (k above 1)."""
    if k >= 1:  # lighten toward white rather than clipping one channel
        t = min(1.0, k - 1)
        return tuple(int(c + (255 - c) * t) for c in rgb)  # type: ignore[return-value]
    return tuple(int(c * k) for c in rgb)  # type: ignore[return-value]


def jittered(rgb: RGB, rng: random.Random, amount: int = 12) -> RGB:
    """The colour nudged by up to `amount` per channel, so no two looks share a flat swatch."""
    return tuple(max(0, min(255, c + rng.randint(-amount, amount))) for c in rgb)  # type: ignore[return-value]


def mix(a: RGB, b: RGB, t: float) -> RGB:
    """Linear blend of two colours, t=0 gives a."""
    return tuple(int(round(x + (y - x) * t)) for x, y in zip(a, b))  # type: ignore[return-value]


def graded(rgb: RGB, grade: tuple[float, float, float], strength: float = 1.0) -> RGB:
    """A colour under a place's light; strength < 1 keeps faces readable at night."""
    return tuple(max(0, min(255, int(c * (1 + (g - 1) * strength)))) for c, g in zip(rgb, grade))  # type: ignore[return-value]


def luma(rgb: RGB) -> float:
    """Perceived brightness, 0 to 255."""
    return 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2]
