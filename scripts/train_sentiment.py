"""Rebuild the shipped sentiment model: ``python scripts/train_sentiment.py``.

Options: ``--data DIR`` (default ../shared/data), ``--out FILE`` (default the packaged
model), ``--limit N`` (first N training rows per language), ``--tune`` (print the 5-fold CV
grid on the train part and the calibrated class offsets of the best setting, instead of
building). Prints the SHA-256 of the written file.
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
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--tune", action="store_true")
    ap.add_argument("--heads", default=",".join(train.HEADS),
                    help="comma list; 'multi' adds a head trained on all languages")
    args = ap.parse_args(argv)
    heads = tuple(h for h in args.heads.split(",") if h)
    if args.tune:
        train.tune(args.data, heads)
        return 0
    digest = train.build(args.data, args.out, limit=args.limit, heads=heads)
    print(f"sha256 {digest}  {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
