"""Cached answers as ready-to-send JSON bytes.

Why bytes: FastAPI's generic encoder walks every value of a returned dict (about 5 ms for an
overview with a 180-day series); a cached answer is serialised once, when it is computed, and
then sent as is. Why async: a cache hit then costs no thread hop; a miss computes in the
thread pool so the event loop keeps serving other requests.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Hashable
from typing import Any

from fastapi import Response
from starlette.concurrency import run_in_threadpool

from .cache import MISSING, ResultCache


def json_bytes(body: Any) -> bytes:
    """Compact UTF-8 JSON; NaN/inf must have been turned into null before (``jsonable``)."""
    return json.dumps(
        body, ensure_ascii=False, separators=(",", ":"), allow_nan=False, default=str
    ).encode("utf-8")


class JSONBytes(Response):
    media_type = "application/json"


async def cached_json(cache: ResultCache, key: Hashable, compute: Callable[[], Any]) -> Response:
    """``compute()`` once per ``key`` (in the thread pool), answered from the cache after.
    ``compute`` returns a JSON-able body, or bytes it serialised itself."""
    body = cache.peek(key)
    if body is MISSING:

        def run() -> bytes:
            value = compute()
            return value if isinstance(value, bytes) else json_bytes(value)

        body = await run_in_threadpool(cache.get_or_compute, key, run)
    return JSONBytes(body)


__all__ = ["JSONBytes", "cached_json", "json_bytes"]
