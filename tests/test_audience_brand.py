"""Influencers, detractors and UGC per brand: a mention counts for the brand it is about, with
the sentiment toward that brand, on a hand-built store whose scores are computed by hand."""

import datetime as dt

import pytest

from engagelens.audience import influencers
from engagelens.audience.brand_influence import (
    brand_clauses,
    brand_influencers,
    ugc_summary,
)
from engagelens.errors import NotFound
from engagelens.listening.runner import add_query, run

DAY = dt.datetime(2026, 3, 2, 12)  # a Monday (ISO week 10)


def _m(i, author, text, *, followers, reach, likes, shares, sentiment=None, days=0):
    return {
        "platform": "x",
        "mention_id": f"m{i}",
        "author_id": author,
        "author_handle": "@" + author,
        "author_followers": followers,
        "created_at": DAY + dt.timedelta(days=days),
        "text": text,
        "sentiment": sentiment,
        "reach": reach,
        "likes": likes,
        "shares": shares,
    }


@pytest.fixture
def seeded(store):
    store.insert(
        "account",
        [
            {
                "platform": "x",
                "account_id": "luminacoffee",
                "handle": "@luminacoffee",
                "is_own": True,
            }
        ],
    )
    store.insert(
        "mention",
        [
            # fan: two mentions, one about Lumina (positive), one about the weather
            _m(1, "fan", "Lumina Coffee makes my morning", followers=1000, reach=400,
               likes=30, shares=10, sentiment="positive"),
            _m(2, "fan", "rainy day again", followers=1000, reach=600, likes=9, shares=1),
            # star: a huge account that praises only Bravo Beans
            _m(3, "star", "Bravo Beans cold brew is everything", followers=1_000_000,
               reach=300_000, likes=9000, shares=1000, sentiment="positive"),
            _m(4, "star", "Bravo Beans again today, love it", followers=1_000_000,
               reach=200_000, likes=4000, shares=1000, sentiment="positive"),
            # critic: negative about Lumina
            _m(5, "critic", "Lumina Coffee app is broken", followers=5000, reach=1000,
               likes=20, shares=0, sentiment="negative"),
            # switcher: one comparative mention; overall label would be wrong for Bravo
            _m(6, "switcher", "I love Lumina Coffee but Bravo Beans is terrible, never again.",
               followers=200,
               reach=100, likes=5, shares=5, sentiment="positive", days=7),
            # the brand's own account is not UGC and not an influencer
            _m(7, "luminacoffee", "Lumina Coffee: new menu!", followers=50_000, reach=9000,
               likes=500, shares=50, sentiment="positive"),
        ],
    )  # fmt: skip
    add_query(store, "lumina", '"lumina coffee"', kind="brand")
    add_query(store, "bravo", '"bravo beans"', kind="competitor")
    run(store)
    return store


def test_lumina_influencers_exclude_people_who_praise_only_competitors(seeded):
    top = brand_influencers(seeded, "lumina")
    assert [i.author_id for i in top] == ["fan", "switcher"]
    fan = top[0]
    # reach 1000 × ER (30+10+9+1)/(400+600) × relevance 1/2 × net sentiment 1
    assert fan.engagement_rate == pytest.approx(50 / 1000)
    assert fan.relevance == 0.5 and fan.net_sentiment == 1.0
    assert fan.score == pytest.approx(1000 * 0.05 * 0.5 * 1.0)
    sw = top[1]
    assert (sw.positive, sw.negative) == (1, 0) and sw.score == pytest.approx(200 * 0.1)
    bravo = brand_influencers(seeded, "bravo")
    assert [i.author_id for i in bravo] == ["star"]
    assert bravo[0].score == pytest.approx(1_000_000 * 15000 / 500_000 * 1.0 * 1.0)


def test_detractors_and_comparative_mentions(seeded):
    assert [i.author_id for i in brand_influencers(seeded, "lumina", detractors=True)] == ["critic"]
    # the comparative mention is positive for Lumina and negative for Bravo, not "positive"
    bravo_detractors = brand_influencers(seeded, "bravo", detractors=True)
    assert [(i.author_id, i.negative) for i in bravo_detractors] == [("switcher", 1)]
    assert bravo_detractors[0].competitor_positive == 1
    assert brand_clauses(
        "Lumina Coffee vs Bravo Beans: which one?", ["lumina coffee"], ["bravo beans"]
    ) == ["Lumina Coffee"]


