"""Calibration (QA leads): put the same conversations to several reviewers and see how far they
agree with each other and with the auto-scorer, per criterion; who is lenient, who is strict."""

import pandas as pd
import streamlit as st

from dashboard import charts
from dashboard.loaders import calibration as load
from dashboard.loaders.trends import filter_options
from dashboard.session import current_viewer, require_roles
from warehouse.errors import WarehouseError

ALL_DOUBLE_REVIEWED = "All double-reviewed conversations"
ALL = "All"

viewer = current_viewer()
require_roles("admin", "qa_lead", "reviewer")
st.title("Calibration")
charts.table_toggle()
st.caption(
    "Krippendorff's alpha: 1 = perfect agreement, 0 = no better than chance; 0.667 is the usual "
    "floor for tentative conclusions, 0.8 for reliable ones. N/A counts as a missing rating."
)

sessions, reviewer_options = load.sessions()
labels = {None: ALL_DOUBLE_REVIEWED}
labels.update(
    {
        int(row.calibration_session_id): f"#{row.calibration_session_id} · {row.title} "
        f"({row.reviews_done} reviews, {row.conversations} conversations, {row.status})"
        for row in sessions.itertuples()
    }
)
results_tab, setup_tab = st.tabs(["Agreement", "New session"])

with results_tab:
    chosen = st.selectbox(
        "Session", list(labels), format_func=labels.get, key="calibration_session"
    )
    figures = load.figures(viewer, chosen)
    agreement = figures["agreement"]
    cols = st.columns(4)
    cols[0].metric("Conversations rated by 2+ reviewers", f"{figures['conversations']:,}")
    cols[1].metric("Reviewers", figures["reviewers"])
    overall = figures["overall_alpha"]
    cols[2].metric(
        "Alpha on quality score", "–" if overall is None else f"{overall:.2f}",
        help="Interval alpha of the reviewers' 0-100 quality scores",
    )  # fmt: skip
    mean_alpha = agreement["alpha"].mean() if not agreement.empty else None
    cols[3].metric(
        "Mean per-criterion alpha",
        "–" if mean_alpha is None or pd.isna(mean_alpha) else f"{mean_alpha:.2f}",
    )
    if chosen is not None and not figures["session_conversations"].empty:
        with st.expander("Conversations in this session and progress"):
            st.dataframe(
                figures["session_conversations"], hide_index=True, key="calibration_progress"
            )
    if agreement.empty:
        st.info(
            "No conversation has been reviewed by two or more reviewers here yet: "
            "agreement appears as soon as it has."
        )
    else:
        charts.show(
            charts.agreement_by_criterion(agreement), agreement, "calibration_agreement",
            "agreement_by_criterion.csv",
        )  # fmt: skip
        st.dataframe(
            agreement,
            hide_index=True,
            key="calibration_agreement_summary",
            column_config={
                "alpha": st.column_config.NumberColumn("alpha (reviewers)", format="%.2f"),
                "percent_agreement": st.column_config.NumberColumn(
                    "agreement (reviewers)", format="percent"
                ),
                "alpha_with_auto": st.column_config.NumberColumn(
                    "alpha (+ auto-scorer)", format="%.2f"
                ),
                "agreement_with_auto": st.column_config.NumberColumn(
                    "agreement with auto-scorer", format="percent"
                ),
            },
        )
    left, right = st.columns(2)
    with left:
        st.markdown("**Most disagreed conversations**")
        disagreements = figures["disagreements"]
        st.dataframe(disagreements, hide_index=True, key="calibration_disagreements")
        st.download_button(
            "Download CSV",
            disagreements.to_csv(index=False).encode("utf-8"),
            file_name="most_disagreed.csv",
            mime="text/csv",
            key="calibration_disagreements_csv",
        )
    with right:
        leniency = figures["leniency"]
        charts.show(charts.leniency(leniency), leniency, "calibration_leniency")

with setup_tab:
    if viewer.role not in ("admin", "qa_lead"):
        st.info("Only QA leads set up calibration sessions.")
    else:
        options = filter_options(viewer)
        team = st.selectbox(
            "Conversations from team", [ALL, *options["teams"]], key="calibration_team"
        )
        count = st.slider("How many conversations", 3, 30, 8, key="calibration_count")
        seed = st.number_input("Shuffle", 0, 10_000, 0, key="calibration_seed")
        picked = load.candidates(viewer, None if team == ALL else team, int(seed), int(count))
        st.dataframe(picked, hide_index=True, key="calibration_candidates")
        with st.form("calibration_new_form"):
            title = st.text_input("Title", key="calibration_title")
            reviewers = st.multiselect("Reviewers", reviewer_options, key="calibration_reviewers")
            notes = st.text_area("Notes", key="calibration_notes", max_chars=10_000)
            submitted = st.form_submit_button("Create session", type="primary")
        if submitted:
            try:
                session_id = load.create_session(
                    viewer,
                    title=title,
                    conversation_ids=picked["conversation_id"].tolist(),
                    reviewer_ids=reviewers,
                    notes=notes,
                )
            except WarehouseError as error:
                st.error(str(error))
            else:
                st.success(
                    f"Session #{session_id} created: each reviewer now has these "
                    f"{len(picked)} conversations in their queue."
                )
