"""Apply each break issues 13 and 23 named to a scratch copy of the source and check that the tests catch it.

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

GOLDEN = ["tests/test_uniavgen_golden.py"]
STEPS = ["tests/test_mot_training_steps.py"]
SAMPLING = ["tests/test_mot_sampling.py"]
FAST_PATHS = ["tests/test_mot_fast_paths.py", "-k", "denoising"]

# (name, file, text to replace, replacement, pytest arguments: test files and options)
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
    # issue 23 (the lead's groups, eval arithmetic and the premise reader / draft planner, are not here)
    ("uniavgen: audio guided with the video scale", "models/uniavgen/sampling.py",
     "guided(c.audio, u.audio, settings.audio_scale)", "guided(c.audio, u.audio, settings.video_scale)", GOLDEN),
    ("uniavgen: video guidance scale fixed at 1", "models/uniavgen/sampling.py",
     "guided(c.video, u.video, settings.video_scale)", "guided(c.video, u.video, 1.0)", GOLDEN),
    ("uniavgen: up and down weights swapped in the video-to-audio blend", "models/uniavgen/interaction.py",
     "return w_up[None, :, None, None] * per_frame[:, up] + w_down[None, :, None, None] * per_frame[:, down]",
     "return w_down[None, :, None, None] * per_frame[:, up] + w_up[None, :, None, None] * per_frame[:, down]", GOLDEN),
    ("uniavgen: face-mask heat dropped from audio-to-video", "models/uniavgen/interaction.py",
     "out = self.o(attend(q, k, v) * heat.reshape(b * f, h * w, 1))", "out = self.o(attend(q, k, v))", GOLDEN),
    ("uniavgen: face-mask heat dropped from video-to-audio", "models/uniavgen/interaction.py",
     "frames = (video * heat).reshape(b, f, h * w, -1)", "frames = video.reshape(b, f, h * w, -1)", GOLDEN),
    ("uniavgen: audio window halved", "models/uniavgen/model.py",
     "heat, target, c.audio_window, frame_rope", "heat, target, c.audio_window // 2, frame_rope", GOLDEN),
    ("training: cross-entropy on every text piece", "models/mot/training/forward.py",
     "                    if piece.loss:\n", "                    if True:\n", STEPS),
    ("training: labels shifted the wrong way", "models/mot/training/forward.py",
     "lab[:-1] = torch.tensor(piece.ids[1:])", "lab[1:] = torch.tensor(piece.ids[:-1])", STEPS),
    ("training: data order not rebuilt on resume after epoch 0", "models/mot/training/loop.py",
     "        self.epoch, self.index = position\n        self._order = self._permutation()\n",
     "        self.epoch, self.index = position\n", STEPS),
    ("training: the ViT unfrozen in stage 2", "models/mot/training/stages.py",
     'if not freeze_vit and kind == "interleaved":', "if not freeze_vit:", STEPS),
    ("decoding: Gumbel noise sign flipped", "models/mot/decode_static.py",
     "- torch.log(-torch.log(uniform))", "+ torch.log(-torch.log(uniform))", SAMPLING),
    ("decoding: top_p ignored on the static path", "models/mot/decode_static.py",
     "_nucleus(logits * inv_temperature, top_p)", "(logits * inv_temperature)", SAMPLING),
    ("decoding: top_p ignored on the eager path", "models/mot/generate_text.py",
     "    if top_p < 1.0:", "    if False:", SAMPLING),
    ("denoising: generation tokens normalised by the understanding expert's final norm", "models/mot/denoise_step.py",
     "m.velocity(m.decoder.norm_moe_gen(hs[:, :n]))", "m.velocity(m.decoder.norm(hs[:, :n]))", FAST_PATHS),
    ("denoising: generation tokens' input norm taken from the understanding expert", "models/mot/denoise_step.py",
     "g = F.linear(_rms(hs[:, :n], w.norm_gen, eps), *w.qkv_gen)", "g = F.linear(_rms(hs[:, :n], w.norm_und, eps), *w.qkv_gen)",
     FAST_PATHS),
    ("ray: the run's voices not sent to the workers", "pipeline/executors/ray_cluster.py",
     "folder_files(request.workdir))", "{})", ["tests/test_ray_executor.py", "-k", "voices"]),
    ("ray: the voices a worker made not written back", "pipeline/executors/ray_cluster.py",
     "            keep_new_files(request.workdir, added)\n", "            pass\n",
     ["tests/test_ray_executor.py", "-k", "voices"]),
    ("cache: reuse() not checking the sha256", "pipeline/cache.py",
     "        if not self.verified(entry):\n            return False\n        self.put(entry, target)",
     "        if not entry.is_file():\n            return False\n        self.put(entry, target)", ["tests/test_cache.py"]),
    ("cache: verified() not requiring the sidecar", "pipeline/cache.py",
     "        if not (entry.is_file() and sidecar.is_file()):\n            return False\n",
     "        if not entry.is_file():\n            return False\n        if not sidecar.is_file():\n            return True\n",
     ["tests/test_cache.py"]),
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
