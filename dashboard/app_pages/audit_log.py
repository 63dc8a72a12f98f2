"""Audit log (admins): who did what and when, with filters and CSV export."""

from datetime import datetime, time, timedelta

import streamlit as st

from config.settings import default_db_path
from dashboard.session import require_page
from dashboard.text import plain
from warehouse.access import audit
from warehouse.storage.connection import connect

ANY = "Any"
viewer = require_page("audit_log")
st.title("Audit log")
st.caption("Append-only record of sign-ins, imports, reviews, disputes, coaching and user changes.")

with connect(default_db_path()) as con:
    facets = audit.facets(con, viewer)
    chain = audit.verify(con, viewer)
# The same check as `qa audit verify`: each entry is chained to the one before it by a hash.
if chain.intact:
    st.success(plain(chain.summary()), icon=":material/verified:")
else:
    st.error(plain(chain.summary()), icon=":material/gpp_bad:")

today = audit.utc_now().date()
cols = st.columns([2, 2, 2, 2])
period = cols[0].date_input(
    "Period (UTC)", value=(today - timedelta(days=30), today), key="audit_period"
)
actor = cols[1].selectbox("Who", [ANY, *facets["actor"]], key="audit_actor")
action = cols[2].selectbox("Action", [ANY, *facets["action"]], key="audit_action")
target = cols[3].text_input("Target contains", key="audit_target", max_chars=200)
limit = st.select_slider(
    "Rows", options=[100, 1000, 10_000, 100_000], value=1000, key="audit_limit"
)

since = until = None
if isinstance(period, (tuple, list)) and len(period) == 2:
    since = datetime.combine(period[0], time.min)
    until = datetime.combine(period[1], time.min) + timedelta(days=1)

with connect(default_db_path()) as con:
    rows = audit.entries(
        con,
        viewer,
        since=since,
        until=until,
        actor=None if actor == ANY else actor,
        action=None if action == ANY else action,
        target=target.strip() or None,
        limit=limit,
    )

st.write(f"{len(rows):,} entries" + (" (limit reached)" if len(rows) == limit else ""))
st.dataframe(rows, hide_index=True, width="stretch")
st.download_button(
    "Download CSV",
    audit.to_csv(rows),
    file_name=f"audit-log-{today.isoformat()}.csv",
    mime="text/csv",
    key="audit_csv",
)
