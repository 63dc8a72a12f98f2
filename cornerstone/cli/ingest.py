"""`qa ingest FILE...`: import helpdesk exports into the database (thin wrapper over
`warehouse.reading.ingest.ingest_files`)."""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections.abc import Callable
from pathlib import Path

from tqdm import tqdm

from cornerstone.cli.options import add_db_option, db_path
from warehouse.reading.importers import registry
from warehouse.reading.ingest import ImportReport, ProgressCallback, check_input_file, ingest_file

log = logging.getLogger(__name__)
PROGRESS_FROM_BYTES = 20_000_000  # smaller files finish before a bar would help


def register(subparsers: argparse._SubParsersAction) -> None:
    formats = "\n".join(
        f"  {name:<16} {importer.description}" for name, importer in registry.importers().items()
    )
    parser = subparsers.add_parser(
        "ingest",
        help="import export files (canonical JSONL/CSV, Zendesk, Intercom, ...)",
        description="Import helpdesk export files. Each file is one transaction: it is imported "
        "completely or not at all. Refused records go to quarantine (see `qa quarantine`); "
        "re-importing a file changes nothing. Exits non-zero only when nothing usable could be "
        "read from any file.",
        epilog=f"formats (--format):\n  {'auto':<16} detect from the file's content (default)\n"
        f"{formats}\nSee docs/formats.md.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE", help="export file(s)")
    parser.add_argument(
        "--format",
        default=registry.AUTO,
        metavar="F",
        help="format of the files (default: auto-detect); see the list below",
    )
    add_db_option(parser)
    parser.add_argument(
        "--redact",
        action="store_true",
        help="mask e-mail addresses, phone, card and IBAN numbers and street addresses in "
        "message text before storing (warehouse/reading/redaction.py)",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.set_defaults(handler=handle)


def _progress_bar(path: Path, quiet: bool) -> tuple[ProgressCallback | None, Callable[[], None]]:
    size = path.stat().st_size
    if quiet or size < PROGRESS_FROM_BYTES:
        return None, lambda: None
    bar = tqdm(total=size, unit="B", unit_scale=True, desc=path.name, file=sys.stderr, leave=False)

    def update(done: int, total: int) -> None:
        bar.update(max(0, done - bar.n))

    return update, bar.close


def run(args: argparse.Namespace) -> list[ImportReport]:
    for path in args.files:
        check_input_file(path)  # missing, a directory, /dev/zero, a FIFO: refused, with what it is
    if args.format != registry.AUTO:
        registry.get(args.format)  # unknown names fail before anything is opened
    reports = []
    for path in args.files:
        progress, close = _progress_bar(path, args.quiet)
        started = time.perf_counter()
        log.debug("ingest %s into %s (format %s)", path, db_path(args), args.format)
        try:
            report = ingest_file(db_path(args), path, args.format, progress, redact=args.redact)
        finally:
            close()
        log.info(
            "ingest of %s took %.1f s",
            path,
            time.perf_counter() - started,
            extra={"file": str(path), "format": report.format, "quarantined": report.quarantined},
        )
        print(report.summary())
        reports.append(report)
    return reports


def handle(args: argparse.Namespace) -> int:
    reports = run(args)
    if len(reports) > 1:
        total = sum(r.imported for r in reports)
        quarantined = sum(r.quarantined for r in reports)
        print(f"total: {total:,} conversations imported, {quarantined:,} quarantined")
    if any(r.quarantined for r in reports):
        print("see the refused records with: qa quarantine")
    return 0 if any(r.usable for r in reports) else 1
