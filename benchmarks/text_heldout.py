"""Held-out brand comments (tests/fixtures/text/heldout/brand_{en,vi,fa,zh}.tsv) through the CLI
path: sentiment macro-F1 and F1 of each intent flag, per language and pooled.

The set was written for this evaluation, after the cue lists and the model, across domains the
other suites do not use (gym, hotel, telecom, fashion, cosmetics, books, airline, apps); it is
**never used for fitting** — no cue, weight or threshold was chosen on its rows — so it is the
project's own estimate of how ordinary brand comments are read. ``--errors`` lists the rows
read wrong (to find *classes* of error; fixes go in with their own examples, not these rows).

    python benchmarks/text_heldout.py [--errors] [--backend linear]
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from engagelens.text import analyze, get_backend  # noqa: E402
from engagelens.text.evaluate import macro_f1  # noqa: E402

HELDOUT = ROOT / "tests" / "fixtures" / "text" / "heldout"
LANGS = ("en", "vi", "fa", "zh")
FLAGS = (
    ("question", "is_question"),
    ("complaint", "is_complaint"),
    ("purchase", "is_purchase_intent"),
    ("praise", "is_praise"),
)


def load(lang: str) -> list[dict[str, str]]:
    with (HELDOUT / f"brand_{lang}.tsv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))


def f1(truth: list[bool], pred: list[bool]) -> float:
    """F1 of the positive class (1.0 when neither side has a positive: nothing to find)."""
    tp = sum(t and p for t, p in zip(truth, pred, strict=True))
    fp = sum(p and not t for t, p in zip(truth, pred, strict=True))
    fn = sum(t and not p for t, p in zip(truth, pred, strict=True))
    return 1.0 if tp + fp + fn == 0 else 2 * tp / (2 * tp + fp + fn)


def evaluate(backend: str | None = None) -> dict[str, dict[str, float]]:
    """{language or "all": {"rows", "sentiment", "question", "complaint", "purchase",
    "praise"}} — what the script prints."""
    be = get_backend(backend)
    out: dict[str, dict[str, float]] = {}
    pooled: tuple[list, list] = ([], [])
    for lang in (*LANGS, "all"):
        if lang == "all":
            rows, res = pooled
        else:
            rows = load(lang)
            res = analyze([r["text"] for r in rows], be)
            pooled[0].extend(rows)
            pooled[1].extend(res)
        scores: dict[str, float] = {
            "rows": len(rows),
            "sentiment": macro_f1([r["sentiment"] for r in rows], [a["sentiment"] for a in res]),
        }
        for col, key in FLAGS:
            scores[col] = f1([r[col] == "1" for r in rows], [bool(a[key]) for a in res])
        out[lang] = scores
    return out


def errors(backend: str | None = None) -> list[str]:
    be = get_backend(backend)
    lines = []
    for lang in LANGS:
        rows = load(lang)
        for r, a in zip(rows, analyze([r["text"] for r in rows], be), strict=True):
            want = (r["sentiment"], *(r[c] == "1" for c, _ in FLAGS))
            got = (a["sentiment"], *(bool(a[k]) for _, k in FLAGS))
            if want != got:
                lines.append(f"{lang}\t{r['kind']}\t{r['text']}\twant {want}\tgot {got}")
    return lines


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--backend", default=None)
    ap.add_argument("--errors", action="store_true", help="list the rows read wrong")
    args = ap.parse_args(argv)
    result = evaluate(args.backend)
    cols = ("sentiment", "question", "complaint", "purchase", "praise")
    print(f"{'lang':<6}{'rows':>5}" + "".join(f"{c:>11}" for c in cols))
    for lang, s in result.items():
        print(f"{lang:<6}{int(s['rows']):>5}" + "".join(f"{s[c]:>11.3f}" for c in cols))
    if args.errors:
        print("\n".join(errors(args.backend)))


if __name__ == "__main__":
    main()
