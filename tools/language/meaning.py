"""Meaning in MiniLM space: phrase vectors (embedded once per process, or shipped), and the typers that label a
phrase by its nearest labelled prototypes (`prototypes.toml`): a "night-shift nurse" is a person, a
"drought-stricken valley" a place, without a word list of either.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

PROTOTYPE_VECTORS = Path(__file__).with_name("prototype_vectors.safetensors")


@lru_cache(maxsize=1)
def prototypes() -> dict:
    return tomllib.loads(resources.files("auteur.tools.language").joinpath("prototypes.toml").read_text("utf-8"))


def _prototype_texts() -> list[str]:
    p = prototypes()
    return list(dict.fromkeys(x for name in TYPERS for label in p[name] for x in p[name][label]))


def build_prototype_vectors(dest: Path = PROTOTYPE_VECTORS) -> Path:
    """Ship the prototype phrases' vectors (run after editing prototypes.toml:
    `python -c "from auteur.tools.language.premise import build_prototype_vectors as b; b()"`)."""
    from auteur.tools.language.vectors import build

    return build(dest, _prototype_texts())


def remember(vectors: dict[str, np.ndarray]) -> None:
    """Vectors embedded ahead of time (shipped with a phrase list) for `similarities` and the typers to use."""
    for text, vec in vectors.items():
        _VECTORS.setdefault(text, vec)


class _Typer:
    """Nearest labelled prototypes in MiniLM space: mean of the top two similarities per label."""

    def __init__(self, table: dict[str, list[str]]):
        self.labels = list(table)
        embed_all([x for label in self.labels for x in table[label]])
        self.vecs = [np.stack([_VECTORS[x] for x in table[label]]) for label in self.labels]

    def scores(self, vec: np.ndarray) -> dict[str, float]:
        out = {}
        for label, protos in zip(self.labels, self.vecs):
            sims = np.sort(protos @ vec)[::-1][:2]
            out[label] = float(sims.mean())
        return out

    def best(self, vec: np.ndarray) -> tuple[str, float]:
        scores = self.scores(vec)
        ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
        margin = ranked[0][1] - (ranked[1][1] if len(ranked) > 1 else 0.0)
        return ranked[0][0], margin


TYPERS = ("kind", "gender", "age", "story")


@lru_cache(maxsize=1)
def typers() -> dict[str, _Typer]:
    from auteur.tools.language.vectors import shipped

    p = prototypes()
    remember(shipped(PROTOTYPE_VECTORS, _prototype_texts()))
    return {name: _Typer(p[name]) for name in TYPERS}


def embed_all(texts: list[str]) -> None:
    """Embed every text not yet cached in one batch: one encoder call per premise, not one per phrase."""
    from auteur.tools.evaluation.semantic import embed

    import torch

    todo = [t for t in dict.fromkeys(texts) if t not in _VECTORS]
    if todo:
        threads = torch.get_num_threads()
        torch.set_num_threads(1)  # a batch of short phrases: a second thread only waits on the first
        try:
            for text, vec in zip(todo, embed(todo)):
                _VECTORS[text] = vec
        finally:
            torch.set_num_threads(threads)


def vector(text: str) -> np.ndarray:
    if text not in _VECTORS:
        embed_all([text])
    return _VECTORS[text]


_VECTORS: dict[str, np.ndarray] = {}


def similarities(text: str, candidates: list[str]) -> list[float]:
    """Cosine similarity in MiniLM space between `text` and each candidate (embedded once per process)."""
    embed_all([text, *candidates])
    vec = _VECTORS[text]
    return [float(_VECTORS[c] @ vec) for c in candidates]


def gender_age(texts: tuple[str, ...]) -> tuple[str | None, str | None]:
    t = typers()
    p = prototypes()["thresholds"]
    out = []
    for name, neutral, margin in (("gender", "unknown", p["gender_margin"]), ("age", "adult", p["age_margin"])):
        total: dict[str, float] = {}
        for text in texts:
            for label, score in t[name].scores(vector(text)).items():
                total[label] = total.get(label, 0.0) + score / len(texts)
        ranked = sorted(total.items(), key=lambda kv: (-kv[1], kv[0]))
        ok = ranked[0][0] != neutral and ranked[0][1] - ranked[1][1] >= margin
        out.append(ranked[0][0] if ok else None)
    return out[0], out[1]


