"""Dashboard sessions: a small dict in a signed cookie, and CSRF tokens for every form.

Why a signed cookie and no server-side session table: the server keeps almost no state
(restart it and nobody is logged out), and ``itsdangerous`` signs with the ``secret_key``
setting (or the key generated once per data folder), so a client can read but never forge or
alter it. The cookie never holds a secret: a user session keeps the user name, a token
session the token's *id* (the token itself is never stored); both are re-checked against the
control database (see :mod:`.auth`), so a revoked token or a removed role ends access.

Log-out ends a session for good: every logged-in session has a random id (``sid``), and
log-out records it as revoked in the control database (:meth:`Control.revoke_session`), so a
copy of the cookie saved before log-out opens nothing afterwards (OWASP Session Management:
"invalidate the session on the server side"). A session without an id logs nobody in.

Cookie flags: ``HttpOnly`` (scripts cannot read it), ``SameSite=Lax`` (not sent on cross-site
POSTs) and ``Secure`` per the ``cookie_secure`` setting (``auto``: when the request is HTTPS,
which behind a TLS proxy needs ``serve --proxy-headers``). Sessions expire after
``session_max_age_s`` (default :data:`MAX_AGE_S`).

CSRF: every session carries a random token; every POST form embeds it in a hidden field and
:func:`check_csrf` compares it in constant time (OWASP "synchronizer token pattern"). A login
rotates it, so a token seen before login is worthless after.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Any

from fastapi import Request, Response

from engagelens.errors import PermissionDenied

COOKIE = "engagelens_session"
MAX_AGE_S = 12 * 3600
SALT = "engagelens.web.session"


class CsrfFailed(PermissionDenied):
    """A POST without the session's CSRF token (403)."""

    code = "csrf_failed"


def _serializer(request: Request) -> Any:
    from itsdangerous import URLSafeTimedSerializer

    state = request.app.state
    cached = getattr(state, "web_serializer", None)
    if cached is None:
        cached = URLSafeTimedSerializer(state.engagelens.secret_key, salt=SALT)
        state.web_serializer = cached
    return cached


def max_age_s(request: Request) -> int:
    return int(request.app.state.engagelens.settings.get("session_max_age_s") or MAX_AGE_S)


def load(request: Request) -> dict[str, Any]:
    """The request's session (empty when absent, expired or tampered with); cached on the
    request so every part of one request sees the same dict."""
    cached = getattr(request.state, "web_session", None)
    if cached is not None:
        return cached
    from itsdangerous import BadSignature

    raw = request.cookies.get(COOKIE)
    data: dict[str, Any] = {}
    if raw and len(raw) < 4096:
        try:
            loaded = _serializer(request).loads(raw, max_age=max_age_s(request))
            data = loaded if isinstance(loaded, dict) else {}
        except BadSignature:  # SignatureExpired is a subclass
            data = {}
    if not isinstance(data.get("csrf"), str):
        data["csrf"] = secrets.token_urlsafe(32)
        request.state.web_session_dirty = True
    request.state.web_session = data
    return data


def update(request: Request, **values: Any) -> dict[str, Any]:
    """Change the session (``None`` removes a key); saved by :func:`save`."""
    data = load(request)
    for key, value in values.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    request.state.web_session_dirty = True
    return data


def rotate(request: Request, **values: Any) -> dict[str, Any]:
    """A fresh session (new CSRF token) keeping only the locale: used at login and logout,
    so nothing from before carries over (session fixation)."""
    locale = load(request).get("locale")
    data: dict[str, Any] = {"csrf": secrets.token_urlsafe(32)}
    if locale:
        data["locale"] = locale
    data.update({k: v for k, v in values.items() if v is not None})
    if "user" in data or "tid" in data:
        data["sid"] = secrets.token_urlsafe(32)
    request.state.web_session = data
    request.state.web_session_dirty = True
    return data


def save(request: Request, response: Response) -> Response:
    """Set the cookie on ``response`` if the session changed during the request."""
    if getattr(request.state, "web_session_dirty", False):
        value = _serializer(request).dumps(load(request))
        response.set_cookie(
            COOKIE,
            value,
            max_age=max_age_s(request),
            httponly=True,
            samesite="lax",
            secure=secure_cookie(request),
            path="/",
        )
    return response


def secure_cookie(request: Request) -> bool:
    """The Secure flag per ``cookie_secure``: ``always``, ``never``, or ``auto`` (HTTPS)."""
    mode = str(request.app.state.engagelens.settings.get("cookie_secure") or "auto").lower()
    if mode == "always":
        return True
    if mode == "never":
        return False
    return request.url.scheme == "https"


def csrf_token(request: Request) -> str:
    return str(load(request)["csrf"])


def check_csrf(request: Request, submitted: str | None) -> None:
    """Raise :class:`CsrfFailed` unless ``submitted`` is this session's CSRF token."""
    expected = csrf_token(request)
    if not submitted or not hmac.compare_digest(submitted.encode(), expected.encode()):
        raise CsrfFailed("the form expired or did not come from this site; reload and retry")


__all__ = [
    "COOKIE",
    "MAX_AGE_S",
    "CsrfFailed",
    "check_csrf",
    "csrf_token",
    "load",
    "max_age_s",
    "rotate",
    "save",
    "secure_cookie",
    "update",
]
