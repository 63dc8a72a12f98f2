"""Review one conversation: transcript with evidence beside the rubric form, history and disputes."""

from __future__ import annotations

import html

import streamlit as st

from dashboard.components.transcript import highlights_for, transcript_html
from dashboard.loaders import reviews as data
from dashboard.session import current_viewer
from dashboard.text import plain
from warehouse.errors import WarehouseError
from warehouse.reviews import (
    RESOLVE_ROLES,
    REVIEW_ROLES,
    CriterionAnswer,
    InvalidReviewError,
    ReviewForm,
)

NA = "N/A"
YES_NO = ("Yes", "No", NA)
SCALE = ("1", "2", "3", "4", "5", NA)
NO_MESSAGE = -1


def options_for(scale: str) -> tuple[str, ...]:
    return YES_NO if scale == "yes_no" else SCALE


def to_choice(scale: str, value: float | None, na: bool) -> str | None:
    if na:
        return NA
    if value is None:
        return None
    if scale == "yes_no":
        return "Yes" if value >= 1 else "No"
    return str(int(round(value)))


def from_choice(scale: str, choice: str | None) -> tuple[float | None, bool]:
    if choice is None:
        return None, False
    if choice == NA:
        return None, True
    if scale == "yes_no":
        return (1.0 if choice == "Yes" else 0.0), False
    return float(choice), False


def value_key(rubric_id: str, criterion_id: str) -> str:
    return f"review_value_{rubric_id}_{criterion_id}"


def reason_key(rubric_id: str, criterion_id: str) -> str:
    return f"review_reason_{rubric_id}_{criterion_id}"


def prefill(form: ReviewForm) -> None:
    """Load the form's widget state once per conversation and review version (not on every rerun)."""
    marker = (form.conversation_id, form.current_review_id)
    if st.session_state.get("review_loaded_for") == marker:
        return
    for item in form.criteria:
        s = item.spec
        st.session_state[value_key(s.rubric_id, s.criterion_id)] = to_choice(
            s.scale, item.value, item.na
        )
        st.session_state[reason_key(s.rubric_id, s.criterion_id)] = item.reason
    st.session_state["review_overall"] = ""
    st.session_state["review_comment_text"] = ""
    st.session_state["review_comment_message"] = NO_MESSAGE
    st.session_state["review_loaded_for"] = marker


def go_to(conversation_id: str) -> None:
    st.session_state["review_conversation_id"] = conversation_id
    st.query_params["conversation"] = conversation_id
    st.rerun()


def header(view) -> None:
    h = view.header
    score = h["quality_score"]
    source = {"review": f"human review by {h['effective_reviewer_id']}", "auto": "auto-score"}.get(
        h["score_source"], "not scored"
    )
    facts = [
        ("Agent", f"{h['agent_name'] or h['agent_id'] or '—'} ({h['team'] or 'no team'})"),
        ("Channel", h["channel"] or "—"),
        ("Started", str(h["created_at"] or "—")),
        ("CSAT / NPS", f"{h['csat'] if h['csat'] is not None else '—'} / {h['nps'] if h['nps'] is not None else '—'}"),
    ]  # fmt: skip
    st.html(
        f"<div><b>{html.escape(h['subject'] or '(no subject)')}</b> "
        f"<code>{html.escape(h['conversation_id'])}</code><br>"
        + " · ".join(f"{html.escape(k)}: {html.escape(v)}" for k, v in facts)
        + "</div>"
    )
    cols = st.columns(4)
    cols[0].metric(
        "Quality score", "—" if score is None else f"{score:.0f}", help=f"Source: {plain(source)}"
    )
    cols[1].metric("Score source", plain(source))
    auto = h["auto_quality_score"]
    cols[2].metric("Auto-score", "—" if auto is None else f"{auto:.0f}")
    cols[3].metric("Critical failure (auto)", "yes" if h["auto_critical_failed"] else "no")


def transcript(view) -> None:
    labels = (
        {(c.spec.rubric_id, c.spec.criterion_id): c.spec.label for c in view.form.criteria}
        if view.form
        else {}
    )
    evidence = [
        (labels.get((c.spec.rubric_id, c.spec.criterion_id), c.spec.criterion_id), item)
        for c in (view.form.criteria if view.form else ())
        for item in c.evidence
    ]
    by_message: dict[int, list[dict]] = {}
    for comment in view.comments:
        if comment["message_index"] is not None:
            by_message.setdefault(int(comment["message_index"]), []).append(comment)
    st.subheader("Transcript")
    st.caption(
        "Highlighted text is evidence the auto-scorer quoted (hover for the criterion). Yellow: internal notes."
    )
    with st.container(height=720, key="review_transcript_box"):
        st.html(transcript_html(view.messages, highlights_for(view.messages, evidence), by_message))
    overall = [c for c in view.comments if c["message_index"] is None]
    if overall:
        with st.expander(f"Overall comments ({len(overall)})"):
            for c in overall:
                st.caption(f"{plain(c['author_id'])} · {c['created_at']}")
                st.text(c["body"])


