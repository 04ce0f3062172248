"""One DuckDB file shared by a long-running server and short CLI commands.

Why: DuckDB lets one process at a time open a file for writing, and no other process may even
read it meanwhile ("Could not set lock … Conflicting lock is held"). ``engagelens serve`` keeps
workspace files open for speed, so without a protocol ``engagelens listen add`` or ``ingest`` on
the same file fails while the server runs, and the server fails while a CLI ingest runs.

The protocol (a *claim file* next to the store, ``<db>.claim``, holding the claimant's pid):

* A process that finds the file locked writes its claim and retries until it gets the file
  (``store_lock_wait_s``), then removes the claim. A claim whose pid is gone (a killed CLI) is
  ignored.
* The server checks for a live claim before each use of a workspace and in a background
  sweep; once it sees one it finishes the requests in flight, closes the file and does not
  reopen it while the claim lives, answering 503 with ``Retry-After`` instead.

So a CLI command waits at most for the server's requests in flight, the server waits at most
for the CLI command, nobody sees a lock error, and no write is lost: every write either
commits in the process that holds the file or is refused with an error that says so.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from engagelens.errors import StoreBusy, StoreError

from .connection import Store

#: how DuckDB words a lock held by another process
_LOCK_WORDS = ("could not set lock", "conflicting lock")


def is_lock_conflict(exc: BaseException) -> bool:
    """True when ``exc`` says another process holds the file's lock."""
    text = str(exc).lower()
    return any(w in text for w in _LOCK_WORDS)


def claim_path(db: str | os.PathLike[str]) -> Path:
    return Path(os.fspath(db) + ".claim")


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, owned by someone else
        return True
    return True


def claimant(db: str | os.PathLike[str]) -> int | None:
    """The pid of a live claim on ``db`` by another process, else None."""
    path = claim_path(db)
    try:
        pid = int(path.read_text(encoding="ascii").strip() or 0)
    except (FileNotFoundError, ValueError):
        return None
    except OSError:
        return None
    if pid == os.getpid() or not _pid_alive(pid):
        return None
    return pid


@contextlib.contextmanager
def claiming(db: str | os.PathLike[str]) -> Iterator[None]:
    """Hold a claim on ``db`` for the duration of the block (removed even on error)."""
    path = claim_path(db)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_text(str(os.getpid()), encoding="ascii")
    os.replace(tmp, path)  # atomic: a reader never sees a half-written pid
    try:
        yield
    finally:
        with contextlib.suppress(FileNotFoundError, ValueError, OSError):
            if int(path.read_text(encoding="ascii").strip() or 0) == os.getpid():
                path.unlink()


def _local_path(url: str | os.PathLike[str] | None) -> str | None:
    """The file behind a DuckDB URL, or None for memory and non-DuckDB stores."""
    if url is None:
        from engagelens import settings

        url = settings.get("db")
    text = os.fspath(url)
    if "://" in text and not text.startswith("duckdb://"):
        return None
    path = text.removeprefix("duckdb://")
    return None if path in ("", ":memory:") else path


def open_waiting(
    url: str | os.PathLike[str] | None = None,
    *,
    wait_s: float | None = None,
    poll_s: float = 0.05,
    **kw: Any,
) -> Store:
    """``Store.open(url, **kw)``, waiting (with a claim) while another process holds the file.

    Raises :class:`~engagelens.errors.StoreBusy` naming the file if it is still held after
    ``wait_s`` (setting ``store_lock_wait_s``)."""
    path = _local_path(url)
    try:
        return Store.open(url, **kw)
    except StoreError as exc:
        if path is None or not is_lock_conflict(exc):
            raise
    if wait_s is None:
        from engagelens import settings

        wait_s = float(settings.get("store_lock_wait_s"))
    deadline = time.monotonic() + wait_s
    with claiming(path):
        while True:
            time.sleep(poll_s)
            try:
                return Store.open(url, **kw)
            except StoreError as exc:
                if not is_lock_conflict(exc):
                    raise
                if time.monotonic() > deadline:
                    raise StoreBusy(
                        f"{path} is in use by another process (e.g. `engagelens serve` or an "
                        f"ingest) and was not released within {wait_s:g} s; retry later or "
                        "raise store_lock_wait_s",
                        retry_after_s=max(1, round(poll_s * 20)),
                    ) from None


__all__ = ["claim_path", "claimant", "claiming", "is_lock_conflict", "open_waiting"]
