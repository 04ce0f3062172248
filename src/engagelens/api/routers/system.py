"""Health, the caller's identity, and the metric registry (definitions, no data)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from engagelens import __version__
from engagelens.api.auth import Principal, current_principal
from engagelens.api.params import Name
from engagelens.metrics import all_metrics, get_metric

router = APIRouter(tags=["system"])


@router.get("/health", summary="Liveness (no token needed)")
def health() -> dict[str, Any]:
    return {"status": "ok", "version": __version__}


@router.get("/me", summary="The caller and its role per workspace")
def me(principal: Principal = Depends(current_principal)) -> dict[str, Any]:
    return principal.to_dict()


@router.get("/metrics", summary="Every registry metric with its definition")
def metric_list(principal: Principal = Depends(current_principal)) -> dict[str, Any]:
    return {"metrics": [m.to_dict() for m in all_metrics()]}


@router.get("/metrics/{name}", summary="One metric's definition (formula, grains, source)")
def metric_definition(
    name: Name, principal: Principal = Depends(current_principal)
) -> dict[str, Any]:
    return get_metric(name).to_dict()
