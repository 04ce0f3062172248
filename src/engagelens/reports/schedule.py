"""Scheduled reports: "every Monday, last week's PDF to the team's webhook / inbox".

A schedule names a scope, a cadence and a channel (the alert channels: webhook URL,
``mailto:…?smtp=host:port``, stdout or log). :func:`run_due` is meant to be called by cron or a
systemd timer (``engagelens schedule run``, e.g. hourly): for each schedule it builds the last
*complete* period — yesterday for ``daily``, the last Monday-to-Monday week for ``weekly`` — and
delivers it once. The delivery ledger makes a re-run (or two timers) send nothing twice, and a
failed delivery is recorded and retried on the next run instead of being lost.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import logging
import smtplib
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engagelens.errors import ConfigError, NotFound
from engagelens.listening.delivery import (
    channel_kind,
    mail_message,
    terminal_safe,
)
from engagelens.listening.tables import replace_rows
from engagelens.metrics.scope import SCOPES, Scope
from engagelens.model.names import check_name
from engagelens.model.tables import Column, TableSpec, register_table

from .document import Report, build_report

if TYPE_CHECKING:  # pragma: no cover
    from engagelens.store import Store

log = logging.getLogger("engagelens.reports")
CADENCES = ("daily", "weekly")
FORMATS = ("html", "pdf")

REPORT_SCHEDULE = register_table(
    TableSpec(
        "report_schedule",
        (
            Column("name", "string", True, "short name, e.g. weekly-team"),
            Column("every", "string", True, "the period each delivery covers", choices=CADENCES),
            Column("scope", "string", True, "own, competitor or all", choices=SCOPES),
            Column("accounts", "string", description="JSON list of account ids (overrides scope)"),
            Column("format", "string", True, "html or pdf (attached or embedded)", choices=FORMATS),
            Column("channel", "string", True, "webhook URL, mailto:…, stdout or log"),
            Column("created_at", "timestamp"),
        ),
        key=("name",),
        description="A report delivered on a schedule.",
        ingestible=False,
    )
)

REPORT_DELIVERY = register_table(
    TableSpec(
        "report_delivery",
        (
            Column("schedule", "string", True),
            Column("period_start", "timestamp", True),
            Column("period_end", "timestamp", True),
            Column("attempted_at", "timestamp", True),
            Column("status", "string", True, choices=("sent", "failed")),
            Column("detail", "string", description="ok or the channel's error"),
        ),
        key=("schedule", "period_start", "attempted_at"),
        description="Every attempt to deliver a scheduled report (sent once per period).",
        ingestible=False,
    )
)
OWN_TABLES = (REPORT_SCHEDULE, REPORT_DELIVERY)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def ensure(store: Store) -> None:
    """Create the schedule tables in a store opened before this module was imported."""
    if all(store.has_table(t.name) for t in OWN_TABLES):
        return
    from engagelens.store.migrations import migrate

    migrate(store)


def last_complete_period(every: str, now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of the last whole day or Monday-to-Monday week before ``now`` (UTC)."""
    today = dt.datetime.combine(now.date(), dt.time())
    if every == "daily":
        return today - dt.timedelta(days=1), today
    if every == "weekly":
        monday = today - dt.timedelta(days=today.weekday())
        return monday - dt.timedelta(days=7), monday
    raise ConfigError(f"--every must be one of {', '.join(CADENCES)}, not {every!r}")


