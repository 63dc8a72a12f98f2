"""`qa health`: is the database there, readable and at this release's schema version?"""

from __future__ import annotations

import argparse
import logging
import sys

from cornerstone.cli.options import add_db_option, db_path

log = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "health",
        help="check the database (for monitoring): exit 0 when it can be served",
        description="Open the database read-only and check that it is a Cornerstone QA "
        "database at the schema version this release expects. Prints one line; exits 0 when "
        "healthy, 1 otherwise (missing, unreadable, busy for longer than --wait, or at another "
        "schema version). Never writes.",
    )
    add_db_option(parser)
    parser.add_argument(
        "--wait",
        type=float,
        default=10.0,
        metavar="SECONDS",
        help="how long to wait while an import holds the file (default 10)",
    )
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from warehouse.storage.maintenance import check_health

    health = check_health(db_path(args), wait_seconds=args.wait)
    if health.ok:
        print(health.message)
        return 0
    log.debug("health check of %s failed", db_path(args))
    print(f"unhealthy: {health.message}", file=sys.stderr)
    return 1
