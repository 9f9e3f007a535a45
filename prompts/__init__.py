"""Prompt templates, one file per role and task (`<role>.<task>.txt`), in string.Template syntax."""

from __future__ import annotations

from importlib import resources
from string import Template


def render(role: str, task: str, **values: object) -> str:
    """Fill the template for `role` and `task`; a missing value is an error, not a blank."""
    name = f"{role}.{task}.txt"
    text = resources.files(__name__).joinpath(name).read_text("utf-8")
    return Template(text).substitute({k: str(v) for k, v in values.items()})
