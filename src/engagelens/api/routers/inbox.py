"""The inbox: unanswered inbound items ranked by priority, and the actions on them."""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, Field

from ...engage import inbox as inbox_lib
from ..auth import Principal, current_principal, require_role
from ..listing import jsonable
from ..params import MAX_PAGE, FilterParams
from ..workspaces import Workspace

router = APIRouter(tags=["inbox"])
Id = Annotated[str, Path(min_length=1, max_length=300)]


class Assignment(BaseModel):
    assignee: str = Field(min_length=1, max_length=100)


@router.get("/workspaces/{workspace}/inbox", summary="Open inbound items, highest priority first")
def inbox(
    assignee: Annotated[str | None, Query(max_length=100)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
    params: FilterParams = Depends(),
    ws: Workspace = Depends(require_role("viewer")),
) -> dict[str, Any]:
    with ws.session() as store:
        items = inbox_lib.inbox(store, filters=params.filters, assignee=assignee, limit=limit)
    return {"items": [jsonable(dataclasses.asdict(i)) for i in items]}


@router.post("/workspaces/{workspace}/inbox/{platform}/{interaction_id}/replied",
             summary="Mark an item answered (it leaves the inbox)")
def mark_replied(platform: Id, interaction_id: Id,
                 principal: Principal = Depends(current_principal),
                 ws: Workspace = Depends(require_role("analyst"))) -> dict[str, Any]:
    with ws.session() as store:
        inbox_lib.mark_replied(store, platform, interaction_id, by_user=principal.id)
    ws.bump()
    return {"platform": platform, "interaction_id": interaction_id, "action": "mark_replied"}


@router.post("/workspaces/{workspace}/inbox/{platform}/{interaction_id}/assign",
             summary="Assign an item to an agent")
def assign(platform: Id, interaction_id: Id, body: Assignment,
           principal: Principal = Depends(current_principal),
           ws: Workspace = Depends(require_role("analyst"))) -> dict[str, Any]:
    with ws.session() as store:
        inbox_lib.assign(store, platform, interaction_id, body.assignee, by_user=principal.id)
    ws.bump()
    return {"platform": platform, "interaction_id": interaction_id, "action": "assign",
            "assignee": body.assignee}
