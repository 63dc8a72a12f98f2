"""`qa demo` end to end on a real DuckDB file, and the pipeline's skip-what-is-missing rule."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cornerstone.cli import main
from cornerstone.demo.pipeline import DEMO_STEPS, Step, _require, build_demo
from warehouse.storage.connection import connect


def _count(db: Path, sql: str) -> int:
    with connect(db) as con:
        return con.execute(sql).fetchall()[0][0]


def test_qa_demo_builds_a_database_end_to_end(tmp_path: Path, capsys) -> None:
    db = tmp_path / "demo.duckdb"
    assert main(["demo", "--conversations", "300", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    for step in DEMO_STEPS:
        assert f"  {step.name} " in out  # every step reports what it did
    generated = tmp_path / "generated" / "demo-300-seed7.jsonl"
    records = [json.loads(line) for line in generated.read_text(encoding="utf-8").splitlines()]
    assert _count(db, "SELECT count(*) FROM conversations") == 300
    assert _count(db, "SELECT count(*) FROM messages") == sum(len(r["messages"]) for r in records)
    assert _count(db, "SELECT count(*) FROM quarantine") == 0
    assert _count(db, "SELECT count(DISTINCT channel) FROM conversations") == 4
    assert _count(db, "SELECT count(DISTINCT team) FROM conversations") == 8
    assert _count(db, "SELECT count(*) FROM conversation_scores") == 300
    assert _count(db, "SELECT count(DISTINCT rubric_id) FROM rubric_scores") == 5
    assert _count(db, "SELECT count(*) FROM users") >= 5
    assert _count(db, "SELECT count(*) FROM coaching_sessions") > 0
    assert "password" in out  # the demo accounts are printed
    assert "teams improving: Billing" in out
    assert (tmp_path / "demo_accounts.txt").is_file()

    # Running it again adds nothing.
    seeded = {
        table: _count(db, f"SELECT count(*) FROM {table}")
        for table in ("users", "reviews", "disputes", "coaching_sessions", "calibration_sessions")
    }
    scored_at = _count(db, "SELECT max(scored_at) FROM conversation_scores")
    assert main(["demo", "--conversations", "300", "--db", str(db)]) == 0
    assert "300 unchanged" in capsys.readouterr().out
    assert _count(db, "SELECT max(scored_at) FROM conversation_scores") == scored_at  # no re-score
    for table, count in seeded.items():
        assert _count(db, f"SELECT count(*) FROM {table}") == count, table
    assert _count(db, "SELECT count(*) FROM conversations") == 300


def test_a_step_whose_module_is_missing_stops_the_demo_naming_it(tmp_path: Path) -> None:
    def step_future(run) -> str:
        _require("warehouse.not_built_yet", "seed_something")
        return "never"

    def step_half_built(run) -> str:
        _require("warehouse.storage.connection", "seed_something_else")
        return "never"

    for step, message in (
        (Step("future", "warehouse.not_built_yet", step_future), "warehouse.not_built_yet"),
        (
            Step("half", "warehouse.storage.connection", step_half_built),
            "has no seed_something_else",
        ),
    ):
        with pytest.raises(ImportError, match=message):
            build_demo(
                tmp_path / f"{step.name}.duckdb",
                conversations=50,
                say=lambda _: None,
                steps=(DEMO_STEPS[0], step),
            )


def test_a_broken_import_inside_a_step_is_not_mistaken_for_a_missing_step(tmp_path) -> None:
    def step_broken(run) -> str:
        _require("tests.demo.broken_module_that_imports_nothing")
        return "never"

    with pytest.raises(ImportError, match="broken_module_that_imports_nothing failed to import"):
        build_demo(tmp_path / "x.duckdb", conversations=5, steps=(Step("b", "x", step_broken),))


def test_demo_refuses_bad_numbers(tmp_path: Path, capsys) -> None:
    assert main(["demo", "--conversations", "0", "--db", str(tmp_path / "x.duckdb")]) == 2
    assert "--conversations must be at least 1" in capsys.readouterr().err


def test_demo_has_help(capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["demo", "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert "--conversations" in out and "--seed" in out and "--db" in out