def add_schedule(
    store: Store,
    name: str,
    *,
    every: str,
    channel: str,
    scope: str = "own",
    accounts: tuple[str, ...] = (),
    fmt: str = "pdf",
) -> dict[str, Any]:
    """Create or replace a schedule; every field is checked before anything is stored."""
    check_name(name, "a report schedule", max_chars=100)
    last_complete_period(every, _now())  # validates the cadence
    if scope not in SCOPES:
        raise ConfigError(f"--scope must be one of {', '.join(SCOPES)}, not {scope!r}")
    if fmt not in FORMATS:
        raise ConfigError(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    channel_kind(channel)
    ensure(store)
    row = {
        "name": name,
        "every": every,
        "scope": scope,
        "accounts": json.dumps(list(accounts)),
        "format": fmt,
        "channel": channel,
        "created_at": _now(),
    }
    replace_rows(store, "report_schedule", store.table("report_schedule").name != name, [row])
    return row


def list_schedules(store: Store) -> list[dict[str, Any]]:
    ensure(store)
    return sorted(store.table("report_schedule").to_pyarrow().to_pylist(), key=lambda r: r["name"])


def remove_schedule(store: Store, name: str) -> None:
    if name not in {r["name"] for r in list_schedules(store)}:
        raise NotFound(f"no report schedule named {name!r}")
    replace_rows(store, "report_schedule", store.table("report_schedule").name != name)


def deliveries(store: Store, schedule: str | None = None) -> list[dict[str, Any]]:
    ensure(store)
    t = store.table("report_delivery")
    if schedule is not None:
        t = t.filter(t.schedule == schedule)
    return t.order_by([t.attempted_at, t.schedule]).to_pyarrow().to_pylist()


@dataclass(frozen=True)
class Delivery:
    schedule: str
    period_start: dt.datetime
    period_end: dt.datetime
    status: str
    detail: str


def run_due(
    store: Store, *, now: dt.datetime | None = None, chromium: str | None = None
) -> list[Delivery]:
    """Deliver every schedule whose last complete period has not been sent yet."""
    now = now or _now()
    sent = {(d["schedule"], d["period_start"]) for d in deliveries(store) if d["status"] == "sent"}
    out = []
    for s in list_schedules(store):
        start, end = last_complete_period(s["every"], now)
        if (s["name"], start) in sent:
            continue
        scope = Scope(s["scope"], tuple(json.loads(s["accounts"] or "[]")))
        title = f"{s['name']}: {s['every']} engagement report"
        doc = build_report(store, scope, start, end, title=title)
        detail = _deliver(s, doc, chromium)
        status = "sent" if detail == "ok" else "failed"
        store.insert(
            "report_delivery",
            [{"schedule": s["name"], "period_start": start, "period_end": end,
              "attempted_at": now, "status": status, "detail": detail}],
        )  # fmt: skip
        out.append(Delivery(s["name"], start, end, status, detail))
    return out


def _deliver(schedule: dict[str, Any], doc: Report, chromium: str | None) -> str:
    """ "ok" or the error; a down channel (or a missing Chromium) must not stop the other
    schedules, and the failed period is tried again on the next run."""
    kind = channel_kind(schedule["channel"])
    if kind == "stdout":
        sys.stdout.write("\n".join(terminal_safe(line) for line in _summary_lines(doc)) + "\n")
        return "ok"
    if kind == "log":
        log.info("report %s: %s", terminal_safe(schedule["name"]), terminal_safe(doc.period))
        return "ok"
    try:
        from .html import render_html

        page = render_html(doc)
        pdf = _pdf(page, chromium) if schedule["format"] == "pdf" else None
        if kind == "webhook":
            _post(schedule, doc, page, pdf)
        else:
            _mail(schedule["channel"], doc, page, pdf)
    except Exception as exc:  # noqa: BLE001 - a down channel is recorded and retried, not raised
        return f"error: {type(exc).__name__}: {exc}"
    return "ok"


def _post(schedule: dict[str, Any], doc: Report, page: str, pdf: bytes | None) -> None:
    import httpx

    body: dict[str, Any] = {
        "schedule": schedule["name"],
        "title": doc.title,
        "scope": doc.scope,
        "period": doc.period,
        "period_start": doc.start,
        "period_end": doc.end,
        "figures": {line.name: line.value for line in doc.lines},
        "previous": {line.name: line.previous for line in doc.lines},
        "notes": list(doc.notes),
        "html": page,
    }
    if pdf is not None:
        body["pdf_base64"] = base64.b64encode(pdf).decode("ascii")
    response = httpx.post(
        schedule["channel"],
        content=json.dumps(body, default=str, ensure_ascii=False).encode("utf-8"),
        headers={"Content-Type": "application/json"},
        timeout=30.0,
    )
    response.raise_for_status()


def _pdf(page: str, chromium: str | None) -> bytes:
    import tempfile

    from .pdf import html_to_pdf

    with tempfile.TemporaryDirectory(prefix="engagelens-report-") as folder:
        path = html_to_pdf(page, Path(folder) / "report.pdf", chromium=chromium)
        return path.read_bytes()


def _summary_lines(doc: Report) -> list[str]:
    """The report as plain lines: what stdout prints and the e-mail's text part says."""
    lines = [doc.title, f"Scope: {doc.scope}", f"Period: {doc.period}", *doc.notes, ""]
    for line in doc.lines:
        text = f"{line.title}: {line.value_text}"
        if line.previous_text is not None:
            text += f" (previous {line.previous_text}, {line.change_text})"
        lines.append(text)
    return lines


def _mail(channel: str, doc: Report, page: str, pdf: bytes | None) -> None:
    message, host, port = mail_message(channel, f"{doc.title} — {doc.period}")
    message.set_content("\n".join(terminal_safe(x) for x in _summary_lines(doc)))
    message.add_alternative(page, subtype="html")
    if pdf is not None:
        message.add_attachment(pdf, maintype="application", subtype="pdf", filename="report.pdf")
    with smtplib.SMTP(host, port, timeout=30) as smtp:
        smtp.send_message(message)


__all__ = sorted(
    [
        "CADENCES",
        "FORMATS",
        "REPORT_DELIVERY",
        "REPORT_SCHEDULE",
        "Delivery",
        "add_schedule",
        "deliveries",
        "last_complete_period",
        "list_schedules",
        "remove_schedule",
        "run_due",
    ]
)
