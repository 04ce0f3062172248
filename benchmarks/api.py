"""Benchmark: latency of the dashboard's overview endpoints under 50 concurrent clients.

    .venv/bin/python benchmarks/api.py --quick                 # 200k demo interactions
    .venv/bin/python benchmarks/api.py                         # 10M (the goal's size)
    .venv/bin/python benchmarks/api.py --interactions 2M --clients 50 --requests 4000

Steps: generate demo data (``engagelens.demo.generate`` when installed, else this script's own
:func:`fallback_generate` of canonical Parquet files; ``--generator`` picks), ingest it into a
workspace with ``ingest_file``, start ``engagelens serve`` in its own process on 127.0.0.1, then
drive it from this process with 50 keep-alive connections (a minimal HTTP/1.1 client, see
:class:`Connection`). Three load phases, each bounded by
``--requests`` and ``--max-seconds`` (whichever comes first):

* ``dashboard``: the requests an overview page makes (overview with a few filter sets, the top
  of the content table, a metric series), repeated — answers come from the result cache after
  the first of each kind, as for real dashboard users;
* ``unique_ranges``: every request has its own whole-day date range (what the date picker
  sends), so the result cache never hits: answered from the day index;
* ``unique_times``: every range starts and ends at a time of day, so the index also computes
  the two edge days from its per-post prefix sums.

With ``--timezone Europe/Paris`` (any zone but UTC) the day index does not apply and every
uncached answer is aggregated from the post rollup with Polars: the general path.

Also reported: the first overview after ingest (waits for the post rollup, "cold") and the
first request of each kind. The load generator shares the machine's cores with the server.
Goal: p95 < 150 ms at 10M interactions.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any


def _size(text: str) -> int:
    text = text.strip().upper()
    mult = {"K": 1_000, "M": 1_000_000, "G": 1_000_000_000}.get(text[-1], 1)
    return int(float(text.rstrip("KMG")) * mult)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# -- data: the demo generator, or this file's own canonical Parquet ---------------------------
COMMENTS = (
    "love this!",
    "where is my order?",
    "worst service ever, refund please",
    "trop bien 😍",
    "sản phẩm rất tốt",
    "خیلی عالی بود",
    "太好吃了",
    "meh",
    "<script>alert(1)</script>",
    '=HYPERLINK("http://x")',
)
#: interaction kinds and their shares in the fallback data (likes dominate, as on real pages)
KIND_SHARES = {
    "like": 0.62,
    "reaction": 0.06,
    "comment": 0.12,
    "reply": 0.03,
    "share": 0.06,
    "save": 0.04,
    "click": 0.05,
    "view": 0.02,
}


def fallback_generate(
    out: str | Path,
    *,
    interactions: int,
    seed: int = 42,
    start: str = "2026-01-01",
    days: int = 180,
    chunk_rows: int = 1_000_000,
) -> dict[str, list[Path]]:
    """Canonical Parquet files (``interaction-0001.parquet`` …) for one brand and two
    competitors on three platforms: one post per 200 interactions, spread over ``days``, with
    log-normal (heavy-tailed) popularity and reactions arriving over the days after publication.
    Deterministic for a seed. Used when ``engagelens.demo`` is not installed; same return shape
    as ``engagelens.demo.generate`` (table → files)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    t0 = np.datetime64(start, "s")
    span_s = days * 86_400
    platforms = np.array(["facebook", "instagram", "x"])
    brands = np.array(["own", "rival", "other"])
    files: dict[str, list[Path]] = {}

    def write(table: str, data: dict[str, object], part: int = 1) -> None:
        path = out / f"{table}-{part:04d}.parquet"
        pq.write_table(pa.table(data), path)
        files.setdefault(table, []).append(path)

    def ids(prefix: str, numbers: np.ndarray) -> pa.Array:
        return pc.binary_join_element_wise(prefix, pc.cast(pa.array(numbers), pa.string()), "")

    acc_platform = np.repeat(platforms, len(brands))
    acc_brand = np.tile(brands, len(platforms))
    acc_id = np.array([f"{b}_{p}" for p, b in zip(acc_platform, acc_brand, strict=False)])
    followers = rng.integers(20_000, 400_000, acc_id.size)
    write(
        "account",
        {
            "platform": acc_platform,
            "account_id": acc_id,
            "handle": acc_id,
            "brand": acc_brand,
            "is_own": acc_brand == "own",
            "is_competitor": acc_brand != "own",
            "followers": followers,
        },
    )

    n_posts = max(20, interactions // 200)
    which = rng.integers(0, acc_id.size, n_posts)
    created = t0 + np.sort(rng.integers(0, span_s, n_posts)).astype("timedelta64[s]")
    weight = rng.lognormal(0.0, 1.1, n_posts)
    weight /= weight.sum()
    post_id = ids("p", np.arange(n_posts))
    kinds = np.array(["photo", "video", "reel", "status", "link", "carousel"])
    write(
        "content",
        {
            "platform": acc_platform[which],
            "content_id": post_id,
            "account_id": acc_id[which],
            "created_at": created,
            "kind": kinds[rng.integers(0, kinds.size, n_posts)],
            "text": np.array(COMMENTS)[rng.integers(0, len(COMMENTS), n_posts)],
            "campaign": np.where(rng.random(n_posts) < 0.3, "spring", None),
        },
    )
    expected = weight * interactions
    reach = (expected * rng.uniform(8, 30, n_posts)).astype("int64") + 100
    write(
        "content_snapshot",
        {
            "platform": acc_platform[which],
            "content_id": post_id,
            "as_of": created + np.timedelta64(7, "D"),
            "reach": reach,
            "impressions": (reach * rng.uniform(1.2, 2.5, n_posts)).astype("int64"),
            "followers": followers[which],
        },
    )

    kind_names = np.array(list(KIND_SHARES))
    kind_p = np.array(list(KIND_SHARES.values()))
    kind_p /= kind_p.sum()
    texts = np.array(COMMENTS)
    done, part = 0, 1
    while done < interactions:
        n = min(chunk_rows, interactions - done)
        post = rng.choice(n_posts, size=n, p=weight)
        kind = kind_names[rng.choice(kind_names.size, size=n, p=kind_p)]
        delay = np.minimum(rng.exponential(20 * 3600, n), 30 * 86_400).astype("int64")
        conversational = (kind == "comment") | (kind == "reply")
        text = pa.array(texts[rng.integers(0, texts.size, n)], mask=~conversational)
        write(
            "interaction",
            {
                "platform": acc_platform[which][post],
                "interaction_id": ids("i", np.arange(done, done + n)),
                "content_id": pc.take(post_id, pa.array(post)),
                "account_id": acc_id[which][post],
                "actor_id": ids("u", rng.zipf(1.3, n) % 2_000_000),
                "actor_followers": rng.lognormal(5, 1.5, n).astype("int64"),
                "kind": kind,
                "occurred_at": created[post] + delay.astype("timedelta64[s]"),
                "text": text,
            },
            part,
        )
        done, part = done + n, part + 1
    return files


def generate_data(
    out: str | Path, *, interactions: int, seed: int, generator: str = "auto"
) -> tuple[str, dict[str, list[Path]]]:
    """(which generator ran, table → files): ``engagelens.demo.generate`` when installed (or
    ``generator="demo"``), else :func:`fallback_generate`. In ``auto`` mode a demo generator
    that fails is reported on stderr and the fallback is used, so the benchmark still runs."""
    if generator in ("auto", "demo"):
        try:
            from engagelens.demo import generate

            return "engagelens.demo", generate(out, interactions=interactions, seed=seed)
        except Exception as exc:
            if generator == "demo":
                raise
            print(
                f"engagelens.demo unusable ({type(exc).__name__}: {exc}); using the "
                "fallback generator",
                file=sys.stderr,
            )
            shutil.rmtree(out, ignore_errors=True)
    return "fallback", fallback_generate(out, interactions=interactions, seed=seed)


def prepare(
    data_dir: Path, interactions: int, seed: int, generator: str = "auto"
) -> tuple[str, dict[str, float | str]]:
    """Generate and ingest the demo into workspace ``bench``; return a viewer token and times."""
    from engagelens.api import Control
    from engagelens.ingest import ingest_file
    from engagelens.store import Store

    control = Control(data_dir)
    control.create_workspace("bench", "Benchmark brand")
    times: dict[str, float | str] = {}
    with tempfile.TemporaryDirectory(prefix="elk-demo-") as tmp:
        t0 = time.perf_counter()
        times["generator"], files = generate_data(
            tmp, interactions=interactions, seed=seed, generator=generator
        )
        times["generate_s"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        with Store.open(control.workspace_path("bench")) as store:
            for table in (
                "account",
                "account_snapshot",
                "content",
                "content_snapshot",
                "interaction",
                "mention",
            ):
                for path in files.get(table, []):
                    ingest_file(store, path, source="canonical")
            times["stored_interactions"] = store.count("interaction")
        times["ingest_s"] = time.perf_counter() - t0
    return control.create_token("bench", "viewer", "benchmark").token, times


def start_server(data_dir: Path, timezone: str = "UTC") -> tuple[subprocess.Popen, str]:
    port = _free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "engagelens.cli.main",
            "serve",
            "--port",
            str(port),
            "--data-dir",
            str(data_dir),
            "--log-level",
            "warning",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={
            **os.environ,
            "ENGAGELENS_API_RATE_LIMIT_PER_MINUTE": "0",
            "ENGAGELENS_TIMEZONE": timezone,
        },
    )
    url = f"http://127.0.0.1:{port}"
    import httpx

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("the server exited during start-up")
        try:
            if httpx.get(url + "/api/v1/health", timeout=1).status_code == 200:
                return proc, url
        except httpx.TransportError:
            time.sleep(0.1)
    proc.terminate()
    raise SystemExit("the server did not start within 60 s")


def dashboard_requests(days: list[str], platforms: list[str]) -> list[tuple[str, dict]]:
    """What overview pages ask for: a few date ranges × platform filters, plus the content
    table's first page and a daily metric series."""
    ws = "/api/v1/workspaces/bench"
    ranges = [
        {},
        {"from": days[0], "to": days[-1]},
        {"from": days[len(days) // 2]},
        {"from": days[-30] if len(days) > 30 else days[0], "to": days[-1]},
    ]
    out: list[tuple[str, dict]] = []
    for r in ranges:
        out.append((ws + "/overview", dict(r)))
        for p in platforms[:3]:
            out.append((ws + "/overview", {**r, "platform": p}))
    out.append((ws + "/content", {"sort": "-interactions", "limit": 25}))
    out.append((ws + "/metrics/interactions", {"by": "day"}))
    return out


def unique_requests(days: list[str], n: int) -> list[tuple[str, dict]]:
    """``n`` overview requests, each with a different date range (no result-cache hits)."""
    out, k = [], 0
    for i in range(len(days)):
        for j in range(i + 1, len(days)):
            out.append(("/api/v1/workspaces/bench/overview", {"from": days[i], "to": days[j]}))
            k += 1
            if k >= n:
                return out
    return out


def unique_time_requests(days: list[str], n: int) -> list[tuple[str, dict]]:
    """``n`` overview requests whose ranges start and end at a time of day (no result-cache
    hits; the edge days are partial)."""
    out = []
    last = max(1, len(days) - 1)
    for k in range(n):
        i = k % last
        j = min(len(days) - 1, i + 1 + (k * 7) % 60)  # always a later day than ``i``
        out.append(
            (
                "/api/v1/workspaces/bench/overview",
                {
                    "from": f"{days[i]}T{k % 24:02d}:{k % 60:02d}:00",
                    "to": f"{days[j]}T{(k * 5) % 24:02d}:30:00",
                },
            )
        )
    return out


class Connection:
    """One keep-alive HTTP/1.1 connection written and parsed by hand on asyncio streams.

    Why not httpx here: it spends about 0.7 ms of CPU per request, as much as the server
    itself, on the same cores, so it would measure the load generator. Requests are encoded
    once per plan entry; responses must carry ``Content-Length`` (all API answers do)."""

    def __init__(self, url: str) -> None:
        from urllib.parse import urlsplit

        parts = urlsplit(url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    async def send(self, request: bytes) -> tuple[int, bytes]:
        assert self.reader is not None and self.writer is not None
        self.writer.write(request)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status, length = int(head[9:12]), None
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"transfer-encoding":
                raise RuntimeError("chunked responses are not expected from the API")
        if length is None:
            raise RuntimeError("a response without Content-Length")
        return status, await self.reader.readexactly(length)

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            await self.writer.wait_closed()


def encode_request(host: str, token: str, path: str, params: dict) -> bytes:
    from urllib.parse import urlencode

    target = path + ("?" + urlencode(params, doseq=True) if params else "")
    return (
        f"GET {target} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\n"
        "Accept: application/json\r\n\r\n"
    ).encode()


async def load(
    url: str,
    token: str,
    plan: list[tuple[str, dict]],
    *,
    clients: int,
    total: int,
    max_seconds: float,
    cycle: bool,
) -> dict[str, float]:
    """``clients`` simulated users, each on its own keep-alive connection, send ``plan`` (cycled
    if ``cycle``) back to back, without think time, until ``total`` requests or
    ``max_seconds``; returns latency percentiles in milliseconds."""
    host = url.split("//", 1)[1]
    encoded = [encode_request(host, token, path, params) for path, params in plan]
    latencies: list[float] = []
    errors: dict[int, int] = {}  # status → count of answers that were not a 200 JSON object
    next_index = 0
    ready: list[int] = []
    go = asyncio.Event()
    deadline = [0.0]

    async def worker() -> None:
        nonlocal next_index
        conn = Connection(url)
        # open the connection first (untimed), then start together: 50 TCP handshakes at
        # once would measure the kernel's SYN backlog, not the API
        await conn.open()
        status, _ = await conn.send(encode_request(host, token, "/api/v1/health", {}))
        assert status == 200
        ready.append(1)
        if len(ready) == clients:
            deadline[0] = time.monotonic() + max_seconds
            go.set()
        await go.wait()
        try:
            while time.monotonic() < deadline[0]:
                i = next_index
                if i >= total or (not cycle and i >= len(encoded)):
                    return
                next_index += 1
                t0 = time.perf_counter()
                status, body = await conn.send(encoded[i % len(encoded)])
                latencies.append((time.perf_counter() - t0) * 1000)
                if status != 200 or not body.startswith(b"{"):
                    errors[status] = errors.get(status, 0) + 1
        finally:
            await conn.close()

    tasks = [asyncio.create_task(worker()) for _ in range(clients)]
    await go.wait()
    started = time.perf_counter()
    await asyncio.gather(*tasks)
    wall = time.perf_counter() - started
    return summarise(latencies, errors, wall)


def summarise(latencies: list[float], errors: dict[int, int], wall: float) -> dict[str, Any]:
    if not latencies:
        return {"requests": 0}
    q = (
        statistics.quantiles(latencies, n=100, method="inclusive")
        if len(latencies) > 1
        else [latencies[0]] * 99
    )
    return {
        "requests": len(latencies),
        "errors": sum(errors.values()),
        "error_statuses": {str(k): v for k, v in sorted(errors.items())},
        "p50_ms": round(q[49], 1),
        "p95_ms": round(q[94], 1),
        "p99_ms": round(q[98], 1),
        "max_ms": round(max(latencies), 1),
        "req_per_s": round(len(latencies) / wall, 1),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--interactions", default="10M", help="demo size (e.g. 200k, 2M, 10M)")
    ap.add_argument("--quick", action="store_true", help="200k interactions, fewer requests")
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--requests", type=int, default=3000, help="per phase (upper bound)")
    ap.add_argument("--max-seconds", type=float, default=60.0, help="per phase (upper bound)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument(
        "--generator",
        choices=("auto", "demo", "fallback"),
        default="auto",
        help="demo data: engagelens.demo (auto: when installed) or this script's own",
    )
    ap.add_argument(
        "--timezone",
        default="UTC",
        help="the server's calendar; not UTC = the general (Polars) path",
    )
    ap.add_argument("--json", action="store_true", help="print the result as JSON only")
    args = ap.parse_args(argv)
    n = 200_000 if args.quick else _size(args.interactions)
    requests = min(args.requests, 1000) if args.quick else args.requests
    import httpx

    with tempfile.TemporaryDirectory(prefix="elk-api-bench-") as tmp:
        data_dir = Path(tmp)
        token, times = prepare(data_dir, n, args.seed, args.generator)
        proc, url = start_server(data_dir, args.timezone)
        try:
            headers = {"Authorization": f"Bearer {token}"}
            t0 = time.perf_counter()
            first = httpx.get(
                url + "/api/v1/workspaces/bench/overview", headers=headers, timeout=600
            )
            cold_ms = (time.perf_counter() - t0) * 1000
            first.raise_for_status()
            days = sorted({d["day"] for d in first.json()["daily"]})
            platforms = sorted(
                {
                    p["platform"]
                    for p in httpx.get(
                        url + "/api/v1/workspaces/bench/content",
                        params={"limit": 500},
                        headers=headers,
                        timeout=600,
                    ).json()["items"]
                }
            )
            plan = dashboard_requests(days, platforms)
            firsts = []
            for path, params in plan:  # the first request of each kind (result cache empty)
                t0 = time.perf_counter()
                httpx.get(url + path, params=params, headers=headers, timeout=600)
                firsts.append((time.perf_counter() - t0) * 1000)
            # the floor under the same load: the cheapest route (no token, no data), so the
            # ratios below show what the overview adds to the HTTP stack and the machine
            baseline = asyncio.run(
                load(
                    url,
                    token,
                    [("/api/v1/health", {})],
                    clients=args.clients,
                    total=requests,
                    max_seconds=args.max_seconds,
                    cycle=True,
                )
            )
            dashboard = asyncio.run(
                load(
                    url,
                    token,
                    plan,
                    clients=args.clients,
                    total=requests,
                    max_seconds=args.max_seconds,
                    cycle=True,
                )
            )
            unique = asyncio.run(
                load(
                    url,
                    token,
                    unique_requests(days, requests),
                    clients=args.clients,
                    total=requests,
                    max_seconds=args.max_seconds,
                    cycle=False,
                )
            )
            general = asyncio.run(
                load(
                    url,
                    token,
                    unique_time_requests(days, requests),
                    clients=args.clients,
                    total=requests,
                    max_seconds=args.max_seconds,
                    cycle=False,
                )
            )
        finally:
            proc.terminate()
            proc.wait(30)
    result = {
        "interactions": n,
        "clients": args.clients,
        "cpus": os.cpu_count(),
        "timezone": args.timezone,
        "load_average_1min": round(os.getloadavg()[0], 1),
        "posts": None if not first else first.json()["totals"]["posts"],
        **{k: round(v, 1) if isinstance(v, float) else v for k, v in times.items()},
        "cold_overview_ms": round(cold_ms, 1),
        "first_of_each_kind_ms": {
            "median": round(statistics.median(firsts), 1),
            "max": round(max(firsts), 1),
        },
        "baseline_health": baseline,
        "dashboard": dashboard,
        "unique_ranges": unique,
        "unique_times": general,
        "goal_p95_ms": 150,
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    if args.json:
        print(json.dumps(result))
        return 0
    print(
        f"{times['stored_interactions']:,} interactions ({times['generator']} data), "
        f"{result['posts']:,} posts; generate {times['generate_s']:.1f} s, "
        f"ingest {times['ingest_s']:.1f} s; {args.clients} clients, {os.cpu_count()} CPUs "
        f"(load average {result['load_average_1min']}), timezone {args.timezone}"
    )
    print(
        f"cold overview (builds the post rollup): {cold_ms:,.0f} ms; first request of each "
        f"kind: median {result['first_of_each_kind_ms']['median']} ms, "
        f"max {result['first_of_each_kind_ms']['max']} ms"
    )
    floor = result["baseline_health"].get("p95_ms") or float("nan")
    for name in ("baseline_health", "dashboard", "unique_ranges", "unique_times"):
        r = result[name]
        verdict = "meets" if r.get("p95_ms", 1e9) < 150 else "misses"
        print(
            f"{name:15s} {r['requests']:6d} req  p50 {r['p50_ms']:7.1f} ms  p95 "
            f"{r['p95_ms']:7.1f} ms  p99 {r['p99_ms']:7.1f} ms  {r['req_per_s']:7.1f} req/s  "
            f"p95 {r['p95_ms'] / floor:4.2f}x health  errors {r['errors']} "
            f"{r.get('error_statuses') or ''} ({verdict} p95 < 150 ms)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
