"""Review queue: conversations waiting for human review, queue building by sampling rules, disputes."""

from __future__ import annotations

from datetime import date

import streamlit as st

from dashboard import labels
from dashboard.loaders import queue as queue_writes
from dashboard.loaders import reviews as data
from dashboard.session import current_viewer
from dashboard.text import plain
from warehouse.access.permissions import allowed
from warehouse.errors import WarehouseError
from warehouse.review.sampling import RULE_NAMES, QueueFilters, Selection

REVIEW_PAGE = "app_pages/review_conversation.py"
EVERYONE = "(everyone)"


def open_review(conversation_id: str) -> None:
    st.session_state["review_conversation_id"] = conversation_id
    st.switch_page(REVIEW_PAGE, query_params={"conversation": conversation_id})


def sidebar_filters(options: dict) -> QueueFilters:
    with st.sidebar:
        st.subheader("Queue filters")
        teams = st.multiselect("Team", [v for v, _ in options["team"]], key="queue_teams")
        agent_names = dict(options["agent"])
        agents = st.multiselect(
            "Agent",
            list(agent_names),
            format_func=lambda a: agent_names.get(a, a),
            key="queue_agents",
        )
        channels = st.multiselect(
            "Channel", [v for v, _ in options["channel"]], key="queue_channels"
        )
        dates = st.date_input(
            "Conversation dates", value=(), key="queue_dates", format="YYYY-MM-DD"
        )
        rubric = st.selectbox(
            "Score band applies to",
            [None] + [v for v, _ in options["rubric"]],
            format_func=lambda r: "Quality score" if r is None else labels.rubric_name(r),
            key="queue_rubric",
        )
        band = st.slider("Score band", 0, 100, (0, 100), key="queue_band")
    since = dates[0] if len(dates) >= 1 and isinstance(dates[0], date) else None
    until = dates[1] if len(dates) == 2 else since
    return QueueFilters(
        teams=tuple(teams), agents=tuple(agents), channels=tuple(channels), since=since, until=until,
        rubric_id=rubric, score_min=float(band[0]), score_max=float(band[1]),
    )  # fmt: skip


