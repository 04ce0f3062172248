"""Forget one person (GDPR art. 17): every row that identifies them, in every table.

The subject is named by one platform account (``x:12345``); the person it belongs to
(``audience link``, :mod:`engagelens.audience.identity`) brings their other accounts and
customer ids, since the request is about a person, not an account. Two modes:

* ``delete`` — their interactions, mentions, accounts, account snapshots, content and orders
  are deleted, with what was derived from those rows (text analysis, listening matches, inbox
  state, content snapshots);
* ``pseudonymise`` — the rows stay, so every count and sum is unchanged, but the id becomes
  one random ``forgotten-…`` value (unlinkable: not derived from the id or any key, so the same
  person in a later export is a different author) and their text, handles, URLs and location
  are cleared. Use it where records must be kept (orders for accounting).

In both modes their identity links are deleted, and quarantined rows and alert payloads that
hold one of their ids are deleted or emptied (an exact match on a field; quarantined rows are
unusable anyway, so an over-match costs nothing). Everything happens in one transaction, and
the ledger records the request with the subject as its keyed pseudonym and the rows per table.

Not covered, by design and documented in docs/privacy.md: backups taken before the request,
files exported from EngageLens, and the platforms' own copies.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib
import json
import re
import secrets
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from engagelens.errors import ConfigError, NotFound
from engagelens.model.names import check_printable

from .catalog import CATALOG, DERIVED, OTHER_KINDS, ROW_IDS
from .keys import pseudonym
from .tables import PRIVACY_LEDGER, ensure

if TYPE_CHECKING:  # pragma: no cover
    from engagelens.store import Store

MODES = ("delete", "pseudonymise")
#: tables whose rows others derive from, and the column naming the person in each
_SOURCES = (("interaction", "actor_id"), ("mention", "author_id"), ("content", "account_id"))
#: layers whose tables hold derived rows; imported so their declarations are known
_LAYERS = ("engagelens.listening.tables", "engagelens.engage.tables", "engagelens.audience.tables")


@dataclass(frozen=True)
class ForgetReport:
    request_id: str
    mode: str
    subject: str  # keyed pseudonym of the account named in the request
    accounts: int  # accounts of the person
    customers: int
    rows: dict[str, int] = field(default_factory=dict)  # table -> rows deleted or rewritten

    def to_dict(self) -> dict[str, Any]:
        return {
            "request_id": self.request_id,
            "mode": self.mode,
            "subject": self.subject,
            "accounts": self.accounts,
            "customers": self.customers,
            "rows": dict(sorted(self.rows.items())),
        }


def parse_author(value: str) -> tuple[str, str]:
    """``PLATFORM:ID`` split at the first colon (ids may contain colons)."""
    platform, sep, author = (value or "").partition(":")
    if not sep or not platform.strip() or not author.strip():
        raise ConfigError(f"an author is PLATFORM:ID (e.g. x:12345), not {value!r}")
    check_printable(value, "the author")
    return platform.strip().lower(), author.strip()


def subject_ref(key: bytes, platform: str, author_id: str) -> str:
    return pseudonym(key, "subject", platform, author_id)


def _person(store: Store, platform: str, author_id: str) -> tuple[set, set, str | None]:
    """(accounts, customer ids, person id) of the person holding this account."""
    from engagelens.audience.tables import ensure as ensure_links

    ensure_links(store)
    links = store.table("person_link")
    hit = links.filter(
        (links.kind == "account") & (links.platform == platform) & (links.identifier == author_id)
    )
    ids = hit.person_id.to_pyarrow().to_pylist()
    accounts: set[tuple[str, str]] = {(platform, author_id)}
    customers: set[str] = set()
    if not ids:
        return accounts, customers, None
    members = links.filter(links.person_id == ids[0]).to_pyarrow().to_pylist()
    for m in members:
        if m["kind"] == "account":
            accounts.add((m["platform"], m["identifier"]))
        elif m["kind"] == "customer":
            customers.add(m["identifier"])
    return accounts, customers, ids[0]


def _holds(text: str | None, ids: set[str]) -> bool:
    """Whether a JSON document (or a delimited line) has a field exactly equal to one of ids."""
    if not text:
        return False
    try:
        doc = json.loads(text)
    except ValueError:
        return any(f.strip().strip("\"'") in ids for f in re.split(r"[,\t;|]", text))
    stack = [doc]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
        elif node is not None and str(node) in ids:
            return True
    return False


def _row_ids(store: Store, table: str, column: str, accounts: set) -> dict[str, set[str]]:
    """platform -> ids (``ROW_IDS[table]``) of the rows the person's accounts hold."""
    if not store.has_table(table):
        return {}
    t = store.table(table)
    out: dict[str, set[str]] = {}
    for platform, author in accounts:
        rows = t.filter((t.platform == platform) & (t[column] == author))
        out[platform] = set(rows[ROW_IDS[table]].to_pyarrow().to_pylist())
    return out


