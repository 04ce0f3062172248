"""The application factory: ``create_app(data_dir)`` → a FastAPI app serving the REST API
under ``/api/v1`` (reference at ``/docs``, spec at ``/openapi.json``) and, when
``engagelens.web`` is installed, the dashboard.

The dashboard plugs in by convention: if ``engagelens.web.routes`` imports, its ``router`` is
included and its ``install(app)`` (optional) is called last, e.g. to mount static files or
adjust ``app.state.content_security_policy``. Both share ``app.state.engagelens``
(:class:`~engagelens.api.state.ApiState`).
"""

from __future__ import annotations

import contextlib
import importlib
import os
import threading
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.responses import HTMLResponse

from engagelens import __version__
from engagelens import settings as settings_mod

from . import errors
from .auth import TokenCache
from .control import Control
from .ratelimit import RateLimiter
from .routers import routers
from .security import CONTENT_SECURITY_POLICY, SecurityMiddleware, install_log_redaction
from .state import ApiState
from .workspaces import Workspaces

API_PREFIX = "/api/v1"
WEB_MODULE = "engagelens.web.routes"

DESCRIPTION = (
    "EngageLens REST API: workspaces, ingest, batches and quarantine, registry "
    "metrics at any grain, content, interactions, overview, listening and inbox. "
    "Every workspace route answers 404 for workspaces the token cannot see."
)


def resolve_settings(settings: dict[str, Any] | None) -> dict[str, Any]:
    """Registry settings (defaults < file < env < ``settings``); unknown keys are kept for
    the dashboard's own use."""
    settings = dict(settings or {})
    known = {s.name for s in settings_mod.SETTINGS}
    resolved = settings_mod.load(**{k: v for k, v in settings.items() if k in known})
    resolved.update({k: v for k, v in settings.items() if k not in known})
    return resolved


def _web_module() -> Any | None:
    try:
        return importlib.import_module(WEB_MODULE)
    except ModuleNotFoundError as exc:
        if exc.name and WEB_MODULE.startswith(exc.name):
            return None
        raise


def _warm_all(state: ApiState) -> None:
    """Open every workspace and build its post rollup (``engagelens serve`` does this at
    start-up so the first dashboard visit is not the one that waits)."""
    from .routers.overview import warm_in_background

    for row in state.control.workspaces():
        try:
            warm_in_background(state.workspaces.get(row["slug"]), state.settings).join()
        except Exception:  # noqa: BLE001 - a broken workspace must not stop the server
            errors.log.warning("could not open workspace %s", row["slug"], exc_info=True)


def create_app(
    data_dir: str | os.PathLike[str],
    *,
    settings: dict[str, Any] | None = None,
    collector_only: bool = False,
) -> FastAPI:
    """The API (and dashboard) over the workspaces in ``data_dir``.

    ``settings`` overrides registry settings (e.g. ``api_rate_limit_per_minute``,
    ``api_max_upload_bytes``); ``token_cache_ttl_s`` sets how long a token lookup is reused;
    ``warm_rollups=True`` builds every workspace's post rollup in the background at start-up.
    ``collector_only`` serves only health and the collector (``engagelens collect``).
    """
    from engagelens.collect import Spool
    from engagelens.collect import routes as collect_routes
    from engagelens.collect.worker import Worker

    resolved = resolve_settings(settings)
    control = Control(Path(data_dir))
    control.data_dir.mkdir(parents=True, exist_ok=True)
    with control.open():  # creates / migrates the control database once, now
        pass
    state = ApiState(
        control=control,
        workspaces=Workspaces(control),
        settings=resolved,
        limiter=RateLimiter(int(resolved["api_rate_limit_per_minute"])),
        tokens=TokenCache(float(resolved.get("token_cache_ttl_s", 10.0))),
    )
    install_log_redaction()
    spool = Spool(control.data_dir / "collect", int(resolved["collect_max_pending"]))
    worker = Worker(spool, state.workspaces)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if resolved.get("warm_rollups"):
            state.warming = threading.Thread(
                target=_warm_all, args=(state,), name="warm-rollups", daemon=True
            )
            state.warming.start()
        worker.start()
        yield
        worker.stop()
        state.close()

    app = FastAPI(
        title="EngageLens API",
        version=__version__,
        description=DESCRIPTION,
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
        lifespan=lifespan,
    )
    app.state.engagelens = state
    app.state.engagelens_spool = spool
    app.state.engagelens_collector = worker
    app.state.content_security_policy = CONTENT_SECURITY_POLICY
    errors.install(app)
    for router in routers():
        if not collector_only or router.tags == ["system"]:
            app.include_router(router, prefix=API_PREFIX)
    app.include_router(collect_routes.router, prefix=API_PREFIX)
    app.include_router(collect_routes.webhook_router, prefix=collect_routes.WEBHOOK_PREFIX)

    @app.get("/docs", include_in_schema=False, response_class=HTMLResponse)
    def docs() -> HTMLResponse:
        from .docs_page import render

        return HTMLResponse(render(app.openapi()))

    web = None if collector_only else _web_module()
    if web is not None:
        if hasattr(web, "router"):
            app.include_router(web.router)
        if hasattr(web, "install"):
            web.install(app)
        # a dashboard session counts as credentials for the body limit (security.py)
        web_auth = importlib.import_module("engagelens.web.auth")
        app.state.session_check = web_auth.principal_of
    app.add_middleware(
        SecurityMiddleware,
        max_upload_bytes=state.max_upload_bytes,
        state=app.state,
        anonymous_body_bytes=int(resolved["api_unauthenticated_body_bytes"]),
        hsts_max_age_s=int(resolved["hsts_max_age_s"]),
    )
    return app


__all__ = sorted(["API_PREFIX", "create_app", "resolve_settings"])
