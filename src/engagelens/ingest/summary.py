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
    #: keys repeated in the file with different values, the policy applied, a few examples
    conflicting_keys: int = 0
    on_conflict: str = "first"
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    #: dates to look at (reported, never changed): day/month order flipping, far outliers
    suspicious_dates: list[dict[str, Any]] = field(default_factory=list)

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
        text = (
            f"read {self.rows_read:,} = stored {self.rows_stored:,} + duplicates "
            f"{self.rows_duplicate:,} + quarantined {self.rows_quarantined:,}"
        )
        if self.conflicting_keys:
            text += (
                f"; {self.conflicting_keys:,} keys repeated with different values "
                f"({_POLICY_WORDS.get(self.on_conflict, self.on_conflict)})"
            )
        if self.suspicious_dates:
            fields = sorted({d["field"] for d in self.suspicious_dates})
            text += f"; suspicious dates in {', '.join(fields)}"
        return text

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


_POLICY_WORDS = {"first": "first kept", "last": "last kept", "quarantine": "all quarantined"}

__all__ = ["BatchSummary"]
