"""Alerts: rules evaluated after every ingest (a pluggy hook) and on demand.

Rule kinds:

* ``spike`` / ``negative_spike`` — the newest day of a query's mentions (or negative mentions)
  is a spike (:mod:`.spikes`; ``threshold`` overrides k);
* ``negative_share`` — on the newest day, negative ÷ labelled mentions of a query is above
  ``threshold`` (0.4 = 40 %) with at least ``min_mentions`` labelled mentions;
* ``author_followers`` — a new mention by an author with at least ``threshold`` followers;
* ``keyword`` — a new mention matches ``keyword``, itself a listening query
  (``refund OR lawsuit``).

``query`` limits a rule to one listening query's matches. Mention rules look at mentions
no alert run has seen (``alert_seen``). Every alert has a *dedup key* (rule + subject: the
query and day for aggregate rules, the rule itself for mention rules); an alert whose key was
sent within ``alert_cooldown_minutes`` is stored as ``suppressed`` and not delivered.
Channels: ``stdout``, ``log``, a webhook URL (``http(s)://…``, JSON POST) and e-mail
(``mailto:to@example.org?smtp=host:port&from=alerts@example.org``), see :mod:`.delivery`.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pluggy
import pyarrow as pa

from engagelens import settings
from engagelens.errors import ConfigError, NotFound
from engagelens.model.names import check_name

from . import runner
from .delivery import channel_kind, deliver_alert
from .engine import Engine, QuerySpec
from .frame import matched_mentions
from .query import parse
from .spikes import daily_counts, detect, drivers
from .tables import ALERT_RULE, ensure, replace_rows, rows

if TYPE_CHECKING:  # pragma: no cover
    from engagelens.store import Store

log = logging.getLogger("engagelens.alerts")
hookimpl = pluggy.HookimplMarker("engagelens")

RULE_KINDS = ALERT_RULE.column("kind").choices or ()
_EXAMPLES = 5


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


# -- rules ----------------------------------------------------------------------------------
def add_rule(
    store: Store,
    name: str,
    kind: str,
    *,
    query: str | None = None,
    threshold: float | None = None,
    keyword: str | None = None,
    min_mentions: int = 10,
    channels: list[str] | tuple[str, ...] = ("stdout",),
    enabled: bool = True,
) -> dict[str, Any]:
    """Create or replace an alert rule (validated: a bad keyword query raises with its column)."""
    check_name(name, "an alert rule")
    if kind not in RULE_KINDS:
        raise ConfigError(f"alert kind must be one of {', '.join(RULE_KINDS)}, not {kind!r}")
    if kind == "keyword":
        if not keyword:
            raise ConfigError("a keyword rule needs --keyword, e.g. 'refund OR lawsuit'")
        parse(keyword)
    if kind in ("negative_share", "author_followers") and threshold is None:
        raise ConfigError(f"a {kind} rule needs --threshold")
    if kind == "negative_share" and not 0 <= float(threshold) <= 1:  # type: ignore[arg-type]
        raise ConfigError("negative_share threshold is a fraction between 0 and 1 (0.4 = 40%)")
    for channel in channels:
        channel_kind(channel)
    ensure(store)
    row = {
        "name": name,
        "kind": kind,
        "query": query,
        "threshold": threshold,
        "keyword": keyword,
        "min_mentions": min_mentions,
        "channels": json.dumps(list(channels)),
        "enabled": enabled,
        "created_at": _now(),
    }
    replace_rows(store, "alert_rule", store.table("alert_rule").name != name, [row])
    return row


def list_rules(store: Store) -> list[dict[str, Any]]:
    return sorted(rows(store, "alert_rule"), key=lambda r: r["name"])


def remove_rule(store: Store, name: str) -> None:
    if name not in {r["name"] for r in list_rules(store)}:
        raise NotFound(f"no alert rule named {name!r}")
    replace_rows(store, "alert_rule", store.table("alert_rule").name != name)


def history(store: Store, *, rule: str | None = None, limit: int = 50) -> list[dict[str, Any]]:
    ensure(store)
    t = store.table("alert_event")
    if rule is not None:
        t = t.filter(t.rule == rule)
    return t.order_by([t.fired_at.desc(), t.event_id]).limit(limit).to_pyarrow().to_pylist()


# -- evaluation -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Alert:
    rule: str
    kind: str
    subject: str
    title: str
    details: dict[str, Any]

    @property
    def dedup_key(self) -> str:
        return f"{self.rule}|{self.subject}"


def _new_mentions(store: Store, rule: dict[str, Any], all_mentions: bool):
    """New mentions (not yet seen by alerts), limited to the rule's query if it has one."""
    m = store.table("mention")
    if not all_mentions:
        m = m.anti_join(store.table("alert_seen"), ["platform", "mention_id"])
    if rule["query"]:
        match = store.table("listening_match")
        match = match.filter(match.query == rule["query"]).select("platform", "mention_id")
        m = m.semi_join(match, ["platform", "mention_id"])
    return m


