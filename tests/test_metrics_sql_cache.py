"""Compiled metric SQL outlives the store version: a repeated ``compute()`` after an ingest
runs its SQL again over refilled fact tables, without building or compiling Ibis.

Hand values on tests/fixtures/metrics/small.json (interactions = likes + comments + shares +
saves per post, each from events when the post has events of that counter, else from its
latest snapshot): p1 40 (snapshot 30 + 5 + 5), p2 15 (3 distinct audience comments, snapshot
likes 10 and shares 2), p3 0, p4 3 (2 likes, 1 retweet): 58 in all, 55 on facebook, 3 on x.
One like event on p2 switches its likes from the snapshot's 10 to 1 event: p2 6, total 49.
"""

from __future__ import annotations

from engagelens.metrics import Filters, compute
from engagelens.metrics.cache import auto_cache
from engagelens.metrics.fixtures import load_fixture

FACEBOOK = Filters(platforms=("facebook",))
X = Filters(platforms=("x",))


def _total(store, filters=None) -> int:
    return compute(store, ["interactions"], by="total", filters=filters).to_pyarrow()[0][0].as_py()


def _ingest_like_on_p2(store, tmp_path) -> None:
    from engagelens.ingest.batch import ingest_file

    path = tmp_path / "interaction.csv"
    path.write_text(
        "platform,interaction_id,content_id,account_id,actor_id,kind,occurred_at\n"
        "facebook,l9,p2,A,u9,like,2024-01-12 10:00:00\n"
    )
    summary = ingest_file(store, path)
    assert summary.rows_stored == 1


def test_a_repeated_query_after_an_ingest_reuses_its_sql_and_sees_the_new_rows(
    store, fixtures_dir, tmp_path
):
    load_fixture(store, fixtures_dir / "metrics" / "small.json")
    cache = auto_cache(store)
    assert _total(store) == 58
    assert _total(store) == 58  # asked again: compiled once into a view
    assert (cache.query_hits, cache.query_misses, cache.sql_hits) == (1, 1, 0)
    _ingest_like_on_p2(store, tmp_path)
    builds = cache.builds
    assert _total(store) == 49  # the ingest is seen: p2's likes now come from its one event
    assert (cache.query_hits, cache.query_misses, cache.sql_hits) == (2, 1, 1)
    assert cache.builds == builds + 1  # the fact table refilled from its own SQL
    assert _total(store) == 49
    assert (cache.query_hits, cache.query_misses) == (3, 1)


def test_filters_keep_their_own_compiled_sql_across_an_ingest(store, fixtures_dir, tmp_path):
    load_fixture(store, fixtures_dir / "metrics" / "small.json")
    cache = auto_cache(store)
    for _ in range(2):
        assert (_total(store, FACEBOOK), _total(store, X), _total(store)) == (55, 3, 58)
    assert cache.query_misses == 3
    _ingest_like_on_p2(store, tmp_path)
    assert (_total(store, FACEBOOK), _total(store, X), _total(store)) == (46, 3, 49)
    assert (cache.query_misses, cache.sql_hits) == (3, 3)


def test_replacing_a_metric_declaration_recompiles(store, fixtures_dir):
    """The registry's version is part of the key: SQL of an old declaration is never run."""
    import dataclasses

    from engagelens.metrics import get_metric, register

    load_fixture(store, fixtures_dir / "metrics" / "small.json")
    original = get_metric("posts")
    assert [_total_posts(store) for _ in range(2)] == [4, 4]
    try:
        register(
            dataclasses.replace(
                original, build=lambda ctx: ctx.table("content").aggregate(posts=ibis_literal(7))
            ),
            replace=True,
        )
        assert _total_posts(store) == 7
    finally:
        register(original, replace=True)
    assert _total_posts(store) == 4


def _total_posts(store) -> int:
    return compute(store, ["posts"], by="total").to_pyarrow()[0][0].as_py()


def ibis_literal(value: int):
    import ibis

    return ibis.literal(value, type="int64")


def test_a_schema_change_recompiles(store, fixtures_dir):
    """A column added to a table the SQL reads gives another schema fingerprint."""
    load_fixture(store, fixtures_dir / "metrics" / "small.json")
    cache = auto_cache(store)
    assert [_total(store) for _ in range(2)] == [58, 58]
    before = store.table_schemas()["content_snapshot"]
    store.sql("ALTER TABLE content_snapshot ADD COLUMN extra_counter BIGINT")
    assert store.table_schemas()["content_snapshot"] == (*before, ("extra_counter", "BIGINT"))
    assert _total(store) == 58
    assert (cache.query_misses, cache.sql_hits) == (2, 0)  # rebuilt, not the old SQL
