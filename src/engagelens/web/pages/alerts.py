"""Alerts: the rules (create, remove, run now) and the history of what fired, when, where it
was delivered and whether it was suppressed by the cool-down.

Rules and history are :mod:`engagelens.listening.alerts`, the module behind ``engagelens
alerts …`` and the API's ``/alerts`` routes. Creating, removing and running need the analyst
role and a CSRF-checked form (routes in :mod:`engagelens.web.routes`).
"""

from __future__ import annotations

import json
from typing import Any

from engagelens.listening import list_queries
from engagelens.listening.alerts import RULE_KINDS, history, list_rules
from engagelens.web.exports import Col, Table
from engagelens.web.i18n import N_

from .base import Context, Page

KIND_LABELS = {
    "spike": N_("Mentions spike"),
    "negative_spike": N_("Negative mentions spike"),
    "negative_share": N_("Share of negative mentions above a threshold"),
    "author_followers": N_("Mention by an author with many followers"),
    "keyword": N_("Mention matching words"),
}
STATUS_LABELS = {"sent": N_("sent"), "suppressed": N_("suppressed"), "failed": N_("failed")}
EMPTY_RULE: dict[str, Any] = {
    "name": "",
    "kind": "keyword",
    "query": "",
    "threshold": "",
    "keyword": "",
    "min_mentions": "10",
    "channels": "log",
    "error": "",
}
HISTORY_LIMIT = 100


def _deliveries(raw: Any) -> str:
    try:
        got = json.loads(raw or "{}")
    except ValueError:
        return ""
    return "; ".join(f"{k}: {v}" for k, v in sorted(got.items()))


def build(ctx: Context, form: dict[str, Any] | None = None) -> Page:
    _ = ctx._
    with ctx.ws.session() as store:
        rules = list_rules(store)
        events = history(store, limit=HISTORY_LIMIT)
        queries = [q["name"] for q in list_queries(store)]
    for r in rules:
        r["kind_label"] = _(KIND_LABELS.get(r["kind"], r["kind"]))
        r["channels_text"] = ", ".join(json.loads(r["channels"] or "[]"))
        r["query_text"] = r["query"] or _("All mentions")
    for e in events:
        e["status_label"] = _(STATUS_LABELS.get(e["status"], e["status"]))
        e["deliveries_text"] = _deliveries(e["deliveries"])
    tables = [
        Table(
            "rules",
            _("Alert rules"),
            [
                Col("name", _("Name")),
                Col("kind_label", _("Kind")),
                Col("query_text", _("Query")),
                Col("keyword", _("Words to match")),
                Col("threshold", _("Threshold"), "num2"),
                Col("channels_text", _("Channels")),
                Col("name", _("Actions"), "rule_actions"),
            ],
            rows=rules,
        ),
        Table(
            "history",
            _("Alert history"),
            [
                Col("fired_at", _("When"), "datetime"),
                Col("rule", _("Rule")),
                Col("status_label", _("Status")),
                Col("title", _("Alert")),
                Col("deliveries_text", _("Delivered to")),
            ],
            rows=events,
        ),
    ]
    q = ctx.request.query_params
    return Page(
        "alerts.html",
        _("Alerts"),
        tables=tables,
        extra={
            "form": {**EMPTY_RULE, **(form or {})},
            "kinds": [(k, _(KIND_LABELS.get(k, k))) for k in RULE_KINDS],
            "queries": queries,
            "can_edit": ctx.can("analyst"),
            "has_rules": bool(rules),
            "saved": q.get("saved", "")[:200],
            "ran": q.get("ran", "")[:20],
        },
    )


__all__ = ["EMPTY_RULE", "KIND_LABELS", "STATUS_LABELS", "build"]
