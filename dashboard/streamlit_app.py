"""Entrypoint: `streamlit run dashboard/streamlit_app.py` (what `qa serve` does)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from any directory

import streamlit as st  # noqa: E402

st.set_page_config(page_title="Cornerstone QA", page_icon=":material/fact_check:", layout="wide")

pages = [
    st.Page("app_pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
]
st.navigation(pages).run()
