"""Transport-level protections on every response: security headers, body size limits, and
log redaction.

Headers follow the OWASP Secure Headers Project. The Content-Security-Policy allows scripts only
from this server (``script-src 'self'``: Plotly's JavaScript is served locally by the
dashboard, never inline or from a CDN), so an injected ``<script>`` in a comment cannot run
even if escaping failed somewhere. Styles allow ``'unsafe-inline'`` because Plotly sets inline
styles on the charts it draws; styles cannot execute code.

NUL characters in paths and query strings are refused (422) before any route runs: DuckDB
ends a string literal at NUL, so one could otherwise break a query. Body limits are enforced
while the body streams in, not only from ``Content-Length``, so a chunked upload cannot get
past them: multipart uploads may be ``api_max_upload_bytes``, any other body
:data:`MAX_BODY_BYTES` — but only for a caller with valid credentials (a live API token or
dashboard session, checked when the body passes ``api_unauthenticated_body_bytes``, before
any of it is parsed); everyone else gets the small limit, so an anonymous client cannot make
the server read 200 MB per request.

HSTS (RFC 6797) is sent on HTTPS responses only (``hsts_max_age_s``; behind a TLS proxy the
scheme is known from ``serve --proxy-headers``): over plain HTTP the header is ignored anyway.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from starlette.exceptions import HTTPException as StarletteHTTPException

from .errors import PayloadTooLarge, error_body

MAX_BODY_BYTES = 1 << 20

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

SECURITY_HEADERS: dict[str, str] = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
}


class BodyTooLarge(StarletteHTTPException):
    """Raised while the body streams in; an HTTPException so FastAPI's body parsing passes it
    through (it turns other errors into 400) and the handlers in :mod:`.errors` shape it."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"request body larger than {limit:,} bytes")


class SecurityMiddleware:
    """Pure ASGI middleware (cheap: no per-request task or body copy).

    ``app.state.content_security_policy`` may be changed by the dashboard's ``install(app)``.
    """

    def __init__(
        self,
        app: Any,
        *,
        max_upload_bytes: int,
        state: Any,
        anonymous_body_bytes: int = 64 * 1024,
        hsts_max_age_s: int = 0,
    ) -> None:
        self.app = app
        self.max_upload_bytes = max_upload_bytes
        self.state = state
        self.anonymous_body_bytes = anonymous_body_bytes
        self.hsts_max_age_s = hsts_max_age_s

    def _headers(self, scope: dict[str, Any]) -> list[tuple[bytes, bytes]]:
        csp = getattr(self.state, "content_security_policy", CONTENT_SECURITY_POLICY)
        out = [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
        out.append((b"content-security-policy", csp.encode()))
        if scope.get("path", "").startswith("/api/"):
            out.append((b"cache-control", b"no-store"))
        if scope.get("scheme") == "https" and self.hsts_max_age_s > 0:
            value = f"max-age={self.hsts_max_age_s}; includeSubDomains"
            out.append((b"strict-transport-security", value.encode()))
        return out

    async def _authenticated(self, scope: dict[str, Any]) -> bool:
        """A live API token or dashboard session (``app.state.session_check``)?"""
        from starlette.concurrency import run_in_threadpool
        from starlette.requests import Request

        from engagelens.errors import EngageLensError

        from .auth import bearer_token

        request = Request(scope)
        api = getattr(self.state, "engagelens", None)
        token = bearer_token(request)
        if token is not None and api is not None:
            try:
                await run_in_threadpool(api.tokens.get, api.control, token)
                return True
            except EngageLensError:
                return False
        check = getattr(self.state, "session_check", None)
        if check is None or not request.cookies:
            return False
        try:
            return bool(await run_in_threadpool(check, request))
        except EngageLensError:
            return False

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        ctype = headers.get(b"content-type", b"").decode("latin-1").lower()
        full = self.max_upload_bytes if ctype.startswith("multipart/") else MAX_BODY_BYTES
        small = min(full, self.anonymous_body_bytes)
        limit = small  # raised to ``full`` once the caller's credentials are checked
        checked = False
        extra = self._headers(scope)
        started = False

        async def allowed(size: int) -> bool:
            nonlocal limit, checked
            if size <= limit:
                return True
            if not checked:
                checked = True
                if await self._authenticated(scope):
                    limit = full
            return size <= limit

        async def send_with_headers(message: dict[str, Any]) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                have = {k.lower() for k, _ in message.get("headers", [])}
                message = dict(message)
                message["headers"] = list(message.get("headers", [])) + [
                    (k, v) for k, v in extra if k not in have
                ]
            await send(message)

        if _has_nul(scope):
            await _reject(
                send_with_headers,
                422,
                "invalid_parameter",
                "NUL characters are not allowed in paths or parameters",
            )
            return
        length = headers.get(b"content-length")
        if length is not None:
            try:
                declared = int(length)
            except ValueError:
                declared = -1
            if not await allowed(declared):
                await self._too_large(send_with_headers, limit, receive)
                return
        received = 0

        async def counting_receive() -> dict[str, Any]:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if not await allowed(received):
                    raise BodyTooLarge(limit)
            return message

        try:
            await self.app(scope, counting_receive, send_with_headers)
        except (BodyTooLarge, PayloadTooLarge):
            if started:
                raise
            await self._too_large(send_with_headers, limit, None)

    @staticmethod
    async def _too_large(send: Any, limit: int, receive: Any) -> None:
        await _reject(send, 413, "payload_too_large", f"request body larger than {limit:,} bytes")


def _has_nul(scope: dict[str, Any]) -> bool:
    """A NUL in a path or query parameter: engines end strings there, so nothing downstream
    may ever see one (the query string is checked raw and percent-decoded)."""
    query = scope.get("query_string", b"")
    return "\x00" in scope.get("path", "") or b"\x00" in query or b"%00" in query.lower()


async def _reject(send: Any, status: int, code: str, message: str) -> None:
    import json

    body = json.dumps(error_body(code, message)).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


_SECRET = re.compile(
    r"(?i)((?:token|password|passwd|secret|api[_-]?key|authorization)"
    r"[\"']?\s*[=:]\s*[\"']?)(?:bearer\s+)?[^\s&\"',;]+"
)
_BEARER = re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]+")
_TOKEN = re.compile(r"elk_[A-Za-z0-9_-]{8,}")


