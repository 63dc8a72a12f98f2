"""Sign-in: check a login and password, with lockout per login and per client, and slow-downs.

`authenticate(con, login, password, client=...)` returns the `Viewer` or raises `SignInError`
(wrong login or password: one message for both) / `LockedOutError`. `client` is the address the
server saw (dashboard/session.py passes it); '' when unknown (CLI, tests).

Policy (`LockoutPolicy`):
- `max_failures` failures for one login *from one client* within `window` lock that client out of
  that login for `lockout`. Someone guessing the admin's password from their machine therefore
  locks only themselves out: the admin still signs in from theirs.
- `client_max_failures` failures from one client over *all* logins within `window` lock that
  client out of every login (password spraying).
- Failures for one login from *all* clients beyond `max_failures` slow every further attempt for
  that login (`sign_in_delay_seconds`, doubling per failure up to `login_delay_max`), so a guesser
  with many addresses gets a handful of guesses a minute but never locks the owner out.
- An admin can lift a lock at once (`unlock_login`, audited); every lock is an audit entry
  (`sign_in.locked`, `sign_in.client_locked`) that the audit page shows admins.

Attempts for one login are serialised: each runs in a transaction that first updates the login's
row in `sign_in_guard`, so a concurrent attempt (another thread, connection or process) conflicts
and waits its turn; 20 parallel wrong passwords therefore get `max_failures` password checks and
then "locked", never 20 checks. Counting is per login name as typed, whether or not it exists, so
lockout does not reveal which logins exist; an unknown login costs the same argon2 verification
as a known one. Every attempt is recorded in `sign_in_attempts` and in the audit trail.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

import duckdb

from config.settings import load_settings
from warehouse import queries
from warehouse.access import audit
from warehouse.access.audit import utc_now
from warehouse.access.passwords import hash_password, needs_rehash, verify_password
from warehouse.access.permissions import require
from warehouse.access.users import normalise_login, user_with_hash
from warehouse.access.viewer import Viewer
from warehouse.errors import DatabaseBusyError, WarehouseError
from warehouse.storage.connection import transaction


@dataclass(frozen=True)
class LockoutPolicy:
    max_failures: int = 5  # per login from one client within `window`
    client_max_failures: int = 20  # per client over all logins within `window`
    window: timedelta = timedelta(minutes=15)
    lockout: timedelta = timedelta(minutes=15)
    login_delay_max: float = 30.0  # seconds: cap of the per-login slow-down


DEFAULT_POLICY = LockoutPolicy()  # the defaults of config.settings.Lockout


def configured_policy() -> LockoutPolicy:
    """The lockout policy of the settings in force (`[lockout]` in cornerstone.toml)."""
    lockout = load_settings().lockout
    return LockoutPolicy(
        max_failures=lockout.max_failures,
        client_max_failures=lockout.client_max_failures,
        window=timedelta(minutes=lockout.window_minutes),
        lockout=timedelta(minutes=lockout.minutes),
    )


SERIALISE_WAIT_SECONDS = 30.0  # how long an attempt waits for the one before it (same login)


class SignInError(WarehouseError):
    """Wrong login or password (deliberately the same message for both)."""

    def __init__(self, message: str, attempts_left: int | None = None) -> None:
        super().__init__(message)
        self.attempts_left = attempts_left


class LockedOutError(SignInError):
    """Too many failed attempts: this login is locked until `locked_until` (UTC)."""

    def __init__(self, locked_until: datetime, now: datetime | None = None) -> None:
        minutes = max(1, round((locked_until - (now or utc_now())).total_seconds() / 60))
        super().__init__(
            f"Too many failed sign-in attempts. Signing in to this account from here is locked "
            f"for {minutes} more minute{'s' if minutes != 1 else ''} (until {locked_until:%H:%M} "
            "UTC). An admin can lift the lock sooner."
        )
        self.locked_until = locked_until


def lockout_until(
    con: duckdb.DuckDBPyConnection,
    login: str,
    now: datetime | None = None,
    client: str | None = None,
) -> datetime | None:
    """When the lock on `login` ends for `client` (None: for any client), or None if not locked."""
    now = now or utc_now()
    if client is None:
        return queries.value(
            con, "sign_in_lock_end_any_client", login=normalise_login(login), now=now
        )
    return queries.value(
        con, "sign_in_lock_end", login=normalise_login(login), client=client, now=now
    )


def locked_logins(
    con: duckdb.DuckDBPyConnection, now: datetime | None = None
) -> dict[str, tuple[datetime, int]]:
    """login -> (lock ends, number of clients locked out) for every login locked right now."""
    rows = queries.rows(con, "sign_in_locked_logins", now=now or utc_now())
    return {login: (until, int(clients)) for login, until, clients in rows}


def unlock_login(
    con: duckdb.DuckDBPyConnection, actor: Viewer, login: str, now: datetime | None = None
) -> int:
    """Lift every current lock on `login` (admins only; audited); failures count afresh after.

    Returns how many locks were lifted (0: it was not locked)."""
    require(actor, "users.manage")
    now = now or utc_now()
    login = normalise_login(login)
    rows = queries.rows(con, "sign_in_lift_login_locks", now=now, actor=actor.user_id, login=login)
    audit.record(con, actor, "user.unlock", login, {"locks_lifted": len(rows)}, at=now)
    return len(rows)


GLOBAL_WINDOW = timedelta(minutes=1)
GLOBAL_DELAY_PER_FAILURE = 0.25  # seconds added per failed sign-in (any login) in the last minute
GLOBAL_DELAY_MAX = 5.0


def sign_in_delay_seconds(
    con: duckdb.DuckDBPyConnection,
    now: datetime | None = None,
    *,
    login: str | None = None,
    policy: LockoutPolicy | None = None,  # None: configured_policy()
) -> float:
    """How long to wait before checking the next password.

    Two slow-downs, the larger wins: server-wide, 0.25 s per failed sign-in (any login) in the
    last minute, at most 5 s (password spraying); and per login, once failures for `login` from
    all clients reach `max_failures` within the window, 1 s doubling with each further failure,
    at most `login_delay_max` (guessing one password from many addresses). Legitimate users see
    at most a short pause, never a lockout they did not cause.
    """
    now = now or utc_now()
    policy = policy or configured_policy()
    failed = queries.value(con, "sign_in_failures_since", since=now - GLOBAL_WINDOW)
    delay = min(GLOBAL_DELAY_MAX, GLOBAL_DELAY_PER_FAILURE * int(failed))
    if login:
        login = normalise_login(login)[:100]
        failures = _recent_failures(con, login, None, now, policy)
        if failures >= policy.max_failures:
            exponent = min(failures - policy.max_failures, 10)
            delay = max(delay, min(policy.login_delay_max, 2.0**exponent))
    return delay


def _recent_failures(
    con: duckdb.DuckDBPyConnection,
    login: str,
    client: str | None,
    now: datetime,
    policy: LockoutPolicy,
) -> int:
    """Failures for `login` (from `client`; None: from any) counted from the latest of: window
    start, the login's last success, the end (or lifting) of the last lock that applied."""
    failures = queries.value(
        con, "sign_in_login_failures",
        login=login, client=client, window_start=now - policy.window, now=now,
    )  # fmt: skip
    return int(failures)


