"""Sign-in: check a login and password, with lockout and a server-wide slow-down.

`authenticate(con, login, password)` returns the `Viewer` or raises `SignInError` (wrong login or
password: one message for both) / `LockedOutError`. Policy (`LockoutPolicy`): after
`max_failures` failed attempts for one login within `window`, the login is locked for `lockout`;
attempts while locked are refused without checking the password. Counting is per login name as
typed, whether or not it exists, so lockout does not reveal which logins exist; an unknown login
costs the same argon2 verification as a known one. Every attempt is recorded in
`sign_in_attempts` and in the audit trail.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import duckdb

from warehouse import audit
from warehouse.audit import utc_now
from warehouse.errors import WarehouseError
from warehouse.passwords import hash_password, needs_rehash, verify_password
from warehouse.users import normalise_login, user_with_hash
from warehouse.viewer import Viewer


@dataclass(frozen=True)
class LockoutPolicy:
    max_failures: int = 5
    window: timedelta = timedelta(minutes=15)
    lockout: timedelta = timedelta(minutes=15)


DEFAULT_POLICY = LockoutPolicy()


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
    found = user_with_hash(con, login) if login else None
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
