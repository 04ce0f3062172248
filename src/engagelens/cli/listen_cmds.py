"""``engagelens listen …`` and ``engagelens alerts …``: thin wrappers over engagelens.listening."""

from __future__ import annotations

import json
from typing import Any

import typer

from .common import DbOption, open_db
from .safe_text import plain_text

listen_app = typer.Typer(
    help="Listening queries: add, list, test, run, report.", no_args_is_help=True
)
alerts_app = typer.Typer(help="Alert rules: add, list, run, history.", no_args_is_help=True)


def _echo_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def _pct(value: Any) -> str:
    return "-" if value is None else f"{value:.1%}"


# -- listen ---------------------------------------------------------------------------------
@listen_app.command("add")
def listen_add(
    name: str = typer.Argument(..., help="Short name, e.g. the brand."),
    query: str = typer.Argument(..., help="Boolean query, e.g. '@acme OR \"acme shoes\"'."),
    kind: str = typer.Option("brand", help="brand, competitor, product, campaign or topic."),
    ignore_accents: bool = typer.Option(False, help="Diacritics-insensitive (Vietnamese)."),
    segment_chinese: bool = typer.Option(False, help="Match Chinese on jieba segments."),
    db: str | None = DbOption,
) -> None:
    """Create or replace a listening query (the next run re-matches it on every mention)."""
    from engagelens.listening import add_query

    with open_db(db, create=True) as store:  # a write: the first query may start a store
        row = add_query(
            store,
            name,
            query,
            kind=kind,
            ignore_accents=ignore_accents,
            segment_chinese=segment_chinese,
        )
    typer.echo(f"saved {plain_text(row['name'])} ({row['kind']}): {plain_text(row['query'])}")


@listen_app.command("list")
def listen_list(as_json: bool = typer.Option(False, "--json"), db: str | None = DbOption) -> None:
    """Show the stored queries."""
    from engagelens.listening import list_queries

    with open_db(db) as store:
        queries = list_queries(store)
    if as_json:
        _echo_json(queries)
        return
    for q in queries:
        state = "up to date" if q["last_run_version"] == q["version"] else "not run yet"
        typer.echo(f"{plain_text(q['name'])}\t{q['kind']}\t{plain_text(q['query'])}\t({state})")


@listen_app.command("remove")
def listen_remove(name: str, db: str | None = DbOption) -> None:
    """Delete a query and its matches."""
    from engagelens.listening import remove_query

    with open_db(db) as store:
        remove_query(store, name)
    typer.echo(f"removed {plain_text(name)}")


@listen_app.command("test")
def listen_test(
    query: str = typer.Argument(..., help="Query to try (not saved)."),
    texts: list[str] = typer.Argument(None, help="Texts to try it on; none: the store's mentions."),
    ignore_accents: bool = typer.Option(False),
    segment_chinese: bool = typer.Option(False),
    lang: str | None = typer.Option(None, help="Language of the given texts."),
    platform: str | None = typer.Option(None, help="Platform of the given texts."),
    limit: int = typer.Option(10, help="Matches to show when testing on the store."),
    db: str | None = DbOption,
) -> None:
    """Try a query on texts, or on the stored mentions, before saving it (nothing is saved)."""
    from engagelens.listening.engine import Engine, QuerySpec
    from engagelens.listening.fold import FoldOptions
    from engagelens.listening.preview import preview
    from engagelens.listening.query import parse, to_string

    if texts:
        engine = Engine([QuerySpec("q", query, FoldOptions(ignore_accents, segment_chinese))])
        typer.echo(f"parsed as: {plain_text(to_string(parse(query)))}")
        for text in texts:
            found = engine.match(text, language=lang, platform=platform).get("q")
            mark = "MATCH " + ", ".join(map(plain_text, found)) if found is not None else "no match"
            typer.echo(f"{mark}\t{plain_text(text)}")
        return
    with open_db(db) as store:
        result = preview(
            store,
            query,
            ignore_accents=ignore_accents,
            segment_chinese=segment_chinese,
            limit=limit,
        )
    typer.echo(f"parsed as: {plain_text(result.parsed)}")
    for m in result.matches:
        typer.echo(
            f"{m['platform']}:{plain_text(m['mention_id'])}\t"
            f"{', '.join(map(plain_text, m['terms']))}\t{plain_text(m['text'])[:120]}"
        )
    typer.echo(f"{result.matched} of {result.scanned} mentions match")


