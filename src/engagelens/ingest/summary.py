"""The result of one ingested file: read = stored + duplicate + quarantined, always."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class BatchSummary:
    """Counts of one batch. A row is *read* once and ends in exactly one bucket: stored (new),
    duplicate (its natural key was already stored, or appeared earlier in the file) or
    quarantined (kept in ``quarantine`` with its line and reason)."""

    batch_id: int
    file: str
    source: str
    entity: str
    rows_read: int
    rows_stored: int
    rows_duplicate: int
    rows_quarantined: int
    seconds: float
    content_hash: str = ""
    format: str = ""
    encoding: str = ""
    stored_by_table: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.rows_read != self.rows_stored + self.rows_duplicate + self.rows_quarantined:
            raise ValueError(
                f"batch {self.batch_id}: read {self.rows_read} ≠ stored "
                f"{self.rows_stored} + duplicate {self.rows_duplicate} + "
                f"quarantined {self.rows_quarantined}"
            )

    @property
    def rows_per_second(self) -> float:
        return self.rows_read / self.seconds if self.seconds > 0 else float("inf")

    def line(self) -> str:
        """The one-line summary the CLI prints."""
        return (
            f"read {self.rows_read:,} = stored {self.rows_stored:,} + duplicates "
            f"{self.rows_duplicate:,} + quarantined {self.rows_quarantined:,}"
        )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


__all__ = ["BatchSummary"]
