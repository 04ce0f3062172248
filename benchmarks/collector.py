"""Collector load on loopback: sustained events/s, p95 POST→stored and POST→alert, and a
``kill -9`` of the server mid-stream that must lose nothing acknowledged.

``engagelens collect`` runs in its own process on a fresh data folder with a keyword alert rule
whose channel is a webhook served by this script (so an alert's arrival time is measured where a
user would see it). ``--clients`` threads POST batches of ``--batch`` mentions for
``--seconds``; a poller measures when each request is stored (its status turns ``stored``);
once a second a probe mention matching the rule measures POST→alert. Then the stream runs
again and the server is killed with SIGKILL mid-stream and restarted; every acknowledged
mention must be stored exactly once. Prints one JSON object; ratios are against the
``/health`` round trip measured in the same run.

    python benchmarks/collector.py --quick
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.server
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import ClassVar

import httpx

ROOT = Path(__file__).resolve().parents[1]
API = "/api/v1"
CLI = [sys.executable, "-m", "engagelens.cli.main"]


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _p(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def _start(data: Path, port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [*CLI, "collect", "--port", str(port), "--data-dir", str(data), "--log-level", "warning"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(600):
        try:
            if httpx.get(f"http://127.0.0.1:{port}{API}/health", timeout=1).is_success:
                return proc
        except httpx.TransportError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("collector did not start")


class Alerts(http.server.BaseHTTPRequestHandler):
    """The alert channel: records when each probe mention's alert arrived."""

    arrived: ClassVar[dict[str, float]] = {}

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["content-length"])))
        now = time.monotonic()
        for ex in body.get("details", {}).get("examples", []):
            Alerts.arrived.setdefault(str(ex.get("mention_id")), now)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def _mentions(prefix: str, n: int, text: str = "hello world") -> list[dict[str, object]]:
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None).isoformat()
    return [
        {"platform": "x", "mention_id": f"{prefix}-{i}", "created_at": now, "text": text}
        for i in range(n)
    ]


def stream(
    base: str, token: str, *, clients: int, batch: int, seconds: float, tag: str, probes: bool
) -> dict[str, object]:
    headers = {"Authorization": f"Bearer {token}"}
    url = f"{base}{API}/workspaces/acme/events/mention"
    sent: dict[str, float] = {}  # request id -> POST time
    acked: list[str] = []
    probe_sent: dict[str, float] = {}
    refused = 0
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(k: int) -> None:
        nonlocal refused
        with httpx.Client(timeout=30, headers=headers) as c:
            i = 0
            while time.monotonic() < stop:
                prefix = f"{tag}{k}-{i}"
                t0 = time.monotonic()
                try:
                    r = c.post(url, json=_mentions(prefix, batch))
                except httpx.TransportError:
                    return  # the server was killed: only acknowledged requests count
                if r.status_code == 202:
                    with lock:
                        sent[r.json()["id"]] = t0
                        acked.extend(f"{prefix}-{j}" for j in range(batch))
                else:
                    refused += 1
                    time.sleep(float(r.headers.get("retry-after", "1")))
                i += 1

    def prober() -> None:
        with httpx.Client(timeout=30, headers=headers) as c:
            n = 0
            while time.monotonic() < stop:
                mid = f"{tag}probe-{n}"
                t0 = time.monotonic()
                try:
                    r = c.post(
                        url, json=[{**_mentions(mid, 1, "I want a refund")[0], "mention_id": mid}]
                    )
                except httpx.TransportError:
                    return
                if r.status_code == 202:
                    probe_sent[mid] = t0
                    with lock:
                        acked.append(mid)
                n += 1
                time.sleep(1.0)

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    if probes:
        threads.append(threading.Thread(target=prober))
    t_start = time.monotonic()
    for t in threads:
        t.start()
    return {
        "threads": threads,
        "sent": sent,
        "acked": acked,
        "probe_sent": probe_sent,
        "refused": lambda: refused,
        "t_start": t_start,
        "url": url,
        "headers": headers,
    }


