"""`qa notify` against a real SMTP server (aiosmtpd) and a real HTTP receiver, both on loopback:
each notification goes out once per channel, only to people who chose an address, nothing from
before a channel was set up, failed sends are retried, and names cannot form chat markup."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from tests.browser.conftest import free_port
from tests.fixtures import build_small_warehouse
from warehouse.access import users
from warehouse.review import notifications, review_queue, reviews
from warehouse.review.notification_delivery import (
    DeliverySettings,
    DeliverySettingsError,
    deliver,
    slack_escape,
)
from warehouse.storage.connection import connect

QA = Path(sys.executable).with_name("qa")
NOW = datetime.now(UTC).replace(tzinfo=None)
BACKLOG = NOW - timedelta(hours=3)  # before any channel was set up
SET_UP = NOW - timedelta(hours=2)  # first `qa notify` run
LATER = NOW - timedelta(hours=1)


class _Inbox:
    """aiosmtpd handler: keeps every message it accepts."""

    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        message = message_from_bytes(envelope.original_content)
        self.messages.append((envelope.rcpt_tos, message))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp() -> Iterator[tuple[_Inbox, int]]:
    inbox = _Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


class _Receiver(ThreadingHTTPServer):
    posts: list[dict]
    status: int = 200


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        server: _Receiver = self.server  # type: ignore[assignment]
        if server.status == 200:
            server.posts.append(json.loads(body))
        self.send_response(server.status)
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def webhook() -> Iterator[_Receiver]:
    receiver = _Receiver(("127.0.0.1", 0), _Handler)
    receiver.posts = []
    thread = threading.Thread(target=receiver.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        receiver.shutdown()
        receiver.server_close()


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """Accounts plus one review from before the channels existed (a backlog never to send)."""
    db = tmp_path_factory.mktemp("notify") / "template.duckdb"
    build_small_warehouse(db, with_users=True)
    with connect(db) as con:
        rita = users.get_user(con, "rita").viewer()
        reviews.submit_review(con, rita, "conv-006", [], now=BACKLOG)  # Bob's, old
        for login in ("ann", "rita", "lee"):
            notifications.set_email_address(
                con, users.get_user(con, login).viewer(), f"{login}@example.com", now=BACKLOG
            )
    return db


@pytest.fixture
def db(template: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "notify.duckdb"
    shutil.copy2(template, copy)
    return copy


def _settings(smtp_port: int | None, webhook_url: str | None, **extra) -> DeliverySettings:
    return DeliverySettings(
        smtp_host="127.0.0.1" if smtp_port else None, smtp_port=smtp_port or 25,
        smtp_from="qa@example.com", webhook_url=webhook_url, base_url="https://qa.example.com",
        timeout_seconds=5, **extra,
    )  # fmt: skip


def _new_activity(db: Path, at: datetime = LATER) -> None:
    """After set-up: rita reviews Ann's conv-000, Ann disputes it, lee assigns sam two."""
    with connect(db) as con:
        get = lambda login: users.get_user(con, login).viewer()  # noqa: E731
        review_id = reviews.submit_review(con, get("rita"), "conv-000", [], now=at)
        reviews.open_dispute(
            con, get("ann"), review_id, "empathy", "tone", "I was polite",
            now=at + timedelta(minutes=5),
        )  # fmt: skip
        review_queue.assign(
            con, get("lee"), ["conv-001", "conv-002"], "sam", now=at + timedelta(minutes=10)
        )


