"""My feedback (agents): my own scores and trends, reviewed conversations with the reviewers'
comments and evidence, my coaching sessions; acknowledge feedback or dispute a criterion.

Everything shown is read through queries scoped to the signed-in viewer, so a conversation id in
the URL (`?conversation=...`) that is not the agent's own shows nothing.
"""

import json
from datetime import datetime, time, timedelta

import pandas as pd
import streamlit as st

from dashboard import charts
from dashboard.components.transcript import highlights_for, transcript_html
from dashboard.loaders import coaching as coaching_loaders
from dashboard.loaders import my_feedback as load
from dashboard.loaders.trends import filter_options
from dashboard.session import current_viewer, require_roles
from warehouse.errors import WarehouseError

viewer = current_viewer()
require_roles("agent", "admin")
st.title("My feedback")
charts.table_toggle()

options = filter_options(viewer)
if viewer.role == "agent":
    agent_id = viewer.agent_id
else:  # admins look at one agent's page as that agent would see it
    agents = options["agents"]
    if agents.empty:
        st.info("No agents yet.")
        st.stop()
    labels = {row.agent_id: f"{row.agent_name} ({row.team})" for row in agents.itertuples()}
    agent_id = st.selectbox("Agent", list(labels), format_func=labels.get, key="feedback_agent")

if options["first_at"] is None:
    st.info("None of your conversations has been imported yet.")
    st.stop()

until = datetime.combine(options["last_at"].date(), time.min) + timedelta(days=1)
since = until - timedelta(days=183)
data = load.overview(viewer, agent_id, since, until)
summary = data["summary"]
cols = st.columns(4)
cols[0].metric("Conversations", f"{summary['conversations']:,}")
cols[1].metric("Reviewed by a person", f"{summary['reviewed']:,}")
last, previous = summary["last_30_days"], summary["previous_30_days"]
cols[2].metric(
    "Quality, last 30 days",
    "–" if last is None else f"{last:.1f}",
    None if last is None or previous is None else f"{last - previous:+.1f} vs previous 30 days",
)
cols[3].metric("Open disputes", int((data["disputes"]["status"] == "open").sum()))

left, right = st.columns(2)
with left:
    charts.show(charts.quality_over_time(data["quality"], "week", "agent"), data["quality"],
                "feedback_quality")  # fmt: skip
with right:
    charts.show(charts.rubrics_over_time(data["rubrics"], "week"), data["rubrics"],
                "feedback_rubrics")  # fmt: skip

st.subheader("Reviewed conversations")
reviewed = data["reviewed"]
requested = st.query_params.get("conversation")
if reviewed.empty:
    st.info("None of your conversations has been reviewed yet.")
