"""Hypothesis round trip: random interactions written to CSV (and JSON Lines) by the standard
library come back from the store exactly — text with quotes, commas, newlines, CRs, emoji,
RTL and zero-width characters included."""

from __future__ import annotations

import csv
import datetime as dt
import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engagelens.ingest import ingest_file
from engagelens.model import INTERACTION_KINDS
from engagelens.store import Store

TEXT = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    min_size=1,
    max_size=40,
)
ROW = st.fixed_dictionaries(
    {
        "text": TEXT,
        "kind": st.sampled_from(INTERACTION_KINDS),
        "occurred_at": st.datetimes(dt.datetime(1990, 1, 1), dt.datetime(2090, 1, 1)),
        "value": st.none() | st.floats(0, 1e12, allow_nan=False, allow_infinity=False),
        "is_brand": st.none() | st.booleans(),
        "actor_followers": st.none() | st.integers(0, 2**62),
    }
)
COLUMNS = [
    "platform",
    "interaction_id",
    "kind",
    "occurred_at",
    "text",
    "value",
    "is_brand",
    "actor_followers",
]


def _cell(v):
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, dt.datetime):
        return v.isoformat(sep=" ")
    return repr(v) if isinstance(v, float) else str(v)


def _check(store: Store, rows: list[dict]) -> None:
    got = {r["interaction_id"]: r for r in store.table("interaction").to_pyarrow().to_pylist()}
    assert len(got) == len(rows)
    for i, want in enumerate(rows):
        g = got[str(i)]
        for k in ("text", "kind", "occurred_at", "value", "is_brand", "actor_followers"):
            assert g[k] == want[k], (k, g[k], want[k])


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ROW, min_size=1, max_size=25))
def test_csv_round_trip(rows):
    with tempfile.TemporaryDirectory() as tmp, Store.open(":memory:") as store:
        path = Path(tmp) / "interaction.csv"
        with path.open("w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(COLUMNS)
            for i, r in enumerate(rows):
                w.writerow(
                    [
                        _cell(v)
                        for v in (
                            "x",
                            i,
                            r["kind"],
                            r["occurred_at"],
                            r["text"],
                            r["value"],
                            r["is_brand"],
                            r["actor_followers"],
                        )
                    ]
                )
        s = ingest_file(store, path)
        assert (s.rows_read, s.rows_stored, s.rows_quarantined) == (len(rows), len(rows), 0)
        _check(store, rows)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ROW, min_size=1, max_size=25))
def test_json_lines_round_trip(rows):
    with tempfile.TemporaryDirectory() as tmp, Store.open(":memory:") as store:
        path = Path(tmp) / "interaction.jsonl"
        with path.open("w", encoding="utf-8") as f:
            for i, r in enumerate(rows):
                f.write(
                    json.dumps(
                        {
                            "platform": "x",
                            "interaction_id": str(i),
                            **r,
                            "occurred_at": r["occurred_at"].isoformat(),
                        },
                        ensure_ascii=False,
                    )
                    + "\n"
                )
        s = ingest_file(store, path)
        assert (s.rows_read, s.rows_stored) == (len(rows), len(rows))
        _check(store, rows)
