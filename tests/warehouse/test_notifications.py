"""Notifications derived from reviews, disputes and assignments: the right people, nobody else,
people-facing text, read marks per person, and the delivery claims that send each one once."""

from __future__ import annotations

import shutil
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from tests.fixtures import build_small_warehouse
from warehouse import queries
from warehouse.access import users
from warehouse.access.viewer import SYSTEM, Viewer
from warehouse.review import calibration, notifications, review_queue, reviews
from warehouse.review.sampling import QueueFilters, Selection
from warehouse.storage.connection import connect

T0 = datetime(2026, 3, 30, 9, 0)


def _viewer(con, login: str) -> Viewer:
    return users.get_user(con, login).viewer()


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """The small warehouse with accounts: rita reviews conv-000 (Ann's, Billing), lee assigns
    two conversations to rita, Ann disputes a criterion and lee upholds the review."""
    db_path = tmp_path_factory.mktemp("notifications") / "template.duckdb"
    build_small_warehouse(db_path, with_users=True)
    with connect(db_path) as con:
        lee, rita, ann = (_viewer(con, x) for x in ("lee", "rita", "ann"))
        review_queue.assign(con, lee, ["conv-000", "conv-001"], "rita", now=T0)
        review_id = reviews.submit_review(
            con, rita, "conv-000", [], overall_comment="Well done", now=T0 + timedelta(hours=1)
        )
        dispute_id = reviews.open_dispute(
            con, ann, review_id, "empathy", "tone", "I was polite", now=T0 + timedelta(hours=2)
        )
        reviews.resolve_dispute(
            con, lee, dispute_id, "upheld", "The tone was curt", now=T0 + timedelta(hours=3)
        )
    return db_path


@pytest.fixture
def db(template: Path, tmp_path: Path) -> Path:
    """A private copy of the template (building it hashes ten passwords: done once)."""
    copy = tmp_path / "notifications.duckdb"
    shutil.copy2(template, copy)
    return copy


def _inbox(con, login: str) -> list[tuple[str, str]]:
    return [(n.kind, n.text) for n in notifications.inbox(con, _viewer(con, login))]


def test_each_person_is_told_about_what_concerns_them_and_nothing_else(db: Path) -> None:
    with connect(db) as con:
        assert _inbox(con, "ann") == [
            ("dispute_resolved",
             "lee resolved the dispute about “Warm, polite tone” on conversation conv-000: "
             "the score was kept."),
            ("feedback", "rita reviewed your conversation conv-000."),
        ]  # fmt: skip
        assert [k for k, _ in _inbox(con, "rita")] == [
            "dispute_resolved", "dispute_opened", "assigned",
        ]  # fmt: skip
        # conv-000 is reviewed, so one of the two is still open.
        assert (
            _inbox(con, "rita")[-1][1]
            == "lee assigned you 2 conversations to review (1 still open)."
        )
        # QA leads and the team's manager hear of the dispute; the lead who resolved it is not
        # told about their own decision.
        assert [k for k, _ in _inbox(con, "lee")] == ["dispute_opened"]
        assert [k for k, _ in _inbox(con, "meg")] == ["dispute_opened"]  # manages Billing
        for nobody in ("tom", "bob", "sam", "cat", "admin"):  # other team, agent, reviewer
            assert _inbox(con, nobody) == [], nobody


def test_texts_name_criteria_in_words_never_by_id(db: Path) -> None:
    with connect(db) as con:
        texts = " ".join(n.text for login in ("ann", "rita", "lee") for n in
                         notifications.inbox(con, _viewer(con, login)))  # fmt: skip
    assert "“Warm, polite tone”" in texts
    assert "empathy.tone" not in texts and "“tone”" not in texts
    assert "None" not in texts


def test_a_later_submission_still_open_count_and_a_review_update(db: Path) -> None:
    with connect(db) as con:
        rita = _viewer(con, "rita")
        reviews.submit_review(con, rita, "conv-001", [], now=T0 + timedelta(hours=4))
        texts = [t for _, t in _inbox(con, "rita")]
        assert "lee assigned you 2 conversations to review (all done)." in texts
        reviews.submit_review(
            con, rita, "conv-000", [], overall_comment="Better", now=T0 + timedelta(hours=5)
        )
        assert _inbox(con, "ann")[0] == (
            "feedback", "rita updated their review of your conversation conv-000."
        )  # fmt: skip


def test_calibration_reviews_do_not_reach_the_agent_but_calibration_work_reaches_reviewers(
    db: Path,
) -> None:
    with connect(db) as con:
        lee, sam = _viewer(con, "lee"), _viewer(con, "sam")
        session_id = calibration.create_session(
            con,
            lee,
            title="March calibration",
            conversation_ids=["conv-012"],
            reviewer_ids=["sam", "rita"],
        )
        reviews.submit_review(
            con, sam, "conv-012", [], calibration_session_id=session_id,
            now=T0 + timedelta(hours=7),
        )  # fmt: skip
        cat = notifications.inbox(con, _viewer(con, "cat"))  # conv-012 is Cat's
        assert cat == []
        sams = notifications.inbox(con, sam)
        assert [n.kind for n in sams] == ["assigned"]
        assert "calibration session “March calibration”" in sams[0].text
        assert sams[0].about_calibration


