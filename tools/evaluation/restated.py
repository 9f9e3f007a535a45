"""Text copied from the prompt earns nothing: runs of four or more of the prompt's words, in order, are cut out."""

from __future__ import annotations

import re

MIN_RUN = 4
WORD = re.compile(r"[\w'’-]+", re.UNICODE)


def _norm(w: str) -> str:
    return w.lower().strip("'’-")


def strip_restated(text: str, prompt: str, min_run: int = MIN_RUN) -> str:
    """`text` without the runs of at least `min_run` consecutive words that also follow each other in `prompt`."""
    source = [_norm(w) for w in WORD.findall(prompt)]
    grams = {tuple(source[k:k + min_run]) for k in range(len(source) - min_run + 1)}
    if not grams:
        return text if _norm(text) != " ".join(source) else ""
    spans = [(m.start(), m.end(), _norm(m.group())) for m in WORD.finditer(text)]
    cut = [False] * len(spans)
    for k in range(len(spans) - min_run + 1):
        if tuple(s[2] for s in spans[k:k + min_run]) in grams:
            for j in range(k, k + min_run):
                cut[j] = True
    if not any(cut):
        return text
    kept, last = [], 0
    for (start, end, _), gone in zip(spans, cut):
        if gone:
            kept.append(text[last:start])
            last = end
    kept.append(text[last:])
    return re.sub(r"\s+", " ", "".join(kept)).strip(" ,;:.")
