"""Privacy over HTTP, for workspace admins only: forget a person and pseudonymise every
author (the same library calls as ``engagelens privacy forget|pseudonymise``), and read the
privacy ledger. The key file lives beside the
workspace's store (or at the ``privacy_key_file`` setting)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from engagelens.api.auth import Principal, current_principal, require_role
from engagelens.api.listing import jsonable
from engagelens.api.workspaces import Workspace
from engagelens.privacy import forget_author, key_path, ledger, load_key, pseudonymise_authors

router = APIRouter(tags=["privacy"])
Ids = Annotated[list[Annotated[str, Field(min_length=1, max_length=500)]], Field(max_length=100)]


class ForgetIn(BaseModel):
    author: Annotated[str, Field(min_length=3, max_length=600, description="PLATFORM:ID")]
    mode: Literal["delete", "pseudonymise"] = "delete"
    customers: Ids = []
    visitors: Ids = []
    recipients: Ids = []
    respondents: Ids = []


@router.post(
    "/workspaces/{workspace}/privacy/forget",
    summary="Forget one person in every table (delete or pseudonymise); recorded in the ledger",
)
def forget(
    body: ForgetIn,
    principal: Principal = Depends(current_principal),
    ws: Workspace = Depends(require_role("admin")),
) -> dict[str, Any]:
    with ws.session() as store:
        key = load_key(key_path(store))
        report = forget_author(
            store,
            body.author,
            key=key,
            mode=body.mode,
            customers=tuple(body.customers),
            others={
                "visitor": tuple(body.visitors),
                "recipient": tuple(body.recipients),
                "respondent": tuple(body.respondents),
            },
            requested_by=principal.id,
        )
    ws.bump()
    return report.to_dict()


@router.post(
    "/workspaces/{workspace}/privacy/pseudonymise",
    summary="Replace every author and customer id by its keyed pseudonym (HMAC-SHA256)",
)
def pseudonymise(
    principal: Principal = Depends(current_principal),
    ws: Workspace = Depends(require_role("admin")),
) -> dict[str, Any]:
    with ws.session() as store:
        rows = pseudonymise_authors(store, key=load_key(key_path(store)), requested_by=principal.id)
    ws.bump()
    return {"rows": rows}


@router.get(
    "/workspaces/{workspace}/privacy/ledger",
    summary="Forget and pseudonymise requests carried out, newest first",
)
def privacy_ledger(
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    ws: Workspace = Depends(require_role("admin")),
) -> dict[str, Any]:
    with ws.session() as store:
        rows = ledger(store, limit=limit)
    return {"items": jsonable(rows)}
