"""The Inbox page (AppTest from the entrypoint): the viewer's own notifications with an unread
count, marking read, opening one, the e-mail address form, and names shown as text."""

from __future__ import annotations

import os
import shutil
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.fixtures import build_small_warehouse
from warehouse.access import users
from warehouse.access.viewer import Viewer
from warehouse.review import notifications, reviews
from warehouse.storage.connection import connect

ENTRYPOINT = str(Path(__file__).resolve().parents[2] / "dashboard" / "streamlit_app.py")
PAGE = "app_pages/inbox.py"
T0 = datetime(2026, 3, 30, 9, 0)
HOSTILE = "Rita ![x](http://evil.example/a.png) [click](http://evil.example) <b>bold</b>"


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """Rita (display name hostile on purpose) reviews Ann's conv-000 and conv-001."""
    db = tmp_path_factory.mktemp("inbox") / "template.duckdb"
    build_small_warehouse(db, with_users=True)
    with connect(db) as con:
        con.execute("UPDATE users SET display_name = ? WHERE user_id = 'rita'", [HOSTILE])
        rita = users.get_user(con, "rita").viewer()
        reviews.submit_review(con, rita, "conv-000", [], now=T0)
        reviews.submit_review(con, rita, "conv-001", [], now=T0 + timedelta(hours=1))
    return db


@pytest.fixture
def db(template: Path, tmp_path: Path, monkeypatch) -> Path:
    copy = tmp_path / "inbox.duckdb"
    shutil.copy2(template, copy)
    monkeypatch.setenv("CORNERSTONE_DB", str(copy))
    for name in list(os.environ):
        if name.startswith("CORNERSTONE_SMTP"):
            monkeypatch.delenv(name)
    return copy


def _viewer(db: Path, login: str) -> Viewer:
    with connect(db) as con:
        return users.get_user(con, login).viewer()


def _open(viewer: Viewer) -> AppTest:
    at = AppTest.from_file(ENTRYPOINT, default_timeout=60)
    at.session_state["viewer"] = viewer
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _shown(at: AppTest) -> str:
    return "\n".join(str(e.value) for kind in ("markdown", "caption", "info", "success", "error")
                     for e in getattr(at, kind))  # fmt: skip


def test_agent_sees_own_unread_feedback_and_marks_all_read(db: Path) -> None:
    at = _open(_viewer(db, "ann"))
    assert at.title[0].value == "Inbox"
    assert "2 unread of 2" in _shown(at)
    shown = _shown(at)
    assert "reviewed your conversation conv\\-001" in shown
    assert "reviewed your conversation conv\\-000" in shown
    at.button(key="inbox_mark_all").click().run()
    assert not at.exception
    assert "0 unread of 2" in _shown(at) and "All read." in _shown(at)
    with connect(db) as con:
        assert notifications.unread_count(con, _viewer(db, "ann")) == 0


def test_nobody_else_sees_an_agents_notifications(db: Path) -> None:
    for login in ("bob", "meg", "tom", "lee"):
        at = _open(_viewer(db, login))
        assert "conv\\-000" not in _shown(at), login
        assert "Nothing here yet." in _shown(at)


def test_names_from_the_database_are_shown_as_text_not_markup(db: Path) -> None:
    at = _open(_viewer(db, "ann"))
    item = next(m.value for m in at.markdown if "conv\\-000" in m.value)
    # Every punctuation mark escaped: no image, link or HTML can form.
    assert "\\!\\[x\\]\\(http\u2060\\:\\/\\/evil\\.example\\/a\\.png\\)" in item
    assert "\\<b\\>bold\\<\\/b\\>" in item
    assert "](" not in item and "<b>" not in item


def test_opening_a_notification_marks_it_read_and_goes_to_the_conversation(db: Path) -> None:
    at = _open(_viewer(db, "ann"))
    key = next(b.key for b in at.button if b.key and b.key.startswith("inbox_open_feedback:"))
    at.button(key=key).click().run()
    assert not at.exception
    assert at.query_params.get("conversation") in (["conv-001"], "conv-001")
    with connect(db) as con:
        inbox = notifications.inbox(con, _viewer(db, "ann"))
    assert [n.is_read for n in inbox] == [True, False]


def test_email_address_form_checks_and_saves_the_address(db: Path) -> None:
    at = _open(_viewer(db, "ann"))
    assert "E-mail is not set up on this server yet" in _shown(at)
    at.text_input(key="inbox_email_address").input("not an address")
    at.button[-1].click().run()
    assert "does not look like an e-mail address" in _shown(at)
    at.text_input(key="inbox_email_address").input("ann@example.com")
    at.button[-1].click().run()
    assert "New notifications will be e-mailed to ann\u2060\\@example\\.com." in _shown(at)
    with connect(db) as con:
        assert notifications.email_address(con, _viewer(db, "ann")) == "ann@example.com"
