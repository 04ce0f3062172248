"""The pluggy hooks around a batch: after-ingest sees the committed summary, and a failure
before commit rolls the whole batch back."""

from __future__ import annotations

import pytest

from engagelens import hooks
from engagelens.ingest import BatchSummary, ingest_file


def _file(tmp_path, rows=3):
    p = tmp_path / "interaction.csv"
    p.write_text(
        "platform,interaction_id,kind,occurred_at\n"
        + "".join(f"x,{i},like,2024-01-01\n" for i in range(rows)),
        encoding="utf-8",
    )
    return p


def test_default_plugins_include_listening_alerts():
    assert "engagelens.listening.alerts" in hooks.DEFAULT_PLUGINS
    pm = hooks.plugin_manager()
    assert pm is hooks.plugin_manager()
    names = {name for name, _ in pm.list_name_plugin()}
    assert "engagelens.listening.alerts" in names


def test_after_ingest_receives_the_committed_summary(store, tmp_path):
    seen = []

    class Spy:
        @hooks.hookimpl
        def engagelens_after_ingest(self, store, summary):
            seen.append((summary, store.count("interaction")))

    pm = hooks.plugin_manager()
    spy = Spy()
    pm.register(spy)
    try:
        s = ingest_file(store, _file(tmp_path))
    finally:
        pm.unregister(spy)
    assert len(seen) == 1
    summary, count_then = seen[0]
    assert isinstance(summary, BatchSummary) and summary == s
    assert count_then == 3 == s.rows_stored


def test_failure_before_commit_rolls_back_everything(store, tmp_path):
    class Boom:
        @hooks.hookimpl
        def engagelens_before_commit(self, store, summary):
            raise RuntimeError("disk full")

    pm = hooks.plugin_manager()
    boom = Boom()
    pm.register(boom)
    try:
        with pytest.raises(RuntimeError, match="disk full"):
            ingest_file(store, _file(tmp_path))
    finally:
        pm.unregister(boom)
    assert store.count("interaction") == 0 and store.count("ingest_batch") == 0
    assert ingest_file(store, _file(tmp_path)).rows_stored == 3  # and a re-run works


def test_summary_invariant_is_enforced():
    with pytest.raises(ValueError, match="read 5"):
        BatchSummary(1, "f", "s", "interaction", 5, 1, 1, 1, 0.1)
