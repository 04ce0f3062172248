"""Competitor benchmarking over HTTP: :func:`engagelens.listening.benchmark.benchmark`, the call
behind ``engagelens benchmark`` and the dashboard's competitors page."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request

from engagelens.api.auth import require_role, state_of
from engagelens.api.listing import jsonable
from engagelens.api.params import FilterParams
from engagelens.api.workspaces import Workspace
from engagelens.listening.benchmark import benchmark as benchmark_lib
from engagelens.listening.runner import queries_key

router = APIRouter(tags=["benchmark"])


@router.get(
    "/workspaces/{workspace}/benchmark",
    summary="Own brand vs competitors: share of voice, sentiment, posts/week, ER, reply rate",
)
def benchmark(
    request: Request,
    ws: Workspace = Depends(require_role("viewer")),
    params: FilterParams = Depends(),
) -> dict[str, Any]:
    """Date range and platforms apply; accounts and ownership are each brand's own."""
    state = state_of(request)

    def run() -> dict[str, Any]:
        with ws.session() as store:
            return jsonable(benchmark_lib(store, params.filters, state.settings).to_dict())

    with ws.session() as store:
        queries = queries_key(store)
    key = (ws.slug, "benchmark", params.key(), ws.data_version, queries)
    return {"filters": params.to_dict(), **state.cache.get_or_compute(key, run)}
