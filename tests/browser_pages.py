"""The browser and page fixtures every dashboard browser test module shares: Debian's Chromium
driven by Playwright, one browser per module, a fresh context per test whose page records
dialogs, console errors and requests to other hosts (``page.watch``).

A module imports them (``from browser_pages import browser, page``) and defines its own
``server`` fixture (a live dashboard with that module's data), which they use."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from test_web_browser import ARGS, CHROMIUM, Watch

#: screenshots the browser tests leave for a person to look at
SHOTS = Path(
    os.environ.get(
        "ENGAGELENS_SHOTS", Path(__file__).resolve().parents[1] / "test-artifacts" / "web"
    )
)


def require_chromium() -> None:
    """Skip (with the install line) where Debian's Chromium or Playwright is missing."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (apt install chromium)")
    pytest.importorskip("playwright")


@pytest.fixture(scope="module")
def browser(server):
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    pg.watch = Watch(pg, server)
    yield pg
    context.close()