def _recent_client_failures(
    con: duckdb.DuckDBPyConnection, client: str, now: datetime, policy: LockoutPolicy
) -> int:
    failures = queries.value(
        con, "sign_in_client_failures", client=client, window_start=now - policy.window, now=now
    )
    return int(failures)


def _ensure_guard_row(con: duckdb.DuckDBPyConnection, login: str, now: datetime) -> None:
    """Create the login's guard row once (committed), so that claiming it is an UPDATE."""
    try:
        queries.execute(con, "sign_in_guard_create", login=login, now=now)
    except (duckdb.TransactionException, duckdb.ConstraintException):
        pass  # another attempt created it at the same moment


def _claim_login(con: duckdb.DuckDBPyConnection, login: str, now: datetime) -> None:
    """Update the login's guard row: from here until COMMIT, a concurrent attempt for the same
    login conflicts at once (DuckDB checks an UPDATE of a row another open transaction changed
    immediately; two INSERTs of a new key would only clash at COMMIT, after both checked)."""
    queries.execute(con, "sign_in_guard_claim", login=login, now=now)


def _record_attempt(
    con: duckdb.DuckDBPyConnection, login: str, client: str, now: datetime, ok: bool
) -> None:
    queries.execute(con, "sign_in_record_attempt", login=login, now=now, ok=ok, client=client)