def _example(r: dict[str, Any]) -> dict[str, Any]:
    return {
        "platform": r["platform"],
        "mention_id": r["mention_id"],
        "author": r.get("author_handle"),
        "followers": r.get("author_followers"),
        "text": r["text"],
        "url": r.get("url"),
    }


def _mention_rule(store: Store, rule: dict[str, Any], all_mentions: bool) -> list[Alert]:
    m = _new_mentions(store, rule, all_mentions)
    if rule["kind"] == "author_followers":
        m = m.filter(m.author_followers >= float(rule["threshold"]))
        found = m.order_by([m.author_followers.desc(), m.mention_id]).to_pyarrow().to_pylist()
        title = (
            f"{len(found)} new mention(s) by authors with ≥ {int(rule['threshold']):,} followers"
        )
    else:
        engine = Engine([QuerySpec("kw", rule["keyword"])])
        found = []
        for batch in (
            m.select(
                "platform",
                "mention_id",
                "text",
                "language",
                "author_handle",
                "author_followers",
                "url",
            )
            .to_pyarrow()
            .to_batches(50_000)
        ):
            records = batch.to_pylist()
            found += [records[n] for n, _, _ in engine.match_rows(records)]
        title = f"{len(found)} new mention(s) matching {rule['keyword']}"
    if not found:
        return []
    return [
        Alert(
            rule["name"],
            rule["kind"],
            "new mentions",
            title,
            {
                "count": len(found),
                "query": rule["query"],
                "examples": [_example(r) for r in found[:_EXAMPLES]],
            },
        )
    ]


def _queries_of(store: Store, rule: dict[str, Any]) -> list[str]:
    if rule["query"]:
        return [rule["query"]]
    return [q["name"] for q in runner.list_queries(store)]


def _aggregate_rule(store: Store, rule: dict[str, Any]) -> list[Alert]:
    alerts = []
    counts = daily_counts(store, rule["query"])
    for name in _queries_of(store, rule):
        series = counts.get(name)
        if not series or not series["volume"]:
            continue
        day = max(series["volume"])
        if rule["kind"] == "negative_share":
            alerts += _negative_share(store, rule, name, day)
            continue
        kind = "negative" if rule["kind"] == "negative_spike" else "volume"
        for spike in detect(series[kind], k=rule["threshold"], days=[day], query=name, kind=kind):
            why = drivers(store, name, day, negative_only=kind == "negative")
            alerts.append(
                Alert(
                    rule["name"],
                    rule["kind"],
                    f"{name}|{day.isoformat()}|{kind}",
                    f"{kind} spike for {name} on {day.isoformat()}: {spike.count} mentions "
                    f"(expected {spike.expected:.1f})",
                    {**spike.to_dict(), "drivers": why},
                )
            )
    return alerts


def _negative_share(store: Store, rule: dict[str, Any], name: str, day: dt.date) -> list[Alert]:
    t = matched_mentions(store)
    t = t.filter((t.query == name) & (t.day == day) & t.sentiment.notnull())
    row = (
        t.aggregate(labelled=t.count(), negative=(t.sentiment == "negative").sum())
        .to_pyarrow()
        .to_pylist()[0]
    )
    labelled, negative = int(row["labelled"] or 0), int(row["negative"] or 0)
    if labelled < int(rule["min_mentions"] or 1) or labelled == 0:
        return []
    share = negative / labelled
    if share <= float(rule["threshold"]):
        return []
    return [
        Alert(
            rule["name"],
            rule["kind"],
            f"{name}|{day.isoformat()}",
            f"{share:.0%} of {name}'s mentions on {day.isoformat()} are negative "
            f"(limit {float(rule['threshold']):.0%})",
            {
                "query": name,
                "day": day.isoformat(),
                "negative": negative,
                "labelled": labelled,
                "negative_share": share,
            },
        )
    ]


