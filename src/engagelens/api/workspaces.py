"""Open workspace stores for the server: one DuckDB file per workspace, one connection each.

Why a lock per workspace: a DuckDB connection must not run two queries at once from two
threads. The server answers most requests from caches (:mod:`.cache`, :mod:`.rollup`), so
serialising the few real queries per workspace costs little and keeps the code obvious.

``data_version`` is the newest ingest batch id of the workspace. Every cache key includes it,
so a new batch makes every cached answer stale at once without any invalidation list.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from engagelens.errors import NotFound
from engagelens.store import Store

from .control import Control, check_slug


@dataclass
class Workspace:
    """An open workspace store and what the server keeps in memory about it."""

    slug: str
    store: Store
    lock: threading.RLock = field(default_factory=threading.RLock)
    data_version: int = 0
    #: per-version derived data (the post rollup), replaced when the version changes
    derived: dict[str, Any] = field(default_factory=dict)
    _derive_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @contextlib.contextmanager
    def session(self) -> Iterator[Store]:
        """The store, used by one thread at a time."""
        with self.lock:
            yield self.store

    def refresh_version(self) -> int:
        """Re-read the newest batch id (after an ingest through this server)."""
        with self.lock:
            t = self.store.table("ingest_batch")
            self.data_version = int(t.batch_id.max().execute() or 0)
            self.derived.clear()
            return self.data_version

    def derive(self, name: str, build: Callable[[Store], Any]) -> Any:
        """``build(store)`` once per data version (e.g. the post rollup); concurrent callers
        wait for the one computation."""
        with self._derive_lock:
            hit = self.derived.get(name)
            if hit is not None and hit[0] == self.data_version:
                return hit[1]
            version = self.data_version
            with self.session() as store:
                value = build(store)
            self.derived[name] = (version, value)
            return value

    def bump(self) -> None:
        """Forget derived data after a write that is not an ingest (e.g. an inbox action)."""
        with self.lock:
            self.derived.clear()


class Workspaces:
    """Workspace stores of one server, opened on first use and kept open."""

    def __init__(self, control: Control) -> None:
        self.control = control
        self._open: dict[str, Workspace] = {}
        self._lock = threading.Lock()
        self._known: set[str] = set()

    def exists(self, slug: str) -> bool:
        if slug in self._known:
            return True
        try:
            check_slug(slug)
        except Exception:
            return False
        names = {w["slug"] for w in self.control.workspaces()}
        self._known = names
        return slug in names

    def peek(self, slug: str) -> Workspace | None:
        """The workspace if it is open already (no database access)."""
        return self._open.get(slug)

    def get(self, slug: str) -> Workspace:
        """The open workspace ``slug`` (NotFound if the control DB does not list it)."""
        ws = self._open.get(slug)
        if ws is not None:
            return ws
        if not self.exists(slug):
            raise NotFound(f"no workspace {slug!r}")
        with self._lock:
            ws = self._open.get(slug)
            if ws is None:
                ws = Workspace(slug, Store.open(self.control.workspace_path(slug)))
                ws.refresh_version()
                self._open[slug] = ws
        return ws

    def close(self) -> None:
        with self._lock:
            for ws in self._open.values():
                with ws._derive_lock, ws.lock:  # lets a rollup being built finish first
                    ws.store.close()
            self._open.clear()


__all__ = sorted(["Workspace", "Workspaces"])