@listen_app.command("mentions")
def listen_mentions(
    query: str | None = typer.Option(None, help="Only mentions this saved query matches."),
    sentiment: str | None = typer.Option(None, help="positive, neutral or negative."),
    lang: str | None = typer.Option(None, "--lang", help="Language code, e.g. vi."),
    search: str | None = typer.Option(None, help="Text the mention contains (any case)."),
    start: str | None = typer.Option(None, "--from", help="First day (ISO date)."),
    end: str | None = typer.Option(None, "--to", help="Day after the last (ISO date)."),
    offset: int = typer.Option(0, min=0),
    limit: int = typer.Option(20, min=1, max=10_000),
    as_json: bool = typer.Option(False, "--json"),
    db: str | None = DbOption,
) -> None:
    """Read the stored mentions, newest first (engagelens.listening.feed)."""
    from engagelens.listening.feed import mention_feed
    from engagelens.metrics.base import Filters

    from .checks import known_query
    from .common import parse_range

    lo, hi = parse_range(start, end)
    with open_db(db) as store:
        known_query(store, query)
        feed = mention_feed(
            store,
            Filters(start=lo, end=hi),
            query=query,
            sentiment=sentiment,
            language=lang,
            search=search,
            offset=offset,
            limit=limit,
        )
    if as_json:
        _echo_json(feed.to_dict())
        return
    for m in feed.items:
        when = m["created_at"].strftime("%Y-%m-%d %H:%M") if m["created_at"] else "-"
        typer.echo(
            f"{when}  {m['platform']}  {plain_text(m['author_handle'] or '-')[:20]}  "
            f"{m['sentiment'] or '-'}  {plain_text(m['text'])[:80]}"
        )
    shown = len(feed.items)
    first = feed.offset + 1 if shown else 0
    typer.echo(f"{first}-{feed.offset + shown} of {feed.total} mentions")


@listen_app.command("run")
def listen_run(
    full: bool = typer.Option(False, help="Re-run every query on every mention."),
    analyze: bool = typer.Option(
        False, help="First let the text layer label sentiment and language of new mentions."
    ),
    db: str | None = DbOption,
) -> None:
    """Match the stored queries against mentions not seen yet (edited queries: all)."""
    from engagelens.listening import run
    from engagelens.listening.alerts import analyze_mentions

    with open_db(db) as store:
        if analyze:
            typer.echo(f"{analyze_mentions(store)} mentions analysed")
        summary = run(store, full=full)
    typer.echo(
        f"{summary.queries} queries ({summary.queries_rerun} re-run), "
        f"{summary.mentions_scanned} mentions scanned, {summary.matches_stored} matches "
        f"stored in {summary.seconds:.2f}s"
    )


@listen_app.command("report")
def listen_report(
    by: str | None = typer.Option(None, help="day, week, month, platform or language."),
    query: str | None = typer.Option(None, help="Top authors/terms/spikes of one query."),
    as_json: bool = typer.Option(False, "--json"),
    db: str | None = DbOption,
) -> None:
    """Share of voice, sentiment mix, top authors/terms/hashtags, spikes and emerging themes."""
    from engagelens.errors import ConfigError
    from engagelens.listening import measures, spikes
    from engagelens.listening.explain import explain

    if by not in (None, "day", "week", "month", "platform", "language"):
        raise ConfigError("--by must be day, week, month, platform or language")
    from .checks import known_query

    with open_db(db) as store:
        known_query(store, query)
        table = measures.breakdown(store, [by] if by else []).to_pyarrow().to_pylist()
        report = {
            "queries": table,
            "top_authors": measures.top_authors(store, query).to_pylist(),
            "top_terms": measures.top_terms(store, query).to_pylist(),
            "top_hashtags": measures.top_hashtags(store, query).to_pylist(),
            "spikes": [
                {**s.to_dict(), "explanation": explain(s).to_dict()}
                for s in spikes.find_spikes(store, query=query)
            ],
            "emerging_themes": spikes.emerging_themes(store, query, limit=10),
        }
    if as_json:
        _echo_json(report)
        return
    head = [
        "query",
        *([by] if by else []),
        "mentions",
        "share of voice",
        "positive",
        "neutral",
        "negative",
        "net sentiment",
    ]
    typer.echo("\t".join(head))
    for r in table:
        labelled = r["labelled"] or 0
        mix = [
            _pct(r[k] / labelled if labelled else None) for k in ("positive", "neutral", "negative")
        ]
        cells = [
            plain_text(r["query"]),
            *([plain_text(r[by])] if by else []),
            str(r["volume"]),
            _pct(r["share_of_voice"]),
            *mix,
            "-" if r["net_sentiment"] is None else f"{r['net_sentiment']:+.2f}",
        ]
        typer.echo("\t".join(cells))
    typer.echo(
        "top authors: "
        + ", ".join(
            f"{plain_text(a['author_handle'])} ({a['mentions']})" for a in report["top_authors"]
        )
    )
    typer.echo(
        "top terms: "
        + ", ".join(f"{plain_text(t['term'])} ({t['mentions']})" for t in report["top_terms"][:10])
    )
    typer.echo(
        "top hashtags: "
        + ", ".join(
            f"{plain_text(t['hashtag'])} ({t['mentions']})" for t in report["top_hashtags"][:10]
        )
    )
    typer.echo(
        "emerging themes: "
        + "; ".join(
            f"{plain_text(t['label'])} [{plain_text(t['language'])}] "
            f"({t['mentions']} in the last 7 days, "
            f"{t['before']} before)"
            for t in report["emerging_themes"]
        )
    )
    for s in report["spikes"]:
        typer.echo(spike_sentence(s))


