"""Listening engine benchmark: many queries × many mentions, against a naive regex loop.

    python benchmarks/listening.py                      # 10,000 queries × 1,000,000 mentions
    python benchmarks/listening.py --quick              # 1,000 × 20,000 (< 1 min)
    python benchmarks/listening.py --queries 5000 --mentions 200000 --sample 300

Data are synthetic but vocabulary-realistic: words are drawn from a Zipf law (s = 1.07) over a
40,000-word vocabulary of pronounceable pseudo-words, mentions are 6–30 words long with
hashtags, handles and brand names sprinkled in, and queries mix brand names, handles,
phrases, wildcards, NOT, NEAR and hashtags the way listening setups do.

The naive baseline is what one writes first: one compiled regular expression per query word
(``\\b…\\b``, case-insensitive), and for every mention a loop over every query evaluating its
boolean tree. It is run on a sample of mentions (it is too slow for all of them); both
figures are printed in mentions per second, with the speed-up (goal ≥ 50×).
"""

from __future__ import annotations

import argparse
import itertools
import random
import re
import sys
import time
from bisect import bisect_left
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from engagelens.listening.engine import Engine, QuerySpec
from engagelens.listening.query import And, Field, Near, Not, Or, Text, parse

SYLLABLES = [a + b for a in "bcdfghjklmnprstvwz" for b in "aeiou"] + ["an", "er", "in", "on", "us"]


def vocabulary(size: int, rng: random.Random) -> list[str]:
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.choice((1, 2, 2, 3, 3, 4)))))
    return sorted(words, key=lambda w: (len(w), w))  # short words are the frequent ones


def zipf_sampler(n: int, s: float, rng: random.Random):
    cumulative, total = [], 0.0
    for k in range(1, n + 1):
        total += 1.0 / k**s
        cumulative.append(total)

    def draw(count: int) -> list[int]:
        return [bisect_left(cumulative, rng.random() * total) for _ in range(count)]

    return draw


def make_queries(n: int, vocab: list[str], brands: list[str], rng: random.Random) -> list[str]:
    mid = vocab[200:20000]  # topical words: neither stop-word frequent nor hapax

    def w() -> str:
        return rng.choice(mid)

    shapes = [
        lambda b: f'{b} OR @{b} OR "{b} {w()}"',
        lambda b: f"({b} OR #{b}) AND ({w()} OR {w()} OR {w()}*) NOT {w()}",
        lambda b: f'"{w()} {w()}" OR {b} NEAR/3 {w()}',
        lambda b: f"@{b} ({w()} OR {w()}) NOT ({w()} OR {w()})",
        lambda b: f"{w()}* AND {b}",
        lambda b: f"#{w()} OR #{b}",
    ]
    return [rng.choice(shapes)(brands[i % len(brands)]) for i in range(n)]


def make_mentions(n: int, vocab: list[str], brands: list[str], seed: int):
    rng = random.Random(seed)
    draw = zipf_sampler(len(vocab), 1.07, rng)
    for _ in range(n):
        words = [vocab[i] for i in draw(rng.randint(6, 30))]
        if rng.random() < 0.3:
            brand = rng.choice(("", "@", "#")) + rng.choice(brands)
            words.insert(rng.randrange(len(words) + 1), brand)
        if rng.random() < 0.2:
            words.append("#" + vocab[draw(1)[0]])
        if rng.random() < 0.1:
            words[0] = words[0].capitalize() + ","
        yield {"text": " ".join(words), "platform": "x", "language": "en"}


