"""`qa quarantine`: list the records imports refused, with where and why."""

from __future__ import annotations

import argparse

from cornerstone.cli.options import add_db_option, db_path
from warehouse import queries
from warehouse.access.viewer import SYSTEM, Viewer
from warehouse.storage.connection import connect


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "quarantine",
        help="list records that imports refused, with file, position and reason",
        description="List quarantined records, newest first: the file, the position in it "
        "(line or record), the reason, and the start of the raw text. Fix the export and "
        "import it again; conversations already imported are left unchanged.",
    )
    add_db_option(parser)
    parser.add_argument("--limit", type=int, default=50, help="at most this many (default 50)")
    parser.add_argument(
        "--raw-chars", type=int, default=120, help="characters of raw text to show (default 120)"
    )
    parser.set_defaults(handler=handle)


def quarantine_lines(
    db: str, limit: int = 50, raw_chars: int = 120, viewer: Viewer = SYSTEM
) -> list[str]:
    """The listing as printable lines (also used by tests)."""
    with connect(db) as con:
        rows = queries.run(
            con, "quarantine_listing", viewer=viewer, limit=limit, raw_chars=raw_chars
        )
        total = queries.run(con, "quarantine_count", viewer=viewer)[0]["quarantined"]
    if not rows:
        return ["no quarantined records"]
    lines = [f"{total:,} quarantined record(s); newest {len(rows):,}:"]
    for row in rows:
        raw = " ".join((row["raw"] or "").split())
        more = "…" if row["raw_length"] and row["raw_length"] > raw_chars else ""
        lines.append(f"{row['file_name']} {row['position']}: {row['reason']}")
        lines.append(f"    raw: {raw}{more}")
    return lines


def handle(args: argparse.Namespace) -> int:
    for line in quarantine_lines(str(db_path(args)), args.limit, args.raw_chars):
        print(line)
    return 0