def spike_sentence(spike: dict[str, Any]) -> str:
    """A spike in plain words (:func:`engagelens.listening.explain.explain`), with one example
    mention, terminal-safe."""
    facts = spike["explanation"]
    text = "SPIKE " + plain_text(facts["sentence"])
    if facts["examples"]:
        text += f' E.g. "{plain_text(facts["examples"][0])[:100]}"'
    return text


# -- alerts ---------------------------------------------------------------------------------
@alerts_app.command("add")
def alerts_add(
    name: str,
    kind: str = typer.Option(
        ..., help="spike, negative_spike, negative_share, author_followers or keyword."
    ),
    query: str | None = typer.Option(None, help="Listening query the rule watches."),
    threshold: float | None = typer.Option(None, help="Share (0.4), followers or k·σ."),
    keyword: str | None = typer.Option(None, help="Keyword rule: e.g. 'refund OR lawsuit'."),
    min_mentions: int = typer.Option(10, help="negative_share: fewest labelled mentions."),
    channel: list[str] = typer.Option(
        ["stdout"], help="stdout, log, http(s):// webhook, mailto:to@x?smtp=host:port (repeat)."
    ),
    db: str | None = DbOption,
) -> None:
    """Create or replace an alert rule."""
    from engagelens.listening.alerts import add_rule

    with open_db(db, create=True) as store:
        add_rule(
            store,
            name,
            kind,
            query=query,
            threshold=threshold,
            keyword=keyword,
            min_mentions=min_mentions,
            channels=channel,
        )
    typer.echo(f"saved alert rule {plain_text(name)} ({kind})")


@alerts_app.command("list")
def alerts_list(as_json: bool = typer.Option(False, "--json"), db: str | None = DbOption) -> None:
    """Show the alert rules."""
    from engagelens.listening.alerts import list_rules

    with open_db(db) as store:
        rules = list_rules(store)
    if as_json:
        _echo_json(rules)
        return
    for r in rules:
        what = r["keyword"] or (r["threshold"] if r["threshold"] is not None else "")
        typer.echo(
            f"{plain_text(r['name'])}\t{r['kind']}\t{plain_text(r['query'] or '*')}\t"
            f"{plain_text(what)}"
            f"\t{', '.join(map(plain_text, json.loads(r['channels'] or '[]')))}"
        )


@alerts_app.command("run")
def alerts_run(
    all_mentions: bool = typer.Option(False, help="Mention rules look at every mention."),
    dry_run: bool = typer.Option(False, help="Show what would fire; deliver and record nothing."),
    db: str | None = DbOption,
) -> None:
    """Run the listening queries, then evaluate every alert rule now."""
    from engagelens.listening.alerts import evaluate

    with open_db(db) as store:
        events = evaluate(store, all_mentions=all_mentions, deliver=not dry_run)
    if dry_run:
        for e in events:
            typer.echo(f"{e['status']}\t{plain_text(e['rule'])}\t{plain_text(e['title'])}")
    typer.echo(
        f"{sum(e['status'] in ('sent', 'dry_run') for e in events)} "
        f"{'would be sent' if dry_run else 'sent'}, "
        f"{sum(e['status'] == 'suppressed' for e in events)} suppressed (cool-down), "
        f"{sum(e['status'] == 'failed' for e in events)} failed"
    )


@alerts_app.command("history")
def alerts_history(
    rule: str | None = typer.Option(None),
    limit: int = typer.Option(50),
    as_json: bool = typer.Option(False, "--json"),
    db: str | None = DbOption,
) -> None:
    """Alerts fired, newest first (suppressed duplicates included)."""
    from engagelens.listening.alerts import history

    with open_db(db) as store:
        events = history(store, rule=rule, limit=limit)
    if as_json:
        _echo_json(events)
        return
    for e in events:
        typer.echo(
            f"{e['fired_at']:%Y-%m-%d %H:%M}\t{e['status']}\t{plain_text(e['rule'])}\t"
            f"{plain_text(e['title'])}"
        )


def register(app: typer.Typer) -> None:
    app.add_typer(listen_app, name="listen")
    app.add_typer(alerts_app, name="alerts")


__all__ = ["register"]
