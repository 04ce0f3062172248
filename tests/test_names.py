"""User-given names and ids are printable text: a NUL or another control character is a clear
error before anything is stored (it once reached DuckDB's parser through an Ibis literal)."""

from __future__ import annotations

import pytest

from engagelens.errors import ConfigError
from engagelens.listening import add_query, alerts
from engagelens.model.names import check_name
from engagelens.privacy.forget import parse_author
from engagelens.reports.schedule import add_schedule

HOSTILE = "×ÿ.\x00\U00011151"  # schemathesis' example


def test_check_name_accepts_every_script_and_rejects_controls():
    assert check_name("  Lumina Coffee  ", "a query") == "Lumina Coffee"
    for ok in ("ب‌ه", "phở", "咖啡", "café ☕", "a—b"):
        assert check_name(ok, "a query") == ok
    for bad in (HOSTILE, "a\x1b[31m", "line\nbreak", "lone \ud800", "para\u2029"):
        with pytest.raises(ConfigError, match="control character U\\+"):
            check_name(bad, "a query")
    with pytest.raises(ConfigError, match="needs a name"):
        check_name("   ", "a query")
    with pytest.raises(ConfigError, match="at most 5"):
        check_name("abcdef", "a query", max_chars=5)


def test_names_with_controls_are_refused_before_anything_is_stored(store):
    with pytest.raises(ConfigError, match="U\\+0000"):
        alerts.add_rule(store, HOSTILE, "keyword", keyword="refund")
    with pytest.raises(ConfigError, match="U\\+0000"):
        add_query(store, HOSTILE, "coffee")
    with pytest.raises(ConfigError, match="U\\+0000"):
        add_schedule(store, HOSTILE, every="daily", channel="stdout")
    with pytest.raises(ConfigError, match="U\\+0000"):
        parse_author("x:fan\x00")
    assert alerts.list_rules(store) == []
    alerts.add_rule(store, "قانون", "keyword", keyword="refund")  # a Persian name is fine
    assert [r["name"] for r in alerts.list_rules(store)] == ["قانون"]
