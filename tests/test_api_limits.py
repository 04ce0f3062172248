"""Limits and hygiene of the API on a real server: rate limit per token (429 + Retry-After),
upload and body size limits (413, also for chunked bodies), no secrets in logs, and the CLI
(`token create` prints a working token once; `engagelens serve` starts a server)."""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import threading
import time

import httpx
import pytest

from engagelens.api import API_PREFIX
from test_api_support import upload_csv

RATE = 5
UPLOAD_LIMIT = 4096


@pytest.fixture(scope="module")
def strict(tmp_path_factory):
    """A server with a 5-requests-per-minute limit and 4 KiB uploads."""
    from engagelens.api import Control, create_app
    from engagelens.api.testing import live_server

    data_dir = tmp_path_factory.mktemp("strict")
    control = Control(data_dir)
    control.create_workspace("acme")
    app = create_app(
        data_dir, settings={"api_rate_limit_per_minute": RATE, "api_max_upload_bytes": UPLOAD_LIMIT}
    )
    with (
        live_server(app, log_level="info", access_log=True) as url,
        httpx.Client(base_url=url, timeout=30) as client,
    ):
        yield control, client, url


def _headers(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_rate_limit_per_token_answers_429_with_retry_after(strict):
    control, client, _ = strict
    first = control.create_token("acme", "viewer").token
    other = control.create_token("acme", "viewer").token
    codes = [
        client.get(API_PREFIX + "/me", headers=_headers(first)).status_code for _ in range(RATE + 1)
    ]
    assert codes == [200] * RATE + [429]
    r = client.get(API_PREFIX + "/workspaces/acme/overview", headers=_headers(first))
    assert r.status_code == 429 and r.json()["error"]["code"] == "rate_limited"
    # the bucket refills at RATE/60 per second: one token is back after 60/RATE = 12 s
    assert 1 <= int(r.headers["retry-after"]) <= 60 // RATE
    assert client.get(API_PREFIX + "/me", headers=_headers(other)).status_code == 200


def test_rate_limiter_refills_over_time():
    from engagelens.api.ratelimit import RateLimiter

    now = [0.0]
    limiter = RateLimiter(60, clock=lambda: now[0])  # one per second, burst 60
    assert all(limiter.hit("t") == 0.0 for _ in range(60))
    wait = limiter.hit("t")
    assert wait == pytest.approx(1.0)
    now[0] += 0.5
    assert limiter.hit("t") == pytest.approx(0.5)
    now[0] += 0.5
    assert limiter.hit("t") == 0.0 and limiter.hit("u") == 0.0
    assert RateLimiter(0).hit("t") == 0.0  # 0 disables the limit


def test_upload_over_the_limit_is_413(strict):
    control, client, _ = strict
    token = control.create_token("acme", "analyst").token
    big = upload_csv("p1") + b"x" * (UPLOAD_LIMIT * 3)
    r = client.post(
        API_PREFIX + "/workspaces/acme/ingest",
        headers=_headers(token),
        files={"file": ("interactions.csv", big)},
    )
    assert r.status_code == 413 and r.json()["error"]["code"] == "payload_too_large"
    assert r.headers["content-security-policy"]


def test_chunked_upload_without_length_is_cut_off(strict):
    control, client, _ = strict
    token = control.create_token("acme", "analyst").token
    boundary = "elkboundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
        f'filename="interactions.csv"\r\nContent-Type: text/csv\r\n\r\n'
    ).encode()

    def body():  # a generator: httpx sends it chunked, with no Content-Length
        yield head
        for _ in range(8):
            yield b"y" * 1024
        yield f"\r\n--{boundary}--\r\n".encode()

    r = client.post(
        API_PREFIX + "/workspaces/acme/ingest",
        content=body(),
        headers={**_headers(token), "content-type": f"multipart/form-data; boundary={boundary}"},
    )
    assert "content-length" not in r.request.headers
    assert r.status_code == 413 and r.json()["error"]["code"] == "payload_too_large"


def test_small_upload_still_fits(strict):
    control, client, _ = strict
    token = control.create_token("acme", "analyst").token
    r = client.post(
        API_PREFIX + "/workspaces/acme/ingest",
        headers=_headers(token),
        params={"source": "canonical"},
        files={"file": ("interactions.csv", upload_csv("p1"))},
    )
    assert r.status_code == 201, r.text


def test_json_bodies_are_limited_to_1_mib(strict):
    control, client, _ = strict
    token = control.create_token("acme", "analyst").token
    r = client.post(
        API_PREFIX + "/workspaces/acme/inbox/x/1/assign",
        headers=_headers(token),
        json={"assignee": "a" * (1 << 20)},
    )
    assert r.status_code == 413


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


