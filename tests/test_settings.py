"""Settings from cornerstone.toml and CORNERSTONE_* variables; logging levels and JSON lines;
`qa --version`, `python -m cornerstone`."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from config.settings import (
    SettingsError,
    cpu_count,
    default_db_path,
    load_settings,
)
from cornerstone import __version__
from cornerstone.cli import main
from scoring.loader import DEFAULT_RUBRICS_DIR, default_rubrics_dir
from warehouse.access import authentication, sessions
from warehouse.access.audit import utc_now
from warehouse.access.users import add_user
from warehouse.access.viewer import SYSTEM
from warehouse.storage.connection import connect, transaction

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    """No CORNERSTONE_* variable and an empty working directory (no ./cornerstone.toml)."""
    import os

    for name in list(os.environ):
        if name.startswith("CORNERSTONE_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_defaults_need_no_file(clean_env):
    settings = load_settings()
    assert settings.db == Path("data/cornerstone.duckdb")  # in the working directory
    assert default_db_path() == Path("data/cornerstone.duckdb")
    assert settings.scoring.workers == cpu_count() >= 1
    assert settings.sessions.idle_timeout == timedelta(hours=8)
    assert settings.lockout.max_failures == 5
    assert settings.logging.level == "WARNING"
    assert default_rubrics_dir() == DEFAULT_RUBRICS_DIR
    assert (DEFAULT_RUBRICS_DIR / "empathy.yaml").is_file()


def test_file_in_the_working_directory_then_environment_on_top(clean_env, monkeypatch):
    (clean_env / "cornerstone.toml").write_text(
        'db = "qa/main.duckdb"\n'
        "[scoring]\nworkers = 3\n"
        "[sessions]\nidle_minutes = 30\nabsolute_hours = 10\n"
        "[notifications]\nsmtp_host = 'mail.example.com'\nsmtp_port = 587\n"
        "webhook_url = 'https://hooks.example.com/qa'\n",
        encoding="utf-8",
    )
    settings = load_settings()
    assert settings.db == clean_env / "qa" / "main.duckdb"  # relative to the file
    assert settings.scoring.workers == 3
    assert settings.sessions.absolute_timeout == timedelta(hours=10)
    assert settings.notifications.smtp_port == 587
    assert settings.notifications.webhook_url == "https://hooks.example.com/qa"
    monkeypatch.setenv("CORNERSTONE_SESSIONS__IDLE_MINUTES", "5")
    monkeypatch.setenv("CORNERSTONE_DB", "elsewhere.duckdb")
    monkeypatch.setenv("CORNERSTONE_SMTP_FROM", "qa@example.com")  # qa notify's flat names
    monkeypatch.setenv("CORNERSTONE_WEBHOOK_KINDS", "assigned, dispute_opened")
    settings = load_settings()
    assert settings.sessions.idle_minutes == 5 and settings.sessions.absolute_hours == 10
    assert settings.db == Path("elsewhere.duckdb")
    assert settings.notifications.smtp_host == "mail.example.com"  # the file's, kept
    assert settings.notifications.smtp_from == "qa@example.com"
    assert settings.notifications.webhook_kinds == ("assigned", "dispute_opened")


def test_named_file_wins_over_the_local_one_and_must_exist(clean_env, monkeypatch):
    (clean_env / "cornerstone.toml").write_text("[scoring]\nworkers = 3\n", encoding="utf-8")
    named = clean_env / "etc" / "qa.toml"
    named.parent.mkdir()
    named.write_text("[scoring]\nworkers = 7\n", encoding="utf-8")
    monkeypatch.setenv("CORNERSTONE_CONFIG", str(named))
    assert load_settings().scoring.workers == 7
    monkeypatch.setenv("CORNERSTONE_CONFIG", str(clean_env / "missing.toml"))
    with pytest.raises(SettingsError, match="does not exist"):
        load_settings()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[sessions]\nidle_minutes = 0\n", "sessions.idle_minutes: Input should be greater"),
        ("[sesions]\nidle_minutes = 5\n", "sesions: Extra inputs are not permitted"),
        ("[logging]\nlevel = 'LOUD'\n", "logging.level: Input should be"),
        ("db = 'x\n", "settings file"),
    ],
)
def test_bad_settings_are_refused_naming_the_key(clean_env, text, message, capsys):
    (clean_env / "cornerstone.toml").write_text(text, encoding="utf-8")
    with pytest.raises(SettingsError, match=message.replace("(", r"\(")):
        load_settings()
    assert main(["health"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "Traceback" not in err


def test_qa_config_option_reaches_the_command_and_its_children(clean_env, monkeypatch, capsys):
    config = clean_env / "team.toml"
    config.write_text(f'db = "{clean_env / "team.duckdb"}"\n', encoding="utf-8")
    assert main(["--config", str(config), "health"]) == 1
    assert f"no database at {clean_env / 'team.duckdb'}" in capsys.readouterr().err
    import os

    assert os.environ["CORNERSTONE_CONFIG"] == str(config)  # `qa serve` passes it on
    assert main(["--config", str(clean_env / "nope.toml"), "health"]) == 2
    assert "settings file" in capsys.readouterr().err


def test_workers_default_to_the_setting(clean_env, monkeypatch):
    from cornerstone.cli import build_parser
    from cornerstone.cli.options import workers

    parser = build_parser()
    assert workers(parser.parse_args(["score"])) == cpu_count()
    monkeypatch.setenv("CORNERSTONE_SCORING__WORKERS", "3")
    assert workers(parser.parse_args(["score"])) == 3
    assert workers(parser.parse_args(["score", "--workers", "1"])) == 1


def test_configured_session_timeouts_and_lockout_apply(clean_env, monkeypatch, db_path):
    monkeypatch.setenv("CORNERSTONE_SESSIONS__IDLE_MINUTES", "10")
    monkeypatch.setenv("CORNERSTONE_SESSIONS__ABSOLUTE_HOURS", "1")
    monkeypatch.setenv("CORNERSTONE_LOCKOUT__MAX_FAILURES", "2")
    with connect(db_path) as con, transaction(con):
        admin = add_user(con, SYSTEM, "ada", "admin", "a long passphrase 42")
    start = utc_now()
    with connect(db_path) as con:
        viewer = authentication.authenticate(con, "ada", "a long passphrase 42", now=start)
        token = sessions.create_session(con, viewer, now=start)
        later = start + timedelta(minutes=9)
        assert sessions.validate_session(con, token, now=later) is not None
        assert sessions.validate_session(con, token, now=later + timedelta(minutes=11)) is None
        fresh = sessions.create_session(con, viewer, now=start)
        for minute in range(9, 60, 9):  # used every 9 minutes: never idle, until 1 h is over
            assert sessions.validate_session(con, fresh, now=start + timedelta(minutes=minute))
        assert sessions.validate_session(con, fresh, now=start + timedelta(minutes=61)) is None
        first = start + timedelta(minutes=1)
        with pytest.raises(authentication.SignInError, match="1 attempt left"):
            authentication.authenticate(con, "ada", "wrong password", now=first)
        with pytest.raises(authentication.LockedOutError):  # the second failure locks (default 5)
            authentication.authenticate(con, "ada", "wrong password", now=first)
        with pytest.raises(authentication.LockedOutError):
            authentication.authenticate(con, "ada", "a long passphrase 42", now=first)
    assert admin.user_id == "ada"


def test_log_levels_and_json_lines_on_stderr_leave_stdout_alone(clean_env, capsys):
    assert main(["--log-level", "debug", "--log-json", "health", "--db", "x.duckdb"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = [json.loads(line) for line in captured.err.splitlines() if line.startswith("{")]
    assert lines and {"time", "level", "logger", "message"} <= set(lines[0])
    assert any(line["level"] == "DEBUG" and "settings" in line["message"] for line in lines)
    assert captured.err.splitlines()[-1].startswith("unhealthy: no database at x.duckdb")
    assert main(["health", "--db", "x.duckdb"]) == 1  # default level WARNING: no debug lines
    assert "DEBUG" not in capsys.readouterr().err


def test_version_and_python_dash_m(clean_env, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"qa {__version__}"
    done = subprocess.run(
        [sys.executable, "-m", "cornerstone", "--version"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    assert done.stdout.strip() == f"qa {__version__}"


def test_ingest_and_score_log_their_timings_as_json_lines(clean_env, capsys):
    canonical = ROOT / "tests" / "data" / "formats" / "canonical" / "conversations.jsonl"
    db = str(clean_env / "t.duckdb")
    assert main(["--log-json", "--log-level", "INFO", "ingest", str(canonical), "--db", db]) == 0
    captured = capsys.readouterr()
    assert "3 conversations imported" in captured.out  # the command's own output: unchanged
    (line,) = [json.loads(x) for x in captured.err.splitlines() if x.startswith("{")]
    assert line["level"] == "INFO" and line["format"] == "canonical-jsonl"
    assert line["file"] == str(canonical) and line["quarantined"] == 0
    assert main(["--log-json", "--log-level", "INFO", "score", "--db", db, "--quiet",
                 "--workers", "1"]) == 0  # fmt: skip
    assert "scoring" in json.loads(capsys.readouterr().err.splitlines()[-1])["message"]
