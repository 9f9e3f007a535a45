"""Apply each break issue 13 named to a scratch copy of the source and check that the tests catch it.

Each mutation is a one-line change that the suite once let through. The source is copied to a
temporary `auteur/` tree, the change applied there (the working tree is never touched), and the
named test files run against the copy through PYTHONPATH. A mutation is *killed* when at least one
test fails. Prints a Markdown table; exits 1 if any mutation survives.

    python benchmarks/named_mutations.py            # all of them, a few minutes on 2 cores
    python benchmarks/named_mutations.py schema     # the ones whose name contains "schema"
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("core", "agents", "prompts", "pipeline", "models", "tools")

# (name, file, text to replace, replacement, test files)
MUTATIONS = [
    ("ltx2: modality_scale forced to 3.0 inside render()", "models/ltx2_renderer.py",
     "        args, lines, seconds = self.call_arguments(request)\n",
     "        args, lines, seconds = self.call_arguments(request)\n        args[\"modality_scale\"] = 3.0\n",
     ["tests/test_ltx2_renderer.py"]),
    ("ltx2: audio modality scale given the video's", "models/ltx2_renderer.py",
     "audio_modality_scale=audio_ma", "audio_modality_scale=video_ma", ["tests/test_ltx2_renderer.py"]),
    ("visual: keyframe-text cosines replaced by np.ones", "tools/evaluation/visual.py",
     "sims = np.sum(clip.images(images) * clip.texts([_caption(film, sh.visual_prompt) for sh in shots]), axis=1)",
     "sims = np.ones(len(shots))", ["tests/test_eval_visual.py"]),
    ("visual: keyframe-text per-shot score a constant", "tools/evaluation/visual.py",
     "per_shot = {sh.id: clamp01((float(s) - TEXT_FLOOR) / (TEXT_CEIL - TEXT_FLOOR)) for sh, s in zip(shots, sims)}",
     "per_shot = {sh.id: 0.5 for sh, s in zip(shots, sims)}", ["tests/test_eval_visual.py"]),
    ("visual: identity similarities replaced by np.ones", "tools/evaluation/visual.py",
     "sims = vecs @ vecs.T", "sims = np.ones((len(images), len(images)))", ["tests/test_eval_visual.py"]),
    ("schema: character ID token a plain str", "core/schema.py",
     'CharToken = Annotated[str, StringConstraints(pattern=r"^<char[1-9]\\d*>$")]', "CharToken = str",
     ["tests/test_schema.py"]),
    ("schema: location ID token a plain str", "core/schema.py",
     'EnvToken = Annotated[str, StringConstraints(pattern=r"^<env[1-9]\\d*>$")]', "EnvToken = str",
     ["tests/test_schema.py"]),
    ("wan: ambience ducked 7 dB instead of 10", "models/wan_renderer.py",
     "duck_db: float = 10.0", "duck_db: float = 7.0", ["tests/test_wan_renderer.py"]),
]


def scratch_copy(dest: Path) -> Path:
    """The package tree as `auteur.*` imports it (pyproject maps auteur.X to the folder X)."""
    pkg = dest / "auteur"
    for name in PACKAGES:
        shutil.copytree(ROOT / name, pkg / name, ignore=shutil.ignore_patterns("__pycache__"))
    return dest


def run(name: str, path: str, old: str, new: str, tests: list[str]) -> tuple[bool, list[str], float]:
    with tempfile.TemporaryDirectory(prefix="mutation-") as tmp:
        src = scratch_copy(Path(tmp))
        target = src / "auteur" / path
        text = target.read_text()
        if text.count(old) != 1:
            raise SystemExit(f"{name}: the text to mutate occurs {text.count(old)} times in {path}; update this script")
        target.write_text(text.replace(old, new))
        env = {**os.environ, "PYTHONPATH": str(src)}
        start = time.time()
        done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-x", "-rf", *tests],
                              cwd=ROOT, env=env, capture_output=True, text=True)
        failed = re.findall(r"^FAILED (\S+)", done.stdout, re.M)
        return done.returncode == 1 and bool(failed), failed, time.time() - start


def main() -> int:
    only = sys.argv[1] if len(sys.argv) > 1 else ""
    print("| mutation | killed | first failing test | s |\n| --- | --- | --- | --- |")
    survived = 0
    for name, path, old, new, tests in MUTATIONS:
        if only not in name:
            continue
        killed, failed, seconds = run(name, path, old, new, tests)
        survived += not killed
        print(f"| {name} | {'yes' if killed else 'NO'} | {failed[0] if failed else '-'} | {seconds:.0f} |", flush=True)
    return 1 if survived else 0


if __name__ == "__main__":
    sys.exit(main())
