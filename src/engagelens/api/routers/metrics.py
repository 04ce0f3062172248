"""Any registry metric, at any grain it supports, with the standard filters.

Answers are cached per (workspace, metric, grain, filters, data version): the first request
after an ingest computes, the rest are served from memory.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request, Response

from engagelens.api.auth import require_role, state_of
from engagelens.api.listing import jsonable
from engagelens.api.params import MAX_METRIC_ROWS, FilterParams, MetricLimit, Name, Offset
from engagelens.api.responses import JSONBytes, cached_json
from engagelens.api.workspaces import Workspace
from engagelens.metrics import GRAIN_KEYS, compute, get_metric

router = APIRouter(tags=["metrics"])

if TYPE_CHECKING:  # a checker sees a string; FastAPI validates against the grains' names
    Grain = str
else:
    Grain = Literal[tuple(GRAIN_KEYS)]
MAX_ROWS = MAX_METRIC_ROWS


@router.get(
    "/workspaces/{workspace}/metrics/{name}",
    response_class=JSONBytes,
    summary="Compute a metric by a grain (total, day, content, platform …)",
)
async def metric_values(
    request: Request,
    name: Name,
    by: Annotated[Grain, Query(description="grain; see GET /api/v1/metrics/{name}")] = "total",
    limit: MetricLimit = 1000,
    offset: Offset = 0,
    ws: Workspace = Depends(require_role("viewer")),
    params: FilterParams = Depends(),
) -> Response:
    metric = get_metric(name)  # 404 for unknown names before any work
    state = state_of(request)
    keys = list(GRAIN_KEYS[by])
    version = ws.data_version

    def rows() -> list[dict[str, Any]]:
        with ws.session() as store:
            table = compute(store, [name], by=by, filters=params.filters, settings=state.settings)
            if keys:
                table = table.order_by(keys)
            return jsonable(table.to_pyarrow().to_pylist())

    def run() -> dict[str, Any]:
        # all rows of one (metric, grain, filters) are computed once, pages are cut from them
        everything = state.cache.get_or_compute(
            (ws.slug, "metric-rows", name, by, params.key(), version), rows
        )
        return {
            "metric": metric.to_dict(),
            "by": by,
            "keys": keys,
            "filters": params.to_dict(),
            "data_version": version,
            "total_rows": len(everything),
            "limit": limit,
            "offset": offset,
            "rows": everything[offset : offset + limit],
        }

    key = (ws.slug, "metric", name, by, params.key(), limit, offset, version)
    return await cached_json(state.cache, key, run)
