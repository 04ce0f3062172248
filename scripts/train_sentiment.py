"""Rebuild the shipped sentiment model: ``python scripts/train_sentiment.py``.

Builds two files: the shipped model (``--out``, trained on *all* labelled rows, held-out rows
included) and the evaluation model (``--eval-out``, the same recipe without the held-out rows;
every held-out figure in docs/text.md and benchmarks/text.py comes from this one).

Options: ``--data DIR`` (default ../shared/data), ``--out FILE`` (default the packaged
model), ``--eval-out FILE`` (default build/sentiment_linear.train-only.npz; ``-`` skips it),
``--limit N`` (first N rows per language), ``--tune`` (print the 5-fold CV grid on the train
part and the calibrated class offsets of the best setting, instead of building), ``--cv 13,7``
(pooled 5-fold CV on all rows per fold seed, instead of building). Prints the
SHA-256 of each written file.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from engagelens.text import train  # noqa: E402
from engagelens.text.backends.linear import default_model_path  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", default=str(REPO.parent / "shared" / "data"))
    ap.add_argument("--out", default=str(default_model_path()))
    ap.add_argument("--eval-out", default=str(REPO / "build" / "sentiment_linear.train-only.npz"))
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--tune", action="store_true")
    ap.add_argument(
        "--cv",
        default=None,
        metavar="SEEDS",
        help="print pooled 5-fold CV macro-F1 (all rows) per head for these "
        "comma-separated fold seeds, e.g. 13,7; builds nothing",
    )
    ap.add_argument(
        "--heads",
        default=",".join(train.HEADS),
        help="comma list; 'multi' adds a head trained on all languages",
    )
    args = ap.parse_args(argv)
    heads = tuple(h for h in args.heads.split(",") if h)
    if args.tune:
        train.tune(args.data, heads)
        return 0
    if args.cv:
        for head in heads:
            scores = [train.pooled_cv(args.data, head, seed=int(x)) for x in args.cv.split(",")]
            print(f"{head}: pooled cv macro-F1 " + " / ".join(f"{f:.4f}" for f in scores))
        return 0
    digest = train.build(args.data, args.out, limit=args.limit, heads=heads, part="all")
    print(f"sha256 {digest}  {args.out}  (all rows: shipped)")
    if args.eval_out != "-":
        Path(args.eval_out).parent.mkdir(parents=True, exist_ok=True)
        digest = train.build(args.data, args.eval_out, limit=args.limit, heads=heads, part="train")
        print(f"sha256 {digest}  {args.eval_out}  (held-out rows excluded: for evaluation)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
