"""The dashboard in headless Chromium (Debian's package, driven by Playwright; no browser
download): log in, open every page, change the date range and the language (Persian is
right to left), download charts and tables, and make sure hostile comments never execute.

Screenshots go to ``test-artifacts/`` (git-ignored) for a human to look at.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from test_api_support import PASSWORD
from test_web_support import XSS_POST, build_data, make_app

CHROMIUM = os.environ.get("ENGAGELENS_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "web"
PAGES = {
    "overview": "/w/acme/",
    "content": "/w/acme/content",
    "post": f"/w/acme/post?p=instagram&id={XSS_POST}",
    "listening": "/w/acme/listening",
    "inbox": "/w/acme/inbox",
}

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (apt install chromium)")
    pytest.importorskip("playwright")
    from engagelens.api.testing import live_server

    data_dir = tmp_path_factory.mktemp("web-browser")
    build_data(data_dir)
    with live_server(make_app(data_dir)) as url:
        yield url


@pytest.fixture(scope="module")
def browser(server):
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


class Watch:
    """Everything a page might do that it must not: dialogs, console errors, CSP reports,
    requests to other hosts."""

    def __init__(self, page, base: str) -> None:
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.foreign: list[str] = []
        page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on(
            "response",
            lambda r: self.errors.append(f"{r.status} {r.url}") if r.status >= 400 else None,
        )
        page.on(
            "request",
            lambda r: self.foreign.append(r.url)
            if not r.url.startswith((base, "data:", "blob:", "about:"))
            else None,
        )


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    pg.watch = Watch(pg, server)
    yield pg
    context.close()


def login(page, server: str, username: str = "alice") -> None:
    page.goto(server + "/")
    assert page.url.endswith("/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_url("**/w/acme/")


def shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def charts_drawn(page) -> int:
    """Wait until every chart on the page has been drawn by Plotly; return how many."""
    count = page.locator("[data-chart]").count()
    if count:
        page.wait_for_function(
            "document.querySelectorAll('[data-chart][data-rendered=\"1\"]').length"
            " === document.querySelectorAll('[data-chart]').length"
        )
    return count


def test_log_in_and_open_every_page(page, server):
    login(page, server)
    shot(page, "overview-en")
    for name, path in PAGES.items():
        page.goto(server + path)
        n = charts_drawn(page)
        if name in ("overview", "listening"):
            assert n >= 2 and page.locator(".main-svg").count() >= n
        assert page.locator("#filter-from").is_visible() and page.locator("#filter-to").is_visible()
        assert page.locator("table[data-table]").count() >= 1
        shot(page, f"{name}-en")
    assert not page.watch.errors, page.watch.errors  # includes CSP violations
    assert not page.watch.foreign, page.watch.foreign  # no CDN, nothing off-site
    assert not page.watch.dialogs


def test_change_the_date_range(page, server):
    login(page, server)
    # issue 15: the overview opens on own accounts; these figures are every account's
    page.check("#scope-all")
    page.click("#filter-apply")
    page.wait_for_url("**scope=all**")
    before = page.inner_text("#total-interactions")
    page.fill("#filter-from", "2024-03-02")
    page.fill("#filter-to", "2024-03-04")
    page.click("#filter-apply")
    page.wait_for_url("**from=2024-03-02**")
    charts_drawn(page)
    after = page.inner_text("#total-interactions")
    assert after != before
    # seed posts 1, 2, 3 (post i: i+1 likes, i % 3 comments, i % 2 shares): 4 + 5 + 5
    assert after == "14"
    assert page.input_value("#filter-from") == "2024-03-02"
    shot(page, "overview-range")
    page.click("[data-range='all']")
    page.wait_for_url(server + "/w/acme/?scope=all")
    assert page.inner_text("#total-interactions") == before
    page.goto(server + "/w/acme/content?scope=all")
    page.click("[data-range='7']")
    page.wait_for_url("**from=**")
    assert page.locator("table[data-table='posts'] tbody tr").count() == 7
    assert not page.watch.errors


def _card(page, key: str) -> tuple[str, str, str | None]:
    card = page.locator(f"#kpi-{key}")
    return (
        card.locator(".value").inner_text(),
        card.locator(".previous-value").inner_text(),
        card.get_attribute("data-direction"),
    )


def test_scope_switch_and_comparison_cards_en_and_fa(page, server):
    """Own posts 2024-03-05..08: seed posts 4, 6 and the hostile post; the 4 days before:
    0 and 2. Competitor (x) posts: 5, 7 against 1, 3."""
    login(page, server)
    page.goto(server + "/w/acme/?from=2024-03-05&to=2024-03-08")
    charts_drawn(page)
    assert page.is_checked("#scope-own")
    assert _card(page, "posts") == ("3", "2", "up")
    assert page.locator("#kpi-posts .change-value").inner_text() == "+50.0%"
    line = page.inner_text("#scope-line")
    assert "Scope: Own accounts" in line and "compared with Mar 1, 2024 – Mar 4, 2024" in line
    shot(page, "overview-compare-en")
    page.check("#scope-competitor")
    page.click("#filter-apply")
    page.wait_for_url("**scope=competitor**")
    assert _card(page, "posts") == ("2", "2", "flat")
    assert "Scope: Competitors" in page.inner_text("#scope-line")
    page.select_option("#locale-select", "fa")
    page.wait_for_function("document.documentElement.lang === 'fa'")
    charts_drawn(page)
    assert _card(page, "posts") == ("۲", "۲", "flat")
    assert "رقبا" in page.inner_text("#scope-line")
    # chart axes in Persian digits and months (Plotly alone would print Latin ones)
    ticks = page.locator("[data-chart='interactions-vs-engagement'] .xtick text")
    assert ticks.count() >= 2
    texts = ticks.evaluate_all("els => els.map(e => e.textContent)")  # SVG: no innerText
    assert all(re.search("[۰-۹]", t) and not re.search("[0-9]", t) for t in texts), texts
    yticks = page.locator("[data-chart='interactions-vs-engagement'] .ytick text")
    texts = yticks.evaluate_all("els => els.map(e => e.textContent)")
    assert len(texts) >= 2 and not any(re.search("[0-9]", t) for t in texts), texts
    shot(page, "overview-compare-fa")
    assert not page.watch.errors, page.watch.errors


@pytest.mark.parametrize(
    "locale,direction,heading",
    [("fa", "rtl", "نمای کلی"), ("vi", "ltr", "Tổng quan"), ("zh", "ltr", "概览")],
)
def test_switch_language(page, server, locale, direction, heading):
    login(page, server)
    page.select_option("#locale-select", locale)  # submits the form itself
    page.wait_for_function(f"document.documentElement.lang === '{locale}'")
    assert page.get_attribute("html", "dir") == direction
    assert page.inner_text("h1") == heading
    charts_drawn(page)
    shot(page, f"overview-{locale}")
    page.goto(server + PAGES["inbox"])
    assert page.get_attribute("html", "dir") == direction  # kept in the session
    shot(page, f"inbox-{locale}")
    if direction == "rtl":
        # the layout really mirrors: the navigation starts at the right edge
        box = page.locator("header.top .brand").bounding_box()
        assert box["x"] > 640
    assert not page.watch.errors


def test_hostile_comments_never_execute(page, server):
    login(page, server)
    for name, path in PAGES.items():
        page.goto(server + path)
        charts_drawn(page)
        page.mouse.move(400, 300)
        page.mouse.move(600, 500)
        assert page.evaluate("typeof window.__xss") == "undefined", name
    page.goto(server + PAGES["post"])
    assert page.locator("a[href^='javascript:']").count() == 0
    assert page.locator("#post-text").inner_text().startswith("<b>bold?</b> <script>")
    texts = page.locator("table[data-table='comments'] td.text bdi").all_inner_texts()
    assert '<img src=x onerror="window.__xss = 2">' in texts
    shot(page, "post-xss")
    page.goto(server + PAGES["post"] + "&from=2024-03-05&to=2024-03-05")
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert not page.watch.dialogs, page.watch.dialogs


def test_chart_and_table_downloads(page, server):
    login(page, server)
    charts_drawn(page)
    chart = page.locator("[data-chart='interactions-vs-engagement']")
    chart.hover()
    with page.expect_download() as png:
        chart.locator(".modebar-btn[data-title^='Download plot']").click()
    assert png.value.suggested_filename.endswith(".png")
    assert png.value.path().read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    chart.hover()
    with page.expect_download() as svg:
        chart.locator(".modebar-btn[data-title='SVG']").click()
    assert svg.value.suggested_filename.endswith(".svg")
    assert b"<svg" in svg.value.path().read_bytes()[:2000]
    with page.expect_download() as xlsx:
        page.click("#table-daily [data-export='xlsx']")
    assert xlsx.value.path().read_bytes()[:2] == b"PK"
    assert not page.watch.errors


def test_mark_replied_and_log_out(page, server):
    login(page, server)
    page.goto(server + PAGES["inbox"])
    target = page.locator("button[data-item='xss-2']")
    assert target.count() == 1
    target.click()
    page.wait_for_url("**/w/acme/inbox**")
    assert page.locator("button[data-item='xss-2']").count() == 0
    page.click("#logout")
    page.wait_for_url("**/login")
    page.goto(server + PAGES["overview"])
    assert "/login" in page.url
