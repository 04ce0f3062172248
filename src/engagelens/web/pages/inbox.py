"""The inbox: unanswered inbound items, highest priority first, each with the points that
put it there ("why": question, complaint, negative, reach, waiting time, momentum).

Ranking is :func:`engagelens.engage.inbox.inbox`, the function behind the API's ``/inbox``;
"mark replied" records the same action as the API's POST (analysts and admins only, behind a
CSRF-checked form).
"""

from __future__ import annotations

from typing import Any

from engagelens.engage import inbox as inbox_lib
from engagelens.web.exports import Col, Table
from engagelens.web.i18n import N_

from .base import Context, Page

LIMIT = 200
WHY_LABELS = {
    "question": N_("question"),
    "complaint": N_("complaint"),
    "negative": N_("negative"),
    "reach": N_("reach"),
    "sla": N_("waiting time"),
    "momentum": N_("momentum"),
}


def _row(item: inbox_lib.InboxItem, gettext: Any) -> dict[str, Any]:
    why = sorted(((k, v) for k, v in item.why.items() if v), key=lambda kv: (-kv[1], kv[0]))
    return {
        "platform": item.platform,
        "interaction_id": item.interaction_id,
        "content_id": item.content_id,
        "kind": item.kind,
        "occurred_at": item.occurred_at,
        "actor_id": item.actor_id,
        "text": item.text,
        "score": item.score,
        "why": "; ".join(f"{gettext(WHY_LABELS.get(k, k))} +{v:g}" for k, v in why),
        "why_parts": [(gettext(WHY_LABELS.get(k, k)), v) for k, v in why],
        "assignee": item.assignee,
    }


def build(ctx: Context) -> Page:
    _ = ctx._
    with ctx.ws.session() as store:
        items = inbox_lib.inbox(store, filters=ctx.view.filters, settings=ctx.settings, limit=LIMIT)
    rows = [_row(i, _) for i in items]
    table = Table(
        "inbox",
        _("Waiting for a reply"),
        [
            Col("score", _("Priority"), "num"),
            Col("why", _("Why"), "why"),
            Col("occurred_at", _("When"), "datetime"),
            Col("platform", _("Platform")),
            Col("kind", _("Kind")),
            Col("actor_id", _("Author")),
            Col("text", _("Message")),
            Col("assignee", _("Assignee")),
            Col("interaction_id", _("Id"), "reply"),
        ],
        rows=rows,
    )
    return Page("inbox.html", _("Inbox"), tables=[table], extra={"can_reply": ctx.can("analyst")})


def mark_replied(ctx: Context, platform: str, interaction_id: str) -> None:
    """Record the answer (the route checked the analyst role and the CSRF token)."""
    with ctx.ws.session() as store:
        inbox_lib.mark_replied(store, platform, interaction_id, by_user=ctx.principal.id)
    ctx.ws.bump()


__all__ = ["LIMIT", "WHY_LABELS", "build", "mark_replied"]
