"""`qa convert`: a helpdesk export as canonical JSONL (for `qa score-file` or other tools)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from warehouse.reading.convert import convert_file
from warehouse.reading.encoding import NotTextError
from warehouse.reading.importers import registry


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "convert",
        help="convert a helpdesk export to canonical JSONL (no database)",
        description="Read an export with the same readers and validation as `qa ingest` and "
        "write the usable conversations as canonical JSONL; refused records are listed.",
    )
    parser.add_argument("export", type=Path, help="the export file")
    parser.add_argument("--output", "-o", type=Path, required=True, help="canonical JSONL to write")
    parser.add_argument(
        "--format",
        default=registry.AUTO,
        help=f"{registry.AUTO} (default) or one of: {', '.join(registry.names())}",
    )
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from cornerstone.cli import UserError

    try:
        report = convert_file(args.export, args.output, args.format)
    except (FileNotFoundError, NotTextError) as error:
        raise UserError(str(error)) from error
    print(report.summary())
    if report.written == 0:
        print("nothing usable could be read", file=sys.stderr)
        return 1
    return 0
