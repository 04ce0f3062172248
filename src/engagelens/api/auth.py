"""Who is calling, and what may they see: principals, tokens, passwords and roles.

A :class:`Principal` is an API token (scoped to exactly one workspace and one role) or a user
(a role per workspace, from ``engagelens user create`` / ``grant``). Roles are ordered
``viewer < analyst < admin``: viewers read, analysts also ingest and work the inbox, admins also
manage the workspace.

Isolation rule (tested for every route): a workspace the principal has no role in answers
**404**, exactly like a workspace that does not exist, so a token cannot even learn which
workspaces exist; a visible workspace with too low a role answers **403**.

The dashboard (``engagelens.web``) reuses :func:`verify_password`, :func:`get_workspace_store`
and :func:`require_role` for its cookie sessions.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from engagelens.errors import NotFound, PermissionDenied

from .control import ROLE_RANK, Control, check_role, token_digest
from .errors import RateLimited, Unauthenticated

if TYPE_CHECKING:  # pragma: no cover
    from .state import ApiState
    from .workspaces import Workspace


@dataclass(frozen=True)
class Principal:
    """The caller: ``id`` is ``token:<n>`` or ``user:<name>``; ``roles`` maps workspace → role.

    ``workspace``/``role`` are the token's scope (for a user: their only workspace if they have
    exactly one, else None)."""

    id: str
    kind: str  # "token" or "user"
    roles: Mapping[str, str] = field(default_factory=dict)

    @property
    def workspace(self) -> str | None:
        return next(iter(self.roles)) if len(self.roles) == 1 else None

    @property
    def role(self) -> str | None:
        return next(iter(self.roles.values())) if len(self.roles) == 1 else None

    def role_in(self, slug: str) -> str | None:
        return self.roles.get(slug)

    def can(self, slug: str, role: str) -> bool:
        have = self.roles.get(slug)
        return have is not None and ROLE_RANK[have] >= ROLE_RANK[role]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "workspaces": [{"slug": w, "role": r} for w, r in sorted(self.roles.items())],
        }


def authenticate_token(control: Control, token: str) -> Principal:
    """The principal of a live token; :class:`Unauthenticated` (401) otherwise."""
    if not token or len(token) > 200:
        raise Unauthenticated("missing or malformed API token")
    row = control.find_token(token)
    if row is None:
        raise Unauthenticated("unknown or revoked API token")
    return Principal(
        id=f"token:{row['token_id']}", kind="token", roles={row["workspace"]: row["role"]}
    )


# argon2 of a random string: verified against when the user does not exist, so a wrong user
# name takes as long as a wrong password (no user enumeration by timing)
_DUMMY_HASH: list[str] = []


def verify_password(control: Control, username: str, password: str) -> Principal | None:
    """The user's principal if ``password`` matches their argon2 hash, else None."""
    from argon2 import PasswordHasher
    from argon2.exceptions import InvalidHashError, VerificationError

    hasher = PasswordHasher()
    stored = control.password_hash(username) if username and len(username) <= 64 else None
    if stored is None:
        if not _DUMMY_HASH:
            _DUMMY_HASH.append(hasher.hash("not a password"))
        stored, username = _DUMMY_HASH[0], ""
    try:
        hasher.verify(stored, password or "")
    except (VerificationError, InvalidHashError):
        return None
    if not username:
        return None
    return Principal(id=f"user:{username}", kind="user", roles=control.roles(username))


def check_access(principal: Principal, slug: str, role: str = "viewer") -> None:
    """NotFound (404) when ``principal`` has no role in ``slug`` (whether or not it exists);
    PermissionDenied (403) when its role there is lower than ``role``."""
    if principal.role_in(slug) is None:
        raise NotFound(f"no workspace {slug!r}")
    if not principal.can(slug, role):
        raise PermissionDenied(
            f"this needs the {role} role in workspace {slug!r}; you have {principal.role_in(slug)}"
        )


def get_workspace_store(
    principal: Principal, slug: str, state: ApiState, *, role: str = "viewer"
) -> Workspace:
    """The open workspace ``slug`` if ``principal`` has at least ``role`` in it (else the
    errors of :func:`check_access`). Use the result as ``with ws.session() as store: ...``."""
    check_access(principal, slug, role)
    return state.workspaces.get(slug)


