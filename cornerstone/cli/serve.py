"""`qa serve`: start the Streamlit dashboard on a database."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from cornerstone.cli.options import add_db_option, db_path
from cornerstone.settings import DB_ENV_VAR

APP = Path(__file__).resolve().parents[2] / "dashboard" / "streamlit_app.py"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "serve",
        help="start the dashboard (Streamlit) on localhost",
        description="Start the dashboard. It opens the database only for the moment of each "
        "query or write, so `qa ingest` and `qa score` can run while it is up.",
    )
    add_db_option(parser)
    parser.add_argument("--port", type=int, default=8501, help="port to listen on (default 8501)")
    parser.add_argument(
        "--address", default="127.0.0.1", help="address to bind (default 127.0.0.1)"
    )
    parser.set_defaults(handler=handle)


def streamlit_command(port: int, address: str) -> list[str]:
    return [
        sys.executable, "-m", "streamlit", "run", str(APP),
        "--server.port", str(port),
        "--server.address", address,
        "--server.headless", "true",
        "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
    ]  # fmt: skip


def handle(args: argparse.Namespace) -> int:
    env = {**os.environ, DB_ENV_VAR: str(db_path(args).resolve())}
    print(f"Cornerstone QA on http://{args.address}:{args.port}  (database {env[DB_ENV_VAR]})")
    return subprocess.call(streamlit_command(args.port, args.address), env=env)
