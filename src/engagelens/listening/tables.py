"""Tables the listening layer owns, registered with the model so the store creates them.

Import this module before ``Store.open`` (every listening module does); :func:`ensure` adds
them to a store that was opened earlier.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engagelens.model.tables import Column, TableSpec, register_table

if TYPE_CHECKING:  # pragma: no cover
    from engagelens.store import Store

QUERY_KINDS = ("brand", "competitor", "product", "campaign", "topic")

LISTENING_QUERY = register_table(
    TableSpec(
        "listening_query",
        (
            Column("name", "string", True, "short name, e.g. a brand"),
            Column("query", "string", True, "boolean query (docs/listening.md)"),
            Column(
                "kind",
                "string",
                True,
                "what it tracks; brand and competitor queries make up share of voice",
                choices=QUERY_KINDS,
            ),
            Column("ignore_accents", "boolean", description="diacritics-insensitive (Vietnamese)"),
            Column("segment_chinese", "boolean", description="match Chinese on jieba segments"),
            Column("version", "string", True, "hash of query and options; a change re-runs it"),
            Column("last_run_version", "string", description="version whose matches are stored"),
            Column("created_at", "timestamp"),
            Column("updated_at", "timestamp"),
        ),
        key=("name",),
        description="A named listening query.",
        ingestible=False,
    )
)

LISTENING_MATCH = register_table(
    TableSpec(
        "listening_match",
        (
            Column("query", "string", True),
            Column("platform", "string", True),
            Column("mention_id", "string", True),
            Column("matched_terms", "string", description="JSON list of the query words found"),
            Column("query_version", "string"),
            Column("matched_at", "timestamp"),
        ),
        key=("query", "platform", "mention_id"),
        description="A mention matched by a listening query.",
        ingestible=False,
    )
)

LISTENING_SEEN = register_table(
    TableSpec(
        "listening_seen",
        (
            Column("platform", "string", True),
            Column("mention_id", "string", True),
            Column("seen_at", "timestamp"),
        ),
        key=("platform", "mention_id"),
        description="Mentions every current query has been run on (makes runs incremental).",
        ingestible=False,
    )
)

ALERT_RULE = register_table(
    TableSpec(
        "alert_rule",
        (
            Column("name", "string", True),
            Column(
                "kind",
                "string",
                True,
                choices=(
                    "spike",
                    "negative_spike",
                    "negative_share",
                    "author_followers",
                    "keyword",
                ),
            ),
            Column(
                "query",
                "string",
                description="listening query the rule watches (none: all mentions)",
            ),
            Column("threshold", "float64", description="share (0.4), followers (10000) or k·σ"),
            Column(
                "keyword",
                "string",
                description="keyword rule: a query expression, e.g. refund OR lawsuit",
            ),
            Column(
                "min_mentions",
                "int64",
                description="negative share needs at least this many mentions",
            ),
            Column(
                "channels",
                "string",
                description="JSON list: stdout, log, webhook URL, email address",
            ),
            Column("enabled", "boolean"),
            Column("created_at", "timestamp"),
        ),
        key=("name",),
        description="When to alert and where to deliver it.",
        ingestible=False,
    )
)

ALERT_EVENT = register_table(
    TableSpec(
        "alert_event",
        (
            Column("event_id", "string", True),
            Column("rule", "string", True),
            Column(
                "dedup_key",
                "string",
                True,
                "rule + subject; equal keys within the cool-down are suppressed",
            ),
            Column("fired_at", "timestamp", True),
            Column("status", "string", True, choices=("sent", "suppressed", "failed")),
            Column("title", "string"),
            Column("payload", "string", description="JSON sent to every channel"),
            Column("deliveries", "string", description="JSON: channel -> ok or the error"),
        ),
        key=("event_id",),
        description="Alert history, including suppressed duplicates.",
        ingestible=False,
    )
)

ALERT_SEEN = register_table(
    TableSpec(
        "alert_seen",
        (
            Column("platform", "string", True),
            Column("mention_id", "string", True),
            Column("seen_at", "timestamp"),
        ),
        key=("platform", "mention_id"),
        description="Mentions the per-mention alert rules have looked at.",
        ingestible=False,
    )
)

OWN_TABLES = (LISTENING_QUERY, LISTENING_MATCH, LISTENING_SEEN, ALERT_RULE, ALERT_EVENT, ALERT_SEEN)


def ensure(store: Store) -> None:
    """Create the listening tables in a store opened before this module was imported."""
    if all(store.has_table(t.name) for t in OWN_TABLES):
        return
    from engagelens.store.migrations import migrate

    migrate(store)


def replace_rows(store: Store, name: str, keep: Any, add: Any = None) -> None:
    """Rewrite ``name`` keeping rows where the Ibis predicate ``keep`` holds, plus ``add``.

    The Store API has no DELETE (only ``store/`` writes SQL), so small tables are rewritten
    through Arrow inside one transaction.
    """
    with store.transaction():
        table = store.table(name)
        kept = table.filter(keep).to_pyarrow() if keep is not None else None
        store.truncate(name)
        if kept is not None and kept.num_rows:
            store.insert(name, kept)
        if add:
            store.insert(name, add)


def rows(store: Store, name: str) -> list[dict[str, Any]]:
    ensure(store)
    return store.table(name).to_pyarrow().to_pylist()


__all__ = sorted(
    [
        "ALERT_EVENT",
        "ALERT_RULE",
        "ALERT_SEEN",
        "LISTENING_MATCH",
        "LISTENING_QUERY",
        "LISTENING_SEEN",
        "OWN_TABLES",
        "QUERY_KINDS",
        "ensure",
        "replace_rows",
        "rows",
    ]
)
