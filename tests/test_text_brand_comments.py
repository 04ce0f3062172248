"""Hand-written brand comments per language (tests/fixtures/text/brand_comments_*.tsv): the
domain the sentiment heads were *not* trained on. Every row's sentiment label and intent
flags are asserted — questions, opening hours, announcements and brand replies are neutral,
intent is multi-label and never a sentiment threshold, sarcasm is not praise."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from engagelens.text import analyze

FIXTURES = Path(__file__).parent / "fixtures" / "text"
LANGUAGES = ("en", "vi", "fa", "zh")
FLAGS = ("is_question", "is_complaint", "is_purchase_intent", "is_praise")


def load(lang: str) -> list[dict[str, str]]:
    with (FIXTURES / f"brand_comments_{lang}.tsv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


ROWS = [(lang, i, row) for lang in LANGUAGES for i, row in enumerate(load(lang))]


def expected(row: dict[str, str]) -> tuple[str, tuple[bool, ...]]:
    cols = ("question", "complaint", "purchase", "praise")
    return row["sentiment"], tuple(row[c] == "1" for c in cols)


@pytest.fixture(scope="module")
def results() -> dict[tuple[str, int], dict]:
    texts = [row["text"] for _, _, row in ROWS]
    return {(lang, i): a for (lang, i, _), a in zip(ROWS, analyze(texts), strict=True)}


def test_suite_is_large_enough_and_covers_every_kind():
    for lang in LANGUAGES:
        rows = load(lang)
        assert len(rows) >= 40
        kinds = {r["kind"] for r in rows}
        assert {"question", "hours", "announcement", "complaint", "praise", "purchase"} <= kinds
        assert {"sarcasm", "emoji", "mixed"} <= kinds


@pytest.mark.parametrize(
    ("lang", "i", "row"), ROWS, ids=[f"{lang}-{i}-{r['kind']}" for lang, i, r in ROWS]
)
def test_row(results, lang, i, row):
    a = results[(lang, i)]
    label, flags = expected(row)
    assert (a["sentiment"], tuple(a[f] for f in FLAGS)) == (label, flags), row["text"]
