"""`qa demo`: build a demo database (generate, ingest, score, seed users, reviews, coaching)."""

from __future__ import annotations

import argparse
import sys
import time

from cornerstone.cli.options import add_db_option, add_workers_option, db_path, workers
from cornerstone.demo.roster import DEFAULT_SEED, Roster


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="build a demo database with realistic generated conversations",
        description="Generate realistic, seeded demo conversations (8 teams, 60 agents, every "
        "channel, six months), ingest and score them, and seed demo users, reviews, coaching "
        "sessions and calibration rounds. Prints the demo accounts' passwords at the end. "
        "Running it again on the same database adds nothing new.",
    )
    add_db_option(parser)
    parser.add_argument(
        "--conversations",
        type=int,
        default=10_000,
        metavar="N",
        help="how many conversations to generate (default 10,000)",
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=DEFAULT_SEED,
        metavar="S",
        help=f"random seed; the same seed gives the same data (default {DEFAULT_SEED})",
    )
    add_workers_option(
        parser, "processes for generating and scoring (the data is the same for any W)"
    )
    parser.set_defaults(handler=handle)


class _Progress:
    """A one-line progress display on stderr for steps that report progress."""

    def __init__(self) -> None:
        self.last = 0.0

    def __call__(self, step: str, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self.last < 0.5:
            return
        self.last = now
        end = "\n" if done >= total else ""
        share = 100 * done / total if total else 100
        print(f"\r  {step:<12} {share:3.0f}%", end=end, file=sys.stderr, flush=True)


def _story(roster: Roster) -> str:
    """What to look for in the dashboard: the trends and coaching the demo data carries."""
    by_trend = {
        trend: ", ".join(team.name for team in roster.teams if team.trend == trend)
        for trend in ("up", "down", "flat")
    }
    return (
        f"The demo story ({roster.start_date} to {roster.end_date}, {len(roster.agents)} agents "
        f"in {len(roster.teams)} teams):\n"
        f"  teams improving: {by_trend['up']}\n"
        f"  teams slipping:  {by_trend['down']}\n"
        f"  steady:          {by_trend['flat']}\n"
        f"  {len(roster.coaching_events)} agents coached mid-period; they do better on their "
        "focus criteria afterwards (Coaching page: before/after)."
    )


def handle(args: argparse.Namespace) -> int:
    from cornerstone.cli import UserError
    from cornerstone.demo.pipeline import DemoStepFailed, build_demo

    if args.conversations < 1:
        raise UserError("--conversations must be at least 1")
    path = db_path(args)
    print(
        f"Building the demo database {path} ({args.conversations:,} conversations, seed {args.seed})"
    )
    started = time.perf_counter()
    try:
        run = build_demo(
            path,
            conversations=args.conversations,
            seed=args.seed,
            progress=_Progress(),
            workers=workers(args),
        )
    except DemoStepFailed as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"Done in {time.perf_counter() - started:.1f}s.")
    print(_story(run.roster))
    if run.accounts:
        from cornerstone.demo.accounts import format_demo_accounts

        print()
        print(format_demo_accounts(run.accounts), end="")
    print(f"\nStart the dashboard with: qa serve --db {path}")
    return 0
