"""Humane units for people (terminal, HTML/PDF reports): durations in minutes/hours/days,
ratios as "per post".

Why: ``469040`` (an inbox age in minutes), ``6,486.4 s`` or ``Amplification rate 2.751`` are
correct and unreadable. Values stay raw in ``--json``/CSV; only human formats go through here.
"""

from __future__ import annotations

import re
from typing import Any

#: "Σ shares ÷ number of posts" → ("shares", "post"): the metric's own formula names the unit
_PER = re.compile(r"^Σ\s*(\w+)\s*÷\s*number of (\w+?)s\b")
#: ratios whose formula does not read "Σ x ÷ number of ys"
_PER_NAMED = {
    "replies_per_conversation": ("replies", "conversation"),
    "interactions_vs_baseline": ("× baseline", ""),
}


def duration(seconds: float | None) -> str:
    """``95`` → ``1 min 35 s``; ``6486.4`` → ``1 h 48 min``; ``469040·60`` → ``325 d 17 h``."""
    if seconds is None:
        return "—"
    s = float(seconds)
    sign = "-" if s < 0 else ""
    s = abs(s)
    if s < 60:
        return f"{sign}{s:.0f} s"
    if s < 3600:
        m, r = divmod(round(s), 60)
        return f"{sign}{m} min" + (f" {r} s" if r else "")
    if s < 86400:
        h, r = divmod(round(s / 60), 60)
        return f"{sign}{h} h" + (f" {r} min" if r else "")
    d, r = divmod(round(s / 3600), 24)
    return f"{sign}{d:,} d" + (f" {r} h" if r else "")


def per_unit(metric: Any) -> tuple[str, str] | None:
    """(what, per what) of a ratio metric, read from its declared formula; None if unknown."""
    if metric.name in _PER_NAMED:
        return _PER_NAMED[metric.name]
    found = _PER.match(metric.formula or "")
    return (found.group(1), found.group(2)) if found else None


def metric_value(metric: Any, value: Any) -> str:
    """One metric value for a person: the registry's formatting, humane durations and ratios."""
    from .report import format_value

    if value is None:
        return "—"
    if metric.unit == "seconds":
        return duration(value)
    if metric.unit == "ratio":
        unit = per_unit(metric)
        if unit is not None:
            what, per = unit
            return f"{value:,.2f} {what}" + (f" per {per}" if per else "")
    return format_value(metric.unit, value)


__all__ = ["duration", "metric_value", "per_unit"]
