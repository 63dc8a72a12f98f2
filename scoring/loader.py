"""Load a rubrics directory into a validated `RubricSet`, or fail with messages a QA lead can act on.

Every problem found is reported, each naming the file, the criterion and what is wrong
(`rubrics/empathy.yaml: criterion 'apology' (criteria[1]) → weight: must be greater than 0`).
Besides the models' own checks, each detector named must be registered, and every detector is
dry-run once on an empty conversation so a missing or mistyped parameter surfaces at load time
rather than in the middle of a scoring run.

The rubric set's version hash covers the rubric files' bytes and `ENGINE_VERSION` (bump it when
detector code changes what it finds), so `qa score` re-scores everything when either changes.
YAML files in the directory without `id` and `criteria` keys (e.g. `sampling.yaml`) are not
rubrics and are left alone.
"""

from __future__ import annotations

import hashlib
import importlib
import pkgutil
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from cornerstone.model import Conversation
from scoring import detectors as detectors_package
from scoring.detectors.base import REGISTRY
from scoring.rubric import Criterion, Rubric, RubricError, RubricSet, normalise_rubric

ENGINE_VERSION = "1"
DEFAULT_RUBRICS_DIR = Path(__file__).resolve().parents[1] / "rubrics"


def import_detectors() -> dict[str, Any]:
    """Import every module in scoring/detectors (each registers its detectors on import)."""
    for module in pkgutil.iter_modules(detectors_package.__path__):
        if module.name != "base" and not module.name.startswith("_"):
            importlib.import_module(f"{detectors_package.__name__}.{module.name}")
    return REGISTRY


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
    return message


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
        for item in error.errors():
            where, rest = _location(normalised, tuple(item["loc"]))
            field = ".".join(str(part) for part in rest) or "(whole)"
            problems.append(f"{path}: {where} → {field}: {_describe(item)}")
    # Still check the detectors of the criteria that are valid on their own, so one run of
    # `qa rubrics check` lists every problem in the file.
    for index, raw in enumerate(normalised.get("criteria") or []):
        try:
            criterion = Criterion.model_validate(raw)
        except ValidationError:
            continue
        _check_criterion(path, index, criterion, problems)
    return None


def _check_detectors(path: Path, rubric: Rubric, problems: list[str]) -> None:
    for index, criterion in enumerate(rubric.criteria):
        _check_criterion(path, index, criterion, problems)


def _check_criterion(path: Path, index: int, criterion: Criterion, problems: list[str]) -> None:
    from scoring.signals import ConversationSignals

    empty = ConversationSignals(Conversation(conversation_id="(rubric check)", messages=()))
    where = f"{path}: criterion {criterion.id!r} (criteria[{index}])"
    for spec in criterion.detectors:
        function = REGISTRY.get(spec.detector)
        if function is None:
            known = ", ".join(sorted(REGISTRY))
            problems.append(f"{where} → unknown detector {spec.detector!r}; known: {known}")
            continue
        try:
            function(empty, spec.params)
        except (ValueError, TypeError, KeyError) as error:
            problems.append(f"{where} → detector {spec.detector!r}: {error}")


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
            _check_detectors(path, rubric, problems)
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
    return rubric_set.model_dump(mode="json")