def queue_tab(viewer, filters: QueueFilters) -> None:
    left, middle, right = st.columns([2, 2, 1])
    names = dict(data.reviewer_accounts())
    if allowed(viewer, "queue.assign") or viewer.role == "manager":
        counts = data.open_counts(viewer)
        reviewers = (
            sorted({*counts["reviewer_id"].tolist(), viewer.user_id})
            if len(counts)
            else [viewer.user_id]
        )
        chosen = left.selectbox(
            "Reviewer", [EVERYONE, *reviewers], key="queue_reviewer",
            format_func=lambda r: r if r == EVERYONE else names.get(r, r),
        )  # fmt: skip
        reviewer_id = None if chosen == EVERYONE else chosen
    else:
        reviewer_id = viewer.user_id
        left.markdown("**My queue**")
    status = middle.radio("Status", ["open", "done", "all"], horizontal=True, key="queue_status")
    statuses = ["open", "done", "released"] if status == "all" else [status]
    page = st.session_state.get("queue_page", 1)
    frame, total = data.queue(viewer, reviewer_id, statuses, filters, page - 1)
    if frame.empty and page > 1:  # the filters shrank the list below the page asked for: page 1
        st.session_state.pop("queue_page", None)
        frame, total = data.queue(viewer, reviewer_id, statuses, filters, 0)
    right.metric("In view", f"{total:,}")
    pages = -(-total // data.QUEUE_PAGE_SIZE)
    if pages > 1:  # a page of rows at a time: a lead's history can hold tens of thousands
        st.number_input("Page", min_value=1, max_value=pages, key="queue_page")
        st.caption(f"{pages:,} pages of {data.QUEUE_PAGE_SIZE} rows, worst first.")
    else:
        st.session_state.pop("queue_page", None)
    if frame.empty:
        st.info(
            "Nothing in this queue with these filters. Build one in the next tab."
            if allowed(viewer, "queue.assign")
            else "Nothing in this queue with these filters. QA leads build the review queues."
        )
        return
    config = data.sampling_config()
    shown = labels.for_people(
        frame[
            ["conversation_id", "reviewer_id", "status", "due_date", "agent_name", "team", "channel",
             "created_at", "quality_score", "score_source", "auto_critical_failed", "csat", "rule"]
        ].assign(
            reviewer_id=lambda f: f["reviewer_id"].map(lambda r: names.get(r, r)),
            due_date=lambda f: [
                labels.due(d, date.today(), s == "open")
                for d, s in zip(f["due_date"], f["status"], strict=True)
            ],
            score_source=lambda f: f["score_source"].map(
                lambda s: labels.SOURCE_WORDS.get(s, labels.MISSING)
            ),
            auto_critical_failed=lambda f: f["auto_critical_failed"].map(
                lambda v: labels.MISSING if labels.is_missing(v) else ("Yes" if v else "No")
            ),
            rule=lambda f: f["rule"].map(lambda r: _rule_words(config, r)),
        ),
        0,
    )  # fmt: skip
    event = st.dataframe(
        shown, key="queue_table", hide_index=True, on_select="rerun", selection_mode="single-row",
        width="stretch",
        column_config={
            "conversation_id": "Conversation", "reviewer_id": "Reviewer", "status": "Status",
            "due_date": "Due", "agent_name": "Agent", "team": "Team", "channel": "Channel",
            "quality_score": "Quality", "score_source": "Source",
            "auto_critical_failed": "Critical fail", "created_at": "Date", "csat": "CSAT",
            "rule": "Sampled by",
        },
    )  # fmt: skip
    selected = event.selection.rows if event and hasattr(event, "selection") else []
    chosen = str(shown.iloc[selected[0]]["conversation_id"]) if selected else None
    # Open a row once when it is selected, not again on every rerun while it stays selected.
    if chosen is None:
        st.session_state.pop("queue_last_selected", None)
    elif chosen != st.session_state.get("queue_last_selected"):
        st.session_state["queue_last_selected"] = chosen
        open_review(chosen)
    open_rows = frame[frame["status"] == "open"]
    cols = st.columns([2, 2, 3])
    if cols[0].button(
        "Review next",
        key="queue_start",
        type="primary",
        disabled=open_rows.empty,
        help="Open the top open one",
    ):
        open_review(str(open_rows.iloc[0]["conversation_id"]))
    pick = cols[1].selectbox("Conversation", frame["conversation_id"].tolist(), key="queue_pick")
    if cols[2].button("Open", key="queue_open") and pick:
        open_review(pick)
    if allowed(viewer, "queue.assign") and not open_rows.empty:
        reassign_panel(viewer, open_rows, names)


def _rule_words(config, rule: object) -> str:
    if labels.is_missing(rule):
        return labels.MISSING
    if rule == "calibration":
        return "Calibration session"
    if rule == "manual":
        return "Assigned by hand"
    return ", ".join(
        config.label(part.strip()) if part.strip() in RULE_NAMES else labels.humanise(part.strip())
        for part in str(rule).split(",")
    )


def reassign_panel(viewer, open_rows, names: dict[str, str]) -> None:
    """QA leads move open assignments (this page of the queue) to another reviewer account."""
    with st.expander("Reassign open assignments"):
        choices = {
            int(
                row.assignment_id
            ): f"{row.conversation_id} · {names.get(row.reviewer_id, row.reviewer_id)}"
            for row in open_rows.itertuples()
        }
        with st.form("queue_reassign_form"):
            moving = st.multiselect(
                "Open assignments", list(choices), format_func=choices.get,
                key="queue_reassign_ids",
            )  # fmt: skip
            target = st.selectbox(
                "Give them to", list(names), format_func=names.get, index=None,
                placeholder="Choose a reviewer account", key="queue_reassign_to",
            )  # fmt: skip
            submitted = st.form_submit_button("Reassign", type="primary")
        if submitted:
            try:
                result = queue_writes.reassign(viewer, moving, target or "")
            except WarehouseError as error:
                st.error(plain(error))
            else:
                st.session_state["queue_notice"] = (
                    f"Reassigned {len(result.moved)} conversation(s) to {plain(names.get(target, target))}."
                    + (f" Not moved: {plain(', '.join(result.skipped))}." if result.skipped else "")
                )
                st.rerun()


def build_tab(viewer, filters: QueueFilters, teams: list[str]) -> None:
    config = data.sampling_config()
    st.caption(
        "The rules run on the filters in the sidebar. Conversations already in a queue are never picked twice."
    )
    with st.form("queue_build_form"):
        rules = st.multiselect(
            "Sampling rules", list(RULE_NAMES), default=list(config.default_rules),
            format_func=config.label, key="queue_rules",
        )  # fmt: skip
        combine = st.radio(
            "Combine", ["any", "all"], horizontal=True, key="queue_combine",
            format_func=lambda c: "match any rule" if c == "any" else "match all rules",
        )  # fmt: skip
        accounts = dict(data.reviewer_accounts())
        picked = st.multiselect(
            "Reviewers",
            list(accounts),
            format_func=lambda u: accounts.get(u, u),
            key="queue_reviewer_accounts",
            help="Reviewer and QA lead accounts. Add an account on the Users page first.",
        )
        strategy = st.radio(
            "Assign", ["round_robin", "by_team"], horizontal=True, key="queue_strategy",
            format_func=lambda s: "round robin" if s == "round_robin" else "by team",
        )  # fmt: skip
        per_team: dict[str, list[str]] = {}
        with st.expander("Reviewers per team (for 'by team')"):
            for team in teams:
                per_team[team] = st.multiselect(
                    plain(team), list(accounts), format_func=lambda u: accounts.get(u, u),
                    key=f"queue_team_reviewers_{team}",
                )  # fmt: skip
        limit = st.number_input("Conversations to sample", 1, 10_000, 50, key="queue_limit")
        due_date = st.date_input(
            "Due date (optional)", value=None, min_value=date.today(), format="YYYY-MM-DD",
            key="queue_due_date", help="Reviewers see it in their queue; past it, it shows as overdue.",
        )  # fmt: skip
        preview = st.form_submit_button("Preview", key="queue_preview")
        build = st.form_submit_button("Build queue", key="queue_build", type="primary")
    selection = Selection(tuple(rules), combine)
    if preview:
        found = data.candidates(viewer, selection, filters, int(limit))
        st.write(f"The rules pick **{len(found):,}** conversation(s) (up to {int(limit):,}).")
        if not found.empty:
            st.dataframe(labels.for_people(found, 0), hide_index=True, key="queue_preview_table")
    if build:
        names = list(dict.fromkeys(picked))
        per_team = {team: people for team, people in per_team.items() if people}
        if strategy == "by_team" and per_team:
            names = sorted({*names, *(p for people in per_team.values() for p in people)})
        try:
            result = data.build_queue(
                viewer, selection, filters, names, strategy, per_team, int(limit), due_date
            )
        except WarehouseError as error:
            st.error(plain(error))
        else:
            summary = ", ".join(
                f"{plain(accounts.get(r, r))}: {n}" for r, n in result.assigned.items()
            )
            due = f" Due {labels.day(due_date)}." if due_date else ""
            st.success(
                f"Assigned {result.total:,} of {result.candidates:,} picked conversation(s) — {summary}.{due}"
            )


def disputes_tab(viewer) -> None:
    status = st.radio("Disputes", ["open", "resolved"], horizontal=True, key="queue_dispute_status")
    frame = data.disputes(viewer, ["open"] if status == "open" else ["upheld", "changed"])
    if frame.empty:
        st.info("No disputes here.")
        return
    shown = labels.with_criterion_names(frame)[
        ["dispute_id", "conversation_id", "agent_name", "criterion", "status", "agent_comment",
         "reviewer_name", "opened_at", "resolved_by_name", "resolution_comment"]
    ]  # fmt: skip
    st.dataframe(
        labels.for_people(shown), hide_index=True, key="queue_disputes_table", width="stretch",
        column_config={
            "dispute_id": "Dispute", "conversation_id": "Conversation", "agent_name": "Agent",
            "criterion": "Criterion", "status": "Status", "agent_comment": "Agent's comment",
            "reviewer_name": "Reviewer", "opened_at": "Opened", "resolved_by_name": "Decided by",
            "resolution_comment": "Resolution",
        },
    )  # fmt: skip
    pick = st.selectbox(
        "Dispute", frame["dispute_id"].tolist(), key="queue_dispute_pick",
        format_func=lambda d: f"#{d} — {frame.set_index('dispute_id').loc[d, 'conversation_id']}",
    )  # fmt: skip
    if st.button("Open to resolve", key="queue_dispute_open"):
        open_review(str(frame.set_index("dispute_id").loc[pick, "conversation_id"]))


viewer = current_viewer()
st.title("Review queue")
if not allowed(viewer, "conversations.review"):
    st.info(
        "The review queue is for reviewers, QA leads and managers. Your reviews are on My feedback."
    )
    st.stop()
can_build = allowed(viewer, "queue.assign")
try:
    options = data.filter_options(viewer)
    filters = sidebar_filters(options)
    if "queue_notice" in st.session_state:
        st.success(st.session_state.pop("queue_notice"))
    # Building queues is the "queue.assign" permission (QA leads, admins); nobody else gets a
    # tab they cannot use.
    if can_build:
        queue, build, disputes = st.tabs(["Queue", "Build queue", "Disputes"])
        with build:
            build_tab(viewer, filters, [v for v, _ in options["team"]])
    else:
        queue, disputes = st.tabs(["Queue", "Disputes"])
    with queue:
        queue_tab(viewer, filters)
    with disputes:
        disputes_tab(viewer)
except WarehouseError as error:
    st.error(plain(error))