def review_form(viewer, view, conversation_id: str) -> None:
    form: ReviewForm = view.form
    prefill(form)
    st.subheader(
        "Review"
        if form.current_review_id is None
        else f"Your review (version {form.current_version})"
    )
    if not form.criteria:
        st.warning(
            "This conversation has no auto-score yet, so there is no rubric form. Run `qa score` first."
        )
        return
    message_labels = {NO_MESSAGE: "— no message comment —"} | {
        int(
            m["message_index"]
        ): f"#{int(m['message_index']) + 1} {m['role']}: {str(m['text'])[:40]}"
        for m in view.messages
    }
    with st.form("review_form", border=True):
        for rubric in form.rubrics:
            st.markdown(f"**{plain(rubric.label)}** · weight {rubric.weight:g}")
            for item in (c for c in form.criteria if c.spec.rubric_id == rubric.rubric_id):
                s = item.spec
                auto = "no auto-score" if item.auto_na is None else (
                    "N/A" if item.auto_na else to_choice(s.scale, item.auto_value, False)
                )  # fmt: skip
                critical = " :red-badge[critical]" if s.critical else ""
                answer, why = st.columns([3, 2], vertical_alignment="bottom")
                answer.radio(
                    f"{plain(s.label)}{critical}", options_for(s.scale), horizontal=True,
                    key=value_key(s.rubric_id, s.criterion_id),
                    help=f"Auto-score: {auto}. {plain(item.rationale or '')}".strip(),
                )  # fmt: skip
                why.text_input(
                    "Reason if you change the auto-score", key=reason_key(s.rubric_id, s.criterion_id),
                    label_visibility="collapsed", placeholder=f"Reason if not '{auto}'",
                )  # fmt: skip
        st.divider()
        st.selectbox(
            "Comment on a message",
            list(message_labels),
            format_func=message_labels.get,
            key="review_comment_message",
        )
        st.text_area("Message comment (for the agent)", key="review_comment_text", height=80)
        st.text_area("Overall comment (for the agent)", key="review_overall", height=100)
        cols = st.columns(2)
        submitted = cols[0].form_submit_button("Submit review", type="primary", key="review_submit")
        submit_next = cols[1].form_submit_button("Submit and open next", key="review_submit_next")
    if submitted or submit_next:
        submit(viewer, form, conversation_id, go_next=submit_next)


def submit(viewer, form: ReviewForm, conversation_id: str, go_next: bool) -> None:
    answers = []
    for item in form.criteria:
        s = item.spec
        value, na = from_choice(
            s.scale, st.session_state.get(value_key(s.rubric_id, s.criterion_id))
        )
        reason = st.session_state.get(reason_key(s.rubric_id, s.criterion_id)) or ""
        answers.append(CriterionAnswer(s.rubric_id, s.criterion_id, value, na, reason))
    message_index = st.session_state.get("review_comment_message", NO_MESSAGE)
    message_text = st.session_state.get("review_comment_text") or ""
    message_comments = (
        {int(message_index): message_text} if message_index != NO_MESSAGE and message_text else {}
    )
    problems = []
    if message_text.strip() and message_index == NO_MESSAGE:
        problems.append(
            "Choose the message your message comment is about (or move it to the overall comment)."
        )
    if not problems:
        try:
            review_id = data.submit_review(
                viewer, conversation_id, answers, st.session_state.get("review_overall") or "",
                message_comments, form.current_review_id,
            )  # fmt: skip
        except InvalidReviewError as error:
            problems = error.problems
        except WarehouseError as error:
            problems = [str(error)]
        else:
            st.session_state["review_flash"] = f"Review #{review_id} saved."
            if go_next:
                following = data.next_conversation(viewer, conversation_id)
                if following:
                    go_to(following)
                st.session_state["review_flash"] += " Your queue is empty."
            st.rerun()
    st.session_state["review_problems"] = problems
    st.error(
        "Nothing was saved. Please fix:\n" + "\n".join(f"- {plain(p)}" for p in problems),
        icon=":material/error:",
    )


def history(view) -> None:
    if not view.versions:
        return
    with st.expander(f"Review history ({len(view.versions)} version(s))"):
        st.dataframe(
            [
                {
                    "review": v["review_id"], "reviewer": v["reviewer_id"], "written by": v["written_by"],
                    "version": v["version"], "status": v["status"], "current": v["is_current"],
                    "quality": v["quality_score"], "calibration": v["calibration_session_id"], "at": v["created_at"],
                }
                for v in view.versions
            ],
            hide_index=True, key="review_history_table",
        )  # fmt: skip
        current = next((v for v in view.versions if v["is_current"]), None)
        if current:
            overrides = [
                c
                for c in data.review_criteria(current_viewer(), current["review_id"])
                if c["overridden"]
            ]
            if overrides:
                st.caption(f"Overrides in review #{current['review_id']}")
                st.dataframe(
                    [
                        {"criterion": f"{c['rubric_id']}.{c['criterion_id']}", "auto": c["auto_value"],
                         "review": c["value"], "N/A": c["na"], "reason": c["override_reason"]}
                        for c in overrides
                    ],
                    hide_index=True, key="review_overrides_table",
                )  # fmt: skip


