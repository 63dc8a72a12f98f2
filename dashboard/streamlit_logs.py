"""Streamlit's own log records through the handler `config/logs.py` sets up (one format, one
level for the whole service)."""

from __future__ import annotations

import logging


def route_streamlit_logs(level: str) -> None:
    """Send Streamlit's own log records (a page's uncaught error, the server's warnings) through
    the root handler (`config.logs.configure_logging`), in the same format, instead of
    Streamlit's console handler.

    Streamlit gives each of its loggers a plain-text handler of its own and turns propagation
    off (`streamlit.logger.get_logger`); uvicorn, which serves it, adds its own handlers too. So
    their lines would bypass `--log-json` (or print twice). Loggers Streamlit has registered
    (its own and uvicorn's) are rewired now; `setup_formatter`, which it calls for every logger
    it makes later (and again when its config is parsed), is replaced to do the same. Access
    logs stay off, as Streamlit leaves them.
    """
    from streamlit import logger as streamlit_logger

    def through_root(logger: logging.Logger) -> None:
        if logger.name == "uvicorn.access":
            return
        for handler in list(logger.handlers):
            logger.removeHandler(handler)
        if hasattr(logger, "streamlit_console_handler"):
            del logger.streamlit_console_handler
        logger.propagate = True

    streamlit_logger.setup_formatter = through_root
    for logger in list(streamlit_logger._loggers.values()):
        through_root(logger)
    streamlit_logger.set_log_level(level)
