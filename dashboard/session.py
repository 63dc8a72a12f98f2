"""The signed-in viewer of this browser session (sign-in arrives with the access-control issue)."""

from __future__ import annotations

import streamlit as st

from warehouse.viewer import Viewer


def current_viewer() -> Viewer:
    viewer = st.session_state.get("viewer")
    if viewer is None:
        # Until sign-in exists, the local operator is an admin.
        viewer = Viewer(user_id="local", role="admin")
        st.session_state["viewer"] = viewer
    return viewer
