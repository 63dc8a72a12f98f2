"""benchmarks/robustness_probe.py counts the suite's attack checks from the test files: when a
counted test is renamed or loses its cases, the probe must say so, not print a stale figure."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def probe():
    spec = importlib.util.spec_from_file_location(
        "robustness_probe", ROOT / "benchmarks" / "robustness_probe.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules["robustness_probe"] = module
    spec.loader.exec_module(module)
    return module


def test_attack_counts_come_from_the_tests_that_check_them(probe):
    counts = {label: count for label, count, _ in probe.count_attacks()}
    assert counts["deep links an agent may not open (browser)"] == 5
    assert counts["SQL-looking strings stored/queried verbatim"] >= 4
    assert counts["scoped queries x other people's ids"] >= 100
    assert counts["hostile values: page x role renders (AppTest)"] >= 30
    assert counts["websocket tampers"] == 0  # none in the suite: the probe must not claim any


def test_a_renamed_test_is_reported_not_counted_as_zero(probe, tmp_path):
    path = tmp_path / "test_x.py"
    path.write_text(
        "import pytest\n@pytest.mark.parametrize('path', ['a', 'b'])\ndef test_y(path): pass\n"
    )
    assert probe._parametrized(path, "test_y", "path") == 2
    with pytest.raises(LookupError):
        probe._parametrized(path, "test_renamed", "path")


def test_bad_input_cases_hold_good_records_next_to_each_bad_one(probe, tmp_path):
    cases = probe.bad_input_cases(tmp_path)
    assert len(cases) == 12
    assert sum(len(c["good"]) for c in cases) >= 20
    assert {c["code"] for c in cases} == {0, 1, 2}
