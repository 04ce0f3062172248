"""The held-out brand-comment set (tests/fixtures/text/heldout): well-formed, large enough,
covering every kind in every language, and scored by benchmarks/text_heldout.py. Rows are not
asserted one by one — this set is for measuring, never for fitting; the floor below only keeps
a change from quietly undoing what the figures in docs/text.md report."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location(
    "text_heldout", ROOT / "benchmarks" / "text_heldout.py"
)
heldout = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(heldout)


def test_set_is_large_enough_and_well_formed():
    total = 0
    for lang in heldout.LANGS:
        rows = heldout.load(lang)
        total += len(rows)
        assert len(rows) >= 50
        assert {r["kind"] for r in rows} == {
            "question",
            "purchase",
            "info",
            "praise",
            "complaint",
            "mixed",
        }
        for r in rows:
            assert r["sentiment"] in {"positive", "neutral", "negative"}, r
            assert all(r[c] in {"0", "1"} for c, _ in heldout.FLAGS), r
        texts = [r["text"] for r in rows]
        assert len(set(texts)) == len(texts)
    assert total >= 200


def test_f1_by_hand():
    # tp = 1, fp = 1, fn = 1 → 2 / 4
    assert heldout.f1([True, True, False, False], [True, False, True, False]) == 0.5
    assert heldout.f1([False, False], [False, False]) == 1.0


@pytest.mark.timeout(300)
def test_scores_stay_above_the_reported_floor():
    pooled = heldout.evaluate()["all"]
    assert pooled["rows"] >= 200
    # reported in docs/text.md: 0.971 / 1.000 / 0.960 / 1.000 / 0.957
    assert pooled["sentiment"] >= 0.94
    assert pooled["question"] >= 0.98
    assert pooled["complaint"] >= 0.93
    assert pooled["purchase"] >= 0.95
    assert pooled["praise"] >= 0.93
