"""Suspicious dates (issue 13, data fidelity): a column whose slashed dates switch between
day-first and month-first, and dates far outside the file's range, are reported in the batch
summary with the lines to look at — and stored as parsed, never changed."""

from __future__ import annotations

import datetime as dt

from engagelens.cli.main import main
from engagelens.ingest import ingest_file

HEADER = "interaction_id,platform,kind,occurred_at\n"


def _ingest(store, path, **kw):
    s = ingest_file(store, path, source="canonical", entity="interaction", **kw)
    assert s.rows_read == s.rows_stored + s.rows_duplicate + s.rows_quarantined
    return s


def _flipping(tmp_path):
    # records 1-3 day-first (13/03 … 15/03), 4-5 readable either way, 6-9 month-first
    days = ["13/03/2024", "14/03/2024", "15/03/2024", "04/03/2024", "05/03/2024"]
    days += ["03/16/2024", "03/17/2024", "03/18/2024", "03/19/2024"]
    p = tmp_path / "interaction.csv"
    p.write_text(
        HEADER + "".join(f"{i},x,like,{d}\n" for i, d in enumerate(days, start=1)),
        encoding="utf-8",
    )
    return p


def test_day_month_order_that_flips_mid_file_is_reported(store, tmp_path):
    s = _ingest(store, _flipping(tmp_path))
    # without a timestamp_format slashed dates are month-first: the day-first ones are bad
    assert (s.rows_stored, s.rows_quarantined) == (6, 3)
    assert s.suspicious_dates == [
        {
            "field": "occurred_at",
            "kind": "day_month_order",
            "rows": 7,
            "day_first": {"rows": 3, "record": 1, "value": "13/03/2024"},
            "month_first": {"rows": 4, "record": 6, "value": "03/16/2024"},
            "ambiguous": 2,
            "records": [1, 6],
            "lines": [2, 7],
            "message": "day/month order changes mid-file: 3 day-first (13/03/2024), "
            "4 month-first (03/16/2024), 2 readable either way",
        }
    ]
    assert "suspicious dates in occurred_at" in s.line()


def test_dates_far_outside_the_files_range_are_reported_and_kept(store, tmp_path):
    rows = [f"{i},x,like,2024-01-{i:02d}" for i in range(1, 26)]
    rows += ["26,x,like,1924-01-05", '27,x,like,"2099-01-05"']
    p = tmp_path / "interaction.csv"
    p.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    s = _ingest(store, p)
    assert s.rows_stored == 27
    (found,) = s.suspicious_dates
    assert (found["kind"], found["rows"], found["records"], found["lines"]) == (
        "out_of_range",
        2,
        [26, 27],
        [27, 28],
    )
    assert found["values"] == ["1924-01-05 00:00:00", "2099-01-05 00:00:00"]
    # 27 sorted values: the 5th percentile lies 0.3 of the way from 1 to 2 January
    # (position 0.05 × 26 = 1.3), the 95th 0.7 of the way from 24 to 25 January (24.7)
    assert found["range"] == ["2024-01-01", "2024-01-24"]
    stored = (
        store.raw()
        .execute("SELECT occurred_at FROM interaction WHERE interaction_id = '26'")
        .fetchone()
    )
    assert stored == (dt.datetime(1924, 1, 5),)


def test_clean_and_small_files_have_no_findings(store, tmp_path):
    p = tmp_path / "interaction.csv"
    rows = [f"{i},x,like,2024-01-{i:02d}" for i in range(1, 26)]
    p.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    assert _ingest(store, p).suspicious_dates == []
    small = tmp_path / "interaction-2.csv"  # 2 dates say nothing about a range
    small.write_text(HEADER + "91,x,like,2024-01-01\n92,x,like,1900-01-01\n", encoding="utf-8")
    assert _ingest(store, small).suspicious_dates == []


def test_cli_prints_the_findings(capsys, tmp_path):
    code = main(
        [
            "ingest",
            str(_flipping(tmp_path)),
            "--db",
            str(tmp_path / "d.duckdb"),
            "--source",
            "canonical",
            "--entity",
            "interaction",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert (
        "  dates occurred_at: day/month order changes mid-file: 3 day-first (13/03/2024), "
        "4 month-first (03/16/2024), 2 readable either way (lines 2, 7)"
    ) in out