def test_an_agent_cannot_read_another_persons_notifications_through_the_query(db: Path) -> None:
    with connect(db) as con:
        bob = _viewer(con, "bob")
        for recipient in ("ann", "rita", None):
            rows = queries.run(
                con, "notifications", viewer=bob, recipient=recipient, since=None, limit=100
            )
            assert rows == [], recipient
        # The system viewer (qa notify) sees everyone's.
        every = queries.run(
            con, "notifications", viewer=SYSTEM, recipient=None, since=None, limit=100
        )
        assert {r["recipient_id"] for r in every} == {"ann", "rita", "lee", "meg"}


def test_disabled_accounts_get_nothing(db: Path) -> None:
    with connect(db) as con:
        users.disable_user(con, SYSTEM, "meg")
        every = queries.run(
            con, "notifications", viewer=SYSTEM, recipient=None, since=None, limit=100
        )
        assert "meg" not in {r["recipient_id"] for r in every}


def test_reading_marks_only_the_readers_own_notifications(db: Path) -> None:
    with connect(db) as con:
        ann, rita = _viewer(con, "ann"), _viewer(con, "rita")
        first = notifications.inbox(con, ann)[0]
        assert notifications.unread_count(con, ann) == 2
        assert (
            notifications.mark_read(con, ann, [first.key, "feedback:999", "dispute_opened:1"]) == 1
        )
        assert notifications.unread_count(con, ann) == 1
        assert notifications.unread_count(con, rita) == 3  # rita's copy of the same dispute
        assert notifications.mark_read(con, ann) == 1
        assert notifications.unread_count(con, ann) == 0
        assert notifications.mark_read(con, ann) == 0
        assert all(n.is_read for n in notifications.inbox(con, ann))


def test_email_address_is_the_persons_own_choice_and_checked(db: Path) -> None:
    with connect(db) as con:
        ann = _viewer(con, "ann")
        assert notifications.email_address(con, ann) is None
        for bad in ("ann", "ann@", "a b@example.com", "ann@example", "x@y.z\nBcc: all@corp"):
            with pytest.raises(notifications.NotificationSettingsError, match="e-mail address"):
                notifications.set_email_address(con, ann, bad)
        assert notifications.set_email_address(con, ann, " ann@example.com ") == "ann@example.com"
        assert notifications.set_email_address(con, ann, "ann@corp.example") == "ann@corp.example"
        assert notifications.email_address(con, ann) == "ann@corp.example"
        assert notifications.email_address(con, _viewer(con, "bob")) is None
        assert set(notifications.addresses(con)) == {"ann"}
        assert notifications.set_email_address(con, ann, "") is None
        assert notifications.addresses(con) == {}


def test_a_delivery_is_claimed_once_and_a_failed_one_is_released(db: Path) -> None:
    with connect(db) as con:
        since = notifications.enable_channel(con, "webhook", T0 - timedelta(days=1))
        assert notifications.enable_channel(con, "webhook", T0) == since  # the first time stays
        pending = notifications.undelivered(con, "webhook", since)
        keys = [n.key for n in pending]
        assert len(keys) == len(set(keys)) == 4  # one per event, not per recipient
        assert notifications.claim(con, "webhook", "", keys) == keys
        assert notifications.claim(con, "webhook", "", keys) == []  # a second sender gets none
        assert notifications.undelivered(con, "webhook", since) == []
        notifications.finish(con, "webhook", "", keys[:1], sent=True)
        notifications.finish(con, "webhook", "", keys[1:], sent=False)
        assert [n.key for n in notifications.undelivered(con, "webhook", since)] == keys[1:]
        # Events before the channel was set up are never sent.
        assert notifications.undelivered(con, "webhook", T0 + timedelta(hours=10)) == []


def test_an_assignment_with_a_due_date_says_when_it_is_due(db: Path) -> None:
    with connect(db) as con:
        review_queue.build_queue(
            con, _viewer(con, "lee"), Selection(("not_yet_reviewed",)), QueueFilters(), ["rita"],
            limit=2, now=T0 + timedelta(days=1), due_date=date(2026, 4, 3),
        )  # fmt: skip
        texts = [t for kind, t in _inbox(con, "rita") if kind == "assigned"]
    assert texts == [
        "lee assigned you 2 conversations to review, due 03 Apr 2026.",
        "lee assigned you 2 conversations to review (1 still open).",  # no due date: as before
    ]