def wait_stored(run: dict[str, object], base: str) -> dict[str, float]:
    """Poll each acknowledged request until stored; its POST→stored latency."""
    stored: dict[str, float] = {}
    sent: dict[str, float] = run["sent"]  # type: ignore[assignment]
    with httpx.Client(timeout=30, headers=run["headers"]) as c:  # type: ignore[arg-type]
        while True:
            pending = [rid for rid in list(sent) if rid not in stored]
            alive = any(t.is_alive() for t in run["threads"])  # type: ignore[attr-defined]
            if not pending and not alive:
                return stored
            for rid in pending[:200]:
                r = c.get(f"{run['url']}/{rid}")
                if r.status_code == 200 and r.json()["state"] == "stored":
                    stored[rid] = time.monotonic() - sent[rid]
            time.sleep(0.02)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--batch", type=int, default=50, help="mentions per POST")
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--quick", action="store_true", help="4 clients, 10 s")
    args = ap.parse_args()
    if args.quick:
        args.clients, args.seconds = 4, 10.0

    sys.path.insert(0, str(ROOT / "src"))
    from engagelens.api import Control
    from engagelens.listening import alerts
    from engagelens.store import Store

    alert_port = _port()
    receiver = http.server.ThreadingHTTPServer(("127.0.0.1", alert_port), Alerts)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()

    data = Path(tempfile.mkdtemp(prefix="collector-bench-"))
    control = Control(data)
    control.create_workspace("acme")
    with Store.open(control.workspace_path("acme")) as store:
        alerts.add_rule(
            store,
            "refunds",
            "keyword",
            keyword="refund",
            channels=[f"http://127.0.0.1:{alert_port}/alert"],
        )
    token = control.create_token("acme", "analyst").token
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "src"),
        "ENGAGELENS_ALERT_COOLDOWN_MINUTES": "0",
        "ENGAGELENS_API_RATE_LIMIT_PER_MINUTE": "0",  # measure the collector, not the limiter
    }
    port = _port()
    base = f"http://127.0.0.1:{port}"
    proc = _start(data, port, env)
    with httpx.Client() as c:
        health = []
        for _ in range(50):
            t0 = time.monotonic()
            c.get(f"{base}{API}/health")
            health.append(time.monotonic() - t0)

    # phase 1: sustained load
    run = stream(
        base,
        token,
        clients=args.clients,
        batch=args.batch,
        seconds=args.seconds,
        tag="s",
        probes=True,
    )
    stored = wait_stored(run, base)
    elapsed = time.monotonic() - run["t_start"]  # type: ignore[operator]
    time.sleep(2.0)  # the last probe's alert
    probe_sent: dict[str, float] = run["probe_sent"]  # type: ignore[assignment]
    alert_lat = [Alerts.arrived[m] - t for m, t in probe_sent.items() if m in Alerts.arrived]
    events = len(run["acked"])  # type: ignore[arg-type]
    health_p50 = statistics.median(health)

    # phase 2: kill -9 mid-stream, restart, everything acknowledged stored once
    run2 = stream(
        base,
        token,
        clients=args.clients,
        batch=args.batch,
        seconds=args.seconds,
        tag="k",
        probes=False,
    )
    time.sleep(min(3.0, args.seconds / 2))
    proc.send_signal(signal.SIGKILL)
    proc.wait(30)
    for t in run2["threads"]:  # type: ignore[attr-defined]
        t.join()
    proc = _start(data, port, env)
    wait_stored({**run2, "threads": []}, base)
    proc.terminate()
    proc.wait(60)
    with Store.open(control.workspace_path("acme")) as store:
        ids = [
            r["mention_id"]
            for r in store.table("mention").select("mention_id").to_pyarrow().to_pylist()
        ]
        batches = store.table("ingest_batch").to_pyarrow().to_pylist()
    acked_all = list(run["acked"]) + list(run2["acked"])  # type: ignore[call-overload]
    missing = set(acked_all) - set(ids)
    duplicated = len(ids) - len(set(ids))
    ledger_ok = all(
        b["rows_read"] == b["rows_stored"] + b["rows_duplicate"] + b["rows_quarantined"]
        for b in batches
    )
    print(
        json.dumps(
            {
                "clients": args.clients,
                "events_per_post": args.batch,
                "seconds": round(elapsed, 1),
                "events_acknowledged": events,
                "events_per_s_sustained": round(events / elapsed, 1),
                "requests_refused_429": run["refused"](),  # type: ignore[operator]
                "post_to_stored_p50_s": round(_p(list(stored.values()), 0.5), 3),
                "post_to_stored_p95_s": round(_p(list(stored.values()), 0.95), 3),
                "post_to_alert_p50_s": round(_p(alert_lat, 0.5), 3),
                "post_to_alert_p95_s": round(_p(alert_lat, 0.95), 3),
                "alerts_measured": len(alert_lat),
                "health_roundtrip_p50_s": round(health_p50, 4),
                "stored_p95_vs_health": round(_p(list(stored.values()), 0.95) / health_p50, 1),
                "kill9_acknowledged": len(run2["acked"]),  # type: ignore[arg-type]
                "kill9_missing": len(missing),
                "duplicated_rows": duplicated,
                "ledger_consistent": ledger_ok,
            }
        )
    )
    if missing or duplicated or not ledger_ok:
        raise SystemExit("the collector lost or duplicated acknowledged events")


if __name__ == "__main__":
    main()
