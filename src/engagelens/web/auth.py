"""Who is looking at the dashboard: log in with a password or an API token, and check their
role in a workspace on every page.

The rules are the API's (:mod:`engagelens.api.auth`): a workspace the user has no role in is
**404**, exactly like one that does not exist; too low a role is 403. The session cookie holds
only an identity (``user`` name or token ``tid``); roles are re-read from the control database,
cached for ``token_cache_ttl_s`` seconds, so a revoked token or a removed grant ends access
within that time. Failed log-ins are throttled per client IP and per user name
(:mod:`.throttle`); a wrong user name costs the same argon2 check as a wrong password
(:func:`engagelens.api.auth.verify_password` verifies against a dummy hash), so neither the
answer nor its timing tells whether the name exists.
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING, Any

from fastapi import Request

from engagelens.api.auth import Principal, check_access, state_of, verify_password
from engagelens.errors import EngageLensError

from . import session
from .throttle import LoginThrottle

if TYPE_CHECKING:  # pragma: no cover
    from engagelens.api.workspaces import Workspace


class LoginRequired(EngageLensError):
    """No valid session: the dashboard answers with a redirect to the login page."""

    code = "login_required"
    http_status = 401


class _Principals:
    """Session identity → principal, kept ``ttl_s`` seconds."""

    def __init__(self) -> None:
        self._items: dict[tuple[str, str], tuple[float, Principal | None]] = {}
        self._lock = threading.Lock()

    def get(self, key: tuple[str, str], ttl_s: float, load: Any) -> Principal | None:
        now = time.monotonic()
        with self._lock:
            hit = self._items.get(key)
        if hit is not None and hit[0] > now:
            return hit[1]
        principal = load()
        with self._lock:
            if len(self._items) > 10_000:
                self._items.clear()
            self._items[key] = (now + ttl_s, principal)
        return principal


def _cache(request: Request) -> _Principals:
    state = request.app.state
    cache = getattr(state, "web_principals", None)
    if cache is None:
        cache = state.web_principals = _Principals()
    return cache


def _load_user(control: Any, username: str) -> Principal | None:
    if control.password_hash(username) is None:
        return None
    return Principal(id=f"user:{username}", kind="user", roles=control.roles(username))


def principal_of(request: Request) -> Principal | None:
    """The logged-in principal, or None (no session, a session ended by log-out, or its
    user/token is gone or expired)."""
    data = session.load(request)
    state = state_of(request)
    sid = data.get("sid")
    if not isinstance(sid, str) or state.tokens.session_revoked(state.control, sid):
        return None
    ttl = float(state.settings.get("token_cache_ttl_s", 10.0))
    if isinstance(data.get("user"), str):
        name = data["user"]
        return _cache(request).get(("user", name), ttl, lambda: _load_user(state.control, name))
    if isinstance(data.get("tid"), int):
        return state.tokens.by_id(state.control, data["tid"])
    return None


def require_login(request: Request) -> Principal:
    principal = principal_of(request)
    if principal is None:
        raise LoginRequired("log in to see the dashboard")
    request.state.principal = principal
    return principal


def open_workspace(
    request: Request, slug: str, role: str = "viewer"
) -> tuple[Principal, Workspace]:
    """The principal and the open workspace ``slug``, if they have ``role`` there (404/403)."""
    principal = require_login(request)
    check_access(principal, slug, role)
    return principal, state_of(request).workspaces.get(slug)


def login_password(request: Request, username: str, password: str) -> Principal | None:
    """Check a password; on success start a fresh session for the user."""
    principal = verify_password(state_of(request).control, username.strip(), password)
    if principal is not None:
        session.rotate(request, user=username.strip())
    return principal


def login_token(request: Request, token: str) -> Principal | None:
    """Check an API token; on success start a fresh session holding its id (never the token)."""
    state = state_of(request)
    try:
        principal = state.tokens.get(state.control, token.strip())
    except EngageLensError:
        return None
    session.rotate(request, tid=int(principal.id.split(":", 1)[1]))
    return principal


def throttle_of(request: Request) -> LoginThrottle:
    """The app's failed-login counter (made by ``routes.install`` from the settings)."""
    throttle: LoginThrottle = request.app.state.web_login_throttle
    return throttle


def logout(request: Request) -> None:
    """End the session here and for every copy of its cookie (revoked server-side)."""
    import datetime as dt

    sid = session.load(request).get("sid")
    if isinstance(sid, str):
        state = state_of(request)
        expires = dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(
            seconds=session.max_age_s(request)
        )
        state.tokens.revoke_session(state.control, sid, expires)
    session.rotate(request)


__all__ = [
    "LoginRequired",
    "login_password",
    "login_token",
    "logout",
    "open_workspace",
    "principal_of",
    "require_login",
    "throttle_of",
]
