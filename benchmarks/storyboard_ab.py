"""Storyboard drawing only: every keyframe of the default draft film at 1536x864 and its panel, the first pass
(what a film pays: its phrases and places embedded for the first time) and the median of 3 after it, the
sentence encoder preloaded (every run loads it once anyway, for its report). Run it with two checkouts on
PYTHONPATH one after the other to compare them side by side:

    python benchmarks/storyboard_ab.py after
    PYTHONPATH=/path/to/other/auteur-package python benchmarks/storyboard_ab.py before
"""
import inspect
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from planned_runs import planned
from auteur.models.draft.artist import draw_keyframe
from auteur.tools.boards.panels import draw_panel
try:
    from auteur.tools.evaluation.semantic import load_encoder

    load_encoder()
except Exception:  # noqa: BLE001 - an older checkout without the encoder still draws
    pass
film = planned("A lighthouse keeper befriends a storm that wants to stop raining")
shots = film.shots()
names = {c.token: c.name for c in film.characters}
# the premise the keyframes' things are read in, where this checkout's artist takes one
extra = {"premise": film.prompt} if "premise" in inspect.signature(draw_keyframe).parameters else {}


def once():
    t = time.perf_counter()
    for s in shots:
        loc = film.location(film.scene_of(s.id).location)
        img = draw_keyframe(s, loc, [film.character(c) for c in s.characters], 1536, 864, seed=7, **extra)
        draw_panel(img, s, names)
    return time.perf_counter() - t


first = once()
runs = sorted(once() for _ in range(3))
print(f"{sys.argv[1] if len(sys.argv) > 1 else 'this checkout'}: {len(shots)} keyframes+panels, first {first:.2f} s, "
      f"then median {runs[1]:.2f} s (runs {', '.join(f'{r:.2f}' for r in runs)})")
