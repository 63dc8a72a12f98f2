"""`qa users`: create the first admin and manage sign-in accounts from the command line.

The CLI acts as the operator of the database file (the `system` actor in the audit log): whoever
can run it can read the file anyway. Passwords are prompted twice without echo (getpass), or read
from the first line of stdin with --password-stdin (for scripts); never taken as an argument,
which would leave them in shell history and the process list.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from cornerstone.cli import UserError
from cornerstone.cli.options import add_db_option, db_path
from warehouse.access import users
from warehouse.access.permissions import ROLES
from warehouse.access.viewer import SYSTEM
from warehouse.storage.connection import connect, transaction


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "users",
        help="add, list and disable sign-in accounts",
        description="Manage dashboard accounts. Start with `qa users add admin --role admin`.",
    )
    commands = parser.add_subparsers(dest="users_command", metavar="ACTION", required=True)

    add = commands.add_parser(
        "add",
        help="create an account (password prompted twice, never echoed)",
        description="Create an account. Roles: admin, qa_lead, reviewer, manager (needs "
        "--team), agent (needs --agent-id, the agent id used in conversations).",
    )
    add.add_argument("login", help="login name (lower-case letters, digits, . _ - @)")
    add.add_argument("--role", required=True, choices=ROLES, help="what the account may see and do")
    add.add_argument("--name", help="display name (default: the login)")
    add.add_argument("--agent-id", help="for agents: their agent id in the conversations")
    add.add_argument(
        "--team", action="append", default=[], metavar="TEAM",
        help="for managers: a team they manage (repeat for several)",
    )  # fmt: skip
    add.add_argument(
        "--new", action="store_true",
        help="the agent id / teams are new (in no imported conversation yet): create them",
    )  # fmt: skip
    add.add_argument("--email", help="e-mail the company sign-in (OIDC) matches to this account")
    add.add_argument(
        "--password-stdin", action="store_true",
        help="read the password from the first line of standard input instead of prompting",
    )  # fmt: skip
    add_db_option(add)
    add.set_defaults(handler=handle_add)

    listing = commands.add_parser("list", help="list accounts (never passwords)")
    add_db_option(listing)
    listing.set_defaults(handler=handle_list)

    disable = commands.add_parser("disable", help="disable an account and end its sessions")
    disable.add_argument("login")
    add_db_option(disable)
    disable.set_defaults(handler=handle_disable)

    enable = commands.add_parser("enable", help="enable a disabled account")
    enable.add_argument("login")
    add_db_option(enable)
    enable.set_defaults(handler=handle_enable)

    password = commands.add_parser("password", help="set a new password for an account")
    password.add_argument("login")
    password.add_argument("--password-stdin", action="store_true", help="read it from stdin")
    add_db_option(password)
    password.set_defaults(handler=handle_password)


def read_password(from_stdin: bool, stdin=None) -> str:
    """The new password: first line of stdin, or prompted twice (no echo) and compared."""
    if from_stdin:
        line = (stdin or sys.stdin).readline()
        password = line.rstrip("\r\n")
        if not password:
            raise UserError("--password-stdin: standard input had no password on its first line")
        return password
    if not sys.stdin.isatty():
        # getpass would fall back to an echoing prompt: refuse rather than show the password.
        raise UserError("not on a terminal: pipe the password in with --password-stdin")
    try:
        first = getpass.getpass("Password: ")
        second = getpass.getpass("Repeat password: ")
    except EOFError:
        raise UserError("no password given (use --password-stdin when not on a terminal)") from None
    if first != second:
        raise UserError("the two passwords differ; nothing was changed")
    return first


def handle_add(args: argparse.Namespace) -> int:
    password = read_password(args.password_stdin)
    with connect(db_path(args)) as con, transaction(con):
        user = users.add_user(
            con, SYSTEM, args.login, args.role, password,
            display_name=args.name, agent_id=args.agent_id, teams=args.team,
            email=args.email, new_ok=args.new,
        )  # fmt: skip
    print(f"added {user.user_id} ({user.role}{_scope(user.agent_id, user.teams)})")
    return 0


def _scope(agent_id: str | None, teams: tuple[str, ...]) -> str:
    if agent_id:
        return f", agent {agent_id}"
    if teams:
        return f", teams {', '.join(teams)}"
    return ""


def handle_list(args: argparse.Namespace) -> int:
    with connect(db_path(args)) as con:
        rows = users.list_users(con, SYSTEM)
    if not rows:
        print("no accounts yet: create the first admin with `qa users add admin --role admin`")
        return 0
    width = max(len("login"), *(len(r["user_id"]) for r in rows))
    print(f"{'login':<{width}}  {'role':<9} {'status':<8}  scope")
    for r in rows:
        status = "disabled" if r["disabled"] else "active"
        scope = _scope(r["agent_id"], r["teams"]).lstrip(", ") or "all teams"
        print(f"{r['user_id']:<{width}}  {r['role']:<9} {status:<8}  {scope}")
    return 0


def handle_disable(args: argparse.Namespace) -> int:
    with connect(db_path(args)) as con, transaction(con):
        user = users.disable_user(con, SYSTEM, args.login)
    print(f"disabled {user.user_id}; their open sessions were ended")
    return 0


def handle_enable(args: argparse.Namespace) -> int:
    with connect(db_path(args)) as con, transaction(con):
        user = users.enable_user(con, SYSTEM, args.login)
    print(f"enabled {user.user_id}")
    return 0


def handle_password(args: argparse.Namespace) -> int:
    password = read_password(args.password_stdin)
    with connect(db_path(args)) as con, transaction(con):
        users.set_password(con, SYSTEM, args.login, password)
    print(f"password of {users.normalise_login(args.login)} changed; their sessions were ended")
    return 0