def _attempt(
    con: duckdb.DuckDBPyConnection,
    login: str,
    password: str,
    client: str,
    now: datetime,
    policy: LockoutPolicy,
) -> Viewer | SignInError:
    """One serialised attempt: all its writes, and the outcome (a Viewer or the error to raise)."""
    actor = login or "?"
    locked = lockout_until(con, login, now, client=client)
    if locked is not None:
        audit.record(con, actor, "sign_in.refused_locked", login, {"client": client}, at=now)
        return LockedOutError(locked, now)
    found = user_with_hash(con, login) if login else None
    user, password_hash = found if found else (None, None)
    # Verify even for unknown logins (against a dummy hash) so timing reveals nothing.
    ok = verify_password(password_hash, password or "")
    if ok and user is not None and user.disabled:
        _record_attempt(con, login, client, now, False)
        audit.record(con, login, "sign_in.refused_disabled", login, {"client": client}, at=now)
        return SignInError("This account is disabled. Ask an admin to enable it.")
    _record_attempt(con, login, client, now, ok and user is not None)
    if ok and user is not None:
        if needs_rehash(password_hash):  # hashed with weaker parameters than today's: upgrade
            queries.execute(con, "user_rehash_password", hash=hash_password(password), login=login)
        audit.record(con, login, "sign_in.ok", login, {"client": client}, at=now)
        return user.viewer()
    failures = _recent_failures(con, login, client, now, policy)
    if failures >= policy.max_failures:
        until = now + policy.lockout
        queries.execute(con, "sign_in_lock_login", login=login, now=now, until=until, client=client)
        audit.record(
            con, actor, "sign_in.locked", login,
            {"failures": failures, "until": until, "client": client,
             "known_login": user is not None},
            at=now,
        )  # fmt: skip
        return LockedOutError(until, now)
    client_failures = _recent_client_failures(con, client, now, policy)
    if client_failures >= policy.client_max_failures:
        until = now + policy.lockout
        queries.execute(con, "sign_in_lock_client", now=now, until=until, client=client)
        audit.record(
            con, actor, "sign_in.client_locked", client or "unknown client",
            {"failures": client_failures, "until": until, "last_login": login}, at=now,
        )  # fmt: skip
        return LockedOutError(until, now)
    audit.record(
        con, actor, "sign_in.failed", login,
        {"known_login": user is not None, "client": client}, at=now,
    )  # fmt: skip
    left = policy.max_failures - failures
    return SignInError(
        "Wrong login or password."
        + (
            f" {left} attempt{'s' if left != 1 else ''} left before the account is locked."
            if left <= 3
            else ""
        ),
        attempts_left=left,
    )


def _is_conflict(error: Exception) -> bool:
    text = str(error)
    return (
        "Conflict" in text or "PRIMARY KEY or UNIQUE constraint" in text or "Duplicate key" in text
    )


def authenticate(
    con: duckdb.DuckDBPyConnection,
    login: str,
    password: str,
    *,
    client: str = "",
    now: datetime | None = None,
    policy: LockoutPolicy | None = None,  # None: configured_policy()
) -> Viewer:
    """Check a login and password; return the Viewer, or raise SignInError / LockedOutError.

    Runs in its own transaction (the caller must not hold one open), after any other attempt for
    the same login has finished. The lockout policy is the configured one unless given."""
    policy = policy or configured_policy()
    login = normalise_login(login)[:100]
    client = (client or "")[:100]
    deadline = time.monotonic() + SERIALISE_WAIT_SECONDS
    pause = 0.01
    _ensure_guard_row(con, login, now or utc_now())
    while True:
        at = now or utc_now()
        try:
            with transaction(con):
                _claim_login(con, login, at)
                outcome = _attempt(con, login, password, client, at, policy)
            break
        except (duckdb.TransactionException, duckdb.ConstraintException) as error:
            if not _is_conflict(error):
                raise
            try:  # a conflict found at COMMIT leaves the transaction open but aborted
                con.rollback()
            except duckdb.Error:
                pass
            if time.monotonic() > deadline:
                raise DatabaseBusyError(
                    "Too many sign-ins for this account at once. Try again in a moment."
                ) from error
            time.sleep(pause + random.random() * pause)
            pause = min(pause * 2, 0.2)
    if isinstance(outcome, SignInError):
        raise outcome
    return outcome
