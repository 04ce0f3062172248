"""The control database: workspaces, users, their roles per workspace, and API tokens.

Why a separate DuckDB file (``<data_dir>/control.duckdb``) and one file per workspace
(``<data_dir>/workspaces/<slug>.duckdb``): a query against one brand's store physically cannot
read another brand's rows, so tenant isolation does not depend on every query remembering a
``WHERE workspace = ?`` clause.

Why the control file is opened per lookup and not held open: DuckDB lets one process write a
file at a time, and ``engagelens token create`` / ``user create`` must work while the server
runs. The server caches lookups briefly (see :mod:`.auth`), so it opens the file rarely.

Secrets: passwords are stored as argon2id hashes (RFC 9106, via argon2-cffi); API tokens as the
SHA-256 of 32 random bytes (a token has 256 bits of entropy, so a fast hash is enough — the
approach of GitHub's and Django REST framework's hashed tokens). The token itself is shown once.
Tables are append-only (a revocation or a role change is a new row; the latest row wins), so the
layer needs no UPDATE statements.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import re
import secrets
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engagelens.errors import ConfigError, NotFound, StoreError
from engagelens.model.tables import Column, TableSpec, register_table
from engagelens.store import Store

ROLES: tuple[str, ...] = ("viewer", "analyst", "admin")
#: a role includes every permission of the roles before it
ROLE_RANK: dict[str, int] = {r: i for i, r in enumerate(ROLES, start=1)}
TOKEN_PREFIX = "elk_"
_SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,46}[a-z0-9])?$")
_USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")

WORKSPACE = register_table(
    TableSpec(
        "api_workspace",
        (
            Column("slug", "string", True, "url-safe name; also the workspace's file name"),
            Column("name", "string", description="display name (brand or client)"),
            Column("created_at", "timestamp", True),
        ),
        key=("slug",),
        description="Workspaces of a server (control database only).",
        ingestible=False,
    )
)

USER = register_table(
    TableSpec(
        "api_user",
        (
            Column("username", "string", True),
            Column("password_hash", "string", True, "argon2id hash; never the password"),
            Column("created_at", "timestamp", True),
        ),
        key=("username",),
        description="People who log in to the dashboard (control database only).",
        ingestible=False,
    )
)

MEMBERSHIP = register_table(
    TableSpec(
        "api_membership",
        (
            Column("username", "string", True),
            Column("workspace", "string", True),
            Column(
                "role",
                "string",
                True,
                "viewer, analyst, admin, or none (removed)",
                choices=(*ROLES, "none"),
            ),
            Column("granted_at", "timestamp", True, "the latest row per user and workspace wins"),
        ),
        description="A user's role in a workspace (append-only; control database only).",
        ingestible=False,
    )
)

TOKEN = register_table(
    TableSpec(
        "api_token",
        (
            Column("token_id", "int64", True),
            Column(
                "token_sha256", "string", True, "hex SHA-256 of the token; the token is not stored"
            ),
            Column("workspace", "string", True),
            Column("role", "string", True, choices=ROLES),
            Column("name", "string", description="what the token is for"),
            Column("created_at", "timestamp", True),
            Column("expires_at", "timestamp", description="no access from then on; null: never"),
        ),
        key=("token_id",),
        description="API tokens, hashed (control database only).",
        ingestible=False,
    )
)

TOKEN_REVOCATION = register_table(
    TableSpec(
        "api_token_revocation",
        (
            Column("token_id", "int64", True),
            Column("revoked_at", "timestamp", True),
        ),
        key=("token_id",),
        description="Revoked API tokens (control database only).",
        ingestible=False,
    )
)


SESSION_REVOCATION = register_table(
    TableSpec(
        "api_session_revocation",
        (
            Column("sid_sha256", "string", True, "hex SHA-256 of the session id"),
            Column("revoked_at", "timestamp", True),
            Column("expires_at", "timestamp", True, "when the cookie would have expired anyway"),
        ),
        key=("sid_sha256",),
        description="Dashboard sessions ended by log-out (control database only).",
        ingestible=False,
    )
)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def token_digest(token: str) -> str:
    """The stored form of a token: hex SHA-256 of its UTF-8 bytes."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def check_slug(slug: str) -> str:
    if not isinstance(slug, str) or not _SLUG.match(slug):
        raise ConfigError(
            f"workspace name {slug!r} must be 1–48 lower-case letters, digits or "
            "dashes (not at either end)"
        )
    return slug


def check_role(role: str) -> str:
    if role not in ROLE_RANK:
        raise ConfigError(f"role {role!r} must be one of {', '.join(ROLES)}")
    return role


@dataclass(frozen=True)
class NewToken:
    """A freshly created token: ``token`` is shown once and never stored."""

    token_id: int
    token: str
    workspace: str
    role: str
    name: str