def test_ugc_volume_and_positive_share(seeded):
    u = ugc_summary(seeded, "lumina")
    # fan (+), critic (−), switcher (+, a week later); the brand's own post is not UGC
    assert (u["ugc"], u["positive"]) == (3, 2)
    assert u["positive_share"] == pytest.approx(2 / 3)
    assert [(w["week"], w["ugc"], w["positive"]) for w in u["weeks"]] == [
        ("2026-W10", 2, 1),
        ("2026-W11", 1, 1),
    ]


def test_unknown_brand_is_not_found(seeded):
    with pytest.raises(NotFound, match="known: bravo, lumina"):
        brand_influencers(seeded, "lumna")
    with pytest.raises(NotFound):
        ugc_summary(seeded, "lumna")


def test_authenticity_signals(store):
    rows = []
    # ten ordinary fans with an engagement rate of 2 % on three posts each
    for a in range(10):
        for k in range(3):
            rows.append(
                _m(f"{a}-{k}", f"fan{a}", f"Lumina Coffee post {k}", followers=1000 + a,
                   reach=500, likes=9, shares=1, sentiment="positive", days=k)
            )  # fmt: skip
    # bought engagement: 20 % on three posts (10x the band's median)
    for k in range(3):
        rows.append(
            _m(f"b{k}", "bought", f"Lumina Coffee post {k}", followers=1005, reach=500,
               likes=90, shares=10, sentiment="positive", days=k)
        )  # fmt: skip
    # bought followers: 1,000 → 9,000 in two days; and a copy-paster
    rows.append(_m("s1", "spiky", "Lumina Coffee is great", followers=1000, reach=500,
                   likes=9, shares=1, sentiment="positive"))  # fmt: skip
    rows.append(_m("s2", "spiky", "Lumina Coffee again", followers=9000, reach=500,
                   likes=9, shares=1, sentiment="positive", days=2))  # fmt: skip
    for k in range(2):
        rows.append(_m(f"c{k}", "copier", "Lumina Coffee!!", followers=1002, reach=500,
                       likes=9, shares=1, sentiment="positive", days=k))  # fmt: skip
    store.insert("mention", rows)
    add_query(store, "lumina", '"lumina coffee"', kind="brand")
    run(store)
    by = {i.author_id: i for i in brand_influencers(store, "lumina", limit=0)}
    assert by["bought"].engagement_anomaly and by["bought"].engagement_ratio == pytest.approx(10)
    assert not any(by[f"fan{a}"].engagement_anomaly for a in range(10))
    assert by["spiky"].follower_spike and not by["fan0"].follower_spike
    assert by["copier"].low_quality_share == 0.5 and by["fan0"].low_quality_share == 0.0


def test_demo_lumina_influencers_all_praise_lumina(tmp_path):
    """Issue 16: the demo's Lumina list must hold no one who praises only competitors."""
    from engagelens.demo import generate
    from engagelens.demo.world import BRANDS
    from engagelens.ingest import ingest_file
    from engagelens.store import Store

    files = generate(tmp_path / "files", interactions=20_000, seed=42)
    with Store.open(tmp_path / "demo.duckdb") as store:
        for table in ("account", "mention"):
            for path in files[table]:
                ingest_file(store, path, source="canonical")
        names = {"Lumina Coffee": "lumina"}
        for brand in BRANDS:
            name = names.get(brand, brand.split()[0].lower())
            add_query(
                store,
                name,
                f'"{brand.lower()}"',
                kind="brand" if name == "lumina" else "competitor",
            )
        run(store)
        listed = brand_influencers(store, "lumina", limit=0)
        unbranded = influencers(store, limit=20).to_pyarrow().to_pylist()
        mentions = store.table("mention").to_pyarrow().to_pylist()
    # independently of the module: who wrote a positively labelled single-brand mention of whom
    praised: dict[tuple[str, str], set[str]] = {}
    for m in mentions:
        named = [b for b in BRANDS if b.lower() in m["text"].lower()]
        if m["sentiment"] == "positive" and len(named) == 1:
            praised.setdefault((m["platform"], m["author_id"]), set()).add(named[0])
    only_rivals = {k for k, v in praised.items() if "Lumina Coffee" not in v}
    assert len(listed) > 20 and len(only_rivals) > 20  # both sides are really there
    assert not only_rivals & {(i.platform, i.author_id) for i in listed}
    # the brand-blind ranking this replaces did list them (the bug of issue 16)
    assert only_rivals & {(r["platform"], r["author_id"]) for r in unbranded}
    assert all(i.positive > i.negative for i in listed)
