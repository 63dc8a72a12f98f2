"""Overview: what is in the database."""

import streamlit as st

from dashboard.data import overview_counts
from dashboard.session import current_viewer

st.title("Cornerstone QA")
viewer = current_viewer()
counts = overview_counts(viewer)
cols = st.columns(4)
cols[0].metric("Conversations", f"{counts['conversations']:,}")
cols[1].metric("Messages", f"{counts['messages']:,}")
cols[2].metric("Quarantined records", f"{counts['quarantined']:,}")
cols[3].metric("Imports", f"{counts['imports']:,}")
