"""A batch is all-or-nothing: ``kill -9`` during a batch leaves no trace of it, and running
the same command again completes it.

The ingest runs in a child process with a plugin on the documented
``engagelens_before_commit`` hook: every row is written inside the transaction, the child
says so on stdout and blocks; the test then kills it with SIGKILL — the worst moment.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import pytest

from engagelens.ingest import ingest_file
from engagelens.store import Store

CHILD = textwrap.dedent("""
    import sys, threading
    from engagelens.hooks import hookimpl, plugin_manager
    from engagelens.ingest import ingest_file
    from engagelens.store import Store

    class Stall:
        @hookimpl
        def engagelens_before_commit(self, store, summary):
            n = store.sql("SELECT count(*) FROM interaction").fetchone()[0]
            print(f"in-batch {n}", flush=True)
            threading.Event().wait()  # until killed

    plugin_manager().register(Stall())
    store = Store.open(sys.argv[1])
    ingest_file(store, sys.argv[2], source="canonical")
""")

ROWS = 20_000


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_kill_9_mid_batch_leaves_no_half_batch(tmp_path):
    db = tmp_path / "crash.duckdb"
    data = tmp_path / "interaction.csv"
    with data.open("w", encoding="utf-8") as f:
        f.write("platform,interaction_id,kind,occurred_at,text\n")
        for i in range(ROWS):
            f.write(f"x,{i},comment,2024-01-01 00:00:00,comment number {i}\n")
    with Store.open(db) as s:  # an earlier, committed batch must survive the crash
        ingest_file(s, _small(tmp_path))
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(db), str(data)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    try:
        line = child.stdout.readline()  # blocks until the child is inside the transaction
        assert line.startswith("in-batch "), child.stderr.read()
        assert int(line.split()[1]) == ROWS + 1  # all rows written, not committed
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
        child.stdout.close()
        child.stderr.close()
    assert child.returncode == -signal.SIGKILL

    with Store.open(db) as s:
        assert s.count("interaction") == 1  # only the earlier batch
        assert s.count("ingest_batch") == 1
        assert s.count("quarantine") == 0
        again = ingest_file(s, data, source="canonical")  # the re-run completes it
        assert (again.rows_read, again.rows_stored, again.rows_duplicate) == (ROWS, ROWS, 0)
        assert s.count("interaction") == ROWS + 1
        assert again.batch_id == 2


def _small(tmp_path):
    p = tmp_path / "interaction-0000.csv"
    p.write_text(
        "platform,interaction_id,kind,occurred_at\nfacebook,e1,like,2024-01-01\n", encoding="utf-8"
    )
    return p
