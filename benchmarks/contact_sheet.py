"""A contact sheet of draft films: one row per premise (the premise as the row's caption, in whatever script it
is written), then that film's keyframes, so anyone can see at a glance whether the pictures show the premise.

Each premise is planned and storyboarded on the draft profile exactly as `auteur make` does it (every planning
role, keyframes drawn through the crew), without rendering video. One command:

    python benchmarks/contact_sheet.py                       # five premises of ../shared/data/premises.txt
    python benchmarks/contact_sheet.py --premise "A fox..." --premise "..." --out sheet.png
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

from PIL import Image, ImageDraw

from auteur.agents.registry import load_roles
from auteur.core.schema import Film
from auteur.models.director import load_director
from auteur.models.renderer import load_renderer
from auteur.pipeline.cache import Cache
from auteur.pipeline.config import load_profile
from auteur.pipeline.crew import Crew
from auteur.pipeline.runs import RunDir
from auteur.tools import fonts
from auteur.tools.boards.panels import clean_text

ROOT = Path(__file__).resolve().parents[1]
# ../shared beside the checkout (a worktree one level deeper finds it one further up)
PREMISES = next((p for p in (ROOT.parent / "shared" / "data" / "premises.txt", ROOT.parents[1] / "shared" / "data" / "premises.txt")
                 if p.is_file()), ROOT.parent / "shared" / "data" / "premises.txt")
OUT = ROOT / "examples" / "contact_sheets" / "draft-five-premises.png"
# Premise lines of the development set picked for variety: things, animals, a machine, a group, another script.
DEFAULT_PICKS = (2, 7, 17, 25, 28)
THUMB_W, MAX_SHOTS = 256, 6


def premises(path: Path, picks: tuple[int, ...]) -> list[str]:
    lines = [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip() and not ln.startswith("#")]
    return [lines[k % len(lines)] for k in picks]


def storyboard(premise: str, work: Path, seed: int) -> tuple[Film, Path]:
    """The film planned and its keyframes drawn, as `auteur make` does before rendering."""
    run = RunDir(work / "run")
    for sub in ("shots", "characters", "locations"):
        (run.root / sub).mkdir(parents=True, exist_ok=True)
    crew = Crew(director=load_director("draft", {}), renderer=load_renderer("draft", {}), profile=load_profile("draft"),
                run=run, cache=Cache(work / "cache"), seed=seed)
    film = Film(prompt=premise)
    for role in load_roles(False).roles:
        film = role.act(film, crew)
    return film, run.root


def row(premise: str, film: Film, root: Path, width: int) -> Image.Image:
    shots = film.shots()[:MAX_SHOTS]
    thumbs = []
    for shot in shots:
        with Image.open(root / shot.keyframe) as img:
            thumbs.append(img.convert("RGB").resize((THUMB_W, round(THUMB_W * img.height / img.width)), Image.Resampling.LANCZOS))
    th = thumbs[0].height if thumbs else THUMB_W * 9 // 16
    caption_font = fonts.font(premise, 22)
    ascent, descent = caption_font.getmetrics()  # Arabic and Devanagari fonts reach higher and lower than Latin
    band = ascent + descent + 12
    strip = Image.new("RGB", (width, th + band + 6), (246, 243, 236))
    d = ImageDraw.Draw(strip)
    text = clean_text(premise)[:160]
    rtl = next((unicodedata.bidirectional(ch) in ("R", "AL") for ch in text if unicodedata.bidirectional(ch) in ("L", "R", "AL")), False)
    fonts.draw(d, (width - 12 if rtl else 12, 6), text, caption_font, (24, 20, 26), anchor="ra" if rtl else "la")
    for k, t in enumerate(thumbs):
        strip.paste(t, (12 + k * (THUMB_W + 8), band))
    return strip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--premise", action="append", help="a premise (repeat for each row); default: five of the development set")
    parser.add_argument("--premises-file", type=Path, default=PREMISES)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    chosen = args.premise or premises(args.premises_file, DEFAULT_PICKS)
    width = 24 + MAX_SHOTS * (THUMB_W + 8)
    rows = []
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        for k, premise in enumerate(chosen):
            film, root = storyboard(premise, Path(tmp) / f"film{k}", args.seed)
            rows.append(row(premise, film, root, width))
    sheet = Image.new("RGB", (width, sum(r.height + 6 for r in rows) + 6), (210, 206, 198))
    y = 6
    for r in rows:
        sheet.paste(r, (0, y))
        y += r.height + 6
    args.out.parent.mkdir(parents=True, exist_ok=True)
    from auteur.core.atomic import atomic_path

    with atomic_path(args.out) as tmp_path:
        sheet.save(tmp_path, format="PNG", optimize=True)
    print(f"{args.out} ({len(rows)} films, {time.perf_counter() - start:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
