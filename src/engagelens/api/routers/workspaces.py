"""Workspaces the caller administers (admins only; others see 403 or 404)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request

from engagelens.api.auth import Principal, current_principal, require_role, state_of
from engagelens.api.workspaces import Workspace
from engagelens.errors import PermissionDenied

router = APIRouter(tags=["workspaces"])


def _describe(ws: Workspace, meta: dict[str, Any], role: str | None) -> dict[str, Any]:
    with ws.session() as store:
        counts = {name: store.count(name) for name in ("content", "interaction", "mention")}
    return {
        "slug": ws.slug,
        "name": meta.get("name"),
        "role": role,
        "created_at": meta["created_at"].isoformat() if meta.get("created_at") else None,
        "data_version": ws.data_version,
        "rows": counts,
    }


@router.get("/workspaces", summary="Workspaces where the caller is an admin")
def workspace_list(
    request: Request, principal: Principal = Depends(current_principal)
) -> dict[str, Any]:
    admin_of = sorted(w for w in principal.roles if principal.can(w, "admin"))
    if not admin_of:
        raise PermissionDenied("listing workspaces needs the admin role")
    state = state_of(request)
    known = {w["slug"]: w for w in state.control.workspaces()}
    return {
        "workspaces": [
            {"slug": w, "name": known[w]["name"], "role": "admin"} for w in admin_of if w in known
        ]
    }


@router.get("/workspaces/{workspace}", summary="A workspace's row counts and data version")
def workspace_get(
    request: Request, ws: Workspace = Depends(require_role("admin"))
) -> dict[str, Any]:
    meta = state_of(request).control.workspace(ws.slug)
    return _describe(ws, meta, "admin")
