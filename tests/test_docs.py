"""Docs cannot drift: every `qa` command has --help and is named in the README."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cornerstone.cli import build_parser, main

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def _commands() -> list[str]:
    parser = build_parser()
    action = next(a for a in parser._actions if a.dest == "command")
    return sorted(action.choices)


def test_cli_has_the_commands_the_issues_promise():
    assert {"demo", "ingest", "quarantine", "serve", "score", "score-file", "rubrics"} <= set(
        _commands()
    )


@pytest.mark.parametrize("command", _commands())
def test_every_command_has_help(command, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--help"])
    assert exit_info.value.code == 0
    assert "usage: qa " + command in capsys.readouterr().out


@pytest.mark.parametrize("command", _commands())
def test_every_command_is_documented_in_the_readme(command):
    assert re.search(rf"`qa {re.escape(command)}\b", README), (
        f"README does not mention `qa {command}`"
    )


def test_readme_names_the_two_commands_and_ci_runs_the_test_one():
    assert "make demo" in README and "make test" in README
    ci = (Path(__file__).resolve().parents[1] / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in ci
