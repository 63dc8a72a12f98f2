"""`qa serve`: start the Streamlit dashboard on a database.

`qa serve` replaces itself with the Streamlit process (`os.execve`), so the process a supervisor
started (systemd, a container runtime) *is* the server: SIGTERM reaches Streamlit, which stops
cleanly and frees its port. The dashboard runs for users, not developers: no Deploy button or
developer menu (`client.toolbarMode`), and no exception details in the browser
(`client.showErrorDetails`): an error a page does not catch is logged on the server only.
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import sys
from pathlib import Path

from config.settings import DB_ENV_VAR
from cornerstone.cli.options import add_db_option, db_path

LOG_LEVEL_ENV_VAR = "CORNERSTONE_LOGGING__LEVEL"
LOG_FORMAT_ENV_VAR = "CORNERSTONE_LOGGING__FORMAT"

# dashboard/server.py: the pages (streamlit_app.py) plus the session-cookie routes (st.App).
APP = Path(__file__).resolve().parents[2] / "dashboard" / "server.py"

# Streamlit settings for a dashboard that people use (not a developer's local preview).
USER_FACING_OPTIONS = {
    "server.headless": "true",
    "browser.gatherUsageStats": "false",
    "server.fileWatcherType": "none",
    "server.runOnSave": "false",
    "client.toolbarMode": "minimal",  # no Deploy button, no developer menu
    "client.showErrorDetails": "none",  # never a traceback or exception text in the browser
}

NETWORK_WARNING = (
    "warning: serving plain HTTP to the network on {address}; put it behind the reverse proxy "
    "in docs/deploy.md (HTTPS, security headers) and bind to 127.0.0.1"
)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "serve",
        help="start the dashboard (Streamlit) on localhost",
        description="Start the dashboard. It opens the database only for the moment of each "
        "query or write, so `qa ingest` and `qa score` can run while it is up. The process "
        "becomes the server: SIGTERM stops it. For a team, bind to 127.0.0.1 behind the HTTPS "
        "reverse proxy described in docs/deploy.md.",
    )
    add_db_option(parser)
    parser.add_argument("--port", type=int, default=8501, help="port to listen on (default 8501)")
    parser.add_argument(
        "--address",
        default="127.0.0.1",
        help="address to bind (default 127.0.0.1; anything else warns: use the reverse proxy)",
    )
    parser.set_defaults(handler=handle)


def streamlit_command(port: int, address: str) -> list[str]:
    """The command line `qa serve` becomes (also what tests and the systemd unit rely on)."""
    command = [sys.executable, "-m", "streamlit", "run", str(APP)]
    command += ["--server.port", str(port), "--server.address", address]
    for option, value in USER_FACING_OPTIONS.items():
        command += [f"--{option}", value]
    return command


def is_loopback(address: str) -> bool:
    """True for addresses only this machine can reach (127.0.0.0/8, ::1, localhost)."""
    if address.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(address.strip().strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to a public interface


def handle(args: argparse.Namespace) -> int:
    env = {**os.environ, DB_ENV_VAR: str(db_path(args).resolve())}
    # `qa --log-level/--log-json serve`: the server reads its logging settings from these, as
    # it reads the settings file (dashboard/server.py); without the options the file decides.
    if getattr(args, "log_level", None):
        env[LOG_LEVEL_ENV_VAR] = args.log_level
    if getattr(args, "log_json", False):
        env[LOG_FORMAT_ENV_VAR] = "json"
    if not is_loopback(args.address):
        print(NETWORK_WARNING.format(address=args.address), file=sys.stderr)
    print(
        f"Cornerstone QA on http://{args.address}:{args.port}  (database {env[DB_ENV_VAR]})",
        flush=True,
    )
    sys.stderr.flush()
    command = streamlit_command(args.port, args.address)
    os.execve(command[0], command, env)  # never returns: this process becomes the server
    return 0  # pragma: no cover
