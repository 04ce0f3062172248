"""Plugin hooks (pluggy): how layers and third parties react to EngageLens events.

The core uses its own hooks, the way a third party would (datasette's ``hookspecs.py`` and
``DEFAULT_PLUGINS``): listening evaluates its alerts in ``engagelens_after_ingest``. A plugin
is any module or object with functions marked ``@hookimpl``; register it with
``plugin_manager().register(obj)`` or expose it under the ``engagelens`` entry-point group.

Hooks
-----
``engagelens_after_ingest(store, summary)``
    After a batch committed (``summary`` is an ``ingest.BatchSummary``).
``engagelens_before_commit(store, summary)``
    Inside the batch's transaction, after every row is written and before COMMIT. Raising
    aborts the batch. Tests use it to kill an ingest mid-batch (tests/test_ingest_crash.py).
"""

from __future__ import annotations

import importlib
from typing import Any

import pluggy

hookspec = pluggy.HookspecMarker("engagelens")
hookimpl = pluggy.HookimplMarker("engagelens")

#: modules of the core that implement hooks; imported lazily, skipped if not built yet
DEFAULT_PLUGINS: tuple[str, ...] = ("engagelens.listening.alerts", "engagelens.privacy.ingest_hook")


class Specs:
    """Hook specifications (the contract plugins implement)."""

    @hookspec
    def engagelens_after_ingest(self, store: Any, summary: Any) -> None:
        """A batch was stored and committed."""

    @hookspec
    def engagelens_before_commit(self, store: Any, summary: Any) -> None:
        """A batch is written but not committed yet; raise to roll it back."""


_manager: pluggy.PluginManager | None = None


def plugin_manager() -> pluggy.PluginManager:
    """The process-wide plugin manager, with the default plugins and entry points loaded."""
    global _manager
    if _manager is None:
        pm = pluggy.PluginManager("engagelens")
        pm.add_hookspecs(Specs)
        for name in DEFAULT_PLUGINS:
            try:
                module = importlib.import_module(name)
            except ModuleNotFoundError as exc:
                if exc.name == name:  # that layer is not part of this checkout
                    continue
                raise
            pm.register(module, name=name)
        pm.load_setuptools_entrypoints("engagelens")
        _manager = pm
    return _manager


__all__ = sorted(["DEFAULT_PLUGINS", "Specs", "hookimpl", "hookspec", "plugin_manager"])
