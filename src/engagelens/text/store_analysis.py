"""Fill the ``text_analysis`` table for stored rows that the chosen backend has not seen yet.

Re-runnable: rows already analysed by the same backend name are skipped (anti-join on the
table key), and every stored row records the backend's name and version so a score can be
traced to the exact weights that produced it.
"""

from __future__ import annotations

import datetime as dt

import ibis

from engagelens.errors import TextError

from .base import SentimentBackend
from .pipeline import analyze
from .registry import get_backend

#: source table → (id column, text column, post column or None, time column): the post and
#: time let the quality step tell copy-paste across posts from fans repeating a phrase
SOURCES: dict[str, tuple[str, str, str | None, str]] = {
    "interaction": ("interaction_id", "text", "content_id", "occurred_at"),
    "mention": ("mention_id", "text", None, "created_at"),
}
BATCH_ROWS = 20_000


def pending(store, source_table: str, backend_name: str):
    """Ibis expression: (platform, source_id, text, post, at) rows with text not analysed by
    the backend."""
    id_col, text_col, post_col, time_col = SOURCES[source_table]
    t = store.table(source_table)
    t = t.filter(t[text_col].notnull() & (t[text_col].length() > 0))
    done = store.table("text_analysis")
    done = done.filter((done.source_table == source_table) & (done.backend == backend_name))
    post = t[post_col].cast("string") if post_col else ibis.null("string")
    rows = t.select(
        platform=t.platform,
        source_id=t[id_col].cast("string"),
        text=t[text_col],
        post=post,
        at=t[time_col],
    )
    rows = rows.anti_join(done, [rows.platform == done.platform, rows.source_id == done.source_id])
    return rows.order_by(["platform", "source_id"])


def analyze_store(
    store,
    source_table: str | None = None,
    backend: str | SentimentBackend | None = None,
) -> int:
    """Analyse new rows of ``source_table`` (default: interaction and mention); return how
    many rows were added to ``text_analysis``."""
    tables = [source_table] if source_table else list(SOURCES)
    unknown = [t for t in tables if t not in SOURCES]
    if unknown:
        raise TextError(f"cannot analyse table {unknown[0]!r}; choose one of {sorted(SOURCES)}")
    be = get_backend(backend)
    added = 0
    for table in tables:
        if not store.has_table(table):
            continue
        todo = pending(store, table, be.name).to_pyarrow()
        platforms = todo.column("platform").to_pylist()
        ids = todo.column("source_id").to_pylist()
        texts = todo.column("text").to_pylist()
        posts = todo.column("post").to_pylist() if SOURCES[table][2] else None
        times = todo.column("at").to_pylist()
        for start in range(0, len(ids), BATCH_ROWS):
            stop = start + BATCH_ROWS
            results = analyze(
                texts[start:stop],
                be,
                posts=posts[start:stop] if posts is not None else None,
                times=times[start:stop],
            )
            now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
            rows = [
                {
                    "source_table": table,
                    "platform": p,
                    "source_id": i,
                    "backend": be.name,
                    "backend_version": be.version,
                    "analyzed_at": now,
                    **r,
                }
                for p, i, r in zip(platforms[start:stop], ids[start:stop], results, strict=True)
            ]
            added += store.insert("text_analysis", rows)
    return added


__all__ = ["BATCH_ROWS", "SOURCES", "analyze_store", "pending"]
