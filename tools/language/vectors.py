"""MiniLM vectors of fixed phrase lists, shipped beside the lists so that a start does not embed them again.

A file holds the phrases it was built from; it is used only for exactly those phrases (a list edited since
gets its phrases embedded live until the file is built again, and a test says so).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np


def build(dest: Path, texts: list[str]) -> Path:
    """Embed `texts` with the packaged MiniLM and write them (float32) with the texts, atomically."""
    from safetensors.numpy import save_file

    from auteur.core.atomic import atomic_path
    from auteur.tools.evaluation.semantic import embed

    with atomic_path(dest) as tmp:
        save_file({"vectors": np.ascontiguousarray(embed(texts), dtype=np.float32)}, str(tmp),
                  metadata={"texts": json.dumps(texts, ensure_ascii=False)})
    dest.chmod(0o644)
    return dest


def shipped(path: Path, texts: list[str]) -> dict[str, np.ndarray]:
    """The vectors in `path` by phrase when it was built from exactly `texts`; else nothing."""
    if not path.is_file():
        return {}
    from safetensors import SafetensorError, safe_open

    try:
        with safe_open(str(path), framework="numpy") as f:
            stored = json.loads((f.metadata() or {}).get("texts", "[]"))
            vectors = f.get_tensor("vectors")
    except (OSError, ValueError, SafetensorError):
        return {}  # damaged: embedding the phrases again costs a second, not a wrong reading
    if stored != texts or len(vectors) != len(texts):
        return {}
    return dict(zip(texts, vectors))
