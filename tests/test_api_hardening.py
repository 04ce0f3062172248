"""Server hardening of issue 17 (items 5–7): parameter ranges, a busy store, sessions and
tokens that end, deployment settings, secret files, body limits before auth, token floods,
and access logs that survive redaction. Real servers, real DuckDB files, Uvicorn's own
formatters; nothing mocked."""

from __future__ import annotations

import logging

from engagelens.api import API_PREFIX


def _access_record(path: str) -> logging.LogRecord:
    """A record shaped exactly like Uvicorn's access log call (``h11_impl``/``httptools_impl``)."""
    return logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", path, "1.1", 200),
        None,
    )


def test_redacted_access_lines_still_format_with_uvicorns_formatter():
    from uvicorn.logging import AccessFormatter

    from engagelens.api.security import RedactSecrets

    secret = "elk_" + "a1b2c3d4" * 4
    record = _access_record(f"{API_PREFIX}/me?token={secret}&q=ok")
    assert RedactSecrets().filter(record)
    line = AccessFormatter(fmt="%(client_addr)s %(request_line)s %(status_code)s").format(record)
    assert secret not in line
    assert line == f"127.0.0.1:5000 GET {API_PREFIX}/me?token=***&q=ok HTTP/1.1 200 OK"
