"""``engagelens backup`` / ``restore``: the restored store equals the original in every
table, row for row; a backup never overwrites silently and a foreign file is refused."""

from __future__ import annotations

import pytest

from engagelens.cli.main import main
from engagelens.ingest import ingest_file
from engagelens.listening.runner import add_query, run
from engagelens.store import Store
from engagelens.text.store_analysis import analyze_store


def _run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def _all_rows(path) -> dict[str, list[tuple]]:
    with Store.open(path, read_only=True) as s:
        return {
            name: sorted(s.sql(f'SELECT * FROM "{name}"').fetchall(), key=repr)
            for name in s.list_tables()
        }


@pytest.fixture
def filled(tmp_path):
    """A store with batches, quarantine, mentions, listening matches and text analysis."""
    db = tmp_path / "ws.duckdb"
    data = tmp_path / "interaction.csv"
    data.write_text(
        "platform,interaction_id,kind,occurred_at,text\n"
        "x,1,comment,2024-01-02,acme is great\n"
        "x,2,comment,not a date,broken\n"
        "x,3,mention,2024-01-03 10:00:00+02:00,acme refund please\n",
        encoding="utf-8",
    )
    with Store.open(db) as s:
        ingest_file(s, data)
        add_query(s, "acme", "acme")
        run(s)
        analyze_store(s, "interaction", backend="fixed")
        # committed and left in the WAL, not yet checkpointed: the backup must include it
        s.sql("SET checkpoint_threshold = '10GB'")
        s.insert("account", [{"platform": "x", "account_id": "brand1", "handle": "@b"}])
    return db


def test_backup_and_restore_give_back_every_table(capsys, tmp_path, filled):
    original = _all_rows(filled)
    assert original["interaction"] and original["quarantine"] and original["listening_match"]
    assert original["text_analysis"] and original["account"]
    backup = tmp_path / "backups" / "ws-1.duckdb"
    code, out, err = _run(capsys, "backup", str(backup), "--db", str(filled))
    assert code == 0, err
    assert "interaction\t2" in out and "quarantine\t1" in out

    restored = tmp_path / "restored.duckdb"
    code, out, err = _run(capsys, "restore", str(backup), "--db", str(restored))
    assert code == 0, err
    again = _all_rows(restored)
    assert set(again) == set(original)
    for name, rows in original.items():
        assert again[name] == rows, name

    # restoring over the live store needs --force, and then gives the same rows back
    with Store.open(filled) as s:
        s.insert("account", [{"platform": "x", "account_id": "later"}])
    code, _, err = _run(capsys, "restore", str(backup), "--db", str(filled))
    assert code != 0 and "--force" in err
    code, _, err = _run(capsys, "restore", str(backup), "--db", str(filled), "--force")
    assert code == 0, err
    assert _all_rows(filled) == original


def test_backup_refuses_to_overwrite_and_to_read_nonsense(capsys, tmp_path, filled):
    backup = tmp_path / "b.duckdb"
    backup.write_bytes(b"not a database")
    code, _, err = _run(capsys, "backup", str(backup), "--db", str(filled))
    assert code != 0 and "--force" in err
    assert backup.read_bytes() == b"not a database"  # untouched
    code, _, err = _run(capsys, "restore", str(backup), "--db", str(tmp_path / "new.duckdb"))
    assert code != 0 and "not a readable EngageLens store" in err
    assert not (tmp_path / "new.duckdb").exists()
    code, _, err = _run(capsys, "backup", str(tmp_path / "x.duckdb"), "--db", str(tmp_path / "no"))
    assert code != 0 and "no store at" in err
    code, _, err = _run(capsys, "restore", str(tmp_path / "missing.duckdb"), "--db", str(filled))
    assert code != 0 and "no such backup" in err


def test_backup_of_a_workspace(capsys, tmp_path, monkeypatch, filled):
    data_dir = tmp_path / "server"
    (data_dir / "workspaces").mkdir(parents=True)
    filled.rename(data_dir / "workspaces" / "acme.duckdb")
    monkeypatch.setenv("ENGAGELENS_DATA_DIR", str(data_dir))
    out_file = tmp_path / "acme-backup.duckdb"
    code, _, err = _run(capsys, "backup", str(out_file), "--workspace", "acme")
    assert code == 0, err
    original = _all_rows(data_dir / "workspaces" / "acme.duckdb")
    monkeypatch.delenv("ENGAGELENS_DATA_DIR")
    code, _, err = _run(
        capsys, "restore", str(out_file), "--workspace", "beta", "--data-dir", str(data_dir)
    )
    assert code == 0, err
    assert _all_rows(data_dir / "workspaces" / "beta.duckdb") == original
    code, _, err = _run(capsys, "backup", str(out_file), "--workspace", "../etc")
    assert code != 0
