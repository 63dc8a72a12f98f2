"""CSV downloads are safe in a spreadsheet: formula prefixes quoted, numbers kept and rounded."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd
import pytest

from warehouse.storage.csv_export import FORMULA_PREFIXES, frame_to_csv, rows_to_csv, safe_cell

DASHBOARD = Path(__file__).resolve().parents[2] / "dashboard"
ATTACKS = (
    '=HYPERLINK("http://bait.invalid/f","f")',
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "+1+1",
    "\t=1+1",
    "\r=1+1",
)


@pytest.mark.parametrize("attack", ATTACKS)
def test_every_formula_prefix_is_quoted(attack):
    assert safe_cell(attack) == "'" + attack
    assert attack[0] in "".join(FORMULA_PREFIXES)


def test_numbers_stay_numbers_and_are_rounded():
    # A negative number is a number, not a formula: it is written as is, never quoted.
    assert safe_cell(-2.5) == -2.5 and safe_cell(-3) == -3 and safe_cell("-3.5") == "-3.5"
    assert safe_cell(70.88461538461539) == 70.88
    assert safe_cell(0.034567891) == 0.0346  # rates keep four decimals
    assert safe_cell(float("nan")) == "" and safe_cell(None) == ""
    assert safe_cell(True) is True


def test_frame_to_csv_quotes_text_and_keeps_numbers():
    frame = pd.DataFrame(
        {
            "agent_name": [ATTACKS[0], "Ann", None],
            "team": [ATTACKS[2], "+Beta", "Gamma"],
            "quality_score": [70.88461538461539, -4.0, None],
            "conversations": [3, 4, 5],
        }
    )
    rows = list(csv.reader(io.StringIO(frame_to_csv(frame).decode("utf-8"))))
    assert rows[0] == ["agent_name", "team", "quality_score", "conversations"]
    assert rows[1] == ["'" + ATTACKS[0], "'" + ATTACKS[2], "70.88", "3"]
    assert rows[2] == ["Ann", "'+Beta", "-4.0", "4"]
    assert rows[3] == ["", "Gamma", "", "5"]


def test_rows_to_csv_quotes_header_cells_too():
    text = rows_to_csv(["=evil", "ok"], [["@x", 1.23456]])
    assert text == "'=evil,ok\n'@x,1.23\n"


def test_every_download_in_the_dashboard_goes_through_the_safe_export():
    """No page builds CSV with pandas' to_csv; every download_button passes safe CSV."""
    offenders = []
    for path in DASHBOARD.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        if re.search(r"(?<!audit)\.to_csv\(", source):
            offenders.append(f"{path.name}: to_csv")
        for call in re.finditer(r"download_button\(\s*([^\n]*)\n\s*([^\n]*)", source):
            if not re.search(r"frame_to_csv\(|audit\.to_csv\(", call.group(0)):
                offenders.append(f"{path.name}: {call.group(0)[:80]!r}")
    assert not offenders, offenders
