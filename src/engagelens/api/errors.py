"""Every error the API returns has one shape, built here and nowhere else::

    {"error": {"code": "not_found", "message": "no workspace 'acme'"}}

``engagelens.errors`` gives each error its stable ``code`` and ``http_status``; request
validation (422), unknown routes (404/405), and the API's own conditions (401, 413, 429, and
503 with ``Retry-After`` while another process holds a workspace's file) are mapped to the
same shape. A 5xx never echoes internals: the message is generic and the
details go to the server log (without request headers, so never a token).
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from engagelens.errors import EngageLensError, PermissionDenied, StoreBusy

log = logging.getLogger("engagelens.api")


class Unauthenticated(PermissionDenied):
    """No credentials, or credentials that match nothing."""

    code = "unauthenticated"
    http_status = 401


class RateLimited(EngageLensError):
    code = "rate_limited"
    http_status = 429

    def __init__(self, message: str, *, retry_after_s: int) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class InvalidParameter(EngageLensError, ValueError):
    """A query parameter that parses but makes no sense (a bad date, from after to, a cursor
    that was not issued by the server)."""

    code = "invalid_parameter"
    http_status = 422


class PayloadTooLarge(EngageLensError):
    code = "payload_too_large"
    http_status = 413


_HTTP_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "rate_limited",
}


def error_body(code: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, **extra}}


def error_response(exc: EngageLensError) -> JSONResponse:
    """The response for an EngageLens error (the one mapping from exception to HTTP)."""
    status = int(getattr(exc, "http_status", 400))
    headers: dict[str, str] = {}
    if isinstance(exc, RateLimited | StoreBusy):
        headers["Retry-After"] = str(exc.retry_after_s)
    if isinstance(exc, StoreBusy):  # a condition to wait out, not a fault: say what it is
        return JSONResponse(
            error_body(exc.code, exc.message, retry_after_s=exc.retry_after_s),
            status_code=status,
            headers=headers,
        )
    if isinstance(exc, Unauthenticated):
        headers["WWW-Authenticate"] = 'Bearer realm="engagelens"'
    if status >= 500:
        log.error("server error %s: %s", exc.code, exc.message)
        return JSONResponse(
            error_body(exc.code, "internal error; see the server log"), status_code=status
        )
    details = {k: v for k, v in exc.details.items() if isinstance(v, str | int | float | bool)}
    return JSONResponse(
        error_body(exc.code, exc.message, **details), status_code=status, headers=headers
    )


def _json_safe(value: Any) -> Any:
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    return str(value)


def install(app: FastAPI) -> None:
    """Register the handlers on ``app``."""

    @app.exception_handler(EngageLensError)
    async def _engagelens(request: Request, exc: EngageLensError) -> JSONResponse:
        return error_response(exc)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [
            {"field": ".".join(str(p) for p in e.get("loc", ())), "message": str(e.get("msg", ""))}
            for e in exc.errors()
        ]
        first = problems[0] if problems else {"field": "", "message": "invalid request"}
        message = f"{first['field']}: {first['message']}" if first["field"] else first["message"]
        return JSONResponse(
            error_body("validation", message, problems=_json_safe(problems)), status_code=422
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _HTTP_CODES.get(exc.status_code, "http_error")
        message = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ")
        return JSONResponse(
            error_body(code, message),
            status_code=exc.status_code,
            headers=getattr(exc, "headers", None),
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.error(
            "unexpected %s on %s %s",
            type(exc).__name__,
            request.method,
            request.url.path,
            exc_info=exc,
        )
        return JSONResponse(
            error_body("internal", "internal error; see the server log"), status_code=500
        )


__all__ = sorted(
    [
        "InvalidParameter",
        "PayloadTooLarge",
        "RateLimited",
        "Unauthenticated",
        "error_body",
        "error_response",
        "install",
    ]
)
