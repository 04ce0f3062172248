"""Interface languages: gettext catalogs per locale, and numbers and dates formatted by Babel.

Why gettext ``.po`` files: translators know the format and its tools, and Babel (already a
dependency for number formatting) reads and compiles it. The catalogs live in
``i18n/<locale>/LC_MESSAGES/messages.po``; the compiled ``messages.mo`` next to each is built by
:func:`compile_catalogs` (``python -m engagelens.web.i18n``) and shipped as package data. A test
checks that every shipped ``.mo`` is exactly what compiling its ``.po`` gives, and that every
string the templates and pages ask for is translated in every catalog. If a ``.mo`` is missing
or older than its ``.po`` (an edited checkout), the catalog is compiled in memory at load, so the
interface is never silently out of date.

Persian is written right to left: :attr:`Lang.direction` drives ``<html dir>``. Numbers use the
locale's own digits (Persian ``۱۲٬۳۴۵``) via Babel's ``numbering_system="default"``.
"""

from __future__ import annotations

import datetime as dt
import functools
import gettext
import io
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CATALOG_DIR = Path(__file__).parent / "i18n"
DOMAIN = "messages"
#: interface languages, in the order the language menu shows them
LOCALES: tuple[str, ...] = ("en", "vi", "fa", "zh")
DEFAULT_LOCALE = "en"
#: each language's name in itself (the menu shows these, untranslated)
NATIVE_NAMES: dict[str, str] = {"en": "English", "vi": "Tiếng Việt", "fa": "فارسی", "zh": "中文"}
#: Babel picks a locale's separators for its default numbering system but keeps ASCII digits;
#: these systems write their own digits (CLDR numberingSystems.xml)
DIGITS: dict[str, str] = {"arab": "٠١٢٣٤٥٦٧٨٩", "arabext": "۰۱۲۳۴۵۶۷۸۹"}


def N_(message: str) -> str:
    """Marks a message for the catalogs without translating it yet (translated where shown);
    the catalog test collects ``_()``, ``gettext()`` and ``N_()`` strings."""
    return message


def po_path(locale: str) -> Path:
    return CATALOG_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def compile_po(locale: str) -> bytes:
    """The ``.mo`` bytes of ``locale``'s catalog (fuzzy entries left out, as msgfmt does)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po_path(locale).open("rb") as f:
        catalog = read_po(f, locale=locale, domain=DOMAIN)
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def compile_catalogs() -> list[Path]:
    """Write ``messages.mo`` next to every ``messages.po``; returns the files written."""
    written = []
    for locale in LOCALES:
        target = po_path(locale).with_suffix(".mo")
        data = compile_po(locale)
        if not target.exists() or target.read_bytes() != data:
            target.write_bytes(data)
            written.append(target)
    return written


@functools.cache
def translations(locale: str) -> gettext.GNUTranslations:
    """The loaded catalog of ``locale`` (compiled in memory when the ``.mo`` is stale)."""
    po = po_path(locale)
    mo = po.with_suffix(".mo")
    if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
        data = mo.read_bytes()
    else:
        data = compile_po(locale)
    return gettext.GNUTranslations(io.BytesIO(data))


def normalise(locale: str | None) -> str:
    """A supported locale for a requested one (``vi-VN`` → ``vi``), else the default."""
    base = (locale or "").replace("_", "-").split("-")[0].lower()
    return base if base in LOCALES else DEFAULT_LOCALE


def from_accept_language(header: str | None) -> str:
    """The best supported locale of an ``Accept-Language`` header (first listed wins)."""
    for part in (header or "").split(","):
        tag = part.split(";")[0].strip()
        if tag and normalise(tag) == tag.split("-")[0].lower():
            return normalise(tag)
    return DEFAULT_LOCALE


@dataclass(frozen=True)
class Lang:
    """Everything a page needs to speak one locale."""

    code: str

    @functools.cached_property
    def _babel(self) -> Any:
        from babel import Locale

        return Locale.parse(self.code)

    @property
    def direction(self) -> str:
        return "rtl" if self._babel.character_order == "right-to-left" else "ltr"

    @functools.cached_property
    def _digits(self) -> dict[int, int]:
        native = DIGITS.get(self._babel.default_numbering_system, "")
        return str.maketrans("0123456789", native) if native else {}

    def gettext(self, message: str) -> str:
        return translations(self.code).gettext(message)

    def digits(self, text: str) -> str:
        """``text`` with ASCII digits written in the locale's own (``7 روز`` → ``۷ روز``), for
        messages whose placeholders are formatted with ``%d`` (plural forms)."""
        return str(text).translate(self._digits)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return translations(self.code).ngettext(singular, plural, n)

    def number(self, value: Any, digits: int = 0) -> str:
        """``12,345`` (en), ``12.345`` (vi), ``۱۲٬۳۴۵`` (fa); empty for missing values."""
        if value is None or (isinstance(value, float) and not math.isfinite(value)):
            return "–"
        from babel.numbers import format_decimal

        pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
        return format_decimal(
            value, format=pattern, locale=self.code, numbering_system="default"
        ).translate(self._digits)

    def percent(self, value: Any, digits: int = 2) -> str:
        if value is None or (isinstance(value, float) and not math.isfinite(value)):
            return "–"
        from babel.numbers import format_percent

        pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "") + "%"
        return format_percent(
            value, format=pattern, locale=self.code, numbering_system="default"
        ).translate(self._digits)

    def date(self, value: Any) -> str:
        if value is None or value == "":
            return "–"
        from babel.dates import format_date

        if isinstance(value, str):
            value = dt.date.fromisoformat(value[:10])
        if isinstance(value, dt.datetime):
            value = value.date()
        return format_date(value, format="medium", locale=self.code).translate(self._digits)

    def short_date(self, value: dt.date) -> str:
        """Day and month only (chart ticks): ``Mar 1`` (en), ``۱ مارس`` (fa), ``3月1日`` (zh)."""
        from babel.dates import format_skeleton

        return format_skeleton("MMMd", value, locale=self.code).translate(self._digits)

    def datetime(self, value: Any) -> str:
        if value is None or value == "":
            return "–"
        from babel.dates import format_datetime

        if isinstance(value, str):
            value = dt.datetime.fromisoformat(value)
        if not isinstance(value, dt.datetime):
            return self.date(value)
        return format_datetime(value, format="short", locale=self.code).translate(self._digits)


@functools.cache
def lang(code: str) -> Lang:
    return Lang(normalise(code))


if __name__ == "__main__":  # pragma: no cover - the build step: python -m engagelens.web.i18n
    for path in compile_catalogs():
        print(f"wrote {path}")

__all__ = [
    "CATALOG_DIR",
    "DEFAULT_LOCALE",
    "DIGITS",
    "LOCALES",
    "NATIVE_NAMES",
    "N_",
    "Lang",
    "compile_catalogs",
    "compile_po",
    "from_accept_language",
    "lang",
    "normalise",
    "po_path",
    "translations",
]
