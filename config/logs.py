"""Diagnostics go to the `logging` module (stderr): plain lines or JSON lines, at a level.

What a command is for (its summary, the table it prints) stays on stdout as before; what helps
someone running it as a service (settings in force, timings, retries, failures with their cause)
is logged. `qa --log-level DEBUG` / `--log-json`, or `[logging]` in the settings file. The CLI
(`cornerstone/cli/__init__.py`) and the dashboard server (`dashboard/server.py`, what `qa serve`
becomes) both set logging up here, so a service's log is one format at one level.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime

_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}
_STANDARD.add("color_message")  # uvicorn's copy of the message with terminal colour codes


class JsonLines(logging.Formatter):
    """One JSON object per record: time (UTC, ISO 8601), level, logger, message, and any
    `extra={...}` fields; `exc_info` becomes an `exception` string."""

    def format(self, record: logging.LogRecord) -> str:
        data = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                data[key] = value
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return json.dumps(data, default=str, ensure_ascii=False)


class PlainLines(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802
        return datetime.fromtimestamp(record.created, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


_HANDLER_NAME = "cornerstone-cli"


def configure_logging(level: str, json_lines: bool) -> None:
    """Route every logger to stderr at `level` (replacing an earlier call's handler)."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if handler.get_name() == _HANDLER_NAME:
            root.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(JsonLines() if json_lines else PlainLines())
    handler.setLevel(level)  # also for loggers that keep their own level (Streamlit's: INFO)
    root.addHandler(handler)
    root.setLevel(level)
    for noisy in ("urllib3", "asyncio", "filelock"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
