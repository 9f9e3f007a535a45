"""The one place auteur prints: every piece of user text goes through `safe` before rich sees it.

User text (a prompt, a path, a shot id from a script) may hold rich markup (`[/]`, `[bold]`) or
terminal control sequences (ESC, NUL, C1 codes); printed raw, the first crashes rich or is eaten,
the second drives the terminal. `safe` escapes the markup and shows control characters as `\\xNN`.
"""

from __future__ import annotations

import unicodedata

from rich.console import Console
from rich.markup import escape

err_console = Console(stderr=True, highlight=False, soft_wrap=True)
out_console = Console(highlight=False, soft_wrap=True)


def neutralise(text: object) -> str:
    """`text` with every control character (C0, C1, DEL; newlines too) shown as a visible escape, and each
    byte of a non-UTF-8 file name (a lone surrogate, as Python decodes it) as `\\xNN`, which a terminal can print."""
    return "".join(_visible(ch) if unicodedata.category(ch) in ("Cc", "Cs") else ch for ch in str(text))


def _visible(ch: str) -> str:
    code = ord(ch)
    return f"\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def safe(text: object) -> str:
    """User text ready for a rich markup string: control characters neutralised, markup escaped."""
    # rich's escape leaves a trailing backslash alone, which would then escape our own closing tag.
    out = escape(neutralise(text))
    return out + " " if out.endswith("\\") else out


def error(message: str) -> None:
    """One `error:` line on stderr; `message` is user-facing text and is printed literally."""
    err_console.print(f"[bold red]error:[/] {safe(message)}")


def warning(message: str) -> None:
    err_console.print(f"[yellow]warning:[/] {safe(message)}")
