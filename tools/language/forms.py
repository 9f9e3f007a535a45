"""English word forms from lemminflect's lookup tables: lemmas and inflections of the words its tables know.

lemminflect also ships pickled models for words outside its tables (`model_*.pkl.gz`); the project loads no pickle,
so those are never asked for (`lemmatize_oov=False`, `inflect_oov=False`) and a word no table knows gets nothing
here; callers fall back to the regular English suffixes.
"""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=20000)
def lemma(word: str, upos: str) -> str | None:
    """The word's lemma as the given part of speech ("redrawing", VERB -> "redraw"), or None."""
    from lemminflect import getLemma

    found = getLemma(word, upos=upos, lemmatize_oov=False)
    return found[0] if found else None


@lru_cache(maxsize=20000)
def inflection(lemma_: str, tag: str) -> str | None:
    """A Penn tag's form of a lemma ("lose", VBD -> "lost"), or None."""
    from lemminflect import getInflection

    found = getInflection(lemma_, tag, inflect_oov=False)
    return found[0] if found else None


@lru_cache(maxsize=20000)
def all_lemmas(word: str) -> frozenset[str]:
    """Every lemma the tables give a word, whatever its part of speech ("hearing" -> hearing, hear)."""
    from lemminflect import getAllLemmas

    return frozenset(f.lower() for forms in getAllLemmas(word).values() for f in forms)
