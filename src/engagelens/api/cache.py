"""Answers cached by (workspace, endpoint, parameters, data version), computed once.

Why the data version is in the key: it is the newest ingest batch id, so an ingest makes every
older answer unreachable at once (no invalidation lists to forget). Why single flight: when 50
dashboards ask the same uncached question together, one thread computes and the others wait
for its answer instead of running 50 identical queries on 2 cores.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

#: what :meth:`ResultCache.peek` returns for a key it does not hold
MISSING = object()


class ResultCache:
    """A bounded LRU of computed answers with one computation per key at a time."""

    def __init__(self, max_items: int = 2048) -> None:
        self.max_items = max_items
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self._computing: dict[Hashable, threading.Lock] = {}
        self.hits = 0
        self.misses = 0

    def peek(self, key: Hashable) -> Any:
        """The cached value, or :data:`MISSING` (never computes, never blocks on a flight)."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                self.hits += 1
                return self._items[key]
        return MISSING

    def get_or_compute(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                self.hits += 1
                return self._items[key]
            flight = self._computing.setdefault(key, threading.Lock())
        with flight:
            with self._lock:  # another thread may have finished it while we waited
                if key in self._items:
                    self.hits += 1
                    return self._items[key]
                self.misses += 1
            try:
                value = compute()
            finally:
                with self._lock:
                    self._computing.pop(key, None)
            with self._lock:
                self._items[key] = value
                while len(self._items) > self.max_items:
                    self._items.popitem(last=False)
            return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


__all__ = ["MISSING", "ResultCache"]
