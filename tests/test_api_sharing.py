"""One writer, many readers (issue 15.6, 17.5): while ``engagelens serve`` runs, CLI commands on
the same workspace work (they wait for the server to hand the file over, never a lock error),
the server answers 503 with ``Retry-After`` while a CLI command holds the file (never a 500),
no write is lost in either direction, and an upload does not hold up reads.

Real parts only: a live Uvicorn server, real CLI subprocesses, one DuckDB file."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import httpx
import pytest

from engagelens.api import API_PREFIX
from test_api_support import seed_rows, upload_csv, write_store

SRC = str(Path(__file__).resolve().parents[1] / "src")
TESTS = str(Path(__file__).resolve().parent)
CLI = [sys.executable, "-m", "engagelens.cli.main"]


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": os.pathsep.join([SRC, TESTS])}


@pytest.fixture
def server(tmp_path):
    from engagelens.api import Control, create_app
    from engagelens.api.testing import live_server

    control = Control(tmp_path / "data")
    control.create_workspace("acme")
    path = control.workspace_path("acme")
    write_store(path, seed_rows("a", 6))
    token = control.create_token("acme", "admin").token
    app = create_app(control.data_dir, settings={"api_rate_limit_per_minute": 0})
    with live_server(app) as url, httpx.Client(base_url=url + API_PREFIX, timeout=60) as client:
        client.headers["Authorization"] = f"Bearer {token}"
        yield client, path, app


def _totals(client: httpx.Client) -> tuple[int, int]:
    body = client.get("/workspaces/acme/overview").json()
    return body["data_version"], body["totals"]["interactions"]


def _rows(content_id: str, prefix: str) -> bytes:
    """upload_csv's three rows (2 stored, 1 quarantined) with interaction ids ``<prefix>-n``."""
    return upload_csv(content_id).replace(b",up-", f",{prefix}-".encode())


def _csv(tmp_path: Path, name: str, content_id: str) -> Path:
    path = tmp_path / name
    path.write_bytes(_rows(content_id, path.stem))
    return path


def test_cli_commands_work_while_the_server_holds_the_workspace(server, tmp_path):
    client, path, _ = server
    version, interactions = _totals(client)  # the server has the file open now
    csv = _csv(tmp_path, "interactions.csv", "a0")
    ingest = subprocess.run(
        [*CLI, "ingest", str(csv), "-s", "canonical", "--entity", "interaction", "--db", str(path)],
        capture_output=True,
        text=True,
        timeout=300,
        env=_env(),
    )
    assert ingest.returncode == 0, ingest.stderr
    assert "lock" not in (ingest.stdout + ingest.stderr).lower()
    listen = subprocess.run(
        [*CLI, "listen", "add", "orders", "order", "--db", str(path)],
        capture_output=True,
        text=True,
        timeout=300,
        env=_env(),
    )
    assert listen.returncode == 0, listen.stderr
    # the server sees the CLI's batch (2 stored, 1 quarantined) and its query: nothing lost
    assert _totals(client) == (version + 1, interactions + 2)
    names = [q["name"] for q in client.get("/workspaces/acme/listening/queries").json()["items"]]
    assert "orders" in names
    assert client.get("/workspaces/acme/batches").json()["items"][0]["rows_stored"] == 2


HOLDER = textwrap.dedent(
    """
    import sys
    from engagelens.ingest import ingest_file
    from engagelens.store.sharing import open_waiting

    store = open_waiting(sys.argv[1], wait_s=120)
    summary = ingest_file(store, sys.argv[2], source="canonical", entity="interaction")
    print("held", summary.rows_stored, flush=True)
    sys.stdin.readline()  # hold the file until the test says so
    store.close()
    print("released", flush=True)
    """
)


def test_the_server_answers_503_while_a_cli_command_holds_the_file(server, tmp_path):
    client, path, _ = server
    version, interactions = _totals(client)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path), str(_csv(tmp_path, "cli.csv", "a2"))],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(),
    )
    try:
        # the holder claims the file; the server hands it over and the ingest commits
        assert holder.stdout.readline().split() == ["held", "2"], holder.stderr.read()
        busy = client.get("/workspaces/acme/batches")
        assert busy.status_code == 503, busy.text
        assert busy.json()["error"]["code"] == "store_busy"
        assert int(busy.headers["retry-after"]) >= 1
        refused = client.post(
            "/workspaces/acme/ingest",
            params={"source": "canonical", "entity": "interaction"},
            files={"file": ("api.csv", _rows("a4", "api"))},
        )
        assert refused.status_code == 503 and "retry-after" in refused.headers
        holder.stdin.write("\n")
        holder.stdin.flush()
        assert holder.stdout.readline().strip() == "released"
    finally:
        holder.kill() if holder.poll() is None else None
        holder.wait(30)
    # the CLI's write is there; the refused upload stored nothing until it is sent again
    assert _totals(client) == (version + 1, interactions + 2)
    again = client.post(
        "/workspaces/acme/ingest",
        params={"source": "canonical", "entity": "interaction"},
        files={"file": ("api.csv", _rows("a4", "api"))},
    )
    assert again.status_code == 201, again.text
    assert _totals(client) == (version + 2, interactions + 4)


def test_reads_go_on_while_an_upload_is_being_ingested(server):
    """The upload's ingest is held inside its transaction (a before-commit hook waits); reads
    of the same workspace answer meanwhile, with the data from before the upload."""
    from engagelens import hooks

    client, _, _ = server
    version, interactions = _totals(client)
    inside, proceed = threading.Event(), threading.Event()

    class Hold:
        @hooks.hookimpl
        def engagelens_before_commit(self, store, summary):
            inside.set()
            proceed.wait(120)

    pm = hooks.plugin_manager()
    hold = Hold()
    pm.register(hold)
    result: dict[str, httpx.Response] = {}
    try:
        upload = threading.Thread(
            target=lambda: result.setdefault(
                "r",
                client.post(
                    "/workspaces/acme/ingest",
                    params={"source": "canonical", "entity": "interaction"},
                    files={"file": ("up.csv", _rows("a2", "up"))},
                ),
            )
        )
        upload.start()
        assert inside.wait(120)
        with httpx.Client(base_url=str(client.base_url), headers=client.headers, timeout=20) as c2:
            batches = c2.get("/workspaces/acme/batches")
            content = c2.get("/workspaces/acme/interactions", params={"limit": 500})
        assert batches.status_code == 200 and batches.json()["total"] == version
        assert content.status_code == 200
        ids = {i["interaction_id"] for i in content.json()["items"]}
        assert ids and not ids & {"up-1", "up-3"}  # the data from before the upload
    finally:
        proceed.set()
        pm.unregister(hold)
    upload.join(120)
    assert result["r"].status_code == 201, result["r"].text
    assert _totals(client) == (version + 1, interactions + 2)
