"""A durable, bounded queue of accepted requests: one file per request, fsync'd before the
``202``, deleted only after the batch holding it committed.

Why files and not memory: an acknowledged event must survive ``kill -9``. Names sort in
arrival order (``<ns since epoch>-<seq>``), so a worker restarted after a crash picks up exactly
where it stopped.
"""

from __future__ import annotations

import itertools
import json
import os
import threading
import time
from pathlib import Path
from typing import Any

from engagelens.api.errors import RateLimited

_SEQ = itertools.count()


class SpoolFull(RateLimited):
    """More requests waiting than ``collect_max_pending``: back-pressure (429 + Retry-After)."""

    code = "collector_busy"


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class Spool:
    """``<root>/<workspace>/<name>.<entity>.json`` files, at most ``max_pending`` in all."""

    def __init__(self, root: Path, max_pending: int = 10_000) -> None:
        self.root = Path(root)
        self.max_pending = max_pending
        self._lock = threading.Lock()
        self._count: int | None = None
        self.wakeup = threading.Event()

    def _pending_count(self) -> int:
        if self._count is None:
            self._count = sum(len(self.pending(ws)) for ws in self.workspaces())
        return self._count

    def put(self, workspace: str, entity: str, records: list[dict[str, Any]]) -> str:
        """Store ``records`` durably; the returned id is what the client is acknowledged."""
        with self._lock:
            if self._pending_count() >= self.max_pending:
                raise SpoolFull(
                    f"the collector has {self.max_pending} requests waiting; retry shortly",
                    retry_after_s=1,
                )
            folder = self.root / workspace
            folder.mkdir(parents=True, exist_ok=True)
            name = f"{time.time_ns():020d}-{next(_SEQ):08d}"
            tmp = folder / f".{name}.tmp"
            with tmp.open("wb") as f:
                f.write(json.dumps(records, ensure_ascii=False, default=str).encode())
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, folder / f"{name}.{entity}.json")
            _fsync_dir(folder)
            self._count = self._pending_count() + 1
        self.wakeup.set()
        return name

    def workspaces(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.iterdir() if p.is_dir())

    def pending(self, workspace: str) -> list[Path]:
        folder = self.root / workspace
        if not folder.is_dir():
            return []
        return sorted(p for p in folder.glob("*.json") if not p.name.startswith("."))

    def done(self, paths: list[Path]) -> None:
        """Forget requests whose batch committed."""
        with self._lock:
            for p in paths:
                p.unlink(missing_ok=True)
            self._count = None


__all__ = ["Spool", "SpoolFull"]
