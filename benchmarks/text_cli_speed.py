"""Speed of the CLI path (``engagelens text sentiment FILE --column text``) in texts per second
of **CPU time** per core, stage by stage, with ratios to the 20,000 texts/s goal and to a
baseline source tree.

Why CPU time: on a shared machine wall-clock rates swing by 3× between consecutive runs while
the work done does not; ``time.process_time`` counts only this process's own CPU (one thread:
the text path does not use more), so it is the per-core figure the goal asks for. Best of
``--repeat`` runs.

    python benchmarks/text_cli_speed.py [--n 40000] [--baseline /path/to/other/src]

The texts are the shared sets' rows (en, vi, fa, zh) shuffled with a fixed seed and cycled to
``--n``. Stages: read (CSV parsing), normalise, language, model (hashing + scores), cues and
decision, write (CSV), and the whole command in-process.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import glob
import io
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
GOAL = 20_000
SETS = ("twitter_airline_train", "vi_uit_vsfc_train", "fa_snappfood_train", "zh_waimai_train")


def corpus(data: Path, n: int) -> list[str]:
    texts: list[str] = []
    for name in SETS:
        for f in sorted(glob.glob(str(data / name / "*.csv"))):
            with open(f, encoding="utf-8", newline="") as fh:
                texts += [r["text"] for r in csv.DictReader(fh)]
    random.Random(0).shuffle(texts)
    return (texts * (n // max(len(texts), 1) + 1))[:n]


def _best(fn, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.process_time()
        fn()
        best = min(best, time.process_time() - t)
    return best


def measure(src: str, path: str, n: int, repeat: int) -> dict[str, float]:
    """texts/s of CPU time per stage, for the source tree ``src`` (run in this process)."""
    sys.path.insert(0, src)
    from engagelens.cli.main import main
    from engagelens.cli.text_cmds import read_texts
    from engagelens.text.intent import cues
    from engagelens.text.language import detect
    from engagelens.text.normalize import normalize_prepared, strip_invisible
    from engagelens.text.opinion import decide
    from engagelens.text.registry import get_backend

    be = get_backend("linear")
    with open(path, "rb") as fh:
        texts = list(read_texts(fh, "text"))
    prepared = [strip_invisible(t) for t in texts]
    norms = [normalize_prepared(p) for p in prepared]
    langs = [detect(p) for p in prepared]
    be.sentiment_prepared([x.model_text for x in norms[:100]], langs[:100])  # load the model
    model_texts = [x.model_text for x in norms]
    sents = be.sentiment_prepared(model_texts, langs)
    try:
        found = [cues(x.model_text, x.emojis, lexical=False) for x in norms]
    except TypeError:  # a tree whose cues() has no lexical switch
        found = [cues(x.model_text, x.emojis) for x in norms]

    def read():
        with open(path, "rb") as fh:
            for _ in read_texts(fh, "text"):
                pass

    def cue_stage():
        try:
            fs = [cues(x.model_text, x.emojis, lexical=False) for x in norms]
        except TypeError:
            fs = [cues(x.model_text, x.emojis) for x in norms]
        for s, c, x in zip(sents, fs, norms, strict=True):
            decide(s, c, x.model_text, x.emojis)

    def write():
        w = csv.writer(io.StringIO(), lineterminator="\n")
        for i, s in enumerate(sents):
            w.writerow([i + 1, s["label"], s["score"], langs[i] or ""])

    def command():
        with contextlib.redirect_stdout(io.StringIO()):
            main(["text", "sentiment", path, "--column", "text"])

    del found
    stages = {
        "read": read,
        "normalise": lambda: [normalize_prepared(strip_invisible(t)) for t in texts],
        "language": lambda: [detect(p) for p in prepared],
        "model": lambda: be.sentiment_prepared(model_texts, langs),
        "cues+decision": cue_stage,
        "write": write,
        "command": command,
    }
    command()  # warm-up
    return {k: n / _best(fn, repeat) for k, fn in stages.items()}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=str(REPO.parent / "shared" / "data"))
    ap.add_argument("--n", type=int, default=40_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--baseline", help="another checkout's src folder, measured the same way")
    ap.add_argument("--_one", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args._one:  # child process: one tree, JSON out (trees must not share sys.modules)
        src, path = args._one.split(os.pathsep)
        print(json.dumps(measure(src, path, args.n, args.repeat)))
        return
    texts = corpus(Path(args.data), args.n)
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "texts.csv")
        with open(path, "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["text"])
            w.writerows([t] for t in texts)
        trees = {"this tree": str(REPO / "src")}
        if args.baseline:
            trees["baseline"] = args.baseline
        results = {}
        for name, src in trees.items():
            out = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    *("--n", str(args.n), "--repeat", str(args.repeat)),
                    *("--_one", os.pathsep.join([src, path])),
                ],
                capture_output=True,
                text=True,
                check=True,
            )
            results[name] = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"# {args.n:,} texts (en/vi/fa/zh shared sets), CPU time, best of {args.repeat}")
    head = f"{'stage':<15}" + "".join(f"{n + ' /s':>16}" for n in results)
    head += f"{'÷ goal':>9}" + (f"{'÷ baseline':>12}" if args.baseline else "")
    print(head)
    for stage in results["this tree"]:
        row = f"{stage:<15}" + "".join(f"{r[stage]:>16,.0f}" for r in results.values())
        row += f"{results['this tree'][stage] / GOAL:>9.2f}"
        if args.baseline:
            row += f"{results['this tree'][stage] / results['baseline'][stage]:>12.2f}"
        print(row)


if __name__ == "__main__":
    main()
