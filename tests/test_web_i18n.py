"""Interface languages: the shipped catalogs are complete and compiled, Persian is RTL, and
numbers and dates follow each locale (expected strings written from CLDR conventions)."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest

from engagelens.web import i18n

WEB = Path(i18n.__file__).parent
_CALL = re.compile(
    r"""(?:\b_|\bgettext|\bN_)\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')\s*[,)]"""
)
_PLURAL = re.compile(r"""ngettext\(\s*"((?:[^"\\]|\\.)*)"\s*,\s*"((?:[^"\\]|\\.)*)\"""")
_PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def used_messages() -> set[str]:
    """Every literal message the templates and page modules ask to translate."""
    found: set[str] = set()
    for path in sorted([*WEB.rglob("*.py"), *WEB.rglob("*.html")]):
        text = path.read_text(encoding="utf-8")
        found |= {a or b for a, b in _CALL.findall(text)}
        found |= {singular for singular, _ in _PLURAL.findall(text)}
    return found


def _catalog(locale: str):
    from babel.messages.pofile import read_po

    with i18n.po_path(locale).open("rb") as f:
        return read_po(f, locale=locale)


def test_the_scanner_finds_messages_of_templates_and_modules():
    used = used_messages()
    assert {"Overview", "Mark replied", "Log in", "waiting time", "Last %(num)d day"} <= used
    assert len(used) > 100


@pytest.mark.parametrize("locale", [loc for loc in i18n.LOCALES if loc != "en"])
def test_every_message_is_translated_with_the_same_placeholders(locale):
    catalog = _catalog(locale)
    missing, empty, broken = [], [], []
    for message in sorted(used_messages()):
        entry = catalog.get(message)
        if entry is None:
            missing.append(message)
            continue
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        if not all(strings):
            empty.append(message)
        if any(set(_PLACEHOLDER.findall(s)) != set(_PLACEHOLDER.findall(message)) for s in strings):
            broken.append(message)
    assert not missing and not empty and not broken, (missing, empty, broken)


def test_english_catalog_lists_every_message():
    catalog = _catalog("en")
    assert not [m for m in used_messages() if catalog.get(m) is None]


@pytest.mark.parametrize("locale", i18n.LOCALES)
def test_shipped_mo_files_are_current(locale):
    """``python -m engagelens.web.i18n`` rebuilds them; an edited .po without it fails here."""
    shipped = i18n.po_path(locale).with_suffix(".mo")
    assert shipped.is_file(), f"run python -m engagelens.web.i18n ({shipped} is missing)"
    assert shipped.read_bytes() == i18n.compile_po(locale)


def test_stale_mo_is_ignored_and_the_po_compiled_in_memory(tmp_path, monkeypatch):
    import os

    copy = tmp_path / "i18n"
    shutil.copytree(i18n.CATALOG_DIR, copy)
    po = copy / "vi" / "LC_MESSAGES" / "messages.po"
    po.write_text(
        po.read_text(encoding="utf-8").replace('msgstr "Tổng quan"', 'msgstr "Tổng quan mới"'),
        encoding="utf-8",
    )
    mo = po.with_suffix(".mo")
    os.utime(mo, (1_000_000, 1_000_000))  # older than the edited .po
    monkeypatch.setattr(i18n, "CATALOG_DIR", copy)
    i18n.translations.cache_clear()
    try:
        assert i18n.translations("vi").gettext("Overview") == "Tổng quan mới"
    finally:
        monkeypatch.undo()
        i18n.translations.cache_clear()
    assert i18n.translations("vi").gettext("Overview") == "Tổng quan"


@pytest.mark.parametrize(
    "locale,direction,number,percent,day",
    [
        ("en", "ltr", "12,345.5", "1.23%", "Mar 1, 2024"),
        ("vi", "ltr", "12.345,5", "1,23%", "1 thg 3, 2024"),
        # issue 15: Persian dates in Persian digits too (they were Latin)
        ("fa", "rtl", "۱۲٬۳۴۵٫۵", "۱٫۲۳%", "۱ مارس ۲۰۲۴"),
        ("zh", "ltr", "12,345.5", "1.23%", "2024年3月1日"),
    ],
)
def test_locale_formats_and_direction(locale, direction, number, percent, day):
    lang = i18n.lang(locale)
    assert lang.direction == direction
    assert lang.number(12345.5, 1) == number
    assert lang.percent(0.0123) == percent
    assert lang.date(dt.date(2024, 3, 1)) == day
    assert lang.number(None) == lang.percent(float("nan")) == "–"


def test_plural_messages_and_locale_negotiation():
    assert (
        i18n.lang("en").ngettext("Last %(num)d day", "Last %(num)d days", 1) == "Last %(num)d day"
    )
    assert (
        i18n.lang("en").ngettext("Last %(num)d day", "Last %(num)d days", 7) == "Last %(num)d days"
    )
    assert i18n.lang("zh").ngettext("Last %(num)d day", "Last %(num)d days", 7) == "最近 %(num)d 天"
    assert i18n.normalise("vi-VN") == "vi" and i18n.normalise("de") == "en"
    assert i18n.from_accept_language("de-DE,zh-CN;q=0.8,fa;q=0.5") == "zh"
    assert i18n.from_accept_language("") == "en"


def test_package_data_ships_every_dashboard_file():
    """Templates, static files and catalogs must be in the wheel, or an installed server
    answers 500 (pyproject's [tool.setuptools.package-data])."""
    import fnmatch
    import tomllib

    pyproject = Path(__file__).resolve().parents[1] / "pyproject.toml"
    patterns = tomllib.loads(pyproject.read_text())["tool"]["setuptools"]["package-data"][
        "engagelens"
    ]
    files = [p for p in WEB.rglob("*") if p.is_file() and p.suffix not in (".py", ".pyc")]
    assert any(p.suffix == ".mo" for p in files) and any(p.suffix == ".svg" for p in files)
    missing = [
        str(p.relative_to(WEB))
        for p in files
        if not any(fnmatch.fnmatch(p.name, pat.split("/")[-1]) for pat in patterns)
    ]
    assert not missing, f"not in package-data: {missing}"
