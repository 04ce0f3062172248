"""The listen and alerts command groups, run in process through the real entry point."""

from __future__ import annotations

import datetime as dt
import json

from engagelens.cli.main import main
from engagelens.store import Store


def _seed(path):
    import engagelens.listening.tables  # noqa: F401 - registers the listening tables

    with Store.open(path) as store:
        store.insert(
            "mention",
            [
                {
                    "platform": "x",
                    "mention_id": "1",
                    "text": "@acme my refund is late",
                    "created_at": dt.datetime(2024, 1, 1),
                    "sentiment": "negative",
                    "author_handle": "a",
                },
                {
                    "platform": "x",
                    "mention_id": "2",
                    "text": 'love @acme =HYPERLINK("x")\u202e',
                    "created_at": dt.datetime(2024, 1, 1),
                    "sentiment": "positive",
                    "author_handle": "b",
                },
                {
                    "platform": "x",
                    "mention_id": "3",
                    "text": "@rival is fine",
                    "created_at": dt.datetime(2024, 1, 2),
                    "sentiment": "neutral",
                    "author_handle": "a",
                },
            ],
        )


def test_listen_workflow(tmp_path, capsys):
    db = str(tmp_path / "cli.duckdb")
    _seed(db)
    assert main(["listen", "add", "acme", "@acme", "--db", db]) == 0
    assert main(["listen", "add", "rival", "@rival", "--kind", "competitor", "--db", db]) == 0
    assert main(["listen", "run", "--db", db]) == 0
    assert "3 mentions scanned, 3 matches stored" in capsys.readouterr().out

    assert main(["listen", "report", "--json", "--db", db]) == 0
    report = json.loads(capsys.readouterr().out)
    sov = {r["query"]: r["share_of_voice"] for r in report["queries"]}
    assert sov == {"acme": 2 / 3, "rival": 1 / 3}

    assert main(["listen", "report", "--by", "day", "--db", db]) == 0
    out = capsys.readouterr().out
    assert "acme\t2024-01-01\t2\t100.0%\t50.0%\t0.0%\t50.0%\t+0.00" in out
    assert "\u202e" not in out

    assert main(["listen", "report", "--by", "language", "--json", "--db", db]) == 0
    assert {r["language"] for r in json.loads(capsys.readouterr().out)["queries"]} == {None}

    assert main(["listen", "test", "refund NEAR/2 late", "--db", db]) == 0
    assert "1 of 3 mentions match" in capsys.readouterr().out
    assert main(["listen", "list", "--json", "--db", db]) == 0
    assert [q["name"] for q in json.loads(capsys.readouterr().out)] == ["acme", "rival"]


def test_bad_query_is_one_line_with_the_column(tmp_path, capsys):
    db = str(tmp_path / "cli.duckdb")
    assert main(["listen", "add", "x", "(refund OR", "--db", db]) == 2
    err = capsys.readouterr().err.strip()
    assert err == "error[query_syntax]: query ends where a word or phrase was expected at column 11"


def test_alerts_workflow(tmp_path, capsys):
    db = str(tmp_path / "cli.duckdb")
    _seed(db)
    assert (
        main(
            [
                "alerts",
                "add",
                "legal",
                "--kind",
                "keyword",
                "--keyword",
                "refund OR lawsuit",
                "--channel",
                "stdout",
                "--db",
                db,
            ]
        )
        == 0
    )
    assert main(["alerts", "list", "--db", db]) == 0
    assert "legal\tkeyword\t*\trefund OR lawsuit\tstdout" in capsys.readouterr().out
    assert main(["alerts", "run", "--dry-run", "--db", db]) == 0
    out = capsys.readouterr().out
    assert "dry_run\tlegal\t1 new mention(s) matching refund OR lawsuit" in out
    assert "1 would be sent" in out and "ALERT" not in out
    assert main(["alerts", "run", "--db", db]) == 0  # the dry run left the mention unseen
    out = capsys.readouterr().out
    assert "ALERT [legal] 1 new mention(s) matching refund OR lawsuit" in out
    assert "1 sent, 0 suppressed (cool-down), 0 failed" in out
    assert main(["alerts", "history", "--json", "--db", db]) == 0
    assert [e["status"] for e in json.loads(capsys.readouterr().out)] == ["sent"]
