"""The alerts page in headless Chromium (Debian's package), in English and Persian: an empty
state, a rule created from the form (a bad one kept with its error), checked now, and its
history; the data is the listening browser test's (12 "acme refund late" mentions on one day,
one of them a ``<script>`` payload, after 56 quiet ones)."""

from __future__ import annotations

import re

import pytest

from browser_pages import browser, page, require_chromium  # noqa: F401
from test_web_listening_browser import SHOTS, listen_rows, login
from test_web_support import build_data, make_app

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    require_chromium()
    from engagelens.api import Control
    from engagelens.api.testing import live_server
    from engagelens.store import Store

    data_dir = tmp_path_factory.mktemp("web-alerts")
    build_data(data_dir)
    control = Control(data_dir)
    for slug in ("alerts-en", "alerts-fa"):  # one per language: each test starts empty
        control.create_workspace(slug, slug)
        with Store.open(control.workspace_path(slug)) as store:
            store.insert("mention", listen_rows())
        control.grant("alice", slug, "analyst")
    with live_server(make_app(data_dir)) as url:
        yield url


HISTORY = "table[data-table='history'] tbody tr"


@pytest.mark.parametrize("locale", ["en", "fa"])
def test_create_an_alert_rule_and_read_its_history(page, server, locale):
    login(page, server, locale)
    base = f"{server}/w/alerts-{locale}/alerts"
    page.goto(base)
    assert page.locator("#alerts-empty").is_visible()
    # a keyword rule without words is refused, the form kept
    page.fill("#rule-name", "legal")
    page.select_option("#rule-kind", "keyword")
    page.click("#rule-save")
    assert page.locator("#rule-error").is_visible()
    assert page.input_value("#rule-name") == "legal"
    page.fill("#rule-keyword", "refund AND late")
    page.fill("#rule-channels", "log")
    page.click("#rule-save")
    page.wait_for_url("**saved=legal**")
    rules = page.locator("table[data-table='rules'] tbody tr")
    assert rules.count() == 1 and "refund AND late" in rules.inner_text()
    # checking now: the 12 matching mentions fire once, delivered to the log
    page.click("#rules-run")
    page.wait_for_url("**ran=1**")
    rows = page.locator(HISTORY)
    assert rows.count() == 1
    cells = rows.locator("td").all_inner_texts()
    assert cells[1] == "legal"
    assert cells[3].startswith("12 new mention(s) matching refund AND late")
    assert cells[4] == "log: ok"
    if locale == "en":
        assert cells[2] == "sent"
        assert page.inner_text("#rules-ran") == "Rules checked: 1 alert(s) fired."
    else:
        assert page.get_attribute("html", "dir") == "rtl"
        assert cells[2] == "فرستاده شد" and not re.search("[0-9]", cells[0]), cells
    assert page.evaluate("typeof window.__xss") == "undefined"
    shot(page, f"dashboard_alerts_{locale}")
    # the same mentions do not fire again
    page.click("#rules-run")
    page.wait_for_url("**ran=0**")
    assert page.locator(HISTORY).count() == 1
    page.click("[data-remove-rule='legal']")
    page.wait_for_load_state()
    assert page.locator("#alerts-empty").is_visible()
    assert page.locator(HISTORY).count() == 1  # the history stays
    # the only failed response is the refused rule's 400 (and the console's note of it)
    unexpected = [e for e in page.watch.errors if "400" not in e]
    assert len(page.watch.errors) == 2 and not unexpected, page.watch.errors


def shot(page, name: str) -> None:
    page.mouse.move(0, 0)  # no hover: Plotly's toolbar would cover the chart titles
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
