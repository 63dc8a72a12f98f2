"""Accounts: add, disable/enable, change role and teams, set passwords, list — and demo accounts.

Every change is checked here (admins only, `users.manage`), not only in the page, and audited.
Sign-in lives in `warehouse/sign_in.py`, browser sessions in `warehouse/sessions.py`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import duckdb

from warehouse import audit, queries
from warehouse.audit import utc_now
from warehouse.errors import WarehouseError
from warehouse.passwords import check_policy, hash_password
from warehouse.permissions import require
from warehouse.sessions import end_user_sessions
from warehouse.viewer import ROLES, Viewer

LOGIN_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._@-]{1,63}$")


class UserError(WarehouseError):
    """Bad account data (unknown role, bad login name, duplicate login...)."""


@dataclass(frozen=True)
class User:
    user_id: str
    display_name: str
    role: str
    agent_id: str | None
    teams: tuple[str, ...]
    disabled: bool

    def viewer(self) -> Viewer:
        return Viewer(
            user_id=self.user_id, role=self.role, agent_id=self.agent_id, teams=self.teams
        )


def normalise_login(login: str) -> str:
    return (login or "").strip().lower()


def _validated(login: str, role: str, agent_id: str | None, teams: tuple[str, ...]) -> None:
    if not LOGIN_PATTERN.match(login):
        raise UserError(
            f"login {login!r} is not valid: use 2-64 lower-case letters, digits, '.', '_', '-', '@'"
        )
    if role not in ROLES:
        raise UserError(f"unknown role {role!r}; expected one of {', '.join(ROLES)}")
    if role == "agent" and not agent_id:
        raise UserError("an agent account needs --agent-id (the agent id used in conversations)")
    if role == "manager" and not teams:
        raise UserError("a manager account needs at least one --team")


def user_with_hash(con: duckdb.DuckDBPyConnection, login: str) -> tuple[User, str] | None:
    """The account and its password hash (for warehouse.authentication only), or None."""
    rows = con.execute(
        "SELECT user_id, display_name, role, agent_id, teams, disabled, password_hash"
        " FROM users WHERE user_id = $login",
        {"login": login},
    ).fetchall()
    if not rows:
        return None
    user_id, name, role, agent_id, teams, disabled, password_hash = rows[0]
    return User(user_id, name, role, agent_id, tuple(teams or ()), bool(disabled)), password_hash


def get_user(con: duckdb.DuckDBPyConnection, login: str) -> User | None:
    found = user_with_hash(con, normalise_login(login))
    return found[0] if found else None


def add_user(
    con: duckdb.DuckDBPyConnection,
    actor: Viewer,
    login: str,
    role: str,
    password: str,
    *,
    display_name: str | None = None,
    agent_id: str | None = None,
    teams: tuple[str, ...] | list[str] = (),
) -> User:
    """Create an account (admins only). The password must pass the policy; only its hash is kept."""
    require(actor, "users.manage")
    login = normalise_login(login)
    teams = tuple(t.strip() for t in teams if t and t.strip())
    agent_id = (agent_id or "").strip() or None
    _validated(login, role, agent_id, teams)
    check_policy(password, login)
    if user_with_hash(con, login) is not None:
        raise UserError(f"login {login!r} already exists")
    now = utc_now()
    con.execute(
        "INSERT INTO users (user_id, display_name, role, agent_id, teams, password_hash,"
        " created_at, created_by, password_changed_at, disabled)"
        " VALUES ($login, $name, $role, $agent_id, $teams, $hash, $now, $by, $now, false)",
        {
            "login": login,
            "name": (display_name or login).strip()[:200],
            "role": role,
            "agent_id": agent_id if role == "agent" else None,
            "teams": list(teams) if role == "manager" else [],
            "hash": hash_password(password),
            "now": now,
            "by": actor.user_id,
        },
    )
    audit.record(
        con, actor, "user.add", login, {"role": role, "agent_id": agent_id, "teams": teams}
    )
    return get_user(con, login)  # type: ignore[return-value]


def _require_existing(con: duckdb.DuckDBPyConnection, login: str) -> User:
    user = get_user(con, login)
    if user is None:
        raise UserError(f"no account {normalise_login(login)!r}")
    return user


def _active_admins(con: duckdb.DuckDBPyConnection) -> int:
    rows = con.execute(
        "SELECT count(*) FROM users WHERE role = 'admin' AND NOT disabled"
    ).fetchall()
    return int(rows[0][0])


def disable_user(con: duckdb.DuckDBPyConnection, actor: Viewer, login: str) -> User:
    """Disable an account and end its sessions (admins only; the last admin cannot be disabled)."""
    require(actor, "users.manage")
    user = _require_existing(con, login)
    if user.role == "admin" and not user.disabled and _active_admins(con) <= 1:
        raise UserError(f"{user.user_id} is the last active admin; add another admin first")
    con.execute("UPDATE users SET disabled = true WHERE user_id = $login", {"login": user.user_id})
    end_user_sessions(con, user.user_id)
    audit.record(con, actor, "user.disable", user.user_id)
    return _require_existing(con, user.user_id)


def enable_user(con: duckdb.DuckDBPyConnection, actor: Viewer, login: str) -> User:
    require(actor, "users.manage")
    user = _require_existing(con, login)
    con.execute("UPDATE users SET disabled = false WHERE user_id = $login", {"login": user.user_id})
    audit.record(con, actor, "user.enable", user.user_id)
    return _require_existing(con, user.user_id)


def change_role(
    con: duckdb.DuckDBPyConnection,
    actor: Viewer,
    login: str,
    role: str,
    *,
    agent_id: str | None = None,
    teams: tuple[str, ...] | list[str] = (),
) -> User:
    """Change an account's role, agent id and teams (admins only). Ends its open sessions."""
    require(actor, "users.manage")
    user = _require_existing(con, login)
    teams = tuple(t.strip() for t in teams if t and t.strip())
    agent_id = (agent_id or "").strip() or None
    _validated(user.user_id, role, agent_id, teams)
    if user.role == "admin" and role != "admin" and not user.disabled and _active_admins(con) <= 1:
        raise UserError(f"{user.user_id} is the last active admin; add another admin first")
    con.execute(
        "UPDATE users SET role = $role, agent_id = $agent_id, teams = $teams WHERE user_id = $login",
        {
            "login": user.user_id,
            "role": role,
            "agent_id": agent_id if role == "agent" else None,
            "teams": list(teams) if role == "manager" else [],
        },
    )
    end_user_sessions(con, user.user_id)
    audit.record(
        con,
        actor,
        "user.change_role",
        user.user_id,
        {"from": user.role, "to": role, "agent_id": agent_id, "teams": teams},
    )
    return _require_existing(con, user.user_id)


