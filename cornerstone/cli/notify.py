"""`qa notify`: send new notifications by e-mail and to a chat webhook (each once)."""

from __future__ import annotations

import argparse
import sys

from cornerstone.cli.options import add_db_option, db_path
from warehouse.review.notification_delivery import DeliverySettings, deliver


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "notify",
        help="send new notifications by e-mail (SMTP) and to a Slack-compatible webhook",
        description="Send the notifications that appeared since the last run (new feedback, "
        "disputes opened and resolved, assignments) by e-mail to people who chose an address "
        "on their Inbox page, and to a Slack-compatible webhook. Each notification is sent once "
        "per channel; a failed send is tried again on the next run. Settings come from "
        "CORNERSTONE_SMTP_HOST, CORNERSTONE_SMTP_PORT, CORNERSTONE_SMTP_FROM, "
        "CORNERSTONE_SMTP_USER, CORNERSTONE_SMTP_PASSWORD, CORNERSTONE_SMTP_SECURITY, "
        "CORNERSTONE_WEBHOOK_URL, CORNERSTONE_WEBHOOK_KINDS and CORNERSTONE_BASE_URL "
        "(docs/deploy.md). Without them it sends nothing; the in-app inbox needs none.",
    )
    add_db_option(parser)
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    settings = DeliverySettings.from_settings()
    report = deliver(db_path(args), settings)
    print(report.summary(), file=sys.stderr if report.failures else sys.stdout)
    return 1 if report.failures else 0
