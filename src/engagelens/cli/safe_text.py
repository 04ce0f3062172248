"""Terminal-safe user text: the one rule every CLI command prints hostile text through.

Why: handles, post texts, file names and quarantined rows come from exports anyone can write.
Printed as they are, an ESC starts an ANSI sequence that recolours or rewrites the terminal,
a newline forges an output line, a bidi override (U+202E) shows text in another order than
it is stored (Trojan Source, CVE-2021-42574), a zero-width space hides a difference, and in a
Rich table ``[bold]`` or ``[/]`` is read as markup (``[/]`` alone raises MarkupError). Five
helpers used to answer this five ways; now:

* C0/C1 controls and line/paragraph separators become a space (words stay apart, no line
  can be forged);
* format characters (Unicode category Cf: bidi controls and marks, zero-width characters,
  BOM, soft hyphen) are removed, as listening's folding removes them;
* lone surrogates (undecodable file names) become U+FFFD, so printing cannot raise;
* :func:`rich_text` also escapes Rich markup, for tables and ``Console.print``;
  :func:`plain_text` is for ``typer.echo``, where a backslash would be shown as typed.

Spreadsheet formulas are a separate concern of the CSV/XLSX writers (a terminal does not
evaluate ``=HYPERLINK()``).
"""

from __future__ import annotations

import unicodedata
from typing import Any

_SPACE_CATEGORIES = frozenset({"Cc", "Zl", "Zp"})


def _char(ch: str) -> str:
    category = unicodedata.category(ch)
    if category in _SPACE_CATEGORIES:
        return " "
    if category == "Cf":
        return ""
    if category == "Cs":
        return "\ufffd"
    return ch


def plain_text(value: Any, width: int | None = None) -> str:
    """``value`` as one terminal-safe line; shortened to ``width`` characters with "…"."""
    text = "" if value is None else str(value)
    if text.isascii() and text.isprintable():  # the common case: nothing to replace
        out = text
    else:
        out = "".join(_char(ch) for ch in text)
    if width is not None and len(out) > width:
        out = out[: max(width - 1, 0)] + "…"
    return out


def rich_text(value: Any, width: int | None = None) -> str:
    """:func:`plain_text` with Rich markup escaped: shown literally in a Rich table."""
    from rich.markup import escape

    return escape(plain_text(value, width))


__all__ = sorted(["plain_text", "rich_text"])
