"""DuckDB fast paths for ingestion, by job: :mod:`.staging` (read a file into temporary
tables), :mod:`.compile` (an ingest plan → typed SQL with a reason per record),
:mod:`.writing` (store rows, duplicates and quarantine) and :mod:`.ledger` (the batch record,
committed after the rows). This module keeps the names the ingest layer imports.
"""

from __future__ import annotations

from .ledger import batch_transaction, write_batch
from .staging import Staged, drop_staging, stage_chunks, stage_csv, stage_parquet
from .writing import (
    CONFLICT_POLICIES,
    Counts,
    Validated,
    quarantined_records,
    set_lines,
    store_staged,
    validate,
)

__all__ = [
    "CONFLICT_POLICIES",
    "Counts",
    "Staged",
    "Validated",
    "batch_transaction",
    "drop_staging",
    "quarantined_records",
    "set_lines",
    "stage_chunks",
    "stage_csv",
    "stage_parquet",
    "store_staged",
    "validate",
    "write_batch",
]
