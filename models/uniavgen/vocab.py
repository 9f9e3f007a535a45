"""What UniAVGen's audio branch reads: the spoken text as symbols from its character vocabulary.

The vocabulary is `vocab.txt`, one symbol a line (2545 of them: characters, punctuation, the space,
and pinyin syllables with tone digits); a symbol's id is its line number. English text is read one
character at a time, as written. Chinese is read as toned pinyin syllables, each after a space,
which needs `pypinyin`. Symbols missing from the vocabulary read as id 0, and a sequence shorter than
ten symbols is padded with -1 (the branch's padding id) to ten, as the published model was run.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import torch

from auteur.core.errors import InputError

VOCAB_FILE = "vocab.txt"
VOCAB_SIZE = 2545
MIN_SYMBOLS = 10
PAD_ID = -1
UNKNOWN_ID = 0
# quotes and the semicolon are mapped to the forms the vocabulary holds before Chinese is read
_PLAIN = str.maketrans({";": ",", "\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'"})


def read_vocab(path: Path) -> dict[str, int]:
    """Symbol -> id from a vocab.txt (one symbol a line; the line number is the id)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as err:
        raise InputError(f"uniavgen vocabulary {path}: cannot read it ({err.strerror or err})") from None
    symbols = text.split("\n")
    if symbols and symbols[-1] == "":
        symbols.pop()
    if not symbols:
        raise InputError(f"uniavgen vocabulary {path} is empty; it needs one symbol a line ({VOCAB_SIZE} lines)")
    vocab: dict[str, int] = {}
    for i, symbol in enumerate(symbols):
        vocab.setdefault(symbol, i)  # a repeated line keeps its first id, as a dict built in order would not
    return vocab


def is_chinese(ch: str) -> bool:
    return "\u3100" <= ch <= "\u9fff"


def speech_symbols(text: str, language: str) -> list[str]:
    """The text as vocabulary symbols: characters as written, or toned pinyin for Chinese."""
    if language != "zh" and not any(is_chinese(ch) for ch in text):
        return list(text)
    if importlib.util.find_spec("pypinyin") is None:
        raise InputError("uniavgen speaks Chinese through pinyin: install pypinyin (`pip install pypinyin`) "
                         "or write the lines in English")
    from pypinyin import Style, lazy_pinyin

    symbols: list[str] = []
    run: list[str] = []  # Chinese characters waiting to be read together (tone sandhi spans a word)

    def flush() -> None:
        for syllable in lazy_pinyin("".join(run), style=Style.TONE3, tone_sandhi=True):
            symbols.extend([" ", syllable])
        run.clear()

    for ch in text.translate(_PLAIN):
        if is_chinese(ch):
            run.append(ch)
            continue
        flush()
        symbols.append(ch)
    flush()
    return symbols


def with_reference(reference: list[str], symbols: list[str]) -> list[str]:
    """What is read when a reference voice leads: its transcript, a space, then the new line."""
    return [*reference, " ", *symbols]


def symbol_ids(symbols: list[str], vocab: dict[str, int]) -> torch.Tensor:
    """Ids (1, n) for the symbols, unknown ones as 0, padded with -1 to at least ten."""
    ids = [vocab.get(s, UNKNOWN_ID) for s in symbols]
    ids += [PAD_ID] * max(0, MIN_SYMBOLS - len(ids))
    return torch.tensor([ids], dtype=torch.long)