else:
    table = reviewed[
        ["conversation_id", "created_at", "channel", "reviewer_id", "reviewed_at", "quality_score",
         "auto_quality_score", "acknowledged", "open_disputes"]
    ]  # fmt: skip
    st.dataframe(table, hide_index=True, key="feedback_reviewed")
    ids = reviewed["conversation_id"].tolist()
    start = ids.index(requested) if requested in ids else 0
    conversation_id = st.selectbox(
        "Open a reviewed conversation",
        ids,
        index=start,
        key="feedback_conversation",
        format_func=lambda cid: (
            f"{cid} · reviewed {pd.Timestamp(reviewed.set_index('conversation_id').at[cid, 'reviewed_at']):%d %b %Y}"
        ),
    )
    st.query_params["conversation"] = conversation_id
    row = reviewed.set_index("conversation_id").loc[conversation_id]
    detail = load.conversation(viewer, conversation_id)
    criteria, comments, messages = detail["criteria"], detail["comments"], detail["messages"]

    st.markdown(
        f"**Quality {row['quality_score']:.0f}** (reviewer {row['reviewer_id']}; "
        f"auto-score {row['auto_quality_score']:.0f})"
        if pd.notna(row["auto_quality_score"])
        else f"**Quality {row['quality_score']:.0f}** (reviewer {row['reviewer_id']})"
    )
    if row["overall_comment"]:
        st.text(f"Reviewer's comment: {row['overall_comment']}")
    shown = criteria.assign(
        verdict=criteria.apply(
            lambda c: "N/A" if c["na"] else ("failed" if c["failed"] else "passed"), axis=1
        ),
        evidence_quotes=criteria["evidence"].map(
            lambda e: " | ".join(q.get("quote", "") for q in json.loads(e or "[]"))
        ),
    )
    st.dataframe(
        shown[["rubric_id", "criterion_id", "verdict", "value", "critical", "overridden",
               "override_reason", "rationale", "evidence_quotes"]],
        hide_index=True,
        key="feedback_criteria",
    )  # fmt: skip
    evidence = [
        (f"{c.rubric_id}.{c.criterion_id}", item)
        for c in criteria.itertuples()
        for item in json.loads(c.evidence or "[]")
    ]
    by_message: dict[int, list[dict]] = {}
    for comment in comments.to_dict("records"):
        if pd.notna(comment["message_index"]):
            by_message.setdefault(int(comment["message_index"]), []).append(comment)
    records = messages.to_dict("records")
    st.html(transcript_html(records, highlights_for(records, evidence), by_message))
    overall = comments[comments["message_index"].isna()]
    for comment in overall.itertuples():
        st.text(f"💬 {comment.author_id}: {comment.body}")

    review_id = int(row["review_id"])
    if viewer.role == "agent":
        ack_col, dispute_col = st.columns(2)
        with ack_col:
            if row["acknowledged"]:
                st.success("You have acknowledged this feedback.")
            else:
                with st.form("feedback_ack_form"):
                    note = st.text_input(
                        "Note for your reviewer (optional)", key="feedback_ack_note"
                    )
                    if st.form_submit_button("Acknowledge feedback"):
                        try:
                            load.acknowledge(viewer, conversation_id, review_id, note)
                        except WarehouseError as error:
                            st.error(str(error))
                        else:
                            st.rerun()
        with dispute_col:
            disputable = [f"{c.rubric_id}.{c.criterion_id}" for c in criteria.itertuples()]
            with st.form("feedback_dispute_form"):
                criterion = st.selectbox(
                    "Dispute a criterion", disputable, key="feedback_dispute_criterion"
                )
                reason = st.text_area(
                    "Why do you disagree?", key="feedback_dispute_reason", max_chars=10_000
                )
                if st.form_submit_button("Open dispute"):
                    rubric_id, criterion_id = criterion.split(".", 1)
                    try:
                        dispute_id = load.dispute(
                            viewer, review_id, rubric_id, criterion_id, reason
                        )
                    except WarehouseError as error:
                        st.error(str(error))
                    else:
                        st.success(f"Dispute #{dispute_id} opened; a reviewer will answer it.")

st.subheader("My disputes")
if data["disputes"].empty:
    st.caption("No disputes.")
else:
    st.dataframe(data["disputes"], hide_index=True, key="feedback_disputes")

st.subheader("My coaching sessions")
sessions = coaching_loaders.sessions(viewer, agent_id)
if sessions.empty:
    st.caption("No coaching sessions yet.")
for session in sessions.itertuples():
    with st.expander(
        f"{pd.Timestamp(session.held_at):%d %b %Y} with {session.coach_id} · focus: {session.focus}"
    ):
        st.text(f"Notes: {session.notes or '–'}")
        st.text(f"Goals: {session.goals or '–'}")
        if pd.notna(session.due_date):
            st.caption(f"Due {pd.Timestamp(session.due_date):%d %b %Y}")
        before_after, _ = coaching_loaders.session_results(viewer, int(session.coaching_session_id))
        charts.show(charts.before_after(before_after), before_after,
                    f"feedback_coaching_{session.coaching_session_id}")  # fmt: skip
        if pd.notna(session.acknowledged_at):
            st.success(f"Acknowledged {pd.Timestamp(session.acknowledged_at):%d %b %Y}")
        elif viewer.role == "agent":
            if st.button(
                "Acknowledge session", key=f"feedback_ack_session_{session.coaching_session_id}"
            ):
                try:
                    coaching_loaders.acknowledge_session(
                        viewer, int(session.coaching_session_id), ""
                    )
                except WarehouseError as error:
                    st.error(str(error))
                else:
                    st.rerun()
