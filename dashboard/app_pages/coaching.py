"""Coaching: build a session for an agent from reviewed conversations, then see whether it worked."""

from datetime import datetime, time, timedelta

import pandas as pd
import streamlit as st

from dashboard import charts
from dashboard.loaders import coaching as load
from dashboard.loaders.trends import filter_options
from dashboard.session import current_viewer, require_roles
from warehouse.coaching import DEFAULT_WINDOW_DAYS, CoachingRequest
from warehouse.errors import WarehouseError

ALL = "All"

viewer = current_viewer()
require_roles("admin", "qa_lead", "manager", "reviewer")
st.title("Coaching")
charts.table_toggle()

options = filter_options(viewer)
agents = options["agents"]
if agents.empty:
    st.info("No agents with conversations you can see yet.")
    st.stop()
agent_labels = {row.agent_id: f"{row.agent_name} ({row.team})" for row in agents.itertuples()}

sessions_tab, new_tab = st.tabs(["Sessions", "New session"])

with sessions_tab:
    agent_filter = st.selectbox(
        "Agent",
        [ALL, *agent_labels],
        format_func=lambda a: a if a == ALL else agent_labels[a],
        key="coaching_agent_filter",
    )
    sessions = load.sessions(viewer, None if agent_filter == ALL else agent_filter)
    if sessions.empty:
        st.info("No coaching sessions yet for this selection. Create one in the next tab.")
    else:
        listing = sessions[
            ["coaching_session_id", "agent_name", "team", "coach_id", "held_at", "due_date",
             "focus", "source_conversations", "acknowledged_at"]
        ]  # fmt: skip
        st.dataframe(listing, hide_index=True, key="coaching_sessions_table")
        labels = {
            row.coaching_session_id: f"#{row.coaching_session_id} · {row.agent_name} · "
            f"{pd.Timestamp(row.held_at):%d %b %Y} · {row.focus}"
            for row in sessions.itertuples()
        }
        chosen = st.selectbox(
            "Session", list(labels), format_func=labels.get, key="coaching_session_pick"
        )
        session = sessions[sessions["coaching_session_id"] == chosen].iloc[0]
        window = st.slider(
            "Days before / after the session", 14, 90, DEFAULT_WINDOW_DAYS, 7,
            key="coaching_window",
        )  # fmt: skip
        cols = st.columns(3)
        cols[0].markdown(f"**Coach:** {session['coach_id']}")
        cols[1].markdown(f"**Held:** {pd.Timestamp(session['held_at']):%d %b %Y}")
        due = session["due_date"]
        cols[2].markdown(
            f"**Due:** {'–' if pd.isna(due) else pd.Timestamp(due).strftime('%d %b %Y')}"
        )
        st.text(f"Notes: {session['notes'] or '–'}")
        st.text(f"Goals: {session['goals'] or '–'}")
        if pd.isna(session["acknowledged_at"]):
            st.caption("Not yet acknowledged by the agent.")
        else:
            st.caption(
                f"Acknowledged by the agent on {pd.Timestamp(session['acknowledged_at']):%d %b %Y}."
            )
            if session["agent_response"]:
                st.text(f"Agent's response: {session['agent_response']}")
        before_after, weekly = load.session_results(viewer, int(chosen), window)
        charts.show(charts.before_after(before_after), before_after, "coaching_before_after")
        charts.show(charts.focus_weekly(weekly, session["held_at"]), weekly, "coaching_weekly")

with new_tab:
    agent = st.selectbox(
        "Agent to coach", list(agent_labels), format_func=agent_labels.get, key="coaching_new_agent"
    )
    reviewed_only = st.toggle(
        "Only human-reviewed conversations", value=True, key="coaching_reviewed_only"
    )
    since = datetime.combine(options["last_at"].date() - timedelta(days=90), time.min)
    weak, candidates = load.agent_material(viewer, agent, since, reviewed_only)
    st.markdown("**Criteria this agent fails most (last 90 days of data)**")
    st.dataframe(
        weak.head(8),
        hide_index=True,
        key="coaching_weak",
        column_config={"fail_rate": st.column_config.NumberColumn("fail rate", format="percent")},
    )
    candidate_labels = {
        row.conversation_id: f"{row.conversation_id} · {pd.Timestamp(row.created_at):%d %b} · "
        f"quality {row.quality_score:.0f} ({row.score_source}) · failed: {row.failed_criteria or '–'}"
        for row in candidates.itertuples()
    }
    all_criteria = [f"{r}.{c}" for r, c in load.criteria()]
    suggested = [
        f"{r.rubric_id}.{r.criterion_id}" for r in weak[weak["failed"] > 0].head(2).itertuples()
    ]
    with st.form("coaching_new_form", clear_on_submit=False):
        focus = st.multiselect(
            "Focus criteria",
            all_criteria,
            default=[s for s in suggested if s in all_criteria],
            key=f"coaching_focus_{agent}",  # per agent: the suggestion follows the agent
        )
        sources = st.multiselect(
            "Conversations discussed",
            list(candidate_labels),
            format_func=candidate_labels.get,
            key=f"coaching_sources_{agent}",
        )
        notes = st.text_area("Notes", key="coaching_notes", max_chars=10_000)
        goals = st.text_area("Goals", key="coaching_goals", max_chars=10_000)
        cols = st.columns(2)
        held_on = cols[0].date_input("Held on", value=datetime.now().date(), key="coaching_held")
        due_on = cols[1].date_input(
            "Goals due", value=datetime.now().date() + timedelta(days=28), key="coaching_due"
        )
        submitted = st.form_submit_button("Save coaching session", type="primary")
    if candidates.empty:
        st.caption(
            "No reviewed conversations for this agent yet: switch the toggle to pick auto-scored ones."
        )
    if submitted:
        try:
            session_id = load.create_session(
                viewer,
                CoachingRequest(
                    agent_id=agent,
                    focus_criteria=tuple(tuple(f.split(".", 1)) for f in focus),
                    notes=notes,
                    goals=goals,
                    due_date=due_on,
                    held_at=datetime.combine(held_on, datetime.now().time()),
                    source_conversation_ids=tuple(sources),
                ),
            )
        except WarehouseError as error:
            st.error(str(error))
        else:
            st.success(f"Coaching session #{session_id} saved for {agent_labels[agent]}.")