def test_each_notification_is_emailed_and_posted_once(db: Path, smtp, webhook) -> None:
    inbox, port = smtp
    url = f"http://127.0.0.1:{webhook.server_port}/hook"
    first = deliver(db, _settings(port, url), now=SET_UP)  # sets the channels up: nothing old
    assert (first.emails_sent, first.webhook_posts, first.failures) == (0, 0, [])
    assert inbox.messages == [] and webhook.posts == []

    _new_activity(db)
    report = deliver(db, _settings(port, url))
    assert report.failures == []
    by_recipient = {tuple(to): message for to, message in inbox.messages}
    # Ann: her feedback; rita: the dispute on her review; lee: the dispute. Sam chose no address.
    assert set(by_recipient) == {("ann@example.com",), ("rita@example.com",), ("lee@example.com",)}
    ann = by_recipient[("ann@example.com",)]
    assert ann["From"] == "qa@example.com"
    assert ann["Subject"] == "Cornerstone QA: rita reviewed your conversation conv-000."
    body = ann.get_payload(decode=True).decode()
    assert "rita reviewed your conversation conv-000." in body
    assert "https://qa.example.com/inbox" in body
    assert "conv-006" not in body  # the backlog from before e-mail was set up
    rita = by_recipient[("rita@example.com",)].get_payload(decode=True).decode()
    assert "ann disputed “Warm, polite tone” on conversation conv-000." in rita
    assert (report.emails_sent, report.notifications_emailed) == (3, 3)
    # The webhook gets the dispute and the assignment (default kinds), once each, no feedback.
    texts = [post["text"] for post in webhook.posts]
    assert len(texts) == 2, texts
    assert texts[0].startswith(
        "Cornerstone QA: ann disputed “Warm, polite tone” on conversation conv-000."
    )
    assert texts[1].startswith("Cornerstone QA: lee assigned sam 2 conversations to review.")
    assert all("<https://qa.example.com/inbox|Open Cornerstone QA>" in t for t in texts)

    again = deliver(db, _settings(port, url))
    assert (again.emails_sent, again.webhook_posts) == (0, 0)
    assert len(inbox.messages) == 3 and len(webhook.posts) == 2


def test_failed_sends_are_reported_and_retried_next_run(db: Path, smtp, webhook) -> None:
    inbox, port = smtp
    url = f"http://127.0.0.1:{webhook.server_port}/hook"
    deliver(db, _settings(port, url), now=SET_UP)
    _new_activity(db)
    webhook.status = 500
    closed_port = free_port()  # nothing listens here: the e-mail server is down
    down = deliver(db, _settings(closed_port, url))
    assert down.emails_sent == 0 and down.webhook_posts == 0
    assert len(down.failures) == 2  # the e-mail server once, the webhook once (the rest waits)
    assert "e-mail server 127.0.0.1" in down.failures[0] and "webhook" in down.failures[1]
    assert "tried again" in down.summary()

    webhook.status = 200
    back = deliver(db, _settings(port, url))
    assert back.failures == [] and back.emails_sent == 3 and back.webhook_posts == 2


def test_a_new_address_gets_only_what_happens_after_it_was_chosen(db: Path, smtp) -> None:
    inbox, port = smtp
    deliver(db, _settings(port, None), now=SET_UP)
    _new_activity(db)  # Sam's assignment happens before Sam chooses an address
    with connect(db) as con:
        notifications.set_email_address(con, users.get_user(con, "sam").viewer(), "sam@example.com")
    deliver(db, _settings(port, None))
    assert ("sam@example.com",) not in {tuple(to) for to, _ in inbox.messages}


def test_a_name_with_line_breaks_cannot_add_mail_headers(db: Path, smtp) -> None:
    inbox, port = smtp
    deliver(db, _settings(port, None), now=SET_UP)
    with connect(db) as con:
        con.execute(
            "UPDATE users SET display_name = ? WHERE user_id = 'rita'",
            ["Rita\r\nBcc: everyone@example.com\n\nfake body"],
        )
    _new_activity(db)
    report = deliver(db, _settings(port, None))
    assert report.failures == [] and report.emails_sent == 3
    for recipients, message in inbox.messages:
        assert message["Bcc"] is None and len(recipients) == 1
    ann = next(m for to, m in inbox.messages if to == ["ann@example.com"])
    assert " ".join(str(ann["Subject"]).split()) == (  # long headers are folded in transit
        "Cornerstone QA: Rita Bcc: everyone@example.com fake body reviewed your conversation conv-000."
    )