def set_password(con: duckdb.DuckDBPyConnection, actor: Viewer, login: str, password: str) -> None:
    """Set a new password: admins for anyone, every user for themselves. Ends other sessions."""
    user = _require_existing(con, login)
    if actor.user_id != user.user_id:
        require(actor, "users.manage")
    check_policy(password, user.user_id)
    con.execute(
        "UPDATE users SET password_hash = $hash, password_changed_at = $now WHERE user_id = $login",
        {"hash": hash_password(password), "now": utc_now(), "login": user.user_id},
    )
    end_user_sessions(con, user.user_id)
    audit.record(con, actor, "user.set_password", user.user_id)


def list_users(con: duckdb.DuckDBPyConnection, actor: Viewer) -> list[dict[str, Any]]:
    """Every account without password hashes (admins only)."""
    require(actor, "users.manage")
    rows = queries.run(con, "users_list", viewer=actor)
    for row in rows:
        row["teams"] = tuple(row["teams"] or ())
    return rows


def count_users(con: duckdb.DuckDBPyConnection) -> int:
    return int(con.execute("SELECT count(*) FROM users").fetchall()[0][0])


# ---- demo accounts ------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoAccount:
    login: str
    role: str
    password: str
    agent_id: str | None = None
    teams: tuple[str, ...] = ()


