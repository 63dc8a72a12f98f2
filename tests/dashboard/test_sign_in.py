"""Sign-in through the real entrypoint (AppTest): messages, lockout, role-gated navigation,
sign-out and session expiry; the admin pages (users, audit log)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from streamlit.testing.v1 import AppTest

from tests.fixtures import build_small_warehouse
from warehouse.access import audit, authentication, passwords, sessions, users
from warehouse.access.viewer import SYSTEM, Viewer
from warehouse.storage.connection import connect

ENTRYPOINT = str(Path(__file__).resolve().parents[2] / "dashboard" / "streamlit_app.py")
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
ACCOUNTS = {
    "root": ("admin", "admin-secret-42", {}),
    "ann": ("agent", "violet-harbour-77", {"agent_id": "agent_ann"}),
    "mia": ("manager", "tulip-garden-5", {"teams": ["Billing"]}),
}


@pytest.fixture(autouse=True)
def fast_hashing(monkeypatch):
    monkeypatch.setattr(passwords, "_hasher", FAST_HASHER)
    monkeypatch.setattr(passwords, "_DUMMY_HASH", FAST_HASHER.hash("dummy"))


@pytest.fixture
def db(db_path, monkeypatch):
    build_small_warehouse(db_path, per_agent=2)
    with connect(db_path) as con:
        for login, (role, password, scope) in ACCOUNTS.items():
            users.add_user(con, SYSTEM, login, role, password, **scope)
    monkeypatch.setenv("CORNERSTONE_DB", str(db_path))
    return db_path


def _app() -> AppTest:
    at = AppTest.from_file(ENTRYPOINT, default_timeout=60)
    at.run()
    return at


def _sign_in(at: AppTest, login: str, password: str) -> AppTest:
    at.text_input(key="sign_in_login").input(login)
    at.text_input(key="sign_in_password").input(password)
    at.button[0].click().run()  # the form's submit button
    return at


def _errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


def test_visitor_sees_only_the_sign_in_form(db):
    at = _app()
    assert not at.exception
    assert [t.value for t in at.title] == ["Cornerstone QA"]
    assert at.text_input(key="sign_in_password").proto.type == 1  # PASSWORD: never echoed
    # No other page is even registered for this session, so none can be reached.
    with pytest.raises(ValueError, match="Known pages: \\[.*sign_in.py'\\]"):
        at.switch_page("app_pages/audit_log.py")
    assert "viewer" not in at.session_state


def test_first_run_without_accounts_says_how_to_create_the_admin(db_path, monkeypatch):
    monkeypatch.setenv("CORNERSTONE_DB", str(db_path))
    at = _app()
    assert any("qa users add admin --role admin" in w.value for w in at.warning)


def test_wrong_password_gets_one_plain_message(db):
    at = _sign_in(_app(), "ann", "not my password")
    assert _errors(at) == ["Wrong login or password."]
    assert "viewer" not in at.session_state
    at = _sign_in(at, "nobody", "not my password")
    assert _errors(at) == ["Wrong login or password."]


def test_empty_fields_are_asked_for(db):
    at = _sign_in(_app(), "", "")
    assert _errors(at) == ["Enter your login and your password."]


def test_lockout_after_five_failures_even_with_the_right_password(db):
    at = _app()
    for _ in range(4):
        _sign_in(at, "ann", "guess-guess")
    assert "1 attempt left" in _errors(at)[0]
    _sign_in(at, "ann", "guess-guess")
    assert "locked" in _errors(at)[0]
    _sign_in(at, "ann", ACCOUNTS["ann"][1])
    assert "locked" in _errors(at)[0]
    assert "viewer" not in at.session_state


def test_agent_signs_in_to_their_feedback_and_cannot_open_other_pages(db):
    at = _sign_in(_app(), "ANN", ACCOUNTS["ann"][1])
    assert not _errors(at) and not at.exception
    assert at.session_state["viewer"] == Viewer("ann", "agent", agent_id="agent_ann")
    at.run()
    assert [t.value for t in at.title] == ["Home"]  # every role lands on its home page
    for page in ("team_trends", "review_queue", "audit_log", "users", "calibration", "coaching"):
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(f"app_pages/{page}.py")
    at.switch_page("app_pages/rubrics.py").run()  # shared with every role
    assert [t.value for t in at.title] != ["My feedback"] and not at.exception


def test_manager_lands_on_home_and_cannot_open_admin_pages(db):
    at = _sign_in(_app(), "mia", ACCOUNTS["mia"][1])
    at.run()
    assert [t.value for t in at.title] == ["Home"]
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("app_pages/users.py")


def test_sign_out_returns_to_the_form_and_ends_the_session(db):
    at = _sign_in(_app(), "mia", ACCOUNTS["mia"][1])
    at.run()
    token = at.session_state["session_token"]
    at.button(key="session_sign_out").click().run()
    assert "viewer" not in at.session_state
    assert any("signed out" in i.value for i in at.info)
    with connect(db) as con:
        assert sessions.validate_session(con, token) is None


def test_idle_session_expires_and_asks_to_sign_in_again(db):
    at = _sign_in(_app(), "mia", ACCOUNTS["mia"][1])
    at.run()
    with connect(db) as con:
        con.execute(
            "UPDATE sessions SET last_seen_at = last_seen_at - $idle",
            {"idle": sessions.IDLE_TIMEOUT + timedelta(minutes=1)},
        )
    at.session_state["session_checked_at"] = 0.0  # force the once-a-minute re-check now
    at.run()
    assert "viewer" not in at.session_state
    assert any("session has ended" in i.value for i in at.info)


def test_disabled_account_is_signed_out_on_the_next_check(db):
    at = _sign_in(_app(), "ann", ACCOUNTS["ann"][1])
    with connect(db) as con:
        users.disable_user(con, SYSTEM, "ann")
    at.session_state["session_checked_at"] = 0.0
    at.run()
    assert "viewer" not in at.session_state


def test_admin_sees_the_audit_log_with_sign_ins_and_csv(db):
    at = _app()
    _sign_in(at, "ann", "wrong-wrong-1")
    _sign_in(at, "root", ACCOUNTS["root"][1])
    at.switch_page("app_pages/audit_log.py").run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Audit log"]
    frame = at.dataframe[0].value
    assert {"sign_in.ok", "sign_in.failed"} <= set(frame["action"])
    assert len(at.get("download_button")) == 1
    at.selectbox(key="audit_action").select("sign_in.failed").run()
    assert set(at.dataframe[0].value["action"]) == {"sign_in.failed"}


def test_admin_adds_and_disables_a_user_on_the_users_page(db):
    at = _sign_in(_app(), "root", ACCOUNTS["root"][1])
    at.switch_page("app_pages/users.py").run()
    assert not at.exception
    assert at.selectbox(key="users_add_role").value is None  # no default role: a choice
    at.text_input(key="users_add_login").input("newrev")
    at.text_input(key="users_add_password").input("reviewing-rocks-1")
    at.button(key="users_add_submit").click().run()
    assert _errors(at) == ["Choose a role."]
    assert at.text_input(key="users_add_login").value == "newrev"  # nothing typed is lost
    at.selectbox(key="users_add_role").select("reviewer")
    at.text_input(key="users_add_password").input("short")
    at.button(key="users_add_submit").click().run()
    assert any("at least 10" in e for e in _errors(at))
    at.text_input(key="users_add_password").input("reviewing-rocks-1")
    at.button(key="users_add_submit").click().run()
    assert not _errors(at)
    assert "newrev" in set(at.dataframe[0].value["Login"])
    assert at.text_input(key="users_add_login").value == ""  # emptied after success
    at.selectbox(key="users_access_login").select("newrev")
    at.button(key="users_disable").click().run()
    with connect(db) as con:
        assert users.get_user(con, "newrev").disabled
        actions = [r["action"] for r in audit.entries(con, SYSTEM, actor="root")]
    assert "user.add" in actions and "user.disable" in actions


def test_page_tests_can_still_set_the_viewer_directly(db):
    at = AppTest.from_file(ENTRYPOINT, default_timeout=60)
    at.session_state["viewer"] = Viewer("boss", "admin")
    at.run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Home"]  # overview
    assert not at.text_input  # no sign-in form


def test_sign_in_pauses_while_failures_pile_up_server_wide(db, monkeypatch):
    import dashboard.session

    pauses: list[float] = []
    monkeypatch.setattr(dashboard.session, "_pause", pauses.append)
    at = _app()
    for login in ("ghost1", "ghost2", "ghost3"):
        _sign_in(at, login, "spray-spray-1")
    assert pauses == [0.25, 0.5]  # none before the first failure


def test_a_busy_database_does_not_sign_anyone_out(db, monkeypatch):
    import dashboard.session
    from warehouse.errors import DatabaseBusyError

    at = _sign_in(_app(), "mia", ACCOUNTS["mia"][1])

    def busy(*args, **kwargs):
        raise DatabaseBusyError("an import is running")

    monkeypatch.setattr(dashboard.session, "connect", busy)
    at.session_state["session_checked_at"] = 0.0
    at.run()
    assert at.session_state["viewer"].user_id == "mia"


def test_users_change_their_own_password_and_stay_signed_in(db):
    at = _sign_in(_app(), "mia", ACCOUNTS["mia"][1])
    at.run()
    old_token = at.session_state["session_token"]
    at.text_input(key="session_pw_current").input("not-the-password")
    at.text_input(key="session_pw_new").input("new-tulips-2026")
    at.text_input(key="session_pw_repeat").input("new-tulips-2026")
    at.sidebar.button[1].click().run()  # [0] is "Sign out"
    assert any("Wrong login or password" in e for e in _errors(at))
    at.text_input(key="session_pw_current").input(ACCOUNTS["mia"][1])
    at.text_input(key="session_pw_new").input("new-tulips-2026")
    at.text_input(key="session_pw_repeat").input("new-tulips-2026")
    at.sidebar.button[1].click().run()
    assert not _errors(at) and any("Password changed" in s.value for s in at.success)
    assert at.session_state["viewer"].user_id == "mia"
    with connect(db) as con:
        assert sessions.validate_session(con, old_token) is None
        assert sessions.validate_session(con, at.session_state["session_token"]) is not None
        assert authentication.authenticate(con, "mia", "new-tulips-2026").user_id == "mia"


def _page_text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [e.value for e in at.error] + [w.value for w in at.warning]
    return "\n".join(str(p) for p in parts)


def test_admin_picks_agents_from_known_ones_and_messages_use_the_pages_words(db):
    at = _sign_in(_app(), "root", ACCOUNTS["root"][1])
    at.switch_page("app_pages/users.py").run()
    known = at.selectbox(key="users_add_agent").options
    assert known and all("agent-999" not in o for o in known)
    at.text_input(key="users_add_login").input("newagent")
    at.selectbox(key="users_add_role").select("agent")
    at.text_input(key="users_add_password").input("violet-harbour-77")
    at.button(key="users_add_submit").click().run()
    assert _errors(at) == [
        "An agent account needs an agent id (the agent's id in the conversations)."
    ]
    assert "--" not in _page_text(at)  # no CLI flag names on the page
    at.selectbox(key="users_add_agent").select_index(0)
    at.text_input(key="users_add_new_agent").input("agent-999")
    at.button(key="users_add_submit").click().run()
    assert _errors(at) == ["Pick an agent from the list or type a new agent id, not both."]
    at.text_input(key="users_add_new_agent").input("")
    at.button(key="users_add_submit").click().run()
    assert not _errors(at)
    with connect(db) as con:
        assert users.get_user(con, "newagent").agent_id in users.known_agent_ids(con)


def test_a_locked_account_shows_its_lock_and_an_admin_unlocks_it(db):
    with connect(db) as con:
        for _ in range(5):
            with pytest.raises(authentication.SignInError):
                authentication.authenticate(con, "ann", "wrong password", client="192.0.2.7")
    at = _sign_in(_app(), "root", ACCOUNTS["root"][1])
    at.switch_page("app_pages/users.py").run()
    table = at.dataframe[0].value
    locked = dict(zip(table["Login"], table["Locked"], strict=True))
    assert locked["ann"].startswith("until ") and locked["root"] == "—"
    assert any("1 account is locked" in w.value for w in at.warning)
    notice = "1 account locked after failed sign-ins: unlock on the Users page."
    assert notice in [w.value for w in at.sidebar.warning]  # the admins' notice on every page
    at.selectbox(key="users_unlock_login").select("ann")
    at.button(key="users_unlock").click().run()
    assert not _errors(at)
    assert any("Unlocked ann." in s.value for s in at.success)
    assert not [w for w in at.sidebar.warning if "locked" in w.value]
    with connect(db) as con:
        assert authentication.locked_logins(con) == {}
        assert [r["target"] for r in audit.entries(con, SYSTEM, action="user.unlock")] == ["ann"]
        assert authentication.authenticate(con, "ann", ACCOUNTS["ann"][1], client="192.0.2.7")
