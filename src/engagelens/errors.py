"""One exception tree for EngageLens, with stable string codes.

Every error a user can cause inherits from :class:`EngageLensError` *and* from the builtin it
resembles, so callers can catch either. The CLI prints ``error[code]: message`` on one line and
the API maps ``http_status`` to the response, both in one place each::

    EngageLensError
    ├── ConfigError (ValueError)            code=config
    ├── StoreError (RuntimeError)           code=store
    │   ├── SchemaError                     code=schema
    │   └── StoreBusy                       code=store_busy     → 503 + Retry-After
    ├── IngestError (ValueError)            code=ingest
    │   ├── UnknownSource                   code=unknown_source
    │   ├── InvalidMapping                  code=invalid_mapping
    │   └── UnreadableFile (OSError too)    code=unreadable_file
    ├── MetricError (ValueError)            code=metric
    │   ├── UnknownMetric (KeyError too)    code=unknown_metric
    │   └── UnsupportedGrain                code=unsupported_grain
    ├── TextError (ValueError)              code=text
    │   └── BackendUnavailable (ImportError too) code=backend_unavailable
    ├── QuerySyntaxError (ValueError)       code=query_syntax
    ├── NotFound (LookupError)              code=not_found      → 404
    ├── PermissionDenied (PermissionError)  code=forbidden      → 403
    └── NotInstalled (ImportError)          code=not_installed
"""

from __future__ import annotations


class EngageLensError(Exception):
    """Base of every error EngageLens raises on purpose."""

    code = "error"
    http_status = 400

    def __init__(self, message: str, **details: object) -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    def to_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "message": self.message,
            **{k: v for k, v in self.details.items()},
        }


class ConfigError(EngageLensError, ValueError):
    code = "config"


class StoreError(EngageLensError, RuntimeError):
    code = "store"
    http_status = 500


class SchemaError(StoreError):
    code = "schema"


class StoreBusy(StoreError):
    """Another process holds the store's file (DuckDB: one writing process at a time); the
    caller may retry after ``retry_after_s`` seconds. The API answers 503 with Retry-After."""

    code = "store_busy"
    http_status = 503

    def __init__(self, message: str, *, retry_after_s: int = 1) -> None:
        super().__init__(message, retry_after_s=retry_after_s)
        self.retry_after_s = retry_after_s


class IngestError(EngageLensError, ValueError):
    code = "ingest"


class UnknownSource(IngestError):
    code = "unknown_source"


class InvalidMapping(IngestError):
    code = "invalid_mapping"


class UnreadableFile(IngestError, OSError):
    code = "unreadable_file"


class MetricError(EngageLensError, ValueError):
    code = "metric"


class UnknownMetric(MetricError, KeyError):
    code = "unknown_metric"
    http_status = 404

    def __str__(self) -> str:  # KeyError would repr() the message
        return self.message


class UnsupportedGrain(MetricError):
    code = "unsupported_grain"


class TextError(EngageLensError, ValueError):
    code = "text"


class BackendUnavailable(TextError, ImportError):
    code = "backend_unavailable"


class QuerySyntaxError(EngageLensError, ValueError):
    """A listening query that does not parse; ``column`` is 1-based."""

    code = "query_syntax"

    def __init__(self, message: str, *, query: str = "", column: int = 0) -> None:
        super().__init__(
            f"{message} at column {column}" if column else message, query=query, column=column
        )
        self.column = column
        self.query = query


class NotFound(EngageLensError, LookupError):
    code = "not_found"
    http_status = 404


class PermissionDenied(EngageLensError, PermissionError):
    code = "forbidden"
    http_status = 403


class NotInstalled(EngageLensError, ImportError):
    """An optional dependency is missing; the message carries the exact install line."""

    code = "not_installed"

    def __init__(self, package: str, extra: str) -> None:
        super().__init__(
            f"{package} is not installed; run: pip install 'engagelens[{extra}]'",
            package=package,
            extra=extra,
        )


def require(module: str, extra: str):
    """Import an optional dependency lazily or fail with the install line."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise NotInstalled(module, extra) from exc


__all__ = sorted(
    [
        "BackendUnavailable",
        "ConfigError",
        "EngageLensError",
        "IngestError",
        "InvalidMapping",
        "MetricError",
        "NotFound",
        "NotInstalled",
        "PermissionDenied",
        "QuerySyntaxError",
        "SchemaError",
        "StoreBusy",
        "StoreError",
        "TextError",
        "UnknownMetric",
        "UnknownSource",
        "UnreadableFile",
        "UnsupportedGrain",
        "require",
    ]
)
