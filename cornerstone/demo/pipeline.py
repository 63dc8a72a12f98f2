"""`qa demo` as a library: generate → ingest → score → seed users → reviews → coaching, calibration.

`DEMO_STEPS` is the ordered list of steps. Each owner edits only their own step function below
(ingest: A, score: D1, users: F, reviews and disputes: E1, coaching and calibration: E2). A step
whose module (or function) cannot be imported stops the demo with an error naming it (a
packaging mistake must not look like a smaller demo). A step returns a one-line summary; the users step also leaves the
demo accounts (with their generated passwords) in `DemoRun.accounts` for printing.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cornerstone.demo.generator import generate
from cornerstone.demo.roster import DEFAULT_SEED, Roster, build_roster


@dataclass
class DemoRun:
    """What the steps share: where things are, the roster, and what each step reported."""

    db_path: Path
    conversations: int
    seed: int
    data_file: Path
    roster: Roster
    say: Callable[[str], None]
    progress: Callable[[str, int, int], None] | None = None  # (step, done, total)
    workers: int = 1
    summaries: list[tuple[str, str]] = field(default_factory=list)  # (step, one line)
    accounts: list[Any] = field(default_factory=list)  # cornerstone.demo.accounts.DemoAccount
    accounts_file: Path | None = None


@dataclass(frozen=True)
class Step:
    name: str
    requires: str  # the module the step needs (absent: an error naming it)
    run: Callable[[DemoRun], str]


class DemoStepFailed(Exception):
    """A step ran but could not do its work; the demo stops with this message."""


def _require(module: str, *names: str) -> Any:
    """Import `module` (and check it has `names`), or raise ImportError naming what is absent."""
    try:
        loaded = importlib.import_module(module)
    except ImportError as error:
        raise ImportError(f"demo step module {module} failed to import: {error}") from error
    for name in names:
        if not hasattr(loaded, name):
            raise ImportError(f"demo step module {module} has no {name}")
    return loaded


# ---- C: generate -------------------------------------------------------------------------------
def step_generate(run: DemoRun) -> str:
    def progress(done: int) -> None:
        if run.progress is not None:
            run.progress("generate", done, run.conversations)

    summary = generate(
        run.data_file, run.conversations, seed=run.seed, workers=run.workers, progress=progress
    )
    return (
        f"{summary.conversations:,} conversations, {summary.messages:,} messages "
        f"({summary.bytes / 1e6:.1f} MB) in {summary.seconds:.1f}s → {run.data_file}"
    )


# ---- A: ingest ---------------------------------------------------------------------------------
def step_ingest(run: DemoRun) -> str:
    ingest = _require("warehouse.reading.ingest", "ingest_file")

    def progress(done_bytes: int, total_bytes: int) -> None:
        if run.progress is not None:
            run.progress("ingest", done_bytes, total_bytes)

    report = ingest.ingest_file(run.db_path, run.data_file, progress=progress)
    if not report.usable:
        raise DemoStepFailed(f"ingest failed: {report.summary()}")
    return report.summary()


# ---- D1: score ---------------------------------------------------------------------------------
def step_score(run: DemoRun) -> str:
    scores = _require("warehouse.autoscore.scores", "score_database")

    def progress(done: int, total: int) -> None:
        if run.progress is not None:
            run.progress("score", done, total)

    result = scores.score_database(run.db_path, workers=run.workers, progress=progress)
    return str(result)


# ---- F: users ----------------------------------------------------------------------------------
def step_users(run: DemoRun) -> str:
    users = _require("cornerstone.demo.accounts", "seed_demo_accounts", "format_demo_accounts")
    from warehouse.storage.connection import connect, transaction

    with connect(run.db_path) as con, transaction(con):
        run.accounts = users.seed_demo_accounts(con, run.roster)
    run.accounts_file = run.db_path.parent / "demo_accounts.txt"
    run.accounts_file.write_text(users.format_demo_accounts(run.accounts), encoding="utf-8")
    run.accounts_file.chmod(0o600)  # passwords: readable by the operator only
    return f"{len(run.accounts)} demo accounts (passwords in {run.accounts_file})"


# ---- E1: reviews and disputes ------------------------------------------------------------------
def step_reviews(run: DemoRun) -> str:
    demo_reviews = _require("cornerstone.demo.reviews", "seed_demo_reviews")
    from warehouse.storage.connection import connect

    with connect(run.db_path) as con:
        return str(demo_reviews.seed_demo_reviews(con, run.roster, seed=run.seed))


# ---- E2: coaching and calibration --------------------------------------------------------------
def step_coaching(run: DemoRun) -> str:
    coaching = _require("cornerstone.demo.coaching", "seed_demo_coaching")
    from warehouse.storage.connection import connect

    with connect(run.db_path) as con:
        created = coaching.seed_demo_coaching(con, run.roster.coaching_events)
    return f"{len(created)} coaching sessions"


def step_calibration(run: DemoRun) -> str:
    calibration = _require("cornerstone.demo.calibration", "seed_demo_calibration")
    from warehouse.access.viewer import Viewer
    from warehouse.storage.connection import connect

    lead = run.roster.users_by_role("qa_lead")[0]
    reviewers = run.roster.users_by_role("reviewer")
    with connect(run.db_path) as con:
        created = calibration.seed_demo_calibration(
            con,
            Viewer(user_id=lead.user_id, role="qa_lead"),
            [user.user_id for user in reviewers],
            leniency={user.user_id: user.leniency for user in reviewers},
        )
    return f"{len(created)} calibration sessions, {len(reviewers)} reviewers each"


DEMO_STEPS: tuple[Step, ...] = (
    Step("generate", "cornerstone.demo.generator", step_generate),
    Step("ingest", "warehouse.reading.ingest", step_ingest),
    Step("score", "warehouse.autoscore.scores", step_score),
    Step("users", "cornerstone.demo.accounts", step_users),
    Step("reviews", "cornerstone.demo.reviews", step_reviews),
    Step("coaching", "cornerstone.demo.coaching", step_coaching),
    Step("calibration", "cornerstone.demo.calibration", step_calibration),
)


def default_data_file(db_path: Path, conversations: int, seed: int) -> Path:
    """The generated JSONL lives next to the database, in `generated/` (git-ignored under data/)."""
    return Path(db_path).parent / "generated" / f"demo-{conversations}-seed{seed}.jsonl"


def build_demo(
    db_path: str | Path,
    conversations: int = 10_000,
    seed: int = DEFAULT_SEED,
    progress: Callable[[str, int, int], None] | None = None,
    say: Callable[[str], None] = print,
    workers: int = 1,
    steps: tuple[Step, ...] = DEMO_STEPS,
) -> DemoRun:
    """Build a demo database at `db_path`: every step of `steps` in order; returns what happened.

    Re-running on the same database is safe: the same seed generates the same file, and the
    ingest step adds nothing it already has.
    """
    db_path = Path(db_path)
    run = DemoRun(
        db_path=db_path,
        conversations=conversations,
        seed=seed,
        data_file=default_data_file(db_path, conversations, seed),
        roster=build_roster(seed),
        say=say,
        progress=progress,
        workers=workers,
    )
    for step in steps:
        line = step.run(run)
        run.summaries.append((step.name, line))
        say(f"  {step.name:<12} {line}")
    return run
