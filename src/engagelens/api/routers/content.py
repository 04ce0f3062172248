"""Content (posts) with their metrics, and interactions (comments, reactions …) with their
text analysis. Content pages use limit/offset over the post rollup; interactions use a
keyset cursor (see :mod:`engagelens.api.listing`)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response

from engagelens.api import listing
from engagelens.api.auth import require_role, state_of
from engagelens.api.params import Cursor, FilterParams, Id, Limit, PageParams, choice, choices
from engagelens.api.responses import JSONBytes, cached_json
from engagelens.api.workspaces import Workspace
from engagelens.errors import NotFound
from engagelens.metrics import rollup
from engagelens.model import INTERACTION_KINDS

from .overview import post_rollup

router = APIRouter(tags=["content"])


@router.get(
    "/workspaces/{workspace}/content",
    response_class=JSONBytes,
    summary="Posts with their metrics; sortable",
)
async def content_list(
    request: Request,
    sort: Annotated[
        str,
        Query(
            description="created_at or a metric column of the posts ('-' for descending)",
            max_length=60,
        ),
    ] = "-created_at",
    search: Annotated[
        str | None, Query(max_length=200, description="case-insensitive text contains")
    ] = None,
    ws: Workspace = Depends(require_role("viewer")),
    params: FilterParams = Depends(),
    page: PageParams = Depends(),
) -> Response:
    sorts = rollup.sortable()
    choice(sort, (*sorts, *("-" + s for s in sorts)), "sort")
    version = ws.data_version
    key = (ws.slug, "content", params.key(), sort, search, page.limit, page.offset, version)

    def run() -> dict[str, Any]:
        posts = rollup.search_and_sort(
            rollup.select(post_rollup(request, ws), params.filters), search, sort
        )
        items = posts.slice(page.offset, page.limit)
        return {
            "items": [rollup.post_row(r) for r in items.iter_rows(named=True)],
            "total": posts.height,
            "limit": page.limit,
            "offset": page.offset,
            "sort": sort,
            "data_version": version,
        }

    return await cached_json(state_of(request).cache, key, run)


@router.get(
    "/workspaces/{workspace}/content/{platform}/{content_id}", summary="One post with its metrics"
)
def content_get(
    request: Request, platform: Id, content_id: Id, ws: Workspace = Depends(require_role("viewer"))
) -> dict[str, Any]:
    import polars as pl

    posts = post_rollup(request, ws)
    hit = posts.filter((pl.col("platform") == platform) & (pl.col("content_id") == content_id))
    if hit.height == 0:
        raise NotFound(f"no content {content_id!r} on {platform!r}")
    return rollup.post_row(hit.row(0, named=True))


@router.get(
    "/workspaces/{workspace}/content/{platform}/{content_id}/interactions",
    summary="A post's interactions (comments first-class) with text analysis",
)
def content_interactions(
    platform: Id,
    content_id: Id,
    kind: Annotated[list[str] | None, Query(max_length=40)] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
    ws: Workspace = Depends(require_role("viewer")),
) -> dict[str, Any]:
    kinds = choices(kind, INTERACTION_KINDS, "interaction kind(s)")
    with ws.session() as store:
        listing.content_exists(store, platform, content_id)
        from engagelens.metrics import Filters

        return listing.interactions(
            store,
            Filters(platforms=(platform,)),
            kinds=kinds,
            content_id=content_id,
            limit=limit,
            cursor=cursor,
        )


@router.get(
    "/workspaces/{workspace}/interactions",
    summary="Interactions, newest first, filtered; pages by cursor",
)
def interaction_list(
    from_: Annotated[str | None, Query(alias="from", max_length=40)] = None,
    to: Annotated[str | None, Query(max_length=40)] = None,
    platform: Annotated[list[str] | None, Query(max_length=200)] = None,
    account: Annotated[list[str] | None, Query(max_length=200)] = None,
    kind: Annotated[list[str] | None, Query(max_length=40)] = None,
    content_id: Annotated[str | None, Query(max_length=300)] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
    ws: Workspace = Depends(require_role("viewer")),
) -> dict[str, Any]:
    # the same date/platform/account semantics as FilterParams, on occurred_at
    filters = FilterParams(from_=from_, to=to, platform=platform, account=account).filters
    kinds = choices(kind, INTERACTION_KINDS, "interaction kind(s)")
    with ws.session() as store:
        return listing.interactions(
            store, filters, kinds=kinds, content_id=content_id, limit=limit, cursor=cursor
        )
