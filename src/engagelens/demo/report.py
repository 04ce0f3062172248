"""The demo report: ingest counts, headline metrics of the own brand, own vs competitors, site,
NPS and e-mail, and listening counts. Figures come from the metrics layer; when it is absent
``fallback_report`` counts a few things through Ibis and says so in its title."""

from __future__ import annotations

import html
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from .world import BRANDS

if TYPE_CHECKING:  # pragma: no cover
    from engagelens.store import Store

SITE = ("conversion_rate", "bounce_rate", "average_time_on_site", "nps")
EMAIL = ("email_open_rate", "email_click_rate", "email_unsubscribe_rate")
VERSUS = ("posts", "interactions", "likes", "comments", "shares")


def ingest_table(summaries: list[Any]) -> str:
    per: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    for s in summaries:
        row = per[s.entity]
        for k, v in enumerate(
            (1, s.rows_read, s.rows_stored, s.rows_duplicate, s.rows_quarantined)
        ):
            row[k] += v
    lines = [
        "## Ingest",
        "",
        "| Table | Files | Read | Stored | Duplicates | Quarantined |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {t} | {r[0]:,} | {r[1]:,} | {r[2]:,} | {r[3]:,} | {r[4]:,} |"
        for t, r in sorted(per.items())
    ]
    return "\n".join(lines) + "\n"


def _compute(store: Store, names: list[str], **filters: Any) -> dict[str, Any]:
    from engagelens.metrics import Filters
    from engagelens.metrics.report import figures

    return figures(store, names, Filters(**filters))


def listening_section(store: Store) -> str:
    """Mentions naming each brand (plain substring counts over the stored mentions)."""
    m = store.table("mention")
    total = int(m.count().execute())
    lines = [
        "## Listening",
        "",
        f"{total:,} mentions stored.",
        "",
        "| Brand | Mentions | Labelled negative |",
        "|---|---:|---:|",
    ]
    for brand in BRANDS:
        sel = m.filter(m.text.contains(brand))
        n = int(sel.count().execute())
        neg = int(sel.filter(sel.sentiment == "negative").count().execute())
        lines.append(f"| {html.escape(brand)} | {n:,} | {neg:,} |")
    return "\n".join(lines) + "\n"


def build_report(store: Store, summaries: list[Any], *, interactions: int, seed: int) -> str:
    try:
        from engagelens.metrics.registry import get_metric
        from engagelens.metrics.report import HEADLINE, format_value, render_markdown
    except ImportError:  # pragma: no cover - metrics layer not installed in this checkout
        return fallback_report(store) + "\n" + ingest_table(summaries)
    read = sum(s.rows_read for s in summaries)
    parts = [
        f"# EngageLens demo: Lumina Coffee ({interactions:,} interactions, seed {seed})\n",
        f"Rows read {read:,} = stored {sum(s.rows_stored for s in summaries):,} + "
        f"duplicates {sum(s.rows_duplicate for s in summaries):,} + quarantined "
        f"{sum(s.rows_quarantined for s in summaries):,}.\n",
        ingest_table(summaries),
    ]
    parts.append(
        render_markdown(_compute(store, list(HEADLINE), ownership="own"), title="Headline metrics")
    )
    own = _compute(store, list(VERSUS), ownership="own")
    rival = _compute(store, list(VERSUS), ownership="competitor")
    lines = [
        "## Own vs competitors",
        "",
        "| Metric | Lumina Coffee | Competitors |",
        "|---|---:|---:|",
    ]
    for name in own:
        m = get_metric(name)
        lines.append(
            f"| {html.escape(m.title)} | {format_value(m.unit, own[name])} | "
            f"{format_value(m.unit, rival.get(name))} |"
        )
    parts.append("\n".join(lines) + "\n")
    parts.append(render_markdown(_compute(store, list(SITE)), title="Site and NPS"))
    parts.append(_email_section(store))
    parts.append(listening_section(store))
    return "\n".join(parts)


def _email_section(store: Store) -> str:
    """Median over campaigns: e-mail rates are per send, so a pooled rate would let the
    biggest sends dominate."""
    from engagelens.metrics import compute
    from engagelens.metrics.registry import get_metric
    from engagelens.metrics.report import format_value

    lines = ["## Email (median over campaigns)", "", "| Metric | Value |", "|---|---:|"]
    for name in EMAIL:
        try:
            t = compute(store, [name], by="campaign").to_pyarrow()
        except Exception:  # noqa: BLE001 - a metric missing in this checkout is skipped
            continue
        vals = sorted(v for v in t.column(name).to_pylist() if v is not None)
        med = vals[len(vals) // 2] if vals else None
        m = get_metric(name)
        lines.append(f"| {html.escape(m.title)} | {format_value(m.unit, med)} |")
    return "\n".join(lines) + "\n"


def fallback_report(store: Store) -> str:
    """A small Ibis-only report for checkouts without the metrics layer."""
    i = store.table("interaction")
    counts = i.group_by("kind").agg(n=i.count()).to_pyarrow().to_pylist()
    lines = [
        "# EngageLens demo (fallback report: metrics layer not available)",
        "",
        "| Figure | Value |",
        "|---|---:|",
    ]
    for r in sorted(counts, key=lambda r: r["kind"]):
        lines.append(f"| {r['kind']} events | {r['n']:,} |")
    for table in ("content", "mention", "web_session", "conversion", "survey_response"):
        lines.append(f"| {table} rows | {store.count(table):,} |")
    return "\n".join(lines) + "\n"


__all__ = sorted(["build_report", "fallback_report", "ingest_table", "listening_section"])
