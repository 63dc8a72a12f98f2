"""CSV exports that are safe to open in a spreadsheet: one function for every download.

A text cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is a formula to
Excel, LibreOffice and Google Sheets (`=HYPERLINK(...)`, `-2+3+cmd|...`), so such a cell is
prefixed with a single quote (OWASP's advice). Numbers stay numbers: a numeric cell (and a text
cell that is nothing but a plain decimal number, such as "-3.5") is never quoted, and
floats are rounded so an export never shows 70.88461538461539.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable, Sequence
from numbers import Integral, Real
from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?")


def round_number(value: float) -> float:
    """2 decimals, 4 below 1 in size (rates and alphas keep their precision)."""
    return round(value, 4 if abs(value) < 1 else 2)


def safe_cell(value: Any) -> Any:
    """One cell as the csv module should write it: numbers rounded, formulas neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return value
    if isinstance(value, Integral):
        return int(value)
    if isinstance(value, Real):
        number = float(value)
        return "" if math.isnan(number) else round_number(number)
    text = str(value)
    if text.startswith(FORMULA_PREFIXES) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def rows_to_csv(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """CSV text: a header row, then each row's cells through `safe_cell`."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([safe_cell(c) for c in columns])
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return out.getvalue()


def frame_to_csv(frame: Any) -> bytes:
    """A pandas DataFrame as UTF-8 CSV bytes for `st.download_button` (index left out)."""
    columns = [str(c) for c in frame.columns]
    rows = frame.astype(object).where(frame.notna(), None).itertuples(index=False, name=None)
    return rows_to_csv(columns, rows).encode("utf-8")
