"""Names a user gives things (listening queries, alert rules, report schedules) and ids a user
types (a person to forget): printable text only.

Why: a name is written into rows and then matched in filters; Ibis inlines string literals in
the SQL it generates, and DuckDB's parser stops at a NUL, so ``"a\\x00b"`` turned a save into
a 500 (found by schemathesis). Control characters in a name also forge lines in terminals and
logs. Letters of every script, emoji, ZWNJ (Persian) and spaces are all fine.
"""

from __future__ import annotations

import unicodedata

from engagelens.errors import ConfigError

#: control characters, line/paragraph separators and lone surrogates: never part of a name
_BAD = ("Cc", "Cs", "Zl", "Zp")


def check_name(value: str | None, what: str, *, max_chars: int = 200) -> str:
    """``value`` stripped, or a ConfigError naming ``what`` and the first bad character."""
    check_printable(value or "", what)  # before stripping: a trailing separator is stored too
    text = (value or "").strip()
    if not text:
        raise ConfigError(f"{what} needs a name")
    if len(text) > max_chars:
        raise ConfigError(f"{what} name is {len(text)} characters long; at most {max_chars}")
    return text


def check_printable(value: str, what: str) -> str:
    """``value`` unchanged when it holds no control character or lone surrogate."""
    for ch in value:
        if unicodedata.category(ch) in _BAD:
            raise ConfigError(
                f"{what} holds the control character U+{ord(ch):04X}; use printable text"
            )
    return value


__all__ = ["check_name", "check_printable"]
