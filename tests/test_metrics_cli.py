"""`engagelens metrics …` and `engagelens report` through the real CLI entry point."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest

from engagelens.cli.main import main
from engagelens.metrics.fixtures import load_fixture


@pytest.fixture
def db(tmp_path, fixtures_dir):
    from engagelens.store import Store

    path = tmp_path / "cli.duckdb"
    with Store.open(path) as s:
        load_fixture(s, fixtures_dir / "metrics" / "small.json")
    return str(path)


def test_list_and_explain(capsys):
    assert main(["metrics", "list"]) == 0
    out = capsys.readouterr().out
    assert "engagement_rate_by_reach" in out and "nps" in out
    assert main(["metrics", "explain", "nps"]) == 0
    assert "Reichheld" in capsys.readouterr().out
    assert main(["metrics", "explain", "npz"]) == 2
    assert "did you mean nps" in capsys.readouterr().err


def test_compute_json_keeps_fractions(db, capsys):
    assert (
        main(
            [
                "metrics",
                "compute",
                "interactions",
                "engagement_rate_by_reach",
                "--by",
                "content",
                "--format",
                "json",
                "--db",
                db,
            ]
        )
        == 0
    )
    rows = {r["content_id"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["p1"]["engagement_rate_by_reach"] == pytest.approx(0.05)
    assert rows["p1"]["interactions"] == 40 and rows["p3"]["engagement_rate_by_reach"] is None


def test_compute_table_shows_percent_and_filters(db, capsys):
    assert (
        main(
            [
                "metrics",
                "compute",
                "engagement_rate_by_reach",
                "--by",
                "account",
                "--own",
                "--db",
                db,
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "5.00%" in out and " C " not in out


def test_compute_csv_and_parquet(db, tmp_path, capsys):
    assert (
        main(
            [
                "metrics",
                "compute",
                "likes",
                "--by",
                "campaign",
                "--format",
                "csv",
                "--from",
                "2024-01-01",
                "--to",
                "2024-02-01",
                "--db",
                db,
            ]
        )
        == 0
    )
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert {r["campaign"]: r["likes"] for r in rows} == {"spring": "40", "": "2"}
    out = tmp_path / "m.parquet"
    assert (
        main(
            [
                "metrics",
                "compute",
                "posts",
                "--by",
                "platform",
                "--format",
                "parquet",
                "--out",
                str(out),
                "--db",
                db,
            ]
        )
        == 0
    )
    import pyarrow.parquet as pq

    assert sorted(pq.read_table(out).column("posts").to_pylist()) == [1, 3]


def test_by_content_has_content_id_and_one_column_per_metric(db, capsys):
    """Issue 3's contract: `--by content` gives content_id plus one column per metric, rates
    as fractions (percentages only in --format table)."""
    names = ["interactions", "engagement_rate_by_reach", "reply_rate", "ctr", "roi"]
    assert (
        main(["metrics", "compute", *names, "--by", "content", "--format", "csv", "--db", db]) == 0
    )
    text = capsys.readouterr().out
    header, *_lines = text.splitlines()
    assert header.split(",") == ["platform", "content_id", *names]
    rows = {r["content_id"]: r for r in csv.DictReader(io.StringIO(text))}
    assert set(rows) == {"p1", "p2", "p3", "p4"} and "%" not in text
    assert float(rows["p1"]["engagement_rate_by_reach"]) == pytest.approx(0.05)
    assert float(rows["p4"]["ctr"]) == pytest.approx(8 / 400)
    assert float(rows["p1"]["roi"]) == pytest.approx(1.5)


def test_bad_grain_is_one_line_error(db, capsys):
    assert main(["metrics", "compute", "nps", "--by", "content", "--db", db]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "grains" in err


def test_report_headline(db, capsys):
    # issue 15: the JSON report states its scope and period next to the figures
    assert main(["report", "--account", "A", "--format", "json", "--db", db]) == 0
    figures = json.loads(capsys.readouterr().out)["figures"]
    assert figures["posts"] == 2 and figures["interactions"] == 55
    # issue 15: own accounts by default; every account's 58 interactions need --scope all
    assert main(["report", "--format", "markdown", "--scope", "all", "--db", db]) == 0
    assert "| Interactions | 58 |" in capsys.readouterr().out


def test_docs_check(tmp_path, capsys):
    out = tmp_path / "metrics.md"
    assert main(["metrics", "docs", "--out", str(out)]) == 0
    assert main(["metrics", "docs", "--out", str(out), "--check"]) == 0
    out.write_text("stale", encoding="utf-8")
    assert main(["metrics", "docs", "--out", str(out), "--check"]) == 2
    assert "out of date" in capsys.readouterr().err


def test_csv_is_exact_for_joining_and_neutralised_only_for_spreadsheets(tmp_path, capsys):
    """A YouTube id like ``-3AGlBYyLjo`` must survive ``--format csv`` unchanged (it is joined
    back to the source); ``--spreadsheet`` applies the dashboard exports' formula rule."""
    from engagelens.store import Store

    db = str(tmp_path / "ids.duckdb")
    ids = ["-3AGlBYyLjo", '=HYPERLINK("http://x")', " =1+1", "plain"]
    with Store.open(db) as s:
        s.insert("content", [{"platform": "youtube", "content_id": i, "account_id": "a",
                              "created_at": dt.datetime(2024, 1, 1)} for i in ids])  # fmt: skip
    argv = ["metrics", "compute", "posts", "--by", "content", "--format", "csv", "--db", db]
    assert main(argv) == 0
    exact = {r["content_id"] for r in csv.DictReader(io.StringIO(capsys.readouterr().out))}
    assert exact == set(ids)
    assert main([*argv, "--spreadsheet"]) == 0
    safe = {r["content_id"] for r in csv.DictReader(io.StringIO(capsys.readouterr().out))}
    assert safe == {"'-3AGlBYyLjo", '\'=HYPERLINK("http://x")', "' =1+1", "plain"}
    assert main(["metrics", "compute", "posts", "--spreadsheet", "--db", db]) == 2
