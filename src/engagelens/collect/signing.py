"""Signed webhook deliveries: HMAC-SHA256 over ``<timestamp>.<body>``, with a replay window.

The scheme of Stripe's and Slack's webhooks: header ``X-EngageLens-Signature: t=<unix
seconds>,v1=<hex digest>``. Signing the timestamp with the body lets the receiver refuse a
captured delivery replayed later (outside ``window_s``, default 300 s), and the digest is
compared in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import time

from engagelens.api.errors import Unauthenticated

SIGNATURE_HEADER = "X-EngageLens-Signature"


class BadSignature(Unauthenticated):
    """A webhook delivery without a valid, fresh signature (401 unauthenticated)."""


def _digest(secret: str, timestamp: int, body: bytes) -> str:
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def sign(secret: str, body: bytes, timestamp: int | None = None) -> str:
    """The signature header value for ``body`` (senders and tests use this)."""
    t = int(time.time()) if timestamp is None else int(timestamp)
    return f"t={t},v1={_digest(secret, t, body)}"


def verify(
    secret: str, header: str | None, body: bytes, *, window_s: float = 300, now: float | None = None
) -> int:
    """The delivery's timestamp if ``header`` signs ``body`` within ``window_s``; else
    :class:`BadSignature`."""
    if not secret:
        raise BadSignature("webhooks are off: set collect_webhook_secret")
    parts = dict(p.split("=", 1) for p in (header or "").split(",") if "=" in p)
    try:
        t = int(parts.get("t", ""))
    except ValueError:
        raise BadSignature(f"missing or malformed {SIGNATURE_HEADER} header") from None
    current = time.time() if now is None else now
    if abs(current - t) > window_s:
        raise BadSignature(f"signature timestamp outside the {window_s:g} s replay window")
    given = parts.get("v1", "")
    if not hmac.compare_digest(given.encode(), _digest(secret, t, body).encode()):
        raise BadSignature("signature does not match the body")
    return t


__all__ = ["BadSignature", "SIGNATURE_HEADER", "sign", "verify"]
