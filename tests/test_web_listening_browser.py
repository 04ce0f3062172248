"""The listening workspace in headless Chromium (Debian's package), in English and Persian:
an empty workspace says what to do, a draft query shows its matches live before it is saved,
saving it from the form shows its mentions and charts, editing and removing work, and a spike
is told in plain sentences with hostile example mentions shown as text.

Data: the dashboard tests' seed (5 mentions, query ``acme``) plus, in a workspace of its own
(``listen``), 28 quiet days of two "acme coffee" mentions and then a day of 12 "acme refund
late" complaints (one Persian with a zero-width non-joiner, one a ``<script>`` payload).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from browser_pages import SHOTS, browser, page, require_chromium  # noqa: F401
from test_api_support import PASSWORD
from test_web_browser import charts_drawn
from test_web_support import build_data, make_app

pytestmark = pytest.mark.browser
QUIET = dt.datetime(2024, 2, 1, 9, 0)
SPIKE_DAY = dt.date(2024, 2, 29)
PERSIAN = "acme refund می\u200cخواهم late"
SCRIPT = "<script>window.__xss = 11</script> acme refund late"


def listen_rows() -> list[dict]:
    rows = []
    for d in range(28):
        for k in range(2):
            rows.append(
                {
                    "platform": "x",
                    "mention_id": f"q{d}-{k}",
                    "created_at": QUIET + dt.timedelta(days=d, hours=k),
                    "text": f"acme coffee morning {k}",
                    "author_handle": f"fan{k}",
                    "reach": 10,
                    "sentiment": "positive",
                }
            )
    texts = [PERSIAN, SCRIPT] + [f"acme refund late again {k}" for k in range(10)]
    for k, text in enumerate(texts):
        rows.append(
            {
                "platform": "x",
                "mention_id": f"s{k}",
                "created_at": dt.datetime.combine(SPIKE_DAY, dt.time(8, k)),
                "text": text,
                "author_handle": f"angry{k}",
                "reach": 1000 - k,  # the Persian one has the most reach, then the script
                "sentiment": "negative",
            }
        )
    return rows


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    require_chromium()
    from engagelens.api import Control
    from engagelens.api.testing import live_server
    from engagelens.store import Store

    data_dir = tmp_path_factory.mktemp("web-listening")
    build_data(data_dir)
    control = Control(data_dir)
    control.create_workspace("listen", "Listen")
    with Store.open(control.workspace_path("listen")) as store:
        store.insert("mention", listen_rows())
    control.grant("alice", "listen", "analyst")
    with live_server(make_app(data_dir)) as url:
        yield url


def login(page, server: str, locale: str = "en") -> None:
    page.goto(server + "/login")
    if locale != "en":
        page.select_option("#locale-select", locale)
        page.wait_for_function(f"document.documentElement.lang === '{locale}'")
    page.fill("#username", "alice")
    page.fill("#password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_url(lambda url: "/login" not in url)


def shot(page, name: str) -> None:
    page.mouse.move(0, 0)  # no hover: Plotly's toolbar would cover the chart titles
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def draft_texts(page) -> list[str]:
    return page.locator("#draft-live table[data-table='draft'] td.text").all_inner_texts()


@pytest.mark.parametrize("locale", ["en", "fa"])
def test_create_a_query_from_the_form_and_see_its_matches(page, server, locale):
    login(page, server, locale)
    page.goto(server + "/w/listen/listening")
    # no query yet: an empty state that says what to do, no empty axes
    assert page.locator("#listening-empty").is_visible()
    assert page.locator("[data-chart]").count() == 0
    if locale == "fa":
        assert page.get_attribute("html", "dir") == "rtl"
        assert "هنوز" in page.inner_text("#listening-empty h2")
    shot(page, f"dashboard_listening-empty_{locale}")
    # typing a draft shows its matches live (nothing saved)
    page.fill("#query-name", "acme")
    page.fill("#query-text", "acme AND refund")
    page.wait_for_selector("#draft-summary")
    summary = page.inner_text("#draft-summary")
    texts = draft_texts(page)
    if locale == "en":
        assert summary == "12 of 68 stored mentions match this query."
    else:
        assert "۱۲" in summary and "۶۸" in summary and not re.search("[0-9]", summary)
    assert len(texts) == 12 and PERSIAN in texts and SCRIPT in texts
    assert page.evaluate("typeof window.__xss") == "undefined"
    # a syntax error is shown while typing, naming the column
    page.fill("#query-text", "(acme OR")
    page.wait_for_selector("#draft-error")
    assert "column" in page.inner_text("#draft-error")
    # the Test button does the same without script; the page keeps the draft
    page.fill("#query-text", "acme")
    page.click("#query-test")
    page.wait_for_selector("#draft-summary")
    assert page.input_value("#query-text") == "acme"
    assert page.locator("table[data-table='draft'] tbody tr").count() == 20  # first 20 of 68
    shot(page, f"dashboard_listening-draft_{locale}")
    page.click("#query-save")
    page.wait_for_url("**saved=acme**")
    assert page.locator("#saved-notice").is_visible()
    assert page.locator("#listening-empty").count() == 0
    assert charts_drawn(page) == 3
    summary_rows = page.locator("table[data-table='summary'] tbody tr")
    assert summary_rows.count() == 1
    mentions = summary_rows.locator("td").nth(1).inner_text()
    assert mentions == ("68" if locale == "en" else "۶۸")
    # Persian axes: Persian digits on both axes of the sentiment chart
    ticks = page.locator("[data-chart='sentiment-per-day'] .ytick text").evaluate_all(
        "els => els.map(e => e.textContent)"
    )
    assert len(ticks) == 5
    if locale == "fa":
        assert not any(re.search("[0-9]", t) for t in ticks), ticks
        xticks = page.locator("[data-chart='mentions-per-day'] .xtick text").evaluate_all(
            "els => els.map(e => e.textContent)"
        )
        assert xticks and not any(re.search("[0-9]", t) for t in xticks), xticks
    # the spike, in words: what rose, against which baseline, top terms, examples as text
    story = page.locator("#spike-stories .story").first
    sentence = story.locator(".sentence").inner_text()
    if locale == "en":
        # 28 quiet days of 2 mentions a day: 2.0 expected, 12 is 6 times that
        assert sentence == (
            "Mentions of “acme” rose to 12 on Feb 29, 2024, against 2.0 expected from the "
            "same weekday in the 28 days before (6.0×)."
        )
        # no negative mention before: nothing was expected, so no ratio is claimed
        assert page.locator("#spike-stories .sentence").nth(1).inner_text() == (
            "Negative mentions of “acme” rose to 12 on Feb 29, 2024, against 0.0 expected from "
            "the same weekday in the 28 days before."
        )
    else:
        assert sentence.startswith("اشاره‌ها «acme»") and not re.search("[0-9]", sentence)
    assert {"refund", "late"} <= set(story.locator(".chip").all_inner_texts())
    quotes = story.locator("blockquote").all_inner_texts()
    assert quotes[:2] == [PERSIAN, SCRIPT]
    body = page.inner_text("main")
    assert "\\u200c" not in body and "{'" not in body and "mention_id" not in body
    assert page.evaluate("typeof window.__xss") == "undefined"
    shot(page, f"dashboard_listening_{locale}")
    # edit: the form comes back filled; a new text re-matches on save
    page.click("[data-edit='acme']")
    assert page.input_value("#query-text") == "acme"
    page.fill("#query-text", "acme AND coffee")
    page.click("#query-save")
    page.wait_for_url("**saved=acme**")
    cell = page.locator("table[data-table='summary'] tbody tr td").nth(1).inner_text()
    assert cell == ("56" if locale == "en" else "۵۶")
    # remove: back to the empty state
    page.click("[data-remove='acme']")
    page.wait_for_url("**removed=acme**")
    assert page.locator("#listening-empty").is_visible()
    assert not page.watch.errors, page.watch.errors
    assert not page.watch.dialogs
