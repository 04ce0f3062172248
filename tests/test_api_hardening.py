"""Server hardening of issue 17 (items 5–7): parameter ranges, a busy store, sessions and
tokens that end, deployment settings, secret files, body limits before auth, token floods,
and access logs that survive redaction. Real servers, real DuckDB files, Uvicorn's own
formatters; nothing mocked."""

from __future__ import annotations

import logging

import httpx
import pytest
from fastapi import Request

from engagelens.api import API_PREFIX
from test_api_support import seed_rows, upload_csv, write_store


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


# -- sessions, tokens and secrets -----------------------------------------------------------
def test_garbage_token_floods_never_open_the_control_database(server):
    control, client, _, app = server
    index = app.state.engagelens.tokens
    assert client.get("/me").status_code == 200
    loads = index.loads
    opened = []
    real_open = control.open

    def counting_open(*a, **kw):
        opened.append(1)
        return real_open(*a, **kw)

    state_control = app.state.engagelens.control
    state_control.open = counting_open  # counts opens by the server's own Control
    try:
        for i in range(200):
            r = client.get("/me", headers={"Authorization": f"Bearer elk_garbage_{i:04d}_x"})
            assert r.status_code == 401
    finally:
        del state_control.open
    assert opened == [] and index.loads == loads
    # a token created by another process counts from the next request on (the file changed)
    new = control.create_token("acme", "viewer", "fresh").token
    assert client.get("/me", headers={"Authorization": f"Bearer {new}"}).status_code == 200
    assert index.loads == loads + 1


def test_control_files_are_owner_only(server):
    control, *_ = server
    assert control.path.stat().st_mode & 0o777 == 0o600
    assert control.data_dir.stat().st_mode & 0o777 == 0o700
    assert (control.data_dir / "secret_key").exists() is False or (
        (control.data_dir / "secret_key").stat().st_mode & 0o777 == 0o600
    )


# -- body limits before authentication ------------------------------------------------------
def test_anonymous_bodies_get_the_small_limit_before_anything_is_parsed(server):
    _, client, _, _ = server
    body = b"platform,interaction_id\n" + b"x,y\n" * 40_000  # 160 KB > 64 KiB, < upload limit
    files = {"file": ("big.csv", body)}
    anonymous = client.post("/workspaces/acme/ingest", files=files, headers={"Authorization": ""})
    assert anonymous.status_code == 413, anonymous.text
    wrong = client.post(
        "/workspaces/acme/ingest", files=files, headers={"Authorization": "Bearer elk_nope_nope"}
    )
    assert wrong.status_code == 413
    login = client.post(
        "/../login",
        data={"username": "x" * 100_000, "password": "y"},
        headers={"Authorization": ""},
    )
    assert login.status_code == 413
    # the same body with a valid token is read in full and reaches the route
    ok = client.post(
        "/workspaces/acme/ingest",
        files=files,
        params={"source": "canonical", "entity": "interaction"},
    )
    assert ok.status_code != 413, ok.text


# -- proxy headers, HSTS, serve options -----------------------------------------------------
def test_behind_a_trusted_proxy_https_gets_hsts_and_the_real_client_ip(tmp_path):
    from engagelens.api import Control, create_app
    from engagelens.api.testing import live_server
    from engagelens.cli.serve_cmds import uvicorn_options

    Control(tmp_path).create_workspace("acme")
    app = create_app(tmp_path, settings={"api_rate_limit_per_minute": 0})
    options = uvicorn_options(
        host="127.0.0.1", port=0, proxy_headers=True, forwarded_allow_ips="127.0.0.1"
    )
    kw = {k: options[k] for k in ("proxy_headers", "forwarded_allow_ips")}
    seen: list[str] = []

    @app.get("/_client_ip", include_in_schema=False)
    def client_ip(request: Request) -> dict[str, str]:
        seen.append(request.client.host)
        return {"scheme": request.url.scheme}

    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    with live_server(app, **kw) as url:
        r = httpx.get(url + "/_client_ip", headers=forwarded)
        plain = httpx.get(url + API_PREFIX + "/health")
    assert r.json() == {"scheme": "https"} and seen == ["203.0.113.9"]
    assert r.headers["strict-transport-security"] == "max-age=31536000; includeSubDomains"
    assert "strict-transport-security" not in plain.headers
    # without --proxy-headers (serve's default) the same headers are not believed
    default = uvicorn_options(host="127.0.0.1", port=0)
    with live_server(app, **{k: default[k] for k in kw}) as url:
        r = httpx.get(url + "/_client_ip", headers=forwarded)
    assert r.json() == {"scheme": "http"} and seen[-1] == "127.0.0.1"
    assert "strict-transport-security" not in r.headers


def test_serve_options_refuse_half_a_tls_setup(tmp_path):
    from engagelens.cli.serve_cmds import uvicorn_options
    from engagelens.errors import ConfigError

    with pytest.raises(ConfigError, match="go together"):
        uvicorn_options(host="h", port=1, ssl_certfile=str(tmp_path / "c.pem"))
    with pytest.raises(ConfigError, match="no file"):
        uvicorn_options(host="h", port=1, ssl_certfile="/nope.pem", ssl_keyfile="/nope.key")
    assert uvicorn_options(host="h", port=1)["forwarded_allow_ips"] is None


# -- upload retention -----------------------------------------------------------------------
def test_upload_retention_prunes_old_upload_folders(tmp_path):
    import os

    from engagelens.api.routers.ingest import prune_uploads

    now = 1_800_000_000.0
    for name, age_days in (("old", 31), ("new", 29)):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "f.csv").write_text("x")
        os.utime(folder, (now - age_days * 86400, now - age_days * 86400))
    assert prune_uploads(tmp_path, -1, now=now) == 0
    assert prune_uploads(tmp_path, 30, now=now) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new"]


def test_retention_zero_keeps_no_upload_and_a_refused_upload_leaves_nothing(tmp_path):
    from engagelens.api import Control, create_app
    from engagelens.api.testing import live_server

    control = Control(tmp_path)
    control.create_workspace("acme")
    token = control.create_token("acme", "analyst").token
    app = create_app(
        tmp_path, settings={"api_rate_limit_per_minute": 0, "upload_retention_days": 0}
    )
    with live_server(app) as url:
        headers = {"Authorization": f"Bearer {token}"}
        r = httpx.post(
            f"{url}{API_PREFIX}/workspaces/acme/ingest",
            params={"source": "canonical", "entity": "interaction"},
            files={"file": ("i.csv", upload_csv("c1"))},
            headers=headers,
            timeout=60,
        )
        assert r.status_code == 201 and r.json()["rows_stored"] == 2
        bad = httpx.post(
            f"{url}{API_PREFIX}/workspaces/acme/ingest",
            params={"source": "canonical", "entity": "no_such_table"},
            files={"file": ("i.csv", upload_csv("c1"))},
            headers=headers,
            timeout=60,
        )
        assert bad.status_code >= 400
    assert list((tmp_path / "uploads" / "acme").iterdir()) == []
