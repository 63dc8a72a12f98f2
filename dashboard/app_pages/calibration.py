"""Calibration (QA leads): put the same conversations to several reviewers and see how far they
agree with each other and with the auto-scorer, per criterion and per reviewer.

Reviewers see a session's results only once they have submitted every conversation of it, so
nobody's answers steer theirs (the review page keeps the session blind the same way).
"""

import pandas as pd
import streamlit as st

from dashboard import charts, labels
from dashboard.loaders import calibration as load
from dashboard.loaders.trends import filter_options
from dashboard.session import current_viewer, require_page
from dashboard.text import plain
from warehouse.access.permissions import allowed
from warehouse.errors import WarehouseError
from warehouse.storage.csv_export import frame_to_csv

ALL_DOUBLE_REVIEWED = "All double-reviewed conversations"
ALL = "All"
CREATED_KEY = "calibration_created_notice"

viewer = current_viewer()
require_page("calibration")
leads = allowed(viewer, "calibration.manage")
st.title("Calibration")
charts.table_toggle()
st.caption(
    "Krippendorff's alpha: 1 = perfect agreement, 0 = no better than chance; 0.67 is the usual "
    "floor for tentative conclusions, 0.8 for reliable ones. N/A counts as a missing rating."
)
notice = st.empty()  # always there, so the tabs below keep their place (and the open tab)
if CREATED_KEY in st.session_state:
    notice.success(st.session_state.pop(CREATED_KEY))

version = load.data_version()
sessions, reviewer_names = load.sessions(version)


def person(user_id: object) -> str:
    return reviewer_names.get(str(user_id), labels.text(user_id))


labels_by_session: dict[int | None, str] = {}
if leads:
    labels_by_session[None] = ALL_DOUBLE_REVIEWED
    shown_sessions = sessions
else:
    progress = load.my_progress(viewer.user_id, version)
    finished = set(
        progress.loc[progress["reviewed"] >= progress["conversations"], "calibration_session_id"]
    )
    waiting = progress[progress["reviewed"] < progress["conversations"]]
    for row in waiting.itertuples():
        st.info(
            f"Session #{row.calibration_session_id}: you have reviewed {row.reviewed} of "
            f"{row.conversations} conversations. Its results open here once you have submitted "
            "them all (they are in your review queue)."
        )
    shown_sessions = sessions[sessions["calibration_session_id"].isin(finished)]
for row in shown_sessions.itertuples():
    labels_by_session[int(row.calibration_session_id)] = (
        f"#{row.calibration_session_id} · {row.title} ({row.reviews_done} of "
        f"{row.conversations * max(len(row.reviewers if row.reviewers is not None else []), 1)} "
        f"reviews, {row.conversations} conversations, {row.status})"
    )

tab_names = ["Results", "New session"] if leads else ["Results"]
tabs = st.tabs(tab_names)

