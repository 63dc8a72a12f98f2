"""Options shared by several commands."""

from __future__ import annotations

import argparse
from pathlib import Path

from cornerstone.settings import DB_ENV_VAR, default_db_path


def add_db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        type=Path,
        default=None,
        help=f"DuckDB file (default: ${DB_ENV_VAR} or data/cornerstone.duckdb)",
    )


def db_path(args: argparse.Namespace) -> Path:
    return args.db or default_db_path()
