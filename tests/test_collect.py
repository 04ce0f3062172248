"""The real-time collector (issue 13.5): signed webhooks (HMAC, replay window), batched JSON
events through the same validation/quarantine/exactly-once ingest as files, alert rules run
on arrival, a bounded spool with back-pressure, and nothing acknowledged lost to ``kill -9``.
Real Uvicorn servers and real DuckDB files; the crash test kills a real ``engagelens collect``
process."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from engagelens.api import API_PREFIX
from engagelens.collect import SIGNATURE_HEADER, Spool, SpoolFull, sign, verify
from engagelens.collect.signing import BadSignature

SECRET = "whsec-test-" + "k" * 24
SRC = str(Path(__file__).resolve().parents[1] / "src")
CLI = [sys.executable, "-m", "engagelens.cli.main"]


def _mentions(prefix: str, n: int, text: str = "hello") -> list[dict[str, object]]:
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None).isoformat()
    return [
        {"platform": "x", "mention_id": f"{prefix}-{i}", "created_at": now, "text": text}
        for i in range(n)
    ]


# -- signing --------------------------------------------------------------------------------
def test_signatures_bind_body_secret_and_time():
    body = b'[{"a": 1}]'
    header = sign(SECRET, body, timestamp=1_700_000_000)
    assert verify(SECRET, header, body, now=1_700_000_100) == 1_700_000_000
    for bad_secret, bad_body, now in [
        ("other-secret", body, 1_700_000_100),  # wrong key
        (SECRET, b'[{"a": 2}]', 1_700_000_100),  # tampered body
        (SECRET, body, 1_700_000_301),  # replayed after the 300 s window
        (SECRET, body, 1_699_999_699),  # from the future beyond the window
    ]:
        with pytest.raises(BadSignature):
            verify(SECRET, sign(bad_secret, body, 1_700_000_000), bad_body, now=now)
    with pytest.raises(BadSignature):
        verify(SECRET, "t=abc,v1=00", body)
    with pytest.raises(BadSignature, match="off"):
        verify("", header, body)


def test_the_spool_is_bounded(tmp_path):
    spool = Spool(tmp_path, max_pending=2)
    spool.put("acme", "mention", [{"x": 1}])
    spool.put("acme", "mention", [{"x": 2}])
    with pytest.raises(SpoolFull) as full:
        spool.put("acme", "mention", [{"x": 3}])
    assert full.value.retry_after_s >= 1
    spool.done(spool.pending("acme")[:1])
    spool.put("acme", "mention", [{"x": 4}])  # room again once a request is stored
    assert len(spool.pending("acme")) == 2


# -- end to end on a live server ------------------------------------------------------------
@pytest.fixture
def live(tmp_path):
    from engagelens.api import Control, create_app
    from engagelens.api.testing import live_server
    from engagelens.listening import add_query, alerts
    from engagelens.store import Store

    control = Control(tmp_path / "data")
    control.create_workspace("acme")
    with Store.open(control.workspace_path("acme")) as store:
        add_query(store, "acme", "hello OR refund")
        alerts.add_rule(store, "refunds", "keyword", keyword="refund", channels=["log"])
    token = control.create_token("acme", "analyst").token
    app = create_app(
        control.data_dir,
        settings={"api_rate_limit_per_minute": 0, "collect_webhook_secret": SECRET},
    )
    with live_server(app) as url, httpx.Client(base_url=url, timeout=60) as client:
        client.headers["Authorization"] = f"Bearer {token}"
        yield client, control, app


def _wait_stored(client: httpx.Client, request_id: str, timeout_s: float = 120) -> None:
    deadline = time.monotonic() + timeout_s
    path = f"{API_PREFIX}/workspaces/acme/events/mention/{request_id}"
    while client.get(path).json()["state"] != "stored":
        assert time.monotonic() < deadline, "the collector did not store the request"
        time.sleep(0.05)


def test_events_are_validated_quarantined_stored_once_and_alerted(live):
    client, _, app = live
    events = [*_mentions("e", 2), *_mentions("r", 1, "I want a refund"), {"platform": "x"}]
    r = client.post(f"{API_PREFIX}/workspaces/acme/events/mention", json={"events": events})
    assert r.status_code == 202 and r.json()["accepted"] == 4
    _wait_stored(client, r.json()["id"])
    batch = client.get(f"{API_PREFIX}/workspaces/acme/batches").json()["items"][0]
    assert (batch["rows_read"], batch["rows_stored"], batch["rows_quarantined"]) == (4, 3, 1)
    # the same events again: duplicates, nothing stored twice
    again = client.post(f"{API_PREFIX}/workspaces/acme/events/mention", json=events[:3])
    _wait_stored(client, again.json()["id"])
    batch = client.get(f"{API_PREFIX}/workspaces/acme/batches").json()["items"][0]
    assert (batch["rows_stored"], batch["rows_duplicate"]) == (0, 3)
    # the keyword rule fired on arrival for the one refund mention
    ws = client.get(f"{API_PREFIX}/workspaces/acme/listening/queries")
    assert ws.status_code == 200
    store = app.state.engagelens.workspaces.get("acme")
    with store.session() as s:
        fired = s.table("alert_event").to_pyarrow().to_pylist()
    assert [(e["rule"], e["status"]) for e in fired] == [("refunds", "sent")]
    assert json.loads(fired[0]["payload"])["details"]["count"] == 1


def test_webhooks_need_a_fresh_signature(live):
    client, *_ = live
    body = json.dumps(_mentions("w", 2)).encode()
    url = "/collect/v1/workspaces/acme/webhook/mention"
    plain = httpx.Headers({"content-type": "application/json"})
    assert client.post(url, content=body, headers=plain).status_code == 401
    stale = {**plain, SIGNATURE_HEADER: sign(SECRET, body, int(time.time()) - 301)}
    assert client.post(url, content=body, headers=stale).status_code == 401
    signed = {**plain, SIGNATURE_HEADER: sign(SECRET, body)}
    r = client.post(url, content=body, headers=signed)
    assert r.status_code == 202, r.text
    _wait_stored(client, r.json()["id"])
    ids = {
        b["rows_stored"]
        for b in client.get(f"{API_PREFIX}/workspaces/acme/batches").json()["items"]
    }
    assert ids == {2}
    nowhere = client.post(url.replace("acme", "nowhere"), content=body, headers=signed)
    assert nowhere.status_code == 404


def test_a_full_spool_answers_429_with_retry_after(live):
    client, _, app = live
    app.state.engagelens_collector.stop()  # nothing drains: the spool fills
    app.state.engagelens_spool.max_pending = 1
    url = f"{API_PREFIX}/workspaces/acme/events/mention"
    assert client.post(url, json=_mentions("f", 1)).status_code == 202
    full = client.post(url, json=_mentions("g", 1))
    assert full.status_code == 429 and int(full.headers["retry-after"]) >= 1


# -- kill -9 --------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_collector(data_dir: Path, port: int) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [
            *CLI,
            "collect",
            "--port",
            str(port),
            "--data-dir",
            str(data_dir),
            "--log-level",
            "warning",
        ],
        env={**os.environ, "PYTHONPATH": SRC},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}{API_PREFIX}/health", timeout=1).is_success:
                return proc
        except httpx.TransportError:
            time.sleep(0.2)
    proc.kill()
    raise AssertionError("collector did not start")


def test_kill_9_mid_stream_loses_nothing_acknowledged(tmp_path):
    from engagelens.api import Control
    from engagelens.store import Store

    control = Control(tmp_path / "data")
    control.create_workspace("acme")
    token = control.create_token("acme", "analyst").token
    port = _free_port()
    proc = _start_collector(control.data_dir, port)
    acked: list[str] = []
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as c:
            for i in range(40):
                r = c.post(
                    f"{API_PREFIX}/workspaces/acme/events/mention",
                    json=_mentions(f"k{i}", 5),
                    headers={"Authorization": f"Bearer {token}"},
                )
                assert r.status_code == 202
                acked += [f"k{i}-{j}" for j in range(5)]
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
    proc = _start_collector(control.data_dir, port)  # picks up the spool where it stopped
    try:
        spool = control.data_dir / "collect" / "acme"
        deadline = time.monotonic() + 180
        while any(spool.glob("*.json")) or any((spool / "batches").glob("*.members")):
            assert time.monotonic() < deadline, "the restarted collector did not drain"
            time.sleep(0.2)
        time.sleep(0.5)
    finally:
        proc.terminate()
        proc.wait(30)
    with Store.open(control.workspace_path("acme")) as store:
        rows = store.table("mention").select("mention_id").to_pyarrow().to_pylist()
        batches = store.table("ingest_batch").to_pyarrow().to_pylist()
    stored = [r["mention_id"] for r in rows]
    assert sorted(stored) == sorted(acked)  # every acknowledged event, each exactly once
    assert sum(b["rows_stored"] for b in batches) == len(acked)
    for b in batches:
        assert b["rows_read"] == b["rows_stored"] + b["rows_duplicate"] + b["rows_quarantined"]
