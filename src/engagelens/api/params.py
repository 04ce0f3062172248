"""Every query and path parameter's range, in one place: the date range, the filters, page
sizes, ids and choices. Routers use the types and helpers here and declare no bounds of their
own, so an out-of-range value is a 422 in the API's error shape before any query runs.

``from`` and ``to`` take a date (``2024-03-01``) or an ISO date-time; a date ``to`` includes
that whole day, so ``from=2024-03-01&to=2024-03-31`` is March. Times without an offset are UTC.
Both must lie in [:data:`EARLIEST`, :data:`LATEST`]: ``9999-12-31T23:59:59+14:00`` parses, but
date arithmetic on it overflows, and no engagement data is from before 1900 or after 2200.
Repeated or comma-separated values both work: ``platform=x&platform=instagram`` or
``platform=x,instagram``.
"""

import datetime as dt
from collections.abc import Iterable
from typing import Annotated, Literal

from fastapi import Path, Query

from engagelens.metrics import Filters

from .errors import InvalidParameter

MAX_PAGE = 500
MAX_VALUES = 50
MAX_OFFSET = 10_000_000
MAX_ID = 2**62
#: the window every date parameter must fall in (naive UTC)
EARLIEST = dt.datetime(1900, 1, 1)
LATEST = dt.datetime(2200, 1, 1)

Text = Annotated[str, Query(max_length=200)]
#: a calendar day inside the supported window; outside it a 422, never a 500 from date arithmetic
FIRST_DAY = EARLIEST.date()
LAST_DAY = (LATEST - dt.timedelta(days=1)).date()
Day = Annotated[dt.date, Query(ge=FIRST_DAY, le=LAST_DAY)]
#: a platform, content or interaction id in a path
Id = Annotated[str, Path(min_length=1, max_length=300)]
#: a metric or entity name in a path
Name = Annotated[str, Path(max_length=100)]
#: rows per page
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE)]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET)]
#: an ingest batch id (path or query)
BatchIdPath = Annotated[int, Path(ge=0, le=MAX_ID)]
BatchIdQuery = Annotated[int | None, Query(ge=0, le=MAX_ID)]
#: best and worst posts shown by the overview
Top = Annotated[int, Query(ge=1, le=50, description="posts in each of top/bottom")]
#: rows of one metric answer
MAX_METRIC_ROWS = 5000
MetricLimit = Annotated[int, Query(ge=1, le=MAX_METRIC_ROWS)]
#: an opaque keyset cursor issued by the server
Cursor = Annotated[str | None, Query(max_length=600)]


def choice(value: str, allowed: Iterable[str], name: str) -> str:
    """``value`` if it is one of ``allowed``, else a 422 naming the valid choices."""
    options = tuple(allowed)
    if value not in options:
        raise InvalidParameter(f"{name} must be one of {', '.join(options)}; got {value!r}")
    return value


def choices(raw: list[str] | None, allowed: Iterable[str], name: str) -> tuple[str, ...]:
    """Repeated or comma-separated values, each one of ``allowed`` (else a 422)."""
    options = tuple(allowed)
    values = _values(raw)
    bad = [v for v in values if v not in options]
    if bad:
        raise InvalidParameter(f"unknown {name} {bad}; one of {', '.join(options)}")
    return values


def parse_time(value: str | None, *, end: bool = False) -> dt.datetime | None:
    """A naive-UTC datetime; a bare date as ``end`` means the start of the next day."""
    if value is None or value == "":
        return None
    text = value.strip()
    try:
        if len(text) == 10:
            moment = dt.datetime.combine(dt.date.fromisoformat(text), dt.time())
        else:
            moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidParameter(f"{value!r} is not a date (YYYY-MM-DD) or ISO date-time") from None
    if moment.tzinfo is not None:
        try:
            moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
        except OverflowError:
            raise _out_of_window(value) from None
    if not EARLIEST <= moment < LATEST:
        raise _out_of_window(value)
    return moment + dt.timedelta(days=1) if end and len(text) == 10 else moment


def _out_of_window(value: str) -> InvalidParameter:
    return InvalidParameter(
        f"{value!r} is outside the supported dates "
        f"{EARLIEST.date().isoformat()} – {LATEST.date().isoformat()}"
    )


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
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> None:
        self.limit = limit
        self.offset = offset


__all__ = sorted(
    [
        "EARLIEST",
        "LATEST",
        "MAX_ID",
        "MAX_METRIC_ROWS",
        "MAX_OFFSET",
        "MAX_PAGE",
        "MAX_VALUES",
        "BatchIdPath",
        "BatchIdQuery",
        "Cursor",
        "Day",
        "FIRST_DAY",
        "LAST_DAY",
        "FilterParams",
        "Id",
        "Limit",
        "MetricLimit",
        "Name",
        "Offset",
        "PageParams",
        "Text",
        "Top",
        "choice",
        "choices",
        "parse_time",
    ]
)
