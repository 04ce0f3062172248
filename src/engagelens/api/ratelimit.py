"""Requests per token per minute, as a token bucket.

Why a bucket rather than a fixed minute window: a fixed window lets a client send twice the
limit across a window edge; a bucket of ``limit`` tokens refilled at ``limit / 60`` per second
allows a burst of ``limit`` and then the steady rate (the algorithm most API gateways use).
``Retry-After`` is the whole number of seconds until one token is back (RFC 9110 §10.2.3).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable


class RateLimiter:
    """Per-key token buckets; ``per_minute <= 0`` disables the limit."""

    def __init__(
        self,
        per_minute: int,
        *,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = 100_000,
    ) -> None:
        self.per_minute = int(per_minute)
        self._rate = self.per_minute / 60.0
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()
        self._max_keys = max_keys

    def hit(self, key: str) -> float:
        """Take one token for ``key``: 0.0 if allowed, else seconds until the next token."""
        if self.per_minute <= 0:
            return 0.0
        now = self._clock()
        with self._lock:
            tokens, last = self._buckets.get(key, (float(self.per_minute), now))
            tokens = min(float(self.per_minute), tokens + (now - last) * self._rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                if len(self._buckets) > self._max_keys:  # forget the oldest idle buckets
                    for k in list(self._buckets)[: self._max_keys // 10]:
                        self._buckets.pop(k, None)
                return 0.0
            self._buckets[key] = (tokens, now)
            return (1.0 - tokens) / self._rate

    @staticmethod
    def retry_after(wait_s: float) -> int:
        return max(1, math.ceil(wait_s))


__all__ = ["RateLimiter"]
