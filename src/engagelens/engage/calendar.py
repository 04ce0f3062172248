"""Business-hours arithmetic that runs on every engine.

Business seconds between two instants are ``B(end) - B(start)`` where ``B(t)`` counts the
business seconds from a reference Monday (1970-01-05) up to ``t`` in local time: whole weeks
× business seconds per week, plus the business days already passed this week, plus the part of
today inside the opening hours. Pure integer arithmetic, so DuckDB and Spark agree exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import ibis

from engagelens.errors import ConfigError

_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_REF_MONDAY = 4 * 86400  # 1970-01-05 00:00 in epoch seconds


@dataclass(frozen=True)
class BusinessCalendar:
    """Opening hours (seconds after local midnight) on a set of weekdays (0 = Monday)."""

    open_s: int
    close_s: int
    days: tuple[int, ...]

    @property
    def day_seconds(self) -> int:
        return self.close_s - self.open_s

    @classmethod
    def from_settings(cls, settings: dict[str, Any]) -> BusinessCalendar:
        hours = str(settings.get("business_hours") or "09:00-17:00")
        days = str(settings.get("business_days") or "mon,tue,wed,thu,fri")
        try:
            start, end = (_clock(p) for p in hours.split("-"))
        except ValueError:
            raise ConfigError(f"business_hours {hours!r}: expected HH:MM-HH:MM") from None
        if not 0 <= start < end <= 86400:
            raise ConfigError(f"business_hours {hours!r}: opening must precede closing")
        picked = [d.strip().lower()[:3] for d in days.split(",") if d.strip()]
        bad = [d for d in picked if d not in _DAYS]
        if bad or not picked:
            raise ConfigError(f"business_days {days!r}: use mon,tue,…,sun")
        return cls(start, end, tuple(sorted({_DAYS.index(d) for d in picked})))

    def seconds_since_ref(self, local_epoch: ibis.Value) -> ibis.Value:
        """B(t): business seconds from the reference Monday to ``local_epoch`` (int seconds)."""
        x = (local_epoch - _REF_MONDAY).cast("int64")
        days = (x / 86400).floor().cast("int64")
        weeks = (days / 7).floor().cast("int64")
        weekday = days - weeks * 7
        into_day = x - days * 86400
        today = ibis.greatest(ibis.least(into_day - self.open_s, self.day_seconds), 0)
        before = ibis.cases(*[(weekday == d, self._days_before(d)) for d in range(7)], else_=0)
        is_open = weekday.isin(list(self.days)) if self.days else ibis.literal(False)
        return (
            weeks * (len(self.days) * self.day_seconds)
            + before * self.day_seconds
            + ibis.ifelse(is_open, today, 0)
        ).cast("int64")

    def _days_before(self, weekday: int) -> int:
        return sum(1 for d in self.days if d < weekday)

    def python_seconds(self, start_local_epoch: int, end_local_epoch: int) -> int:
        """The same figure in plain Python (for tests and the inbox)."""
        return max(0, self._b(end_local_epoch) - self._b(start_local_epoch))

    def _b(self, t: int) -> int:
        x = t - _REF_MONDAY
        days, into_day = divmod(x, 86400)
        weeks, weekday = divmod(days, 7)
        today = max(min(into_day - self.open_s, self.day_seconds), 0) if weekday in self.days else 0
        return (
            weeks * len(self.days) * self.day_seconds
            + self._days_before(weekday) * self.day_seconds
            + today
        )


def _clock(text: str) -> int:
    h, _, m = text.strip().partition(":")
    return int(h) * 3600 + int(m or 0) * 60


__all__ = sorted(["BusinessCalendar"])
