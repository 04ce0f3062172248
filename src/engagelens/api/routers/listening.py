"""Social listening: the workspace's saved queries (list, create or edit, remove, and try a
draft on the stored mentions), their mention measures, and spikes explained in plain words.

Every route calls the library the CLI calls (``listening.runner``, ``.preview``, ``.explain``);
cache keys include :func:`~engagelens.listening.runner.queries_key`, so a query saved here or by
``engagelens listen add`` is reflected at once."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel, Field

from engagelens.api.auth import require_role, state_of
from engagelens.api.listing import jsonable
from engagelens.api.params import FilterParams, Limit, Offset
from engagelens.api.workspaces import Workspace
from engagelens.errors import NotFound
from engagelens.listening import list_queries, remove_query
from engagelens.listening.explain import explain
from engagelens.listening.feed import mention_feed
from engagelens.listening.measures import breakdown
from engagelens.listening.preview import MAX_LIMIT, preview
from engagelens.listening.runner import queries_key, save_query
from engagelens.listening.spikes import find_spikes
from engagelens.listening.tables import QUERY_KINDS

router = APIRouter(tags=["listening"])
QueryName = Annotated[str, Path(min_length=1, max_length=200)]


class Draft(BaseModel):
    """A query to try on the stored mentions (nothing is saved)."""

    query: str = Field(min_length=1, max_length=2000)
    ignore_accents: bool = False
    segment_chinese: bool = False
    limit: int = Field(20, ge=0, le=MAX_LIMIT)


class QueryIn(BaseModel):
    """A listening query to create, or to edit (same name; ``replaces`` renames one)."""

    name: str = Field(min_length=1, max_length=200, pattern=r"\S")
    query: str = Field(min_length=1, max_length=2000)
    kind: Literal[QUERY_KINDS] = "brand"  # type: ignore[valid-type]
    ignore_accents: bool = False
    segment_chinese: bool = False
    replaces: str | None = Field(None, max_length=200)


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
        (ws.slug, "listening.summary", by, params.key(), ws.data_version, _queries_key(ws)), run
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
            return jsonable(
                [
                    {**s.to_dict(), "explanation": explain(s).to_dict()}
                    for s in find_spikes(store, query=query)
                ]
            )

    key = (ws.slug, "listening.spikes", query, ws.data_version, _queries_key(ws))
    items = state.cache.get_or_compute(key, run)
    return {"query": query, "items": items}


def _queries_key(ws: Workspace) -> tuple[Any, ...]:
    with ws.session() as store:
        return queries_key(store)


@router.post(
    "/workspaces/{workspace}/listening/test",
    summary="Try a draft query on the stored mentions (nothing is saved)",
)
def test_query(body: Draft, ws: Workspace = Depends(require_role("viewer"))) -> dict[str, Any]:
    with ws.session() as store:
        result = preview(
            store,
            body.query,
            ignore_accents=body.ignore_accents,
            segment_chinese=body.segment_chinese,
            limit=body.limit,
        )
    return jsonable(result.to_dict())


@router.post(
    "/workspaces/{workspace}/listening/queries",
    status_code=201,
    summary="Create or edit a listening query, and match it on every mention",
)
def create_query(body: QueryIn, ws: Workspace = Depends(require_role("analyst"))) -> dict[str, Any]:
    with ws.session() as store:
        row, summary = save_query(
            store,
            body.name,
            body.query,
            kind=body.kind,
            ignore_accents=body.ignore_accents,
            segment_chinese=body.segment_chinese,
            replaces=body.replaces,
        )
    ws.bump()
    return {"query": jsonable(row), "run": summary.to_dict()}


@router.delete(
    "/workspaces/{workspace}/listening/queries/{name}",
    summary="Remove a listening query and its matches",
)
def delete_query(
    name: QueryName, ws: Workspace = Depends(require_role("analyst"))
) -> dict[str, Any]:
    with ws.session() as store:
        remove_query(store, name)
    ws.bump()
    return {"removed": name}


@router.get(
    "/workspaces/{workspace}/listening/mentions",
    summary="Stored mentions, newest first: by query, sentiment, language, date, platform, text",
)
def mentions(
    query: Annotated[str | None, Query(max_length=200)] = None,
    sentiment: Annotated[Literal["positive", "neutral", "negative"] | None, Query()] = None,
    language: Annotated[str | None, Query(max_length=20)] = None,
    search: Annotated[str | None, Query(max_length=200)] = None,
    offset: Offset = 0,
    limit: Limit = 50,
    ws: Workspace = Depends(require_role("viewer")),
    params: FilterParams = Depends(),
) -> dict[str, Any]:
    """The feed of :func:`engagelens.listening.feed.mention_feed`; ``total`` counts every
    match, ``items`` holds ``limit`` of them from ``offset``. An unknown query is a 404 that
    lists the saved ones."""
    with ws.session() as store:
        if query is not None:
            names = [q["name"] for q in list_queries(store)]
            if query not in names:
                raise NotFound(
                    f"unknown listening query {query!r}; queries: {', '.join(names) or 'none'}"
                )
        feed = mention_feed(
            store,
            params.filters,
            query=query,
            sentiment=sentiment,
            language=language,
            search=search,
            offset=offset,
            limit=limit,
        )
    return {"filters": params.to_dict(), **jsonable(feed.to_dict())}
