"""Load a rubrics directory into a validated `RubricSet`, or fail with messages a QA lead can act on.

Every problem found is reported, each naming the file, the criterion and what is wrong
(`rubrics/empathy.yaml: criterion 'apology' (criteria[1]) → weight: must be greater than 0`).
The models check every detector's name and parse its parameters into the detector's parameter
model (`scoring.params`), so a misspelt or mistyped parameter, or a phrase that is not a valid
regular expression, is reported here, parameter by parameter, before any scoring starts.

The rubric set's version hash covers the rubric files' bytes and `ENGINE_VERSION` (bump it when
detector code changes what it finds), so `qa score` re-scores everything when either changes.
YAML files in the directory without `id` and `criteria` keys (e.g. `sampling.yaml`) are not
rubrics and are left alone.
"""

from __future__ import annotations

import hashlib
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from config.settings import load_settings
from scoring.detectors import import_detectors
from scoring.params import describe_parameter_error
from scoring.rubric import Rubric, RubricError, RubricSet, normalise_rubric

ENGINE_VERSION = "1"
# The default rubric set ships as package data: scoring/rubrics (a link to the repository's
# rubrics/ in a checkout, real files in an installed wheel), found through importlib.resources.
DEFAULT_RUBRICS_DIR = Path(str(resources.files("scoring").joinpath("rubrics"))).resolve()


__all__ = ["default_rubrics_dir", "import_detectors", "load_rubrics", "rubric_set_definition"]


def default_rubrics_dir() -> Path:
    """$CORNERSTONE_RUBRICS, `rubrics` in the settings file, or the rubrics shipped with the
    package (the repository's rubrics/ in a checkout)."""
    configured = load_settings().rubrics
    return configured if configured is not None else DEFAULT_RUBRICS_DIR


def _location(raw: Any, loc: tuple[Any, ...]) -> tuple[str, tuple[Any, ...]]:
    """'criterion 'x' (criteria[2])' and the rest of the path, from a pydantic error location."""
    if len(loc) >= 2 and loc[0] == "criteria" and isinstance(loc[1], int):
        index = loc[1]
        criterion_id = None
        criteria = raw.get("criteria") if isinstance(raw, dict) else None
        if (
            isinstance(criteria, list)
            and index < len(criteria)
            and isinstance(criteria[index], dict)
        ):
            criterion_id = criteria[index].get("id")
        name = (
            f"criterion {criterion_id!r} (criteria[{index}])"
            if criterion_id
            else f"criteria[{index}]"
        )
        return name, loc[2:]
    return "rubric", loc


def _describe(error: dict[str, Any]) -> str:
    message = error["msg"]
    if error["loc"] and error["loc"][-1] == "scale":
        return f"must be yes/no or 1-5, got {error.get('input')!r}"
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    if error["type"] == "extra_forbidden":
        message = "unknown field (check the spelling; see docs/rubrics.md)"
    elif error["type"] == "missing":
        message = "required field is missing"
    elif error["type"] in _RANGES:
        message = describe_parameter_error(error)
    return message


_RANGES = {"greater_than", "greater_than_equal", "less_than", "less_than_equal"}


def _errors(error: ValidationError) -> list[dict[str, Any]]:
    """The model's errors, without the "too short" a list gets when its only item was invalid
    (that item's own error says what is wrong)."""
    items = error.errors()
    nested = {tuple(item["loc"][:-1]) for item in items} | {
        tuple(item["loc"][: n + 1]) for item in items for n in range(len(item["loc"]) - 1)
    }
    return [
        item for item in items if not (item["type"] == "too_short" and tuple(item["loc"]) in nested)
    ]


def _parse_file(path: Path, data: Any, problems: list[str]) -> Rubric | None:
    try:
        normalised = normalise_rubric(data)
    except ValueError as error:
        problems.append(f"{path}: {error}")
        return None
    if not isinstance(normalised, dict):
        problems.append(f"{path}: a rubric file must be a mapping (id, name, weight, criteria)")
        return None
    # Normalising happens per criterion, so report shorthand errors with their criterion.
    try:
        return Rubric.model_validate(normalised)
    except ValidationError as error:
        for item in _errors(error):
            where, rest = _location(normalised, tuple(item["loc"]))
            if item["type"] == "detector_params":
                context = item["ctx"]
                for parameter, problem in context["problems"]:
                    problems.append(
                        f"{path}: {where} → detector {context['detector']!r}, "
                        f"parameter {parameter!r}: {problem}"
                    )
            elif item["type"] == "unknown_detector":
                problems.append(f"{path}: {where} → {item['msg']}")
            else:
                field = ".".join(str(part) for part in rest) or "(whole)"
                problems.append(f"{path}: {where} → {field}: {_describe(item)}")
    return None


def _is_rubric(data: Any) -> bool:
    return isinstance(data, dict) and ("criteria" in data or "id" in data)


def load_rubrics(directory: str | Path = DEFAULT_RUBRICS_DIR) -> RubricSet:
    """Read, normalise and validate every rubric file in `directory`; raise `RubricError` listing
    every problem found."""
    root = Path(directory)
    if not root.is_dir():
        raise RubricError(f"{root}: not a directory of rubric YAML files")
    import_detectors()
    problems: list[str] = []
    rubrics: list[Rubric] = []
    digest = hashlib.sha256(f"engine {ENGINE_VERSION}\n".encode())
    files = sorted([*root.glob("*.yaml"), *root.glob("*.yml")])
    for path in files:
        raw = path.read_bytes()
        try:
            data = yaml.safe_load(raw.decode("utf-8"))
        except UnicodeDecodeError:
            problems.append(f"{path}: not UTF-8 text")
            continue
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            where = f" line {mark.line + 1}" if mark is not None else ""
            problems.append(f"{path}:{where} not valid YAML: {getattr(error, 'problem', error)}")
            continue
        if not _is_rubric(data):
            continue
        digest.update(f"{path.name}\n".encode() + raw + b"\n")
        rubric = _parse_file(path, data, problems)
        if rubric is not None:
            rubrics.append(rubric)
    if not rubrics and not problems:
        problems.append(f"{root}: no rubric files (*.yaml with id and criteria)")
    ids = [r.id for r in rubrics]
    for rubric_id in sorted({i for i in ids if ids.count(i) > 1}):
        problems.append(f"{root}: rubric id {rubric_id!r} is used by more than one file")
    if problems:
        raise RubricError("\n".join(problems))
    return RubricSet(rubrics=tuple(rubrics), version_hash=digest.hexdigest()[:16], source=str(root))


def rubric_set_definition(rubric_set: RubricSet) -> dict[str, Any]:
    """The validated set as JSON-able data (stored in `rubric_sets.definition`)."""
    return rubric_set.model_dump(mode="json", by_alias=True)
