"""`qa score` (the database, incremental) and `qa score-file` (a canonical JSONL file, no database)."""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

from tqdm import tqdm

from cornerstone.cli import UserError
from cornerstone.cli.options import add_db_option, add_workers_option, db_path, rubrics_dir, workers
from scoring.rubric import RubricError

log = logging.getLogger(__name__)


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--rubrics",
        type=Path,
        default=None,
        metavar="DIR",
        help="rubrics directory (default: $CORNERSTONE_RUBRICS, `rubrics` in cornerstone.toml, "
        "else the rubrics shipped with the package)",
    )
    add_workers_option(parser)


def register(subparsers: argparse._SubParsersAction) -> None:
    score = subparsers.add_parser(
        "score",
        help="auto-score new or changed conversations in the database",
        description="Score every conversation that is new, changed since it was scored, or was "
        "scored with another version of the rubrics. --all re-scores everything.",
    )
    add_db_option(score)
    _add_common(score)
    score.add_argument("--all", action="store_true", help="re-score every conversation")
    score.add_argument("--quiet", action="store_true", help="no progress bar")
    score.set_defaults(handler=handle_score)

    score_file = subparsers.add_parser(
        "score-file",
        help="score a canonical JSONL file into a JSONL file of scores (no database)",
        description="Read canonical JSONL conversations and write one JSON object per "
        "conversation: conversation_id, quality_score, rubrics with criteria, evidence and "
        "rationale. Invalid lines are reported with their line number and skipped.",
    )
    score_file.add_argument("input", type=Path, metavar="INPUT.jsonl")
    score_file.add_argument("--output", "-o", type=Path, required=True, metavar="OUT.jsonl")
    _add_common(score_file)
    score_file.add_argument("--quiet", action="store_true", help="no progress bar")
    score_file.set_defaults(handler=handle_score_file)


def _rubric_problems(error: RubricError) -> UserError:
    lines = str(error).splitlines()
    return UserError("the rubrics are not valid:\n  - " + "\n  - ".join(lines))


def handle_score(args: argparse.Namespace) -> int:
    from warehouse.autoscore.scores import score_database

    bar = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if args.quiet:
            return
        if bar is None:
            bar = tqdm(total=total, unit="conv", desc="scoring", file=sys.stderr)
        bar.update(done - bar.n)

    started = time.perf_counter()
    log.debug(
        "score %s with rubrics %s, %d worker(s)", db_path(args), rubrics_dir(args), workers(args)
    )
    try:
        summary = score_database(
            db_path(args),
            rubrics_dir(args),
            rescore_all=args.all,
            workers=workers(args),
            progress=progress,
        )
    except RubricError as error:
        raise _rubric_problems(error) from None
    finally:
        if bar is not None:
            bar.close()
    log.info("scoring %s took %.1f s", db_path(args), time.perf_counter() - started)
    print(summary)
    return 0


def handle_score_file(args: argparse.Namespace) -> int:
    from cornerstone.score_file import score_file

    bar = None if args.quiet else tqdm(unit="conv", desc="scoring", file=sys.stderr)
    try:
        summary = score_file(
            args.input,
            args.output,
            rubrics_dir(args),
            workers=workers(args),
            progress=bar.update if bar is not None else None,
        )
    except RubricError as error:
        raise _rubric_problems(error) from None
    except FileNotFoundError as error:
        raise UserError(str(error)) from None
    finally:
        if bar is not None:
            bar.close()
    for number, reason in summary.refused:
        where = f"line {number}" if number else "file"
        print(f"{args.input}: {where}: refused: {reason}", file=sys.stderr)
    print(f"{summary} → {args.output}")
    return 1 if summary.refused else 0
