"""What one running API keeps: the control database, open workspaces, limits and caches.

``create_app`` stores an :class:`ApiState` at ``app.state.engagelens``; routers (and the
dashboard) reach it with ``auth.state_of(request)``.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from .auth import TokenCache
from .cache import ResultCache
from .control import Control
from .ratelimit import RateLimiter
from .workspaces import Workspaces


@dataclass
class ApiState:
    control: Control
    workspaces: Workspaces
    settings: dict[str, Any]
    limiter: RateLimiter
    tokens: TokenCache = field(default_factory=TokenCache)
    #: serialised answers (tens of KB each)
    cache: ResultCache = field(default_factory=lambda: ResultCache(1024))
    #: day indexes of the overview, one per set of non-date filters (each holds every matching
    #: post serialised: ~20 MB at 50,000 posts, so few are kept)
    day_indexes: ResultCache = field(default_factory=lambda: ResultCache(16))
    #: the start-up warm-up thread (``warm_rollups``), joinable by tests and benchmarks
    warming: threading.Thread | None = None

    @property
    def max_upload_bytes(self) -> int:
        return int(self.settings["api_max_upload_bytes"])

    @property
    def secret_key(self) -> str:
        """Signs the dashboard's session cookies (setting ``secret_key``, else generated once
        per data folder)."""
        return self.control.secret_key(str(self.settings.get("secret_key") or ""))

    def close(self) -> None:
        if self.warming is not None:
            self.warming.join()
        self.workspaces.close()


__all__ = ["ApiState"]
