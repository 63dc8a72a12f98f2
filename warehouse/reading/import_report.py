"""What one import did: the report `ingest_file` returns and the `imports` row stores."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime


@dataclass(frozen=True, slots=True)
class QuarantinedRecord:
    position: str
    reason: str


@dataclass
class ImportReport:
    """What one file's import did; also stored as its `imports` row."""

    file_name: str
    path: str
    format: str = "unknown"
    status: str = "running"  # done | failed
    import_id: int | None = None
    content_hash: str = ""
    records_read: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    quarantined: int = 0
    already_quarantined: int = 0  # refused again by a re-import of the same file: not stored twice
    samples: list[QuarantinedRecord] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    message: str | None = None  # why a failed import failed
    engine: str = ""  # "duckdb" (fast path) or "python"
    fallback_reason: str | None = None  # why DuckDB refused a canonical JSONL file
    python_checked: int = 0  # fast path: rows SQL could not vouch for, judged by Python
    started_at: datetime = field(default_factory=lambda: now())
    finished_at: datetime | None = None

    @property
    def imported(self) -> int:
        return self.new + self.updated + self.unchanged

    @property
    def usable(self) -> bool:
        """True when at least one conversation could be read from the file."""
        return self.imported > 0

    def summary(self) -> str:
        if self.status == "failed":
            return f"{self.file_name}: nothing imported — {self.message}"
        text = (
            f"{self.file_name}: {self.imported:,} conversation{'' if self.imported == 1 else 's'}"
            f" imported ({self.new:,} new, "
            f"{self.updated:,} updated, {self.unchanged:,} unchanged), "
            f"{self.quarantined:,} quarantined"
        )
        if self.already_quarantined:
            text += (
                f" ({self.already_quarantined:,} already in quarantine from an earlier import"
                " of this file)"
            )
        if self.samples:
            shown = "; ".join(f"{s.position}: {s.reason}" for s in self.samples[:5])
            more = " ..." if self.quarantined > 5 else ""
            text += f" — {shown}{more}"
        for warning in self.warnings:
            text += f"\n  warning: {warning}"
        return text


def now() -> datetime:
    """Naive UTC now (the warehouse stores UTC without a zone)."""
    return datetime.now(UTC).replace(tzinfo=None)