def seed_demo_accounts(
    con: duckdb.DuckDBPyConnection,
    roster: Any = None,
    *,
    agent_id: str | None = None,
    agent_name: str | None = None,
    team: str | None = None,
) -> list[DemoAccount]:
    """One account per role with fresh random passwords (DEMO ONLY), returned for printing.

    With the demo `roster` (cornerstone.demo.roster.Roster), the accounts are roster people, so
    the reviewer account owns seeded reviews, the manager manages the agent's team and the agent
    account is linked to that agent's conversations. Without it, `agent_id`, `agent_name` and
    `team` name the agent. Existing demo logins get a new password (a re-run prints working
    credentials) and their demo role back.
    """
    from warehouse.passwords import generate_password
    from warehouse.viewer import SYSTEM

    if roster is not None:
        agent = roster.agents[0]
        manager_id = roster.team(agent.team).manager_user_id
        people = {u.user_id: u for u in roster.users}

        def person(user_id: str) -> tuple[str, str]:
            return user_id, people[user_id].name if user_id in people else user_id

        admins = roster.users_by_role("admin")
        plan = [
            (*person(admins[0].user_id if admins else "admin"), "admin", None, ()),
            (*person(roster.users_by_role("qa_lead")[0].user_id), "qa_lead", None, ()),
            (*person(roster.users_by_role("reviewer")[0].user_id), "reviewer", None, ()),
            (*person(manager_id), "manager", None, (agent.team,)),
            (agent.user_id, agent.name, "agent", agent.agent_id, ()),
        ]
        # Every demo reviewer has an account: seeded reviews, queues and calibration rounds name
        # them, and work can only be assigned to people who can sign in.
        plan += [
            (*person(r.user_id), "reviewer", None, ()) for r in roster.users_by_role("reviewer")[1:]
        ]
    else:
        if not (agent_id and team):
            raise UserError("seed_demo_accounts needs the demo roster or agent_id and team")
        plan = [
            ("admin", "Demo Admin", "admin", None, ()),
            ("lead", "Demo QA Lead", "qa_lead", None, ()),
            ("reviewer", "Demo Reviewer", "reviewer", None, ()),
            ("manager", f"Demo Manager ({team})", "manager", None, (team,)),
            ("agent", agent_name or agent_id, "agent", agent_id, ()),
        ]
    accounts = []
    for login, name, role, agent, teams in plan:
        password = generate_password()
        if get_user(con, login) is None:
            add_user(
                con, SYSTEM, login, role, password, display_name=name, agent_id=agent, teams=teams
            )
        else:
            change_role(con, SYSTEM, login, role, agent_id=agent, teams=teams)
            set_password(con, SYSTEM, login, password)
            if get_user(con, login).disabled:  # type: ignore[union-attr]
                enable_user(con, SYSTEM, login)
        accounts.append(DemoAccount(login, role, password, agent, teams))
    return accounts


def format_demo_accounts(accounts: list[DemoAccount]) -> str:
    """Plain-text table of demo accounts (for `qa demo` output and data/demo_accounts.txt)."""
    lines = ["# Demo accounts (demo database only; passwords generated at demo time)"]
    width = max([len("login"), *(len(a.login) for a in accounts)])
    lines.append(f"{'login':<{width}}  {'role':<9} {'password':<18} sees")
    for a in accounts:
        if a.agent_id:
            scope = f"own conversations (agent {a.agent_id})"
        elif a.teams:
            scope = f"team {', '.join(a.teams)}"
        else:
            scope = "all teams"
        lines.append(f"{a.login:<{width}}  {a.role:<9} {a.password:<18} {scope}")
    return "\n".join(lines) + "\n"
