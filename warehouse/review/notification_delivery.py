"""Send notifications by e-mail (SMTP) and to a Slack-compatible webhook, each once.

`deliver(db_path, settings)` is what `qa notify` runs (the systemd timer runs `qa notify` after
import and scoring). It works in three steps so the database file is never held during network
I/O: claim the unsent notifications (one short connection), send, then record what was sent
(another). A failed send releases its claims, so the next run tries again; a sender killed
between sending and recording leaves the claim in place, so nothing is ever sent twice.

Settings come from `[notifications]` of the settings (config/settings.py, docs/configuration.md),
checked together in one place (`DeliverySettings.from_settings`); each key is also the variable
CORNERSTONE_<KEY>:

    SMTP_HOST, SMTP_PORT (25), SMTP_FROM, SMTP_USER, SMTP_PASSWORD,
    SMTP_SECURITY (starttls | ssl | none; default starttls unless the port is 25)
    WEBHOOK_URL, WEBHOOK_KINDS (dispute_opened,assigned)
    BASE_URL (the dashboard's address, for links in messages)

E-mail goes to people who chose an address on their inbox page, one message per person and run
listing their new notifications. The webhook gets one post per notification of the kinds chosen
(a shared channel: personal feedback is not posted unless its kind is listed).
"""

from __future__ import annotations

import json
import smtplib
import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

from config.settings import Notifications, load_settings
from warehouse.errors import WarehouseError
from warehouse.review import notifications
from warehouse.review.notifications import Notification
from warehouse.storage.connection import connect

ENV_PREFIX = "CORNERSTONE_"
DEFAULT_WEBHOOK_KINDS = ("dispute_opened", "assigned")
MAX_LINES_PER_EMAIL = 50


class DeliverySettingsError(WarehouseError):
    """A notification setting is missing or wrong (the message names the variable)."""


@dataclass(frozen=True)
class DeliverySettings:
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_from: str | None = None
    smtp_user: str | None = None
    smtp_password: str | None = field(default=None, repr=False)
    smtp_security: str = "none"
    webhook_url: str | None = None
    webhook_kinds: tuple[str, ...] = DEFAULT_WEBHOOK_KINDS
    base_url: str | None = None
    timeout_seconds: float = 15.0

    @property
    def email_enabled(self) -> bool:
        return bool(self.smtp_host)

    @property
    def webhook_enabled(self) -> bool:
        return bool(self.webhook_url)

    @classmethod
    def from_settings(cls, section: Notifications | None = None) -> DeliverySettings:
        """From `[notifications]` of the settings (file, CORNERSTONE_NOTIFICATIONS__<KEY> or
        the flat CORNERSTONE_<KEY>; config/settings.py), checked together."""
        section = load_settings().notifications if section is None else section
        port = section.smtp_port
        security = section.smtp_security or ("none" if port == 25 else "starttls")
        kinds = tuple(section.webhook_kinds) if section.webhook_kinds else DEFAULT_WEBHOOK_KINDS
        unknown = [k for k in kinds if k not in notifications.KINDS]
        if unknown:
            raise DeliverySettingsError(
                f"notifications.webhook_kinds ({ENV_PREFIX}WEBHOOK_KINDS): unknown kind "
                f"{unknown[0]!r}; choose from {', '.join(notifications.KINDS)}"
            )
        settings = cls(
            smtp_host=section.smtp_host or None, smtp_port=port, smtp_from=section.smtp_from or None,
            smtp_user=section.smtp_user or None, smtp_password=section.smtp_password or None,
            smtp_security=security, webhook_url=section.webhook_url or None, webhook_kinds=kinds,
            base_url=(section.base_url or "").rstrip("/") or None,
        )  # fmt: skip
        if settings.smtp_host and not settings.smtp_from:
            raise DeliverySettingsError(
                f"notifications.smtp_from ({ENV_PREFIX}SMTP_FROM) is needed with "
                f"notifications.smtp_host ({ENV_PREFIX}SMTP_HOST): the sender address"
            )
        if settings.webhook_url and not settings.webhook_url.startswith(("https://", "http://")):
            raise DeliverySettingsError(
                f"notifications.webhook_url ({ENV_PREFIX}WEBHOOK_URL) must start with https://"
            )
        return settings


@dataclass
class DeliveryReport:
    emails_sent: int = 0
    notifications_emailed: int = 0
    webhook_posts: int = 0
    failures: list[str] = field(default_factory=list)
    channels: list[str] = field(default_factory=list)

    def summary(self) -> str:
        if not self.channels:
            return (
                "No notification channel is set up (CORNERSTONE_SMTP_HOST or "
                "CORNERSTONE_WEBHOOK_URL; see docs/deploy.md). The in-app inbox works without one."
            )
        parts = []
        if "email" in self.channels:
            parts.append(
                f"e-mail: {self.emails_sent:,} message(s) with "
                f"{self.notifications_emailed:,} notification(s)"
            )
        if "webhook" in self.channels:
            parts.append(f"webhook: {self.webhook_posts:,} post(s)")
        text = "; ".join(parts) + " sent"
        if self.failures:
            text += f"; {len(self.failures)} failed (they will be tried again): " + "; ".join(
                self.failures
            )
        return text


