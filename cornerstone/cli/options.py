"""Options shared by several commands."""

from __future__ import annotations

import argparse
from pathlib import Path

from config.settings import DB_ENV_VAR, default_db_path, load_settings
from scoring.loader import default_rubrics_dir


def add_db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        type=Path,
        default=None,
        help=f"DuckDB file (default: ${DB_ENV_VAR}, `db` in cornerstone.toml, "
        "or data/cornerstone.duckdb in the working directory)",
    )


def db_path(args: argparse.Namespace) -> Path:
    return args.db or default_db_path()


def add_workers_option(parser: argparse.ArgumentParser, what: str = "scoring processes") -> None:
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        metavar="W",
        help=f"{what} (default: `scoring.workers` in cornerstone.toml, else the CPU count)",
    )


def workers(args: argparse.Namespace) -> int:
    from cornerstone.cli import UserError

    chosen = args.workers if args.workers is not None else load_settings().scoring.workers
    if chosen < 1:
        raise UserError("--workers must be at least 1")
    return chosen


def rubrics_dir(args: argparse.Namespace) -> Path:
    return args.rubrics or default_rubrics_dir()
