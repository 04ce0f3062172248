"""``engagelens metrics list|explain|compute|docs`` and ``engagelens report``: thin wrappers
over engagelens.metrics. Rates print as percentages only in ``--format table``."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import typer

from engagelens.errors import ConfigError, MetricError

from .common import DbOption, open_db
from .safe_text import plain_text

metrics_app = typer.Typer(help="Metrics: list, explain, compute, docs.", no_args_is_help=True)

FORMATS = ("table", "csv", "json", "parquet")


def _open(db: str | None, backend: str | None):
    if backend == "spark":  # the warehouse --db names, never an empty session instead
        if db is None:
            db = "pyspark://"
        elif not (db.startswith("pyspark://") or db == "spark"):
            raise ConfigError(
                f"--backend spark reads a Spark warehouse: give --db pyspark:///PATH, not {db!r}"
            )
        return open_db(db)
    if backend not in (None, "duckdb"):
        raise ConfigError(f"--backend must be duckdb or spark, not {backend!r}")
    return open_db(db)


@metrics_app.command("list")
def metrics_list(fmt: str = typer.Option("table", "--format", help="table or json.")) -> None:
    """Every registered metric with its unit and grains."""
    from engagelens.metrics import all_metrics

    if fmt not in ("table", "json"):
        raise ConfigError(f"--format must be one of table, json, not {fmt!r}")
    ms = all_metrics()
    if fmt == "json":
        typer.echo(json.dumps([m.to_dict() for m in ms], ensure_ascii=False, indent=2))
        return
    width = max(len(m.name) for m in ms)
    for m in ms:
        typer.echo(f"{m.name:<{width}}  {m.unit:<8}  {m.title}")


@metrics_app.command("explain")
def metrics_explain(name: str = typer.Argument(..., help="Metric name.")) -> None:
    """Definition, formula, unit, grains, required tables and source of one metric."""
    from engagelens.metrics import get_metric

    m = get_metric(name)
    typer.echo(f"{m.name} — {m.title}\n\n{m.description}\n")
    for label, value in (
        ("formula", m.formula),
        ("unit", m.unit),
        ("grains", ", ".join(m.grains)),
        ("requires", ", ".join(m.requires)),
        ("source", m.source),
    ):
        typer.echo(f"{label:>9}: {value}")


def _rows(table: Any) -> tuple[list[str], list[dict[str, Any]]]:
    arrow = table.to_pyarrow()
    return arrow.column_names, arrow.to_pylist()


def _render_table(columns: list[str], rows: list[dict[str, Any]]) -> str:
    from engagelens.metrics import get_metric
    from engagelens.metrics.report import format_value

    units: dict[str, str | None] = {}
    for c in columns:
        try:
            units[c] = get_metric(c).unit
        except MetricError:
            units[c] = None
    cells = [
        [plain_text(format_value(u, r[c]) if (u := units[c]) else r[c]) for c in columns]
        for r in rows
    ]
    widths = [max([len(c)] + [len(row[i]) for row in cells]) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)) for row in cells]
    return "\n".join(lines)


@metrics_app.command("compute")
def metrics_compute(
    names: list[str] = typer.Argument(..., help="Metric names."),
    by: str = typer.Option(
        "content",
        "--by",
        help="Grain: content, account, platform, campaign, kind, day, week, month, total.",
    ),
    start: str | None = typer.Option(None, "--from", help="Start date/time (UTC), inclusive."),
    end: str | None = typer.Option(None, "--to", help="End date/time (UTC), exclusive."),
    platform: list[str] = typer.Option([], "--platform", help="Only these platforms."),
    account: list[str] = typer.Option([], "--account", help="Only these account ids."),
    campaign: list[str] = typer.Option([], "--campaign", help="Only these campaigns."),
    own: bool = typer.Option(False, "--own", help="Only the brand's own accounts."),
    competitor: bool = typer.Option(False, "--competitor", help="Only competitor accounts."),
    timezone: str | None = typer.Option(None, "--timezone", help="Time zone for day/week/month."),
    fmt: str = typer.Option("table", "--format", help="table, csv, json or parquet."),
    spreadsheet: bool = typer.Option(
        False,
        "--spreadsheet",
        help="CSV to open in Excel/Sheets: formula-like text gets a leading apostrophe "
        "(the default CSV is exact, for joining back to the source).",
    ),
    out: Path | None = typer.Option(None, "--out", help="Write to this file (parquet needs it)."),
    backend: str | None = typer.Option(None, "--backend", help="duckdb (default) or spark."),
    db: str | None = DbOption,
) -> None:
    """Compute metrics at a grain and print or save them."""
    from engagelens.metrics import Filters, compute

    if fmt not in FORMATS:
        raise ConfigError(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    if own and competitor:
        raise ConfigError("--own and --competitor exclude each other")
    if spreadsheet and fmt != "csv":
        raise ConfigError("--spreadsheet only applies to --format csv")
    from .checks import known_platforms, resolve_accounts
    from .common import parse_range

    lo, hi = parse_range(start, end)
    store = _open(db, backend)
    known_platforms(store, platform)
    filters = Filters(
        start=lo,
        end=hi,
        platforms=tuple(platform),
        accounts=resolve_accounts(store, account),
        campaigns=tuple(campaign),
        ownership="own" if own else "competitor" if competitor else None,
    )
    table = compute(
        store, names, by=by, filters=filters, settings={"timezone": timezone} if timezone else None
    )
    table = table.order_by([c for c in table.columns if c not in names] or names[0])
    if fmt == "parquet":
        if out is None:
            raise ConfigError("--format parquet needs --out FILE")
        import pyarrow.parquet as pq

        pq.write_table(table.to_pyarrow(), out)
        return
    columns, rows = _rows(table)
    if fmt == "table":
        text = _render_table(columns, rows)
    elif fmt == "json":
        text = json.dumps(rows, ensure_ascii=False, indent=2, default=str)
    else:
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(columns)
        if spreadsheet:  # the dashboard exports' neutraliser: one rule for every spreadsheet
            from engagelens.web.exports import neutralise

            w.writerows([[neutralise(r[c]) for c in columns] for r in rows])
        else:
            w.writerows([[r[c] for c in columns] for r in rows])
        text = buf.getvalue().rstrip("\n")
    if out is not None:
        out.write_text(text + "\n", encoding="utf-8")
    else:
        typer.echo(text)


@metrics_app.command("docs")
def metrics_docs(
    out: Path = typer.Option(Path("docs/metrics.md"), "--out", help="Markdown file to write."),
    check: bool = typer.Option(False, "--check", help="Fail if the file is out of date."),
) -> None:
    """Generate the metric reference from the registry."""
    from engagelens.metrics.docs import render

    text = render()
    if check:
        current = out.read_text(encoding="utf-8") if out.exists() else ""
        if current != text:
            raise MetricError(f"{out} is out of date; run: engagelens metrics docs --out {out}")
        typer.echo(f"{out} is up to date")
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    typer.echo(f"wrote {out}")


REPORT_FORMATS = ("table", "markdown", "json", "html", "pdf")


def report(
    account: list[str] = typer.Option(
        [], "--account", help="Account id or handle (repeat); overrides --scope."
    ),
    scope: str = typer.Option("own", "--scope", help="own (default), competitor or all."),
    start: str | None = typer.Option(None, "--from", help="Start date (UTC), inclusive."),
    end: str | None = typer.Option(None, "--to", help="End date (UTC), exclusive."),
    fmt: str = typer.Option("table", "--format", help="table, markdown, json, html or pdf."),
    out: Path | None = typer.Option(
        None, "--out", help="Write to this file (required for pdf; html/markdown/json too)."
    ),
    db: str | None = DbOption,
) -> None:
    """Headline metrics for a scope and a period: interactions next to engagement, with the
    previous period of the same length when --from and --to are given."""
    from engagelens.metrics.report import render_markdown
    from engagelens.metrics.scope import Scope, parse_scope
    from engagelens.reports import build_report

    from .checks import one_of, resolve_accounts
    from .common import parse_range

    one_of(fmt, REPORT_FORMATS, "--format")
    if fmt == "pdf" and out is None:
        raise ConfigError("--format pdf needs --out FILE.pdf")
    lo, hi = parse_range(start, end)
    with open_db(db) as store:
        chosen = Scope(parse_scope(scope), resolve_accounts(store, account))
        doc = build_report(store, chosen, lo, hi)
    for note in doc.notes:
        typer.echo(f"note: {note}", err=True)
    if fmt in ("html", "pdf"):
        from engagelens.reports.html import render_html

        page = render_html(doc)
        if fmt == "pdf":
            from engagelens.reports.pdf import html_to_pdf

            assert out is not None
            html_to_pdf(page, out)
            typer.echo(f"wrote {out}")
            return
        _emit(page, out)
        return
    current = {line.name: line.value for line in doc.lines}
    if fmt == "json":
        data: dict[str, Any] = {
            "scope": doc.scope,
            "period": doc.period,
            "from": lo,
            "to": hi,
            "figures": current,
        }
        if doc.previous_period is not None:
            data["previous_period"] = doc.previous_period
            data["previous"] = {line.name: line.previous for line in doc.lines}
        _emit(json.dumps(data, indent=2, default=str), out)
        return
    if fmt == "markdown":
        text = f"Scope: {doc.scope}  \nPeriod: {doc.period}\n\n" + render_markdown(current)
        if doc.previous_period is not None:
            before = {line.name: line.previous for line in doc.lines}
            text += "\n" + render_markdown(before, title=f"Previous period: {doc.previous_period}")
        _emit(text, out)
        return
    _print_report(doc)


def _emit(text: str, out: Path | None) -> None:
    if out is None:
        typer.echo(text)
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text + "\n", encoding="utf-8")
    typer.echo(f"wrote {out}")


def _print_report(doc: Any) -> None:
    from rich.console import Console
    from rich.table import Table

    compare = doc.previous_period is not None
    table = Table(title=None, box=None, pad_edge=False)
    table.add_column("metric", overflow="fold")
    table.add_column("value", justify="right", no_wrap=True)
    if compare:
        table.add_column("previous", justify="right", no_wrap=True)
        table.add_column("change", justify="right", no_wrap=True)
    for line in doc.lines:
        cells = [line.title, line.value_text]
        if compare:
            cells += [line.previous_text or "—", line.change_text or "—"]
        table.add_row(*cells)
    console = Console(highlight=False)
    console.print(f"scope: {doc.scope}", markup=False, soft_wrap=False)
    console.print(f"period: {doc.period}", markup=False)
    if compare:
        console.print(f"previous: {doc.previous_period}", markup=False)
    console.print(table)


def benchmark(
    start: str | None = typer.Option(None, "--from", help="First day (ISO date)."),
    end: str | None = typer.Option(None, "--to", help="Day after the last (ISO date)."),
    as_json: bool = typer.Option(False, "--json"),
    db: str | None = DbOption,
) -> None:
    """Own brand vs competitors: mentions, share of voice, negative share, posts per week,
    engagement rate by reach and reply rate (engagelens.listening.benchmark)."""
    from engagelens.listening.benchmark import benchmark as benchmark_lib
    from engagelens.metrics.base import Filters

    from .common import parse_range

    lo, hi = parse_range(start, end)
    with open_db(db) as store:
        result = benchmark_lib(store, Filters(start=lo, end=hi))
    if as_json:
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2, default=str))
        return

    def pct(v: Any) -> str:
        return "-" if v is None else f"{v:.1%}"

    def num(v: Any) -> str:
        return "-" if v is None else f"{v:,.1f}"

    # 78 columns: brand 18, then six figures of 8-10
    typer.echo(
        f"{'brand':<18} {'mentions':>8} {'SoV':>7} {'neg.':>7} {'posts/wk':>8} "
        f"{'ER reach':>8} {'replied':>8}"
    )
    for b in result.brands:
        name = plain_text(b.name)[:14] + (" *" if b.group == "own" else "")
        typer.echo(
            f"{name:<18} {('-' if b.mentions is None else str(b.mentions)):>8} "
            f"{pct(b.share_of_voice):>7} {pct(b.negative):>7} {num(b.posts_per_week):>8} "
            f"{pct(b.engagement_rate_by_reach):>8} {pct(b.reply_rate):>8}"
        )
    typer.echo("* own brand; '-': unknown (no listening query, no posts or no inbound items)")


def register(app: typer.Typer) -> None:
    app.add_typer(metrics_app, name="metrics")
    app.command("report")(report)
    app.command("benchmark")(benchmark)


__all__ = ["register"]
