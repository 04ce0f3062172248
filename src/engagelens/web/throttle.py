"""Failed log-ins counted per client IP and per user name, in a sliding window.

Why failures and not requests: a person who types the right password is never slowed down,
while guessing is (OWASP Authentication Cheat Sheet, "Login Throttling"). Why two keys: the
per-user-name count stops a guess at one account spread over many addresses; the per-IP count
stops one client trying a few passwords against many user names ("password spraying").

A user name that does not exist is counted exactly like one that does, so the throttle answers
the same for both and cannot tell an attacker which names exist. The price is that anyone can
lock a user name for one window; the window is short and the lock lifts by itself (a permanent
lockout would hand attackers a denial of service). API-token log-ins count against the IP only.

An attempt is counted *before* the password is checked and forgiven on success, so parallel
requests cannot slip past the limit while argon2 runs. Behind a reverse proxy the client IP is
the proxy's unless Uvicorn trusts its ``X-Forwarded-For`` (``--forwarded-allow-ips``).
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from typing import Any

#: longest user name the control database accepts; longer input is keyed by this prefix
MAX_USERNAME = 64


def user_key(username: str) -> str:
    """The throttle key of a typed user name: case and surrounding spaces do not make a new
    key (so ``Alice`` and ``alice `` share one count)."""
    return username.strip().casefold()[:MAX_USERNAME]


class LoginThrottle:
    """At most ``max_failures`` failures per user name and ``max_failures_per_ip`` per client
    IP in any ``window_s`` seconds; a limit ``<= 0`` turns that count off.

    ``clock`` is monotonic seconds (tests pass their own to move time without sleeping)."""

    def __init__(
        self,
        max_failures: int,
        window_s: float,
        *,
        max_failures_per_ip: int = 0,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = 100_000,
    ) -> None:
        self.limits = {"user": int(max_failures), "ip": int(max_failures_per_ip)}
        self.window_s = float(window_s)
        self.clock = clock
        self._failures: dict[tuple[str, str], deque[float]] = {}
        self._lock = threading.Lock()
        self._max_keys = max_keys

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any], **kw: Any) -> LoginThrottle:
        return cls(
            int(settings["login_max_failures"]),
            float(settings["login_window_seconds"]),
            max_failures_per_ip=int(settings["login_max_failures_per_ip"]),
            **kw,
        )

    def _keys(self, ip: str, username: str | None) -> list[tuple[str, str]]:
        keys = [("ip", ip)]
        if username is not None:
            keys.append(("user", user_key(username)))
        return [k for k in keys if self.limits[k[0]] > 0]

    def _recent(self, key: tuple[str, str], now: float) -> deque[float]:
        times = self._failures.get(key)
        if times is None:
            times = self._failures[key] = deque(maxlen=self.limits[key[0]])
        while times and times[0] <= now - self.window_s:
            times.popleft()
        return times

    def attempt(self, ip: str, username: str | None = None) -> float:
        """Count one attempt as a failure: 0.0 if it may go ahead, else the seconds until it
        may (nothing is counted then). Call :meth:`succeeded` when the credentials were right."""
        now = self.clock()
        with self._lock:
            keys = self._keys(ip, username)
            wait = 0.0
            for key in keys:
                times = self._recent(key, now)
                if len(times) >= self.limits[key[0]]:
                    wait = max(wait, times[0] + self.window_s - now)
            if wait > 0:
                return wait
            for key in keys:
                self._recent(key, now).append(now)
            self._forget(now)
            return 0.0

    def succeeded(self, ip: str, username: str | None = None) -> None:
        """Take back the attempt counted by :meth:`attempt`; a user name's count starts over."""
        with self._lock:
            for key in self._keys(ip, username):
                times = self._failures.get(key)
                if times and key[0] == "user":
                    times.clear()
                elif times:
                    times.pop()

    def failures(self, ip: str, username: str | None = None) -> dict[str, int]:
        """Failures in the current window per key kind (for tests and diagnostics)."""
        now = self.clock()
        with self._lock:
            return {
                kind: len(self._recent((kind, value), now))
                for kind, value in self._keys(ip, username)
            }

    def _forget(self, now: float) -> None:
        """Bound memory: drop expired keys, then the oldest tenth if still too many."""
        if len(self._failures) <= self._max_keys:
            return
        for key in [k for k, t in self._failures.items() if not t or t[-1] <= now - self.window_s]:
            del self._failures[key]
        if len(self._failures) > self._max_keys:
            for key in list(self._failures)[: self._max_keys // 10]:
                del self._failures[key]

    @staticmethod
    def retry_after(wait_s: float) -> int:
        """Whole seconds for the ``Retry-After`` header (RFC 9110 §10.2.3), at least 1."""
        return max(1, math.ceil(wait_s))


__all__ = ["MAX_USERNAME", "LoginThrottle", "user_key"]
