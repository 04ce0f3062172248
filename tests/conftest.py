"""Shared fixtures: a fresh store per test, the real data sets in ../shared/data, and a real
local webhook receiver and SMTP server for everything that delivers (alerts, reports)."""

from __future__ import annotations

import json
import os
import socket
import threading
from email import message_from_bytes
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("ENGAGELENS_SHARED_DATA", REPO.parent / "shared" / "data"))
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def store(tmp_path):
    from engagelens.store import Store

    s = Store.open(tmp_path / "test.duckdb")
    yield s
    s.close()


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        message = (
            f"shared data sets not found at {SHARED_DATA} "
            "(set ENGAGELENS_SHARED_DATA to their folder)"
        )
        if os.environ.get("CI"):  # on CI a missing data set is a failure, never a silent skip
            pytest.fail(message)
        pytest.skip(message)
    return SHARED_DATA


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return FIXTURES


def empty_all_tables(store) -> None:
    """Empty every declared table of a Spark-backed store.

    Spark tests share one SparkSession (and so one catalog) per process: without this, rows a
    previous test module loaded would be counted again by the next module's figures."""
    from engagelens.model import all_tables

    present = set(store.con.list_tables())
    for spec in all_tables():  # declared tables only: Ibis' in-memory views are not tables
        if spec.name in present:
            store.con.truncate_table(spec.name)


@pytest.fixture
def webhook():
    received: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append(
                {"path": self.path, "type": self.headers["Content-Type"], "json": json.loads(body)}
            )
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):  # keep test output quiet
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook", received
    server.shutdown()
    server.server_close()


@pytest.fixture
def smtp():
    from aiosmtpd.controller import Controller

    class Inbox:
        def __init__(self):
            self.messages = []

        async def handle_DATA(self, server, session, envelope):
            self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content)))
            return "250 OK"

    inbox = Inbox()
    with socket.socket() as probe:  # a free port (Controller's own start-up check needs one)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield f"mailto:ops@example.org?smtp=127.0.0.1:{port}&from=alerts@example.org", inbox
    controller.stop()
