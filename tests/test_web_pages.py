"""The dashboard over a real Uvicorn server on 127.0.0.1: login and sessions, CSRF, every page
in every language, filters, workspace isolation, the inbox action, and escaping.

Expected figures are counted from the seed rows in plain Python, not read back from the code
under test.
"""

from __future__ import annotations

import datetime as dt
import re
import urllib.parse

import pytest

from test_api_support import PASSWORD
from test_web_support import XSS, XSS_POST, Browser, build_data, make_app

PAGES = [
    "/w/acme/",
    "/w/acme/content",
    f"/w/acme/post?p=instagram&id={XSS_POST}",
    "/w/acme/listening",
    "/w/acme/inbox",
]


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    from engagelens.api.testing import live_server

    data_dir = tmp_path_factory.mktemp("web")
    acme, tokens = build_data(data_dir)
    with live_server(make_app(data_dir)) as url:
        yield {"url": url, "acme": acme, "tokens": tokens, "data_dir": data_dir}


@pytest.fixture
def alice(env):
    b = Browser(env["url"])
    assert b.login().status_code == 303
    yield b
    b.close()


@pytest.fixture
def anon(env):
    b = Browser(env["url"])
    yield b
    b.close()


# -- login, sessions, CSRF -------------------------------------------------------------------
def test_root_redirects_to_login_and_pages_need_a_session(anon):
    r = anon.get("/")
    assert r.status_code == 303 and r.headers["location"] == "/login"
    for page in PAGES:
        r = anon.get(page)
        assert r.status_code == 303, page
        target = urllib.parse.urlsplit(r.headers["location"])
        assert target.path == "/login"
        assert urllib.parse.parse_qs(target.query)["next"] == [page]


def test_password_login_sets_a_signed_httponly_cookie(anon):
    r = anon.login()
    assert r.status_code == 303 and r.headers["location"] == "/w/acme/"
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie
    value = cookie.split(";")[0].split("=", 1)[1]
    assert PASSWORD not in cookie and value.count(".") == 2  # itsdangerous: payload.time.sig
    assert anon.get("/w/acme/").status_code == 200


def test_wrong_password_and_unknown_user_are_refused_alike(anon):
    a = anon.login("alice", PASSWORD + "x")
    b = anon.login("mallory", PASSWORD)
    assert a.status_code == b.status_code == 401
    assert "Those credentials are not valid." in a.text and "Those credentials" in b.text
    assert anon.get("/w/acme/").status_code == 303


def test_token_login_sees_only_its_workspace(env, anon):
    r = anon.login_token(env["tokens"]["acme_viewer"])
    assert r.status_code == 303 and r.headers["location"] == "/w/acme/"
    assert env["tokens"]["acme_viewer"] not in r.headers["set-cookie"]
    assert anon.get("/w/acme/content").status_code == 200
    assert anon.get("/w/beta/").status_code == 404
    assert anon.login_token("elk_not-a-token").status_code == 401


def test_tampered_cookie_is_no_session(env, alice):
    value = alice.client.cookies.get("engagelens_session")
    alice.client.cookies.set(
        "engagelens_session", value[:-3] + ("AAA" if value[-3:] != "AAA" else "BBB")
    )
    assert alice.get("/w/acme/").status_code == 303


def test_posts_without_the_csrf_token_are_refused(env, alice):
    for path, data in [
        ("/logout", {}),
        ("/locale", {"locale": "fa"}),
        ("/w/acme/inbox/replied", {"platform": "instagram", "interaction_id": "xss-0"}),
    ]:
        for token in (None, "forged"):
            body = dict(data) if token is None else {**data, "csrf_token": token}
            r = alice.client.post(path, data=body)
            assert r.status_code == 403, (path, token)
            assert "<html" in r.text
    assert alice.get("/w/acme/").status_code == 200  # still logged in, still English
    assert 'lang="en"' in alice.get("/w/acme/").text


def test_login_form_itself_needs_csrf(anon):
    r = anon.client.post("/login", data={"username": "alice", "password": PASSWORD})
    assert r.status_code == 403
    assert anon.get("/w/acme/").status_code == 303