@dataclass
class _EmailJob:
    user_id: str
    address: str
    items: list[Notification]
    keys: list[str] = field(default_factory=list)  # the claimed ones


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def slack_escape(text: str) -> str:
    """Names and comments come from people and imports: never let them form Slack markup."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def email_message(settings: DeliverySettings, job: _EmailJob) -> EmailMessage:
    items = sorted(job.items, key=lambda n: n.occurred_at)
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = job.address
    count = len(items)
    subject = items[0].text if count == 1 else f"{count} new notifications"
    # Names come from people and imports: one line, so no header can be smuggled in.
    message["Subject"] = " ".join(f"Cornerstone QA: {subject}".split())[:200]
    lines = [
        f"{n.occurred_at:%Y-%m-%d %H:%M} UTC  {' '.join(n.text.split())}"
        for n in items[:MAX_LINES_PER_EMAIL]
    ]
    if count > MAX_LINES_PER_EMAIL:
        lines.append(f"... and {count - MAX_LINES_PER_EMAIL} more.")
    where = (
        f"{settings.base_url}/inbox" if settings.base_url else "the Inbox page of Cornerstone QA"
    )
    body = "\n".join(lines) + f"\n\nSee them in {where}.\n"
    body += (
        "You get this because you chose this address on your Inbox page; clear it there to stop.\n"
    )
    message.set_content(body)
    return message


def _smtp(settings: DeliverySettings) -> smtplib.SMTP:
    if settings.smtp_security == "ssl":
        client: smtplib.SMTP = smtplib.SMTP_SSL(
            settings.smtp_host, settings.smtp_port, timeout=settings.timeout_seconds,
            context=ssl.create_default_context(),
        )  # fmt: skip
    else:
        client = smtplib.SMTP(
            settings.smtp_host, settings.smtp_port, timeout=settings.timeout_seconds
        )
        if settings.smtp_security == "starttls":
            client.starttls(context=ssl.create_default_context())
    if settings.smtp_user:
        client.login(settings.smtp_user, settings.smtp_password or "")
    return client


def post_webhook(settings: DeliverySettings, notification: Notification) -> None:
    text = f"Cornerstone QA: {slack_escape(' '.join(notification.channel_text.split()))}"
    if settings.base_url:
        text += f" <{settings.base_url}/inbox|Open Cornerstone QA>"
    request = urllib.request.Request(
        settings.webhook_url or "",
        data=json.dumps({"text": text}).encode("utf-8"),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=settings.timeout_seconds) as response:
        if not 200 <= response.status < 300:
            raise urllib.error.HTTPError(
                request.full_url, response.status, "not accepted", response.headers, None
            )


def _claim_email(con, settings: DeliverySettings, now: datetime) -> list[_EmailJob]:
    enabled_at = notifications.enable_channel(con, "email", now)
    people = notifications.addresses(con)
    if not people:
        return []
    jobs: dict[str, _EmailJob] = {}
    for item in notifications.undelivered(con, "email", enabled_at):
        address = people.get(item.recipient_id)
        if address is None or item.occurred_at < address.chosen_at:
            continue
        jobs.setdefault(
            item.recipient_id, _EmailJob(item.recipient_id, address.email, [])
        ).items.append(item)
    for job in jobs.values():
        job.keys = notifications.claim(con, "email", job.user_id, [n.key for n in job.items], now)
        job.items = [n for n in job.items if n.key in set(job.keys)]
    return [job for job in jobs.values() if job.keys]


def _claim_webhook(con, settings: DeliverySettings, now: datetime) -> list[Notification]:
    enabled_at = notifications.enable_channel(con, "webhook", now)
    pending = notifications.undelivered(con, "webhook", enabled_at, settings.webhook_kinds)
    claimed = set(notifications.claim(con, "webhook", "", [n.key for n in pending], now))
    return [n for n in pending if n.key in claimed]


def deliver(
    db_path: str | Path, settings: DeliverySettings, now: datetime | None = None
) -> DeliveryReport:
    """Send every notification not yet sent through the configured channels; report what happened."""
    report = DeliveryReport()
    if settings.email_enabled:
        report.channels.append("email")
    if settings.webhook_enabled:
        report.channels.append("webhook")
    if not report.channels:
        return report
    now = now or _now()
    with connect(db_path) as con:  # 1. claim (short)
        email_jobs = _claim_email(con, settings, now) if settings.email_enabled else []
        posts = _claim_webhook(con, settings, now) if settings.webhook_enabled else []

    sent_email: list[tuple[_EmailJob, bool]] = []  # 2. send (no database held)
    if email_jobs:
        try:
            client = _smtp(settings)
        except (OSError, smtplib.SMTPException) as error:
            report.failures.append(f"e-mail server {settings.smtp_host}: {error}")
            sent_email = [(job, False) for job in email_jobs]
        else:
            with client:
                for job in email_jobs:
                    try:
                        client.send_message(email_message(settings, job))
                    except (OSError, smtplib.SMTPException) as error:
                        report.failures.append(f"e-mail to {job.address}: {error}")
                        sent_email.append((job, False))
                    else:
                        sent_email.append((job, True))
                        report.emails_sent += 1
                        report.notifications_emailed += len(job.keys)
    sent_posts: list[tuple[Notification, bool]] = []
    webhook_down = False
    for post in posts:
        if webhook_down:  # one failure is enough: don't wait out a timeout per post
            sent_posts.append((post, False))
            continue
        try:
            post_webhook(settings, post)
        except (OSError, urllib.error.URLError) as error:
            report.failures.append(f"webhook: {error}")
            sent_posts.append((post, False))
            webhook_down = True
        else:
            sent_posts.append((post, True))
            report.webhook_posts += 1

    if sent_email or sent_posts:  # 3. record
        with connect(db_path) as con:
            for job, ok in sent_email:
                notifications.finish(con, "email", job.user_id, job.keys, ok, _now())
            for post, ok in sent_posts:
                notifications.finish(con, "webhook", "", [post.key], ok, _now())
    return report
