"""Writes of the review queue page that are not reviews: reassigning open assignments.

Like every write from the pages, it clears the cached reads afterwards so queues, home pages and
calibration progress show the move at once.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from config.settings import default_db_path
from warehouse.access.viewer import Viewer
from warehouse.review import review_queue
from warehouse.storage.connection import connect


def reassign(
    viewer: Viewer, assignment_ids: Sequence[int], reviewer_id: str
) -> review_queue.ReassignResult:
    with connect(default_db_path()) as con:
        result = review_queue.reassign(con, viewer, assignment_ids, reviewer_id)
    st.cache_data.clear()
    return result