def evaluate(
    store: Store,
    *,
    now: dt.datetime | None = None,
    deliver: bool = True,
    all_mentions: bool = False,
    run_queries: bool = True,
    cooldown_minutes: float | None = None,
) -> list[dict[str, Any]]:
    """Evaluate every enabled rule; deliver new alerts, store all of them (suppressed too).

    ``deliver=False`` is a dry run: the alerts that would fire are returned with status
    ``dry_run`` (or ``suppressed``) and nothing is delivered, recorded or marked as seen, so
    a later real run still alerts on the same mentions."""
    ensure(store)
    rules = [r for r in list_rules(store) if r["enabled"]]
    if any(r["kind"] in SENTIMENT_KINDS for r in rules):
        analyze_mentions(store)
    if run_queries:
        runner.run(store)
    now = now or _now()
    cooldown = dt.timedelta(
        minutes=float(
            settings.get("alert_cooldown_minutes") if cooldown_minutes is None else cooldown_minutes
        )
    )
    events = []
    for rule in rules:
        if rule["kind"] in ("author_followers", "keyword"):
            found = _mention_rule(store, rule, all_mentions)
        else:
            found = _aggregate_rule(store, rule)
        for alert in found:
            events.append(_record(store, rule, alert, now, cooldown, deliver))
    if deliver:
        _mark_seen(store, now)
    return events


#: rules that need a sentiment label on every mention
SENTIMENT_KINDS = ("negative_share", "negative_spike")


def analyze_mentions(store: Store) -> int:
    """Let the text layer label mentions it has not analysed yet (sources without their own
    sentiment need it for negative-share and negative-spike rules)."""
    from engagelens.text import analyze_store

    return analyze_store(store, source_table="mention")


def _mark_seen(store: Store, now: dt.datetime) -> None:
    m = store.table("mention").anti_join(store.table("alert_seen"), ["platform", "mention_id"])
    new = m.select("platform", "mention_id").distinct().to_pyarrow()
    if new.num_rows:
        store.insert(
            "alert_seen",
            new.append_column("seen_at", pa.array([now] * new.num_rows, pa.timestamp("us"))),
        )


def _record(
    store: Store,
    rule: dict[str, Any],
    alert: Alert,
    now: dt.datetime,
    cooldown: dt.timedelta,
    deliver: bool,
) -> dict[str, Any]:
    t = store.table("alert_event")
    recent = (
        t.filter(
            (t.dedup_key == alert.dedup_key) & (t.status == "sent") & (t.fired_at > now - cooldown)
        )
        .count()
        .to_pyarrow()
        .as_py()
    )
    payload = {
        "rule": alert.rule,
        "kind": alert.kind,
        "subject": alert.subject,
        "title": alert.title,
        "fired_at": now.isoformat() + "Z",
        "details": alert.details,
    }
    deliveries: dict[str, str] = {}
    if recent:
        status = "suppressed"
    elif not deliver:
        status = "dry_run"
    else:
        for channel in json.loads(rule["channels"] or '["stdout"]'):
            deliveries[channel] = deliver_alert(channel, payload)
        ok = any(v == "ok" for v in deliveries.values()) or not deliveries
        status = "sent" if ok else "failed"
    event = {
        "event_id": uuid.uuid4().hex,
        "rule": alert.rule,
        "dedup_key": alert.dedup_key,
        "fired_at": now,
        "status": status,
        "title": alert.title,
        "payload": json.dumps(payload, ensure_ascii=False, default=str),
        "deliveries": json.dumps(deliveries),
    }
    if deliver:
        store.insert("alert_event", [event])
    return event


# -- hook -----------------------------------------------------------------------------------
@hookimpl
def engagelens_after_ingest(store: Store, summary: Any) -> None:
    """After each ingest that stored mentions (or interactions, which may be mentions/tags):
    run the listening queries over the new mentions, then the alert rules."""
    if getattr(summary, "rows_stored", 1) == 0:
        return
    entity = str(getattr(summary, "entity", None) or "mention")
    if "mention" not in entity and "interaction" not in entity:
        return
    try:
        evaluate(store)
    except Exception:
        # make it look failed (a re-ingest would only find duplicates). `alerts run` retries.
        log.exception(
            "listening/alerts after ingest of batch %s failed", getattr(summary, "batch_id", "?")
        )


__all__ = sorted(
    [
        "Alert",
        "RULE_KINDS",
        "SENTIMENT_KINDS",
        "add_rule",
        "analyze_mentions",
        "engagelens_after_ingest",
        "evaluate",
        "history",
        "hookimpl",
        "list_rules",
        "remove_rule",
    ]
)
