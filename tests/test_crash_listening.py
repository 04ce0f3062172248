"""Crash harness for the other write paths: a listening run and text analysis killed with
SIGKILL while their COMMIT writes the WAL (``tests/crash_child.py``).

After each kill the store opens; a re-run then leaves exactly the rows a run without a crash
leaves: every match once, the queries intact, every text analysed exactly once.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from engagelens.ingest import ingest_file
from engagelens.listening.runner import add_query, run
from engagelens.store import Store
from engagelens.text.store_analysis import BATCH_ROWS, analyze_store
from test_crash_ingest import run_child

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")

MENTIONS = 6_000
TEXTS = 2 * BATCH_ROWS + 500  # three chunks of text analysis


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """A store with mentions, interactions with text and two listening queries."""
    root = tmp_path_factory.mktemp("crash-listen")
    mentions = root / "mention.csv"
    with mentions.open("w", encoding="utf-8") as f:
        f.write("platform,mention_id,created_at,text\n")
        for i in range(MENTIONS):
            word = ("acme refund", "acme great", "globex slow")[i % 3]
            f.write(f"x,m{i},2024-01-01 00:00:00,{word} number {i}\n")
    interactions = root / "interaction.csv"
    with interactions.open("w", encoding="utf-8") as f:
        f.write("platform,interaction_id,kind,occurred_at,text\n")
        for i in range(TEXTS):
            f.write(f"x,{i},comment,2024-01-01 00:00:00,comment {i}\n")
    db = root / "base.duckdb"
    with Store.open(db) as s:
        ingest_file(s, mentions)
        ingest_file(s, interactions)
        add_query(s, "acme", "acme")
        add_query(s, "globex", "globex", kind="competitor")
    return db


def _matches(s: Store) -> list[tuple[str, str]]:
    return sorted(s.sql("SELECT query, mention_id FROM listening_match").fetchall())


EXPECTED_MATCHES = sorted(
    [("acme", f"m{i}") for i in range(MENTIONS) if i % 3 != 2]
    + [("globex", f"m{i}") for i in range(MENTIONS) if i % 3 == 2]
)


@pytest.mark.parametrize("grown_by", [0, 20_000, 60_000])
def test_kill_9_during_listening_run(base, tmp_path, grown_by):
    db = tmp_path / "crash.duckdb"
    shutil.copy(base, db)
    died = run_child("listening", db, Path("-"), grown_by)
    if grown_by == 0:  # the first WAL write of the run's commit
        assert died.startswith("killing at listening"), died
    with Store.open(db) as s:
        queries = s.sql("SELECT name, kind FROM listening_query ORDER BY name").fetchall()
        assert queries == [("acme", "brand"), ("globex", "competitor")], died
        found = _matches(s)
        assert found in ([], EXPECTED_MATCHES), f"{died}: {len(found)} matches"
        run(s)
        assert _matches(s) == EXPECTED_MATCHES  # every match exactly once
        seen = s.sql("SELECT count(*), count(DISTINCT mention_id) FROM listening_seen").fetchone()
        assert seen == (MENTIONS, MENTIONS)


@pytest.mark.parametrize("chunk", [1, 2, 3])
def test_kill_9_during_text_analysis(base, tmp_path, chunk):
    db = tmp_path / "crash.duckdb"
    shutil.copy(base, db)
    died = run_child("analysing", db, Path("-"), chunk)
    assert died.startswith(f"killing at analysing chunk {chunk} "), died
    with Store.open(db) as s:
        n, distinct = s.sql(
            "SELECT count(*), count(DISTINCT source_id) FROM text_analysis "
            "WHERE source_table = 'interaction'"
        ).fetchone()
        assert n == distinct, died  # never analysed twice
        assert n % BATCH_ROWS == 0 or n == TEXTS, f"{died}: a chunk was cut in half ({n})"
        assert n <= TEXTS
        added = analyze_store(s, "interaction", backend="fixed")
        assert added == TEXTS - n
        total = s.sql(
            "SELECT count(*), count(DISTINCT source_id) FROM text_analysis "
            "WHERE source_table = 'interaction'"
        ).fetchone()
        assert total == (TEXTS, TEXTS)
