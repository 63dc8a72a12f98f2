"""`qa backup OUT` and `qa restore IN`: a copy of the database taken while the dashboard runs,
and putting one back (checked first; an existing database is replaced only with --force)."""

from __future__ import annotations

import argparse
import logging
import time
from pathlib import Path

from cornerstone.cli.options import add_db_option, db_path

log = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction) -> None:
    backup = subparsers.add_parser(
        "backup",
        help="copy the database to a file, safely while the dashboard and imports run",
        description="Copy the database to OUT (a DuckDB file) in one consistent state. It is "
        "safe while the dashboard runs: writes wait for the copy (as they wait for an import), "
        "reads go on. The copy is checked (every row read back) before it gets its name.",
    )
    backup.add_argument("out", type=Path, metavar="OUT")
    add_db_option(backup)
    backup.add_argument("--force", action="store_true", help="replace OUT if it exists")
    backup.set_defaults(handler=handle_backup)

    restore = subparsers.add_parser(
        "restore",
        help="replace the database with a backup (checked first)",
        description="Check the backup IN (it opens, every row reads back, its schema version "
        "is one this release can use), bring it to this release's schema, and put it in place "
        "of the database in one rename. An existing database is replaced only with --force.",
    )
    restore.add_argument("backup", type=Path, metavar="IN")
    add_db_option(restore)
    restore.add_argument(
        "--force", action="store_true", help="replace the existing database with the backup"
    )
    restore.set_defaults(handler=handle_restore)


def handle_backup(args: argparse.Namespace) -> int:
    from warehouse.storage.maintenance import backup

    started = time.perf_counter()
    facts = backup(db_path(args), args.out, force=args.force)
    log.info(
        "backup of %s to %s took %.1f s", db_path(args), args.out, time.perf_counter() - started
    )
    print(f"backup written: {facts.path} ({facts.summary()})")
    return 0


def handle_restore(args: argparse.Namespace) -> int:
    from warehouse.storage.maintenance import restore

    started = time.perf_counter()
    facts = restore(args.backup, db_path(args), force=args.force)
    log.info("restore of %s took %.1f s", args.backup, time.perf_counter() - started)
    print(f"restored {args.backup} into {facts.path} ({facts.summary()})")
    return 0
