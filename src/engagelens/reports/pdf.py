"""HTML → PDF with headless Chromium's print engine (through Playwright, which never
downloads a browser here: it drives the system's Chromium).

Why Chromium and not WeasyPrint: the dashboard and its browser tests already need Chromium, so
the PDF is laid out by the same engine the screenshots are checked in (RTL, CJK fonts through
fontconfig, SVG), and no second rendering stack (Pango/cairo bindings) joins the install.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from engagelens.errors import ConfigError, require
from engagelens.settings import get as setting

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
#: the sandbox needs user namespaces, which containers and CI runners often lack
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]


def find_chromium(path: str | None = None) -> str:
    """The executable to print with: ``path``, else the ``chromium_path`` setting, else the
    first candidate on PATH; a ConfigError that says how to install one otherwise."""
    chosen = path or setting("chromium_path")
    if chosen:
        if not Path(chosen).is_file():
            raise ConfigError(f"chromium_path {chosen!r} is not a file")
        return str(chosen)
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    raise ConfigError(
        "a PDF report needs Chromium: `apt install chromium` (Debian/Ubuntu), or set "
        "chromium_path / ENGAGELENS_CHROMIUM_PATH to a Chrome or Chromium executable; "
        "--format html needs nothing"
    )


def html_to_pdf(html: str, out: Path, *, chromium: str | None = None) -> Path:
    """Print ``html`` (a self-contained page: no network is allowed) to ``out`` as A4."""
    sync_api = require("playwright.sync_api", "pdf")
    executable = find_chromium(chromium)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=ARGS, headless=True)
        try:
            page = browser.new_page()
            # a report never loads anything: refuse every request the page might make
            page.route("**/*", lambda route: route.abort())
            page.set_content(html, wait_until="load")
            page.pdf(path=str(out), format="A4", print_background=True, prefer_css_page_size=True)
        finally:
            browser.close()
    return out


__all__ = sorted(["ARGS", "CANDIDATES", "find_chromium", "html_to_pdf"])
