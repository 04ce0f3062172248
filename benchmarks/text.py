"""Text benchmark: texts/s per core and held-out macro-F1 of every backend, side by side.

    python benchmarks/text.py --quick          # < 1 min: 5,000 texts for speed
    python benchmarks/text.py --n 100000       # throughput on 100k texts
    python benchmarks/text.py --rebuild        # also retrain the shipped model, compare SHA-256
    python benchmarks/text.py --baseline-model old.npz   # + that weights file, side by side

Speed texts are the held-out sentences of all four languages, cycled to ``--n``. Each backend
runs in this one process (one core; numpy does not multi-thread these operations). Language
detection accuracy on short texts (≤ 5 words / ≤ 10 Han characters) is reported for our
detector and, if installed, lingua-language-detector.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from engagelens.errors import EngageLensError  # noqa: E402
from engagelens.text import analyze, evaluate, get_backend  # noqa: E402
from engagelens.text.language import detect_batch, detect_lingua  # noqa: E402

LANGS = ("en", "vi", "fa", "zh")


def short(text: str, words: int = 5) -> str:
    parts = text.split()
    return " ".join(parts[:words]) if len(parts) > 1 else text[: words * 2]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--data", default=str(REPO.parent / "shared" / "data"))
    ap.add_argument("--n", type=int, default=50_000, help="texts for the speed test")
    ap.add_argument("--quick", action="store_true", help="5,000 speed texts, one repeat")
    ap.add_argument("--backends", default="linear,vader,transformers")
    ap.add_argument("--rebuild", action="store_true", help="retrain and compare the model hash")
    ap.add_argument("--baseline-model", default=None,
                    help="another sentiment_linear.npz to run as 'linear@base' (e.g. the last "
                         "commit's, from `git show HEAD:src/engagelens/text/models/…`)")
    args = ap.parse_args(argv)
    names = args.backends.split(",")
    if args.baseline_model:
        from engagelens.text import register_backend
        from engagelens.text.backends.linear import LinearBackend

        path = args.baseline_model
        register_backend("linear@base", lambda: LinearBackend(path))
        names.insert(names.index("linear") + 1 if "linear" in names else 0, "linear@base")
    n = 5_000 if args.quick else args.n
    repeat = 1 if args.quick else 3

    dev = {lang: evaluate.dev_split(args.data, lang) for lang in LANGS}
    pool = [t for lang in LANGS for t in dev[lang].texts]
    speed_texts = list(itertools.islice(itertools.cycle(pool), n))
    print("# held-out sizes: " + ", ".join(f"{k}={len(v.texts)}" for k, v in dev.items()))
    print(f"# speed corpus: {n} texts, mixed languages, mean {sum(map(len, speed_texts)) / n:.0f}"
          " chars\n")

    header = f"{'backend':<13}{'texts/s/core':>13}" + "".join(f"{'F1 ' + k:>9}" for k in LANGS)
    print(header)
    for name in names:
        try:
            be = get_backend(name)
        except EngageLensError as exc:
            print(f"{name:<13}  skipped: {exc.message}")
            continue
        be.sentiment(speed_texts[:100])                       # warm up (lazy weights)
        tps = evaluate.throughput(be, speed_texts, repeat=repeat)
        f1 = [evaluate.score(be, args.data, lang).macro_f1 for lang in LANGS]
        print(f"{name:<13}{tps:>13,.0f}" + "".join(f"{x:>9.3f}" for x in f1))

    t0 = time.perf_counter()
    analyze(speed_texts)
    print(f"\nfull analyze() (normalise+language+sentiment+quality+intent): "
          f"{n / (time.perf_counter() - t0):,.0f} texts/s/core")

    print("\n# language detection on short texts (first 5 words / 10 Han chars of held-out rows)")
    shorts = {lang: [short(t) for t in dev[lang].texts if t.strip()] for lang in LANGS}
    for label, fn in (("script+stopwords", detect_batch), ("lingua", detect_lingua)):
        try:
            t0 = time.perf_counter()
            accs = {lang: sum(g == lang for g in fn(ts)) / len(ts) for lang, ts in shorts.items()}
            total = sum(len(ts) for ts in shorts.values())
            rate = total / (time.perf_counter() - t0)
        except EngageLensError as exc:
            print(f"{label:<18} skipped: {exc.message}")
            continue
        print(f"{label:<18}" + "".join(f" {k}={v:.3f}" for k, v in accs.items())
              + f"  {rate:,.0f} texts/s")

    if args.rebuild:
        from engagelens.text import modelfile, train
        from engagelens.text.backends.linear import default_model_path

        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            digest = train.build(args.data, Path(tmp) / "m.npz", log=lambda *_: None)
            same = digest == modelfile.sha256(default_model_path())
            print(f"\nrebuild: {time.perf_counter() - t0:.1f}s, sha256 {digest[:16]}…, "
                  f"{'identical to' if same else 'DIFFERENT from'} the shipped model")
            if not same:
                return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
