"""The listening and alerts pages' forms over a real HTTP server: CSRF on every POST, the
analyst role for saving, removing and running rules, a bad query kept in the form with its
error, the live-preview JSON, and a saved query's figures on the page at once (the cache key
sees the edit)."""

from __future__ import annotations

import re

import pytest

from test_web_support import Browser, build_data, make_app

FORMS = [
    ("/w/acme/listening/draft", {"name": "n", "query": "acme"}),
    ("/w/acme/listening/queries", {"name": "n", "query": "acme"}),
    ("/w/acme/listening/queries/remove", {"name": "acme"}),
    ("/w/acme/alerts/rules", {"name": "r", "kind": "spike"}),
    ("/w/acme/alerts/rules/remove", {"name": "r"}),
    ("/w/acme/alerts/run", {}),
]


@pytest.fixture(scope="module")
def url(tmp_path_factory):
    from engagelens.api.testing import live_server

    data_dir = tmp_path_factory.mktemp("web-listening")
    build_data(data_dir)
    with live_server(make_app(data_dir)) as u:
        yield u


@pytest.fixture
def alice(url):
    b = Browser(url)
    assert b.login().status_code == 303
    yield b
    b.close()


def test_every_listening_form_needs_the_csrf_token(alice):
    for path, data in FORMS:
        for token in (None, "forged"):
            body = dict(data) if token is None else {**data, "csrf_token": token}
            assert alice.client.post(path, data=body).status_code == 403, (path, token)
    assert "acme" in alice.get("/w/acme/listening").text  # nothing was removed


def test_viewers_may_test_but_not_save_or_remove(url):
    victor = Browser(url)
    try:
        victor.login("victor")
        page = victor.get("/w/acme/listening").text
        assert 'id="query-test"' in page and 'id="query-save"' not in page
        assert "data-remove=" not in page
        r = victor.post("/w/acme/listening/draft", {"query": "love"}, csrf_from="/w/acme/listening")
        assert r.status_code == 200 and "3 of 5 stored mentions match this query." in r.text
        for path, data in FORMS[1:]:
            r = victor.post(path, data, csrf_from="/w/acme/listening")
            assert r.status_code == 403, path
        assert 'id="rule-form"' not in victor.get("/w/acme/alerts").text
    finally:
        victor.close()


def test_a_bad_query_comes_back_in_the_form(alice):
    r = alice.post(
        "/w/acme/listening/queries",
        {"name": "broken", "query": '"acme <b>', "kind": "brand"},
        csrf_from="/w/acme/listening",
    )
    assert r.status_code == 400
    assert 'id="query-error"' in r.text and "column" in r.text
    assert 'value="&#34;acme &lt;b&gt;"' in r.text  # kept, escaped
    r = alice.post(
        "/w/acme/listening/queries", {"name": " ", "query": "x"}, csrf_from="/w/acme/listening"
    )
    assert r.status_code == 400 and "Give the query a name" in r.text
    assert "broken" not in alice.get("/w/acme/listening").text


def test_live_preview_json_is_written_in_the_page_language(alice):
    body = alice.get("/w/acme/listening/test", params={"query": "news"}).json()
    assert body["summary"] == "2 of 5 stored mentions match this query."
    assert [r["text"] for r in body["rows"]] == ["other brand news"] * 2
    assert alice.get("/w/acme/listening/test", params={"query": ""}).json()["rows"] == []
    assert "column" in alice.get("/w/acme/listening/test", params={"query": "("}).json()["error"]
    alice.post("/locale", {"locale": "fa"}, csrf_from="/w/acme/")
    body = alice.get("/w/acme/listening/test", params={"query": "news"}).json()
    assert body["summary"].startswith("۲ از ۵")


def test_save_edit_and_remove_show_at_once(alice):
    before = alice.get("/w/acme/listening").text  # cached now
    assert 'data-edit="rival"' not in before
    r = alice.post(
        "/w/acme/listening/queries",
        {"name": "rival", "query": "news", "kind": "competitor"},
        csrf_from="/w/acme/listening",
    )
    assert r.status_code == 303 and r.headers["location"] == "/w/acme/listening?saved=rival"
    page = alice.get(r.headers["location"]).text
    assert 'data-edit="rival"' in page and 'id="saved-notice"' in page
    # acme 3 mentions, rival 2: shares of voice 60 % and 40 %
    assert "60.00%" in page and "40.00%" in page
    r = alice.post(
        "/w/acme/listening/queries/remove", {"name": "rival"}, csrf_from="/w/acme/listening"
    )
    assert r.status_code == 303
    page = alice.get("/w/acme/listening").text
    assert 'data-edit="rival"' not in page and "100.00%" in page
    r = alice.post(
        "/w/acme/listening/queries/remove", {"name": "rival"}, csrf_from="/w/acme/listening"
    )
    assert r.status_code == 404


def test_quick_ranges_use_persian_digits_on_the_persian_page(url):
    b = Browser(url)
    try:
        b.login()
        b.post("/locale", {"locale": "fa"}, csrf_from="/w/acme/")
        html = b.get("/w/acme/mentions").text
        links = re.findall(r'data-range="(\d+)">([^<]+)</a>', html)
        assert [days for days, _ in links] == ["7", "30", "90"]
        assert [text.split()[0] for _, text in links] == ["۷", "۳۰", "۹۰"]
    finally:
        b.close()