with tabs[0]:
    if not labels_by_session:
        st.info("No calibration results for you yet.")
    else:
        chosen = st.selectbox(
            "Session", list(labels_by_session), format_func=labels_by_session.get,
            key="calibration_session",
        )  # fmt: skip
        figures = load.figures(viewer, chosen, version)
        agreement = labels.with_criterion_names(figures["agreement"])
        cols = st.columns(4)
        cols[0].metric("Conversations rated by 2+ reviewers", f"{figures['conversations']:,}")
        cols[1].metric("Reviewers", figures["reviewers"])
        cols[2].metric(
            "Alpha on quality score", labels.number(figures["overall_alpha"], 2),
            help="Interval alpha of the reviewers' 0-100 quality scores",
        )  # fmt: skip
        mean_alpha = agreement["alpha"].mean() if not agreement.empty else None
        cols[3].metric("Mean per-criterion alpha", labels.number(mean_alpha, 2))

        st.subheader("Reviewers vs each other and vs the auto-score")
        raters = figures["raters"]
        if raters.empty:
            st.info(
                "No conversation has been reviewed by two or more reviewers here yet: results "
                "appear as soon as two reviewers have submitted the same conversation."
            )
        else:
            leniency = figures["leniency"].set_index("reviewer_id")
            table = pd.DataFrame(
                {
                    "Reviewer": [person(r) for r in raters["rater"]],
                    "Answers compared": raters["verdicts"],
                    "Agrees with other reviewers": [
                        labels.percent(v) for v in raters["agreement_with_reviewers"]
                    ],
                    "Agrees with the auto-score": [
                        labels.percent(v) for v in raters["agreement_with_auto"]
                    ],
                    "Mean quality score": [
                        labels.number(leniency["mean_score"].get(r), 1) for r in raters["rater"]
                    ],
                    "vs other reviewers (points)": [
                        labels.number(leniency["leniency"].get(r), 1) for r in raters["rater"]
                    ],
                    "vs auto-score (points)": [
                        labels.number(leniency["versus_auto"].get(r), 1) for r in raters["rater"]
                    ],
                }
            )
            st.dataframe(table, hide_index=True, key="calibration_raters")
        matrix = figures["matrix"]
        if chosen is not None and not matrix.empty:
            st.markdown("**Quality score per conversation: every reviewer next to the auto-score**")
            wide = matrix.pivot_table(
                index="conversation_id", columns="rater", values="quality_score", aggfunc="first"
            )
            order = [c for c in wide.columns if c != "Auto-score"] + (
                ["Auto-score"] if "Auto-score" in wide.columns else []
            )
            wide = wide[order].reset_index().rename(columns={"conversation_id": "Conversation"})
            st.dataframe(labels.for_people(wide, 0), hide_index=True, key="calibration_matrix")

        if chosen is not None and not figures["session_conversations"].empty:
            with st.expander("Conversations in this session and progress"):
                progress_table = figures["session_conversations"].rename(
                    columns={
                        "position": "#", "conversation_id": "Conversation", "agent_name": "Agent",
                        "team": "Team", "channel": "Channel", "created_at": "Date",
                        "auto_quality_score": "Auto-score", "reviewers_done": "Reviewers done",
                    }
                )  # fmt: skip
                st.dataframe(
                    labels.for_people(progress_table, 0), hide_index=True,
                    key="calibration_progress",
                )  # fmt: skip
        st.subheader("Agreement per criterion")
        if agreement.empty:
            st.info("Agreement per criterion appears once two reviewers rated a conversation.")
        else:
            charts.show(
                charts.agreement_by_criterion(agreement), labels.for_people(agreement, 2),
                "calibration_agreement", "agreement_by_criterion.csv",
            )  # fmt: skip
            st.dataframe(
                labels.for_people(
                    agreement[
                        [
                            "criterion",
                            "question",
                            "conversations",
                            "alpha",
                            "percent_agreement",
                            "alpha_with_auto",
                            "agreement_with_auto",
                        ]
                    ],
                    2,
                ),  # fmt: skip
                hide_index=True,
                key="calibration_agreement_summary",
                column_config={
                    "criterion": "Criterion",
                    "question": "Question",
                    "conversations": "Conversations",
                    "alpha": "Alpha (reviewers)",
                    "percent_agreement": "Agreement (reviewers, 0-1)",
                    "alpha_with_auto": "Alpha (+ auto-score)",
                    "agreement_with_auto": "Agreement with auto-score (0-1)",
                },
            )
        left, right = st.columns(2)
        with left:
            st.markdown("**Most disagreed conversations**")
            disagreements = figures["disagreements"].copy()
            if not disagreements.empty:
                disagreements["disputed_criteria"] = disagreements["disputed_criteria"].map(
                    labels.criterion_keys_names
                )
            disagreements = labels.for_people(
                disagreements.rename(
                    columns={
                        "conversation_id": "Conversation",
                        "agent_name": "Agent",
                        "team": "Team",
                        "reviewers": "Reviewers",
                        "lowest": "Lowest",
                        "highest": "Highest",
                        "score_range": "Range",
                        "spread": "Spread",
                        "criteria_disputed": "Criteria with different answers",
                        "disputed_criteria": "Which criteria",
                    }
                ),  # fmt: skip
                1,
            )
            st.dataframe(disagreements, hide_index=True, key="calibration_disagreements")
            st.download_button(
                "Download CSV",
                frame_to_csv(disagreements),
                file_name="most_disagreed.csv",
                mime="text/csv",
                key="calibration_disagreements_csv",
            )
        with right:
            leniency_frame = figures["leniency"].assign(
                reviewer_id=lambda f: f["reviewer_id"].map(person)
            )
            charts.show(
                charts.leniency(leniency_frame), labels.for_people(leniency_frame, 1),
                "calibration_leniency",
            )  # fmt: skip

if leads:
    with tabs[1]:
        options = filter_options(viewer)
        team = st.selectbox(
            "Conversations from team", [ALL, *options["teams"]], key="calibration_team"
        )
        count = st.slider("How many conversations", 1, 30, 8, key="calibration_count")
        seed = st.number_input("Shuffle", 0, 10_000, 0, key="calibration_seed")
        picked = load.candidates(
            viewer, None if team == ALL else team, int(seed), int(count), version
        )
        st.dataframe(
            labels.for_people(
                picked.rename(
                    columns={
                        "conversation_id": "Conversation",
                        "agent_name": "Agent",
                        "team": "Team",
                        "channel": "Channel",
                        "created_at": "Date",
                        "quality_score": "Auto-score",
                    }
                ),  # fmt: skip
                0,
            ),
            hide_index=True,
            key="calibration_candidates",
        )
        with st.form("calibration_new_form"):
            title = st.text_input("Title", key="calibration_title")
            reviewers = st.multiselect(
                "Reviewers", list(reviewer_names), format_func=person, key="calibration_reviewers",
                help="Reviewer and QA lead accounts. Add an account on the Users page first.",
            )  # fmt: skip
            show_auto = st.checkbox(
                "Show reviewers the auto-score while they review",
                value=False,
                key="calibration_show_auto",
                help="Off: blind calibration. Reviewers see no auto-score and nobody else's answers.",
            )
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
                    show_auto_score=show_auto,
                )
            except WarehouseError as error:
                st.error(plain(error))
            else:
                st.session_state[CREATED_KEY] = (
                    f"Session #{session_id} created: {plain(', '.join(person(r) for r in reviewers))} "
                    f"now each have these {len(picked)} conversations in their queue."
                )
                st.rerun()
