"""A/B tests over HTTP: the same library calls as ``engagelens experiments compare`` (here on
sufficient statistics posted in the body, since a browser or a BI tool has counts, not a file
of units) and ``engagelens experiments sample-size``. Nothing is read from the store: the
workspace only decides who may call."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from engagelens.api.auth import require_role
from engagelens.api.workspaces import Workspace
from engagelens.errors import ConfigError
from engagelens.experiments import (
    compare_variants,
    sample_size_means,
    sample_size_proportions,
    stats_from_dict,
)

router = APIRouter(tags=["experiments"])
Finite = Annotated[float, Field(allow_inf_nan=False)]


class VariantIn(BaseModel):
    n: Annotated[int, Field(ge=0, le=10**12)]
    successes: Annotated[int | None, Field(ge=0, le=10**12)] = None
    total: Finite | None = None
    total_sq: Finite | None = None
    mean: Finite | None = None
    sd: Annotated[float | None, Field(ge=0, allow_inf_nan=False)] = None


class MetricIn(BaseModel):
    name: Annotated[str, Field(min_length=1, max_length=200)]
    kind: Literal["proportion", "mean"]
    variants: Annotated[
        dict[Annotated[str, Field(max_length=200)], VariantIn], Field(max_length=50)
    ]


class CompareIn(BaseModel):
    control: Annotated[str, Field(min_length=1, max_length=200)]
    correction: Literal["holm", "bh", "none"] = "holm"
    alpha: Annotated[float, Field(gt=0, lt=1)] = 0.05
    metrics: Annotated[list[MetricIn], Field(min_length=1, max_length=50)]


@router.post(
    "/workspaces/{workspace}/experiments/compare",
    summary="Variants vs control on several metrics, p-values corrected together (Holm/BH)",
)
def compare(body: CompareIn, ws: Workspace = Depends(require_role("viewer"))) -> dict[str, Any]:
    names = [m.name for m in body.metrics]
    if len(set(names)) != len(names):
        raise ConfigError("metric names must be unique")
    stats = {
        m.name: stats_from_dict(
            m.kind, {k: v.model_dump(exclude_none=True) for k, v in m.variants.items()}
        )
        for m in body.metrics
    }
    rows = compare_variants(
        stats, control=body.control, correction=body.correction, alpha=body.alpha
    )
    return {
        "control": body.control,
        "correction": body.correction,
        "alpha": body.alpha,
        "comparisons": [r.to_dict() for r in rows],
    }


@router.get(
    "/workspaces/{workspace}/experiments/sample-size",
    summary="Units per variant to detect a rate change (baseline/target) or a mean difference",
)
def sample_size(
    baseline: Annotated[float | None, Query(gt=0, lt=1)] = None,
    target: Annotated[float | None, Query(gt=0, lt=1)] = None,
    delta: Annotated[float | None, Query(allow_inf_nan=False)] = None,
    sd: Annotated[float | None, Query(gt=0, allow_inf_nan=False)] = None,
    alpha: Annotated[float, Query(gt=0, lt=1)] = 0.05,
    power: Annotated[float, Query(gt=0, lt=1)] = 0.8,
    tests: Annotated[int, Query(ge=1, le=10_000)] = 1,
    ws: Workspace = Depends(require_role("viewer")),
) -> dict[str, Any]:
    level = alpha / tests
    if baseline is not None and target is not None and delta is None and sd is None:
        out = sample_size_proportions(baseline, target, alpha=level, power=power)
    elif delta is not None and sd is not None and baseline is None and target is None:
        out = sample_size_means(delta, sd, alpha=level, power=power)
    else:
        raise ConfigError("give either baseline and target, or delta and sd")
    return {"kind": "proportion" if baseline is not None else "mean", **out.to_dict()}