def disputes(viewer, view) -> None:
    if not view.disputes:
        return
    st.subheader("Disputes")
    specs = (
        {(c.spec.rubric_id, c.spec.criterion_id): c.spec for c in view.form.criteria}
        if view.form
        else {}
    )
    for d in view.disputes:
        key = (d["rubric_id"], d["criterion_id"])
        spec = specs.get(key)
        label = spec.label if spec else ".".join(key)
        with st.container(border=True, key=f"dispute_box_{d['dispute_id']}"):
            st.markdown(
                f"**Dispute #{d['dispute_id']}** · {plain(label)} · status **{plain(d['status'])}**"
            )
            st.caption(
                f"Opened by {plain(d['opened_by'])} on {d['opened_at']} against review #{d['review_id']}"
            )
            st.text(d["agent_comment"])
            if d["status"] != "open":
                st.caption(f"Resolved by {plain(d['resolved_by'])} on {d['resolved_at']}")
                st.text(d["resolution_comment"] or "")
                continue
            if viewer.role not in RESOLVE_ROLES:
                continue
            with st.form(f"dispute_form_{d['dispute_id']}"):
                outcome = st.radio(
                    "Decision", ["upheld", "changed"], horizontal=True, key=f"dispute_outcome_{d['dispute_id']}",
                    format_func=lambda o: "Uphold the review" if o == "upheld" else "Change the criterion",
                )  # fmt: skip
                choice = st.radio(
                    "Corrected value (if changed)", options_for(spec.scale if spec else "yes_no"), horizontal=True,
                    key=f"dispute_value_{d['dispute_id']}", index=None,
                )  # fmt: skip
                comment = st.text_area(
                    "Explanation for the agent", key=f"dispute_comment_{d['dispute_id']}"
                )
                resolved = st.form_submit_button(
                    "Resolve dispute", key=f"dispute_resolve_{d['dispute_id']}"
                )
            if resolved:
                value, na = from_choice(spec.scale if spec else "yes_no", choice)
                try:
                    data.resolve_dispute(viewer, int(d["dispute_id"]), outcome, comment, value, na)
                except InvalidReviewError as error:
                    st.error("Not resolved: " + "; ".join(plain(p) for p in error.problems))
                except WarehouseError as error:
                    st.error(plain(error))
                else:
                    st.session_state["review_flash"] = (
                        f"Dispute #{d['dispute_id']} resolved ({outcome})."
                    )
                    st.rerun()


viewer = current_viewer()
st.title("Review conversation")
if viewer.role not in (*REVIEW_ROLES, "manager"):
    st.info("Reviews are written by reviewers and QA leads. Your feedback is on My feedback.")
    st.stop()

requested = st.query_params.get("conversation") or st.session_state.get("review_conversation_id")
with st.sidebar:
    typed = st.text_input(
        "Open conversation by id", key="review_goto", placeholder="e.g. demo-0000042"
    )
    if st.button("Open", key="review_goto_open") and typed.strip():
        go_to(typed.strip())
    if viewer.role in REVIEW_ROLES and st.button(
        "Next in my queue →", key="review_next", type="primary"
    ):
        following = data.next_conversation(viewer, requested or "")
        if following:
            go_to(following)
        st.session_state["review_flash"] = "Your queue is empty."

flash = st.session_state.pop("review_flash", None)
if flash:
    st.success(flash, icon=":material/check_circle:")
if not requested:
    st.info("Pick a conversation in the Review queue, or open one by id in the sidebar.")
    st.page_link(
        "app_pages/review_queue.py", label="Go to the review queue", icon=":material/inbox:"
    )
    st.stop()

try:
    view = data.conversation(viewer, requested)
    if view.header is None:
        st.error(
            "This conversation does not exist or is not visible to you:", icon=":material/error:"
        )
        st.code(requested, language=None)
        st.stop()
    header(view)
    left, right = st.columns([1, 1], gap="medium")
    with left:
        transcript(view)
    with right:
        if viewer.role in REVIEW_ROLES:
            review_form(viewer, view, requested)
        else:
            st.info(
                "Managers can read reviews and resolve disputes; reviews are written by reviewers."
            )
    history(view)
    disputes(viewer, view)
except WarehouseError as error:
    st.error(plain(error))
