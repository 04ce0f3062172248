"""The listening workspace's library calls on a real DuckDB store: a draft tried on the
stored mentions without writing anything, a query saved (and renamed) and run at once, the
cache key that sees it, and a spike told in words."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from engagelens.errors import QuerySyntaxError
from engagelens.listening import add_query, list_queries, run
from engagelens.listening.explain import explain
from engagelens.listening.preview import preview
from engagelens.listening.runner import queries_key, save_query
from engagelens.listening.spikes import find_spikes
from engagelens.store import Store

DAY0 = dt.datetime(2024, 1, 1, 9)


@pytest.fixture
def store(tmp_path):
    s = Store.open(tmp_path / "w.duckdb")
    rows = [
        ("m1", 0, "acme refund please", "a", 5),
        ("m2", 1, "ACME coffee is great", "b", 50),
        ("m3", 2, "rival shoes", "c", 7),
        ("m4", 3, "<script>x</script> acme", "d", None),
    ]
    s.insert(
        "mention",
        [
            {
                "platform": "x",
                "mention_id": mid,
                "created_at": DAY0 + dt.timedelta(days=d),
                "text": text,
                "author_handle": who,
                "reach": reach,
            }
            for mid, d, text, who, reach in rows
        ],
    )
    yield s
    s.close()


def _count(store, table):
    return store.table(table).count().to_pyarrow().as_py()


def test_preview_matches_newest_first_and_writes_nothing(store):
    result = preview(store, "acme", limit=2)
    assert (result.matched, result.scanned, result.parsed) == (3, 4, "acme")
    assert [m["mention_id"] for m in result.matches] == ["m4", "m2"]  # newest first, 2 shown
    assert result.matches[1]["author_handle"] == "b" and result.matches[1]["reach"] == 50
    assert result.matches[0]["terms"] == ["acme"]
    assert _count(store, "listening_match") == 0 and _count(store, "listening_seen") == 0
    assert preview(store, "acme", limit=0).matches == []
    with pytest.raises(QuerySyntaxError, match="column"):
        preview(store, "acme AND")


def test_save_query_runs_it_and_a_rename_drops_the_old_one(store):
    key0 = queries_key(store)
    row, summary = save_query(store, " brand ", "acme", kind="brand")
    assert row["name"] == "brand" and summary.matches_stored == 3
    key1 = queries_key(store)
    assert key1 != key0 and key1 == (("brand", row["version"], row["version"]),)
    _, summary = save_query(store, "acme", "acme AND refund", replaces="brand")
    assert [q["name"] for q in list_queries(store)] == ["acme"]
    m = store.table("listening_match")
    assert m.select("query", "mention_id").to_pyarrow().to_pylist() == [
        {"query": "acme", "mention_id": "m1"}
    ]


def test_a_spike_is_explained_in_words(tmp_path):
    with Store.open(tmp_path / "s.duckdb") as s:
        quiet = [
            {
                "platform": "x",
                "mention_id": f"q{d}",
                "created_at": DAY0 + dt.timedelta(days=d),
                "text": "acme coffee",
                "author_handle": "fan",
                "reach": 1,
            }
            for d in range(28)
        ]
        loud = [
            {
                "platform": "x",
                "mention_id": f"s{k}",
                "created_at": DAY0 + dt.timedelta(days=28, minutes=k),
                "text": f"acme refund now {k}\u200c",
                "author_handle": f"angry{k}",
                "reach": 100 - k,
            }
            for k in range(8)
        ]
        s.insert("mention", quiet + loud)
        add_query(s, "acme", "acme")
        run(s)
        (spike,) = [x for x in find_spikes(s) if x.series == "volume"]
        e = explain(spike)
    # one mention a day for 28 days, then 8: 8 ÷ 1.0 = 8×
    assert (e.count, e.expected, e.ratio, e.window_days) == (8, 1.0, 8.0, 28)
    assert e.sentence() == (
        "Mentions of acme rose to 8 on 2024-01-29, against 1.0 expected from the same weekday "
        "in the 28 days before (8.0×). Rising themes: refund."
    )
    assert e.examples == [
        "acme refund now 0\u200c",
        "acme refund now 1\u200c",
        "acme refund now 2\u200c",
    ]
    d = e.to_dict()
    assert d["sentence"] == e.sentence() and "{" not in d["sentence"]


def test_listen_mentions_command(tmp_path, capsys):
    """tests/bench_data.py: 6 acme mentions (3 positive, 1 neutral, 2 negative) on Mar 4/5
    and 2 negative rival mentions on Mar 5, one a ``<script>`` payload."""
    import bench_data
    from engagelens.cli.main import main

    db = str(tmp_path / "f.duckdb")
    bench_data.write(db)
    assert main(["listen", "mentions", "--query", "rival", "--db", db]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-1] == "1-2 of 2 mentions"
    assert main(["listen", "mentions", "--sentiment", "negative", "--limit", "3", "--db", db]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "1-3 of 4 mentions"
    assert main(["listen", "mentions", "--search", "COFFEE 3", "--json", "--db", db]) == 0
    body = json.loads(capsys.readouterr().out)
    assert [m["mention_id"] for m in body["items"]] == ["am3"] and body["total"] == 1
    assert main(["listen", "mentions", "--query", "nope", "--db", db]) == 2
    assert "queries: acme, rival" in capsys.readouterr().err
    assert main(["listen", "mentions", "--sentiment", "angry", "--db", db]) == 2
