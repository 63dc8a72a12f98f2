"""Accounts, password hashing, sign-in with lockout, sessions, demo accounts."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from warehouse.access import audit, authentication, passwords, sessions, users
from warehouse.access.viewer import SYSTEM, Viewer
from warehouse.errors import PermissionDeniedError
from warehouse.storage.connection import connect

T0 = datetime(2026, 5, 4, 9, 0, 0)
POLICY = authentication.LockoutPolicy(
    max_failures=5, window=timedelta(minutes=15), lockout=timedelta(minutes=15)
)


REAL_HASHER = passwords._hasher
# Cheap argon2 parameters for the many sign-ins below (the real ones cost ~0.1-0.3 s each on a
# busy 2-core box); test_production_hashes_are_argon2id_with_strong_parameters checks the real ones.
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture(autouse=True)
def fast_hashing(monkeypatch):
    monkeypatch.setattr(passwords, "_hasher", FAST_HASHER)
    monkeypatch.setattr(passwords, "_DUMMY_HASH", FAST_HASHER.hash("dummy"))


def test_production_hashes_are_argon2id_with_strong_parameters():
    stored = REAL_HASHER.hash("violet-harbour-77")
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert REAL_HASHER.verify(stored, "violet-harbour-77")


@pytest.fixture
def con(db_path):
    with connect(db_path) as connection:
        users.add_user(connection, SYSTEM, "root", "admin", "admin-secret-42")
        users.add_user(
            connection, SYSTEM, "ann", "agent", "violet-harbour-77", display_name="Ann",
            agent_id="agent_ann",
        )  # fmt: skip
        yield connection


def _fail(con, login: str, at: datetime, times: int = 1) -> list[Exception]:
    errors = []
    for i in range(times):
        with pytest.raises(authentication.SignInError) as caught:
            authentication.authenticate(
                con, login, "wrong password", now=at + timedelta(seconds=i), policy=POLICY
            )
        errors.append(caught.value)
    return errors


def test_password_is_stored_only_as_an_argon2id_hash(con):
    stored = con.execute("SELECT password_hash FROM users WHERE user_id = 'ann'").fetchall()[0][0]
    assert stored.startswith("$argon2id$")
    assert "violet" not in stored
    assert passwords.verify_password(stored, "violet-harbour-77")
    assert not passwords.verify_password(stored, "violet-harbour-78")


def test_list_users_has_no_password_hash(con):
    rows = users.list_users(con, SYSTEM)
    assert {r["user_id"] for r in rows} == {"root", "ann"}
    assert all("password_hash" not in r for r in rows)


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short1", "at least 10"),
        ("aaaaaaaaaaaaaa", "repetitive"),
        ("x" * 2000, "at most"),
        ("newperson-password", "login name"),
    ],
)
def test_weak_passwords_are_refused(con, password, message):
    with pytest.raises(passwords.WeakPasswordError, match=message):
        users.add_user(con, SYSTEM, "newperson", "reviewer", password)
    assert users.get_user(con, "newperson") is None


@pytest.mark.parametrize(
    ("login", "role", "kwargs", "message"),
    [
        ("Bad Login", "reviewer", {}, "not valid"),
        ("x", "reviewer", {}, "not valid"),
        ("robert'); drop table users;--", "reviewer", {}, "not valid"),
        ("newbie", "superuser", {}, "Unknown role"),
        ("newbie", "agent", {}, "needs an agent id"),
        ("newbie", "manager", {}, "team"),
        ("ann", "reviewer", {}, "already exists"),
    ],
)
def test_bad_account_data_gets_a_clear_message(con, login, role, kwargs, message):
    with pytest.raises(users.UserError, match=message):
        users.add_user(con, SYSTEM, login, role, "long-enough-99", **kwargs)


def test_logins_are_case_insensitive(con):
    viewer = authentication.authenticate(con, "  ANN ", "violet-harbour-77", now=T0)
    assert viewer == Viewer("ann", "agent", agent_id="agent_ann")


def test_sign_in_returns_the_viewer_with_scope(con):
    users.add_user(con, SYSTEM, "mia", "manager", "tulip-garden-5", teams=["Billing", "Tech"])
    viewer = authentication.authenticate(con, "mia", "tulip-garden-5", now=T0)
    assert viewer.role == "manager" and viewer.teams == ("Billing", "Tech")


def test_wrong_password_and_unknown_login_get_the_same_message(con):
    (known,) = _fail(con, "ann", T0)
    (unknown,) = _fail(con, "nobody", T0)
    assert str(known) == str(unknown) == "Wrong login or password."


def test_lockout_after_five_failures_within_the_window(con):
    errors = _fail(con, "ann", T0, times=5)
    assert [type(e) for e in errors[:4]] == [authentication.SignInError] * 4
    assert "1 attempt left" in str(errors[3])
    assert isinstance(errors[4], authentication.LockedOutError)
    # Locked: even the right password is refused, without being checked.
    with pytest.raises(authentication.LockedOutError, match="locked"):
        authentication.authenticate(
            con, "ann", "violet-harbour-77", now=T0 + timedelta(minutes=5), policy=POLICY
        )
    # After the lockout the right password works again.
    viewer = authentication.authenticate(
        con, "ann", "violet-harbour-77", now=T0 + timedelta(minutes=16), policy=POLICY
    )
    assert viewer.user_id == "ann"


def test_failures_spread_beyond_the_window_do_not_lock(con):
    for i in range(8):
        _fail(con, "ann", T0 + timedelta(minutes=4 * i))  # at most 4 inside any 15 minutes
    assert authentication.lockout_until(con, "ann", T0 + timedelta(minutes=30)) is None
    assert authentication.authenticate(
        con, "ann", "violet-harbour-77", now=T0 + timedelta(minutes=31), policy=POLICY
    )


def test_a_successful_sign_in_resets_the_count(con):
    _fail(con, "ann", T0, times=4)
    authentication.authenticate(
        con, "ann", "violet-harbour-77", now=T0 + timedelta(seconds=10), policy=POLICY
    )
    errors = _fail(con, "ann", T0 + timedelta(seconds=20), times=4)
    assert not any(isinstance(e, authentication.LockedOutError) for e in errors)


def test_failures_after_a_lockout_count_afresh(con):
    _fail(con, "ann", T0, times=5)
    after = T0 + timedelta(minutes=16)
    errors = _fail(con, "ann", after, times=4)
    assert not any(isinstance(e, authentication.LockedOutError) for e in errors)
    assert isinstance(
        _fail(con, "ann", after + timedelta(seconds=30))[0], authentication.LockedOutError
    )


def test_unknown_logins_are_locked_too_so_lockout_reveals_nothing(con):
    errors = _fail(con, "ghost", T0, times=5)
    assert isinstance(errors[-1], authentication.LockedOutError)


def test_lockout_of_one_login_does_not_affect_another(con):
    _fail(con, "ann", T0, times=5)
    assert authentication.authenticate(
        con, "root", "admin-secret-42", now=T0 + timedelta(minutes=1), policy=POLICY
    )


def test_sign_ins_failures_and_lockouts_are_audited(con):
    _fail(con, "ann", T0, times=5)
    authentication.authenticate(con, "root", "admin-secret-42", now=T0)
    actions = [r["action"] for r in audit.entries(con, SYSTEM, action="sign_in")]
    assert actions.count("sign_in.failed") == 4
    assert actions.count("sign_in.locked") == 1
    assert actions.count("sign_in.ok") == 1


def test_disabled_account_cannot_sign_in_and_its_sessions_end(con):
    viewer = authentication.authenticate(con, "ann", "violet-harbour-77", now=T0)
    token = sessions.create_session(con, viewer, now=T0)
    users.disable_user(con, SYSTEM, "ann")
    assert sessions.validate_session(con, token, now=T0 + timedelta(minutes=1)) is None
    with pytest.raises(authentication.SignInError, match="disabled"):
        authentication.authenticate(con, "ann", "violet-harbour-77", now=T0 + timedelta(minutes=2))
    users.enable_user(con, SYSTEM, "ann")
    assert authentication.authenticate(
        con, "ann", "violet-harbour-77", now=T0 + timedelta(minutes=3)
    )


def test_the_last_admin_cannot_be_disabled_or_demoted(con):
    with pytest.raises(users.UserError, match="last active admin"):
        users.disable_user(con, SYSTEM, "root")
    with pytest.raises(users.UserError, match="last active admin"):
        users.change_role(con, SYSTEM, "root", "reviewer")


def test_session_lifecycle_idle_timeout_and_absolute_limit(con):
    viewer = authentication.authenticate(con, "ann", "violet-harbour-77", now=T0)
    token = sessions.create_session(con, viewer, now=T0)
    assert len(token) >= 40
    stored = con.execute("SELECT token_hash FROM sessions").fetchall()[0][0]
    assert stored != token and len(stored) == 64  # only the sha256 is stored
    # Activity keeps it alive...
    for hours in (2, 4, 6, 8, 10):
        assert sessions.validate_session(con, token, now=T0 + timedelta(hours=hours)) == viewer
    # ...8 hours idle ends it.
    assert sessions.validate_session(con, token, now=T0 + timedelta(hours=18, minutes=1)) is None
    # The absolute limit (24 h) ends even an active session.
    token2 = sessions.create_session(con, viewer, now=T0)
    for hours in range(1, 24):
        assert sessions.validate_session(con, token2, now=T0 + timedelta(hours=hours)) is not None
    assert sessions.validate_session(con, token2, now=T0 + timedelta(hours=24)) is None


def test_sign_out_ends_the_session_and_bad_tokens_are_refused(con):
    viewer = authentication.authenticate(con, "ann", "violet-harbour-77")
    token = sessions.create_session(con, viewer)
    sessions.end_session(con, token)
    assert sessions.validate_session(con, token) is None
    assert sessions.validate_session(con, "not-a-token") is None
    assert sessions.validate_session(con, "") is None


def test_role_change_applies_to_open_sessions_by_ending_them(con):
    viewer = authentication.authenticate(con, "ann", "violet-harbour-77")
    token = sessions.create_session(con, viewer)
    users.change_role(con, SYSTEM, "ann", "reviewer")
    assert sessions.validate_session(con, token) is None
    assert authentication.authenticate(con, "ann", "violet-harbour-77").role == "reviewer"


def test_users_change_their_own_password_but_not_others(con):
    ann = Viewer("ann", "agent", agent_id="agent_ann")
    users.set_password(con, ann, "ann", "copper-meadow-9")
    assert authentication.authenticate(con, "ann", "copper-meadow-9")
    with pytest.raises(PermissionDeniedError):
        users.set_password(con, ann, "root", "taken-over-99")


def test_user_changes_are_audited_with_the_actor(con):
    admin = Viewer("root", "admin")
    users.add_user(con, admin, "rev", "reviewer", "reviewing-is-fun")
    users.change_role(con, admin, "rev", "manager", teams=["Tech"], new_ok=True)
    users.disable_user(con, admin, "rev")
    rows = audit.entries(con, SYSTEM, actor="root")
    assert [r["action"] for r in rows] == ["user.disable", "user.change_role", "user.add"]
    assert all(r["target"] == "rev" for r in rows)
    assert "Tech" in rows[1]["details"]


def test_demo_accounts_one_per_role_linked_to_the_roster(con):
    from cornerstone.demo.accounts import format_demo_accounts, seed_demo_accounts
    from cornerstone.demo.roster import build_roster

    roster = build_roster(7)
    accounts = seed_demo_accounts(con, roster)
    assert [a.role for a in accounts][:5] == ["admin", "qa_lead", "reviewer", "manager", "agent"]
    # Every demo reviewer can sign in: seeded queues and calibration rounds are theirs.
    reviewers = {a.login for a in accounts if a.role == "reviewer"}
    assert reviewers == {r.user_id for r in roster.users_by_role("reviewer")}
    agent = next(a for a in accounts if a.role == "agent")
    manager = next(a for a in accounts if a.role == "manager")
    assert agent.agent_id in {a.agent_id for a in roster.agents}
    assert manager.teams == (roster.agent(agent.agent_id).team,)
    for account in accounts:
        assert (
            authentication.authenticate(con, account.login, account.password).role == account.role
        )
    # A re-run prints new, working passwords (and the old ones stop working).
    again = seed_demo_accounts(con, roster)
    assert {a.password for a in again}.isdisjoint({a.password for a in accounts})
    assert authentication.authenticate(con, again[0].login, again[0].password)
    text = format_demo_accounts(again)
    assert all(a.password in text and a.login in text for a in again)


def test_no_default_password_in_code():
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    sources = [
        *root.glob("canonical/**/*.py"),
        *root.glob("config/**/*.py"),
        *root.glob("warehouse/**/*.py"),
        *root.glob("cornerstone/**/*.py"),
        *root.glob("dashboard/**/*.py"),
    ]
    pattern = re.compile(r"password\s*=\s*[\"'][^\"']+[\"']", re.IGNORECASE)
    offenders = [str(p) for p in sources if pattern.search(p.read_text(encoding="utf-8"))]
    assert not offenders


# ---- qa users (the CLI is a thin layer over the functions above) -----------------------------


def _qa(*argv: str) -> int:
    from cornerstone.cli import main

    return main(list(argv))


def test_cli_creates_the_first_admin_from_stdin_and_lists_it(db_path, monkeypatch, capsys):
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("first-boss-pass9\n"))
    assert (
        _qa("users", "add", "Admin", "--role", "admin", "--password-stdin", "--db", str(db_path))
        == 0
    )
    assert "added admin (admin)" in capsys.readouterr().out
    monkeypatch.setattr("sys.stdin", io.StringIO("agent-pass-123\n"))
    assert _qa("users", "add", "ann", "--role", "agent", "--agent-id", "agent_ann",
               "--password-stdin", "--db", str(db_path)) == 2  # fmt: skip
    assert "No conversation has the agent id 'agent_ann'" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO("agent-pass-123\n"))
    assert _qa("users", "add", "ann", "--role", "agent", "--agent-id", "agent_ann", "--new",
               "--password-stdin", "--db", str(db_path)) == 0  # fmt: skip
    capsys.readouterr()
    assert _qa("users", "list", "--db", str(db_path)) == 0
    out = capsys.readouterr().out
    assert "admin" in out and "agent agent_ann" in out
    assert "first-boss-pass9" not in out and "argon2" not in out
    assert _qa("users", "disable", "ann", "--db", str(db_path)) == 0
    with connect(db_path) as con:
        assert users.get_user(con, "ann").disabled
        assert authentication.authenticate(con, "admin", "first-boss-pass9").role == "admin"


def test_cli_prompts_twice_without_echo_and_refuses_a_mismatch(db_path, monkeypatch, capsys):
    answers = iter(["one-password-1", "another-password-2"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    monkeypatch.setattr("sys.stdin.isatty", lambda: True, raising=False)
    assert _qa("users", "add", "admin", "--role", "admin", "--db", str(db_path)) == 2
    assert "differ" in capsys.readouterr().err
    with connect(db_path) as con:
        assert users.get_user(con, "admin") is None


def test_cli_refuses_to_prompt_when_not_on_a_terminal(db_path, monkeypatch, capsys):
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert _qa("users", "add", "admin", "--role", "admin", "--db", str(db_path)) == 2
    assert "--password-stdin" in capsys.readouterr().err


def test_cli_reports_policy_and_role_errors_plainly(db_path, monkeypatch, capsys):
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert (
        _qa("users", "add", "admin", "--role", "admin", "--password-stdin", "--db", str(db_path))
        == 2
    )
    assert "at least 10 characters" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO("long-enough-pass\n"))
    assert (
        _qa("users", "add", "mgr", "--role", "manager", "--password-stdin", "--db", str(db_path))
        == 2
    )
    assert "needs at least one team" in capsys.readouterr().err


def test_failures_across_all_logins_slow_every_sign_in_down(con):
    assert authentication.sign_in_delay_seconds(con, now=T0) == 0
    for i, login in enumerate(["ann", "root", "ghost1", "ghost2"]):  # password spraying
        _fail(con, login, T0 + timedelta(seconds=i))
    assert authentication.sign_in_delay_seconds(
        con, now=T0 + timedelta(seconds=10)
    ) == pytest.approx(1.0)
    for i in range(40):
        _fail(con, f"ghost{i + 10}", T0 + timedelta(seconds=20))
    assert (
        authentication.sign_in_delay_seconds(con, now=T0 + timedelta(seconds=30))
        == authentication.GLOBAL_DELAY_MAX
    )
    # A minute later the pause is gone.
    assert authentication.sign_in_delay_seconds(con, now=T0 + timedelta(minutes=2)) == 0


def test_sessions_over_for_a_month_are_purged_at_the_next_sign_in(con):
    viewer = authentication.authenticate(con, "ann", "violet-harbour-77", now=T0)
    sessions.create_session(con, viewer, now=T0)
    sessions.create_session(con, viewer, now=T0 + timedelta(days=32))
    assert con.execute("SELECT count(*) FROM sessions").fetchall()[0][0] == 1


def test_hashes_made_with_weaker_parameters_are_upgraded_at_sign_in(con, monkeypatch):
    weak = PasswordHasher(time_cost=1, memory_cost=512, parallelism=1)
    con.execute(
        "UPDATE users SET password_hash = $h WHERE user_id = 'ann'",
        {"h": weak.hash("violet-harbour-77")},
    )
    authentication.authenticate(con, "ann", "violet-harbour-77")
    stored = con.execute("SELECT password_hash FROM users WHERE user_id = 'ann'").fetchall()[0][0]
    assert "m=1024,t=1,p=1" in stored  # today's parameters (the fast test hasher here)
    assert authentication.authenticate(con, "ann", "violet-harbour-77").user_id == "ann"


# ---- issue 18: sign-in hardening ----------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "login"),
    [
        ("password12", "newperson"),
        ("1234567890", "newperson"),
        ("qwertyuiop", "newperson"),
        ("Summer2024", "newperson"),
        ("P@ssw0rd2024!", "newperson"),
        ("Winter!2025", "newperson"),
        ("0987654321", "newperson"),
        ("admin12345", "admin"),
        ("grace.admin-2024", "grace.admin"),
        ("Cornerstone2026", "newperson"),
    ],
)
def test_common_breached_style_and_login_based_passwords_are_refused(con, password, login):
    with pytest.raises(passwords.WeakPasswordError):
        users.add_user(con, SYSTEM, login, "reviewer", password)
    assert users.get_user(con, login) is None


@pytest.mark.parametrize(
    "password", ["violet-harbour-77", "tram lantern sofa", "Xk3mP9qLw2Zr", "mango-viaduct-1911"]
)
def test_long_uncommon_passwords_pass_without_composition_rules(password):
    passwords.check_policy(password, "newperson")  # no "needs a symbol" rule (NIST SP 800-63B)


def test_the_shipped_common_password_list_is_loaded_and_has_its_licence():
    common = passwords.common_passwords()
    assert len(common) > 19_000 and {"password", "qwertyuiop", "1234567890"} <= common
    text = (Path(passwords.__file__).parent / "common_passwords.txt").read_text()
    assert "BSD" in text.split("\n123456\n")[0] and "Royce Williams" in text


def _fail_from(con, login: str, client: str, at: datetime, times: int = 1) -> list[Exception]:
    errors = []
    for i in range(times):
        with pytest.raises(authentication.SignInError) as caught:
            authentication.authenticate(
                con, login, "wrong password", client=client,
                now=at + timedelta(seconds=i), policy=POLICY,
            )  # fmt: skip
        errors.append(caught.value)
    return errors


def test_an_attacker_locks_only_themselves_out_of_an_account(con):
    errors = _fail_from(con, "root", "203.0.113.9", T0, times=5)
    assert isinstance(errors[-1], authentication.LockedOutError)
    later = T0 + timedelta(minutes=1)
    with pytest.raises(authentication.LockedOutError):  # the attacker: locked, not even checked
        authentication.authenticate(
            con, "root", "admin-secret-42", client="203.0.113.9", now=later, policy=POLICY
        )
    # The admin, from their own machine, signs in as usual.
    viewer = authentication.authenticate(
        con, "root", "admin-secret-42", client="192.0.2.10", now=later, policy=POLICY
    )
    assert viewer.user_id == "root"


def test_one_client_guessing_many_logins_is_locked_out_of_all(con):
    policy = authentication.LockoutPolicy(max_failures=5, client_max_failures=8)
    for i, login in enumerate(["a1", "a2", "a3", "a4", "a5", "a6", "a7"]):
        with pytest.raises(authentication.SignInError) as caught:
            authentication.authenticate(
                con, login, "wrong", client="198.51.100.7", now=T0 + timedelta(seconds=i),
                policy=policy,
            )  # fmt: skip
        assert not isinstance(caught.value, authentication.LockedOutError)
    with pytest.raises(authentication.LockedOutError):
        authentication.authenticate(
            con, "a8", "wrong", client="198.51.100.7", now=T0 + timedelta(seconds=8), policy=policy
        )
    with pytest.raises(authentication.LockedOutError):  # even a right password, from that client
        authentication.authenticate(
            con, "ann", "violet-harbour-77", client="198.51.100.7",
            now=T0 + timedelta(seconds=9), policy=policy,
        )  # fmt: skip
    assert authentication.authenticate(  # others are not affected
        con, "ann", "violet-harbour-77", client="192.0.2.10", now=T0 + timedelta(seconds=9),
        policy=policy,
    )  # fmt: skip
    actions = [r["action"] for r in audit.entries(con, SYSTEM, action="sign_in.client_locked")]
    assert actions == ["sign_in.client_locked"]


def test_failures_from_many_clients_slow_the_login_down_but_never_lock_its_owner_out(con):
    for i in range(8):  # 8 addresses, one guess each: none reaches its own limit
        _fail_from(con, "root", f"203.0.113.{i}", T0 + timedelta(seconds=i))
    now = T0 + timedelta(seconds=10)
    delay = authentication.sign_in_delay_seconds(con, now, login="root", policy=POLICY)
    assert delay >= 8.0  # 1 s at the 5th failure, doubling: 8 s after the 8th
    assert authentication.sign_in_delay_seconds(con, now, login="ann", policy=POLICY) < delay
    assert authentication.authenticate(
        con, "root", "admin-secret-42", client="192.0.2.10", now=now, policy=POLICY
    )


def test_an_admin_can_lift_a_lock_and_it_is_audited(con):
    _fail_from(con, "ann", "192.0.2.44", T0, times=5)
    assert set(authentication.locked_logins(con, T0 + timedelta(minutes=1))) == {"ann"}
    with pytest.raises(PermissionDeniedError):
        authentication.unlock_login(con, Viewer("ann", "agent", agent_id="agent_ann"), "ann")
    lifted = authentication.unlock_login(con, SYSTEM, "ann", now=T0 + timedelta(minutes=1))
    assert lifted == 1
    assert authentication.locked_logins(con, T0 + timedelta(minutes=2)) == {}
    assert authentication.authenticate(
        con, "ann", "violet-harbour-77", client="192.0.2.44", now=T0 + timedelta(minutes=2),
        policy=POLICY,
    )  # fmt: skip
    (entry,) = audit.entries(con, SYSTEM, action="user.unlock")
    assert entry["actor"] == "system" and entry["target"] == "ann"


def test_parallel_wrong_passwords_for_one_login_are_checked_one_at_a_time(db_path, monkeypatch):
    """20 threads, each on its own connection, guess at once: only 5 passwords get checked."""
    import threading

    with connect(db_path) as setup:
        users.add_user(setup, SYSTEM, "root", "admin", "admin-secret-42")
    checked = []
    real_verify = passwords.verify_password

    def counting_verify(password_hash, password):
        checked.append(password)
        return real_verify(password_hash, password)

    monkeypatch.setattr(authentication, "verify_password", counting_verify)
    outcomes: list[str] = []
    start = threading.Barrier(20)

    def guess(i: int) -> None:
        with connect(db_path) as mine:
            start.wait()
            try:
                authentication.authenticate(
                    mine, "root", f"guess-{i}", client="203.0.113.5", policy=POLICY
                )
            except authentication.LockedOutError:
                outcomes.append("locked")
            except authentication.SignInError:
                outcomes.append("wrong")

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(checked) == 5, f"{len(checked)} passwords checked"
    assert sorted(outcomes).count("wrong") == 4 and outcomes.count("locked") == 16
    with connect(db_path) as after:
        assert after.execute(
            "SELECT count(*) FROM sign_in_attempts WHERE login = 'root'"
        ).fetchall() == [(5,)]


def test_a_session_touch_that_conflicts_is_skipped_not_raised(con, db_path):
    viewer = authentication.authenticate(con, "ann", "violet-harbour-77", now=T0)
    token = sessions.create_session(con, viewer, now=T0)
    other = con.cursor()  # a second connection to the same database
    other.execute("BEGIN TRANSACTION")
    other.execute(
        "UPDATE sessions SET last_seen_at = $now WHERE user_id = 'ann'",
        {"now": T0 + timedelta(minutes=5)},
    )
    # The same session validated from another tab while the first write is in flight.
    assert sessions.validate_session(con, token, now=T0 + timedelta(minutes=5)) == viewer
    other.execute("COMMIT")
    assert sessions.validate_session(con, token, now=T0 + timedelta(minutes=6)) == viewer


# ---- issue 15 item 9: accounts name known agents and teams --------------------------------


@pytest.fixture
def con_with_data(db_path):
    from tests.fixtures import build_small_warehouse

    build_small_warehouse(db_path, per_agent=1)
    with connect(db_path) as connection:
        users.add_user(connection, SYSTEM, "root", "admin", "admin-secret-42")
        yield connection


def test_an_admin_cannot_create_an_agent_or_team_no_data_knows_by_accident(con_with_data):
    con, admin = con_with_data, Viewer("root", "admin")
    agents = users.known_agent_ids(con)
    teams = users.known_teams(con)
    assert agents and teams
    with pytest.raises(users.UserError, match="No conversation has the agent id 'agent-999'"):
        users.add_user(con, admin, "newagent", "agent", "violet-harbour-77", agent_id="agent-999")
    typo = sorted(teams)[0][:-1]  # "Billing" -> "Billin"
    with pytest.raises(users.UserError, match=f"team '{typo}'"):
        users.add_user(con, admin, "newmgr", "manager", "violet-harbour-77", teams=[typo])
    assert users.get_user(con, "newagent") is None and users.get_user(con, "newmgr") is None
    # Known ones pass; new ones pass when the admin says they are new.
    users.add_user(con, admin, "ok1", "agent", "violet-harbour-77", agent_id=sorted(agents)[0])
    users.add_user(con, admin, "ok2", "manager", "violet-harbour-77", teams=[sorted(teams)[0]])
    users.add_user(
        con, admin, "ok3", "agent", "violet-harbour-77", agent_id="agent-999", new_ok=True
    )
    assert "agent-999" in users.known_agent_ids(con)


def test_company_sign_in_e_mails_are_unique_and_matched_case_insensitively(con):
    users.add_user(con, SYSTEM, "eve", "reviewer", "violet-harbour-77", email="Eve@Example.COM")
    assert users.user_by_email(con, "eve@example.com").user_id == "eve"
    with pytest.raises(users.UserError, match="already belongs to the account eve"):
        users.set_email(con, SYSTEM, "ann", "EVE@example.com")
    with pytest.raises(users.UserError, match="not an e-mail"):
        users.set_email(con, SYSTEM, "ann", "not-an-address")
    users.set_email(con, SYSTEM, "ann", "ann@example.com")
    assert users.get_user(con, "ann").email == "ann@example.com"
    assert [r["action"] for r in audit.entries(con, SYSTEM, action="user.set_email")] == [
        "user.set_email"
    ]


GUESSER = """
import json, sys
from warehouse.access import authentication
from warehouse.storage.connection import connect

