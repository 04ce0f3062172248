"""The report as one self-contained HTML page: no script, no external file, so it opens
offline, survives e-mail, and prints to PDF exactly as it looks.

User text (account names, metric titles from plugins) only reaches the page through Jinja2's
autoescape; charts are inline SVG whose geometry is computed here from numbers only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from engagelens.metrics import get_metric
from engagelens.metrics.units import metric_value

from .document import CHART_METRICS, Report

_ENV = Environment(
    loader=PackageLoader("engagelens.reports", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)

#: chart box in SVG user units (the page scales it to its width)
WIDTH, HEIGHT, PAD_LEFT, PAD_BOTTOM = 640.0, 150.0, 70.0, 22.0


@dataclass(frozen=True)
class Chart:
    """One series drawn as columns on its own axis (two scales never share one axis)."""

    title: str
    bars: tuple[tuple[float, float, float, float], ...]  # x, y, width, height
    y_max_text: str
    first_day: str
    last_day: str
    total_text: str


def _chart(name: str, rows: tuple[dict[str, Any], ...]) -> Chart | None:
    known = {_as_date(r["day"]): r.get(name) for r in rows}
    if not any(v is not None for v in known.values()):
        return None
    # every calendar day gets its column, so a quiet day is a gap at its date, not a shift
    first, last = min(known), max(known)
    values = [
        (first + dt.timedelta(days=i), float(known.get(first + dt.timedelta(days=i)) or 0.0))
        for i in range((last - first).days + 1)
    ]
    m = get_metric(name)
    top = max(v for _, v in values) or 1.0
    inner_w, inner_h = WIDTH - PAD_LEFT - 4, HEIGHT - PAD_BOTTOM - 6
    step = inner_w / len(values)
    bars = tuple(
        (
            round(PAD_LEFT + i * step + step * 0.1, 2),
            round(6 + inner_h * (1 - max(v, 0.0) / top), 2),
            round(max(step * 0.8, 0.5), 2),
            round(inner_h * max(v, 0.0) / top, 2),
        )
        for i, (_, v) in enumerate(values)
    )
    return Chart(
        title=f"{m.title} per day",
        bars=bars,
        y_max_text=metric_value(m, top),
        first_day=_day(values[0][0]),
        last_day=_day(values[-1][0]),
        total_text=metric_value(m, sum(v for _, v in values)),
    )


def _as_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _day(value: Any) -> str:
    return value.strftime("%Y-%m-%d") if isinstance(value, dt.date) else str(value)


def render_html(report: Report) -> str:
    """The page for ``report``; the PDF is this page printed by Chromium."""
    charts = [c for c in (_chart(n, report.daily) for n in CHART_METRICS) if c is not None]
    return _ENV.get_template("report.html").render(
        report=report,
        charts=charts,
        width=WIDTH,
        height=HEIGHT,
        pad_left=PAD_LEFT,
        pad_bottom=PAD_BOTTOM,
        generated=report.generated_at.strftime("%Y-%m-%d %H:%M UTC"),
    )


__all__ = sorted(["Chart", "render_html"])
