"""Issue 15, item 7: mistakes give a clear error (exit 2) instead of a silent empty answer,
and `report` states its scope and period (own accounts by default) with the previous period.

The fixture (tests/fixtures/metrics/small.json) has own accounts A (posts p1 on 2024-01-05,
p2 on 2024-01-10 23:30) and B (p4 on 2024-01-15), and competitor C (p3 on 2024-01-20)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engagelens.cli.main import main
from engagelens.metrics import get_metric
from engagelens.metrics.fixtures import load_fixture
from engagelens.metrics.units import duration, metric_value


@pytest.fixture
def db(tmp_path, fixtures_dir):
    from engagelens.store import Store

    path = tmp_path / "cli.duckdb"
    with Store.open(path) as s:
        load_fixture(s, fixtures_dir / "metrics" / "small.json")
    return str(path)


def _err(capsys) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err  # one line
    return err


@pytest.mark.parametrize(
    "argv",
    [
        ["report"],
        ["batches"],
        ["metrics", "compute", "interactions", "--by", "total"],
        ["inbox", "list"],
        ["listen", "report"],
        ["audience", "best-times"],
    ],
)
def test_read_command_on_a_missing_store_fails_and_creates_nothing(tmp_path, capsys, argv):
    (tmp_path / "real.duckdb").write_bytes(b"")  # a neighbour the message should name
    typo = tmp_path / "raal.duckdb"
    assert main([*argv, "--db", str(typo)]) == 2
    err = _err(capsys)
    assert "does not exist" in err and "real.duckdb" in err and "engagelens init" in err
    assert not typo.exists()


def test_init_and_ingest_still_create_a_store(tmp_path, capsys):
    path = tmp_path / "new" / "fresh.duckdb"
    assert main(["init", "--db", str(path)]) == 0
    assert path.exists()
    assert main(["batches", "--db", str(path)]) == 0
    assert "no batches yet" in capsys.readouterr().out


def test_unknown_account_names_the_valid_ones(db, capsys):
    assert main(["report", "--account", "Z", "--db", db]) == 2
    err = _err(capsys)
    assert "unknown account 'Z'" in err and "A, B, C" in err
    argv = ["metrics", "compute", "posts", "--by", "total", "--account", "Z", "--db", db]
    assert main(argv) == 2
    assert "unknown account 'Z'" in _err(capsys)


def test_account_handle_is_accepted(db, capsys):
    assert main(["report", "--account", "rival", "--format", "json", "--db", db]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["figures"]["posts"] == 1  # C's one post, p3
    assert out["scope"] == "account (1): C"


def test_unknown_platform_and_query(db, capsys):
    argv = ["metrics", "compute", "posts", "--by", "total", "--platform", "myspace", "--db", db]
    assert main(argv) == 2
    assert "unknown platform 'myspace'" in (err := _err(capsys)) and "facebook, x" in err
    assert main(["listen", "report", "--query", "nope", "--db", db]) == 2
    assert "unknown listening query 'nope'" in _err(capsys)


@pytest.mark.parametrize(
    ("start", "end", "word"),
    [("2024-02-01", "2024-01-01", "after"), ("2024-01-01", "2024-01-01", "the same as")],
)
def test_reversed_or_empty_range(db, capsys, start, end, word):
    for argv in (
        ["report"],
        ["metrics", "compute", "posts", "--by", "total"],
        ["audience", "hashtags"],
    ):
        assert main([*argv, "--from", start, "--to", end, "--db", db]) == 2
        assert f"is {word} --to" in _err(capsys)


def test_unknown_formats_are_rejected(db, capsys):
    assert main(["report", "--format", "docx", "--db", db]) == 2
    assert "--format must be one of table, markdown, json, html, pdf, not 'docx'" in _err(capsys)
    assert main(["report", "--format", "pdf", "--db", db]) == 2
    assert "--format pdf needs --out FILE.pdf" in _err(capsys)
    assert main(["metrics", "list", "--format", "yaml"]) == 2
    assert "not 'yaml'" in _err(capsys)
    argv = ["metrics", "compute", "posts", "--by", "total", "--format", "xlsx", "--db", db]
    assert main(argv) == 2


def test_report_scope_defaults_to_own_and_states_it(db, capsys):
    counts = {}
    for scope in ("own", "competitor", "all"):
        assert main(["report", "--scope", scope, "--format", "json", "--db", db]) == 0
        out = json.loads(capsys.readouterr().out)
        counts[scope] = out["figures"]["posts"]
        assert (
            out["scope"].split(":")[0]
            == {
                "own": "own accounts (2)",
                "competitor": "competitor accounts (1)",
                "all": "own and competitor accounts (3)",
            }[scope]
        )
    assert counts == {"own": 3, "competitor": 1, "all": 4}
    assert main(["report", "--format", "json", "--db", db]) == 0
    assert json.loads(capsys.readouterr().out)["figures"]["posts"] == 3
    assert main(["report", "--scope", "mine", "--db", db]) == 2
    assert "--scope must be one of own, competitor, all" in _err(capsys)


def test_report_table_states_period_and_compares_with_previous(
    db, capsys, fixtures_dir, monkeypatch
):
    monkeypatch.setenv("COLUMNS", "80")
    fixture = json.loads((Path(fixtures_dir) / "metrics" / "small.json").read_text("utf-8"))
    times = sorted(i["occurred_at"][:10] for i in fixture["interaction"])
    assert main(["report", "--db", db]) == 0
    out = capsys.readouterr().out
    assert "scope: own accounts (2): A, B" in out
    assert f"period: all dates: {times[0]} – {times[-1]}" in out
    # 2024-01-10 .. 2024-01-19: own posts p2 and p4; the 10 days before: p1 → 2 vs 1, +100 %
    argv = ["report", "--from", "2024-01-10", "--to", "2024-01-20", "--format", "json"]
    assert main([*argv, "--db", db]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["figures"]["posts"] == 2 and data["previous"]["posts"] == 1
    assert data["period"].startswith("2024-01-10 – 2024-01-19 (10 days")
    assert data["previous_period"].startswith("2023-12-31 – 2024-01-09 (10 days")
    assert main([*argv[:-2], "--db", db]) == 0
    table = capsys.readouterr().out
    posts = next(line for line in table.splitlines() if line.startswith("Posts"))
    assert posts.split() == ["Posts", "2", "1", "+100.0%", "▲"]
    assert max(len(line) for line in table.splitlines()) <= 80  # readable at 80 columns


def test_humane_units():
    assert duration(None) == "—"
    assert duration(42) == "42 s"
    assert duration(95) == "1 min 35 s"
    assert duration(6486.4) == "1 h 48 min"
    assert duration(469040 * 60) == "325 d 17 h"  # the inbox age of the issue, in minutes
    assert metric_value(get_metric("amplification_rate"), 2.751) == "2.75 shares per post"
    assert metric_value(get_metric("conversation_rate"), 1.5) == "1.50 comments per post"
    assert metric_value(get_metric("reply_time_median"), 3600) == "1 h"
    assert metric_value(get_metric("engagement_rate_by_reach"), 0.05) == "5.00%"
