"""The deployment files in deploy/ and docs/deploy.md are tested, not just written: the systemd
units pass `systemd-analyze verify`, every `qa` command they, the scripts and the guide run is
one the CLI accepts, and the jobs script imports, scores and notifies on a real database."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cornerstone.cli import build_parser
from warehouse.storage.connection import connect

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
QA = Path(sys.executable).with_name("qa")
UNITS = sorted((DEPLOY / "systemd").iterdir())
SCRIPTS = [DEPLOY / "cornerstone-jobs", DEPLOY / "cornerstone-backup"]
GUIDE = ROOT / "docs" / "deploy.md"
CANONICAL = ROOT / "tests" / "data" / "formats" / "canonical" / "conversations.jsonl"


def _qa_commands() -> list[tuple[str, list[str]]]:
    """(where, argv after `qa`) for each `qa` invocation in the units, scripts and guide."""
    found = []
    sources = [*UNITS, *SCRIPTS, GUIDE]
    for source in sources:
        text = source.read_text(encoding="utf-8").replace("\\\n", " ")
        for line in text.splitlines():
            for match in re.finditer(r'(?:/bin/qa|"\$QA")\s+([^#|;&`]+)', line):
                words = shlex.split(match.group(1).replace('"$', '"X'))
                found.append((f"{source.name}: {line.strip()}", words))
    return found


def test_units_pass_systemd_analyze_verify(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed (Debian: package systemd)")
    for unit in UNITS:  # the units' paths, pointed at this checkout
        text = unit.read_text(encoding="utf-8")
        text = text.replace("/opt/cornerstone/.venv/bin/qa", str(QA))
        text = text.replace("/opt/cornerstone", str(ROOT))
        (tmp_path / unit.name).write_text(text, encoding="utf-8")
    result = subprocess.run(
        [analyze, "verify", *(str(tmp_path / u.name) for u in UNITS)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0 and result.stderr.strip() == "", result.stderr


def test_every_unit_starts_something_that_exists_and_timers_have_a_service() -> None:
    names = {u.name for u in UNITS}
    for unit in UNITS:
        text = unit.read_text(encoding="utf-8")
        if unit.suffix == ".timer":
            assert unit.with_suffix(".service").name in names
            continue
        for start in re.findall(r"^ExecStart=(\S+)", text, re.MULTILINE):
            local = start.replace("/opt/cornerstone/.venv/bin/qa", str(QA))
            local = local.replace("/opt/cornerstone", str(ROOT))
            assert os.access(local, os.X_OK), f"{unit.name}: {start} is not an executable here"


def test_every_qa_command_in_units_scripts_and_guide_is_accepted_by_the_cli() -> None:
    commands = _qa_commands()
    names = {
        next(a for a in argv if not a.startswith("-") and "/" not in a) for _, argv in commands
    }
    assert names >= {"serve", "ingest", "score", "notify", "users", "health", "backup"}, names
    parser = build_parser()
    for where, argv in commands:
        try:
            parser.parse_args(argv)
        except SystemExit as error:
            pytest.fail(f"`qa {' '.join(argv)}` is refused by the CLI ({error}) in {where}")


def test_serve_unit_binds_loopback_and_the_guide_matches_the_caddyfile() -> None:
    unit = (DEPLOY / "systemd" / "cornerstone-qa.service").read_text(encoding="utf-8")
    assert "qa serve --address 127.0.0.1 --port 8501" in unit
    caddyfile = (DEPLOY / "Caddyfile").read_text(encoding="utf-8")
    assert "{$CORNERSTONE_UPSTREAM:127.0.0.1:8501}" in caddyfile
    guide = GUIDE.read_text(encoding="utf-8")
    for header in ("Strict-Transport-Security", "X-Frame-Options", "Content-Security-Policy",
                   "X-Content-Type-Options", "Referrer-Policy"):  # fmt: skip
        assert header in caddyfile and header in guide, header


def test_jobs_script_imports_moves_scores_and_keeps_a_failed_file(tmp_path: Path) -> None:
    exports = tmp_path / "exports"
    (exports / "incoming").mkdir(parents=True)
    shutil.copy2(CANONICAL, exports / "incoming" / "good.jsonl")
    (exports / "incoming" / "broken.json").write_text("this is not an export\n", encoding="utf-8")
    db = tmp_path / "jobs.duckdb"
    env = {**os.environ, "QA": str(QA), "CORNERSTONE_DB": str(db),
           "CORNERSTONE_EXPORTS": str(exports)}  # fmt: skip
    env = {
        k: v
        for k, v in env.items()
        if not k.startswith(("CORNERSTONE_SMTP", "CORNERSTONE_WEBHOOK"))
    }
    result = subprocess.run(
        [str(DEPLOY / "cornerstone-jobs")], env=env, cwd=tmp_path, capture_output=True,
        text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 1, result.stdout + result.stderr  # the broken file failed
    assert "broken.json was not imported; it stays in incoming/" in result.stderr
    assert [p.name for p in (exports / "incoming").iterdir()] == ["broken.json"]
    imported = [p.name for p in (exports / "imported").iterdir()]
    assert len(imported) == 1 and imported[0].endswith("-good.jsonl")
    with connect(db) as con:
        conversations = con.execute("SELECT count(*) FROM conversations").fetchone()[0]
        scored = con.execute("SELECT count(*) FROM conversation_scores").fetchone()[0]
    assert conversations == scored == 3
    assert "No notification channel is set up" in result.stdout


def test_backup_script_writes_a_checked_copy_that_qa_health_accepts(tmp_path: Path) -> None:
    db = tmp_path / "live.duckdb"
    with connect(db) as con:
        con.execute("SELECT 1")  # a migrated, empty database
    backups = tmp_path / "backups"
    env = {**os.environ, "QA": str(QA), "CORNERSTONE_DB": str(db),
           "CORNERSTONE_BACKUPS": str(backups)}  # fmt: skip
    result = subprocess.run(
        [str(DEPLOY / "cornerstone-backup")], env=env, cwd=tmp_path, capture_output=True,
        text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    copies = list(backups.glob("cornerstone-*.duckdb"))
    assert len(copies) == 1
    health = subprocess.run(
        [str(QA), "health", "--db", str(copies[0])], capture_output=True, text=True, timeout=120
    )
    assert health.returncode == 0 and health.stdout.startswith("ok:"), health.stdout + health.stderr
    # A second run the same day replaces that day's copy (no pile-up, no failure).
    again = subprocess.run(
        [str(DEPLOY / "cornerstone-backup")], env=env, cwd=tmp_path, capture_output=True,
        text=True, timeout=300,
    )  # fmt: skip
    assert again.returncode == 0, again.stderr
    assert len(list(backups.glob("cornerstone-*.duckdb"))) == 1
