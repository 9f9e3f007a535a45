"""Readers for premises not in English: one module per language or family turns the line into tokens with its
analyser, and `build.py` turns tokens into the same `PremiseReading` the English reader returns.

Analysers load on first use (a Chinese premise never loads MeCab), so a premise read costs only its own language.
"""

from __future__ import annotations

from importlib import import_module

MODULES = {"zh": "chinese", "ja": "japanese", "ko": "korean", "hi": "hindi", "ar": "arabic",
           "fr": "romance", "es": "romance", "de": "romance", "it": "romance", "pt": "romance"}


def languages() -> tuple[str, ...]:
    return tuple(MODULES)


def read(text: str, lang: str):
    """The reading of a premise in `lang`, or None where no reader here knows the language."""
    name = MODULES.get(lang)
    if name is None:
        return None
    module = import_module(f"auteur.tools.language.readers.{name}")
    return module.read(text, lang) if name == "romance" else module.read(text)