class Control:
    """Access to ``<data_dir>/control.duckdb``, opened for the duration of each operation."""

    #: how long to wait for another process (the CLI, the server) to release the file
    lock_wait_s = 5.0

    def __init__(self, data_dir: str | Path) -> None:
        self.data_dir = Path(data_dir)
        self.path = self.data_dir / "control.duckdb"
        self.workspace_dir = self.data_dir / "workspaces"
        self._lock = threading.RLock()
        self._migrated = False

    def workspace_path(self, slug: str) -> Path:
        return self.workspace_dir / f"{check_slug(slug)}.duckdb"

    @contextlib.contextmanager
    def open(self) -> Iterator[Store]:
        """The control store, opened now and closed on exit (retrying while another process
        holds DuckDB's file lock)."""
        with self._lock:
            deadline = time.monotonic() + self.lock_wait_s
            while True:
                try:
                    store = Store.open(self.path, migrate=not self._migrated)
                    break
                except StoreError as exc:
                    if "lock" not in str(exc).lower() or time.monotonic() > deadline:
                        raise
                    time.sleep(0.05)
            if not self._migrated:
                self._protect()
            self._migrated = True
            try:
                yield store
            finally:
                store.close()

    def _protect(self) -> None:
        """Owner-only modes: the control file holds password and token hashes."""
        with contextlib.suppress(OSError):
            self.data_dir.chmod(0o700)
        for path in (self.path, Path(f"{self.path}.wal")):
            with contextlib.suppress(FileNotFoundError):
                path.chmod(0o600)

    def stamp(self) -> tuple[object, ...]:
        """Changes whenever the control file is written (by this or another process): lets
        caches of tokens and revocations know when to re-read it without opening it."""
        out: list[object] = []
        for path in (self.path, Path(f"{self.path}.wal")):
            try:
                st = path.stat()
                out.append((st.st_mtime_ns, st.st_size, st.st_ino))
            except FileNotFoundError:
                out.append(None)
        return tuple(out)

    def secret_key(self, configured: str = "") -> str:
        """The key that signs session cookies: the ``secret_key`` setting if set, else a
        random key created once per data folder (``<data_dir>/secret_key``, mode 0600)."""
        if configured:
            return configured
        path = self.data_dir / "secret_key"
        with self._lock:
            if not path.exists():
                self.data_dir.mkdir(parents=True, exist_ok=True)
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, "w", encoding="ascii") as f:
                    f.write(secrets.token_urlsafe(48))
            return path.read_text(encoding="ascii").strip()

    # -- workspaces --------------------------------------------------------------------
    def create_workspace(self, slug: str, name: str | None = None) -> dict[str, Any]:
        check_slug(slug)
        with self.open() as s, s.transaction():
            t = s.table(WORKSPACE.name)
            if t.filter(t.slug == slug).count().execute():
                raise ConfigError(f"workspace {slug!r} exists already")
            row = {"slug": slug, "name": name or slug, "created_at": _now()}
            s.insert(WORKSPACE.name, [row])
        ws = Store.open(self.workspace_path(slug))  # creates the file with the current schema
        ws.close()
        return row

    def workspaces(self) -> list[dict[str, Any]]:
        with self.open() as s:
            return s.table(WORKSPACE.name).order_by("slug").to_pyarrow().to_pylist()

    def workspace(self, slug: str) -> dict[str, Any]:
        with self.open() as s:
            t = s.table(WORKSPACE.name)
            rows = t.filter(t.slug == slug).to_pyarrow().to_pylist()
        if not rows:
            raise NotFound(f"no workspace {slug!r}")
        return rows[0]

    # -- users -------------------------------------------------------------------------
    def create_user(self, username: str, password: str) -> None:
        from argon2 import PasswordHasher

        if not _USERNAME.match(username or ""):
            raise ConfigError("a user name is 1–64 letters, digits, '.', '_', '@' or '-'")
        if len(password or "") < 8:
            raise ConfigError("a password needs at least 8 characters")
        hashed = PasswordHasher().hash(password)
        with self.open() as s, s.transaction():
            t = s.table(USER.name)
            if t.filter(t.username == username).count().execute():
                raise ConfigError(f"user {username!r} exists already")
            s.insert(
                USER.name, [{"username": username, "password_hash": hashed, "created_at": _now()}]
            )

    def grant(self, username: str, workspace: str, role: str) -> None:
        """Give ``username`` ``role`` in ``workspace`` (``none`` removes access)."""
        if role != "none":
            check_role(role)
        with self.open() as s, s.transaction():
            u, w = s.table(USER.name), s.table(WORKSPACE.name)
            if not u.filter(u.username == username).count().execute():
                raise NotFound(f"no user {username!r}")
            if not w.filter(w.slug == workspace).count().execute():
                raise NotFound(f"no workspace {workspace!r}")
            s.insert(
                MEMBERSHIP.name,
                [
                    {
                        "username": username,
                        "workspace": workspace,
                        "role": role,
                        "granted_at": _now(),
                    }
                ],
            )

    def password_hash(self, username: str) -> str | None:
        with self.open() as s:
            t = s.table(USER.name)
            rows = t.filter(t.username == username).select("password_hash").to_pyarrow().to_pylist()
        return rows[0]["password_hash"] if rows else None

    def roles(self, username: str) -> dict[str, str]:
        """Workspace slug → role of a user (the latest grant per workspace wins)."""
        with self.open() as s:
            m = s.table(MEMBERSHIP.name)
            rows = (
                m.filter(m.username == username)
                .order_by(["granted_at"])
                .select("workspace", "role")
                .to_pyarrow()
                .to_pylist()
            )
        out: dict[str, str] = {}
        for r in rows:
            out[r["workspace"]] = r["role"]
        return {w: r for w, r in out.items() if r != "none"}

    # -- tokens ------------------------------------------------------------------------
    def create_token(
        self,
        workspace: str,
        role: str,
        name: str = "",
        *,
        expires_in_days: float | None = None,
    ) -> NewToken:
        """A new token; ``expires_in_days`` (> 0) ends it then, None or 0 never."""
        check_role(role)
        if expires_in_days is not None and expires_in_days < 0:
            raise ConfigError("a token's lifetime in days must be positive (0: never expires)")
        expires_at = _now() + dt.timedelta(days=expires_in_days) if expires_in_days else None
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        with self.open() as s, s.transaction():
            w = s.table(WORKSPACE.name)
            if not w.filter(w.slug == workspace).count().execute():
                raise NotFound(
                    f"no workspace {workspace!r}; create it with `engagelens workspace create`"
                )
            token_id = s.next_id(TOKEN.name, "token_id")
            s.insert(
                TOKEN.name,
                [
                    {
                        "token_id": token_id,
                        "token_sha256": token_digest(token),
                        "workspace": workspace,
                        "role": role,
                        "name": name,
                        "created_at": _now(),
                        "expires_at": expires_at,
                    }
                ],
            )
        return NewToken(token_id, token, workspace, role, name)

    def revoke_token(self, token_id: int) -> None:
        with self.open() as s, s.transaction():
            t = s.table(TOKEN.name)
            if not t.filter(t.token_id == token_id).count().execute():
                raise NotFound(f"no token {token_id}")
            s.insert(TOKEN_REVOCATION.name, [{"token_id": token_id, "revoked_at": _now()}])

    def find_token(self, token: str) -> dict[str, Any] | None:
        """The live (not revoked, not expired) token row whose hash matches ``token``."""
        row = self.live_tokens().get(token_digest(token))
        if row is None or (row["expires_at"] is not None and row["expires_at"] <= _now()):
            return None
        return row

    def live_tokens(self) -> dict[str, dict[str, Any]]:
        """Hash → row (id, workspace, role, name, expires_at) of every token not revoked."""
        with self.open() as s:
            t = s.table(TOKEN.name)
            r = s.table(TOKEN_REVOCATION.name)
            live = t.anti_join(r, "token_id")
            rows = (
                live.select("token_sha256", "token_id", "workspace", "role", "name", "expires_at")
                .to_pyarrow()
                .to_pylist()
            )
        return {row.pop("token_sha256"): row for row in rows}

    # -- dashboard sessions ------------------------------------------------------------
    def revoke_session(self, sid: str, expires_at: dt.datetime) -> None:
        """End a dashboard session for good (log-out): its cookie no longer logs anyone in."""
        with self.open() as s, s.transaction():
            s.insert(
                SESSION_REVOCATION.name,
                [{"sid_sha256": token_digest(sid), "revoked_at": _now(), "expires_at": expires_at}],
            )

    def revoked_sessions(self) -> frozenset[str]:
        """Hashes of revoked session ids whose cookies have not expired yet."""
        with self.open() as s:
            t = s.table(SESSION_REVOCATION.name)
            rows = t.filter(t.expires_at > _now()).select("sid_sha256").to_pyarrow().to_pylist()
        return frozenset(r["sid_sha256"] for r in rows)

    def tokens(self, workspace: str | None = None) -> list[dict[str, Any]]:
        """Token metadata (never the hash), with ``revoked`` flags."""
        with self.open() as s:
            t = s.table(TOKEN.name)
            r = s.table(TOKEN_REVOCATION.name)
            if workspace is not None:
                t = t.filter(t.workspace == workspace)
            j = t.left_join(r, "token_id")
            rows = (
                j.select(
                    "token_id",
                    "workspace",
                    "role",
                    "name",
                    "created_at",
                    "expires_at",
                    revoked=j.revoked_at.notnull(),
                )
                .order_by("token_id")
                .to_pyarrow()
                .to_pylist()
            )
        return rows


__all__ = sorted(
    [
        "Control",
        "NewToken",
        "ROLES",
        "ROLE_RANK",
        "TOKEN_PREFIX",
        "check_role",
        "check_slug",
        "token_digest",
    ]
)
