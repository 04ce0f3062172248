"""The CLI end to end, in process: init, ingest (summary line), batches, quarantine
list/show/export (formulas neutralised), settings, and one-line errors with exit code 2."""

from __future__ import annotations

import csv
import io
import json

import pytest

from engagelens.cli.main import main


@pytest.fixture
def db(tmp_path):
    return str(tmp_path / "cli.duckdb")


def _run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def _broken(tmp_path):
    p = tmp_path / "interaction.csv"
    p.write_text(
        "platform,interaction_id,kind,occurred_at,text\n"
        "x,1,comment,2024-01-02,hello\n"
        'x,2,comment,not a date,"=HYPERLINK(""http://evil"")"\n'
        "x,3,comment,2024-01-02,\u202eevil\u202c\n",
        encoding="utf-8",
    )
    return p


def test_init_ingest_batches_quarantine(capsys, tmp_path, db):
    code, out, _ = _run(capsys, "init", "--db", db)
    assert code == 0 and "schema version" in out
    f = _broken(tmp_path)
    code, out, _ = _run(capsys, "ingest", str(f), "--db", db)
    assert code == 0
    assert "read 3 = stored 2 + duplicates 0 + quarantined 1" in out
    code, out, _ = _run(capsys, "ingest", str(f), "--db", db)
    assert "read 3 = stored 0 + duplicates 2 + quarantined 1" in out

    code, out, _ = _run(capsys, "batches", "--db", db)
    assert code == 0 and out.count("\n") == 2 and out.startswith("#2")
    code, out, _ = _run(capsys, "batches", "--json", "--db", db)
    assert [b["rows_stored"] for b in json.loads(out)] == [0, 2]

    code, out, _ = _run(capsys, "quarantine", "list", "--db", db)
    assert "bad date/time in occurred_at: not a date" in out and "#1" in out and "#2" in out
    code, out, _ = _run(capsys, "quarantine", "show", "1", "--db", db)
    assert "line 3" in out and "HYPERLINK" in out

    target = tmp_path / "q.csv"
    code, out, _ = _run(capsys, "quarantine", "export", str(target), "--batch", "1", "--db", db)
    assert code == 0 and "wrote 1 rows" in out
    (row,) = list(csv.DictReader(target.open(encoding="utf-8", newline="")))
    assert row["line"] == "3" and row["raw"].startswith("{")  # JSON of the source fields
    assert json.loads(row["raw"])["text"] == '=HYPERLINK("http://evil")'

    code, out, _ = _run(capsys, "quarantine", "export", "--format", "jsonl", "--db", db)
    assert len(out.strip().splitlines()) == 2


def test_exports_neutralise_formulas_and_terminal_output_is_safe(capsys, tmp_path, db):
    p = tmp_path / "mention.csv"
    p.write_text(
        "platform,mention_id,created_at,text\nx,1,yesterday,=cmd|' /C calc'!A0\n", encoding="utf-8"
    )
    _run(capsys, "ingest", str(p), "--db", db)
    _, out, _ = _run(capsys, "quarantine", "export", "--db", db)
    rows = list(csv.reader(io.StringIO(out)))
    raw_col = rows[0].index("raw")
    assert not rows[1][raw_col].startswith("=")
    p2 = tmp_path / "interaction.csv"
    p2.write_text(
        "platform,interaction_id,kind,occurred_at,text\nx,1,boo\u202e,2024-01-01,t\n",
        encoding="utf-8",
    )
    _run(capsys, "ingest", str(p2), "--db", db)
    _code, out, _ = _run(capsys, "quarantine", "list", "--db", db)
    assert "\u202e" not in out


def test_errors_are_one_line_with_exit_code_2(capsys, tmp_path, db):
    code, _out, err = _run(capsys, "ingest", str(tmp_path / "nope.csv"), "--db", db)
    assert code == 2 and err.count("\n") == 1 and err.startswith("error[unreadable_file]")
    anon = tmp_path / "export.csv"
    anon.write_text("a,b\n1,2\n", encoding="utf-8")
    code, _, err = _run(capsys, "ingest", str(anon), "--db", db)
    assert code == 2 and "error[unknown_source]" in err and "--mapping" in err
    code, _, err = _run(capsys, "ingest", str(anon), "--source", "myspace", "--db", db)
    assert code == 2 and "error[unknown_source]" in err
    bad = tmp_path / "m.yaml"
    bad.write_text("entity: nope\n", encoding="utf-8")
    code, _, err = _run(capsys, "ingest", str(anon), "--mapping", str(bad), "--db", db)
    assert code == 2 and "error[invalid_mapping]" in err and err.count("\n") == 1
    code, _, err = _run(
        capsys, "ingest", str(anon), "--mapping", str(bad), "--source", "x", "--db", db
    )
    assert code == 2 and "either" in err
    code, _, err = _run(capsys, "quarantine", "show", "99", "--db", db)
    assert code == 2 and "error[not_found]" in err


def test_settings_lists_every_setting(capsys):
    from engagelens.settings import SETTINGS

    code, out, _ = _run(capsys, "settings", "--json")
    assert code == 0
    assert [r["name"] for r in json.loads(out)] == [s.name for s in SETTINGS]


def test_folder_ingest_prints_total(capsys, tmp_path, db):
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(2):
        (folder / f"interaction-{i:04d}.csv").write_text(
            f"platform,interaction_id,kind,occurred_at\nx,{i},like,2024-01-01\nx,{i},like,2024-01-01\n",
            encoding="utf-8",
        )
    code, out, _ = _run(capsys, "ingest", str(folder), "--source", "canonical", "--db", db)
    assert code == 0 and "total: read 4 = stored 2 + duplicates 2 + quarantined 0" in out


def test_ingest_analyze_fills_text_analysis(capsys, tmp_path, db):
    p = tmp_path / "interaction.csv"
    p.write_text(
        "platform,interaction_id,kind,occurred_at,text\n"
        "x,1,comment,2024-01-01,I love this!\nx,2,comment,2024-01-01,terrible service\n",
        encoding="utf-8",
    )
    code, out, _ = _run(capsys, "ingest", str(p), "--analyze", "--db", db)
    assert code == 0 and "text analysis: 2 new rows analysed" in out
    from engagelens.store import Store

    with Store.open(db) as s:
        ids = sorted(s.table("text_analysis").source_id.to_pyarrow().to_pylist())
    assert ids == ["1", "2"]
