"""Tables the audience layer owns, registered with the model so the store creates them.

Import this module before ``Store.open`` (``engagelens.audience`` does); :func:`ensure` adds
them to a store that was opened earlier.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from engagelens.model.tables import Column, TableSpec, register_table

if TYPE_CHECKING:  # pragma: no cover
    from engagelens.store import Store

#: what a member of a person is: a platform account, a customer id of the order system, a
#: SHA-256 of a verified e-mail address, or a label the mapping file used to group rows
MEMBER_KINDS = ("account", "customer", "email_sha256", "label")

PERSON_LINK = register_table(
    TableSpec(
        "person_link",
        (
            Column("person_id", "string", True, "the person (p- and a hash of its first member)"),
            Column("kind", "string", True, "what the member is", choices=MEMBER_KINDS),
            Column("platform", "string", description="platform of an account member"),
            Column("identifier", "string", True, "author id, customer id, e-mail hash or label"),
            Column("source", "string", description="the mapping file that declared it"),
            Column("linked_at", "timestamp"),
        ),
        key=("kind", "platform", "identifier"),
        description="One person across platforms, from declared evidence only.",
        ingestible=False,
    )
)

OWN_TABLES = (PERSON_LINK,)


def ensure(store: Store) -> None:
    """Create the audience tables in a store opened before this module was imported."""
    if all(store.has_table(t.name) for t in OWN_TABLES):
        return
    from engagelens.store.migrations import migrate

    migrate(store)


__all__ = sorted(["MEMBER_KINDS", "OWN_TABLES", "PERSON_LINK", "ensure"])