def _scrub(store: Store, ids: set[str], mode: str, rows: Counter) -> None:
    if store.has_table("quarantine"):
        q = store.table("quarantine").select("batch_id", "line", "source", "raw")
        for r in q.to_pyarrow().to_pylist():
            if _holds(r["raw"], ids):
                rows["quarantine"] += store.delete_rows(
                    "quarantine", {"batch_id": r["batch_id"], "line": r["line"],
                                   "source": r["source"]}
                )  # fmt: skip
    if store.has_table("alert_event"):
        a = store.table("alert_event").select("event_id", "payload")
        for r in a.to_pyarrow().to_pylist():
            if _holds(r["payload"], ids):
                rows["alert_event"] += store.update_rows(
                    "alert_event", {"event_id": r["event_id"]}, {"payload": None}
                )


def forget_author(
    store: Store,
    author: str,
    *,
    key: bytes,
    mode: str = "delete",
    customers: tuple[str, ...] = (),
    others: dict[str, tuple[str, ...]] | None = None,
    requested_by: str | None = None,
    now: dt.datetime | None = None,
) -> ForgetReport:
    """Forget the person holding ``author`` (``PLATFORM:ID``), with ``customers`` and the
    ``others`` ids they hold (``{"visitor": (...), "recipient": (...), "respondent": (...)}``:
    web visitor, e-mail recipient and survey respondent ids); see the module."""
    unknown = set(others or {}) - set(OTHER_KINDS)
    if unknown:
        raise ConfigError(f"unknown id kinds {sorted(unknown)}; known: {', '.join(OTHER_KINDS)}")
    if mode not in MODES:
        raise ConfigError(f"mode must be delete or pseudonymise, not {mode!r}")
    if not store.is_duckdb:
        raise ConfigError("forgetting a person needs a DuckDB store (row-level deletes)")
    for layer in _LAYERS:
        with contextlib.suppress(ModuleNotFoundError):
            importlib.import_module(layer)
    ensure(store)
    platform, author_id = parse_author(author)
    accounts, linked_customers, person = _person(store, platform, author_id)
    all_customers = linked_customers | set(customers)
    by_kind = {k: {str(v) for v in (others or {}).get(k, ())} for k in OTHER_KINDS}
    by_kind["customer"] |= all_customers
    found = sum(
        _count(store, pc.table, pc.column, accounts, by_kind.get(pc.kind, set()), pc.kind)
        for pc in CATALOG
    )
    if not found and person is None:
        raise NotFound(f"no rows of {platform}:{author_id} in this store")
    rows: Counter = Counter()
    replacement = "forgotten-" + secrets.token_hex(10)
    with store.transaction():
        derived_ids = {t: _row_ids(store, t, c, accounts) for t, c in _SOURCES}
        responses = _responses(store, by_kind["respondent"])
        for pc in CATALOG:
            ids = by_kind.get(pc.kind, set())
            targets = (
                [{"platform": p, pc.column: a} for p, a in sorted(accounts)]
                if pc.kind == "account"
                else ([{pc.column: sorted(ids)}] if ids else [])
            )
            for where in targets:
                if mode == "delete":
                    rows[pc.table] += store.delete_rows(pc.table, where)
                else:
                    values = {pc.column: replacement, **dict.fromkeys(pc.personal)}
                    rows[pc.table] += store.update_rows(pc.table, where, values)
        if mode == "delete":
            for source, by_platform in derived_ids.items():
                for p, ids in by_platform.items():
                    if not ids:
                        continue
                    rows["text_analysis"] += store.delete_rows(
                        "text_analysis",
                        {"source_table": source, "platform": p, "source_id": ids},
                    )
                    for table, (pcol, icol), src in DERIVED:
                        if src == source:
                            rows[table] += store.delete_rows(table, {pcol: p, icol: ids})
            if responses:
                rows["text_analysis"] += store.delete_rows(
                    "text_analysis", {"source_table": "survey_response", "source_id": responses}
                )
        if person is not None:
            rows["person_link"] += store.delete_rows("person_link", {"person_id": person})
        _scrub(store, {a for _, a in accounts}.union(*by_kind.values()), mode, rows)
        report = ForgetReport(
            request_id=uuid.uuid4().hex,
            mode=mode,
            subject=subject_ref(key, platform, author_id),
            accounts=len(accounts),
            customers=len(by_kind["customer"]),
            rows={t: n for t, n in rows.items() if n},
        )
        store.insert(
            PRIVACY_LEDGER.name,
            [
                {
                    "request_id": report.request_id,
                    "action": "forget",
                    "mode": mode,
                    "subject": report.subject,
                    "rows": json.dumps(report.to_dict()["rows"]),
                    "requested_by": requested_by,
                    "performed_at": now or dt.datetime.now(dt.UTC).replace(tzinfo=None),
                }
            ],
        )
    return report


