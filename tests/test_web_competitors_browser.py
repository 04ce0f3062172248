"""The competitors page in headless Chromium (Debian's package), in English and Persian: the
own brand next to its competitor with figures counted by hand (tests/bench_data.py), three
charts with localised axes, and an empty state where there is nobody to compare with."""

from __future__ import annotations

import re

import pytest

import bench_data
from browser_pages import browser, page, require_chromium  # noqa: F401
from test_web_browser import charts_drawn
from test_web_listening_browser import SHOTS, login
from test_web_support import build_data, make_app

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    require_chromium()
    from engagelens.api import Control
    from engagelens.api.testing import live_server
    from engagelens.store import Store

    data_dir = tmp_path_factory.mktemp("web-bench")
    build_data(data_dir)
    control = Control(data_dir)
    control.create_workspace("bench", "Bench")
    bench_data.write(control.workspace_path("bench"))
    control.create_workspace("solo", "Solo")
    with Store.open(control.workspace_path("solo")) as store:
        store.insert("account", bench_data.rows()["account"][:1])
    control.grant("alice", "bench", "viewer")
    control.grant("alice", "solo", "viewer")
    with live_server(make_app(data_dir)) as url:
        yield url


def _cells(page, brand: str) -> dict[str, str]:
    heads = page.locator("table[data-table='brands'] thead th").all_inner_texts()
    row = page.locator("table[data-table='brands'] tbody tr", has_text=brand)
    return dict(zip(heads, row.locator("td").all_inner_texts(), strict=True))


EN = {
    "Acme": {
        "Kind": "Own brand", "Mentions": "6", "Share of voice": "75.00%", "Positive": "50.00%",
        "Negative": "33.33%", "Posts": "2", "Posts per week": "1.8",
        "Engagement rate by reach": "7.50%", "Reply rate": "50.00%", "Median reply time": "30 min",
    },
    "Rival": {
        "Kind": "Competitor", "Mentions": "2", "Share of voice": "25.00%", "Negative": "100.00%",
        "Posts per week": "0.9", "Engagement rate by reach": "30.00%", "Reply rate": "–",
        "Median reply time": "–",
    },
}  # fmt: skip


@pytest.mark.parametrize("locale", ["en", "fa"])
def test_competitors_page(page, server, locale):
    login(page, server, locale)
    page.goto(server + "/w/bench/competitors")
    assert charts_drawn(page) == 3
    assert page.locator("#competitors-empty").count() == 0
    if locale == "en":
        for brand, want in EN.items():
            got = _cells(page, brand)
            assert {k: got[k] for k in want} == want, got
    else:
        assert page.get_attribute("html", "dir") == "rtl"
        acme = _cells(page, "Acme")
        assert acme["سهم صدا"] == "۷۵٫۰۰%" and acme["میانهٔ زمان پاسخ"] == "۳۰ دقیقه"
        body = page.locator("table[data-table='brands'] tbody").inner_text()
        assert not re.search("[0-9]", body.replace("acme_ig", "").replace("acme_x", "")
                             .replace("rival_x", "")), body  # fmt: skip
        for chart in ("sov-per-week", "er-per-week", "sentiment-mix"):
            ticks = page.locator(f"[data-chart='{chart}'] .xtick text, "
                                 f"[data-chart='{chart}'] .ytick text")  # fmt: skip
            texts = ticks.evaluate_all("els => els.map(e => e.textContent)")
            digits = [t for t in texts if re.search("[0-9]", t)]
            assert texts and not digits, (chart, digits)
    shot(page, f"dashboard_competitors_{locale}")
    page.goto(server + "/w/solo/competitors")
    assert page.locator("#competitors-empty").is_visible()
    assert page.locator("[data-chart]").count() == 0
    assert not page.watch.errors, page.watch.errors


def shot(page, name: str) -> None:
    page.mouse.move(0, 0)  # no hover: Plotly's toolbar would cover the chart titles
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
