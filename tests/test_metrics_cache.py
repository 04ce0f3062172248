"""`with cached(store)`: fact tables materialised once per block, rebuilt after a write."""

from __future__ import annotations

from engagelens.metrics import baseline, cached, compute
from engagelens.metrics.fixtures import load_fixture, parse_rows

NAMES = ["interactions", "engagement_rate_by_reach", "engagement_score", "roi"]


def _rows(t):
    return sorted(t.to_pyarrow().to_pylist(), key=lambda r: [str(v) for v in r.values()])


def test_cached_block_gives_the_same_numbers_and_builds_facts_once(store, fixtures_dir):
    load_fixture(store, fixtures_dir / "metrics" / "small.json")
    plain = {by: _rows(compute(store, NAMES, by=by)) for by in ("content", "account_day", "total")}
    base = _rows(baseline(store, "interactions", n=2))
    tables_before = set(store.con.list_tables())
    with cached(store) as cache:
        for by in ("content", "account_day", "total"):
            assert _rows(compute(store, NAMES, by=by)) == plain[by]
        assert _rows(baseline(store, "interactions", n=2)) == base
        day = _rows(compute(store, ["posts"], by="day", settings={"timezone": "Europe/Paris"}))
        assert cache.builds == 1  # every grain, time zone and the baseline read one table
        assert len(set(store.con.list_tables()) - tables_before) == 1
    assert set(store.con.list_tables()) == tables_before  # dropped on leaving the block
    assert day == _rows(compute(store, ["posts"], by="day", settings={"timezone": "Europe/Paris"}))


def test_a_write_inside_the_block_is_seen(store, fixtures_dir):
    load_fixture(store, fixtures_dir / "metrics" / "small.json")
    with cached(store) as cache:
        before = compute(store, ["interactions"], by="total").to_pyarrow().to_pylist()[0]
        store.insert(
            "interaction",
            parse_rows(
                "interaction",
                [
                    {
                        "platform": "x",
                        "interaction_id": "new-like",
                        "content_id": "p4",
                        "kind": "like",
                        "occurred_at": "2024-01-16 10:00:00",
                    }
                ],
            ),
        )
        after = compute(store, ["interactions"], by="total").to_pyarrow().to_pylist()[0]
        assert after["interactions"] == before["interactions"] + 1
        assert cache.builds == 2


def test_filters_are_part_of_the_key(store, fixtures_dir):
    from engagelens.metrics import Filters

    load_fixture(store, fixtures_dir / "metrics" / "small.json")
    with cached(store) as cache:
        own = compute(store, ["posts"], by="total", filters=Filters(ownership="own"))
        every = compute(store, ["posts"], by="total")
        assert own.to_pyarrow().column(0)[0].as_py() == 3
        assert every.to_pyarrow().column(0)[0].as_py() == 4
        assert cache.builds == 2


def test_fact_schema_matches_the_full_facts(store):
    """The probe's stand-in must have exactly the real facts' columns and types."""
    import ibis

    from engagelens.metrics.compute import make_context
    from engagelens.metrics.facts import FACT_SCHEMA, _content_facts

    real = _content_facts(make_context(store, "content", None, None)).schema()
    # same names, order and type families (a stored timestamp also carries its precision)
    assert [(k, type(v)) for k, v in real.items()] == [
        (k, type(ibis.dtype(v))) for k, v in FACT_SCHEMA.items()
    ]


def test_only_the_event_kinds_a_metric_reads_are_counted(store):
    import ibis

    from engagelens.metrics.cache import lazy

    with lazy(store):  # the whole query, facts included (not a materialised table)
        sql = str(
            ibis.to_sql(
                compute(store, ["interactions", "engagement_rate_by_reach"], by="account_day")
            )
        )
        video = str(ibis.to_sql(compute(store, ["average_watch_time"], by="content")))
    assert "'like'" in sql and "'share'" in sql
    assert "'view'" not in sql and "'click'" not in sql and "text_analysis" not in sql
    assert "account_snapshot" not in sql  # followers at publish: not read, not joined
    assert "'view'" in video and "'like'" not in video


def test_pushdown_ignores_columns_a_mutate_only_passes_through():
    import ibis

    from engagelens.metrics.probe import demanded

    t = ibis.table({"a": "int64", "b": "int64", "c": "int64", "k": "string"}, name="t")
    u = ibis.table({"k": "string", "v": "int64"}, name="u")
    e = t.mutate(d=t.a + 1).join(u, "k").group_by("b").agg(s=lambda q: q.d.sum() + q.v.max())
    d = demanded(e.op())
    assert d[t.op()] == {"a", "b", "k"} and d[u.op()] == {"k", "v"}


# -- without a block: the store's own cache ---------------------------------------------------
def test_plain_compute_calls_build_the_facts_once_and_match_lazy_numbers(store, fixtures_dir):
    from engagelens.metrics.cache import auto_cache, lazy

    load_fixture(store, fixtures_dir / "metrics" / "small.json")
    with lazy(store):  # the whole query each time: the reference
        want = {by: _rows(compute(store, NAMES, by=by)) for by in ("content", "account_day")}
        want_base = _rows(baseline(store, "interactions", n=2))
    cache = auto_cache(store)
    assert cache.builds == 0
    assert _rows(compute(store, NAMES, by="content")) == want["content"]
    assert _rows(compute(store, NAMES, by="account_day")) == want["account_day"]
    assert _rows(baseline(store, "interactions", n=2)) == want_base
    assert cache.builds == 1  # three calls, one materialised facts table


def test_a_query_asked_again_is_not_rebuilt(store, fixtures_dir):
    from engagelens.metrics import Filters
    from engagelens.metrics.cache import auto_cache

    load_fixture(store, fixtures_dir / "metrics" / "small.json")
    cache = auto_cache(store)
    first = _rows(compute(store, NAMES, by="account_day"))
    assert (cache.query_hits, cache.query_misses) == (0, 1)
    for _ in range(3):
        assert _rows(compute(store, NAMES, by="account_day")) == first
    assert (cache.query_hits, cache.query_misses) == (3, 1)
    # another filter, grain or setting is another query
    compute(store, NAMES, by="account_day", filters=Filters(ownership="own")).to_pyarrow()
    compute(store, NAMES, by="content").to_pyarrow()
    compute(store, ["posts"], by="day", settings={"timezone": "Europe/Paris"}).to_pyarrow()
    compute(store, ["posts"], by="day", settings={"timezone": "Asia/Tokyo"}).to_pyarrow()
    assert (cache.query_hits, cache.query_misses) == (3, 5)


def test_a_write_empties_the_store_cache_and_old_expressions_fail_loudly(store, fixtures_dir):
    import pytest

    load_fixture(store, fixtures_dir / "metrics" / "small.json")
    before = compute(store, ["interactions"], by="total").to_pyarrow().to_pylist()[0]
    compute(store, ["interactions"], by="total").to_pyarrow()  # asked twice: a compiled view
    stale = compute(store, ["interactions"], by="total")
    store.insert(
        "interaction",
        parse_rows(
            "interaction",
            [
                {
                    "platform": "x",
                    "interaction_id": "new-like",
                    "content_id": "p4",
                    "kind": "like",
                    "occurred_at": "2024-01-16 10:00:00",
                }
            ],
        ),
    )
    after = compute(store, ["interactions"], by="total").to_pyarrow().to_pylist()[0]
    assert after["interactions"] == before["interactions"] + 1
    with pytest.raises(Exception, match="does not exist"):  # never the old number
        stale.to_pyarrow()
