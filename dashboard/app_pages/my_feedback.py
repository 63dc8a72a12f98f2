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
from dashboard import labels as words
from dashboard.components.transcript import highlights_for, transcript_html
from dashboard.loaders import coaching as coaching_loaders
from dashboard.loaders import my_feedback as load
from dashboard.loaders.trends import filter_options
from dashboard.session import current_viewer, require_page
from dashboard.text import plain
from warehouse.errors import WarehouseError

viewer = current_viewer()
require_page("my_feedback")
st.title("My feedback")
charts.table_toggle()
if "feedback_notice" in st.session_state:
    st.success(st.session_state.pop("feedback_notice"))

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
    words.number(last, 1),
    None if last is None or previous is None else f"{last - previous:+.1f} vs previous 30 days",
)
cols[3].metric("Open disputes", int((data["disputes"]["status"] == "open").sum()))

left, right = st.columns(2)
with left:
    charts.show(charts.quality_over_time(data["quality"], "week", "agent"), data["quality"],
                "feedback_quality")  # fmt: skip
with right:
    rubrics = data["rubrics"]
    if not rubrics.empty:  # the legend names rubrics in words, not by id
        rubrics = rubrics.assign(rubric_id=rubrics["rubric_id"].map(words.rubric_name))
    charts.show(charts.rubrics_over_time(rubrics, "week"), rubrics, "feedback_rubrics")

st.subheader("Reviewed conversations")
reviewed = data["reviewed"]
requested = st.query_params.get("conversation")
if reviewed.empty:
    st.info("None of your conversations has been reviewed yet.")
else:
    table = pd.DataFrame(
        {
            "Conversation": reviewed["conversation_id"],
            "Date": reviewed["created_at"].map(words.day),
            "Channel": reviewed["channel"].map(words.text),
            "Reviewer": reviewed["reviewer_name"].map(words.text),
            "Reviewed": reviewed["reviewed_at"].map(words.day),
            "Quality (review)": [words.number(v) for v in reviewed["quality_score"]],
            "Auto-score": [words.number(v) for v in reviewed["auto_quality_score"]],
            "Acknowledged": ["Yes" if v else "No" for v in reviewed["acknowledged"]],
            "Open disputes": reviewed["open_disputes"],
        }
    )
    st.dataframe(table, hide_index=True, key="feedback_reviewed")
    ids = reviewed["conversation_id"].tolist()
    start = ids.index(requested) if requested in ids else 0
    conversation_id = st.selectbox(
        "Open a reviewed conversation",
        ids,
        index=start,
        key="feedback_conversation",
        format_func=lambda cid: (
            f"{cid} · reviewed "
            f"{words.day(reviewed.set_index('conversation_id').at[cid, 'reviewed_at'])}"
        ),
    )
    st.query_params["conversation"] = conversation_id
    row = reviewed.set_index("conversation_id").loc[conversation_id]
    detail = load.conversation(viewer, conversation_id)
    criteria, comments, messages = detail["criteria"], detail["comments"], detail["messages"]
    comments = comments.assign(author_id=comments["author_name"])  # people by name, not login

    st.markdown(
        f"**Quality {words.number(row['quality_score'])}** (reviewer {plain(words.text(row['reviewer_name']))}; "
        f"auto-score {words.number(row['auto_quality_score'])})"
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
    shown = words.with_criterion_names(shown)
    st.dataframe(
        pd.DataFrame(
            {
                "Criterion": shown["criterion"],
                "Question": shown["question"],
                "Verdict": shown["verdict"].str.capitalize(),
                "Critical": ["Yes" if v else "No" for v in shown["critical"]],
                "Changed by the reviewer": ["Yes" if v else "No" for v in shown["overridden"]],
                "Reviewer's reason": shown["override_reason"].map(words.text),
                "Why (auto-score)": shown["rationale"].map(words.text),
                "Evidence": shown["evidence_quotes"].map(words.text),
            }
        ),
        hide_index=True,
        key="feedback_criteria",
    )
    evidence = [
        (words.criterion_name(c.rubric_id, c.criterion_id), item)
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
                            st.error(plain(error))
                        else:
                            st.rerun()
        with dispute_col:
            disputable = [f"{c.rubric_id}.{c.criterion_id}" for c in criteria.itertuples()]
            with st.form("feedback_dispute_form"):
                criterion = st.selectbox(
                    "Dispute a criterion", disputable, key="feedback_dispute_criterion",
                    format_func=words.criterion_key_name,
                )  # fmt: skip
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
                        st.error(plain(error))
                    else:
                        st.session_state["feedback_notice"] = (
                            f"Dispute #{dispute_id} opened; a reviewer will answer it. The "
                            "outcome appears under My disputes and on your home page."
                        )
                        st.rerun()

st.subheader("My disputes")
disputes = data["disputes"]
OUTCOMES = {"open": "Waiting for a decision", "upheld": "Review kept", "changed": "Review changed"}
if disputes.empty:
    st.caption("No disputes.")
else:
    st.dataframe(
        pd.DataFrame(
            {
                "Conversation": disputes["conversation_id"],
                "Criterion": [
                    words.criterion_name(r, c)
                    for r, c in zip(disputes["rubric_id"], disputes["criterion_id"], strict=True)
                ],
                "Your comment": disputes["agent_comment"].map(words.text),
                "Opened": disputes["opened_at"].map(words.day),
                "Outcome": disputes["status"].map(lambda v: OUTCOMES.get(v, words.humanise(v))),
                "Decided by": disputes["resolved_by_name"].map(words.text),
                "Explanation": disputes["resolution_comment"].map(words.text),
                "Decided": disputes["resolved_at"].map(words.day),
            }
        ),
        hide_index=True,
        key="feedback_disputes",
    )

st.subheader("My coaching sessions")
sessions = coaching_loaders.sessions(viewer, agent_id)
if sessions.empty:
    st.caption("No coaching sessions yet.")
for session in sessions.itertuples():
    with st.expander(
        f"{words.day(session.held_at)} with {plain(words.text(session.coach_name))} · focus: "
        f"{plain(words.criterion_keys_names(session.focus))}"
    ):
        st.text(f"Notes: {words.text(session.notes)}")
        st.text(f"Goals: {words.text(session.goals)}")
        if not words.is_missing(session.due_date):
            st.caption(f"Due {words.day(session.due_date)}")
        before_after, _ = coaching_loaders.session_results(viewer, int(session.coaching_session_id))
        before_after = words.with_criterion_names(before_after)
        charts.show(charts.before_after(before_after), words.for_people(before_after),
                    f"feedback_coaching_{session.coaching_session_id}")  # fmt: skip
        if not words.is_missing(session.acknowledged_at):
            st.success(f"Acknowledged {words.day(session.acknowledged_at)}")
        elif viewer.role == "agent":
            if st.button(
                "Acknowledge session", key=f"feedback_ack_session_{session.coaching_session_id}"
            ):
                try:
                    coaching_loaders.acknowledge_session(
                        viewer, int(session.coaching_session_id), ""
                    )
                except WarehouseError as error:
                    st.error(plain(error))
                else:
                    st.rerun()
