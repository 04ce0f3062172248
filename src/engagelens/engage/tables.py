"""Tables owned by the outbound layer."""

from __future__ import annotations

from engagelens.model.tables import Column, TableSpec, register_table

INBOX_STATE = register_table(
    TableSpec(
        "inbox_state",
        (
            Column("platform", "string", True),
            Column("interaction_id", "string", True, "the inbound item"),
            Column(
                "action",
                "string",
                True,
                "assign or mark_replied",
                choices=("assign", "mark_replied"),
            ),
            Column("assignee", "string", description="agent the item is assigned to"),
            Column("by_user", "string", description="who acted"),
            Column("acted_at", "timestamp", True, "UTC"),
        ),
        description="Append-only log of inbox actions (the latest assignment wins).",
        ingestible=False,
    )
)


def ensure_tables(store) -> None:
    """Create the layer's tables in a store opened before this module was imported."""
    if not store.has_table(INBOX_STATE.name):
        from engagelens.store.migrations import migrate

        migrate(store)


__all__ = sorted(["INBOX_STATE", "ensure_tables"])
