"""Accounts, sign-in with lockout, and browser sessions.

- Accounts: `add_user`, `disable_user`, `enable_user`, `change_role`, `set_password`,
  `list_users` — admins only (checked here, not only in the page), every change audited.
- Sign-in: `authenticate(con, login, password)` returns the `Viewer` or raises `SignInError`
  (wrong login or password: one message for both) / `LockedOutError`. Policy (`LockoutPolicy`):
  after `max_failures` failed attempts for one login within `window`, the login is locked for
  `lockout`; attempts while locked are refused without checking the password. Counting is per
  login name as typed, whether or not it exists, so lockout does not reveal which logins exist.
- Sessions: `create_session` returns a random token (only its sha256 is stored);
  `validate_session` returns the current Viewer while the session is neither idle for longer
  than `idle_timeout` nor older than `absolute_timeout`, nor ended, nor its user disabled.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import duckdb

from warehouse import audit, queries
from warehouse.audit import utc_now
from warehouse.errors import PermissionDeniedError, WarehouseError
from warehouse.passwords import check_policy, hash_password, needs_rehash, verify_password
from warehouse.permissions import require
from warehouse.viewer import ROLES, Viewer

LOGIN_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._@-]{1,63}$")
IDLE_TIMEOUT = timedelta(hours=8)
ABSOLUTE_TIMEOUT = timedelta(hours=24)


@dataclass(frozen=True)
class LockoutPolicy:
    max_failures: int = 5
    window: timedelta = timedelta(minutes=15)
    lockout: timedelta = timedelta(minutes=15)


DEFAULT_POLICY = LockoutPolicy()


class UserError(WarehouseError):
    """Bad account data (unknown role, bad login name, duplicate login...)."""


class SignInError(WarehouseError):
    """Wrong login or password (deliberately the same message for both)."""

    def __init__(self, message: str, attempts_left: int | None = None) -> None:
        super().__init__(message)
        self.attempts_left = attempts_left


class LockedOutError(SignInError):
    """Too many failed attempts: this login is locked until `locked_until` (UTC)."""

    def __init__(self, locked_until: datetime) -> None:
        minutes = max(1, round((locked_until - utc_now()).total_seconds() / 60))
        super().__init__(
            f"Too many failed sign-in attempts. This account is locked for {minutes} more "
            f"minute{'s' if minutes != 1 else ''} (until {locked_until:%H:%M} UTC)."
        )
        self.locked_until = locked_until


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


def _fetch_user(con: duckdb.DuckDBPyConnection, login: str) -> tuple[User, str] | None:
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
    found = _fetch_user(con, normalise_login(login))
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
    if _fetch_user(con, login) is not None:
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


# ---- sign-in ------------------------------------------------------------------------------


def lockout_until(
    con: duckdb.DuckDBPyConnection, login: str, now: datetime | None = None
) -> datetime | None:
    """When the current lockout of `login` ends, or None if it is not locked."""
    now = now or utc_now()
    rows = con.execute(
        "SELECT max(locked_until) FROM sign_in_lockouts WHERE login = $login",
        {"login": normalise_login(login)},
    ).fetchall()
    until = rows[0][0]
    return until if until is not None and until > now else None


GLOBAL_WINDOW = timedelta(minutes=1)
GLOBAL_DELAY_PER_FAILURE = 0.25  # seconds added per failed sign-in (any login) in the last minute
GLOBAL_DELAY_MAX = 5.0


def sign_in_delay_seconds(con: duckdb.DuckDBPyConnection, now: datetime | None = None) -> float:
    """How long to wait before checking the next password, given failures across ALL logins.

    Per-login lockout does not stop password spraying (one guess against many logins), so the
    sign-in page slows every attempt while failures pile up server-wide: 0.25 s per failure in
    the last minute, at most 5 s. Legitimate users see at most a short pause, never a lockout.
    """
    now = now or utc_now()
    rows = con.execute(
        "SELECT count(*) FROM sign_in_attempts WHERE NOT succeeded AND attempted_at > $since",
        {"since": now - GLOBAL_WINDOW},
    ).fetchall()
    return min(GLOBAL_DELAY_MAX, GLOBAL_DELAY_PER_FAILURE * int(rows[0][0]))


def _recent_failures(
    con: duckdb.DuckDBPyConnection, login: str, now: datetime, policy: LockoutPolicy
) -> int:
    # Failures count from the latest of: window start, last success, end of the last lockout.
    rows = con.execute(
        """
        SELECT count(*) FROM sign_in_attempts
        WHERE login = $login AND NOT succeeded
          AND attempted_at > greatest(
              $window_start,
              coalesce((SELECT max(attempted_at) FROM sign_in_attempts
                        WHERE login = $login AND succeeded), $window_start),
              coalesce((SELECT max(locked_until) FROM sign_in_lockouts
                        WHERE login = $login), $window_start))
        """,
        {"login": login, "window_start": now - policy.window},
    ).fetchall()
    return int(rows[0][0])


def authenticate(
    con: duckdb.DuckDBPyConnection,
    login: str,
    password: str,
    *,
    now: datetime | None = None,
    policy: LockoutPolicy = DEFAULT_POLICY,
) -> Viewer:
    """Check a login and password; return the Viewer, or raise SignInError / LockedOutError."""
    now = now or utc_now()
    login = normalise_login(login)[:100]
    locked = lockout_until(con, login, now)
    if locked is not None:
        audit.record(con, login or "?", "sign_in.refused_locked", login, at=now)
        raise LockedOutError(locked)
    found = _fetch_user(con, login) if login else None
    user, password_hash = found if found else (None, None)
    # Verify even for unknown logins (against a dummy hash) so timing reveals nothing.
    ok = verify_password(password_hash, password or "")
    if ok and user is not None and user.disabled:
        con.execute(
            "INSERT INTO sign_in_attempts VALUES ($login, $now, false)",
            {"login": login, "now": now},
        )
        audit.record(con, login, "sign_in.refused_disabled", login, at=now)
        raise SignInError("This account is disabled. Ask an admin to enable it.")
    con.execute(
        "INSERT INTO sign_in_attempts VALUES ($login, $now, $ok)",
        {"login": login, "now": now, "ok": ok},
    )
    if ok and user is not None:
        if needs_rehash(password_hash):  # hashed with weaker parameters than today's: upgrade
            con.execute(
                "UPDATE users SET password_hash = $hash WHERE user_id = $login",
                {"hash": hash_password(password), "login": login},
            )
        audit.record(con, login, "sign_in.ok", login, at=now)
        return user.viewer()
    failures = _recent_failures(con, login, now, policy)
    if failures >= policy.max_failures:
        until = now + policy.lockout
        con.execute(
            "INSERT INTO sign_in_lockouts VALUES ($login, $now, $until)",
            {"login": login, "now": now, "until": until},
        )
        audit.record(
            con,
            login or "?",
            "sign_in.locked",
            login,
            {"failures": failures, "until": until},
            at=now,
        )
        raise LockedOutError(until)
    audit.record(
        con, login or "?", "sign_in.failed", login, {"known_login": user is not None}, at=now
    )
    left = policy.max_failures - failures
    raise SignInError(
        "Wrong login or password."
        + (
            f" {left} attempt{'s' if left != 1 else ''} left before the account is locked."
            if left <= 3
            else ""
        ),
        attempts_left=left,
    )


# ---- sessions -----------------------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_session(
    con: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    *,
    now: datetime | None = None,
    absolute_timeout: timedelta = ABSOLUTE_TIMEOUT,
) -> str:
    """Start a session for a signed-in viewer; return its secret token (not stored)."""
    now = now or utc_now()
    # Housekeeping: sessions over for a month are useless (sign-ins stay in the audit log).
    con.execute(
        "DELETE FROM sessions WHERE expires_at < $cutoff", {"cutoff": now - timedelta(days=30)}
    )
    token = secrets.token_urlsafe(32)
    con.execute(
        "INSERT INTO sessions VALUES ($hash, $user, $now, $now, $expires, NULL)",
        {
            "hash": _token_hash(token),
            "user": viewer.user_id,
            "now": now,
            "expires": now + absolute_timeout,
        },
    )
    return token


def validate_session(
    con: duckdb.DuckDBPyConnection,
    token: str,
    *,
    now: datetime | None = None,
    idle_timeout: timedelta = IDLE_TIMEOUT,
    touch: bool = True,
) -> Viewer | None:
    """The session's current Viewer (role changes apply at once), or None if it is over."""
    now = now or utc_now()
    rows = con.execute(
        "SELECT s.last_seen_at, s.expires_at, s.ended_at, u.user_id, u.display_name, u.role,"
        " u.agent_id, u.teams, u.disabled"
        " FROM sessions AS s JOIN users AS u USING (user_id) WHERE s.token_hash = $hash",
        {"hash": _token_hash(token or "")},
    ).fetchall()
    if not rows:
        return None
    last_seen, expires_at, ended_at, user_id, name, role, agent_id, teams, disabled = rows[0]
    if ended_at is not None or disabled or now >= expires_at or now - last_seen >= idle_timeout:
        return None
    if touch:
        con.execute(
            "UPDATE sessions SET last_seen_at = $now WHERE token_hash = $hash",
            {"now": now, "hash": _token_hash(token)},
        )
    return User(user_id, name, role, agent_id, tuple(teams or ()), bool(disabled)).viewer()


