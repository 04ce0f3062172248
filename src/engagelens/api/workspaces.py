"""Open workspace stores for the server: one DuckDB file per workspace, shared with CLI
commands by the claim protocol of :mod:`engagelens.store.sharing`.

Why a lock per workspace: a DuckDB connection must not run two queries at once from two
threads. The server answers most requests from caches (:mod:`.cache`, :mod:`.rollup`), so
serialising the few real queries per workspace costs little and keeps the code obvious.
Writes that take long (an upload's ingest) use a second connection to the same database
(:meth:`Workspace.writer`), so reads go on during them and see the last committed data.

Why the file is not simply held open: a CLI command on the same workspace (``engagelens
ingest``, ``listen add`` …) needs DuckDB's file lock. When one leaves a claim, the server
finishes the requests in flight, closes both connections and answers 503 with ``Retry-After``
until the command is done; the next request reopens the file and re-reads the data version.
While another process holds the file the server answers 503 the same way (never a 500).

``data_version`` is the newest ingest batch id of the workspace. Every cache key includes it,
so a new batch makes every cached answer stale at once without any invalidation list.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engagelens.errors import ConfigError, NotFound, StoreBusy, StoreError
from engagelens.store import Store
from engagelens.store.sharing import claimant, is_lock_conflict

from .control import Control, check_slug

#: how often idle workspaces are checked for claims by other processes
SWEEP_S = 0.1
#: seconds a client is told to wait while another process holds a workspace
RETRY_AFTER_S = 2


@dataclass
class Workspace:
    """A workspace store (opened on demand) and what the server keeps in memory about it."""

    slug: str
    path: Path
    lock: threading.RLock = field(default_factory=threading.RLock)
    _version: int = 0
    #: per-version derived data (the post rollup), replaced when the version changes
    derived: dict[str, Any] = field(default_factory=dict)
    _derive_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _write_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    #: guards opening/closing and the count of sessions in flight
    _gate: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _read: Store | None = field(default=None, repr=False)
    _write: Store | None = field(default=None, repr=False)
    _users: int = 0

    # -- opening and releasing ----------------------------------------------------------
    def _busy(self, why: str) -> StoreBusy:
        return StoreBusy(
            f"workspace {self.slug!r} is busy ({why}); retry in {RETRY_AFTER_S} s",
            retry_after_s=RETRY_AFTER_S,
        )

    def _acquire(self) -> Store:
        """The read connection, opened if needed; counts one session in flight."""
        with self._gate:
            if claimant(self.path) is not None:  # no new sessions; the last one closes
                if self._users == 0:
                    self._close_locked()
                raise self._busy("another process asked for it")
            if self._read is None:
                try:
                    self._read = Store.open(self.path)
                except StoreError as exc:
                    if is_lock_conflict(exc):
                        raise self._busy("another process is writing to it") from None
                    raise
                self._reload_version_locked()
            self._users += 1
            return self._read

    def _release(self) -> None:
        with self._gate:
            self._users -= 1
            if self._users == 0 and claimant(self.path) is not None:
                self._close_locked()

    def _reload_version_locked(self) -> None:
        assert self._read is not None
        t = self._read.table("ingest_batch")
        version = int(t.batch_id.max().execute() or 0)
        if version != self._version:
            self.derived.clear()
        self._version = version

    def _close_locked(self) -> None:
        for store in (self._write, self._read):
            if store is not None:
                store.close()
        self._read = self._write = None

    def release_if_claimed(self) -> bool:
        """Close the file if another process claims it and no request uses it (the sweep)."""
        with self._gate:
            if self._read is not None and self._users == 0 and claimant(self.path) is not None:
                self._close_locked()
                return True
        return False

    def close(self) -> None:
        with self._derive_lock, self.lock, self._gate:  # a rollup being built finishes first
            self._close_locked()

    @property
    def store(self) -> Store:
        """The read connection (opening it if needed); prefer :meth:`session`."""
        store = self._acquire()
        self._release()
        return store

    @property
    def data_version(self) -> int:
        """The newest batch id. While the file is closed (handed to a CLI command) it is
        re-read on the next access that can open it, so cached answers from before a CLI
        ingest are not served after it; while the file is busy, the last known version."""
        if self._read is None:
            with contextlib.suppress(StoreBusy):
                self._acquire()
                self._release()
        return self._version

    # -- use ----------------------------------------------------------------------------
    @contextlib.contextmanager
    def session(self) -> Iterator[Store]:
        """The store, used by one thread at a time (StoreBusy while another process has it)."""
        store = self._acquire()
        try:
            with self.lock:
                yield store
        finally:
            self._release()

    @contextlib.contextmanager
    def writer(self) -> Iterator[Store]:
        """A second connection for a long write (an ingest): one writer at a time, and reads
        through :meth:`session` are not held up by it."""
        self._acquire()
        try:
            with self._write_lock:
                with self._gate:
                    if self._write is None:
                        self._write = Store.open(self.path, migrate=False)
                    store = self._write
                yield store
        finally:
            self._release()

    def refresh_version(self) -> int:
        """Re-read the newest batch id (after an ingest through this server)."""
        with self.session() as store, self._gate:
            self._reload_version_locked()
            self.derived.clear()
            # the write went through the writer connection: the read connection's caches of
            # derived tables (metric facts, compiled queries) must see it as a write too
            store.generation += 1
            return self._version

    def derive(self, name: str, build: Callable[[Store], Any]) -> Any:
        """``build(store)`` once per data version (e.g. the post rollup); concurrent callers
        wait for the one computation."""
        with self._derive_lock:
            hit = self.derived.get(name)
            if hit is not None and hit[0] == self.data_version:
                return hit[1]
            with self.session() as store:
                version = self._version
                value = build(store)
            self.derived[name] = (version, value)
            return value

    def bump(self) -> None:
        """Forget derived data after a write that is not an ingest (e.g. an inbox action)."""
        with self.lock:
            self.derived.clear()
            if self._read is not None:
                self._read.generation += 1


class Workspaces:
    """Workspace stores of one server, opened on first use and kept open."""

    def __init__(self, control: Control) -> None:
        self.control = control
        self._open: dict[str, Workspace] = {}
        self._lock = threading.Lock()
        self._known: set[str] = set()
        self._sweeper: threading.Thread | None = None
        self._stop = threading.Event()

    def exists(self, slug: str) -> bool:
        if slug in self._known:
            return True
        try:
            check_slug(slug)
        except ConfigError:
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
                ws = Workspace(slug, self.control.workspace_path(slug))
                with ws.session():  # opens it and reads the data version (or StoreBusy)
                    pass
                self._open[slug] = ws
                self._start_sweeper()
        return ws

    def _start_sweeper(self) -> None:
        """A thread that hands idle workspaces to a process that claims them (a CLI command
        waiting for the file while no request comes in)."""
        if self._sweeper is not None:
            return

        def sweep() -> None:
            while not self._stop.wait(SWEEP_S):
                for ws in list(self._open.values()):
                    ws.release_if_claimed()

        self._sweeper = threading.Thread(target=sweep, name="workspace-sweeper", daemon=True)
        self._sweeper.start()

    def close(self) -> None:
        self._stop.set()
        if self._sweeper is not None:
            self._sweeper.join(2 * SWEEP_S + 1)
        with self._lock:
            for ws in self._open.values():
                ws.close()
            self._open.clear()


__all__ = sorted(["RETRY_AFTER_S", "SWEEP_S", "Workspace", "Workspaces"])
