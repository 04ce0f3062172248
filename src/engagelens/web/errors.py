"""Errors on dashboard URLs are HTML pages; everywhere else the API's JSON handlers answer.

``install(app)`` wraps the handlers ``engagelens.api.errors`` registered: a request whose path
is a dashboard path gets a page in the user's language (or, without a session, a redirect to the
login page); any other request is passed to the API's handler unchanged. A 5xx page says only
that something failed — details go to the server log (which redacts credentials).
"""

from __future__ import annotations

import logging
import urllib.parse
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from engagelens.errors import EngageLensError

from . import session

log = logging.getLogger("engagelens.web")
WEB_PREFIXES = ("/w/", "/login", "/logout", "/locale", "/workspaces")


def is_dashboard_path(path: str) -> bool:
    return path == "/" or path == "/w" or path.startswith(WEB_PREFIXES)


def _status_of(exc: Exception) -> int:
    if isinstance(exc, StarletteHTTPException):
        return exc.status_code
    if isinstance(exc, RequestValidationError):
        return 422
    return int(getattr(exc, "http_status", 500))


def error_page(request: Request, exc: Exception) -> Any:
    from .auth import LoginRequired
    from .render import current_lang, render

    if isinstance(exc, LoginRequired):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        url = "/login?" + urllib.parse.urlencode({"next": target})
        return session.save(request, RedirectResponse(url, status_code=303))
    status = _status_of(exc)
    _ = current_lang(request).gettext
    messages = {
        400: _("The request was not valid."),
        403: _("You cannot do that here."),
        404: _("This page does not exist, or you have no access to it."),
        422: _("The request was not valid."),
        429: _("Too many requests. Wait a minute and try again."),
    }
    if status >= 500:
        log.error("dashboard error on %s: %s", request.url.path, type(exc).__name__, exc_info=exc)
        message = _("Something went wrong on the server.")
    else:
        message = messages.get(status, _("The request was not valid."))
    return render(
        request, "error.html", status=status, title=str(status), message=message, status_code=status
    )


def install(app: FastAPI) -> None:
    """Put the HTML error pages in front of the API's handlers, for dashboard paths only."""
    for exc_class in (EngageLensError, StarletteHTTPException, RequestValidationError, Exception):
        previous = app.exception_handlers.get(exc_class)

        def handler(request: Request, exc: Exception, _previous: Any = previous) -> Any:
            if is_dashboard_path(request.url.path) or _previous is None:
                return error_page(request, exc)
            return _previous(request, exc)

        async def async_handler(request: Request, exc: Exception, _h: Any = handler) -> Any:
            result = _h(request, exc)
            if hasattr(result, "__await__"):
                result = await result
            return result

        app.add_exception_handler(exc_class, async_handler)


__all__ = ["WEB_PREFIXES", "error_page", "install", "is_dashboard_path"]
