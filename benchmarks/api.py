"""Benchmark: latency of the dashboard's overview endpoints under 50 concurrent clients.

    .venv/bin/python benchmarks/api.py --quick                 # 200k demo interactions
    .venv/bin/python benchmarks/api.py                         # 10M (the goal's size)
    .venv/bin/python benchmarks/api.py --interactions 2M --clients 50 --requests 4000

Steps: generate the demo brand (``engagelens.demo.generate``), ingest it into a workspace with
``ingest_file``, start ``engagelens serve`` in its own process on 127.0.0.1, then drive it with
``httpx.AsyncClient`` from this process. Two load phases, each bounded by ``--requests`` and
``--max-seconds`` (whichever comes first):

* ``dashboard``: the requests an overview page makes (overview with a few filter sets, the top
  of the content table, a metric series), repeated — answers come from the result cache after
  the first of each kind, as for real dashboard users;
* ``unique``: every request has its own date range, so the result cache never hits and each
  answer is computed from the post rollup (the worst case short of a new ingest).

Also reported: the first overview after ingest (builds the post rollup, "cold") and the first
request of each kind. Goal: p95 < 150 ms on 2 cores at 10M interactions.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _size(text: str) -> int:
    text = text.strip().upper()
    mult = {"K": 1_000, "M": 1_000_000, "G": 1_000_000_000}.get(text[-1], 1)
    return int(float(text.rstrip("KMG")) * mult)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(data_dir: Path, interactions: int, seed: int) -> tuple[str, dict[str, float]]:
    """Generate and ingest the demo into workspace ``bench``; return a viewer token and times."""
    from engagelens.api import Control
    from engagelens.demo import generate
    from engagelens.ingest import ingest_file
    from engagelens.store import Store

    control = Control(data_dir)
    control.create_workspace("bench", "Benchmark brand")
    times: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="elk-demo-") as tmp:
        t0 = time.perf_counter()
        files = generate(tmp, interactions=interactions, seed=seed)
        times["generate_s"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        with Store.open(control.workspace_path("bench")) as store:
            for table in ("account", "account_snapshot", "content", "content_snapshot",
                          "interaction", "mention"):
                for path in files.get(table, []):
                    ingest_file(store, path, source="canonical")
        times["ingest_s"] = time.perf_counter() - t0
    return control.create_token("bench", "viewer", "benchmark").token, times


def start_server(data_dir: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "engagelens.cli.main", "serve", "--port", str(port),
         "--data-dir", str(data_dir), "--log-level", "warning"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env={**os.environ, "ENGAGELENS_API_RATE_LIMIT_PER_MINUTE": "0"})
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
    ranges = [{}, {"from": days[0], "to": days[-1]}, {"from": days[len(days) // 2]},
              {"from": days[-30] if len(days) > 30 else days[0], "to": days[-1]}]
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


async def load(url: str, token: str, plan: list[tuple[str, dict]], *, clients: int,
               total: int, max_seconds: float, cycle: bool) -> dict[str, float]:
    """``clients`` workers share ``plan`` (cycled if ``cycle``) until ``total`` requests or
    ``max_seconds``; returns latency percentiles in milliseconds."""
    import httpx

    latencies: list[float] = []
    errors = 0
    next_index = 0
    deadline = time.monotonic() + max_seconds + 30  # + time to open the connections
    headers = {"Authorization": f"Bearer {token}"}
    async def worker() -> None:
        # one client with one keep-alive connection per simulated user: a shared pool of 50
        # connections costs the load generator more CPU per request than the server spends
        nonlocal next_index, errors
        async with httpx.AsyncClient(base_url=url, timeout=120, headers=headers,
                                     limits=httpx.Limits(max_connections=1)) as client:
            # open the keep-alive connection first (untimed), then start together: 50 TCP
            # handshakes at once measure the kernel's SYN backlog, not the API
            await client.get("/api/v1/health")
            ready.append(1)
            if len(ready) == clients:
                go.set()
            await go.wait()
            while time.monotonic() < deadline:
                i = next_index
                if i >= total or (not cycle and i >= len(plan)):
                    return
                next_index += 1
                path, params = plan[i % len(plan)]
                t0 = time.perf_counter()
                r = await client.get(path, params=params)
                latencies.append((time.perf_counter() - t0) * 1000)
                if r.status_code != 200:
                    errors += 1

    ready: list[int] = []
    go = asyncio.Event()
    tasks = [asyncio.create_task(worker()) for _ in range(clients)]
    await go.wait()
    started = time.perf_counter()
    await asyncio.gather(*tasks)
    wall = time.perf_counter() - started
    return summarise(latencies, errors, wall)


def summarise(latencies: list[float], errors: int, wall: float) -> dict[str, float]:
    if not latencies:
        return {"requests": 0}
    q = statistics.quantiles(latencies, n=100, method="inclusive") if len(latencies) > 1 \
        else [latencies[0]] * 99
    return {"requests": len(latencies), "errors": errors, "p50_ms": round(q[49], 1),
            "p95_ms": round(q[94], 1), "p99_ms": round(q[98], 1),
            "max_ms": round(max(latencies), 1), "req_per_s": round(len(latencies) / wall, 1)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--interactions", default="10M", help="demo size (e.g. 200k, 2M, 10M)")
    ap.add_argument("--quick", action="store_true", help="200k interactions, fewer requests")
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--requests", type=int, default=3000, help="per phase (upper bound)")
    ap.add_argument("--max-seconds", type=float, default=60.0, help="per phase (upper bound)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--json", action="store_true", help="print the result as JSON only")
    args = ap.parse_args(argv)
    n = 200_000 if args.quick else _size(args.interactions)
    requests = min(args.requests, 1000) if args.quick else args.requests
    import httpx

    with tempfile.TemporaryDirectory(prefix="elk-api-bench-") as tmp:
        data_dir = Path(tmp)
        token, times = prepare(data_dir, n, args.seed)
        proc, url = start_server(data_dir)
        try:
            headers = {"Authorization": f"Bearer {token}"}
            t0 = time.perf_counter()
            first = httpx.get(url + "/api/v1/workspaces/bench/overview", headers=headers,
                              timeout=600)
            cold_ms = (time.perf_counter() - t0) * 1000
            first.raise_for_status()
            days = sorted({d["day"] for d in first.json()["daily"]})
            platforms = sorted({p["platform"] for p in httpx.get(
                url + "/api/v1/workspaces/bench/content", params={"limit": 500},
                headers=headers, timeout=600).json()["items"]})
            plan = dashboard_requests(days, platforms)
            firsts = []
            for path, params in plan:  # the first request of each kind (result cache empty)
                t0 = time.perf_counter()
                httpx.get(url + path, params=params, headers=headers, timeout=600)
                firsts.append((time.perf_counter() - t0) * 1000)
            dashboard = asyncio.run(load(url, token, plan, clients=args.clients, total=requests,
                                         max_seconds=args.max_seconds, cycle=True))
            unique = asyncio.run(load(url, token, unique_requests(days, requests),
                                      clients=args.clients, total=requests,
                                      max_seconds=args.max_seconds, cycle=False))
        finally:
            proc.terminate()
            proc.wait(30)
    result = {
        "interactions": n, "clients": args.clients, "cpus": os.cpu_count(),
        "posts": None if not first else first.json()["totals"]["posts"],
        **{k: round(v, 1) for k, v in times.items()},
        "cold_overview_ms": round(cold_ms, 1),
        "first_of_each_kind_ms": {"median": round(statistics.median(firsts), 1),
                                  "max": round(max(firsts), 1)},
        "dashboard": dashboard, "unique_ranges": unique,
        "goal_p95_ms": 150, "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    if args.json:
        print(json.dumps(result))
        return 0
    print(f"{n:,} interactions, {result['posts']:,} posts; generate {times['generate_s']:.1f} s, "
          f"ingest {times['ingest_s']:.1f} s; {args.clients} clients, {os.cpu_count()} CPUs")
    print(f"cold overview (builds the post rollup): {cold_ms:,.0f} ms; first request of each "
          f"kind: median {result['first_of_each_kind_ms']['median']} ms, "
          f"max {result['first_of_each_kind_ms']['max']} ms")
    for name in ("dashboard", "unique_ranges"):
        r = result[name]
        verdict = "meets" if r.get("p95_ms", 1e9) < 150 else "misses"
        print(f"{name:14s} {r['requests']:6d} req  p50 {r['p50_ms']:7.1f} ms  p95 "
              f"{r['p95_ms']:7.1f} ms  p99 {r['p99_ms']:7.1f} ms  {r['req_per_s']:7.1f} req/s  "
              f"errors {r['errors']}  ({verdict} p95 < 150 ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