def redact(text: str) -> str:
    """Text with anything that looks like a credential replaced by ``***``."""
    text = _SECRET.sub(r"\1***", text)
    text = _BEARER.sub(r"\1***", text)
    return _TOKEN.sub("elk_***", text)


class RedactSecrets(logging.Filter):
    """Scrubs credentials from log records: the message (uvicorn's access log prints query
    strings) and the traceback text (an exception message may quote a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed record: logging reports it itself
            return True
        if redact(message) != message:
            # redact each argument in place: formatters such as Uvicorn's AccessFormatter
            # unpack ``record.args`` by position, so its shape must stay as it is
            if isinstance(record.args, tuple):
                record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
            elif isinstance(record.args, dict):
                record.args = {
                    k: redact(v) if isinstance(v, str) else v for k, v in record.args.items()
                }
            elif isinstance(record.msg, str):
                record.msg = redact(record.msg)
            try:
                final: str | None = record.getMessage()
            except (TypeError, ValueError):
                final = None
            if final is None or redact(final) != final:
                # a secret in the format string itself: keep only the redacted text
                record.msg, record.args = redact(message), None
        if record.exc_info and not record.exc_text:
            # formatters reuse ``exc_text`` when it is set, so the redacted text is what they print
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


#: loggers that see requests. A logger's filters apply only to records logged on it, not to
#: records of its children, so every logger that logs is named, not only a parent.
REDACTED_LOGGERS: tuple[str, ...] = (
    "uvicorn",
    "uvicorn.access",
    "uvicorn.error",
    "fastapi",
    "engagelens",
    "engagelens.api",
    "",
)


def install_log_redaction() -> None:
    """Attach :class:`RedactSecrets` to :data:`REDACTED_LOGGERS` (idempotent)."""
    for name in REDACTED_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactSecrets) for f in logger.filters):
            logger.addFilter(RedactSecrets())


__all__ = sorted(
    [
        "BodyTooLarge",
        "CONTENT_SECURITY_POLICY",
        "MAX_BODY_BYTES",
        "REDACTED_LOGGERS",
        "RedactSecrets",
        "SECURITY_HEADERS",
        "SecurityMiddleware",
        "install_log_redaction",
        "redact",
    ]
)
