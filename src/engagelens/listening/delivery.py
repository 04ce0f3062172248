"""Alert channels: where a fired alert goes, and how hostile text is kept from doing harm.

A channel is a string, so rules store and show it as typed: ``stdout``, ``log`` (logger
``engagelens.alerts``), a webhook URL (``http(s)://…``, JSON POST with httpx) or e-mail
(``mailto:to@example.org?smtp=host:port&from=alerts@example.org``, plain smtplib). A delivery
never raises: a down webhook or mail server is returned as ``"error: …"`` and recorded with
the alert, so one broken channel does not hide the alert from the others.
"""

from __future__ import annotations

import json
import logging
import smtplib
import sys
from email.message import EmailMessage
from typing import Any
from urllib.parse import parse_qs, urlsplit

from engagelens.errors import ConfigError

from .fold import INVISIBLE

log = logging.getLogger("engagelens.alerts")

_TERMINAL_SAFE: dict[int, str | None] = {ord(c): None for c in INVISIBLE}
_TERMINAL_SAFE.update({c: " " for c in (*range(0x00, 0x20), *range(0x7F, 0xA0), 0x2028, 0x2029)})


def channel_kind(channel: str) -> str:
    """``stdout``, ``log``, ``webhook`` or ``email``; ConfigError for anything else."""
    if channel in ("stdout", "log"):
        return channel
    if channel.startswith(("http://", "https://")):
        return "webhook"
    if channel.startswith("mailto:"):
        return "email"
    raise ConfigError(
        f"unknown alert channel {channel!r}: use stdout, log, an http(s):// "
        "webhook URL or mailto:address?smtp=host:port"
    )


def terminal_safe(text: str) -> str:
    """User text on one line, without control and bidi characters, so it can neither rewrite
    the terminal nor forge an extra output line or e-mail header."""
    return str(text).translate(_TERMINAL_SAFE)


def deliver_alert(channel: str, payload: dict[str, Any]) -> str:
    """Send ``payload``; returns "ok" or the error (delivery failures never raise)."""
    kind = channel_kind(channel)
    try:
        if kind == "stdout":
            sys.stdout.write(terminal_safe(f"ALERT [{payload['rule']}] {payload['title']}") + "\n")
        elif kind == "log":
            log.warning(
                "alert %s: %s", terminal_safe(payload["rule"]), terminal_safe(payload["title"])
            )
        elif kind == "webhook":
            import httpx

            response = httpx.post(channel, json=payload, timeout=10.0)
            response.raise_for_status()
        else:
            send_email(channel, payload)
    except Exception as exc:  # noqa: BLE001 - a down channel is recorded, not raised
        log.error(
            "alert %s: delivery to %s failed: %s", terminal_safe(payload["rule"]), channel, exc
        )
        return f"error: {exc}"
    return "ok"


def mail_message(channel: str, subject: str) -> tuple[EmailMessage, str, int]:
    """An empty message addressed as the ``mailto:`` channel says, and its SMTP host/port."""
    parts = urlsplit(channel)
    params = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    host, _, port = params.get("smtp", "localhost:25").partition(":")
    message = EmailMessage()
    # user text (query names, keywords, account names) must not break or inject header lines
    message["Subject"] = terminal_safe(f"[EngageLens] {subject}")[:200]
    message["From"] = params.get("from", "engagelens@localhost")
    message["To"] = parts.path
    return message, host, int(port or 25)


def send_email(channel: str, payload: dict[str, Any]) -> None:
    """The payload as pretty JSON in a plain-text mail to the ``mailto:`` address."""
    message, host, port = mail_message(channel, payload["title"])
    message.set_content(json.dumps(payload, ensure_ascii=False, indent=2, default=str))
    with smtplib.SMTP(host, port, timeout=10) as smtp:
        smtp.send_message(message)


__all__ = sorted(["channel_kind", "deliver_alert", "mail_message", "send_email", "terminal_safe"])