def end_session(con: duckdb.DuckDBPyConnection, token: str, *, reason: str = "sign_out") -> None:
    """Sign out: the token stops working at once."""
    rows = con.execute(
        "UPDATE sessions SET ended_at = $now WHERE token_hash = $hash AND ended_at IS NULL"
        " RETURNING user_id",
        {"now": utc_now(), "hash": _token_hash(token or "")},
    ).fetchall()
    if rows and reason == "sign_out":
        audit.record(con, rows[0][0], "sign_out", rows[0][0])


def end_user_sessions(con: duckdb.DuckDBPyConnection, login: str) -> None:
    con.execute(
        "UPDATE sessions SET ended_at = $now WHERE user_id = $login AND ended_at IS NULL",
        {"now": utc_now(), "login": login},
    )


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


__all__ = [
    "DEFAULT_POLICY",
    "DemoAccount",
    "LockedOutError",
    "LockoutPolicy",
    "PermissionDeniedError",
    "SignInError",
    "User",
    "UserError",
    "add_user",
    "authenticate",
    "change_role",
    "create_session",
    "disable_user",
    "enable_user",
    "end_session",
    "end_user_sessions",
    "get_user",
    "list_users",
    "lockout_until",
    "seed_demo_accounts",
    "set_password",
    "validate_session",
]
