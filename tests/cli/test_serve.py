"""`qa serve`: it becomes the Streamlit server (signals reach it), warns when bound beyond
loopback, and runs without developer chrome or error details for users."""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from streamlit import config as streamlit_config

from cornerstone.cli import build_parser, serve
from tests.browser.conftest import free_port, wait_healthy

QA = Path(sys.executable).with_name("qa")
ROOT = Path(__file__).resolve().parents[2]


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _options(command: list[str]) -> dict[str, str]:
    flags = command[command.index(str(serve.APP)) + 1 :]
    return {flags[i].removeprefix("--"): flags[i + 1] for i in range(0, len(flags), 2)}


def test_sigterm_to_qa_serve_stops_the_server_and_frees_its_port(tmp_path: Path) -> None:
    """...and the server logs as the CLI does: `qa --log-json --log-level INFO serve` gives JSON
    lines on stderr, ours and Streamlit's/uvicorn's alike, and nothing else there."""
    port = free_port()
    stderr = (tmp_path / "stderr.log").open("w")
    process = subprocess.Popen(
        [str(QA), "--log-json", "--log-level", "INFO", "serve", "--db",
         str(tmp_path / "serve.duckdb"), "--port", str(port)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=stderr, text=True, start_new_session=True,
    )  # fmt: skip
    try:
        wait_healthy(f"http://127.0.0.1:{port}", process)
        assert _listening(port)
        # The process we started is the server itself, not a parent of it.
        cmdline = Path(f"/proc/{process.pid}/cmdline").read_bytes().split(b"\0")
        assert b"streamlit" in cmdline and b"run" in cmdline
        os.kill(process.pid, signal.SIGTERM)  # to the one process, as systemd's default does
        process.wait(timeout=10)
        deadline = time.monotonic() + 3
        while _listening(port) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _listening(port)
        assert process.returncode in (0, -signal.SIGTERM)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        stderr.close()
    lines = [line for line in (tmp_path / "stderr.log").read_text().splitlines() if line.strip()]
    records = [json.loads(line) for line in lines]  # every line is a JSON object
    assert {"time", "level", "logger", "message"} <= set(records[0])
    assert any(
        r["logger"] == "cornerstone.dashboard" and "dashboard starting" in r["message"]
        for r in records
    )
    assert any(r["logger"].startswith("uvicorn") for r in records)  # the server's own lines too
    assert all(r["level"] in ("INFO", "WARNING", "ERROR", "CRITICAL") for r in records)


def _handle_without_exec(monkeypatch, capsys, address: str) -> tuple[list[str], str]:
    calls: list[list[str]] = []
    monkeypatch.setattr(serve.os, "execve", lambda path, argv, env: calls.append(argv))
    args = build_parser().parse_args(["serve", "--address", address, "--port", "9999"])
    serve.handle(args)
    assert len(calls) == 1
    return calls[0], capsys.readouterr().err


@pytest.mark.parametrize("address", ["0.0.0.0", "::", "192.168.1.20", "qa.example.com"])
def test_binding_beyond_loopback_warns_plainly(monkeypatch, capsys, address: str) -> None:
    command, err = _handle_without_exec(monkeypatch, capsys, address)
    assert "serving plain HTTP to the network" in err
    assert "docs/deploy.md" in err
    assert _options(command)["server.address"] == address


@pytest.mark.parametrize("address", ["127.0.0.1", "127.0.0.2", "::1", "localhost"])
def test_loopback_binding_does_not_warn(monkeypatch, capsys, address: str) -> None:
    _, err = _handle_without_exec(monkeypatch, capsys, address)
    assert err == ""


def test_served_dashboard_hides_developer_chrome_and_error_details() -> None:
    options = _options(serve.streamlit_command(8501, "127.0.0.1"))
    assert options["client.toolbarMode"] == "minimal"
    assert options["client.showErrorDetails"] == "none"
    assert options["server.port"] == "8501"
    # Streamlit itself reads these flags to the values we mean (no typo in an option name).
    parsed = streamlit_config.get_config_options(
        force_reparse=True, options_from_flags=dict(options.items())
    )
    try:
        assert parsed["client.toolbarMode"].value == "minimal"
        assert parsed["client.showErrorDetails"].value == "none"
    finally:
        streamlit_config.get_config_options(force_reparse=True)


def test_serve_help_mentions_sigterm_and_reverse_proxy() -> None:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    text = sub.choices["serve"].format_help()
    assert "SIGTERM" in text and "docs/deploy.md" in text


def test_serve_passes_log_options_to_the_server_and_otherwise_leaves_the_settings_file_to_decide(
    monkeypatch, clean_logging_env
) -> None:
    seen: list[dict] = []
    monkeypatch.setattr(serve.os, "execve", lambda path, argv, env: seen.append(env))
    parser = build_parser()
    serve.handle(parser.parse_args(["--log-level", "debug", "--log-json", "serve"]))
    serve.handle(parser.parse_args(["serve"]))
    assert seen[0][serve.LOG_LEVEL_ENV_VAR] == "DEBUG"
    assert seen[0][serve.LOG_FORMAT_ENV_VAR] == "json"
    assert serve.LOG_LEVEL_ENV_VAR not in seen[1] and serve.LOG_FORMAT_ENV_VAR not in seen[1]


@pytest.fixture
def clean_logging_env(monkeypatch):
    monkeypatch.delenv(serve.LOG_LEVEL_ENV_VAR, raising=False)
    monkeypatch.delenv(serve.LOG_FORMAT_ENV_VAR, raising=False)
