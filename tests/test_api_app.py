"""The app factory's contract with the dashboard: ``engagelens.web.routes.router`` is included
and ``install(app)`` is called when that module exists (and nothing breaks when it does not);
the dashboard may adjust the CSP; ``warm_rollups`` builds rollups at start-up."""

from __future__ import annotations

import sys
import types

import httpx
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from test_api_support import seed_rows, write_store


def _fake_web_module(calls: list[str]) -> types.ModuleType:
    web = types.ModuleType("engagelens.web.routes")
    router = APIRouter()

    @router.get("/", response_class=HTMLResponse)
    def home(request: Request) -> str:
        state = request.app.state.engagelens  # the shared ApiState
        return f"<p>{len(state.control.workspaces())} workspaces</p>"

    def install(app) -> None:
        calls.append("install")
        app.state.content_security_policy += "; worker-src 'self'"

    web.router, web.install = router, install
    return web


def test_dashboard_router_and_install_hook_are_used(tmp_path, monkeypatch):
    from engagelens.api import Control, create_app
    from engagelens.api.testing import live_server

    Control(tmp_path).create_workspace("acme")
    calls: list[str] = []
    monkeypatch.setitem(sys.modules, "engagelens.web.routes", _fake_web_module(calls))
    app = create_app(tmp_path)
    assert calls == ["install"]
    with live_server(app) as url:
        r = httpx.get(url + "/")
        assert r.text == "<p>1 workspaces</p>"
        assert r.headers["content-security-policy"].endswith("; worker-src 'self'")
        api = httpx.get(url + "/api/v1/health")
        assert "worker-src 'self'" in api.headers["content-security-policy"]


def test_app_works_without_a_dashboard(tmp_path, monkeypatch):
    from engagelens.api import app as app_module
    from engagelens.api import create_app

    monkeypatch.setattr(app_module, "WEB_MODULE", "engagelens.web.no_such_module")
    app = create_app(tmp_path)
    assert all(getattr(r, "path", "/api") != "/" for r in app.routes)


def test_warm_rollups_builds_every_workspace_at_start(tmp_path):
    from engagelens.api import Control, create_app
    from engagelens.api.testing import live_server

    control = Control(tmp_path)
    for slug in ("acme", "beta"):
        control.create_workspace(slug)
        write_store(control.workspace_path(slug), seed_rows(slug[0], 3))
    app = create_app(tmp_path, settings={"warm_rollups": True})
    with live_server(app):
        state = app.state.engagelens
        state.warming.join(60)
        for slug in ("acme", "beta"):
            ws = state.workspaces.get(slug)
            version, frame = ws.derived["post_rollup"]
            assert version == ws.data_version and frame.height == 3


def test_secret_key_is_generated_once_per_data_folder(tmp_path):
    import stat

    from engagelens.api import create_app

    first = create_app(tmp_path).state.engagelens.secret_key
    again = create_app(tmp_path).state.engagelens.secret_key
    assert first == again and len(first) >= 48
    assert stat.S_IMODE((tmp_path / "secret_key").stat().st_mode) == 0o600
    configured = create_app(tmp_path, settings={"secret_key": "from-settings"})
    assert configured.state.engagelens.secret_key == "from-settings"