def _responses(store: Store, respondents: set[str]) -> set[str]:
    if not respondents or not store.has_table("survey_response"):
        return set()
    t = store.table("survey_response")
    t = t.filter(t.respondent_id.isin(sorted(respondents)))
    return set(t.response_id.to_pyarrow().to_pylist())


def _count(store: Store, table: str, column: str, accounts: set, ids: set, kind: str) -> int:
    """Rows of ``table`` holding the person: by account, or by one of ``ids`` of that kind."""
    if not store.has_table(table):
        return 0
    t = store.table(table)
    if kind != "account":
        return int(t.filter(t[column].isin(sorted(ids))).count().execute()) if ids else 0
    total = 0
    for p, a in accounts:
        total += int(t.filter((t.platform == p) & (t[column] == a)).count().execute())
    return total


def ledger(store: Store, *, limit: int = 100) -> list[dict[str, Any]]:
    """The latest requests carried out, newest first (``rows`` decoded)."""
    if not store.has_table(PRIVACY_LEDGER.name):
        return []
    t = store.table(PRIVACY_LEDGER.name)
    out = t.order_by([t.performed_at.desc(), t.request_id]).limit(limit).to_pyarrow().to_pylist()
    for r in out:
        r["rows"] = json.loads(r["rows"]) if r["rows"] else {}
    return out


def was_forgotten(store: Store, author: str, *, key: bytes) -> bool:
    """Whether a forget request for this account is in the ledger (checked by pseudonym)."""
    platform, author_id = parse_author(author)
    if not store.has_table(PRIVACY_LEDGER.name):
        return False
    t = store.table(PRIVACY_LEDGER.name)
    ref = subject_ref(key, platform, author_id)
    return int(t.filter((t.action == "forget") & (t.subject == ref)).count().execute()) > 0


__all__ = sorted(
    ["MODES", "ForgetReport", "forget_author", "ledger", "parse_author", "subject_ref",
     "was_forgotten"]
)  # fmt: skip
