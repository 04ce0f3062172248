"""Customer value and attribution over HTTP: the same library calls as ``engagelens value
cltv`` (on the workspace's orders) and ``engagelens value attribution``. The CLTV fit is
derived once per data version, since it costs a maximum-likelihood fit."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from engagelens.api.auth import require_role
from engagelens.api.listing import jsonable
from engagelens.api.params import FIRST_DAY, LAST_DAY
from engagelens.api.workspaces import Workspace
from engagelens.value import cltv_from_transactions
from engagelens.value.attribution import MODELS, attribution_report
from engagelens.value.summary import TIME_UNITS, store_transactions

router = APIRouter(tags=["value"])
NO_ORDERS = "no orders with a customer id in this workspace: nothing to fit"


@router.get(
    "/workspaces/{workspace}/value/cltv",
    summary="BG/NBD + Gamma-Gamma fit; P(alive), expected purchases and CLTV per customer",
)
def cltv(
    calibration_end: Annotated[
        dt.date | None, Query(description="last day fitted", ge=FIRST_DAY, le=LAST_DAY)
    ] = None,
    time_unit: Annotated[str, Query(pattern="^(" + "|".join(TIME_UNITS) + ")$")] = "weeks",
    horizon_months: Annotated[int, Query(ge=1, le=120)] = 12,
    discount_rate: Annotated[float, Query(ge=0, lt=10)] = 0.10,
    margin: Annotated[float, Query(gt=0, le=1)] = 1.0,
    customers: Annotated[bool, Query(description="include every customer")] = True,
    ws: Workspace = Depends(require_role("viewer")),
) -> dict[str, Any]:
    end = dt.datetime.combine(calibration_end, dt.time()) if calibration_end else None

    def build(store: Any) -> Any:
        return cltv_from_transactions(
            store_transactions(store),
            calibration_end=end,
            time_unit=time_unit,
            horizon_months=horizon_months,
            discount_rate=discount_rate,
            margin_share=margin,
        )

    with ws.session() as store:
        has_orders = bool(store_transactions(store))
    if not has_orders:  # a state, not an error: nothing has been sold to a known customer yet
        return {"bgnbd": None, "gamma_gamma": None, "customers": [], "note": NO_ORDERS}
    key = f"value_cltv:{end}:{time_unit}:{horizon_months}:{discount_rate}:{margin}"
    result = ws.derive(key, build)
    return jsonable(result.to_dict(customers=customers))


@router.get(
    "/workspaces/{workspace}/value/attribution",
    summary="Orders shared among their touchpoints by a rule model; ROI on campaign spend",
)
def attribution(
    model: Annotated[str, Query(pattern="^(" + "|".join(MODELS) + ")$")] = "linear",
    by: Annotated[str, Query(pattern="^(campaign|channel)$")] = "campaign",
    lookback_days: Annotated[float, Query(gt=0, le=365)] = 30.0,
    half_life_days: Annotated[float, Query(gt=0, le=365)] = 7.0,
    ws: Workspace = Depends(require_role("viewer")),
) -> dict[str, Any]:
    with ws.session() as store:
        rows = attribution_report(
            store, model, by=by, lookback_days=lookback_days, half_life_days=half_life_days
        )
    return {"model": model, "by": by, "rows": [jsonable(asdict(r)) for r in rows]}
