"""Named queries in the store, and incremental runs of them over the mention table.

A run is incremental: a query whose stored matches were made by its current version only
looks at mentions no run has seen yet (``listening_seen``); a new or edited query (its
``version`` hash differs from ``last_run_version``) is re-run on every mention and its old
matches are replaced.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import ibis

from engagelens.errors import ConfigError, NotFound
from engagelens.model.names import check_name

from .engine import Engine, QuerySpec
from .fold import FoldOptions
from .query import parse
from .tables import QUERY_KINDS, ensure, replace_rows, rows

if TYPE_CHECKING:  # pragma: no cover
    from engagelens.store import Store

_BATCH_ROWS = 50_000


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def query_version(query: str, options: FoldOptions) -> str:
    blob = json.dumps([query, options.ignore_accents, options.segment_chinese])
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def add_query(
    store: Store,
    name: str,
    query: str,
    *,
    kind: str = "brand",
    ignore_accents: bool = False,
    segment_chinese: bool = False,
) -> dict[str, Any]:
    """Create or replace the query ``name`` (validated first: errors carry the column)."""
    check_name(name, "a listening query")
    if kind not in QUERY_KINDS:
        raise ConfigError(f"kind must be one of {', '.join(QUERY_KINDS)}, not {kind!r}")
    parse(query)
    ensure(store)
    options = FoldOptions(ignore_accents, segment_chinese)
    old = {r["name"]: r for r in rows(store, "listening_query")}.get(name)
    now = _now()
    row = {
        "name": name,
        "query": query,
        "kind": kind,
        "ignore_accents": ignore_accents,
        "segment_chinese": segment_chinese,
        "version": query_version(query, options),
        "last_run_version": old["last_run_version"] if old else None,
        "created_at": old["created_at"] if old else now,
        "updated_at": now,
    }
    t = store.table("listening_query")
    replace_rows(store, "listening_query", t.name != name, [row])
    return row


def remove_query(store: Store, name: str) -> None:
    """Delete a query and its matches."""
    ensure(store)
    if name not in {r["name"] for r in rows(store, "listening_query")}:
        raise NotFound(f"no listening query named {name!r}")
    replace_rows(store, "listening_query", store.table("listening_query").name != name)
    replace_rows(store, "listening_match", store.table("listening_match").query != name)


def save_query(
    store: Store,
    name: str,
    query: str,
    *,
    kind: str = "brand",
    ignore_accents: bool = False,
    segment_chinese: bool = False,
    replaces: str | None = None,
) -> tuple[dict[str, Any], RunSummary]:
    """Create or edit a query from the dashboard or the API and run it at once, so its
    matches are there when the page reloads. ``replaces``: the old name of a renamed query
    (removed with its matches once the new one is valid and saved)."""
    name = name.strip()
    if replaces and replaces != name:  # checked before anything is saved
        check_name(replaces, "the renamed query")
        if replaces not in {r["name"] for r in rows(store, "listening_query")}:
            raise NotFound(f"no listening query named {replaces!r} to rename")
    row = add_query(
        store,
        name,
        query,
        kind=kind,
        ignore_accents=ignore_accents,
        segment_chinese=segment_chinese,
    )
    if replaces and replaces != name:
        remove_query(store, replaces)
    return row, run(store)


def queries_key(store: Store) -> tuple[tuple[str, str, str | None], ...]:
    """(name, version, last run version) of every query: part of every cached listening
    answer's key, so a query saved, edited, run or removed (here or by the CLI) is seen at once
    although no ingest batch changed."""
    return tuple((q["name"], q["version"], q["last_run_version"]) for q in list_queries(store))


def list_queries(store: Store) -> list[dict[str, Any]]:
    return sorted(rows(store, "listening_query"), key=lambda r: r["name"])


def specs(store: Store) -> list[QuerySpec]:
    return [
        QuerySpec(
            r["name"],
            r["query"],
            FoldOptions(bool(r["ignore_accents"]), bool(r["segment_chinese"])),
        )
        for r in list_queries(store)
    ]


@dataclass(frozen=True)
class RunSummary:
    queries: int
    queries_rerun: int
    mentions_scanned: int
    mentions_new: int
    matches_stored: int
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def mention_rows(store: Store, *, only_new: bool):
    """Batches of mentions (platform, mention_id, created_at, text, language, is_new) to match; the
    language is the source's, else the text layer's (``text_analysis``); ``is_new``: no run
    has seen the mention yet."""
    m = store.table("mention")
    cols = m.select("platform", "mention_id", "created_at", "text", "language")
    if store.has_table("text_analysis"):
        ta = store.table("text_analysis")
        ta = (
            ta.filter(ta.source_table == "mention")
            .group_by(platform=ta.platform, mention_id=ta.source_id)
            .agg(detected=ta.language.max())
        )
        cols = cols.left_join(ta, ["platform", "mention_id"]).select(
            "platform",
            "mention_id",
            "created_at",
            "text",
            language=cols.language.fill_null(ta.detected),
        )
    seen = store.table("listening_seen")
    if only_new:
        cols = cols.anti_join(seen, ["platform", "mention_id"]).mutate(is_new=ibis.literal(True))
    else:
        flags = seen.select(s_platform=seen.platform, s_id=seen.mention_id).distinct()
        cols = cols.left_join(
            flags, [cols.platform == flags.s_platform, cols.mention_id == flags.s_id]
        )
        cols = cols.select(
            "platform",
            "mention_id",
            "created_at",
            "text",
            "language",
            is_new=cols.s_id.isnull(),
        )
    # one Arrow table cut into batches: ibis' streaming batches warn on duckdb 1.5
    return cols.to_pyarrow().to_batches(max_chunksize=_BATCH_ROWS)


#: interaction kinds that are mentions of the brand (tagged or named) and are listened to
MENTION_KINDS = ("mention", "tag")


def import_interaction_mentions(store: Store) -> int:
    """Copy interactions of kind mention/tag (with text) into ``mention`` once, so that
    listening and its measures see tagged mentions from every channel. Returns rows added."""
    i, m = store.table("interaction"), store.table("mention")
    new = (
        i.filter(i.kind.isin(MENTION_KINDS) & i.text.notnull())
        .select(
            platform=i.platform,
            mention_id=i.interaction_id,
            author_id=i.actor_id,
            author_followers=i.actor_followers,
            created_at=i.occurred_at,
            text=i.text,
            batch_id=i.batch_id,
        )
        .anti_join(m, ["platform", "mention_id"])
        .distinct(on=["platform", "mention_id"], keep="first")
    )
    rows_ = new.to_pyarrow()
    return store.insert("mention", rows_) if rows_.num_rows else 0


def run(store: Store, *, full: bool = False) -> RunSummary:
    """Run every stored query over the mentions it has not seen (``full``: over all).
    Interactions of kind mention/tag are brought into ``mention`` first."""
    started = time.perf_counter()
    ensure(store)
    import_interaction_mentions(store)
    queries = list_queries(store)
    stale = {q["name"] for q in queries if full or q["last_run_version"] != q["version"]}
    versions = {q["name"]: q["version"] for q in queries}
    engine = Engine(specs(store)) if queries else None
    matches: list[dict[str, Any]] = []
    new_seen: list[dict[str, Any]] = []
    scanned = 0
    now = _now()
    if engine is not None:
        for batch in mention_rows(store, only_new=not stale):
            records = batch.to_pylist()
            scanned += len(records)
            for n, name, terms in engine.match_rows(records):
                r = records[n]
                if name in stale or r["is_new"]:
                    matches.append(
                        {
                            "query": name,
                            "platform": r["platform"],
                            "mention_id": r["mention_id"],
                            "matched_terms": json.dumps(terms, ensure_ascii=False),
                            "query_version": versions[name],
                            "matched_at": now,
                        }
                    )
            new_seen += [
                {"platform": r["platform"], "mention_id": r["mention_id"], "seen_at": now}
                for r in records
                if r["is_new"]
            ]
    else:
        for batch in mention_rows(store, only_new=True):
            new_seen += [
                {"platform": p, "mention_id": i, "seen_at": now}
                for p, i in zip(
                    batch.column("platform").to_pylist(),
                    batch.column("mention_id").to_pylist(),
                    strict=True,
                )
            ]
    with store.transaction():
        names = set(versions)
        drop = stale | (_stored_queries(store) - names)
        if drop:
            t = store.table("listening_match")
            replace_rows(store, "listening_match", ~t.query.isin(sorted(drop)))
        if matches:
            store.insert("listening_match", matches)
        if new_seen:
            store.insert("listening_seen", _dedupe(new_seen))
        if stale:
            updated = [{**q, "last_run_version": q["version"]} for q in queries]
            replace_rows(store, "listening_query", None, updated)
    return RunSummary(
        len(queries),
        len(stale),
        scanned,
        len(new_seen),
        len(matches),
        time.perf_counter() - started,
    )


def _stored_queries(store: Store) -> set[str]:
    t = store.table("listening_match")
    return set(t.select("query").distinct().to_pyarrow().column("query").to_pylist())


def _dedupe(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out, keys = [], set()
    for item in items:
        key = (item["platform"], item["mention_id"])
        if key not in keys:
            keys.add(key)
            out.append(item)
    return out


def try_query(
    query: str,
    texts: list[str],
    *,
    ignore_accents: bool = False,
    segment_chinese: bool = False,
    **meta: Any,
) -> list[list[str] | None]:
    """Matched terms per text (None: no match) — for trying a query before saving it."""
    engine = Engine([QuerySpec("q", query, FoldOptions(ignore_accents, segment_chinese))])
    return [engine.match(t, **meta).get("q") for t in texts]


__all__ = sorted(
    [
        "MENTION_KINDS",
        "RunSummary",
        "add_query",
        "import_interaction_mentions",
        "list_queries",
        "mention_rows",
        "queries_key",
        "save_query",
        "query_version",
        "remove_query",
        "run",
        "specs",
        "try_query",
    ]
)