def test_logout_ends_the_session(alice):
    r = alice.post("/logout", {}, csrf_from="/w/acme/")
    assert r.status_code == 303 and r.headers["location"] == "/login"
    assert alice.get("/w/acme/").status_code == 303


@pytest.mark.parametrize(
    "target", ["//evil.example/", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"]
)
def test_login_never_redirects_off_site(anon, target):
    r = anon.post("/login", {"username": "alice", "password": PASSWORD, "next": target})
    # the default after login: alice's only workspace
    assert r.status_code == 303 and r.headers["location"] == "/w/acme/"


# -- pages, filters, languages ---------------------------------------------------------------
def test_every_page_renders_with_filters_and_security_headers(alice):
    for page in PAGES:
        r = alice.get(page)
        assert r.status_code == 200, (page, r.text[:500])
        assert "script-src 'self'" in r.headers["content-security-policy"]
        assert r.headers["cache-control"] == "no-store"
        html = r.text
        for field in ('id="filter-from"', 'id="filter-to"'):
            assert field in html, (page, field)
        if "/post" not in page:
            assert 'id="filter-platform"' in html and 'id="filter-account"' in html
        # no inline script: every <script> loads a file or carries JSON data
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert 'src="/static/dashboard/' in tag or 'type="application/json"' in tag, tag
        assert "cdn" not in html.lower()


def test_workspace_picker_lists_only_own_workspaces_escaped(alice):
    html = alice.get("/workspaces").text
    assert "/w/acme/" in html and "/w/beta/" not in html and "Beta" not in html
    assert "Acme &lt;b&gt;Brand&lt;/b&gt;" in html


def _interactions(
    acme, start: dt.date | None = None, end: dt.date | None = None, platform: str | None = None
) -> int:
    total = 0
    for post in acme.posts:
        day = post["created_at"].date()
        if (start and day < start) or (end and day > end):
            continue
        if platform and post["platform"] != platform:
            continue
        total += acme.counts(post)["interactions"]
    return total


def _shown_total(html: str) -> int:
    match = re.search(r'id="total-interactions">([^<]+)<', html)
    assert match, "no interactions total on the page"
    return int(re.sub(r"[^0-9]", "", match.group(1)))


def test_overview_date_range_and_platform_filter_change_the_figures(env, alice):
    acme = env["acme"]
    extra = len(XSS)  # the ingested hostile post's comments count as interactions
    # issue 15: own accounts are the default scope, so every account needs scope=all
    assert _shown_total(alice.get("/w/acme/?scope=all").text) == _interactions(acme) + extra
    html = alice.get("/w/acme/?from=2024-03-02&to=2024-03-04&scope=all").text
    assert _shown_total(html) == _interactions(acme, dt.date(2024, 3, 2), dt.date(2024, 3, 4))
    assert 'value="2024-03-02"' in html and 'value="2024-03-04"' in html
    html = alice.get("/w/acme/?platform=x&scope=all").text
    assert _shown_total(html) == _interactions(acme, platform="x")
    assert '<option value="x" dir="auto" selected>' in html


def _card(html: str, key: str) -> tuple[int, int | None, str]:
    """(value, previous value, direction) of one KPI card."""
    block = re.search(rf'id="kpi-{key}" data-direction="(\w+)">(.*?)</div>', html, re.S)
    assert block, f"no {key} card"
    value = re.search(r'class="value"[^>]*>([^<]+)<', block.group(2)).group(1)
    prev = re.search(r'class="previous-value">([^<]+)<', block.group(2))
    digits = lambda text: int(re.sub(r"[^0-9]", "", text))  # noqa: E731
    return digits(value), digits(prev.group(1)) if prev else None, block.group(1)


def test_scope_switch_defaults_to_own_accounts(env, alice):
    acme, extra = env["acme"], len(XSS)  # the hostile post is on the own instagram account
    html = alice.get("/w/acme/").text
    assert _shown_total(html) == _interactions(acme, platform="instagram") + extra
    assert 'id="scope-own" checked' in html
    assert re.search(r'id="scope-line"><span dir="auto">Scope: Own accounts</span>', html)
    competitors = alice.get("/w/acme/?scope=competitor").text
    assert _shown_total(competitors) == _interactions(acme, platform="x")
    assert "Scope: Competitors" in competitors
    # a chosen account is shown whoever owns it, and named in the scope line
    chosen = alice.get("/w/acme/?account=a_x").text
    assert _shown_total(chosen) == _interactions(acme, platform="x")
    assert "Scope: Accounts: a_x · x" in chosen
    # readable account names, grouped by ownership
    assert '<optgroup label="Own accounts">' in html and '<optgroup label="Competitors">' in html


def test_kpi_cards_compare_with_the_previous_period(env, alice):
    acme, extra = env["acme"], len(XSS)
    html = alice.get("/w/acme/?from=2024-03-05&to=2024-03-08").text
    # own posts 2024-03-05..08: i = 4, 6 and the hostile post; the 4 days before: i = 0, 2
    now = _interactions(acme, dt.date(2024, 3, 5), dt.date(2024, 3, 8), "instagram") + extra
    before = _interactions(acme, dt.date(2024, 3, 1), dt.date(2024, 3, 4), "instagram")
    value, previous, direction = _card(html, "interactions")
    assert (value, previous) == (now, before) and direction == ("up" if now > before else "down")
    assert _card(html, "posts")[:2] == (3, 2)
    change = round((now - before) / before * 100, 1)
    assert f"+{change:.1f}%" in html.split('id="kpi-interactions"')[1].split("</div>")[0]
    assert "Period: Mar 5, 2024 – Mar 8, 2024" in html
    assert "compared with Mar 1, 2024 – Mar 4, 2024" in html
    # all time: nothing to compare with, and the page says how to get a comparison
    html = alice.get("/w/acme/").text
    assert _card(html, "interactions")[1] is None and 'id="compare-hint"' in html


def test_invalid_range_is_reported_not_a_crash(alice):
    r = alice.get("/w/acme/?from=2024-03-09&to=2024-03-01")
    assert r.status_code == 200 and 'role="alert"' in r.text
    assert alice.get("/w/acme/content?from=not-a-date").status_code == 200


def test_content_sorts_searches_and_pages(env, alice):
    # issue 15: own accounts by default; these figures cover every account (scope=all)
    html = alice.get("/w/acme/content?sort=-interactions&scope=all").text
    links = re.findall(r'href="/w/acme/post\?p=([^&]+)&amp;id=([^"&]+)[&"]', html)
    counts = {p["content_id"]: env["acme"].counts(p)["interactions"] for p in env["acme"].posts}
    counts[XSS_POST] = len(XSS)  # one comment per payload
    expected = sorted(counts, key=lambda cid: -counts[cid])[:3]
    assert len(set(counts[c] for c in expected)) == 3  # no ties among the first three
    assert [cid for _, cid in links][:3] == expected
    asc = alice.get("/w/acme/content?sort=interactions&scope=all").text
    first = re.findall(r'href="/w/acme/post\?p=[^&]+&amp;id=([^"&]+)[&"]', asc)[0]
    assert first == "a0"  # one like
    found = alice.get("/w/acme/content?search=HYPERLINK&scope=all").text
    hits = re.findall(r'href="/w/acme/post\?p=[^&]+&amp;id=([^"&]+)[&"]', found)
    assert set(hits) == {p["content_id"] for p in env["acme"].posts if "HYPERLINK" in p["text"]}
    assert hits
    assert alice.get("/w/acme/content?sort=nonsense").status_code == 200
    spring = alice.get("/w/acme/content?campaign=spring&export=csv&table=posts&scope=all").text
    assert sorted(spring.splitlines()[1:]) and all(
        ",spring," in line for line in spring.splitlines()[1:]
    )
    assert len(spring.splitlines()) - 1 == sum(p["campaign"] == "spring" for p in env["acme"].posts)
    photos = alice.get(
        "/w/acme/content?kind=photo&scope=all"
    ).text  # only the ingested post is a photo
    assert re.findall(r'href="/w/acme/post\?p=[^&]+&amp;id=([^"&]+)[&"]', photos) == [XSS_POST]
    second = alice.get("/w/acme/content?sort=interactions&offset=10&scope=all").text
    assert len(re.findall(r'href="/w/acme/post\?p=', second)) == 3  # 13 posts, from the 11th
    assert "11–13 of 13" in second and 'rel="prev"' in second


def test_post_page_shows_comments_with_their_analysis_escaped(alice):
    html = alice.get(f"/w/acme/post?p=instagram&id={XSS_POST}").text
    for payload in XSS:
        if "<" in payload:
            assert payload not in html  # markup is never raw
    assert "&lt;script&gt;window.__xss = 1&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=&#34;window.__xss = 2&#34;&gt;" in html
    assert 'href="javascript:' not in html  # the post's javascript: URL is not a link
    assert html.count('class="label label-') >= len(XSS)  # sentiment and quality shown
    assert 'dir="auto"' in html
    assert alice.get("/w/acme/post?p=instagram&id=missing").status_code == 404
    # the date range applies to when comments were written (all on 2024-03-05)
    later = alice.get(f"/w/acme/post?p=instagram&id={XSS_POST}&from=2024-03-06").text
    assert "Nothing for these filters." in later and "attacker" not in later


@pytest.mark.parametrize(
    "locale,title,direction",
    [
        ("en", "Overview", "ltr"),
        ("vi", "Tổng quan", "ltr"),
        ("fa", "نمای کلی", "rtl"),
        ("zh", "概览", "ltr"),
    ],
)
def test_locale_switch_is_kept_in_the_session(alice, locale, title, direction):
    r = alice.post("/locale", {"locale": locale, "next": "/w/acme/content"}, csrf_from="/w/acme/")
    assert r.status_code == 303 and r.headers["location"] == "/w/acme/content"
    for page in PAGES:
        html = alice.get(page).text
        assert f'<html lang="{locale}" dir="{direction}">' in html, page
    html = alice.get("/w/acme/").text
    assert f"<h1>{title}</h1>" in html


def test_numbers_use_the_locale_digits(alice):
    alice.post("/locale", {"locale": "fa"}, csrf_from="/w/acme/")
    fa = alice.get("/w/acme/").text
    shown = re.search(r'id="total-interactions">([^<]+)<', fa).group(1)
    assert re.fullmatch(r"[۰-۹٬]+", shown), shown
    alice.post("/locale", {"locale": "vi"}, csrf_from="/w/acme/")
    vi = alice.get("/w/acme/?from=2024-03-01&to=2024-03-01").text
    assert "thg 3" in vi  # Babel's Vietnamese month abbreviation in the daily table


def test_accept_language_picks_the_first_language_without_a_session(anon):
    html = anon.get("/login", headers={"accept-language": "fa-IR,fa;q=0.9,en;q=0.5"}).text
    assert 'dir="rtl"' in html


# -- isolation -------------------------------------------------------------------------------
def test_no_page_or_export_of_another_workspace(env, alice):
    missing = alice.get("/w/nope/").text
    for page in [
        *PAGES,
        "/w/acme/?export=csv&table=daily",
        "/w/acme/content?export=xlsx&table=posts",
        "/w/acme/nonsense",
    ]:
        other = page.replace("/w/acme/", "/w/beta/")
        r = alice.get(other)
        assert r.status_code == 404, other
        assert r.text.replace("beta", "nope") == missing or "does not exist" in r.text
        assert "b_instagram" not in r.text and "post 0" not in r.text
    r = alice.post(
        "/w/beta/inbox/replied",
        {"platform": "x", "interaction_id": "b1-like-0"},
        csrf_from="/w/acme/",
    )
    assert r.status_code == 404


def test_a_beta_user_sees_nothing_of_acme(env):
    bob = Browser(env["url"])
    try:
        assert bob.login("bob").headers["location"] == "/w/beta/"
        assert bob.get("/w/beta/").status_code == 200
        for page in PAGES:
            assert bob.get(page).status_code == 404, page
    finally:
        bob.close()


# -- inbox -----------------------------------------------------------------------------------
def test_inbox_shows_why_and_only_analysts_mark_replied(env, alice):
    html = alice.get("/w/acme/inbox").text
    # every row says why it ranks where it does (label + points); the seeded comments hold
    # no real question since intent stopped reading any "?" (a formula's URL) as one
    assert re.search(r'<span class="chip">[^<]+ \+[0-9]', html), html
    victor = Browser(env["url"])
    try:
        victor.login("victor")
        assert "Mark replied" not in victor.get("/w/acme/inbox").text
        r = victor.post(
            "/w/acme/inbox/replied",
            {"platform": "instagram", "interaction_id": "xss-1"},
            csrf_from="/w/acme/inbox",
        )
        assert r.status_code == 403
    finally:
        victor.close()
    assert 'data-item="xss-1"' in alice.get("/w/acme/inbox").text
    r = alice.post(
        "/w/acme/inbox/replied",
        {
            "platform": "instagram",
            "interaction_id": "xss-1",
            "next": "/w/acme/inbox?platform=instagram",
        },
        csrf_from="/w/acme/inbox",
    )
    assert r.status_code == 303 and r.headers["location"] == "/w/acme/inbox?platform=instagram"
    assert 'data-item="xss-1"' not in alice.get("/w/acme/inbox").text
    r = alice.post(
        "/w/acme/inbox/replied",
        {"platform": "instagram", "interaction_id": "no-such-item"},
        csrf_from="/w/acme/inbox",
    )
    assert r.status_code == 404


# -- static files and the serve command ------------------------------------------------------
def test_plotly_is_served_from_the_installed_package(alice):
    from pathlib import Path

    import plotly

    r = alice.get("/static/dashboard/plotly.min.js")
    path = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    assert r.status_code == 200 and r.content == path.read_bytes()
    assert alice.get("/static/dashboard/dashboard.js").status_code == 200


def test_secrets_never_reach_the_server_logs_and_an_empty_workspace_renders(tmp_path, caplog):
    import contextlib
    import logging

    from engagelens.api import Control
    from engagelens.api.testing import live_server

    control = Control(tmp_path)
    control.create_workspace("empty")
    control.create_user("carol", PASSWORD)
    control.grant("carol", "empty", "viewer")
    token = control.create_token("empty", "viewer").token
    caplog.set_level(logging.DEBUG)
    # uvicorn's loggers do not propagate to the root: listen on them directly
    # (added once the server started: uvicorn's logging set-up replaces their handlers)
    loggers = [logging.getLogger(n) for n in ("uvicorn.access", "uvicorn.error")]
    with contextlib.ExitStack() as stack:
        url = stack.enter_context(
            live_server(make_app(tmp_path), log_level="debug", access_log=True)
        )
        for logger in loggers:
            logger.addHandler(caplog.handler)
        stack.callback(lambda: [lg.removeHandler(caplog.handler) for lg in loggers])
        b = Browser(url)
        try:
            assert b.login_token(token).status_code == 303
            assert b.login("carol").status_code == 303
            b.get(f"/login?token={token}&password=hunter22222")
            for page in ["/w/empty/", "/w/empty/content", "/w/empty/inbox"]:
                r = b.get(page)
                assert r.status_code == 200 and "Nothing for these filters." in r.text, page
            # no query yet: listening says what to do instead of drawing empty axes
            r = b.get("/w/empty/listening")
            assert r.status_code == 200 and 'id="listening-empty"' in r.text
            assert "No listening queries yet" in r.text and "data-chart=" not in r.text
            r = b.get("/w/empty/competitors")
            assert r.status_code == 200 and 'id="competitors-empty"' in r.text
        finally:
            b.close()
    server = [r for r in caplog.records if r.name.startswith(("uvicorn", "engagelens", "fastapi"))]
    text = "\n".join(r.getMessage() for r in server)
    assert "GET /w/empty/" in text  # the access log was on
    assert "GET /login?token=***" in text  # redacted, and the line still formatted
    assert token not in text and PASSWORD not in text and "hunter22222" not in text


def test_serve_command_builds_the_app_with_the_dashboard(tmp_path):
    """``engagelens serve`` runs ``create_app`` (it warms rollups too): / must go to login."""
    import httpx

    from engagelens.api import create_app
    from engagelens.api.testing import live_server

    app = create_app(tmp_path, settings={"warm_rollups": True})
    with live_server(app) as url:
        r = httpx.get(url + "/", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/login"
        assert "Log in" in httpx.get(url + "/login").text
        assert httpx.get(url + "/api/v1/nope").headers["content-type"] == "application/json"
