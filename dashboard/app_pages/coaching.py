"""Coaching: build a session for an agent from reviewed conversations, then see whether it worked."""

from datetime import datetime, time, timedelta

import pandas as pd
import streamlit as st

from dashboard import charts, labels
from dashboard.loaders import coaching as load
from dashboard.loaders.trends import filter_options
from dashboard.session import current_viewer, require_page
from dashboard.text import plain
from warehouse.errors import WarehouseError
from warehouse.review.coaching import DEFAULT_WINDOW_DAYS, SMALL_SAMPLE, CoachingRequest

ALL = "All"
SAVED_KEY = "coaching_saved_notice"

viewer = current_viewer()
require_page("coaching")
st.title("Coaching")
charts.table_toggle()
notice = st.empty()  # always there, so the tabs below keep their place (and the open tab)
if SAVED_KEY in st.session_state:
    notice.success(st.session_state.pop(SAVED_KEY))

options = filter_options(viewer)
agents = options["agents"]
if agents.empty:
    st.info("No agents with conversations you can see yet.")
    st.stop()
agent_labels = {
    row.agent_id: f"{labels.text(row.agent_name)} ({labels.text(row.team)})"
    for row in agents.itertuples()
}
version = load.data_version()

sessions_tab, new_tab = st.tabs(["Sessions", "New session"])

with sessions_tab:
    agent_filter = st.selectbox(
        "Agent",
        [ALL, *agent_labels],
        format_func=lambda a: a if a == ALL else agent_labels.get(a, a),
        key="coaching_agent_filter",
    )
    sessions = load.sessions(viewer, None if agent_filter == ALL else agent_filter, None, version)
    if sessions.empty:
        st.info("No coaching sessions yet for this selection. Create one in the next tab.")
    else:
        listing = pd.DataFrame(
            {
                "Session": sessions["coaching_session_id"],
                "Agent": sessions["agent_name"].map(labels.text),
                "Team": sessions["team"].map(labels.text),
                "Coach": sessions["coach_name"].map(labels.text),
                "Held": sessions["held_at"].map(labels.day),
                "Goals due": sessions["due_date"].map(labels.day),
                "Focus": sessions["focus"].map(labels.criterion_keys_names),
                "Conversations": sessions["source_conversations"],
                "Acknowledged": sessions["acknowledged_at"].map(labels.day),
            }
        )
        st.dataframe(listing, hide_index=True, key="coaching_sessions_table")
        session_labels = {
            row.coaching_session_id: load.session_label(row) for row in sessions.itertuples()
        }
        chosen = st.selectbox(
            "Session", list(session_labels), format_func=session_labels.get,
            key="coaching_session_pick",
        )  # fmt: skip
        session = sessions[sessions["coaching_session_id"] == chosen].iloc[0]
        window = st.slider(
            "Days before / after the session", 14, 90, DEFAULT_WINDOW_DAYS, 7,
            key="coaching_window",
        )  # fmt: skip
        cols = st.columns(3)
        cols[0].markdown(f"**Coach:** {plain(labels.text(session['coach_name']))}")
        cols[1].markdown(f"**Held:** {labels.day(session['held_at'])}")
        cols[2].markdown(f"**Due:** {labels.day(session['due_date'])}")
        st.text(f"Notes: {labels.text(session['notes'])}")
        st.text(f"Goals: {labels.text(session['goals'])}")
        if labels.is_missing(session["acknowledged_at"]):
            st.caption("Not yet acknowledged by the agent.")
        else:
            st.caption(f"Acknowledged by the agent on {labels.day(session['acknowledged_at'])}.")
            if not labels.is_missing(session["agent_response"]) and session["agent_response"]:
                st.text(f"Agent's response: {session['agent_response']}")
        before_after, weekly = load.session_results(viewer, int(chosen), window, version)
        before_after = labels.with_criterion_names(before_after)
        st.subheader("Before and after")
        if before_after.empty:
            st.info("This session has no focus criteria.")
        else:
            if before_after["small_sample"].any():
                st.warning(
                    f"Small sample: fewer than {SMALL_SAMPLE} conversations before or after the "
                    "session on some focus criteria. Read the change as a hint, not a result."
                )
            table = pd.DataFrame(
                {
                    "Focus criterion": before_after["criterion"],
                    "Before": [labels.number(v, 1) for v in before_after["before_score"]],
                    "Conversations before": before_after["before_conversations"],
                    "After": [labels.number(v, 1) for v in before_after["after_score"]],
                    "Conversations after": before_after["after_conversations"],
                    "Change (points)": [labels.number(v, 1) for v in before_after["change"]],
                    "95% interval": [
                        f"{labels.number(lo, 1)} to {labels.number(hi, 1)}"
                        if not labels.is_missing(lo)
                        else labels.MISSING
                        for lo, hi in zip(
                            before_after["change_low"], before_after["change_high"], strict=True
                        )
                    ],
                    "Verdict": before_after["verdict"],
                }
            )
            st.table(table.set_index("Focus criterion"))  # a few rows: a plain, readable table
        charts.show(
            charts.before_after(before_after), labels.for_people(before_after, 1),
            "coaching_before_after",
        )  # fmt: skip
        weekly = weekly.assign(criterion=weekly["criterion"].map(labels.criterion_key_name))
        charts.show(
            charts.focus_weekly(weekly, session["held_at"]), labels.for_people(weekly, 1),
            "coaching_weekly",
        )  # fmt: skip

