"""Alert rules and their history over HTTP: the same calls as ``engagelens alerts add|list|
remove|run|history`` (:mod:`engagelens.listening.alerts`)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, Field

from engagelens.api.auth import require_role
from engagelens.api.listing import jsonable
from engagelens.api.workspaces import Workspace
from engagelens.listening import alerts as alerts_lib

router = APIRouter(tags=["alerts"])
RuleName = Annotated[str, Path(min_length=1, max_length=200)]


class RuleIn(BaseModel):
    """An alert rule to create or replace (same name)."""

    name: str = Field(min_length=1, max_length=200, pattern=r"\S")
    kind: Literal[alerts_lib.RULE_KINDS]  # type: ignore[valid-type]
    query: str | None = Field(None, max_length=200)
    threshold: float | None = None
    keyword: str | None = Field(None, max_length=2000)
    min_mentions: int = Field(10, ge=1, le=1_000_000)
    channels: list[Annotated[str, Field(min_length=1, max_length=500)]] = Field(
        default_factory=lambda: ["log"], min_length=1, max_length=10
    )


@router.get("/workspaces/{workspace}/alerts/rules", summary="Alert rules")
def rules(ws: Workspace = Depends(require_role("viewer"))) -> dict[str, Any]:
    with ws.session() as store:
        return {"items": jsonable(alerts_lib.list_rules(store))}


@router.post(
    "/workspaces/{workspace}/alerts/rules", status_code=201, summary="Create or replace a rule"
)
def add_rule(body: RuleIn, ws: Workspace = Depends(require_role("analyst"))) -> dict[str, Any]:
    with ws.session() as store:
        row = alerts_lib.add_rule(
            store,
            body.name.strip(),
            body.kind,
            query=body.query or None,
            threshold=body.threshold,
            keyword=body.keyword or None,
            min_mentions=body.min_mentions,
            channels=body.channels,
        )
    ws.bump()
    return {"rule": jsonable(row)}


@router.delete("/workspaces/{workspace}/alerts/rules/{name}", summary="Remove a rule")
def remove_rule(name: RuleName, ws: Workspace = Depends(require_role("analyst"))) -> dict[str, Any]:
    with ws.session() as store:
        alerts_lib.remove_rule(store, name)
    ws.bump()
    return {"removed": name}


@router.get("/workspaces/{workspace}/alerts/history", summary="Alerts fired, newest first")
def history(
    rule: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
    ws: Workspace = Depends(require_role("viewer")),
) -> dict[str, Any]:
    with ws.session() as store:
        return {"items": jsonable(alerts_lib.history(store, rule=rule, limit=limit))}


@router.post("/workspaces/{workspace}/alerts/run", summary="Evaluate every rule now")
def run(dry_run: bool = False, ws: Workspace = Depends(require_role("analyst"))) -> dict[str, Any]:
    """Runs the listening queries first; ``dry_run`` delivers and records nothing."""
    with ws.session() as store:
        events = alerts_lib.evaluate(store, deliver=not dry_run)
    ws.bump()
    return {"dry_run": dry_run, "items": jsonable(events)}
