"""Upload a file into a workspace (one ingest batch), and read batches and quarantine back.

The upload is kept under ``<data_dir>/uploads/<workspace>/<uuid>/<name>`` so every stored row
still traces back to its file and line, as with the CLI, for ``upload_retention_days`` (0: the
file is deleted right after its ingest; -1: kept for ever); older uploads are pruned at the next
upload. Only the file's base name (sanitised) is kept from the client; responses never show
server paths. The ingest runs on the workspace's writer connection, so reads go on meanwhile.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import time
import uuid
from pathlib import Path as FilePath
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Query, Request, UploadFile

from engagelens.api.auth import require_role, state_of
from engagelens.api.listing import jsonable
from engagelens.api.params import BatchIdPath, BatchIdQuery, PageParams, choice
from engagelens.api.workspaces import Workspace
from engagelens.errors import NotFound
from engagelens.ingest import CONFLICT_POLICIES, SOURCE_NAMES, ingest_file
from engagelens.ingest.connectors import CONNECTOR_NAMES
from engagelens.ingest.quarantine import reasons, rows

from .overview import warm_in_background

router = APIRouter(tags=["ingest"])

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_name(name: str | None) -> str:
    """A client file name reduced to ``[A-Za-z0-9._-]`` (≤ 100 chars, never hidden)."""
    base = FilePath((name or "").replace("\\", "/")).name
    clean = _UNSAFE.sub("_", base).lstrip(".")[:100]
    return clean or "upload.csv"


def _public(batch: dict[str, Any]) -> dict[str, Any]:
    out = dict(batch)
    if out.get("file"):
        out["file"] = FilePath(str(out["file"])).name
    return jsonable(out)


@router.post(
    "/workspaces/{workspace}/ingest",
    status_code=201,
    summary="Upload one file (CSV, TSV, JSON, JSONL, Parquet, spreadsheet, connector exports); "
    "returns its batch summary",
)
def upload(
    request: Request,
    file: Annotated[UploadFile, File(description="the export file")],
    source: Annotated[
        str | None, Query(description="built-in source, e.g. facebook, canonical", max_length=40)
    ] = None,
    entity: Annotated[
        str | None,
        Query(max_length=40, pattern=r"^[a-z_]+$", description="target table for canonical files"),
    ] = None,
    on_conflict: Annotated[
        str | None,
        Query(
            max_length=20,
            description="rows of the file sharing a key with different values: first "
            "(default), last or quarantine",
        ),
    ] = None,
    ws: Workspace = Depends(require_role("analyst")),
) -> dict[str, Any]:
    if source is not None:
        choice(source, (*SOURCE_NAMES, *CONNECTOR_NAMES), "source")
    if on_conflict is not None:
        choice(on_conflict, CONFLICT_POLICIES, "on_conflict")
    state = state_of(request)
    uploads = state.control.data_dir / "uploads" / ws.slug
    retention = int(state.settings.get("upload_retention_days", 30))
    prune_uploads(uploads, retention)
    folder = uploads / uuid.uuid4().hex
    folder.mkdir(parents=True)
    target = folder / safe_name(file.filename)
    try:
        with target.open("wb") as out:
            shutil.copyfileobj(file.file, out, 1 << 20)
        with ws.writer() as store:
            summary = ingest_file(
                store, target, source=source, entity=entity, on_conflict=on_conflict
            )
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)  # nothing stored: keep nothing
        raise
    if retention == 0:
        shutil.rmtree(folder, ignore_errors=True)
    ws.refresh_version()
    warm_in_background(ws, state.settings)
    return _public(summary.to_dict())


def prune_uploads(folder: FilePath, days: int, *, now: float | None = None) -> int:
    """Delete upload folders under ``folder`` older than ``days`` (by modification time);
    ``days < 0`` keeps everything. Returns how many were deleted."""
    if days < 0 or not folder.is_dir():
        return 0
    cutoff = (time.time() if now is None else now) - days * 86400
    removed = 0
    for entry in folder.iterdir():
        with contextlib.suppress(OSError):
            if entry.is_dir() and entry.stat().st_mtime < cutoff:
                shutil.rmtree(entry)
                removed += 1
    return removed


@router.get("/workspaces/{workspace}/batches", summary="Ingest batches, newest first")
def batch_list(
    ws: Workspace = Depends(require_role("viewer")), page: PageParams = Depends()
) -> dict[str, Any]:
    with ws.session() as store:
        t = store.table("ingest_batch")
        total = int(t.count().execute())
        items = (
            t.order_by(t.batch_id.desc())
            .limit(page.limit, offset=page.offset)
            .to_pyarrow()
            .to_pylist()
        )
    return {
        "items": [_public(b) for b in items],
        "total": total,
        "limit": page.limit,
        "offset": page.offset,
    }


@router.get(
    "/workspaces/{workspace}/batches/{batch_id}", summary="One batch and its quarantine reasons"
)
def batch_get(
    batch_id: BatchIdPath, ws: Workspace = Depends(require_role("viewer"))
) -> dict[str, Any]:
    with ws.session() as store:
        t = store.table("ingest_batch")
        found = t.filter(t.batch_id == batch_id).to_pyarrow().to_pylist()
        if not found:
            raise NotFound(f"no ingest batch {batch_id}")
        why = reasons(store, batch_id)
    return {**_public(found[0]), "quarantine_reasons": jsonable(why)}


@router.get("/workspaces/{workspace}/quarantine", summary="Quarantined rows with line and reason")
def quarantine_list(
    batch_id: BatchIdQuery = None,
    reason: Annotated[str | None, Query(max_length=200)] = None,
    ws: Workspace = Depends(require_role("viewer")),
    page: PageParams = Depends(),
) -> dict[str, Any]:
    with ws.session() as store:
        data = rows(store, batch_id, reason=reason, limit=page.offset + page.limit)
    return {"items": jsonable(data[page.offset :]), "limit": page.limit, "offset": page.offset}
