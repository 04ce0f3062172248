"""A real Uvicorn server in a background thread, for tests and benchmarks.

``with live_server(app) as url:`` binds 127.0.0.1 on a free port (port 0, so parallel runs do
not collide), waits until Uvicorn reports it started, and shuts it down on exit. The API tests
and the dashboard's browser tests use it; nothing here is mocked.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from typing import Any


@contextlib.contextmanager
def live_server(
    app: Any,
    *,
    host: str = "127.0.0.1",
    timeout_s: float = 20.0,
    log_level: str = "warning",
    access_log: bool = False,
    **options: Any,
) -> Iterator[str]:
    """Serve ``app`` on ``host`` and yield its base URL (``http://127.0.0.1:<port>``);
    ``options`` go to ``uvicorn.Config`` (e.g. ``proxy_headers``, ``forwarded_allow_ips``)."""
    import uvicorn

    config = uvicorn.Config(
        app,
        host=host,
        port=0,
        log_level=log_level,
        lifespan="on",
        server_header=False,
        access_log=access_log,
        **options,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="engagelens-live-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout_s
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            raise RuntimeError("the test server did not start")
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout_s)


__all__ = ["live_server"]
