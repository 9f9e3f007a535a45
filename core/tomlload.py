"""TOML from files a user hands auteur (profiles, training configs, bench suites), with one-line errors.

tomllib recurses once per nesting level of inline arrays and tables, so a few KB of `a = [[[[...`
raise RecursionError; and no auteur TOML nests deeper than a few levels. Text that is not UTF-8,
not TOML, or nested past MAX_DEPTH is refused with one line naming the file.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from auteur.core.errors import InputError
from auteur.core.jsonload import MAX_DEPTH


def depth(value: Any) -> int:
    """How deeply lists and tables nest in parsed data (a scalar is 0), without recursing."""
    deepest, todo = 0, [(value, 1)]
    while todo:
        item, level = todo.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is not None:
            deepest = max(deepest, level)
            todo.extend((child, level + 1) for child in children)
    return deepest


def loads(text: str, what: str, max_depth: int = MAX_DEPTH) -> dict[str, Any]:
    """Parse TOML text; `what` names the file in the one-line InputError."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise InputError(f"{what}: not valid TOML ({err})") from None
    except RecursionError:
        raise InputError(f"{what} nests too deep to read; auteur reads TOML at most {max_depth} levels deep") from None
    found = depth(data)
    if found > max_depth:
        raise InputError(f"{what} nests {found} levels deep; auteur reads TOML at most {max_depth} levels deep")
    return data


def read(path: Path, what: str) -> dict[str, Any]:
    """Read and parse a TOML file; a missing, unreadable or non-UTF-8 file is a one-line InputError too."""
    try:
        text = Path(path).read_text("utf-8")
    except UnicodeDecodeError:
        raise InputError(f"{what} is not UTF-8 text") from None
    except OSError as err:
        raise InputError(f"cannot read {what}: {err.strerror or err}") from None
    return loads(text, what)