class TokenCache:
    """Every live token (hash → row) and every revoked dashboard session, kept in memory and
    re-read only when the control file changes (:meth:`Control.stamp`, two ``stat`` calls).

    Why not a per-token cache with a lookup on a miss: a flood of made-up tokens would then
    open the control database once each (~12 requests/s at 16 clients). Here an unknown token
    costs a dict lookup; a token created or revoked by ``engagelens token`` (another process)
    changes the file, so it counts from the next request on. Expired tokens are refused by
    their ``expires_at``. ``ttl_s`` is kept for compatibility: the stamp decides freshness."""

    def __init__(self, ttl_s: float = 10.0) -> None:
        self.ttl_s = ttl_s
        self._lock = threading.Lock()
        self._stamp: tuple[object, ...] | None = None
        self._tokens: dict[str, dict[str, Any]] = {}
        self._revoked: set[str] = set()
        #: how often the index was (re)read from the control database (tests read it)
        self.loads = 0

    def needs_reload(self, control: Control) -> bool:
        return control.stamp() != self._stamp

    def reload(self, control: Control) -> None:
        self._fresh(control)

    def _fresh(self, control: Control) -> None:
        stamp = control.stamp()
        if stamp == self._stamp:
            return
        with self._lock:
            if stamp == self._stamp:
                return
            tokens, revoked = control.live_tokens(), set(control.revoked_sessions())
            self._tokens, self._revoked = tokens, revoked
            self._stamp = stamp  # taken before reading: a write meanwhile means another reload
            self.loads += 1

    @staticmethod
    def _principal(row: dict[str, Any] | None) -> Principal | None:
        if row is None:
            return None
        expires = row.get("expires_at")
        if expires is not None and expires <= dt.datetime.now(dt.UTC).replace(tzinfo=None):
            return None
        return Principal(
            id=f"token:{row['token_id']}", kind="token", roles={row["workspace"]: row["role"]}
        )

    def peek(self, token: str) -> Principal | None:
        """The principal of ``token`` from memory, without looking at the control file."""
        return self._principal(self._tokens.get(token_digest(token)))

    def get(self, control: Control, token: str) -> Principal:
        """The principal of a live token; :class:`Unauthenticated` (401) otherwise."""
        if not token or len(token) > 200:
            raise Unauthenticated("missing or malformed API token")
        self._fresh(control)
        principal = self._principal(self._tokens.get(token_digest(token)))
        if principal is None:
            raise Unauthenticated("unknown, expired or revoked API token")
        return principal

    def by_id(self, control: Control, token_id: int) -> Principal | None:
        """The principal of live token ``token_id`` (dashboard sessions keep only the id)."""
        self._fresh(control)
        for row in self._tokens.values():
            if row["token_id"] == token_id:
                return self._principal(row)
        return None

    def session_revoked(self, control: Control, sid: str) -> bool:
        self._fresh(control)
        return token_digest(sid) in self._revoked

    def revoke_session(self, control: Control, sid: str, expires_at: dt.datetime) -> None:
        """Log-out: recorded in the control database, effective here at once."""
        control.revoke_session(sid, expires_at)
        with self._lock:
            self._revoked.add(token_digest(sid))

    def clear(self) -> None:
        with self._lock:
            self._stamp = None


def state_of(request: Request) -> ApiState:
    return request.app.state.engagelens


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


async def current_principal(request: Request) -> Principal:
    """FastAPI dependency: the Bearer token's principal, counted against its rate limit.

    Async so that the common case (a cached token) costs no thread hop; a cache miss reads the
    control database in the thread pool."""
    token = bearer_token(request)
    if token is None:
        raise Unauthenticated("send an API token: Authorization: Bearer <token>")
    state = state_of(request)
    if state.tokens.needs_reload(state.control):  # read the control file off the event loop
        await run_in_threadpool(state.tokens.reload, state.control)
    principal = state.tokens.get(state.control, token)
    wait = state.limiter.hit(principal.id)
    if wait > 0:
        retry = state.limiter.retry_after(wait)
        raise RateLimited(
            f"more than {state.limiter.per_minute} requests per minute; retry in {retry} s",
            retry_after_s=retry,
        )
    request.state.principal = principal
    return principal


def require_role(role: str) -> Callable[..., Awaitable[Workspace]]:
    """FastAPI dependency factory for routes with a ``{workspace}`` path parameter: the open
    workspace, if the caller has at least ``role`` there (else 404/403, see module doc)."""
    check_role(role)

    async def dependency(
        workspace: str, request: Request, principal: Principal = Depends(current_principal)
    ) -> Workspace:
        check_access(principal, workspace, role)
        workspaces = state_of(request).workspaces
        ws = workspaces.peek(workspace)
        return ws if ws is not None else await run_in_threadpool(workspaces.get, workspace)

    dependency.__name__ = f"require_{role}"
    return dependency


__all__ = sorted(
    [
        "Principal",
        "TokenCache",
        "authenticate_token",
        "bearer_token",
        "check_access",
        "current_principal",
        "get_workspace_store",
        "require_role",
        "state_of",
        "verify_password",
    ]
)