# -- the naive baseline ---------------------------------------------------------------------
def naive_compile(query: str):
    """One compiled regex per word, a Python closure per operator."""

    def rx(t: Text) -> re.Pattern[str]:
        body = re.escape(t.raw.lstrip("#@").rstrip("*")).replace(r"\ ", r"\W+")
        lead = {"hashtag": "#", "handle": "@"}.get(t.kind, "")
        tail = r"\w*" if t.prefix else r"\b"
        return re.compile(rf"(?<![\w#@]){lead}{body}{tail}" if lead else rf"\b{body}{tail}", re.I)

    def build(node):
        if isinstance(node, Text):
            pattern = rx(node)
            return lambda text, meta: pattern.search(text) is not None
        if isinstance(node, Field):
            return lambda text, meta: node.accepts(meta.get(node.name))
        if isinstance(node, Not):
            inner = build(node.child)
            return lambda text, meta: not inner(text, meta)
        if isinstance(node, And | Or):
            parts = [build(c) for c in node.children]
            agg = all if isinstance(node, And) else any
            return lambda text, meta: agg(p(text, meta) for p in parts)
        assert isinstance(node, Near)
        left, right = rx(node.left), rx(node.right)

        def near(text, meta):
            spans = (
                [m.start() for m in left.finditer(text)],
                [m.start() for m in right.finditer(text)],
            )
            for i, j in itertools.product(*spans):
                a, b = sorted((i, j))
                if len(re.findall(r"\w+", text[a:b])) <= node.distance + 1:
                    return True
            return False

        return near

    return build(parse(query))


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--queries", type=int, default=10_000)
    ap.add_argument("--mentions", type=int, default=1_000_000)
    ap.add_argument("--sample", type=int, default=500, help="mentions for the naive loop")
    ap.add_argument("--quick", action="store_true", help="1,000 queries × 20,000 mentions")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    if args.quick:
        args.queries, args.mentions, args.sample = 1_000, 20_000, 300

    rng = random.Random(args.seed)
    vocab = vocabulary(40_000, rng)
    brands = [f"brand{i}" for i in range(max(args.queries // 10, 1))]
    queries = make_queries(args.queries, vocab, brands, rng)

    t0 = time.perf_counter()
    engine = Engine([QuerySpec(f"q{i}", q) for i, q in enumerate(queries)])
    compile_s = time.perf_counter() - t0
    print(
        f"queries: {args.queries:,}  patterns: {engine.pattern_count:,}  compile: {compile_s:.2f}s",
        flush=True,
    )

    matched = scanned = 0
    match_s = match_cpu = 0.0
    batch: list[dict] = []

    def run_batch() -> None:
        nonlocal matched, scanned, match_s, match_cpu
        t1, c1 = time.perf_counter(), time.process_time()
        matched += sum(1 for _ in engine.match_rows(batch))
        match_s += time.perf_counter() - t1
        match_cpu += time.process_time() - c1
        scanned += len(batch)

    for mention in make_mentions(args.mentions, vocab, brands, args.seed + 1):
        batch.append(mention)
        if len(batch) == 20_000:
            run_batch()
            batch = []
    if batch:
        run_batch()
    engine_rate = scanned / match_s
    print(
        f"engine: {scanned:,} mentions in {match_s:.2f}s = {engine_rate:,.0f} mentions/s "
        f"({matched:,} matches; CPU {match_cpu:.2f}s = {scanned / match_cpu:,.0f}/s)",
        flush=True,
    )

    naive = [naive_compile(q) for q in queries]
    sample = list(make_mentions(args.sample, vocab, brands, args.seed + 2))
    t2, c2 = time.perf_counter(), time.process_time()
    naive_hits = [{f"q{i}" for i, f in enumerate(naive) if f(m["text"], m)} for m in sample]
    naive_s, naive_cpu = time.perf_counter() - t2, time.process_time() - c2
    naive_rate = len(sample) / naive_s
    agree = sum(
        set(engine.match(m["text"], platform=m["platform"], language=m["language"])) == h
        for m, h in zip(sample, naive_hits, strict=True)
    )
    print(
        f"naive regex loop: {len(sample):,} mentions in {naive_s:.2f}s "
        f"= {naive_rate:,.1f} mentions/s (CPU {naive_cpu:.2f}s = "
        f"{len(sample) / naive_cpu:,.1f}/s)"
    )
    print(f"same matches on {agree}/{len(sample)} sampled mentions")
    print(
        f"speed-up: {engine_rate / naive_rate:,.0f}x wall clock, "
        f"{(scanned / match_cpu) / (len(sample) / naive_cpu):,.0f}x CPU time (goal >= 50x)"
    )


if __name__ == "__main__":
    main()
