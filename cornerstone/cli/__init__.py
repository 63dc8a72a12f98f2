"""`qa`: the command line. Each command is a thin wrapper over a library function that tests call
directly; each lives in its own module here and registers itself through `register(subparsers)`.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from config.settings import CONFIG_ENV_VAR, SettingsError, load_settings
from cornerstone import __version__
from warehouse.errors import WarehouseError, plain_failure

log = logging.getLogger("cornerstone.cli")

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
    "health",
    "backup",
    "audit",
)


class UserError(Exception):
    """A problem the user can fix (bad path, bad option): printed without a traceback."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="qa",
        description="Cornerstone QA: import helpdesk exports, score conversations, review and coach.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--config",
        type=Path,
        metavar="FILE",
        help=f"settings file (default: ${CONFIG_ENV_VAR}, else ./cornerstone.toml if present)",
    )
    parser.add_argument(
        "--log-level",
        choices=("DEBUG", "INFO", "WARNING", "ERROR"),
        type=str.upper,
        help="diagnostics on stderr from this level (default: [logging] level, else WARNING)",
    )
    parser.add_argument(
        "--log-json", action="store_true", help="diagnostics as JSON lines (for log collectors)"
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"cornerstone.cli.{name}")
        except ImportError as error:  # a packaging mistake: say which command, never hide it
            raise ImportError(
                f"qa command module cornerstone.cli.{name} failed to import: {error}"
            ) from error
        module.register(subparsers)
    return parser


def _configure(args: argparse.Namespace) -> None:
    """Settings file and logging for this run (the file is passed on to child processes)."""
    from config.logs import configure_logging

    if args.config is not None:
        if not args.config.is_file():
            raise UserError(f"settings file {args.config} does not exist")
        os.environ[CONFIG_ENV_VAR] = str(args.config.resolve())
    settings = load_settings()
    configure_logging(
        args.log_level or settings.logging.level,
        args.log_json or settings.logging.format == "json",
    )
    log.debug("qa %s %s; settings: %s", __version__, args.command, settings.model_dump_json())


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        _configure(args)
        return int(args.handler(args) or 0)
    except (UserError, WarehouseError, SettingsError) as error:
        log.debug("%s failed", args.command, exc_info=True)
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted: nothing was changed by the unfinished step", file=sys.stderr)
        return 130
    except Exception as error:  # disk full, busy file, write conflict: plain words, no traceback
        message = plain_failure(error)
        if message is None:
            raise  # a bug: the traceback is what a developer needs
        print(f"error: {message}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
