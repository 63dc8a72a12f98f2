"""Convert a helpdesk export to canonical JSONL without a database (`qa convert`).

The same readers and the same validator as `qa ingest`, so a converted file holds exactly what
an import would store; refused records are listed with their position and reason instead of
being quarantined.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from canonical.model import canonical_dict
from canonical.validate import RecordError, to_model, validate_conversation
from warehouse.reading.encoding import inspect, read_head
from warehouse.reading.importers import registry
from warehouse.reading.ingest import check_input_file, read_records


@dataclass
class ConversionReport:
    file_name: str
    format: str = "unknown"
    written: int = 0
    refused: list[tuple[str, str]] = field(default_factory=list)  # (position, reason)

    def summary(self) -> str:
        text = (
            f"{self.file_name} ({self.format}): {self.written:,} conversation"
            f"{'' if self.written == 1 else 's'} written, {len(self.refused):,} refused"
        )
        shown = "; ".join(f"{position}: {reason}" for position, reason in self.refused[:5])
        return text + (f" — {shown}" if shown else "") + (" ..." if len(self.refused) > 5 else "")


def convert_file(path: Path, output: Path, format: str = registry.AUTO) -> ConversionReport:
    """Write every usable conversation of `path` to `output` as canonical JSONL."""
    path, output = Path(path), Path(output)
    check_input_file(path)
    source = inspect(path)
    importer = (
        registry.detect(path, read_head(source))[0]
        if format == registry.AUTO
        else registry.get(format)
    )
    report = ConversionReport(file_name=path.name, format=importer.name)
    with output.open("w", encoding="utf-8") as out:
        for record in read_records(importer, source, lambda done, total: None):
            if record.conversation is None:
                report.refused.append((record.position, record.error or "could not be read"))
                continue
            try:
                conversation = to_model(validate_conversation(record.conversation))
            except RecordError as error:
                report.refused.append((record.position, str(error)))
                continue
            out.write(json.dumps(canonical_dict(conversation), ensure_ascii=False) + "\n")
            report.written += 1
    return report