def test_logs_never_show_tokens_or_passwords(strict):
    control, client, _ = strict
    token = control.create_token("acme", "viewer").token
    capture = _Capture()
    names = ("uvicorn.access", "uvicorn.error", "engagelens.api")
    for name in names:
        logging.getLogger(name).addHandler(capture)
    try:
        client.get(API_PREFIX + "/me", headers=_headers(token))
        client.get(API_PREFIX + "/me", params={"token": token, "password": "hunter2hunter2"})
        client.get(API_PREFIX + "/me", headers={"Authorization": "Bearer elk_wrong_but_secret"})
    finally:
        for name in names:
            logging.getLogger(name).removeHandler(capture)
    text = "\n".join(capture.lines)
    assert "/api/v1/me" in text  # the access log did record the requests
    for secret in (token, "hunter2hunter2", "elk_wrong_but_secret"):
        assert secret not in text


def test_server_error_logs_are_redacted_including_tracebacks(strict):
    # the API's own logger, with an exception whose message quotes a credential
    from engagelens.api.errors import log

    capture = _Capture()
    capture.setFormatter(logging.Formatter("%(message)s"))
    log.addHandler(capture)
    secret = "elk_" + "s3cr3t" * 6
    try:
        try:
            raise RuntimeError(f"boom near Authorization: Bearer {secret} password=hunter2hunter2")
        except RuntimeError as exc:
            log.error("unexpected error with token=%s", secret, exc_info=exc)
    finally:
        log.removeHandler(capture)
    text = "\n".join(capture.lines)
    assert "RuntimeError" in text and "Traceback" in text
    assert secret not in text and "hunter2hunter2" not in text


def test_redact_scrubs_common_credential_shapes():
    from engagelens.api.security import redact

    line = (
        "GET /x?token=abc123&password=pw%21&q=ok Authorization: Bearer elk_abcdefghijkl "
        '{"api_key": "k-1"}'
    )
    clean = redact(line)
    for secret in ("abc123", "pw%21", "elk_abcdefghijkl", "k-1"):
        assert secret not in clean
    assert "q=ok" in clean


def test_result_cache_computes_once_for_concurrent_callers():
    from engagelens.api.cache import ResultCache

    cache, calls, gate = ResultCache(max_items=2), [], threading.Event()

    def slow() -> int:
        calls.append(1)
        gate.wait(5)
        return 42

    out: list[int] = []
    threads = [
        threading.Thread(target=lambda: out.append(cache.get_or_compute("k", slow)))
        for _ in range(8)
    ]
    for t in threads:
        t.start()
    gate.set()
    for t in threads:
        t.join(5)
    assert out == [42] * 8 and len(calls) == 1
    cache.get_or_compute("a", lambda: 1)
    cache.get_or_compute("b", lambda: 2)
    assert cache.get_or_compute("k", lambda: 7) == 7  # evicted (LRU of 2), computed again


def test_cli_token_create_prints_a_working_token_once(strict, capsys):
    from engagelens.cli.main import main

    control, client, _ = strict
    assert (
        main(
            [
                "token",
                "create",
                "--workspace",
                "acme",
                "--role",
                "viewer",
                "--name",
                "ci",
                "--data-dir",
                str(control.data_dir),
            ]
        )
        == 0
    )
    out, err = capsys.readouterr()
    token = out.strip()
    assert token.startswith("elk_") and "shown once" in err and token not in err
    assert client.get(API_PREFIX + "/me", headers=_headers(token)).status_code == 200
    assert main(["token", "list", "--data-dir", str(control.data_dir)]) == 0
    listed = capsys.readouterr().out
    assert "ci" in listed and token not in listed
    assert (
        main(
            [
                "token",
                "create",
                "--workspace",
                "nowhere",
                "--role",
                "viewer",
                "--data-dir",
                str(control.data_dir),
            ]
        )
        == 2
    )
    assert main(["workspace", "create", "Bad Name", "--data-dir", str(control.data_dir)]) == 2


def test_cli_user_create_reads_password_from_stdin(strict, monkeypatch, capsys):
    import io

    from engagelens.api import verify_password
    from engagelens.cli.main import main

    control, _, _ = strict
    monkeypatch.setattr(sys, "stdin", io.StringIO("a long enough password\n"))
    assert (
        main(
            [
                "user",
                "create",
                "bob",
                "--workspace",
                "acme",
                "--role",
                "analyst",
                "--password-stdin",
                "--data-dir",
                str(control.data_dir),
            ]
        )
        == 0
    )
    p = verify_password(control, "bob", "a long enough password")
    assert p is not None and dict(p.roles) == {"acme": "analyst"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_engagelens_serve_starts_uvicorn(tmp_path):
    from engagelens.api import Control

    Control(tmp_path).create_workspace("acme")
    port = _free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "engagelens.cli.main",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--data-dir",
            str(tmp_path),
            "--log-level",
            "warning",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ},
    )
    try:
        deadline, status = time.monotonic() + 30, None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                status = httpx.get(
                    f"http://127.0.0.1:{port}{API_PREFIX}/health", timeout=1
                ).status_code
                break
            except httpx.TransportError:
                time.sleep(0.2)
        assert status == 200, proc.stdout.read().decode() if proc.poll() is not None else "timeout"
    finally:
        proc.terminate()
        proc.wait(10)
