"""The dashboard's overview: headline figures, the daily series, best and worst posts
against their baseline — served from the post rollup (see :mod:`engagelens.metrics.rollup`)."""

from __future__ import annotations

import logging
import threading
from typing import Any

from fastapi import APIRouter, Depends, Request, Response

from engagelens.api import daily
from engagelens.api.auth import require_role, state_of
from engagelens.api.cache import MISSING
from engagelens.api.params import FilterParams, Top
from engagelens.api.responses import JSONBytes, cached_json
from engagelens.api.workspaces import Workspace
from engagelens.metrics import rollup

router = APIRouter(tags=["overview"])
log = logging.getLogger("engagelens.api")


def rollup_of(ws: Workspace, settings: dict[str, Any]) -> Any:
    """The workspace's post rollup for its current data version (built once)."""
    return ws.derive("post_rollup", lambda store: rollup.build(store, settings))


def post_rollup(request: Request, ws: Workspace) -> Any:
    return rollup_of(ws, state_of(request).settings)


def warm_in_background(ws: Workspace, settings: dict[str, Any]) -> threading.Thread:
    """Build the rollup now, off the request path (after an ingest or at start-up), so the
    next dashboard request does not wait for it."""

    def run() -> None:
        try:
            rollup_of(ws, settings)
        except Exception:  # noqa: BLE001 - the next request will raise it properly
            log.warning("warming the post rollup of %s failed", ws.slug, exc_info=True)

    thread = threading.Thread(target=run, name=f"warm-{ws.slug}", daemon=True)
    thread.start()
    return thread


@router.get(
    "/workspaces/{workspace}/overview",
    response_class=JSONBytes,
    summary="Headline figures, daily series, top and bottom posts vs baseline",
)
async def overview(
    request: Request,
    top: Top = 5,
    ws: Workspace = Depends(require_role("viewer")),
    params: FilterParams = Depends(),
) -> Response:
    state = state_of(request)
    version = ws.data_version
    key = (ws.slug, "overview", params.key(), top, version)
    head = {"workspace": ws.slug, "data_version": version, "filters": params.to_dict()}
    f = params.filters
    timezone = str(state.settings.get("timezone") or "UTC")
    dims = (ws.slug, (f.platforms, f.accounts, f.campaigns, f.content_kinds, f.ownership), version)
    index = state.day_indexes.peek(dims)
    if index is not MISSING and index.complete and state.cache.peek(key) is MISSING:
        # a ready day index answers in about a millisecond: on the event loop, no thread hop
        body = daily.answer(index, f, top=top, head=head)
        return JSONBytes(state.cache.get_or_compute(key, lambda: body))

    def run() -> dict[str, Any] | bytes:
        frame = post_rollup(request, ws)
        built = state.day_indexes.get_or_compute(dims, lambda: daily.build(frame, f, timezone))
        if built.complete:
            return daily.answer(built, f, top=top, head=head)
        return {**head, **rollup.overview(frame, f, top=top)}  # posts without a publish time

    return await cached_json(state.cache, key, run)
