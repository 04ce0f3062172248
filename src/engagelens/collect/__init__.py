"""The real-time collector: events over HTTP into the same exactly-once ingest path as files.

``POST /api/v1/workspaces/{ws}/events/{entity}`` (API token, analyst) and
``POST /api/v1/workspaces/{ws}/webhook/{entity}`` (HMAC-signed, see :mod:`.signing`) accept a
JSON list of records (or ``{"events": [...]}``) for any ingestible table. An accepted request
is written to a durable spool (:mod:`.spool`: fsync before the ``202``) and a worker
(:mod:`.worker`) ingests the spool in micro-batches with :func:`engagelens.ingest.ingest_file`,
so validation, quarantine, duplicates, the batch ledger and the after-ingest hooks (listening
alert rules) are exactly those of a file. A ``kill -9`` loses nothing acknowledged: a spooled
request is deleted only after its batch committed, and a batch re-run after a crash stores
nothing twice (same content hash, same row keys). The spool is bounded
(``collect_max_pending``): when full the endpoints answer 429 with ``Retry-After``.
"""

from .signing import SIGNATURE_HEADER, sign, verify
from .spool import Spool, SpoolFull

__all__ = ["SIGNATURE_HEADER", "Spool", "SpoolFull", "sign", "verify"]
