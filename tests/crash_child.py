"""Child process of the crash harness (tests/test_crash_*.py): runs one write path and kills
itself with SIGKILL at a chosen point.

Usage: ``python crash_child.py POINT DB FILE [ARG]``. The kill comes from inside the process,
at a place the parent names, so the point is reproducible and no sleep decides it:

* ``reading``     – the file has been read once (line ends scanned, hash fed), not staged;
* ``staging``     – the file is staged in temporary tables, nothing validated or written;
* ``inserting``   – every row is written inside the batch's transaction, before COMMIT;
* ``committing``  – during the COMMIT of the rows, once the WAL has grown by ARG bytes;
* ``recording``   – during the COMMIT of the batch record, once the WAL has grown;
* ``committed``   – right after the ingest returned, before any checkpoint (the WAL holds
  the whole batch; the parent cuts it short at every length: a kill mid-COMMIT);
* ``checkpoint``  – during a CHECKPOINT after the batch, once the database file changes;
* ``listening``   – during the COMMIT of a listening run (WAL grown by ARG bytes);
* ``analysing``   – during the COMMIT of the ARG-th text-analysis chunk.

The last line on stdout says where it died (``killing at …``) or ``finished``.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from pathlib import Path


def die(where: str) -> None:
    print(f"killing at {where}", flush=True)
    os.kill(os.getpid(), signal.SIGKILL)


def watch(path: Path, grown_by: int, where: str, *, mtime: bool = False) -> None:
    """Kill this process once ``path`` has grown by ``grown_by`` bytes (or changed mtime)."""

    def stat() -> tuple[int, int]:
        try:
            st = path.stat()
        except FileNotFoundError:
            return 0, 0
        return st.st_size, st.st_mtime_ns

    size0, mtime0 = stat()

    def loop() -> None:
        while True:
            size, stamp = stat()
            if size - size0 > grown_by or (mtime and stamp != mtime0):
                die(f"{where} (size {size})")
            time.sleep(0.0002)

    threading.Thread(target=loop, daemon=True).start()


def main() -> None:
    point, db, data = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
    arg = int(sys.argv[4]) if len(sys.argv) > 4 else 0
    wal = Path(str(db) + ".wal")

    from engagelens.hooks import hookimpl, plugin_manager
    from engagelens.ingest import batch as ingest_batch
    from engagelens.store import Store, bulk

    store = Store.open(db)
    store.sql("SET checkpoint_threshold = '10GB'")  # the test decides when to checkpoint

    if point == "reading":  # the whole file scanned (line ends, hash), nothing staged yet
        from engagelens.ingest.formats import delimited as readers

        real_scan = readers.scan_line_ends

        def scan_line_ends(*a: object, **kw: object) -> object:
            real_scan(*a, **kw)
            die("reading")

        readers.scan_line_ends = scan_line_ends  # type: ignore[assignment]
    if point == "staging":
        real_validate = bulk.validate

        def validate(*a: object, **kw: object) -> object:
            die("staging")
            return real_validate(*a, **kw)  # pragma: no cover

        bulk.validate = validate  # type: ignore[assignment]
    if point == "recording":
        from engagelens.store import ledger

        real_write = ledger.write_batch

        def write_batch(*a: object, **kw: object) -> None:
            watch(wal, 0, "recording")
            real_write(*a, **kw)

        ledger.write_batch = write_batch  # type: ignore[assignment]

    class Points:
        @hookimpl
        def engagelens_before_commit(self, store: object, summary: object) -> None:
            if point == "inserting":
                die("inserting")
            if point == "committing":
                watch(wal, arg, f"committing +{arg}")

    plugin_manager().register(Points())

    if point in ("listening",):
        from engagelens.listening.runner import run

        watch_at = arg

        real = store.transaction

        def transaction():  # type: ignore[no-untyped-def]
            watch(wal, watch_at, f"listening +{watch_at}")
            return real()

        store.transaction = transaction  # type: ignore[method-assign]
        run(store)
        print("finished", flush=True)
        return
    if point == "analysing":
        from engagelens.text.store_analysis import analyze_store

        calls = [0]
        real_insert = store.insert

        def insert(name: str, rows: object) -> int:
            calls[0] += 1
            if calls[0] == arg:
                watch(wal, 0, f"analysing chunk {arg}")
            return real_insert(name, rows)

        store.insert = insert  # type: ignore[method-assign]
        analyze_store(store, "interaction", backend="fixed")
        print("finished", flush=True)
        return

    ingest_batch.ingest_file(store, data)
    if point == "committed":  # every commit done, nothing checkpointed: the WAL holds it all
        die("committed")
    if point == "checkpoint":
        watch(db, 0, "checkpoint", mtime=True)
        store.sql("CHECKPOINT")
    print("finished", flush=True)


if __name__ == "__main__":
    main()
