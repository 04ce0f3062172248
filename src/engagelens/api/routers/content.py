"""Content (posts) with their metrics, and interactions (comments, reactions …) with their
text analysis. Content pages use limit/offset over the post rollup; interactions use a
keyset cursor (see :mod:`engagelens.api.listing`)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response

from engagelens.api import listing
from engagelens.api.auth import require_role, state_of
from engagelens.api.errors import InvalidParameter
from engagelens.api.params import MAX_PAGE, FilterParams, PageParams
from engagelens.api.responses import JSONBytes, cached_json
from engagelens.api.workspaces import Workspace
from engagelens.errors import NotFound
from engagelens.metrics import rollup
from engagelens.model import INTERACTION_KINDS

from .overview import post_rollup

router = APIRouter(tags=["content"])

Id = Annotated[str, Path(min_length=1, max_length=300)]


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
    if sort.removeprefix("-") not in sorts:
        raise InvalidParameter(f"sort must be one of {', '.join(sorts)} ('-' for descending)")
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
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
    cursor: Annotated[str | None, Query(max_length=600)] = None,
    ws: Workspace = Depends(require_role("viewer")),
) -> dict[str, Any]:
    kinds = _kinds(kind)
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


def _kinds(kind: list[str] | None) -> tuple[str, ...]:
    out = tuple(dict.fromkeys(v.strip() for k in kind or [] for v in k.split(",") if v.strip()))
    bad = [k for k in out if k not in INTERACTION_KINDS]
    if bad:
        raise InvalidParameter(
            f"unknown interaction kind(s) {bad}; one of {', '.join(INTERACTION_KINDS)}"
        )
    return out


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
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
    cursor: Annotated[str | None, Query(max_length=600)] = None,
    ws: Workspace = Depends(require_role("viewer")),
) -> dict[str, Any]:
    # the same date/platform/account semantics as FilterParams, on occurred_at
    filters = FilterParams(from_=from_, to=to, platform=platform, account=account).filters
    kinds = _kinds(kind)
    with ws.session() as store:
        return listing.interactions(
            store, filters, kinds=kinds, content_id=content_id, limit=limit, cursor=cursor
        )
