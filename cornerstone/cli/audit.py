"""`qa audit verify`: check that nobody edited or deleted audit log rows behind the app's back."""

from __future__ import annotations

import argparse

from cornerstone.cli.options import add_db_option, db_path
from warehouse.access import audit
from warehouse.access.viewer import SYSTEM
from warehouse.storage.connection import connect

BROKEN = 1  # exit status when the chain is broken (2 is any other error)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "audit",
        help="check the audit log's hash chain (qa audit verify)",
        description="Audit log tools. Every audit entry carries a hash of the entry before it "
        "and of its own contents, so changing or deleting entries with any DuckDB client "
        "breaks the chain.",
    )
    actions = parser.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    verify = actions.add_parser(
        "verify",
        help="check every audit entry; exit 1 naming the first broken one",
        description="Recompute the hash chain of the whole audit log. Exits 0 and prints the "
        "newest hash when it is intact (note the hash down: it also proves later that "
        "nothing before it changed); exits 1 and names the first broken entry when any "
        "entry was changed or deleted.",
    )
    add_db_option(verify)
    verify.set_defaults(handler=handle_verify)


def verify_report(db: str) -> audit.ChainReport:
    """The chain check (also used by tests)."""
    with connect(db) as con:
        return audit.verify(con, SYSTEM)


def handle_verify(args: argparse.Namespace) -> int:
    report = verify_report(str(db_path(args)))
    print(report.summary())
    for entry in report.breaks[1:10]:
        print(f"  also entry #{entry['audit_id']}: {entry['problem']}")
    return 0 if report.intact else BROKEN
