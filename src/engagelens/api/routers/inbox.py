"""The inbox (unanswered inbound items ranked by priority, one item with its score breakdown,
and the actions on them) and the weekly goals report, over HTTP: the same library calls as
``engagelens inbox list|show|mark-replied|assign`` and ``engagelens goals report``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from engagelens.api.auth import Principal, current_principal, require_role, state_of
from engagelens.api.listing import jsonable
from engagelens.api.params import FilterParams, Id, Limit
from engagelens.api.workspaces import Workspace
from engagelens.engage import goals as goals_lib
from engagelens.engage import inbox as inbox_lib

router = APIRouter(tags=["inbox"])


class Assignment(BaseModel):
    assignee: str = Field(min_length=1, max_length=100)


@router.get("/workspaces/{workspace}/inbox", summary="Open inbound items, highest priority first")
def inbox(
    request: Request,
    assignee: Annotated[str | None, Query(max_length=100)] = None,
    limit: Limit = 50,
    ws: Workspace = Depends(require_role("viewer")),
    params: FilterParams = Depends(),
) -> dict[str, Any]:
    settings = state_of(request).settings
    with ws.session() as store:
        items = inbox_lib.inbox(
            store, filters=params.filters, assignee=assignee, limit=limit, settings=settings
        )
    return {"items": [jsonable(i.to_dict()) for i in items]}


@router.get(
    "/workspaces/{workspace}/inbox/{platform}/{interaction_id}",
    summary="One open item with its score breakdown and signals",
)
def inbox_item(
    request: Request,
    platform: Id,
    interaction_id: Id,
    ws: Workspace = Depends(require_role("viewer")),
) -> dict[str, Any]:
    settings = state_of(request).settings
    with ws.session() as store:
        item = inbox_lib.find(store, interaction_id, platform, settings=settings)
    return jsonable(item.to_dict())


@router.post(
    "/workspaces/{workspace}/inbox/{platform}/{interaction_id}/replied",
    summary="Mark an item answered (it leaves the inbox)",
)
def mark_replied(
    platform: Id,
    interaction_id: Id,
    principal: Principal = Depends(current_principal),
    ws: Workspace = Depends(require_role("analyst")),
) -> dict[str, Any]:
    with ws.session() as store:
        inbox_lib.mark_replied(store, platform, interaction_id, by_user=principal.id)
    ws.bump()
    return {"platform": platform, "interaction_id": interaction_id, "action": "mark_replied"}


@router.post(
    "/workspaces/{workspace}/inbox/{platform}/{interaction_id}/assign",
    summary="Assign an item to an agent",
)
def assign(
    platform: Id,
    interaction_id: Id,
    body: Assignment,
    principal: Principal = Depends(current_principal),
    ws: Workspace = Depends(require_role("analyst")),
) -> dict[str, Any]:
    with ws.session() as store:
        inbox_lib.assign(store, platform, interaction_id, body.assignee, by_user=principal.id)
    ws.bump()
    return {
        "platform": platform,
        "interaction_id": interaction_id,
        "action": "assign",
        "assignee": body.assignee,
    }


@router.get(
    "/workspaces/{workspace}/goals",
    summary="Weekly attainment of the reply-rate and reply-time goals",
)
def goals(
    request: Request,
    ws: Workspace = Depends(require_role("viewer")),
    params: FilterParams = Depends(),
) -> dict[str, Any]:
    settings = state_of(request).settings
    with ws.session() as store:
        weeks = goals_lib.weekly_report(store, filters=params.filters, settings=settings)
    return {
        "reply_rate_goal": float(settings.get("reply_rate_goal") or 0.0),
        "reply_target_minutes": settings.get("reply_target_minutes"),
        "filters": params.to_dict(),
        "weeks": [jsonable(w.to_dict()) for w in weeks],
    }
