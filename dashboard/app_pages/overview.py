"""Home: what needs the signed-in person now, by role.

Reviewer: assigned work, soonest due first, then oldest; overdue marked. Agent: new feedback to acknowledge and dispute outcomes.
Manager: team movers and coaching goals falling due. QA lead: disputes waiting and calibration in
progress. Admin: what is in the database (import counts are for admins only) and, on an empty
database, the way to a first import.
"""

from datetime import date

import pandas as pd
import streamlit as st

from dashboard import labels
from dashboard.loaders import home as load
from dashboard.session import ROLE_LABELS, current_viewer

WAITING_DAYS = 7  # an assignment open longer than this is flagged as waiting too long

viewer = current_viewer()
today = date.today()
st.title("Home")
st.caption(f"What needs you now, as {ROLE_LABELS.get(viewer.role, viewer.role)}.")
blocks = load.blocks(viewer, today)


def page_link(page: str, label: str, icon: str) -> None:
    try:
        st.page_link(f"app_pages/{page}.py", label=label, icon=icon)
    except Exception:  # noqa: BLE001 - the page is not in this role's navigation
        pass


def assignments_block() -> None:
    st.subheader("Assigned to you")
    frame = blocks["assignments"]
    if frame.empty:
        st.info("Nothing assigned to you right now.")
        return
    total = int(frame["open_total"].iloc[0])
    assigned = pd.to_datetime(frame["assigned_at"])
    waiting = int((assigned < pd.Timestamp(today) - pd.Timedelta(days=WAITING_DAYS)).sum())
    overdue = int(frame["overdue_total"].iloc[0])
    cols = st.columns(5)
    cols[0].metric("Open assignments", f"{total:,}")
    cols[1].metric("Overdue", f"{overdue:,}")
    cols[2].metric("Due in the next 7 days", f"{int(frame['due_this_week_total'].iloc[0]):,}")
    cols[3].metric(f"Waiting more than {WAITING_DAYS} days", f"{waiting:,}")
    cols[4].metric("In calibration sessions", f"{int(frame['calibration_total'].iloc[0]):,}")
    if overdue:
        st.warning(f"{overdue:,} of your assignments are past their due date.")
    shown = pd.DataFrame(
        {
            "Conversation": frame["conversation_id"],
            "Due": [labels.due(d, today) for d in frame["due_date"]],
            "Assigned": frame["assigned_at"].map(labels.day),
            "Agent": frame["agent_name"].map(labels.text),
            "Team": frame["team"].map(labels.text),
            "Channel": frame["channel"].map(labels.text),
            "Why": [
                "Calibration session" if not labels.is_missing(s) else labels.humanise(r)
                for r, s in zip(frame["rule"], frame["calibration_session_id"], strict=True)
            ],
        }
    )
    st.dataframe(shown, hide_index=True, key="home_assignments")
    page_link("review_queue", "Open my review queue", ":material/inbox:")


def feedback_block() -> None:
    st.subheader("New feedback to read")
    frame = blocks["feedback"]
    if frame.empty:
        st.info("You have read all your feedback.")
    else:
        st.metric("Reviews not yet acknowledged", f"{int(frame['waiting_total'].iloc[0]):,}")
        st.dataframe(
            pd.DataFrame(
                {
                    "Conversation": frame["conversation_id"],
                    "Reviewed": frame["reviewed_at"].map(labels.day),
                    "Subject": frame["subject"].map(labels.text),
                    "Quality": [labels.number(v) for v in frame["quality_score"]],
                    "Critical failure": ["Yes" if v else "No" for v in frame["critical_failed"]],
                }
            ),
            hide_index=True,
            key="home_feedback",
        )
    page_link("my_feedback", "Read and acknowledge on My feedback", ":material/feedback:")
    st.subheader("Your disputes")
    disputes = blocks["disputes"]
    if disputes.empty:
        st.info("You have not disputed any review.")
        return
    outcome = {
        "open": "Waiting for a decision",
        "upheld": "Review kept",
        "changed": "Review changed",
    }
    for row in disputes[disputes["status"] != "open"].head(3).itertuples():
        st.info(
            f"Dispute #{row.dispute_id} on {labels.criterion_name(row.rubric_id, row.criterion_id)} "
            f"({row.conversation_id}): **{outcome.get(row.status, labels.humanise(row.status))}**"
            f" on {labels.day(row.resolved_at)}. {labels.text(row.resolution_comment)}"
        )
    st.dataframe(
        pd.DataFrame(
            {
                "Conversation": disputes["conversation_id"],
                "Criterion": [
                    labels.criterion_name(r, c)
                    for r, c in zip(disputes["rubric_id"], disputes["criterion_id"], strict=True)
                ],
                "Opened": disputes["opened_at"].map(labels.day),
                "Outcome": disputes["status"].map(lambda s: outcome.get(s, labels.humanise(s))),
                "Decided": disputes["resolved_at"].map(labels.day),
                "Explanation": disputes["resolution_comment"].map(labels.text),
            }
        ),
        hide_index=True,
        key="home_disputes",
    )


