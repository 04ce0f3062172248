"""Query parameters shared by routes: the date range and the platform/account filters.

``from`` and ``to`` take a date (``2024-03-01``) or an ISO date-time; a date ``to`` includes
that whole day, so ``from=2024-03-01&to=2024-03-31`` is March. Times without an offset are UTC.
Repeated or comma-separated values both work: ``platform=x&platform=instagram`` or
``platform=x,instagram``.
"""

import datetime as dt
from typing import Annotated, Literal

from fastapi import Query

from engagelens.metrics import Filters

from .errors import InvalidParameter

MAX_PAGE = 500
MAX_VALUES = 50

Text = Annotated[str, Query(max_length=200)]


def parse_time(value: str | None, *, end: bool = False) -> dt.datetime | None:
    """A naive-UTC datetime; a bare date as ``end`` means the start of the next day."""
    if value is None or value == "":
        return None
    text = value.strip()
    try:
        if len(text) == 10:
            day = dt.date.fromisoformat(text)
            start = dt.datetime.combine(day, dt.time())
            return start + dt.timedelta(days=1) if end else start
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except (ValueError, OverflowError):
        raise InvalidParameter(f"{value!r} is not a date (YYYY-MM-DD) or ISO date-time") from None
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    return moment


def _values(raw: list[str] | None) -> tuple[str, ...]:
    out: list[str] = []
    for item in raw or []:
        out += [v.strip() for v in item.split(",") if v.strip()]
    if len(out) > MAX_VALUES:
        raise InvalidParameter(f"at most {MAX_VALUES} values per filter")
    return tuple(dict.fromkeys(out))


class FilterParams:
    """FastAPI dependency: ``from``, ``to``, ``platform``, ``account``, ``campaign``, ``kind``."""

    def __init__(
        self,
        from_: Annotated[
            str | None,
            Query(alias="from", max_length=40, description="start (date or ISO date-time, UTC)"),
        ] = None,
        to: Annotated[
            str | None, Query(max_length=40, description="end; a date includes the whole day")
        ] = None,
        platform: Annotated[list[str] | None, Query(max_length=200)] = None,
        account: Annotated[list[str] | None, Query(max_length=200)] = None,
        campaign: Annotated[list[str] | None, Query(max_length=200)] = None,
        kind: Annotated[list[str] | None, Query(max_length=200, description="content kind")] = None,
        ownership: Annotated[Literal["own", "competitor"] | None, Query()] = None,
    ) -> None:
        start = parse_time(from_)
        end = parse_time(to, end=True)
        if start is not None and end is not None and start >= end:
            raise InvalidParameter("'from' must be before 'to'")
        self.filters = Filters(
            start=start,
            end=end,
            platforms=_values(platform),
            accounts=_values(account),
            campaigns=_values(campaign),
            content_kinds=_values(kind),
            ownership=ownership,
        )

    def key(self) -> tuple[object, ...]:
        f = self.filters
        return (f.start, f.end, f.platforms, f.accounts, f.campaigns, f.content_kinds, f.ownership)

    def to_dict(self) -> dict[str, object]:
        f = self.filters
        return {
            "from": f.start.isoformat() if f.start else None,
            "to": f.end.isoformat() if f.end else None,
            "platform": list(f.platforms),
            "account": list(f.accounts),
            "campaign": list(f.campaigns),
            "kind": list(f.content_kinds),
            "ownership": f.ownership,
        }


class PageParams:
    """FastAPI dependency: ``limit`` (1–500) and ``offset``."""

    def __init__(
        self,
        limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
        offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    ) -> None:
        self.limit = limit
        self.offset = offset


__all__ = sorted(["FilterParams", "MAX_PAGE", "MAX_VALUES", "PageParams", "Text", "parse_time"])
