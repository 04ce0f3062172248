"""Small tables a user hands to one command — an identity mapping, experiment observations,
order transactions — read the same way everywhere: CSV, TSV, JSON Lines or Parquet, by suffix.

Why not ingest: these files are arguments of a computation, not batches to keep; they need no
ledger or quarantine, only one clear error when they cannot be read.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .errors import UnreadableFile


def read_side_file(path: str | Path, what: str, *, as_text: bool = False) -> Any:
    """A polars DataFrame of ``path``; ``as_text`` keeps every CSV cell as text (ids such as
    ``007`` stay ``007``). ``what`` names the file in errors ("mapping", "transactions")."""
    import polars as pl

    p = Path(path)
    if not p.is_file():
        raise UnreadableFile(f"{what} file not found: {p}")
    suffix = p.suffix.lower()
    try:
        if suffix == ".parquet":
            return pl.read_parquet(p)
        if suffix in {".jsonl", ".ndjson"}:
            return pl.read_ndjson(p)
        separator = "\t" if suffix == ".tsv" else ","
        if as_text:
            return pl.read_csv(p, separator=separator, infer_schema=False)
        return pl.read_csv(p, separator=separator, infer_schema_length=None)
    except Exception as exc:
        raise UnreadableFile(f"{p}: cannot read the {what} ({exc})") from exc


__all__ = ["read_side_file"]
