"""Import data (admins): upload a helpdesk export, see what was imported and what was refused
(the same importers and quarantine report as `qa ingest`), then score it (as `qa score`)."""

import streamlit as st

from dashboard import labels
from dashboard.loaders import imports as load
from dashboard.session import require_page
from dashboard.text import plain
from warehouse.errors import WarehouseError

REPORT_KEY = "imports_last_report"
SCORED_KEY = "imports_last_scoring"

viewer = require_page("imports")
st.title("Import data")
st.caption(
    "Upload an export from your helpdesk (Zendesk, Intercom, Freshdesk, Amazon Connect, Twitter, "
    "or canonical JSONL/CSV). Each file is imported completely or not at all; records that "
    "cannot be used are kept in quarantine with the reason. Importing the same file again "
    "changes nothing."
)

choices = load.formats()
with st.form("imports_form", clear_on_submit=True):
    upload = st.file_uploader("Export file", key="imports_file")
    file_format = st.selectbox(
        "Format", list(choices), format_func=lambda f: choices[f], key="imports_format"
    )
    redact = st.checkbox(
        "Mask e-mail addresses, phone and card numbers, IBANs and street addresses",
        key="imports_redact",
    )
    submitted = st.form_submit_button("Import", type="primary")
if submitted:
    if upload is None:
        st.error("Choose an export file first.")
    else:
        try:
            with st.spinner(f"Importing {upload.name}…"):
                report = load.import_upload(
                    viewer, upload.name, upload.getvalue(), file_format, redact
                )
        except WarehouseError as error:
            st.error(plain(error))
        else:
            st.session_state[REPORT_KEY] = report

report = st.session_state.get(REPORT_KEY)
if report is not None:
    st.subheader(f"Last import: {plain(report.file_name)}")
    if report.status == "failed":
        st.error(f"Nothing was imported: {plain(report.message)}")
    else:
        cols = st.columns(5)
        cols[0].metric("Imported", f"{report.imported:,}")
        cols[1].metric("New", f"{report.new:,}")
        cols[2].metric("Updated", f"{report.updated:,}")
        cols[3].metric("Unchanged", f"{report.unchanged:,}")
        cols[4].metric("Quarantined", f"{report.quarantined:,}")
        for warning in report.warnings:
            st.warning(plain(warning))
        if report.quarantined:
            st.markdown("**Refused records** (kept in quarantine, with the reason)")
            refused = load.quarantine(viewer, report.import_id)
            st.dataframe(
                labels.for_people(refused[["position", "reason", "raw"]]),
                hide_index=True,
                key="imports_quarantine",
                column_config={"position": "Where", "reason": "Why", "raw": "Record (start)"},
            )

st.subheader("Score")
st.caption(
    "Scores every new or changed conversation against the rubrics, as `qa score` does. A large "
    "import scores faster from the command line (`qa score` uses both cores)."
)
if st.button("Score new and changed conversations", key="imports_score", type="primary"):
    bar = st.progress(0.0, text="Scoring…")

    def progress(done: int, total: int) -> None:
        bar.progress(1.0 if not total else done / total, text=f"Scored {done:,} of {total:,}")

    try:
        summary = load.score_now(viewer, progress)
    except WarehouseError as error:
        st.error(plain(error))
    except Exception as error:  # noqa: BLE001 - a rubric problem must read as words, not a traceback
        st.error(f"Scoring stopped: {plain(error)}")
    else:
        st.session_state[SCORED_KEY] = str(summary)
if SCORED_KEY in st.session_state:
    st.success(st.session_state[SCORED_KEY])

history = load.recent_imports(viewer)
if not history.empty:
    st.subheader("Recent imports")
    st.dataframe(
        labels.for_people(
            history[
                [
                    "file_name",
                    "format",
                    "status",
                    "started_at",
                    "conversations_new",
                    "conversations_updated",
                    "quarantined",
                ]
            ]  # fmt: skip
        ),
        hide_index=True,
        key="imports_history",
        column_config={
            "file_name": "File",
            "format": "Format",
            "status": "Status",
            "started_at": "Started",
            "conversations_new": "New",
            "conversations_updated": "Updated",
            "quarantined": "Quarantined",
        },  # fmt: skip
    )
