"""The collector's HTTP endpoints (mounted by ``create_app``; ``engagelens collect`` serves
them alone). Both answer ``202`` once the request is in the durable spool."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import JSONResponse

from engagelens.api.auth import require_role, state_of
from engagelens.api.errors import InvalidParameter
from engagelens.api.params import choice
from engagelens.api.workspaces import Workspace
from engagelens.errors import NotFound
from engagelens.model.tables import all_tables

from .signing import SIGNATURE_HEADER, verify

router = APIRouter(tags=["collect"])
#: signed deliveries authenticate by HMAC, not by token: outside ``/api/v1``, whose routes all
#: take a token and a role (``tests/test_api.py`` checks that for every route)
webhook_router = APIRouter(tags=["collect"])
WEBHOOK_PREFIX = "/collect/v1"
MAX_EVENTS = 10_000

Entity = Annotated[str, Path(max_length=40, description="target table, e.g. mention")]


def entities() -> tuple[str, ...]:
    return tuple(t.name for t in all_tables() if getattr(t, "ingestible", True))


def _records(body: bytes) -> list[dict[str, Any]]:
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        raise InvalidParameter("the body is not JSON") from None
    if isinstance(data, dict) and isinstance(data.get("events"), list):
        data = data["events"]
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise InvalidParameter('send a JSON list of records or {"events": [...]}')
    if not data or len(data) > MAX_EVENTS:
        raise InvalidParameter(f"send 1 to {MAX_EVENTS} events per request")
    return data


def _accept(request: Request, slug: str, entity: str, body: bytes) -> JSONResponse:
    choice(entity, entities(), "entity")
    records = _records(body)
    spool = request.app.state.engagelens_spool
    request_id = spool.put(slug, entity, records)
    return JSONResponse({"id": request_id, "accepted": len(records)}, status_code=202)


@router.post(
    "/workspaces/{workspace}/events/{entity}",
    status_code=202,
    summary="Queue a batch of JSON events (API token, analyst); stored within seconds",
)
async def events(
    request: Request, entity: Entity, ws: Workspace = Depends(require_role("analyst"))
) -> JSONResponse:
    return _accept(request, ws.slug, entity, await request.body())


@webhook_router.post(
    "/workspaces/{workspace}/webhook/{entity}",
    status_code=202,
    include_in_schema=False,  # the published schema is the token API under /api/v1
    summary=f"Queue a signed webhook delivery ({SIGNATURE_HEADER}: t=…,v1=HMAC-SHA256)",
)
async def webhook(request: Request, workspace: Entity, entity: Entity) -> JSONResponse:
    state = state_of(request)
    body = await request.body()
    verify(
        str(state.settings.get("collect_webhook_secret") or ""),
        request.headers.get(SIGNATURE_HEADER),
        body,
        window_s=float(state.settings.get("collect_replay_window_s") or 300),
    )
    if not state.workspaces.exists(workspace):
        raise NotFound(f"no workspace {workspace!r}")
    return _accept(request, workspace, entity, body)


@router.get(
    "/workspaces/{workspace}/events/{entity}/{request_id}",
    summary="Whether a queued request is stored yet",
)
def event_status(
    entity: Entity,
    request_id: Annotated[str, Path(max_length=40, pattern=r"^[0-9]{20}-[0-9]{8}$")],
    request: Request,
    ws: Workspace = Depends(require_role("analyst")),
) -> dict[str, Any]:
    spool = request.app.state.engagelens_spool
    waiting = (spool.root / ws.slug / f"{request_id}.{entity}.json").exists()
    return {"id": request_id, "state": "queued" if waiting else "stored"}


__all__ = ["MAX_EVENTS", "WEBHOOK_PREFIX", "entities", "router", "webhook_router"]
