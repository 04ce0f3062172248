"""One person across platforms, from declared evidence only.

The same fan is ``@ana`` on X, ``ana.b`` on Instagram and customer ``C-1042`` in the shop; the
audience metrics count three people until something *declares* they are one. Evidence that
counts, each row of a mapping file naming a platform account and at least one of:

* ``person`` — a label the file uses to group rows (a CRM contact id, "ana");
* ``customer_id`` — the order system's id (``conversion.customer_id``);
* ``email_sha256`` — the SHA-256 (hex) of a **verified** e-mail address, lower-cased and
  trimmed before hashing; when the file has an ``email_verified`` column, only rows where it is
  true link by e-mail. A raw e-mail address is refused: it is never stored.

Rows sharing any identifier are the same person, transitively, which is a connected-components
problem: union-find with path compression and union by size (Tarjan 1975), near-linear in the
number of identifiers.

**Never from names.** Display names and handles are not evidence: "Ana B." on two platforms is
two people as often as one (common names, fan accounts, impersonators), a wrong merge moves one
person's comments, orders and, under GDPR, personal data into another's record, and it cannot
be audited afterwards because nobody declared it. A missed link only undercounts loyalty; a
wrong link is a data-protection incident. Hence no fuzzy matching, no handle similarity.

Guards: the SHA-256 of the empty string (an empty e-mail field hashed) is refused, and a person
with more than ``max_accounts`` accounts is an error naming the evidence that merged them — a
shared placeholder (a support address, a test customer) would otherwise make one giant person.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ibis

from engagelens.errors import ConfigError

from .tables import PERSON_LINK, ensure

if TYPE_CHECKING:  # pragma: no cover
    from engagelens.store import Store

EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_TRUE = {"1", "true", "yes", "y", "t"}
_FALSE = {"0", "false", "no", "n", "f", ""}
PERS = ("account", "person")

Member = tuple[str, str, str]  # (kind, platform, identifier); platform "" for non-accounts


class UnionFind:
    """Disjoint sets over hashable items: path compression and union by size."""

    def __init__(self) -> None:
        self.parent: dict[Any, Any] = {}
        self.size: dict[Any, int] = {}

    def add(self, x: Any) -> None:
        if x not in self.parent:
            self.parent[x] = x
            self.size[x] = 1

    def find(self, x: Any) -> Any:
        self.add(x)
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:  # compress the path
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, a: Any, b: Any) -> Any:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return ra
        if self.size[ra] < self.size[rb]:
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.size[ra] += self.size[rb]
        return ra

    def groups(self) -> list[list[Any]]:
        out: dict[Any, list[Any]] = defaultdict(list)
        for x in self.parent:
            out[self.find(x)].append(x)
        return list(out.values())


def person_id(members: list[Member]) -> str:
    """A person's id: ``p-`` and 12 hex of the SHA-256 of its smallest member, so adding a
    member later keeps the id unless the new one sorts first."""
    first = min(members)
    return "p-" + hashlib.sha256("\x1f".join(first).encode()).hexdigest()[:12]


@dataclass(frozen=True)
class LinkSummary:
    rows: int  # evidence rows read
    persons: int  # persons with at least two members
    accounts: int  # accounts linked into those persons
    largest: int  # most accounts in one person

    def to_dict(self) -> dict[str, int]:
        return {
            "rows": self.rows,
            "persons": self.persons,
            "accounts": self.accounts,
            "largest": self.largest,
        }


def _cell(value: Any) -> str:
    return "" if value is None else str(value).strip()


def evidence_members(row: dict[str, Any], line: int, where: str) -> list[Member]:
    """The identifiers one mapping row declares (checked); a row must link at least two."""
    platform, author = _cell(row.get("platform")), _cell(row.get("author_id"))
    members: list[Member] = []
    if platform or author:
        if not (platform and author):
            raise ConfigError(f"{where} line {line}: platform and author_id go together")
        members.append(("account", platform.lower(), author))
    if label := _cell(row.get("person")):
        members.append(("label", "", label))
    if customer := _cell(row.get("customer_id")):
        members.append(("customer", "", customer))
    email = _cell(row.get("email_sha256")).lower()
    verified = _cell(row.get("email_verified")).lower() if "email_verified" in row else "true"
    if verified not in _TRUE | _FALSE:
        raise ConfigError(f"{where} line {line}: email_verified must be true or false")
    if email:
        if "@" in email:
            raise ConfigError(
                f"{where} line {line}: email_sha256 holds an e-mail address; give its "
                "SHA-256 (hex) instead, the address itself is never stored"
            )
        if not _HEX64.match(email):
            raise ConfigError(f"{where} line {line}: email_sha256 is not 64 hex characters")
        if email == EMPTY_SHA256:
            raise ConfigError(f"{where} line {line}: email_sha256 is the hash of an empty string")
        if verified in _TRUE:
            members.append(("email_sha256", "", email))
    for kind, _, ident in members:
        if len(ident) > 500:
            raise ConfigError(f"{where} line {line}: {kind} longer than 500 characters")
    if len(members) < 2 and not (members and verified in _FALSE and email):
        raise ConfigError(
            f"{where} line {line}: declares no link (give an account and at least one of "
            "person, customer_id, email_sha256)"
        )
    return members


def read_mapping(path: str | Path) -> list[dict[str, Any]]:
    """Rows of a CSV/TSV/JSONL/Parquet mapping file, every cell as text."""
    from engagelens.sidefiles import read_side_file

    frame = read_side_file(path, "mapping", as_text=True)
    p = Path(path)
    known = {"platform", "author_id", "person", "customer_id", "email_sha256", "email_verified"}
    unknown = sorted(set(frame.columns) - known)
    if unknown:
        raise ConfigError(f"{p}: unknown columns {unknown}; a mapping has {sorted(known)}")
    if not {"person", "customer_id", "email_sha256"} & set(frame.columns):
        raise ConfigError(f"{p}: needs a person, customer_id or email_sha256 column")
    return frame.to_dicts()


def link_persons(
    store: Store,
    rows: list[dict[str, Any]],
    *,
    source: str = "",
    replace: bool = True,
    max_accounts: int = 50,
    now: dt.datetime | None = None,
) -> LinkSummary:
    """Link persons from mapping ``rows`` and store them in ``person_link``.

    ``replace`` (the default) makes the table exactly what these rows declare; otherwise the
    stored links are kept as evidence too and the persons are recomputed over both.
    """
    ensure(store)
    uf = UnionFind()
    where = source or "mapping"
    for line, row in enumerate(rows, start=2):
        members = evidence_members(row, line, where)
        for m in members:
            uf.add(m)
        for m in members[1:]:
            uf.union(members[0], m)
    sources: dict[Member, str] = {}
    if not replace:
        stored = store.table("person_link").to_pyarrow().to_pylist()
        by_person: dict[str, list[Member]] = defaultdict(list)
        for r in stored:
            m = (r["kind"], r["platform"] or "", r["identifier"])
            by_person[r["person_id"]].append(m)
            sources[m] = r["source"] or ""
        for members in by_person.values():
            for m in members:
                uf.add(m)
                uf.union(members[0], m)
    now = now or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    out: list[dict[str, Any]] = []
    persons = accounts = largest = 0
    for group in uf.groups():
        n_acc = sum(m[0] == "account" for m in group)
        if n_acc > max_accounts:
            evidence = sorted(m for m in group if m[0] != "account")[:3]
            raise ConfigError(
                f"{where}: one person would hold {n_acc} accounts (more than {max_accounts}); "
                f"check shared evidence such as {evidence}"
            )
        if len(group) < 2:
            continue
        pid = person_id(group)
        persons += 1
        accounts += n_acc
        largest = max(largest, n_acc)
        for kind, platform, ident in sorted(group):
            out.append(
                {
                    "person_id": pid,
                    "kind": kind,
                    "platform": platform or None,
                    "identifier": ident,
                    "source": sources.get((kind, platform, ident), source) or None,
                    "linked_at": now,
                }
            )
    with store.transaction():
        store.truncate(PERSON_LINK.name)
        if out:
            store.insert(PERSON_LINK.name, out)
    return LinkSummary(len(rows), persons, accounts, largest)


def _links(store: Store) -> ibis.Table:
    """The stored links; none (an empty table, nothing created) in a store without the table,
    so reading per person never writes — a read-only store works too."""
    if store.has_table(PERSON_LINK.name):
        return store.table(PERSON_LINK.name)
    return ibis.memtable(
        {c: [] for c in PERSON_LINK.column_names}, schema=PERSON_LINK.ibis_schema()
    )


def account_persons(store: Store) -> ibis.Table:
    """(``_lp``, ``_la``, ``_person``): the person of every linked platform account."""
    links = _links(store)
    links = links.filter(links.kind == "account")
    return links.select(_lp="platform", _la="identifier", _person="person_id")


def with_person(store: Store, t: ibis.Table, actor: str = "actor_id") -> ibis.Table:
    """``t`` with a ``person_id`` column: the linked person, or ``platform:actor`` for an
    account nobody linked (it is its own person)."""
    links = account_persons(store)
    j = t.left_join(links, [t.platform == links._lp, t[actor] == links._la])
    j = j.mutate(person_id=j._person.fill_null(j.platform.concat(":", j[actor])))
    return j.drop("_lp", "_la", "_person")


def audience_interactions(store: Store, per: str = "account") -> ibis.Table:
    """The audience's interactions (brand rows and rows without an actor left out).

    ``per="person"`` relabels each row to its person — ``platform`` becomes ``"person"`` and
    ``actor_id`` the person id — so every count keyed by (platform, actor_id) counts persons;
    the original account stays in ``account_key`` (``platform:actor_id``).
    """
    if per not in PERS:
        raise ConfigError(f"per must be account or person, not {per!r}")
    t = store.table("interaction")
    t = t.filter(t.actor_id.notnull() & ~t.is_brand.fill_null(False))
    if per == "account":
        return t
    t = with_person(store, t)
    return t.mutate(
        account_key=t.platform.concat(":", t.actor_id),
        platform=ibis.literal("person"),
        actor_id=t.person_id,
    ).drop("person_id")


def persons(store: Store, *, limit: int = 100, offset: int = 0) -> list[dict[str, Any]]:
    """Stored persons with their members, most accounts first (then person id)."""
    rows = _links(store).to_pyarrow().to_pylist()
    by: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        by[r["person_id"]].append(r)
    items = []
    for pid, members in by.items():
        accounts = sorted(
            f"{m['platform']}:{m['identifier']}" for m in members if m["kind"] == "account"
        )
        items.append(
            {
                "person_id": pid,
                "accounts": accounts,
                "platforms": sorted({m["platform"] for m in members if m["kind"] == "account"}),
                "customer_ids": sorted(m["identifier"] for m in members if m["kind"] == "customer"),
                "email_hashes": sum(m["kind"] == "email_sha256" for m in members),
                "labels": sorted(m["identifier"] for m in members if m["kind"] == "label"),
            }
        )
    items.sort(key=lambda p: (-len(p["accounts"]), p["person_id"]))
    return items[offset : offset + limit]


def customer_persons(store: Store) -> dict[str, str]:
    """customer id -> person id of every linked customer."""
    links = _links(store)
    links = links.filter(links.kind == "customer").select("identifier", "person_id")
    return {r["identifier"]: r["person_id"] for r in links.to_pyarrow().to_pylist()}


__all__ = sorted(
    [
        "EMPTY_SHA256",
        "PERS",
        "LinkSummary",
        "UnionFind",
        "account_persons",
        "audience_interactions",
        "customer_persons",
        "evidence_members",
        "link_persons",
        "person_id",
        "persons",
        "read_mapping",
        "with_person",
    ]
)
