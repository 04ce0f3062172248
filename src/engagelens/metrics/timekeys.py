"""Calendar keys (day, week, month) in the configured time zone.

Timestamps are stored as naive UTC; a marketer in Paris expects a comment at 23:30 UTC on
31 December to count on 1 January. The conversion is an engine builtin looked up per backend
(DuckDB ``timezone``, Spark ``from_utc_timestamp``), so both engines agree.
"""

import ibis
import ibis.expr.datatypes as dt

_TS = dt.Timestamp()
_TSZ = dt.Timestamp(timezone="UTC")
_STR = dt.String()


# The engine types go in ``signature`` (argument types, return type) rather than in the
# annotations: they are values, which a type checker cannot read as types.
@ibis.udf.scalar.builtin(name="from_utc_timestamp", signature=((_TS, _STR), _TS))
def _spark_from_utc(ts: ibis.Value, tz: ibis.Value) -> ibis.Value:  # pragma: no cover - builtin
    ...


@ibis.udf.scalar.builtin(name="timezone", signature=((_STR, _TSZ), _TS))
def _duckdb_timezone(tz: ibis.Value, ts: ibis.Value) -> ibis.Value:  # pragma: no cover
    ...


def _duckdb_local(ts: ibis.Value, tz: str) -> ibis.Value:
    return _duckdb_timezone(tz, ts.cast(dt.Timestamp(timezone="UTC"))).cast("timestamp")


def _spark_local(ts: ibis.Value, tz: str) -> ibis.Value:
    return _spark_from_utc(ts, tz)


#: backend name -> function converting a naive-UTC timestamp to naive local time
_LOCALIZERS = {"duckdb": _duckdb_local, "pyspark": _spark_local}


def local_time(ts: ibis.Value, tz: str, backend: str) -> ibis.Value:
    """``ts`` (naive UTC) as naive local time in ``tz``."""
    if not tz or tz.upper() == "UTC":
        return ts
    try:
        return _LOCALIZERS[backend](ts, tz)
    except KeyError:
        from engagelens.errors import MetricError

        raise MetricError(
            f"time zone {tz!r} is not supported on backend {backend!r}; use UTC"
        ) from None


def _day(ts: ibis.Value) -> ibis.Value:
    return ts.date()


def _week(ts: ibis.Value) -> ibis.Value:
    return ts.truncate("W").date()  # ISO week: the Monday


def _month(ts: ibis.Value) -> ibis.Value:
    return ts.truncate("M").date()


#: time grain -> key expression from a local timestamp
CALENDAR = {"day": _day, "week": _week, "month": _month}


def calendar_key(ts: ibis.Value, grain: str, tz: str, backend: str) -> ibis.Value:
    return CALENDAR[grain](local_time(ts, tz, backend))


__all__ = sorted(["CALENDAR", "calendar_key", "local_time"])
