"""Accounts: add, disable/enable, change role and teams, set passwords, list.

Every change is checked here (admins only, `users.manage`), not only in the page, and audited.
Sign-in lives in `warehouse/access/authentication.py`, browser sessions in `warehouse/access/sessions.py`.

An agent account's agent id and a manager's teams must be ones the data knows (imported
conversations, or teams other accounts manage), so a typo (`agent-999`, `Biling`) is refused
with the known choices instead of creating an account that sees nothing. Creating one that is not
known yet (before its first import) is explicit: `new_ok=True` (the page's "new" choices, the
CLI's `--new`). `new_ok=None` (the default) checks for people and trusts the `system` actor
(demo seeding, test fixtures). Messages name fields as the page and the CLI both say them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import duckdb

from warehouse import queries
from warehouse.access import audit
from warehouse.access.audit import utc_now
from warehouse.access.passwords import check_policy, hash_password
from warehouse.access.permissions import ROLES, require
from warehouse.access.sessions import end_user_sessions
from warehouse.access.viewer import Viewer
from warehouse.errors import WarehouseError

LOGIN_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._@-]{1,63}$")
EMAIL_PATTERN = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")


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
    email: str | None = None

    def viewer(self) -> Viewer:
        return Viewer(
            user_id=self.user_id, role=self.role, agent_id=self.agent_id, teams=self.teams
        )


def normalise_login(login: str) -> str:
    return (login or "").strip().lower()


def _validated(login: str, role: str, agent_id: str | None, teams: tuple[str, ...]) -> None:
    if not LOGIN_PATTERN.match(login):
        raise UserError(
            f"The login {login!r} is not valid: use 2-64 lower-case letters, digits, '.', '_', "
            "'-' or '@'."
        )
    if role not in ROLES:
        raise UserError(f"Unknown role {role!r}; choose one of {', '.join(ROLES)}.")
    if role == "agent" and not agent_id:
        raise UserError("An agent account needs an agent id (the agent's id in the conversations).")
    if role == "manager" and not teams:
        raise UserError("A manager account needs at least one team.")


def known_agent_ids(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {r[0] for r in queries.rows(con, "agent_ids_in_use")}


def known_teams(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {r[0] for r in queries.rows(con, "teams_in_use")}


def _check_known(
    con: duckdb.DuckDBPyConnection,
    role: str,
    agent_id: str | None,
    teams: tuple[str, ...],
    new_ok: bool | None,
    actor: Viewer,
) -> None:
    """Refuse an agent id or team no data knows, unless the caller says it is new on purpose."""
    if new_ok or (new_ok is None and actor.user_id == "system"):
        return
    if role == "agent" and agent_id not in known_agent_ids(con):
        raise UserError(
            f"No conversation has the agent id {agent_id!r}. Pick a known agent, or mark it as "
            "a new agent if their conversations have not been imported yet."
        )
    if role == "manager":
        unknown = sorted(set(teams) - known_teams(con))
        if unknown:
            raise UserError(
                f"No conversation or account has the team{'s' if len(unknown) > 1 else ''} "
                f"{', '.join(repr(t) for t in unknown)}. Pick known teams, or mark them as new "
                "teams if their conversations have not been imported yet."
            )


def normalise_email(email: str | None) -> str | None:
    email = (email or "").strip().lower()
    if not email:
        return None
    if not EMAIL_PATTERN.match(email) or len(email) > 254:
        raise UserError(f"{email!r} is not an e-mail address.")
    return email


def _check_email_free(con: duckdb.DuckDBPyConnection, email: str | None, login: str) -> None:
    if email is None:
        return
    rows = queries.rows(con, "user_by_email_other_than", email=email, login=login)
    if rows:
        raise UserError(f"The e-mail {email} already belongs to the account {rows[0][0]}.")


def user_by_email(con: duckdb.DuckDBPyConnection, email: str) -> User | None:
    """The account whose e-mail is `email` (case-insensitive), for company sign-in."""
    rows = queries.rows(con, "user_ids_by_email", email=(email or "").strip().lower())
    return get_user(con, rows[0][0]) if len(rows) == 1 else None


def user_with_hash(con: duckdb.DuckDBPyConnection, login: str) -> tuple[User, str] | None:
    """The account and its password hash (for warehouse.access.authentication only), or None."""
    rows = queries.rows(con, "user_with_password_hash", login=login)
    if not rows:
        return None
    user_id, name, role, agent_id, teams, disabled, password_hash, email = rows[0]
    user = User(user_id, name, role, agent_id, tuple(teams or ()), bool(disabled), email)
    return user, password_hash


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
    email: str | None = None,
    new_ok: bool | None = None,
) -> User:
    """Create an account (admins only). The password must pass the policy; only its hash is kept.

    `new_ok`: the agent id / teams are new on purpose (no imported conversation has them yet)."""
    require(actor, "users.manage")
    login = normalise_login(login)
    teams = tuple(t.strip() for t in teams if t and t.strip())
    agent_id = (agent_id or "").strip() or None
    _validated(login, role, agent_id, teams)
    if user_with_hash(con, login) is not None:
        raise UserError(f"The login {login!r} already exists.")
    _check_known(con, role, agent_id, teams, new_ok, actor)
    email = normalise_email(email)
    _check_email_free(con, email, login)
    check_policy(password, login)
    now = utc_now()
    queries.execute(
        con,
        "user_add",
        login=login,
        name=(display_name or login).strip()[:200],
        role=role,
        agent_id=agent_id if role == "agent" else None,
        teams=list(teams) if role == "manager" else [],
        hash=hash_password(password),
        now=now,
        by=actor.user_id,
        email=email,
    )
    audit.record(
        con, actor, "user.add", login,
        {"role": role, "agent_id": agent_id, "teams": teams, "email": email},
    )  # fmt: skip
    return get_user(con, login)  # type: ignore[return-value]


def _require_existing(con: duckdb.DuckDBPyConnection, login: str) -> User:
    user = get_user(con, login)
    if user is None:
        raise UserError(f"There is no account {normalise_login(login)!r}.")
    return user


def _active_admins(con: duckdb.DuckDBPyConnection) -> int:
    return int(queries.value(con, "active_admin_count"))


def disable_user(con: duckdb.DuckDBPyConnection, actor: Viewer, login: str) -> User:
    """Disable an account and end its sessions (admins only; the last admin cannot be disabled)."""
    require(actor, "users.manage")
    user = _require_existing(con, login)
    if user.role == "admin" and not user.disabled and _active_admins(con) <= 1:
        raise UserError(f"{user.user_id} is the last active admin: add another admin first.")
    queries.execute(con, "user_set_disabled", disabled=True, login=user.user_id)
    end_user_sessions(con, user.user_id)
    audit.record(con, actor, "user.disable", user.user_id)
    return _require_existing(con, user.user_id)


def enable_user(con: duckdb.DuckDBPyConnection, actor: Viewer, login: str) -> User:
    require(actor, "users.manage")
    user = _require_existing(con, login)
    queries.execute(con, "user_set_disabled", disabled=False, login=user.user_id)
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
    new_ok: bool | None = None,
) -> User:
    """Change an account's role, agent id and teams (admins only). Ends its open sessions."""
    require(actor, "users.manage")
    user = _require_existing(con, login)
    teams = tuple(t.strip() for t in teams if t and t.strip())
    agent_id = (agent_id or "").strip() or None
    _validated(user.user_id, role, agent_id, teams)
    unchanged = role == user.role and agent_id == user.agent_id and set(teams) <= set(user.teams)
    _check_known(con, role, agent_id, teams, True if unchanged else new_ok, actor)
    if user.role == "admin" and role != "admin" and not user.disabled and _active_admins(con) <= 1:
        raise UserError(f"{user.user_id} is the last active admin: add another admin first.")
    queries.execute(
        con,
        "user_set_role",
        login=user.user_id,
        role=role,
        agent_id=agent_id if role == "agent" else None,
        teams=list(teams) if role == "manager" else [],
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
    queries.execute(
        con, "user_set_password", hash=hash_password(password), now=utc_now(), login=user.user_id
    )
    end_user_sessions(con, user.user_id)
    audit.record(con, actor, "user.set_password", user.user_id)


def set_email(con: duckdb.DuckDBPyConnection, actor: Viewer, login: str, email: str | None) -> User:
    """Set (or clear) the e-mail company sign-in matches to this account (admins only)."""
    require(actor, "users.manage")
    user = _require_existing(con, login)
    email = normalise_email(email)
    _check_email_free(con, email, user.user_id)
    queries.execute(con, "user_set_email", email=email, login=user.user_id)
    audit.record(con, actor, "user.set_email", user.user_id, {"email": email})
    return _require_existing(con, user.user_id)


def agent_options(con: duckdb.DuckDBPyConnection, actor: Viewer) -> list[dict[str, Any]]:
    """Agents seen in imported conversations (id, latest name and team), for the account form."""
    require(actor, "users.manage")
    return queries.run(con, "known_agents", viewer=actor)


def team_options(con: duckdb.DuckDBPyConnection, actor: Viewer) -> list[str]:
    """Teams seen in imported conversations or managed by an account, for the account form."""
    require(actor, "users.manage")
    return [r["team"] for r in queries.run(con, "known_teams", viewer=actor)]


def list_users(con: duckdb.DuckDBPyConnection, actor: Viewer) -> list[dict[str, Any]]:
    """Every account without password hashes (admins only)."""
    require(actor, "users.manage")
    rows = queries.run(con, "users_list", viewer=actor)
    for row in rows:
        row["teams"] = tuple(row["teams"] or ())
    return rows


def count_users(con: duckdb.DuckDBPyConnection) -> int:
    return int(queries.value(con, "user_count"))
