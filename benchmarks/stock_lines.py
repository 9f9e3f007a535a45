"""The eval's stock-line check (`template._matches_stock`) side by side with the check it replaced.

The peer is the plain loop it was: a new SequenceMatcher for every stock skeleton within two tokens of the
sentence's length, and ratio() on each. auteur's indexes the sentence once and asks SequenceMatcher's two cheap
upper bounds of ratio() before ratio() itself. Both run on every sentence skeleton of the judged set's scripts
(tests/data/judged) plus the first 50 stock skeletons; the verdicts must be the same.

    python benchmarks/stock_lines.py --repeat 3
"""

from __future__ import annotations

import argparse
import statistics
import time
import tomllib
from difflib import SequenceMatcher
from pathlib import Path

from auteur.core.schema import Film
from auteur.tools.evaluation import template

JUDGED = Path(__file__).resolve().parents[1] / "tests" / "data" / "judged"


def peer(sk: tuple[str, ...]) -> bool:
    for st in template.stock():
        if st == sk:
            return True
        if abs(len(st) - len(sk)) <= 2 and SequenceMatcher(None, st, sk, autojunk=False).ratio() >= template.CLOSE:
            return True
    return False


def skeletons() -> list[tuple[str, ...]]:
    out: list[tuple[str, ...]] = []
    for folder in sorted(p for p in JUDGED.iterdir() if p.is_dir()):
        for script in tomllib.loads((folder / "verdicts.toml").read_text("utf-8"))["script"]:
            film = Film.model_validate_json((folder / script["file"]).read_text("utf-8"))
            out += [sk for _, _, sk in template.film_skeletons(film)]
    return out + list(template.stock())[:50]


def timed(check, items) -> tuple[float, list[bool]]:
    start = time.perf_counter()
    verdicts = [check(sk) for sk in items]
    return time.perf_counter() - start, verdicts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    items = skeletons()
    template.stock()  # read once, outside the timing
    ours, theirs = [], []
    for _ in range(args.repeat):
        t, mine = timed(template._matches_stock, items)
        ours.append(t)
        t, before = timed(peer, items)
        theirs.append(t)
        if mine != before:
            raise SystemExit("the verdicts differ")
    a, b = statistics.median(ours), statistics.median(theirs)
    print(f"{len(items)} skeletons, {sum(mine)} stock; auteur {a:.2f} s, peer {b:.2f} s, ratio {a / b:.2f}")


if __name__ == "__main__":
    main()
