"""Conflicting duplicates on the command line (issue 13, data fidelity): ``--on-conflict``
picks the policy, the summary line counts the keys, and up to five examples show each key
with both values and their lines."""

from __future__ import annotations

from engagelens.cli.main import main
from engagelens.store import Store

HEADER = "interaction_id,platform,kind,occurred_at,text\n"


def _conflicting(tmp_path, keys: int):
    # key i appears twice: "a<i>" on line 2 + i - 1 and "b<i>" on line 2 + keys + i - 1
    rows = [f"{i},x,comment,2024-01-01,a{i}\n" for i in range(1, keys + 1)]
    rows += [f"{i},x,comment,2024-01-01,b{i}\n" for i in range(1, keys + 1)]
    rows.append("99,x,comment,2024-01-01,plain\n99,x,comment,2024-01-01,plain\n")
    p = tmp_path / "interaction.csv"
    p.write_text(HEADER + "".join(rows), encoding="utf-8")
    return p


def _run(capsys, *argv):
    code = main(list(argv))
    return code, capsys.readouterr().out


def test_on_conflict_last_reports_count_and_five_examples(capsys, tmp_path):
    db = str(tmp_path / "c.duckdb")
    p = _conflicting(tmp_path, 7)
    code, out = _run(capsys, "ingest", str(p), "--on-conflict", "last", "--db", db)
    assert code == 0
    assert (
        "read 16 = stored 8 + duplicates 8 + quarantined 0; "
        "7 keys repeated with different values (last kept)"
    ) in out
    examples = [line for line in out.splitlines() if line.startswith("  conflict ")]
    assert len(examples) == 5
    # key 1: first row on line 2, the last on line 9 (2 + 7)
    assert examples[0] == (
        "  conflict interaction platform='x', interaction_id='1' (2 rows, lines 2 and 9): "
        "text: 'a1' | 'b1'"
    )
    with Store.open(db) as store:
        texts = dict(store.raw().execute("SELECT interaction_id, text FROM interaction").fetchall())
    assert texts == {**{str(i): f"b{i}" for i in range(1, 8)}, "99": "plain"}


def test_on_conflict_quarantine_and_bad_policy(capsys, tmp_path):
    db = str(tmp_path / "c.duckdb")
    p = _conflicting(tmp_path, 2)
    code, out = _run(capsys, "ingest", str(p), "--on-conflict", "quarantine", "--db", db)
    assert code == 0 and "stored 1 + duplicates 1 + quarantined 4" in out
    assert "2 keys repeated with different values (all quarantined)" in out
    code = main(["ingest", str(p), "--on-conflict", "newest", "--db", db])
    err = capsys.readouterr().err
    assert code == 2 and "on_conflict must be one of first, last, quarantine" in err
