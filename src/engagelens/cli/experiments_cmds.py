"""``engagelens experiments compare|sample-size``: thin wrappers over engagelens.experiments.

``compare`` reads one row per unit (user, session) with a variant column and metric columns,
tests every variant against the control on every metric and corrects the p-values together
(Holm by default); ``sample-size`` plans a test before it runs. Variant and metric names are
user text: stripped of control characters on the terminal."""

from __future__ import annotations

import json
from typing import Any

import typer

from engagelens.errors import ConfigError

from .safe_text import rich_text

experiments_app = typer.Typer(
    help="A/B tests: compare variants on several metrics with corrected p-values; sample size.",
    no_args_is_help=True,
)


def _json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def _num(x: float | None, fmt: str) -> str:
    return "—" if x is None else format(x, fmt)


@experiments_app.command("compare")
def compare_cmd(
    data: str = typer.Option(..., "--data", help="CSV/TSV/Parquet/JSONL, one row per unit."),
    variant: str = typer.Option("variant", "--variant", help="Column naming each unit's variant."),
    metric: list[str] = typer.Option(
        ..., "--metric", help="Metric column (repeatable); col:proportion or col:mean to force."
    ),
    control: str = typer.Option(..., "--control", help="Name of the control variant."),
    correction: str = typer.Option("holm", "--correction", help="holm (FWER), bh (FDR) or none."),
    alpha: float = typer.Option(0.05, "--alpha", help="Significance level of the family."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Every variant against the control on every metric; p-values corrected together."""
    from engagelens.experiments import compare_variants, read_observations

    stats = read_observations(data, variant=variant, metrics=metric)
    rows = [
        c.to_dict()
        for c in compare_variants(stats, control=control, correction=correction, alpha=alpha)
    ]
    if as_json:
        _json({"control": control, "correction": correction, "alpha": alpha, "comparisons": rows})
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(
        "metric", "variant", "n", "control", "variant value", "lift", "p", "p adjusted",
        "significant", title=f"Variants vs {rich_text(control, 30)} ({correction}, α={alpha})",
    )  # fmt: skip
    for r in rows:
        pct = r["kind"] == "proportion"
        table.add_row(
            rich_text(r["metric"], 30),
            rich_text(r["variant"], 30),
            f"{r['n_control']}/{r['n_variant']}",
            _num(r["control"], ".2%" if pct else ".4g"),
            _num(r["treatment"], ".2%" if pct else ".4g"),
            _num(r["relative_lift"], "+.1%"),
            _num(r["p_value"], ".4f"),
            _num(r["p_adjusted"], ".4f"),
            "yes" if r["significant"] else "no",
        )
    Console().print(table)


@experiments_app.command("sample-size")
def sample_size_cmd(
    baseline: float | None = typer.Option(None, "--baseline", help="Control rate (0.05 = 5 %)."),
    target: float | None = typer.Option(None, "--target", help="Rate to detect in the variant."),
    delta: float | None = typer.Option(None, "--delta", help="Difference in means to detect."),
    sd: float | None = typer.Option(None, "--sd", help="Standard deviation of the metric."),
    alpha: float = typer.Option(0.05, "--alpha", help="Two-sided significance level."),
    power: float = typer.Option(0.8, "--power", help="Chance of detecting the effect."),
    tests: int = typer.Option(
        1, "--tests", help="Tests in the family: alpha is split Bonferroni-style to plan."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Units per variant for a rate (--baseline/--target) or a mean (--delta/--sd)."""
    from engagelens.experiments import sample_size_means, sample_size_proportions

    if tests < 1:
        raise ConfigError(f"--tests must be at least 1, not {tests}")
    rates, means = baseline is not None or target is not None, delta is not None or sd is not None
    if rates == means:
        raise ConfigError("give either --baseline and --target, or --delta and --sd")
    level = alpha / tests
    if rates:
        if baseline is None or target is None:
            raise ConfigError("--baseline and --target go together")
        out = sample_size_proportions(baseline, target, alpha=level, power=power)
    else:
        if delta is None or sd is None:
            raise ConfigError("--delta and --sd go together")
        out = sample_size_means(delta, sd, alpha=level, power=power)
    if as_json:
        _json(out.to_dict())
        return
    typer.echo(
        f"{out.n:,} per variant (exact {out.n_exact:.2f}) to detect {out.effect:+g} "
        f"with power {power:g} at alpha {level:g}"
    )


def register(app: typer.Typer) -> None:
    app.add_typer(experiments_app, name="experiments")


__all__ = sorted(["experiments_app", "register"])
