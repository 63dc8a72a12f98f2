"""`qa`: the command line. Each command is a thin wrapper over a library function that tests call
directly; each lives in its own module here and registers itself through `register(subparsers)`.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from warehouse.errors import WarehouseError

# One module per command (group). A new command = a new module + its name here.
COMMAND_MODULES = (
    "demo",
    "ingest",
    "convert",
    "quarantine",
    "score",
    "rubrics",
    "serve",
    "users",
    "notify",
)


class UserError(Exception):
    """A problem the user can fix (bad path, bad option): printed without a traceback."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="qa",
        description="Cornerstone QA: import helpdesk exports, score conversations, review and coach.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"cornerstone.cli.{name}")
        except ModuleNotFoundError as error:
            if error.name == f"cornerstone.cli.{name}":
                continue  # command not built yet
            raise
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except (UserError, WarehouseError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted: nothing was changed by the unfinished step", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
