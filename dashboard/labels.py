"""People-facing words for what the database stores as ids: criteria, rubrics, scales, roles,
missing values and numbers. Pages and chart callers use these so no page shows
`empathy.acknowledge_feelings`, `1_5`, "None" or 70.88461538461539.

Criterion names come from the newest rubric set stored with the scores (what the data was scored
with), then the rubric files in force, then the id made readable ("acknowledge_feelings" ->
"Acknowledge feelings"), so an old or unknown criterion still reads as words.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd
import streamlit as st

from config.settings import default_db_path
from scoring.loader import default_rubrics_dir
from warehouse import queries
from warehouse.errors import WarehouseError
from warehouse.storage.connection import connect

MISSING = "—"

SCALE_WORDS = {
    "yes_no": "Yes / no",
    "yes/no": "Yes / no",
    "1-5": "1 to 5",
    "1_5": "1 to 5",
}
SOURCE_WORDS = {"review": "Human review", "auto": "Auto-score"}


@dataclass(frozen=True)
class CriterionWords:
    rubric: str  # "Empathy"
    name: str  # "Acknowledge feelings" (short, for axes and pickers)
    question: str  # "When the customer was upset, did the agent acknowledge how they felt?"

    @property
    def short(self) -> str:
        return f"{self.rubric} · {self.name}"


def humanise(identifier: str | None) -> str:
    """`acknowledge_feelings` -> `Acknowledge feelings`; empty -> the missing mark."""
    if not identifier:
        return MISSING
    text = str(identifier).replace("_", " ").replace("-", " ").strip()
    return text[:1].upper() + text[1:]


def _from_stored_definition(db: str) -> dict[tuple[str, str], CriterionWords]:
    from warehouse.review.rubric_specs import parse_definition

    if not Path(db).exists():
        return {}  # never create a database just to find labels
    try:
        with connect(db) as con:
            rows = queries.run(con, "rubric_set_definition", rubric_set_hash=None)
    except WarehouseError:
        return {}
    found: dict[tuple[str, str], CriterionWords] = {}
    if rows and rows[0]["definition"]:
        for rubric in parse_definition(rows[0]["definition"]):
            for criterion in rubric.criteria:
                question = criterion.label if criterion.label != criterion.criterion_id else ""
                found[(rubric.rubric_id, criterion.criterion_id)] = CriterionWords(
                    rubric.label
                    if rubric.label != rubric.rubric_id
                    else humanise(rubric.rubric_id),
                    humanise(criterion.criterion_id),
                    question or humanise(criterion.criterion_id),
                )
    return found


def _from_rubric_files() -> dict[tuple[str, str], CriterionWords]:
    from scoring.loader import load_rubrics

    try:
        rubric_set = load_rubrics(default_rubrics_dir())
    except Exception:  # noqa: BLE001 - a broken rubric folder must not break every page's labels
        return {}
    return {
        (rubric.id, criterion.id): CriterionWords(
            rubric.name, humanise(criterion.id), criterion.question
        )
        for rubric in rubric_set.rubrics
        for criterion in rubric.criteria
    }


@st.cache_data(ttl=300, show_spinner=False)
def _catalogue(db: str) -> dict[tuple[str, str], CriterionWords]:
    return {**_from_rubric_files(), **_from_stored_definition(db)}


def catalogue() -> dict[tuple[str, str], CriterionWords]:
    return _catalogue(str(default_db_path()))


def criterion(rubric_id: str, criterion_id: str) -> CriterionWords:
    found = catalogue().get((rubric_id, criterion_id))
    if found is not None:
        return found
    return CriterionWords(humanise(rubric_id), humanise(criterion_id), humanise(criterion_id))


def criterion_name(rubric_id: str, criterion_id: str) -> str:
    """ "Empathy · Acknowledge feelings": short enough for an axis or a picker."""
    return criterion(rubric_id, criterion_id).short


def criterion_key_name(key: str) -> str:
    """The same for a stored "rubric.criterion" key."""
    rubric_id, _, criterion_id = str(key).partition(".")
    return criterion_name(rubric_id, criterion_id)


def criterion_keys_names(keys: str | None) -> str:
    """A comma-separated list of "rubric.criterion" keys as names; missing -> the missing mark."""
    if keys is None or (isinstance(keys, float) and math.isnan(keys)) or not str(keys).strip():
        return MISSING
    return "; ".join(criterion_key_name(k.strip()) for k in str(keys).split(",") if k.strip())


def rubric_name(rubric_id: str) -> str:
    for (rubric, _), words in catalogue().items():
        if rubric == rubric_id:
            return words.rubric
    return humanise(rubric_id)


def with_criterion_names(frame: pd.DataFrame, column: str = "criterion") -> pd.DataFrame:
    """A copy with `column` = "Rubric · Criterion" and `question` from rubric_id/criterion_id."""
    if frame.empty:
        return frame.assign(**{column: pd.Series(dtype=str), "question": pd.Series(dtype=str)})
    words = [
        criterion(r, c) for r, c in zip(frame["rubric_id"], frame["criterion_id"], strict=True)
    ]
    return frame.assign(
        **{column: [w.short for w in words], "question": [w.question for w in words]}
    )


def scale_words(scale: str | None) -> str:
    return SCALE_WORDS.get(str(scale), humanise(scale)) if scale else MISSING


def is_missing(value: object) -> bool:
    if value is None or value is pd.NaT:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def number(value: object, digits: int = 0, suffix: str = "") -> str:
    """A rounded number for people ("70.9"), or the missing mark."""
    if is_missing(value):
        return MISSING
    return f"{float(value):,.{digits}f}{suffix}"


def percent(value: object, digits: int = 0) -> str:
    """A 0-1 share as a percentage ("42%"), or the missing mark."""
    if is_missing(value):
        return MISSING
    return f"{100 * float(value):.{digits}f}%"


def day(value: object, pattern: str = "%d %b %Y") -> str:
    """A date for people, or the missing mark (never "NaT" and never a crash on a missing date)."""
    if is_missing(value):
        return MISSING
    try:
        return pd.Timestamp(value).strftime(pattern)
    except (TypeError, ValueError):
        return MISSING


def due(value: object, today: date, still_open: bool = True) -> str:
    """A due date for people ("06 Dec 2026"), marked "· overdue" when work still open is past it;
    the missing mark for none."""
    if is_missing(value):
        return MISSING
    shown = day(value)
    if still_open and shown != MISSING and pd.Timestamp(value).date() < today:
        return f"{shown} · overdue"
    return shown


def text(value: object) -> str:
    """Plain text for a cell or a line, with the missing mark for None/NaN/empty."""
    if is_missing(value) or str(value).strip() == "":
        return MISSING
    return str(value)


def for_people(frame: pd.DataFrame, digits: int = 1) -> pd.DataFrame:
    """A copy for display and CSV export: floats rounded, dates as dates, missing cells as the
    missing mark. A column with a missing cell becomes text throughout (one type per column)."""
    shown = frame.copy()
    for column in shown.columns:
        series = shown[column]
        if pd.api.types.is_datetime64_any_dtype(series):
            times = series.dropna()
            has_time = bool(len(times)) and bool((times != times.dt.normalize()).any())
            pattern = "%Y-%m-%d %H:%M" if has_time else "%Y-%m-%d"
            shown[column] = [day(v, pattern) for v in series]
        elif pd.api.types.is_float_dtype(series):
            if series.isna().any():
                shown[column] = [number(v, digits).replace(",", "") for v in series]
            else:
                shown[column] = series.round(digits)
        elif series.isna().any():
            shown[column] = series.astype(object).where(series.notna(), MISSING)
    return shown
