"""The privacy ledger: what was forgotten or pseudonymised, when and by whom — without the
forgotten id itself (the subject is recorded as its keyed pseudonym, so a later request can be
checked against the ledger without the ledger re-identifying anyone)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from engagelens.model.tables import Column, TableSpec, register_table

if TYPE_CHECKING:  # pragma: no cover
    from engagelens.store import Store

PRIVACY_LEDGER = register_table(
    TableSpec(
        "privacy_ledger",
        (
            Column("request_id", "string", True),
            Column("action", "string", True, choices=("forget", "pseudonymise")),
            Column("mode", "string", description="delete or pseudonymise (forget only)"),
            Column("subject", "string", description="keyed pseudonym of platform:author_id"),
            Column("rows", "string", description="JSON: table -> rows deleted or rewritten"),
            Column("requested_by", "string"),
            Column("performed_at", "timestamp", True),
        ),
        key=("request_id",),
        description="Erasure and pseudonymisation requests carried out (GDPR art. 17, 30).",
        ingestible=False,
    )
)


def ensure(store: Store) -> None:
    if not store.has_table(PRIVACY_LEDGER.name):
        from engagelens.store.migrations import migrate

        migrate(store)


__all__ = sorted(["PRIVACY_LEDGER", "ensure"])
