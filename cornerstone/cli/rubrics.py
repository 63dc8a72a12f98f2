"""`qa rubrics check DIR`: validate rubric files and list what they define."""

from __future__ import annotations

import argparse
from pathlib import Path

from cornerstone.cli import UserError
from scoring.detectors.base import PARAMETERS
from scoring.loader import DEFAULT_RUBRICS_DIR, import_detectors, load_rubrics
from scoring.params import parameter_table
from scoring.rubric import RubricError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "rubrics", help="work with rubric files", description="Work with rubric YAML files."
    )
    actions = parser.add_subparsers(dest="rubrics_command", metavar="ACTION", required=True)
    check = actions.add_parser(
        "check",
        help="validate a rubrics directory",
        description="Validate every rubric file in DIR (models, detectors, parameters) and list "
        "the rubrics and criteria. Exit status 1 and one line per problem when something is wrong.",
    )
    check.add_argument(
        "directory", type=Path, nargs="?", default=DEFAULT_RUBRICS_DIR, metavar="DIR"
    )
    check.set_defaults(handler=handle_check)
    parameters = actions.add_parser(
        "parameters",
        help="list every detector's parameters (the table in docs/rubrics.md)",
        description="Print, as a markdown table, the parameters every detector accepts: name, "
        "type, default and meaning, read from the detectors' parameter models.",
    )
    parameters.set_defaults(handler=handle_parameters)


def handle_check(args: argparse.Namespace) -> int:
    if not args.directory.exists():
        raise UserError(f"{args.directory}: no such directory")
    try:
        rubric_set = load_rubrics(args.directory)
    except RubricError as error:
        problems = str(error).splitlines()
        print(f"{len(problems)} problem(s) in {args.directory}:")
        for problem in problems:
            print(f"  - {problem}")
        return 1
    total_weight = sum(r.weight for r in rubric_set.rubrics)
    for rubric in rubric_set.rubrics:
        share = 100 * rubric.weight / total_weight
        print(f"{rubric.id} — {rubric.name} (weight {rubric.weight:g}, {share:.0f}% of quality)")
        for criterion in rubric.criteria:
            flags = [criterion.scale.replace("_", "-").replace("yes-no", "yes/no")]
            if criterion.critical:
                flags.append("CRITICAL")
            if criterion.channels:
                flags.append("channels: " + ", ".join(criterion.channels))
            detectors = ", ".join(d.detector for d in criterion.detectors)
            print(f"  {criterion.id}: {criterion.question} [{'; '.join(flags)}] ← {detectors}")
    print(f"OK: {len(rubric_set.rubrics)} rubrics, rubric set hash {rubric_set.version_hash}")
    return 0


def handle_parameters(args: argparse.Namespace) -> int:
    import_detectors()
    print(parameter_table(PARAMETERS), end="")
    return 0