def test_names_cannot_form_chat_markup_or_mentions() -> None:
    assert slack_escape("<!channel> <https://evil.example|click> & co") == (
        "&lt;!channel&gt; &lt;https://evil.example|click&gt; &amp; co"
    )


def test_settings_come_from_the_environment_or_the_file_with_plain_errors(
    monkeypatch, tmp_path: Path
) -> None:
    for name in list(os.environ):
        if name.startswith("CORNERSTONE_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)  # no ./cornerstone.toml
    assert DeliverySettings.from_settings().email_enabled is False
    for name, value in {
        "CORNERSTONE_SMTP_HOST": "mail.example.com", "CORNERSTONE_SMTP_PORT": "587",
        "CORNERSTONE_SMTP_FROM": "qa@example.com", "CORNERSTONE_WEBHOOK_URL": "https://hooks.example/x",
        "CORNERSTONE_WEBHOOK_KINDS": "dispute_opened, dispute_resolved",
    }.items():  # fmt: skip
        monkeypatch.setenv(name, value)
    settings = DeliverySettings.from_settings()
    assert settings.smtp_security == "starttls" and settings.smtp_port == 587
    assert settings.webhook_kinds == ("dispute_opened", "dispute_resolved")
    # The same from the settings file's [notifications] section.
    for name in list(os.environ):
        if name.startswith("CORNERSTONE_"):
            monkeypatch.delenv(name)
    (tmp_path / "cornerstone.toml").write_text(
        '[notifications]\nsmtp_host = "mail.example.com"\nsmtp_port = 465\n'
        'smtp_from = "qa@example.com"\nsmtp_security = "ssl"\n', encoding="utf-8",
    )  # fmt: skip
    from_file = DeliverySettings.from_settings()
    assert (from_file.smtp_host, from_file.smtp_port, from_file.smtp_security) == (
        "mail.example.com", 465, "ssl",
    )  # fmt: skip
    (tmp_path / "cornerstone.toml").unlink()
    for env, message in (
        ({"CORNERSTONE_SMTP_HOST": "mail"}, "CORNERSTONE_SMTP_FROM"),
        ({"CORNERSTONE_WEBHOOK_KINDS": "everything"}, "CORNERSTONE_WEBHOOK_KINDS"),
        ({"CORNERSTONE_WEBHOOK_URL": "ftp://x"}, "CORNERSTONE_WEBHOOK_URL"),
    ):
        with monkeypatch.context() as scoped:
            for name, value in env.items():
                scoped.setenv(name, value)
            with pytest.raises(DeliverySettingsError, match=message):
                DeliverySettings.from_settings()


def test_qa_notify_command_sends_through_the_environment_settings(db: Path, webhook) -> None:
    env = {**os.environ, "CORNERSTONE_DB": str(db),
           "CORNERSTONE_WEBHOOK_URL": f"http://127.0.0.1:{webhook.server_port}/hook"}  # fmt: skip
    env = {k: v for k, v in env.items() if not k.startswith("CORNERSTONE_SMTP")}
    first = subprocess.run(
        [str(QA), "notify"], env=env, capture_output=True, text=True, timeout=120
    )
    assert first.returncode == 0, first.stderr
    assert "webhook: 0 post(s) sent" in first.stdout
    _new_activity(db, at=datetime.now(UTC).replace(tzinfo=None))
    second = subprocess.run(
        [str(QA), "notify"], env=env, capture_output=True, text=True, timeout=120
    )
    assert second.returncode == 0, second.stderr
    assert "webhook: 2 post(s) sent" in second.stdout and len(webhook.posts) == 2
    bad = subprocess.run(
        [str(QA), "notify"], env={**env, "CORNERSTONE_SMTP_HOST": "mail"}, capture_output=True,
        text=True, timeout=120,
    )  # fmt: skip
    assert bad.returncode == 2
    assert bad.stderr.strip() == (
        "error: notifications.smtp_from (CORNERSTONE_SMTP_FROM) is needed with "
        "notifications.smtp_host (CORNERSTONE_SMTP_HOST): the sender address"
    )
