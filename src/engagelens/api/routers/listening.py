"""Social listening: the workspace's saved queries, their mention measures, and spikes."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request

from engagelens.api.auth import require_role, state_of
from engagelens.api.listing import jsonable
from engagelens.api.params import FilterParams
from engagelens.api.workspaces import Workspace
from engagelens.listening import list_queries
from engagelens.listening.measures import breakdown
from engagelens.listening.spikes import find_spikes

router = APIRouter(tags=["listening"])


@router.get("/workspaces/{workspace}/listening/queries", summary="Saved listening queries")
def queries(ws: Workspace = Depends(require_role("viewer"))) -> dict[str, Any]:
    with ws.session() as store:
        return {"items": jsonable(list_queries(store))}


@router.get(
    "/workspaces/{workspace}/listening/summary",
    summary="Volume, reach, sentiment and share of voice per query (and by a key)",
)
def summary(
    request: Request,
    by: Annotated[Literal["day", "week", "platform", "language"] | None, Query()] = None,
    ws: Workspace = Depends(require_role("viewer")),
    params: FilterParams = Depends(),
) -> dict[str, Any]:
    state = state_of(request)
    keys = [by] if by else []

    def run() -> list[dict[str, Any]]:
        with ws.session() as store:
            return jsonable(breakdown(store, keys, params.filters).to_pyarrow().to_pylist())

    rows = state.cache.get_or_compute(
        (ws.slug, "listening.summary", by, params.key(), ws.data_version), run
    )
    return {"by": by, "filters": params.to_dict(), "items": rows}


@router.get(
    "/workspaces/{workspace}/listening/spikes",
    summary="Unusual days of mention volume or negative mentions, with drivers",
)
def spikes(
    request: Request,
    query: Annotated[str | None, Query(max_length=200)] = None,
    ws: Workspace = Depends(require_role("viewer")),
) -> dict[str, Any]:
    state = state_of(request)

    def run() -> list[dict[str, Any]]:
        with ws.session() as store:
            return jsonable([s.to_dict() for s in find_spikes(store, query=query)])

    items = state.cache.get_or_compute((ws.slug, "listening.spikes", query, ws.data_version), run)
    return {"query": query, "items": items}
