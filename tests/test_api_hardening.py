"""Server hardening of issue 17 (items 5–7): parameter ranges, a busy store, sessions and
tokens that end, deployment settings, secret files, body limits before auth, token floods,
and access logs that survive redaction. Real servers, real DuckDB files, Uvicorn's own
formatters; nothing mocked."""

from __future__ import annotations

import logging

import httpx
import pytest

from engagelens.api import API_PREFIX
from test_api_support import seed_rows, write_store


def _access_record(path: str) -> logging.LogRecord:
    """A record shaped exactly like Uvicorn's access log call (``h11_impl``/``httptools_impl``)."""
    return logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", path, "1.1", 200),
        None,
    )


def test_redacted_access_lines_still_format_with_uvicorns_formatter():
    from uvicorn.logging import AccessFormatter

    from engagelens.api.security import RedactSecrets

    secret = "elk_" + "a1b2c3d4" * 4
    record = _access_record(f"{API_PREFIX}/me?token={secret}&q=ok")
    assert RedactSecrets().filter(record)
    line = AccessFormatter(fmt="%(client_addr)s %(request_line)s %(status_code)s").format(record)
    assert secret not in line
    assert line == f"127.0.0.1:5000 GET {API_PREFIX}/me?token=***&q=ok HTTP/1.1 200 OK"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A live server over one seeded workspace, an admin token and a viewer token."""
    from engagelens.api import Control, create_app
    from engagelens.api.testing import live_server

    data_dir = tmp_path_factory.mktemp("hardening")
    control = Control(data_dir)
    control.create_workspace("acme")
    write_store(control.workspace_path("acme"), seed_rows("a", 6))
    tokens = {
        "admin": control.create_token("acme", "admin").token,
        "viewer": control.create_token("acme", "viewer").token,
    }
    app = create_app(data_dir, settings={"api_rate_limit_per_minute": 0})
    with live_server(app) as url, httpx.Client(base_url=url + API_PREFIX, timeout=30) as client:
        client.headers["Authorization"] = f"Bearer {tokens['admin']}"
        yield control, client, tokens, app


@pytest.mark.parametrize(
    "params",
    [
        {"from": "9999-12-31T23:59:59+14:00"},
        {"to": "9999-12-31"},
        {"from": "0001-01-01T00:00:00-12:00"},
        {"from": "1899-12-31"},
        {"to": "2200-01-02T00:00:00"},
    ],
)
@pytest.mark.parametrize("route", ["/overview", "/content", "/interactions", "/inbox"])
def test_dates_outside_the_window_are_422_and_the_connection_lives(server, route, params):
    _, client, _, _ = server
    r = client.get("/workspaces/acme" + route, params=params)
    assert r.status_code == 422, r.text[:300]
    assert r.json()["error"]["code"] == "invalid_parameter"
    assert "1900-01-01" in r.json()["error"]["message"]
    # the same keep-alive connection still answers
    assert client.get("/workspaces/acme/overview", params={"from": "2024-01-01"}).status_code == 200


def test_the_window_edges_are_accepted(server):
    _, client, _, _ = server
    r = client.get("/workspaces/acme/overview", params={"from": "1900-01-01", "to": "2199-12-31"})
    assert r.status_code == 200, r.text[:300]
    assert r.json()["filters"]["to"] == "2200-01-01T00:00:00"


def test_choices_and_limits_share_one_error_shape(server):
    _, client, _, _ = server
    bad_sort = client.get("/workspaces/acme/content", params={"sort": "nope"})
    assert bad_sort.status_code == 422 and "sort must be one of" in bad_sort.text
    bad_kind = client.get("/workspaces/acme/interactions", params={"kind": "comment,nope"})
    assert bad_kind.status_code == 422 and "'nope'" in bad_kind.json()["error"]["message"]
    for route, params in [
        ("/workspaces/acme/content", {"limit": 501}),
        ("/workspaces/acme/content", {"offset": -1}),
        ("/workspaces/acme/overview", {"top": 51}),
        ("/workspaces/acme/metrics/interactions", {"limit": 5001}),
    ]:
        r = client.get(route, params=params)
        assert r.status_code == 422 and r.json()["error"]["code"] == "validation", (
            route,
            r.text[:300],
        )
