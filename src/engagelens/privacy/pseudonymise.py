"""Pseudonymise every author in the store with a keyed HMAC (:mod:`.keys`).

Every id in the catalog's columns (:mod:`.catalog`) becomes ``anon-`` + HMAC(key, kind,
platform, id); the same author gets the same pseudonym in every table, so joins, per-author
counts, the ladder, advocates and RFM give exactly the answers they gave before, under other
names. Handles and display names (``account.handle``, ``account.name``,
``mention.author_handle``) are cleared with the id, since they identify as well as the id
does. Text stays: listening and text analysis need it; it may still name people (GDPR
recital 26: pseudonymised data is still personal data — this lowers the risk, it does not
anonymise).

Not pseudonymised: the brand's own and competitors' accounts (``is_own``/``is_competitor``:
organisations, and the dashboards need their names) and values already pseudonymised
(``anon-…``, so a second run changes only new authors). Identity links are mapped with the
same key, so persons survive; link new mapping files *before* pseudonymising (their raw ids
would not match afterwards).
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections import Counter
from typing import TYPE_CHECKING, Any

from .catalog import CATALOG
from .keys import is_pseudonym, pseudonym
from .tables import PRIVACY_LEDGER, ensure

if TYPE_CHECKING:  # pragma: no cover
    from engagelens.store import Store

_HANDLES = {"account": ("handle", "name"), "mention": ("author_handle",)}


def _organisations(store: Store) -> set[tuple[str, str]]:
    a = store.table("account")
    a = a.filter(a.is_own.fill_null(False) | a.is_competitor.fill_null(False))
    return {(r["platform"], r["account_id"]) for r in a.to_pyarrow().to_pylist()}


def pseudonymise_authors(
    store: Store,
    *,
    key: bytes,
    batch_id: int | None = None,
    requested_by: str | None = None,
    now: dt.datetime | None = None,
) -> dict[str, int]:
    """Replace author and customer ids by keyed pseudonyms; rows rewritten per table.

    ``batch_id`` limits the work to one ingest batch's rows (the ingest-time setting)."""
    from engagelens.audience.tables import ensure as ensure_links

    ensure(store)
    ensure_links(store)
    orgs = _organisations(store)
    rows: Counter = Counter()
    with store.transaction():
        for pc in CATALOG:
            if not store.has_table(pc.table):
                continue
            t = store.table(pc.table)
            if batch_id is not None:
                t = t.filter(t.batch_id == batch_id)
            t = t.filter(t[pc.column].notnull())
            mapping: dict[tuple[Any, ...], str]
            if pc.kind == "account":
                pairs = t.select("platform", pc.column).distinct().to_pyarrow().to_pylist()
                mapping = {
                    (r["platform"], r[pc.column]): pseudonym(
                        key, "account", r["platform"], r[pc.column]
                    )
                    for r in pairs
                    if not is_pseudonym(r[pc.column]) and (r["platform"], r[pc.column]) not in orgs
                }
                by: tuple[str, ...] = ("platform",)
            else:
                ids = t.select(pc.column).distinct().to_pyarrow().column(0).to_pylist()
                mapping = {(i,): pseudonym(key, pc.kind, i) for i in ids if not is_pseudonym(i)}
                by = ()
            if mapping:
                rows[pc.table] += store.map_values(
                    pc.table, pc.column, mapping, by=by, clear=_HANDLES.get(pc.table, ())
                )
        rows["person_link"] += _links(store, key, orgs)
        store.insert(
            PRIVACY_LEDGER.name,
            [
                {
                    "request_id": uuid.uuid4().hex,
                    "action": "pseudonymise",
                    "rows": json.dumps(dict(sorted((k, v) for k, v in rows.items() if v))),
                    "requested_by": requested_by,
                    "performed_at": now or dt.datetime.now(dt.UTC).replace(tzinfo=None),
                }
            ],
        )
    return {k: v for k, v in sorted(rows.items()) if v}


def _links(store: Store, key: bytes, orgs: set[tuple[str, str]]) -> int:
    links = store.table("person_link").to_pyarrow().to_pylist()
    accounts: dict[tuple[Any, ...], str] = {}
    others: dict[tuple[Any, ...], str] = {}
    for m in links:
        ident = m["identifier"]
        if is_pseudonym(ident):
            continue
        if m["kind"] == "account":
            if (m["platform"], ident) not in orgs:
                accounts[("account", m["platform"], ident)] = pseudonym(
                    key, "account", m["platform"], ident
                )
        else:  # a customer gets the pseudonym its orders get, so links still match them
            others[(m["kind"], ident)] = pseudonym(key, m["kind"], ident)
    n = store.map_values("person_link", "identifier", accounts, by=("kind", "platform"))
    return n + store.map_values("person_link", "identifier", others, by=("kind",))


__all__ = ["pseudonymise_authors"]
