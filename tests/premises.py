"""The development premises and what a careful reader finds in them (tests/data/premises.toml)."""

from __future__ import annotations

import tomllib
from pathlib import Path

DATA = Path(__file__).parent / "data" / "premises.toml"


def cases() -> list[dict]:
    return tomllib.loads(DATA.read_text("utf-8"))["premise"]


def shared_set() -> list[str]:
    """The 30 premises of ../shared/data/premises.txt, from the copy kept in tests/data."""
    return [c["text"] for c in cases()][:30]