outcomes = []
for i in range(int(sys.argv[2])):
    with connect(sys.argv[1]) as con:  # each attempt opens the file, as the dashboard does
        try:
            authentication.authenticate(con, "root", f"guess-{i}", client="203.0.113.5")
        except authentication.LockedOutError:
            outcomes.append("locked")
        except authentication.SignInError:
            outcomes.append("wrong")
print(json.dumps(outcomes))
"""


def test_parallel_wrong_passwords_from_several_processes_respect_the_limit(db_path):
    """3 processes guess 3 times each at once: 5 attempts are checked, 4 refused as locked.

    Plain child processes (not a multiprocessing pool, which waits forever for a worker that
    died): a crash fails the test with the child's stderr, a hang after 180 s."""
    import json
    import subprocess
    import sys

    with connect(db_path) as setup:
        users.add_user(setup, SYSTEM, "root", "admin", "admin-secret-42")
    children = [
        subprocess.Popen(
            [sys.executable, "-c", GUESSER, str(db_path), "3"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    results = []
    try:
        for child in children:
            out, err = child.communicate(timeout=180)
            assert child.returncode == 0, err[-2000:]
            results.append(json.loads(out.strip().splitlines()[-1]))
    finally:
        for child in children:
            child.kill()
    outcomes = [o for result in results for o in result]
    assert outcomes.count("wrong") == 4 and outcomes.count("locked") == 5, outcomes
    with connect(db_path) as con:
        assert con.execute(
            "SELECT count(*) FROM sign_in_attempts WHERE login = 'root'"
        ).fetchall() == [(5,)]
