"""``engagelens audience best-times|hashtags|advocates``: thin wrappers over
engagelens.audience. Rates print as percentages in tables and as fractions in ``--json``; user
text (handles, hashtags) is stripped of control and bidi characters and escaped for the
terminal."""

from __future__ import annotations

import json
from typing import Any

import typer

from engagelens.errors import ConfigError

from .checks import known_platforms
from .common import DbOption, open_db, parse_date, parse_range
from .safe_text import plain_text, rich_text

audience_app = typer.Typer(
    help="Audience insights: best times to post, best hashtags, advocates and influencers.",
    no_args_is_help=True,
)

_SHOWS = ("both", "audience", "mentions")


def _filters(start: str | None, end: str | None, platform: list[str], all_accounts: bool):
    from engagelens.metrics import Filters

    lo, hi = parse_range(start, end)
    return Filters(
        start=lo,
        end=hi,
        platforms=tuple(platform),
        ownership=None if all_accounts else "own",
    )


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.2f}%"


def _signed_pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:+.1f}%"


def _print(title: str, columns: list[str], rows: list[list[str]]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(*columns, title=title)
    for row in rows:
        table.add_row(*row)
    Console().print(table)


def _json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


_Start = typer.Option(None, "--from", help="Start date/time (UTC), inclusive.")
_End = typer.Option(None, "--to", help="End date/time (UTC), exclusive.")
_Platform = typer.Option([], "--platform", help="Only these platforms.")
_OnePlatform = typer.Option(None, "--platform", help="Only this platform.")
_AllAccounts = typer.Option(
    False, "--all-accounts", help="Every account's posts, not only the brand's own."
)
_Json = typer.Option(False, "--json", help="Print JSON.")
_Per = typer.Option(
    "account", "--per", help="account (each platform account) or person (linked: audience link)."
)


def _per(value: str) -> str:
    if value not in ("account", "person"):
        raise ConfigError(f"--per must be account or person, not {value!r}")
    return value


@audience_app.command("best-times")
def best_times_cmd(
    slot: str = typer.Option("weekday_hour", "--slot", help="weekday_hour, weekday or hour."),
    min_posts: int = typer.Option(
        3, "--min-posts", help="Fewest rated posts for a slot to be recommended."
    ),
    timezone: str | None = typer.Option(
        None, "--timezone", help="Time zone of weekday and hour (default: setting)."
    ),
    limit: int = typer.Option(10, "--limit", help="Show the top N slots (0: all)."),
    start: str | None = _Start,
    end: str | None = _End,
    platform: list[str] = _Platform,
    all_accounts: bool = _AllAccounts,
    as_json: bool = _Json,
    db: str | None = DbOption,
) -> None:
    """Engagement rate by reach by weekday and hour of publication, best first."""
    from engagelens.audience import best_times

    with open_db(db) as store:
        known_platforms(store, platform)
        cells = best_times(
            store,
            slot=slot,
            min_posts=min_posts,
            filters=_filters(start, end, platform, all_accounts),
            settings={"timezone": timezone} if timezone else None,
        )
    cells = cells[:limit] if limit > 0 else cells
    if as_json:
        _json(cells)
        return
    keys = [k for k in ("weekday_name", "hour") if cells and k in cells[0]]
    headers = [k.removesuffix("_name") for k in keys]
    _print(
        "Best times to post",
        [*headers, "posts", "rated", "ERR", "± s.e.", "recommended"],
        [
            [
                *(f"{c[k]:02d}:00" if k == "hour" else c[k] for k in keys),
                str(c["posts"]),
                str(c["rated_posts"]),
                _pct(c["engagement_rate_by_reach"]),
                _pct(c["std_error"]),
                "yes" if c["recommended"] else f"no (< {min_posts} posts)",
            ]
            for c in cells
        ],
    )


@audience_app.command("hashtags")
def hashtags_cmd(
    min_posts: int = typer.Option(3, "--min-posts", help="Fewest rated posts for a tag to rank."),
    limit: int = typer.Option(20, "--limit", help="Show the top N tags (0: all)."),
    start: str | None = _Start,
    end: str | None = _End,
    platform: list[str] = _Platform,
    all_accounts: bool = _AllAccounts,
    as_json: bool = _Json,
    db: str | None = DbOption,
) -> None:
    """Hashtags by lift of their posts' engagement rate by reach over the account's median."""
    from engagelens.audience import hashtag_performance

    with open_db(db) as store:
        known_platforms(store, platform)
        rows = hashtag_performance(
            store, min_posts=min_posts, filters=_filters(start, end, platform, all_accounts)
        )
    rows = rows[:limit] if limit > 0 else rows
    if as_json:
        _json(rows)
        return
    _print(
        "Best hashtags",
        ["platform", "account", "hashtag", "posts", "rated", "ERR", "account median", "lift"],
        [
            [
                rich_text(r["platform"]),
                rich_text(r["account_id"], 30),
                "#" + rich_text(r["hashtag"], 40),
                str(r["posts"]),
                str(r["rated_posts"]),
                _pct(r["engagement_rate_by_reach"]),
                _pct(r["account_median"]),
                _signed_pct(r["lift"]) if r["ranked"] else f"({_signed_pct(r['lift'])})",
            ]
            for r in rows
        ],
    )


@audience_app.command("advocates")
def advocates_cmd(
    show: str = typer.Option(
        "both", "--show", help="audience (interactions), mentions (influencers) or both."
    ),
    limit: int = typer.Option(20, "--limit", help="Show the top N of each list."),
    start: str | None = _Start,
    end: str | None = _End,
    platform: str | None = _OnePlatform,
    per: str = _Per,
    as_json: bool = _Json,
    db: str | None = DbOption,
) -> None:
    """Advocates (weighted engagement) and influencers (reach of positive mentions)."""
    from engagelens.audience import advocates, influencers

    _per(per)
    if show not in _SHOWS:
        raise ConfigError(f"--show must be one of {', '.join(_SHOWS)}, not {show!r}")
    if limit < 1:
        raise ConfigError(f"--limit must be at least 1, not {limit}")
    lo, hi = parse_range(start, end)
    out: dict[str, list[dict[str, Any]]] = {}
    with open_db(db) as store:
        known_platforms(store, [platform] if platform else [])
        if show in ("both", "audience"):
            rows = advocates(store, start=lo, end=hi, platform=platform, limit=limit, per=per)
            out["advocates"] = rows.to_pyarrow().to_pylist()
        if show in ("both", "mentions"):
            rows = influencers(store, start=lo, end=hi, platform=platform, limit=limit)
            out["influencers"] = rows.to_pyarrow().to_pylist()
    if as_json:
        _json(out)
        return
    if "advocates" in out:
        _print(
            "Advocates" + (" (per person)" if per == "person" else ""),
            [
                "platform",
                "person" if per == "person" else "actor",
                "score",
                "interactions",
                "shares",
                "comments",
                "likes",
                "active days",
            ],
            [
                [
                    rich_text(r["platform"]),
                    rich_text(r["actor_id"], 40),
                    f"{r['score']:g}",
                    str(r["interactions"]),
                    str(r["shares"]),
                    str(r["comments"]),
                    str(r["likes"]),
                    str(r["active_days"]),
                ]
                for r in out["advocates"]
            ],
        )
    if "influencers" in out:
        _print(
            "Influencers",
            [
                "platform",
                "author",
                "handle",
                "followers",
                "mentions",
                "positive",
                "negative",
                "positive reach",
                "net reach",
            ],
            [
                [
                    rich_text(r["platform"]),
                    rich_text(r["author_id"], 30),
                    rich_text(r["author_handle"], 30),
                    "—" if r["followers"] is None else str(r["followers"]),
                    str(r["mentions"]),
                    str(r["positive"]),
                    str(r["negative"]),
                    str(r["positive_reach"]),
                    str(r["net_reach"]),
                ]
                for r in out["influencers"]
            ],
        )


_Brand = typer.Option(..., "--brand", help="Name of a brand or competitor listening query.")


@audience_app.command("influencers")
def influencers_cmd(
    brand: str = _Brand,
    detractors: bool = typer.Option(
        False, "--detractors", help="The most negative authors toward the brand instead."
    ),
    limit: int = typer.Option(20, "--limit", help="Show the top N (0: all)."),
    start: str | None = _Start,
    end: str | None = _End,
    platform: str | None = _OnePlatform,
    as_json: bool = _Json,
    db: str | None = DbOption,
) -> None:
    """Influencers of one brand: reach x engagement rate x relevance x sentiment toward it."""
    from engagelens.audience.brand_influence import brand_influencers

    with open_db(db) as store:
        rows = brand_influencers(
            store,
            brand,
            start=parse_date(start, "from"),
            end=parse_date(end, "to"),
            platform=platform,
            limit=limit,
            detractors=detractors,
        )
    if as_json:
        _json([r.to_dict() for r in rows])
        return
    _print(
        f"{'Detractors' if detractors else 'Influencers'} of {rich_text(brand, 40)}",
        ["platform", "author", "reach", "ER", "relevance", "+/-", "score", "flags"],
        [
            [
                rich_text(r.platform),
                rich_text(r.author_handle or r.author_id, 30),
                f"{r.reach:,.0f}",
                _pct(r.engagement_rate),
                _pct(r.relevance),
                f"{r.positive}/{r.negative}",
                f"{r.score:,.1f}",
                ", ".join(
                    f
                    for f, on in (
                        ("follower spike", r.follower_spike),
                        ("engagement anomaly", r.engagement_anomaly),
                        ("low quality", r.low_quality_share >= 0.5),
                    )
                    if on
                )
                or "—",
            ]
            for r in rows
        ],
    )


@audience_app.command("ugc")
def ugc_cmd(
    brand: str = _Brand,
    start: str | None = _Start,
    end: str | None = _End,
    platform: str | None = _OnePlatform,
    as_json: bool = _Json,
    db: str | None = DbOption,
) -> None:
    """User-generated content about a brand per week, and the share positive toward it."""
    from engagelens.audience.brand_influence import ugc_summary

    with open_db(db) as store:
        out = ugc_summary(
            store, brand, start=parse_date(start, "from"), end=parse_date(end, "to"),
            platform=platform,
        )  # fmt: skip
    if as_json:
        _json(out)
        return
    _print(
        f"UGC about {rich_text(brand, 40)}: {out['ugc']} posts, "
        f"{_pct(out['positive_share'])} positive",
        ["week", "UGC", "positive", "negative", "positive share"],
        [
            [
                w["week"],
                str(w["ugc"]),
                str(w["positive"]),
                str(w["negative"]),
                _pct(w["positive_share"]),
            ]
            for w in out["weeks"]
        ],
    )


@audience_app.command("segments")
def segments_cmd(
    start: str = typer.Option(..., "--from", help="Period start (UTC), inclusive."),
    end: str = typer.Option(..., "--to", help="Period end (UTC), exclusive."),
    compare_from: str | None = typer.Option(
        None, "--compare-from", help="Start of an earlier period to show movement from."
    ),
    compare_to: str | None = typer.Option(None, "--compare-to", help="End of that period."),
    rfm_of: str = typer.Option(
        "audience", "--rfm", help="RFM of the audience (interactions) or customers (orders)."
    ),
    per: str = _Per,
    as_json: bool = _Json,
    db: str | None = DbOption,
) -> None:
    """Engagement-ladder segments with participation, movement between periods, and RFM."""
    from engagelens.audience import segments as seg

    _per(per)
    if rfm_of not in ("audience", "customers"):
        raise ConfigError(f"--rfm must be audience or customers, not {rfm_of!r}")
    if (compare_from is None) != (compare_to is None):
        raise ConfigError("--compare-from and --compare-to go together")
    a, b = parse_date(start, "from"), parse_date(end, "to")
    assert a is not None and b is not None
    out: dict[str, Any] = {}
    with open_db(db) as store:
        out["per"] = per
        out["segments"] = seg.segment_summary(store, start=a, end=b, per=per)
        if compare_from is not None:
            before = (
                parse_date(compare_from, "compare-from"),
                parse_date(compare_to, "compare-to"),
            )
            out["movement"] = seg.ladder_movement(store, before=before, after=(a, b), per=per)  # type: ignore[arg-type]
        rfm_fn = seg.audience_rfm if rfm_of == "audience" else seg.customer_rfm
        rows = rfm_fn(store, as_of=b, per=per)
        out["rfm"] = seg.rfm_summary(rows)
    if as_json:
        _json(out)
        return
    _print(
        "Engagement ladder" + (" (per person)" if per == "person" else ""),
        [
            "step",
            "persons" if per == "person" else "actors",
            "share",
            "active days / actor",
            "participation",
        ],
        [
            [
                r["step"],
                str(r["actors"]),
                _pct(r["share"]),
                "—" if r["activity_frequency"] is None else f"{r['activity_frequency']:.2f}",
                _pct(r["participation_rate"]),
            ]
            for r in out["segments"]
        ],
    )
    if "movement" in out:
        m = out["movement"]
        typer.echo(f"moved up {m['up']}, down {m['down']}, same step {m['same']}")
        _print(
            "Movement",
            ["before", "after", "actors"],
            [[t["before"], t["after"], str(t["actors"])] for t in m["transitions"]],
        )
    _print(
        f"RFM ({rfm_of})",
        ["segment", "members", "share", "recency (days)", "frequency", "monetary"],
        [
            [
                r["segment"],
                str(r["members"]),
                _pct(r["share"]),
                f"{r['mean_recency_days']:.1f}",
                f"{r['mean_frequency']:.2f}",
                f"{r['mean_monetary']:.2f}",
            ]
            for r in out["rfm"]
        ],
    )


@audience_app.command("cascades")
def cascades_cmd(
    infer: str = typer.Option(
        "root", "--infer", help="Reshares without a parent id: root (the post) or recent."
    ),
    window_hours: float = typer.Option(6.0, "--window-hours", help="Window of --infer recent."),
    brand: str | None = typer.Option(
        None, "--brand", help="Listening query for untagged word of mouth after each post."
    ),
    limit: int = typer.Option(20, "--limit", help="Show the top N posts (0: all)."),
    start: str | None = _Start,
    end: str | None = _End,
    platform: str | None = _OnePlatform,
    as_json: bool = _Json,
    db: str | None = DbOption,
) -> None:
    """Share cascades per post: size, depth, breadth, structural virality, second-degree reach."""
    from engagelens.audience.ripple import post_cascades

    with open_db(db) as store:
        rows = post_cascades(
            store,
            start=parse_date(start, "from"),
            end=parse_date(end, "to"),
            platform=platform,
            infer=infer,
            window_hours=window_hours,
            brand=brand,
            limit=limit,
        )
    if as_json:
        _json(rows)
        return
    _print(
        "Ripple cascades",
        ["platform", "post", "reshares", "depth", "breadth", "virality", "2nd-degree reach",
         "inferred", "word of mouth"],
        [
            [
                rich_text(r["platform"]), rich_text(r["content_id"], 30), str(r["reshares"]),
                str(r["depth"]), str(r["breadth"]),
                "—" if r["structural_virality"] is None else f"{r['structural_virality']:.2f}",
                f"{r['second_degree_reach']:,}", str(r["inferred_edges"]),
                "—" if r["word_of_mouth"] is None else str(r["word_of_mouth"]),
            ]
            for r in rows
        ],
    )  # fmt: skip


@audience_app.command("leaderboard")
def leaderboard_cmd(
    daily_cap: int = typer.Option(20, "--daily-cap", help="Most points a member earns a day."),
    points: str | None = typer.Option(
        None, "--points", help="Points per kind as JSON, e.g. '{\"share\": 8}' (over defaults)."
    ),
    limit: int = typer.Option(20, "--limit", help="Show the top N."),
    start: str | None = _Start,
    end: str | None = _End,
    platform: str | None = _OnePlatform,
    per: str = _Per,
    as_json: bool = _Json,
    db: str | None = DbOption,
) -> None:
    """Points leaderboard without spam, duplicate texts, self-interaction; daily cap; badges."""
    from engagelens.audience.gamification import fair_leaderboard
    from engagelens.audience.points import DEFAULT_POINTS

    _per(per)
    table = dict(DEFAULT_POINTS)
    if points:
        try:
            extra = json.loads(points)
        except ValueError:
            raise ConfigError('--points must be a JSON object like {"share": 8}') from None
        if not isinstance(extra, dict) or not all(
            isinstance(v, int) and not isinstance(v, bool) for v in extra.values()
        ):
            raise ConfigError("--points must map interaction kinds to whole numbers")
        table.update(extra)
    lo, hi = parse_range(start, end)
    with open_db(db) as store:
        known_platforms(store, [platform] if platform else [])
        rows = fair_leaderboard(
            store, points=table, daily_cap=daily_cap, start=lo, end=hi, platform=platform,
            per=per, limit=limit,
        )  # fmt: skip
    if as_json:
        _json(rows)
        return
    _print(
        f"Leaderboard (cap {daily_cap} points a day)",
        ["#", "platform", "member", "points", "raw", "capped", "spam", "duplicates", "self",
         "badges"],
        [
            [
                str(r["rank"]), rich_text(r["platform"]), rich_text(r["actor_id"], 40),
                str(r["points"]),
                str(r["raw_points"]), str(r["capped_points"]), str(r["excluded_spam"]),
                str(r["excluded_duplicate"]), str(r["excluded_self"]),
                ", ".join(r["badges"]) or "—",
            ]
            for r in rows
        ],
    )  # fmt: skip


@audience_app.command("link")
def link_cmd(
    mapping: str = typer.Option(
        ..., "--mapping", help="CSV/TSV/JSONL/Parquet: platform, author_id and evidence columns."
    ),
    merge: bool = typer.Option(
        False, "--merge", help="Keep the stored links as evidence too (default: replace them)."
    ),
    max_accounts: int = typer.Option(
        50, "--max-accounts", help="Refuse a person with more accounts (shared placeholder)."
    ),
    as_json: bool = _Json,
    db: str | None = DbOption,
) -> None:
    """Link one person across platforms from declared evidence (never from names)."""
    from pathlib import Path

    from engagelens.audience.identity import link_persons, read_mapping

    rows = read_mapping(mapping)
    with open_db(db) as store:
        out = link_persons(
            store, rows, source=Path(mapping).name, replace=not merge, max_accounts=max_accounts
        ).to_dict()
    if as_json:
        _json(out)
        return
    typer.echo(
        f"{out['rows']} evidence rows: {out['persons']} persons linking {out['accounts']} "
        f"accounts (largest: {out['largest']} accounts)"
    )


@audience_app.command("persons")
def persons_cmd(
    limit: int = typer.Option(50, "--limit", help="Show the first N persons."),
    as_json: bool = _Json,
    db: str | None = DbOption,
) -> None:
    """Linked persons with their accounts and customer ids, most accounts first."""
    from engagelens.audience.identity import persons

    if limit < 1:
        raise ConfigError(f"--limit must be at least 1, not {limit}")
    with open_db(db) as store:
        rows = persons(store, limit=limit)
    if as_json:
        _json(rows)
        return
    _print(
        "Persons",
        ["person", "accounts", "customers", "e-mail hashes"],
        [
            [
                r["person_id"],
                ", ".join(rich_text(a, 40) for a in r["accounts"]),
                ", ".join(rich_text(c, 30) for c in r["customer_ids"]) or "—",
                str(r["email_hashes"]),
            ]
            for r in rows
        ],
    )


@audience_app.command("recommend")
def recommend_cmd(
    train_from: str = typer.Option(..., "--train-from", help="Start of the period learned from."),
    train_to: str = typer.Option(..., "--train-to", help="Its end (exclusive)."),
    test_from: str | None = typer.Option(
        None, "--test-from", help="Start of a later period to check on (default: none)."
    ),
    test_to: str | None = typer.Option(None, "--test-to", help="Its end (exclusive)."),
    segment: list[str] = typer.Option(
        [], "--segment", help="Ladder step (repeat): reactor, commenter, amplifier, advocate."
    ),
    feature: list[str] = typer.Option(
        [], "--feature", help="format, theme, hashtag or slot (repeat; default: all)."
    ),
    min_posts: int = typer.Option(5, "--min-posts", help="Fewest training posts per value."),
    top: int = typer.Option(3, "--top", help="Values per segment and feature."),
    timezone: str = typer.Option("UTC", "--timezone", help="Time zone of posting slots."),
    as_json: bool = _Json,
    db: str | None = DbOption,
) -> None:
    """What to post for whom: formats, themes, hashtags and slots that drew each segment, checked
    on a later period the fit never saw."""
    from engagelens.audience.ladder import LADDER_STEPS
    from engagelens.audience.recommend import FEATURES, recommend, summary

    if (test_from is None) != (test_to is None):
        raise ConfigError("--test-from and --test-to go together")
    train = parse_range(train_from, train_to)
    test = parse_range(test_from, test_to) if test_from is not None else None
    with open_db(db) as store:
        recs = recommend(
            store,
            train=train,  # type: ignore[arg-type]
            test=test,  # type: ignore[arg-type]
            segments=tuple(segment) or LADDER_STEPS[1:],
            features=tuple(feature) or FEATURES,
            min_posts=min_posts,
            top=top,
            timezone=timezone,
        )
    if as_json:
        _json({"summary": summary(recs), "items": [r.to_dict() for r in recs]})
        return
    if not recs:
        typer.echo("no recommendation: no value beat the usual post with enough posts behind it")
        return
    for r in recs:
        typer.echo(plain_text(r.sentence()))
    s = summary(recs)
    if test is not None:
        typer.echo(
            f"checked on the later period: {s['checked']} of {s['recommendations']}; "
            f"held: {s['held']}"
        )


def register(app: typer.Typer) -> None:
    app.add_typer(audience_app, name="audience")


__all__ = sorted(["audience_app", "register"])
