"""``engagelens value cltv|attribution``: thin wrappers over engagelens.value.

``cltv`` reads orders from a file (``--transactions``) or from the store's ``conversion`` table;
``--format json`` prints the fitted parameters and every customer, ``table`` a summary and the
top customers. Customer ids are user text: stripped of control characters on the terminal."""

from __future__ import annotations

import json
from typing import Any

import typer

from engagelens.errors import ConfigError

from .common import DbOption, open_db, parse_date
from .safe_text import rich_text

value_app = typer.Typer(
    help="What customers and campaigns are worth: CLTV (BG/NBD + Gamma-Gamma), attribution, ROI.",
    no_args_is_help=True,
)

_FORMATS = ("table", "json")


def _format(value: str) -> str:
    if value not in _FORMATS:
        raise ConfigError(f"--format must be one of {', '.join(_FORMATS)}, not {value!r}")
    return value


def _json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


@value_app.command("cltv")
def cltv_cmd(
    transactions: str | None = typer.Option(
        None, "--transactions", help="CSV/TSV/Parquet/JSONL of orders (default: the store)."
    ),
    customer: str = typer.Option("customer_id", "--customer", help="Customer id column."),
    date: str = typer.Option("occurred_at", "--date", help="Order date column (ISO or YYYYMMDD)."),
    amount: str = typer.Option("value", "--amount", help="Order value column."),
    calibration_end: str | None = typer.Option(
        None,
        "--calibration-end",
        help="Last day the models learn from (default: last order); later orders check them.",
    ),
    time_unit: str = typer.Option("weeks", "--time-unit", help="days, weeks, months or years."),
    horizon_months: int = typer.Option(12, "--horizon-months", help="CLTV horizon in months."),
    discount_rate: float = typer.Option(0.10, "--discount-rate", help="Yearly discount rate."),
    margin_share: float = typer.Option(1.0, "--margin", help="Margin share of order value."),
    limit: int = typer.Option(10, "--limit", help="Table: show the top N customers."),
    fmt: str = typer.Option("table", "--format", help="table or json."),
    db: str | None = DbOption,
) -> None:
    """Fit BG/NBD and Gamma-Gamma by maximum likelihood; P(alive), purchases, CLTV per customer."""
    from engagelens.value import cltv_from_transactions, read_transactions
    from engagelens.value.summary import store_transactions

    fmt = _format(fmt)
    end = parse_date(calibration_end, "calibration-end")
    if transactions:
        tx = read_transactions(transactions, customer=customer, date=date, amount=amount)
    else:
        with open_db(db) as store:
            tx = store_transactions(store)
    result = cltv_from_transactions(
        tx,
        calibration_end=end,
        time_unit=time_unit,
        horizon_months=horizon_months,
        discount_rate=discount_rate,
        margin_share=margin_share,
    )
    if fmt == "json":
        _json(result.to_dict())
        return
    _print_cltv(result, limit)


def _print_cltv(result: Any, limit: int) -> None:
    from rich.console import Console
    from rich.table import Table

    b, g, d = result.bgnbd, result.gamma_gamma, result.distribution()
    console = Console()
    console.print(
        f"BG/NBD r={b.r:.4f} alpha={b.alpha:.4f} a={b.a:.4f} b={b.b:.4f} "
        f"(LL {b.log_likelihood:.1f}, {b.customers} customers)"
    )
    console.print(
        f"Gamma-Gamma p={g.p:.4f} q={g.q:.4f} v={g.v:.4f} ({g.customers} repeat customers)"
    )
    console.print(
        f"CLTV over {result.horizon_months} months at {result.discount_rate:.0%}/year: "
        f"mean {d['mean']:.2f}, median {d['p50']:.2f}, p90 {d['p90']:.2f}, total {d['total']:.2f}"
    )
    if result.holdout:
        h = result.holdout
        console.print(
            f"Hold-out ({h.length:.1f} {result.time_unit}): predicted {h.predicted:.0f} "
            f"repeat purchases, actual {h.actual}"
        )
    table = Table(
        "customer", "x", "recency", "T", "P(alive)", "exp. purchases", "exp. value", "CLTV"
    )
    top = sorted(result.customers, key=lambda c: -c.cltv)[: max(limit, 0)]
    for c in top:
        table.add_row(
            rich_text(c.customer_id, 30),
            f"{c.frequency:g}",
            f"{c.recency:.1f}",
            f"{c.T:.1f}",
            f"{c.p_alive:.2f}",
            f"{c.expected_purchases:.2f}",
            f"{c.expected_value:.2f}",
            f"{c.cltv:.2f}",
        )
    console.print(table)


@value_app.command("attribution")
def attribution_cmd(
    model: str = typer.Option(
        "linear",
        "--model",
        help="last_touch, first_touch, linear, time_decay or position_based.",
    ),
    by: str = typer.Option("campaign", "--by", help="campaign or channel (source/medium)."),
    lookback_days: float = typer.Option(30.0, "--lookback-days", help="Touchpoint window."),
    half_life_days: float = typer.Option(7.0, "--half-life-days", help="time_decay half-life."),
    fmt: str = typer.Option("table", "--format", help="table or json."),
    db: str | None = DbOption,
) -> None:
    """Share each order among the sessions and e-mail clicks before it; ROI on campaign spend."""
    from dataclasses import asdict

    from engagelens.value.attribution import attribution_report

    fmt = _format(fmt)
    with open_db(db) as store:
        rows = attribution_report(
            store, model, by=by, lookback_days=lookback_days, half_life_days=half_life_days
        )
    if fmt == "json":
        _json({"model": model, "by": by, "rows": [asdict(r) for r in rows]})
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(by, "conversions", "revenue", "spend", "ROI", title=f"Attribution: {model}")
    for r in rows:
        table.add_row(
            rich_text(r.key, 40),
            f"{r.conversions:.1f}",
            f"{r.revenue:.2f}",
            "—" if r.spend is None else f"{r.spend:.2f}",
            "—" if r.roi is None else f"{r.roi * 100:+.1f}%",
        )
    Console().print(table)


def register(app: typer.Typer) -> None:
    app.add_typer(value_app, name="value")


__all__ = sorted(["register", "value_app"])
