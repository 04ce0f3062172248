"""Parquet: staged by the store keeping its types (no text round trip); record = row number."""

from __future__ import annotations

from pathlib import Path

from engagelens.errors import UnreadableFile
from engagelens.store import bulk

from .base import Request, Staging

EXTENSIONS = (".parquet", ".pq")


def sniff(path: Path) -> bool:
    with path.open("rb") as f:
        return f.read(4) == b"PAR1"


def parquet_columns(path: Path) -> list[str]:
    import pyarrow.parquet as pq

    try:
        return list(pq.read_schema(path).names)
    except Exception as exc:
        raise UnreadableFile(f"{path.name}: not a readable Parquet file ({exc})") from exc


def stage(req: Request) -> Staging:
    staged = bulk.stage_parquet(req.store, str(req.path), columns=parquet_columns(req.path))
    return Staging(staged, 0, req.format, False)


__all__ = sorted(["EXTENSIONS", "parquet_columns", "sniff", "stage"])
