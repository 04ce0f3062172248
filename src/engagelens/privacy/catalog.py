"""Where a person's data lives: every column that holds a person's id, declared once.

Erasure and pseudonymisation walk this catalog instead of each knowing the tables, so a new
table holding authors is one line here (and ``tests/test_privacy.py`` checks that every
declared ``*actor_id``/``*author_id``/``customer_id`` column is listed).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PersonColumn:
    table: str
    column: str  # holds the person's id
    kind: str  # account (scoped by platform), customer, visitor, recipient or respondent
    #: free text and handles of the person's rows, cleared when pseudonymising
    personal: tuple[str, ...] = ()
    #: an account id column shared with the brand's own and competitors' accounts
    accounts: bool = False


CATALOG: tuple[PersonColumn, ...] = (
    PersonColumn("interaction", "actor_id", "account", ("text",)),
    PersonColumn("mention", "author_id", "account", ("author_handle", "text", "url", "location")),
    PersonColumn("account", "account_id", "account", ("handle", "name"), accounts=True),
    PersonColumn("account_snapshot", "account_id", "account", accounts=True),
    PersonColumn("content", "account_id", "account", ("text", "url"), accounts=True),
    PersonColumn("conversion", "customer_id", "customer"),
    PersonColumn("web_session", "visitor_id", "visitor"),
    PersonColumn("email_event", "recipient_id", "recipient"),
    PersonColumn("survey_response", "respondent_id", "respondent", ("comment",)),
)

#: id kinds other than platform accounts, which a request names explicitly (only customers
#: can also come from identity links)
OTHER_KINDS = ("customer", "visitor", "recipient", "respondent")

#: rows derived from a person's rows, deleted with them: (table, key columns, source table)
#: — each key is (platform, id of the source row)
DERIVED: tuple[tuple[str, tuple[str, str], str], ...] = (
    ("listening_match", ("platform", "mention_id"), "mention"),
    ("listening_seen", ("platform", "mention_id"), "mention"),
    ("inbox_state", ("platform", "interaction_id"), "interaction"),
    ("content_snapshot", ("platform", "content_id"), "content"),
)

#: the id column of each source table whose rows text analysis scores
ROW_IDS = {"interaction": "interaction_id", "mention": "mention_id", "content": "content_id"}

__all__ = sorted(["CATALOG", "DERIVED", "OTHER_KINDS", "PersonColumn", "ROW_IDS"])
