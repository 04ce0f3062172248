"""Audience over HTTP: influencers, detractors and UGC per brand, and engagement-ladder
segments with movement and RFM — the same library calls as ``engagelens audience
influencers|ugc|segments``."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from engagelens.api.auth import require_role
from engagelens.api.listing import jsonable
from engagelens.api.params import FIRST_DAY, LAST_DAY
from engagelens.api.workspaces import Workspace
from engagelens.audience import segments as seg
from engagelens.audience.brand_influence import brand_influencers, ugc_summary
from engagelens.errors import ConfigError

router = APIRouter(tags=["audience"])
Brand = Annotated[str, Query(min_length=1, max_length=200, description="listening query name")]
Platform = Annotated[str | None, Query(max_length=40)]
Per = Annotated[str, Query(pattern="^(account|person)$", description="account or person")]


def _at(day: dt.date | None) -> dt.datetime | None:
    return dt.datetime.combine(day, dt.time()) if day else None


@router.get(
    "/workspaces/{workspace}/audience/influencers",
    summary="Influencers (or detractors) of one brand: reach × ER × relevance × sentiment",
)
def influencers(
    brand: Brand,
    detractors: bool = False,
    limit: Annotated[int, Query(ge=1, le=500)] = 20,
    start: Annotated[dt.date | None, Query(alias="from", ge=FIRST_DAY, le=LAST_DAY)] = None,
    end: Annotated[dt.date | None, Query(alias="to", ge=FIRST_DAY, le=LAST_DAY)] = None,
    platform: Platform = None,
    ws: Workspace = Depends(require_role("viewer")),
) -> dict[str, Any]:
    with ws.session() as store:
        rows = brand_influencers(
            store,
            brand,
            start=_at(start),
            end=_at(end),
            platform=platform,
            limit=limit,
            detractors=detractors,
        )
    return {"brand": brand, "items": [jsonable(r.to_dict()) for r in rows]}


@router.get(
    "/workspaces/{workspace}/audience/ugc",
    summary="User-generated content about a brand per week, and its positive share",
)
def ugc(
    brand: Brand,
    start: Annotated[dt.date | None, Query(alias="from", ge=FIRST_DAY, le=LAST_DAY)] = None,
    end: Annotated[dt.date | None, Query(alias="to", ge=FIRST_DAY, le=LAST_DAY)] = None,
    platform: Platform = None,
    ws: Workspace = Depends(require_role("viewer")),
) -> dict[str, Any]:
    with ws.session() as store:
        out = ugc_summary(store, brand, start=_at(start), end=_at(end), platform=platform)
    return jsonable(out)


@router.get(
    "/workspaces/{workspace}/audience/segments",
    summary="Ladder segments with participation; movement from an earlier period; RFM",
)
def segments(
    start: Annotated[dt.date, Query(alias="from", ge=FIRST_DAY, le=LAST_DAY)],
    end: Annotated[dt.date, Query(alias="to", ge=FIRST_DAY, le=LAST_DAY)],
    compare_from: Annotated[dt.date | None, Query(ge=FIRST_DAY, le=LAST_DAY)] = None,
    compare_to: Annotated[dt.date | None, Query(ge=FIRST_DAY, le=LAST_DAY)] = None,
    rfm: Annotated[str, Query(pattern="^(audience|customers)$")] = "audience",
    per: Per = "account",
    ws: Workspace = Depends(require_role("viewer")),
) -> dict[str, Any]:
    a, b = _at(start), _at(end)
    assert a is not None and b is not None
    if (compare_from is None) != (compare_to is None):
        raise ConfigError("compare_from and compare_to go together")
    out: dict[str, Any] = {"per": per}
    with ws.session() as store:
        out["segments"] = seg.segment_summary(store, start=a, end=b, per=per)
        if compare_from is not None and compare_to is not None:
            before = (_at(compare_from), _at(compare_to))
            out["movement"] = seg.ladder_movement(store, before=before, after=(a, b), per=per)  # type: ignore[arg-type]
        rfm_fn = seg.audience_rfm if rfm == "audience" else seg.customer_rfm
        rows = rfm_fn(store, as_of=b, per=per)
        out["rfm"] = seg.rfm_summary(rows)
    return jsonable(out)


@router.get(
    "/workspaces/{workspace}/audience/cascades",
    summary="Share cascades per own post: size, depth, breadth, structural virality, reach",
)
def cascades(
    infer: Annotated[str, Query(pattern="^(root|recent)$")] = "root",
    window_hours: Annotated[float, Query(gt=0, le=720)] = 6.0,
    brand: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 20,
    start: Annotated[dt.date | None, Query(alias="from", ge=FIRST_DAY, le=LAST_DAY)] = None,
    end: Annotated[dt.date | None, Query(alias="to", ge=FIRST_DAY, le=LAST_DAY)] = None,
    platform: Platform = None,
    ws: Workspace = Depends(require_role("viewer")),
) -> dict[str, Any]:
    from engagelens.audience.ripple import post_cascades

    with ws.session() as store:
        rows = post_cascades(
            store,
            start=_at(start),
            end=_at(end),
            platform=platform,
            infer=infer,
            window_hours=window_hours,
            brand=brand,
            limit=limit,
        )
    return {"items": jsonable(rows)}


@router.get(
    "/workspaces/{workspace}/audience/persons",
    summary="Persons linked across platforms from declared evidence, with their accounts",
)
def persons(
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    ws: Workspace = Depends(require_role("viewer")),
) -> dict[str, Any]:
    from engagelens.audience.identity import persons as list_persons

    with ws.session() as store:
        items = list_persons(store, limit=limit, offset=offset)
    return {"items": items, "limit": limit, "offset": offset}


@router.get(
    "/workspaces/{workspace}/audience/advocates",
    summary="Advocates by weighted engagement, per platform account or per linked person",
)
def advocates(
    limit: Annotated[int, Query(ge=1, le=500)] = 20,
    start: Annotated[dt.date | None, Query(alias="from", ge=FIRST_DAY, le=LAST_DAY)] = None,
    end: Annotated[dt.date | None, Query(alias="to", ge=FIRST_DAY, le=LAST_DAY)] = None,
    platform: Platform = None,
    per: Per = "account",
    ws: Workspace = Depends(require_role("viewer")),
) -> dict[str, Any]:
    from engagelens.audience import advocates as top_advocates

    with ws.session() as store:
        rows = top_advocates(
            store, start=_at(start), end=_at(end), platform=platform, limit=limit, per=per
        )
        items = rows.to_pyarrow().to_pylist()
    return {"per": per, "items": jsonable(items)}


@router.get(
    "/workspaces/{workspace}/audience/leaderboard",
    summary="Points leaderboard with anti-abuse (spam, duplicate text, self, daily cap), badges",
)
def leaderboard(
    daily_cap: Annotated[int, Query(ge=1, le=1_000_000)] = 20,
    limit: Annotated[int, Query(ge=1, le=500)] = 20,
    start: Annotated[dt.date | None, Query(alias="from", ge=FIRST_DAY, le=LAST_DAY)] = None,
    end: Annotated[dt.date | None, Query(alias="to", ge=FIRST_DAY, le=LAST_DAY)] = None,
    platform: Platform = None,
    per: Per = "account",
    ws: Workspace = Depends(require_role("viewer")),
) -> dict[str, Any]:
    from engagelens.audience.gamification import BADGES, fair_leaderboard

    with ws.session() as store:
        rows = fair_leaderboard(
            store, daily_cap=daily_cap, start=_at(start), end=_at(end), platform=platform,
            per=per, limit=limit,
        )  # fmt: skip
    return {
        "daily_cap": daily_cap,
        "badges": [{"name": b.name, "description": b.description} for b in BADGES],
        "items": jsonable(rows),
    }


@router.get(
    "/workspaces/{workspace}/audience/recommendations",
    summary="Per segment: formats, themes, hashtags and slots that drew it, checked later",
)
def recommendations(
    train_from: Annotated[dt.date, Query(ge=FIRST_DAY, le=LAST_DAY)],
    train_to: Annotated[dt.date, Query(ge=FIRST_DAY, le=LAST_DAY)],
    test_from: Annotated[dt.date | None, Query(ge=FIRST_DAY, le=LAST_DAY)] = None,
    test_to: Annotated[dt.date | None, Query(ge=FIRST_DAY, le=LAST_DAY)] = None,
    segment: Annotated[list[str] | None, Query(max_length=10)] = None,
    feature: Annotated[list[str] | None, Query(max_length=10)] = None,
    min_posts: Annotated[int, Query(ge=1, le=10_000)] = 5,
    top: Annotated[int, Query(ge=1, le=50)] = 3,
    ws: Workspace = Depends(require_role("viewer")),
) -> dict[str, Any]:
    from engagelens.audience.ladder import LADDER_STEPS
    from engagelens.audience.recommend import FEATURES, recommend, summary

    if (test_from is None) != (test_to is None):
        raise ConfigError("test_from and test_to go together")
    train = (_at(train_from), _at(train_to))
    test = (_at(test_from), _at(test_to)) if test_from is not None else None
    with ws.session() as store:
        recs = recommend(
            store,
            train=train,  # type: ignore[arg-type]
            test=test,  # type: ignore[arg-type]
            segments=tuple(segment or ()) or LADDER_STEPS[1:],
            features=tuple(feature or ()) or FEATURES,
            min_posts=min_posts,
            top=top,
        )
    return {"summary": jsonable(summary(recs)), "items": [jsonable(r.to_dict()) for r in recs]}
