"""``engagelens demo`` end to end, in process: generate → ingest → text analysis → report,
and a second run into the same store that stores nothing new."""

from __future__ import annotations

import re

import pyarrow.parquet as pq
import pytest

from engagelens.cli.main import main
from engagelens.demo import generate

N = 5_000
SEED = 5


@pytest.fixture(scope="module")
def expected(tmp_path_factory):
    """Rows per table and own posts, counted from an independent generation of the same demo."""
    files = generate(tmp_path_factory.mktemp("expected"), interactions=N, seed=SEED)
    rows = {t: sum(pq.read_metadata(p).num_rows for p in ps) for t, ps in files.items()}
    accounts = pq.read_table(files["account"][0]).to_pylist()
    own = {(a["platform"], a["account_id"]) for a in accounts if a["is_own"]}
    content = pq.read_table(files["content"][0]).to_pylist()
    own_posts = sum((c["platform"], c["account_id"]) in own for c in content)
    return rows, own_posts


def _totals(out: str) -> tuple[int, ...]:
    m = re.search(
        r"ingest: read ([\d,]+) = stored ([\d,]+) \+ duplicates ([\d,]+) \+ "
        r"quarantined ([\d,]+)",
        out,
    )
    assert m, out
    return tuple(int(g.replace(",", "")) for g in m.groups())


def test_demo_ingests_reports_and_reruns_without_duplicates(tmp_path, capsys, expected):
    rows, own_posts = expected
    db, report = tmp_path / "nested" / "demo.duckdb", tmp_path / "out" / "report.md"
    args = [
        "demo",
        "--db",
        str(db),
        "--out",
        str(report),
        "--interactions",
        str(N),
        "--seed",
        str(SEED),
        "--no-progress",
    ]
    assert main(args) == 0
    out = capsys.readouterr().out
    read, stored, dup, quarantined = _totals(out)
    assert read == stored + dup + quarantined
    assert read == sum(rows.values())
    assert (stored, dup, quarantined) == (read, 0, 0)

    text = report.read_text(encoding="utf-8")
    assert text.startswith("# EngageLens demo")
    assert f"| interaction | 1 | {N:,} | {N:,} | 0 | 0 |" in text
    assert "## Headline metrics" in text
    posts = re.search(r"\| Posts \| ([\d,]+) \|", text)
    assert posts and int(posts.group(1).replace(",", "")) == own_posts
    for figure in (
        "Interactions",
        "Engagement rate by reach",
        "Brand reply rate",
        "Net Promoter Score",
        "Email open rate",
    ):
        assert figure in text
    assert "## Listening" in text
    assert text in out  # the terminal shows the same report

    assert main(args) == 0
    read2, stored2, dup2, quarantined2 = _totals(capsys.readouterr().out)
    assert (read2, stored2, dup2, quarantined2) == (read, 0, read, 0)


def test_demo_keeps_files_in_data_dir_and_rejects_bad_sizes(tmp_path, capsys):
    data = tmp_path / "data"
    args = [
        "demo",
        "--db",
        str(tmp_path / "d.duckdb"),
        "--out",
        str(tmp_path / "r.md"),
        "--interactions",
        "2000",
        "--data-dir",
        str(data),
        "--no-text",
        "--no-progress",
    ]
    assert main(args) == 0
    capsys.readouterr()
    names = sorted(p.name for p in data.glob("*.parquet"))
    assert "interaction-0001.parquet" in names and "account-0001.parquet" in names
    assert main(["demo", "--interactions", "10", "--db", str(tmp_path / "e.duckdb")]) != 0


def test_fallback_report_counts_events_through_ibis(tmp_path, expected):
    from engagelens.demo.report import fallback_report
    from engagelens.ingest import ingest_paths
    from engagelens.store import Store

    files = generate(tmp_path / "files", interactions=N, seed=SEED)
    interactions = pq.read_table(files["interaction"][0]).to_pylist()
    likes = sum(r["kind"] == "like" for r in interactions)
    with Store.open(tmp_path / "f.duckdb") as store:
        ingest_paths(store, [p for ps in files.values() for p in ps], source="canonical")
        text = fallback_report(store)
    assert "fallback report" in text
    assert f"| like events | {likes:,} |" in text