with new_tab:
    agent = st.selectbox(
        "Agent to coach", list(agent_labels), format_func=agent_labels.get, key="coaching_new_agent"
    )
    reviewed_only = st.toggle(
        "Only human-reviewed conversations", value=True, key="coaching_reviewed_only"
    )
    last_at = options.get("last_at")
    since = (
        None
        if labels.is_missing(last_at)
        else datetime.combine(pd.Timestamp(last_at).date() - timedelta(days=90), time.min)
    )
    weak, candidates = load.agent_material(viewer, agent, since, reviewed_only, version)
    weak = labels.with_criterion_names(weak)
    source_words = "human-reviewed conversations" if reviewed_only else "all scored conversations"
    st.markdown(f"**Criteria this agent fails most** (last 90 days of data, {source_words})")
    if weak.empty:
        st.info(
            "No reviewed conversations for this agent in that time: switch the toggle off to "
            "use auto-scored ones."
            if reviewed_only
            else "No scored conversations for this agent in that time."
        )
    else:
        st.dataframe(
            pd.DataFrame(
                {
                    "Criterion": weak["criterion"],
                    "Question": weak["question"],
                    "Conversations": weak["applicable"],
                    "Failed": weak["failed"],
                    "Fail rate": [labels.percent(v) for v in weak["fail_rate"]],
                }
            ).head(8),
            hide_index=True,
            key="coaching_weak",
        )
    candidate_labels = {
        row.conversation_id: load.candidate_label(row) for row in candidates.itertuples()
    }
    criterion_keys = [f"{r}.{c}" for r, c in load.criteria()]
    suggested = [
        f"{r.rubric_id}.{r.criterion_id}" for r in weak[weak["failed"] > 0].head(2).itertuples()
    ] if not weak.empty else []  # fmt: skip
    with st.form("coaching_new_form", clear_on_submit=False):
        focus = st.multiselect(
            "Focus criteria",
            criterion_keys,
            default=[s for s in suggested if s in criterion_keys],
            format_func=labels.criterion_key_name,
            # per agent and source: the suggestion follows the agent and the switch above
            key=f"coaching_focus_{agent}_{'reviewed' if reviewed_only else 'all'}",
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
            st.error(plain(error))
        else:
            st.session_state[SAVED_KEY] = (
                f"Coaching session #{session_id} saved for {plain(agent_labels[agent])}: it is listed "
                "under Sessions."
            )
            st.rerun()
