"""The dashboard's edge: a page that fails shows one plain sentence, never a traceback.

`dashboard/streamlit_app.py` runs every page through `run_page`. A busy database, a full disk or
a write conflict says so in plain words (`warehouse.errors.plain_failure`); anything else is a
bug: the page says that something went wrong and nothing was changed, and the traceback goes to
the server log for whoever runs `qa serve`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import streamlit as st

from dashboard.text import plain
from warehouse.errors import plain_failure

log = logging.getLogger("cornerstone.dashboard")
UNEXPECTED = (
    "Something went wrong on this page, so it stopped here; nothing was changed. Reload the "
    "page, and if it happens again tell your admin (the details are in the server log)."
)


def show_failure(error: Exception) -> None:
    message = plain_failure(error)
    if message is None:
        log.error("page failed", exc_info=error)
        message = UNEXPECTED
    st.error(plain(message), icon=":material/error:")


def run_page(run: Callable[[], Any]) -> None:
    """`run()` (a page, or the session check before it), with failures shown plainly.
    st.stop/st.rerun/switch_page pass through: they are not Exceptions."""
    try:
        run()
    except Exception as error:  # the edge: everything a page can raise ends here
        show_failure(error)