def movers_block() -> None:
    st.subheader(f"Team movers (last {load.MOVER_DAYS} days vs the {load.MOVER_DAYS} before)")
    frame = blocks["movers"]
    if frame.empty:
        st.info("Not enough scored conversations in both periods to compare yet.")
    else:
        st.dataframe(
            pd.DataFrame(
                {
                    "Agent": frame["agent_name"].map(labels.text),
                    "Team": frame["team"].map(labels.text),
                    "Quality now": [labels.number(v, 1) for v in frame["recent_quality"]],
                    "Before": [labels.number(v, 1) for v in frame["previous_quality"]],
                    "Change": [
                        ("▲ " if v > 0 else "▼ " if v < 0 else "") + labels.number(v, 1)
                        for v in frame["change"]
                    ],
                    "Conversations (now / before)": [
                        f"{a:,} / {b:,}"
                        for a, b in zip(
                            frame["recent_conversations"],
                            frame["previous_conversations"],
                            strict=True,
                        )  # fmt: skip
                    ],
                }
            ),
            hide_index=True,
            key="home_movers",
        )
        page_link("team_trends", "See the trends", ":material/monitoring:")
    st.subheader("Coaching goals falling due")
    due = blocks["coaching_due"]
    if due.empty:
        st.info("No coaching goals due in the last 30 days or ahead.")
        return

    def when(value) -> str:
        days = (pd.Timestamp(value).date() - today).days
        if days < 0:
            return f"overdue by {-days} day{'s' if days != -1 else ''}"
        return "today" if days == 0 else f"in {days} day{'s' if days != 1 else ''}"

    st.dataframe(
        pd.DataFrame(
            {
                "Agent": due["agent_name"].map(labels.text),
                "Team": due["team"].map(labels.text),
                "Goals due": due["due_date"].map(labels.day),
                "When": due["due_date"].map(when),
                "Focus": due["focus"].map(labels.criterion_keys_names),
                "Acknowledged by the agent": due["acknowledged_at"].map(labels.day),
            }
        ),
        hide_index=True,
        key="home_coaching_due",
    )
    page_link("coaching", "Open coaching", ":material/school:")


def disputes_waiting_block() -> None:
    st.subheader("Disputes waiting for a decision")
    frame = blocks["open_disputes"]
    if frame.empty:
        st.info("No open disputes.")
        return
    st.metric("Open disputes", f"{int(frame['open_total'].iloc[0]):,}")
    st.dataframe(
        pd.DataFrame(
            {
                "Conversation": frame["conversation_id"],
                "Agent": frame["agent_name"].map(labels.text),
                "Criterion": [
                    labels.criterion_name(r, c)
                    for r, c in zip(frame["rubric_id"], frame["criterion_id"], strict=True)
                ],
                "Opened": frame["opened_at"].map(labels.day),
                "Agent's comment": frame["agent_comment"].map(labels.text),
            }
        ),
        hide_index=True,
        key="home_open_disputes",
    )
    page_link("review_queue", "Resolve them (Review queue → Disputes)", ":material/gavel:")


def calibration_block() -> None:
    st.subheader("Calibration in progress")
    frame = blocks["calibration"]
    if frame.empty:
        st.info("No calibration session is open.")
        return
    st.dataframe(
        pd.DataFrame(
            {
                "Session": [
                    f"#{i} · {t}"
                    for i, t in zip(frame["calibration_session_id"], frame["title"], strict=True)
                ],
                "Created": frame["created_at"].map(labels.day),
                "Reviews done": [
                    f"{d:,} of {c * r:,}"
                    for d, c, r in zip(
                        frame["done"], frame["conversations"], frame["reviewers"], strict=True
                    )
                ],
            }
        ),
        hide_index=True,
        key="home_calibration",
    )
    page_link("calibration", "See the results", ":material/balance:")


def database_block() -> None:
    counts = load.counts(viewer)
    st.subheader("The database")
    cols = st.columns(5)
    cols[0].metric("Conversations", f"{counts['conversations']:,}")
    cols[1].metric("Messages", f"{counts['messages']:,}")
    cols[2].metric("Scored", f"{(counts['scored'] or 0):,}")
    cols[3].metric("Quarantined records", f"{(counts['quarantined'] or 0):,}")
    cols[4].metric("Imports", f"{(counts['imports'] or 0):,}")
    if counts["conversations"] == 0:
        st.info(
            "The database is empty. Start here: **1.** import an export file from your helpdesk, "
            "**2.** score it, **3.** add reviewer, manager and agent accounts."
        )
        page_link("imports", "1–2. Import an export file and score it", ":material/upload_file:")
        page_link("users", "3. Add accounts", ":material/group:")
    elif (counts["scored"] or 0) < counts["conversations"]:
        st.warning(
            f"{counts['conversations'] - (counts['scored'] or 0):,} conversations are not scored "
            "yet: score them on Import data."
        )
        page_link("imports", "Score them", ":material/upload_file:")


if viewer.role == "admin":
    database_block()
if viewer.role in ("reviewer", "qa_lead"):
    assignments_block()
if viewer.role == "agent":
    feedback_block()
if viewer.role == "manager":
    movers_block()
if viewer.role in ("qa_lead", "admin"):
    disputes_waiting_block()
    calibration_block()
if viewer.role == "qa_lead":
    movers_block()
