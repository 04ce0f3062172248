"""The demo generator: deterministic, schema-exact, internally consistent, heavy-tailed,
multilingual and chunked. Expected values are recomputed here from the files themselves."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import re
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from engagelens.demo import generate
from engagelens.errors import ConfigError
from engagelens.model import table_spec

N = 30_000
SEED = 11
START = dt.datetime(2026, 1, 1)
DAYS = 180


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> dict[str, list[Path]]:
    return generate(tmp_path_factory.mktemp("demo"), interactions=N, seed=SEED, chunk_rows=12_000)


def read(files: dict[str, list[Path]], table: str) -> pa.Table:
    return pa.concat_tables([pq.read_table(p) for p in files[table]])


def digest(files: dict[str, list[Path]]) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for paths in files.values()
        for p in paths
    }


# -- determinism and chunking ------------------------------------------------------------


def test_same_seed_gives_byte_identical_files(demo, tmp_path):
    again = generate(tmp_path, interactions=N, seed=SEED, chunk_rows=12_000)
    assert digest(again) == digest(demo)


def test_other_seed_gives_other_data(demo, tmp_path):
    other = generate(tmp_path, interactions=N, seed=SEED + 1, chunk_rows=12_000)
    a, b = digest(demo), digest(other)
    assert a.keys() == b.keys()
    assert a["interaction-0001.parquet"] != b["interaction-0001.parquet"]
    assert a["mention-0001.parquet"] != b["mention-0001.parquet"]


def test_chunks_split_rows_without_changing_them(demo, tmp_path):
    sizes = [pq.read_metadata(p).num_rows for p in demo["interaction"]]
    assert sizes == [12_000, 12_000, 6_000]
    assert [p.name for p in demo["interaction"]] == [
        "interaction-0001.parquet",
        "interaction-0002.parquet",
        "interaction-0003.parquet",
    ]
    one_file = generate(tmp_path, interactions=N, seed=SEED)  # default chunk: one file
    assert len(one_file["interaction"]) == 1
    assert read(one_file, "interaction").equals(read(demo, "interaction"))


def test_rejects_impossible_sizes(tmp_path):
    with pytest.raises(ConfigError):
        generate(tmp_path, interactions=10)
    with pytest.raises(ConfigError):
        generate(tmp_path, interactions=5_000, start="next tuesday")


def test_smallest_size_still_adds_up(tmp_path):
    files = generate(tmp_path, interactions=1_000, seed=3)
    assert read(files, "interaction").num_rows == 1_000


# -- schema --------------------------------------------------------------------------------

ARROW = {
    "string": pa.string(),
    "int64": pa.int64(),
    "float64": pa.float64(),
    "boolean": pa.bool_(),
    "timestamp": pa.timestamp("us"),
    "date": pa.date32(),
}


def test_every_file_has_exactly_the_declared_columns_and_types(demo):
    assert set(demo) == {
        "interaction",
        "mention",
        "web_session",
        "conversion",
        "email_event",
        "survey_response",
        "content",
        "content_snapshot",
        "account",
        "account_snapshot",
    }
    for table, paths in demo.items():
        spec = table_spec(table)
        expected = [(c.name, ARROW[c.dtype]) for c in spec.columns if c.name != "batch_id"]
        for p in paths:
            schema = pq.read_schema(p)
            assert [(f.name, f.type) for f in schema] == expected, p.name


def test_values_respect_declared_constraints(demo):
    for table in demo:
        spec = table_spec(table)
        t = read(demo, table)
        assert t.num_rows > 0, table
        for col in spec.columns:
            if col.name == "batch_id":
                continue
            values = t.column(col.name)
            if col.required:
                assert values.null_count == 0, (table, col.name)
            if col.minimum is not None and values.null_count < len(values):
                assert pc.min(values).as_py() >= col.minimum, (table, col.name)
            if col.maximum is not None and values.null_count < len(values):
                assert pc.max(values).as_py() <= col.maximum, (table, col.name)
            if col.choices:
                seen = set(pc.unique(values.drop_null()).to_pylist())
                assert seen <= set(col.choices), (table, col.name, seen - set(col.choices))
        for key in [spec.key] if spec.key else []:
            rows = t.select(list(key)).to_pylist()
            assert len({tuple(r.values()) for r in rows}) == len(rows), (table, "key not unique")


def test_timestamps_are_naive_and_inside_the_window(demo):
    end = START + dt.timedelta(days=DAYS)
    for table, column in [
        ("interaction", "occurred_at"),
        ("mention", "created_at"),
        ("web_session", "started_at"),
        ("email_event", "occurred_at"),
        ("survey_response", "answered_at"),
        ("content", "created_at"),
    ]:
        values = read(demo, table).column(column)
        assert values.type.tz is None
        assert pc.min(values).as_py() >= START, table
        # a reply may land a few seconds after the window when its comment came at the end
        assert pc.max(values).as_py() < end + dt.timedelta(minutes=5), table


# -- threads and replies ------------------------------------------------------------------


def test_replies_answer_existing_comments_later(demo):
    rows = (
        read(demo, "interaction")
        .select(["interaction_id", "kind", "occurred_at", "parent_id", "is_brand", "agent", "text"])
        .to_pylist()
    )
    by_id = {r["interaction_id"]: r for r in rows}
    replies = [r for r in rows if r["parent_id"] is not None]
    assert replies
    for r in replies:
        parent = by_id[r["parent_id"]]  # KeyError = dangling parent
        assert parent["kind"] in ("comment", "dm")
        assert parent["parent_id"] is None
        assert r["occurred_at"] > parent["occurred_at"]
        assert r["text"]
    brand = [r for r in replies if r["is_brand"]]
    assert brand and all(r["parent_id"] for r in brand)
    assert sum(r["agent"] is not None for r in brand) > 0.8 * len(brand)
    comments = [r for r in rows if r["kind"] == "comment"]
    answered = {r["parent_id"] for r in brand}
    rate = sum(c["interaction_id"] in answered for c in comments) / len(comments)
    assert 0.1 < rate < 0.5  # a minority is answered; most never are
    delays = sorted(
        (r["occurred_at"] - by_id[r["parent_id"]]["occurred_at"]).total_seconds() for r in brand
    )
    median = delays[len(delays) // 2]
    assert 60 < median < 12 * 3600  # minutes to hours, not instant, not weeks


# -- consistency between events and snapshots ---------------------------------------------


def _own_accounts(demo) -> set[tuple[str, str]]:
    acc = read(demo, "account").to_pylist()
    return {(a["platform"], a["account_id"]) for a in acc if a["is_own"]}


def test_content_snapshot_counters_match_the_events(demo):
    events = read(demo, "interaction").select(["content_id", "kind", "value", "is_brand"])
    counts: dict[tuple[str, str], int] = Counter()
    watch: dict[str, float] = defaultdict(float)
    for r in events.to_pylist():
        if r["content_id"] is None:
            continue
        counts[(r["content_id"], r["kind"])] += 1
        if r["kind"] == "view":
            watch[r["content_id"]] += r["value"]
    content = {r["content_id"]: r for r in read(demo, "content").to_pylist()}
    own = _own_accounts(demo)
    checked = 0
    for s in read(demo, "content_snapshot").to_pylist():
        c = content[s["content_id"]]
        if (c["platform"], c["account_id"]) not in own or c["platform"] == "email":
            continue
        cid = s["content_id"]
        assert s["likes"] == counts[(cid, "like")] + counts[(cid, "reaction")]
        assert s["comments"] == counts[(cid, "comment")]
        assert (
            s["shares"]
            == counts[(cid, "share")] + counts[(cid, "retweet")] + counts[(cid, "quote")]
        )
        assert s["replies"] == counts[(cid, "reply")]
        if c["duration_s"] is not None:
            assert s["views"] == counts[(cid, "view")]
            assert s["watch_time_s"] == pytest.approx(watch[cid], abs=0.1)
            assert s["completed_views"] <= s["views"]
        engaged_events = (
            s["likes"] + s["comments"] + s["replies"] + s["shares"] + s["saves"] + s["clicks"]
        )
        assert s["engaged_users"] <= engaged_events <= s["reach"] <= s["impressions"]
        assert s["organic_reach"] + s["paid_reach"] == s["reach"]
        assert (s["paid_reach"] > 0) == bool(c["paid"])
        checked += 1
    assert checked > 100


def test_own_follower_curves_add_up_follow_events(demo):
    follows: dict[tuple[str, dt.date], int] = Counter()
    for r in read(demo, "interaction").select(["account_id", "kind", "occurred_at"]).to_pylist():
        if r["kind"] in ("follow", "unfollow"):
            follows[(r["account_id"], r["occurred_at"].date())] += (
                1 if r["kind"] == "follow" else -1
            )
    own = {a for _, a in _own_accounts(demo)}
    daily = defaultdict(list)
    for r in read(demo, "account_snapshot").to_pylist():
        daily[r["account_id"]].append((r["date"], r["followers"]))
    assert own & set(daily)
    for account in own & set(daily):
        series = sorted(daily[account])
        assert len(series) == DAYS
        for (_, before), (day, after) in itertools.pairwise(series):
            assert after - before == follows[(account, day)]
    last = {r["account_id"]: r["followers"] for r in read(demo, "account").to_pylist()}
    for account, series in daily.items():
        assert last[account] == sorted(series)[-1][1]


# -- distributions ----------------------------------------------------------------------


def test_interactions_are_heavy_tailed_over_posts(demo):
    cid = read(demo, "interaction").column("content_id").drop_null().to_pylist()
    per_post = np.array(sorted(Counter(cid).values(), reverse=True))
    top = max(1, len(per_post) // 100)
    share = per_post[:top].sum() / per_post.sum()
    assert share > 0.15, share  # 1 % of posts, > 15× their even share
    assert np.median(per_post) < per_post.mean() / 2  # most posts are modest


def test_likes_far_outnumber_comments_which_outnumber_shares(demo):
    kinds = Counter(read(demo, "interaction").column("kind").to_pylist())
    likes = kinds["like"] + kinds["reaction"]
    shares = kinds["share"] + kinds["retweet"] + kinds["quote"]
    assert likes > 8 * kinds["comment"] > 8 * shares * 0.5
    assert kinds["comment"] > shares


_SCRIPTS = {
    "fa": re.compile(r"[\u0600-\u06ff]"),
    "zh": re.compile(r"[\u4e00-\u9fff]"),
    "vi": re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.I),
}


def _language(text: str) -> str:
    for lang, pattern in _SCRIPTS.items():
        if pattern.search(text):
            return lang
    return "en" if re.search(r"\b(the|you|your|is|and|this|I)\b", text) else "other"


def test_comments_come_in_four_languages(demo):
    t = read(demo, "interaction")
    texts = [
        r["text"]
        for r in t.select(["kind", "text", "is_brand"]).to_pylist()
        if r["kind"] == "comment"
    ]
    langs = Counter(_language(x) for x in texts)
    for lang in ("en", "vi", "fa", "zh"):
        assert langs[lang] > 0.03 * len(texts), langs
    assert len(set(texts)) >= 120  # a real bank, not a handful of strings
    assert not any("<script" in x.lower() for x in texts)  # hostile texts are opt-in
    tricky = "".join(texts)
    assert "\u200b" in tricky and "\u200c" in tricky  # zero-width chars are part of the demo


def test_hostile_texts_only_when_asked(demo, tmp_path):
    from engagelens.demo.texts import HOSTILE

    files = generate(tmp_path, interactions=20_000, seed=SEED, hostile=True)
    texts = read(files, "interaction").column("text").drop_null().to_pylist()
    # ~800 texts, ~8 % tricky, ~45 % English, half of those hostile: ~15 expected, not 1
    assert sum(x in HOSTILE for x in texts) >= 3
    default = read(demo, "interaction").column("text").drop_null().to_pylist()
    assert not set(default) & set(HOSTILE)


def test_negative_mention_burst_stands_out(demo):
    rows = read(demo, "mention").select(["created_at", "text", "sentiment"]).to_pylist()
    per_day = Counter(r["created_at"].date() for r in rows if "Lumina Coffee" in r["text"])
    counts = sorted(per_day.values())
    median = counts[len(counts) // 2]
    peak_day, peak = per_day.most_common(1)[0]
    assert peak >= 4 * median
    labelled = [
        r["sentiment"]
        for r in rows
        if r["created_at"].date() == peak_day and r["sentiment"] is not None
    ]
    assert labelled.count("negative") > 0.6 * len(labelled)
    brands = Counter(
        b
        for r in rows
        for b in ("Lumina Coffee", "Bravo Beans", "Northwind Roasters", "Kaffa House")
        if b in r["text"]
    )
    assert len(brands) == 4 and brands.most_common(1)[0][0] == "Lumina Coffee"


# -- site, e-mail, surveys -----------------------------------------------------------------


def test_conversions_come_from_real_sessions_and_campaigns(demo):
    sessions = {r["session_id"]: r for r in read(demo, "web_session").to_pylist()}
    conversions = read(demo, "conversion").to_pylist()
    assert conversions
    for c in conversions:
        s = sessions[c["session_id"]]
        assert not s["bounced"]
        assert c["occurred_at"] >= s["started_at"]
        assert c["utm_campaign"] == s["campaign"] == c["campaign"]
        assert c["utm_source"] == s["source"]
        assert c["value"] > 0 and c["currency"] == "USD"
    rate = len(conversions) / len(sessions)
    # ~3,750 visits at a designed ~1.6 %: 0.5 %-5 % is more than 5 standard errors either side
    assert 0.005 < rate < 0.05
    campaigns = {c["campaign"] for c in conversions if c["campaign"]}
    assert {"summer-iced", "spring-cold-brew"} & campaigns
    bounced = [s for s in sessions.values() if s["bounced"]]
    assert all(s["pageviews"] == 1 for s in bounced)
    customers = Counter(c["customer_id"] for c in conversions)
    assert max(customers.values()) > 1  # some customers come back


def test_email_funnel_is_consistent(demo):
    events = read(demo, "email_event").to_pylist()
    seen: dict[tuple[str, str], dict[str, dt.datetime]] = defaultdict(dict)
    for e in events:
        seen[(e["campaign"], e["recipient_id"])][e["kind"]] = e["occurred_at"]
    for kinds in seen.values():
        assert "sent" in kinds
        assert ("delivered" in kinds) != ("bounce" in kinds)
        if "open" in kinds:
            assert "delivered" in kinds and kinds["open"] > kinds["sent"]
        if "click" in kinds:
            assert "open" in kinds and kinds["click"] > kinds["open"]
        if "unsubscribe" in kinds:
            assert "open" in kinds
    sends = Counter(k for kinds in seen.values() for k in kinds)
    assert 0.15 < sends["open"] / sends["delivered"] < 0.35
    assert sends["click"] < sends["open"]
    # nobody is mailed after unsubscribing
    unsub_at = {r: kinds["unsubscribe"] for (c, r), kinds in seen.items() if "unsubscribe" in kinds}
    for (_, r), kinds in seen.items():
        if r in unsub_at:
            assert kinds["sent"] <= unsub_at[r]


def _within_binomial(hits: int, n: int, p: float, z: float = 4.5) -> bool:
    """``hits`` out of ``n`` is within ``z`` binomial standard errors of rate ``p``."""
    return abs(hits - n * p) <= z * np.sqrt(n * p * (1 - p)) + 1


def test_nps_answers_span_the_scale(demo):
    scores = read(demo, "survey_response").column("score").to_pylist()
    assert min(scores) >= 0 and max(scores) <= 10
    assert len(set(scores)) >= 6  # ~60 answers: promoters, passives and detractors all appear


def test_nps_mix_matches_the_design_on_a_large_sample():
    """20,000 answers (a 10M-interaction world's survey, built alone): the promoter and
    detractor shares are the designed mixture within 4.5 binomial standard errors (~±1.6
    points), and the outage weeks score far lower."""
    from engagelens.demo.survey import NORMAL, OUTAGE_MIX, OUTAGE_SHARE, survey_columns
    from engagelens.demo.world import OUTAGE, World

    world = World.make(10_000_000, SEED, START.date(), DAYS)
    cols = survey_columns(world)
    scores = np.array(cols["score"].to_pylist())
    n = len(scores)
    assert n == 20_000
    p_promoter = (1 - OUTAGE_SHARE) * NORMAL[0] + OUTAGE_SHARE * OUTAGE_MIX[0]
    p_detractor = (1 - OUTAGE_SHARE) * NORMAL[2] + OUTAGE_SHARE * OUTAGE_MIX[2]
    assert _within_binomial(int((scores >= 9).sum()), n, p_promoter)
    assert _within_binomial(int((scores <= 6).sum()), n, p_detractor)
    at = (
        np.array(cols["answered_at"].cast(pa.int64()).to_pylist()) / 1e6
        - (START - dt.datetime(1970, 1, 1)).total_seconds()
    )
    start = OUTAGE[0] * world.seconds
    during = (at >= start) & (at < start + 3 * OUTAGE[1] * world.seconds)

    def nps(s: np.ndarray) -> float:
        return 100 * ((s >= 9).mean() - (s <= 6).mean())

    assert during.sum() > 500
    assert nps(scores[during]) < nps(scores[~during]) - 20  # designed: about -22 vs +25


def test_conversion_rate_follows_the_session_mix_on_a_large_sample():
    """200,000 visits: conversions equal the sum of each visit's designed probability (bounced
    visits never convert; campaign and e-mail visits convert more) within 4.5 standard
    errors of that sum of Bernoulli trials."""
    from engagelens.demo.content import build_posts
    from engagelens.demo.web import CAMPAIGN_LIFT, CONVERSION_RATE, EMAIL_LIFT, WebBuilder
    from engagelens.demo.world import World

    world = World.make(1_600_000, SEED, START.date(), DAYS)
    sessions, conversions = WebBuilder(world, build_posts(world)).block(0, 200_000)
    bounced = np.array(sessions["bounced"].to_pylist())
    campaign = np.array([c is not None for c in sessions["campaign"].to_pylist()])
    email = np.array([m == "email" for m in sessions["medium"].to_pylist()])
    p = np.where(
        bounced,
        0.0,
        CONVERSION_RATE * np.where(campaign, CAMPAIGN_LIFT, 1.0) * np.where(email, EMAIL_LIFT, 1.0),
    )
    hits = len(conversions["conversion_id"])
    assert abs(hits - p.sum()) <= 4.5 * np.sqrt((p * (1 - p)).sum())
    assert 0.010 < hits / len(bounced) < 0.025  # docs: ~1.5 % of visits
    converted = set(conversions["session_id"].to_pylist())
    ids = sessions["session_id"].to_pylist()
    assert not any(bounced[k] for k, sid in enumerate(ids) if sid in converted)


def test_other_tables_scale_with_interactions(demo, tmp_path):
    bigger = generate(tmp_path, interactions=4 * N, seed=SEED)
    for table in ("mention", "web_session", "email_event"):
        small = read(demo, table).num_rows
        large = read(bigger, table).num_rows
        assert 3 * small < large < 5 * small, table


def test_people_ids_stay_distinct_in_very_large_worlds():
    """At 100M interactions there are 1.3M mention authors: handles must not be cut to six
    digits (two authors sharing one handle)."""
    from engagelens.demo.mentions import MentionBuilder
    from engagelens.demo.world import World

    world = World.make(100_000_000, SEED, START.date(), DAYS)
    rows = MentionBuilder(world).block(3_000_000, 3_020_000)
    pairs = set(zip(rows["author_id"].to_pylist(), rows["author_handle"].to_pylist(), strict=True))
    assert len({a for a, _ in pairs}) == len({h for _, h in pairs}) == len(pairs)
    assert max(len(h) for _, h in pairs) == len("@fan") + 7
