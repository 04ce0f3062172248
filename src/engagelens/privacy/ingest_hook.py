"""Pseudonymise at ingest: with the ``pseudonymise_authors`` setting on, each batch's author
and customer ids are replaced inside the batch's own transaction (``engagelens_before_commit``),
so a raw id is never committed to the store."""

from __future__ import annotations

from typing import Any

from engagelens import settings
from engagelens.hooks import hookimpl


@hookimpl
def engagelens_before_commit(store: Any, summary: Any) -> None:
    if not settings.get("pseudonymise_authors") or not store.is_duckdb:
        return
    from .keys import key_path, load_key
    from .pseudonymise import pseudonymise_authors

    key = load_key(key_path(store))
    pseudonymise_authors(store, key=key, batch_id=summary.batch_id, requested_by="ingest")


__all__ = ["engagelens_before_commit"]
