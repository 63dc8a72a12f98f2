"""Review one conversation: transcript beside a compact scorecard, each scrolling on its own.

Form state is keyed by conversation (`review::<conversation>::<field>`), so answers typed for one
conversation can never be submitted for another. Every change is kept as a draft (in this
session and in the database, warehouse/review/drafts.py) and is never overwritten by a re-run; fields
the reviewer has not touched follow the current auto-score. The submit button carries the
conversation and the form it was rendered with: a submit for a conversation that is no longer
on screen, or for a form whose auto-score changed meanwhile, is refused and nothing is lost.
"""

from __future__ import annotations

import dataclasses
import html
from typing import Any

import streamlit as st

from dashboard.components.transcript import (
    AGAINST,
    FOR,
    LEGEND,
    highlights_for,
    transcript_html,
)
from dashboard.loaders import reviews as data
from dashboard.session import current_viewer
from dashboard.text import plain
from warehouse.access.permissions import allowed
from warehouse.errors import WarehouseError
from warehouse.review.reviews import (
    CriterionAnswer,
    InvalidReviewError,
    ReviewConflictError,
    ReviewForm,
)

NA = "N/A"
YES_NO = ("Yes", "No", NA)
SCALE = ("1", "2", "3", "4", "5", NA)
NO_MESSAGE = -1
OVERALL = "overall"
COMMENT_MESSAGE = "comment_message"
COMMENT_TEXT = "comment_text"
PANE_HEIGHT = 640  # px: transcript and scorecard scroll on their own beside each other
DASH = "—"
MISSING = object()


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


def field_key(conversation_id: str, field: str) -> str:
    """The session-state key of one form field of one conversation."""
    return f"review::{conversation_id}::{field}"


def answer_field(rubric_id: str, criterion_id: str) -> str:
    return f"value:{rubric_id}:{criterion_id}"


def reason_field(rubric_id: str, criterion_id: str) -> str:
    return f"reason:{rubric_id}:{criterion_id}"


def value_key(conversation_id: str, rubric_id: str, criterion_id: str) -> str:
    return field_key(conversation_id, answer_field(rubric_id, criterion_id))


def reason_key(conversation_id: str, rubric_id: str, criterion_id: str) -> str:
    return field_key(conversation_id, reason_field(rubric_id, criterion_id))


def form_defaults(form: ReviewForm, shows_auto: bool = True) -> dict[str, Any]:
    """Each field as the form starts: the reviewer's current version, else the auto-score (no
    answer at all in a calibration session that hides the auto-score)."""
    fields: dict[str, Any] = {}
    for item in form.criteria:
        s = item.spec
        start = to_choice(s.scale, item.value, item.na)
        if not shows_auto and form.current_review_id is None:
            start = None
        fields[answer_field(s.rubric_id, s.criterion_id)] = start
        fields[reason_field(s.rubric_id, s.criterion_id)] = item.reason
    fields[COMMENT_MESSAGE] = NO_MESSAGE
    fields[COMMENT_TEXT] = ""
    fields[OVERALL] = ""
    return fields


def drafts() -> dict[str, dict[str, Any]]:
    """This session's drafts: conversation -> {"fields": changed fields, "saved": in the database}."""
    return st.session_state.setdefault("review_drafts", {})


def load_draft(viewer, form: ReviewForm, conversation_id: str) -> dict[str, Any]:
    """This session's draft of the conversation, read from the database on the first visit."""
    store = drafts()
    if conversation_id not in store:
        stored = None
        try:
            stored = data.draft(viewer, conversation_id)
        except WarehouseError:
            pass  # the database is busy: start empty, saving retries on the next change
        known = form_defaults(form)
        fields = {f: v for f, v in (stored.fields if stored else {}).items() if f in known}
        store[conversation_id] = {"fields": fields, "saved": True}
    return store[conversation_id]


def prefill(
    viewer, form: ReviewForm, conversation_id: str, shows_auto: bool = True
) -> dict[str, Any]:
    """Put each field in session state: the reviewer's draft where they changed it (never
    overwritten), else the form's current value (an untouched answer follows the auto-score).

    A field whose value differs from the one this page last put there was changed by the
    reviewer even if its on_change did not run (a run interrupted by the next click): it joins
    the draft instead of being reset.
    """
    draft = load_draft(viewer, form, conversation_id)
    placed = draft.setdefault("placed", {})  # field -> the value this page last put there
    changed = False
    for field, default in form_defaults(form, shows_auto).items():
        key = field_key(conversation_id, field)
        current = st.session_state.get(key, MISSING)
        if field in draft["fields"]:
            if current is MISSING:  # widget state is dropped while another page is open
                st.session_state[key] = draft["fields"][field]
            continue
        if current is not MISSING and field in placed and current != placed[field]:
            draft["fields"][field] = current  # the reviewer's value: keep it
            changed = True
            continue
        if current != default:
            st.session_state[key] = default
        placed[field] = default
    draft["base"] = form.current_review_id
    if changed or not draft["saved"]:
        persist(viewer, conversation_id)
    return draft


def persist(viewer, conversation_id: str) -> None:
    draft = drafts().get(conversation_id)
    if draft is None:
        return
    try:
        data.save_draft(viewer, conversation_id, draft["fields"], draft.get("base"))
    except WarehouseError:
        draft["saved"] = False  # kept in this session; saved with the next change
    else:
        draft["saved"] = True


def remember(viewer, conversation_id: str, field: str) -> None:
    """on_change of a form field: record the reviewer's value as part of the draft."""
    key = field_key(conversation_id, field)
    if key not in st.session_state or conversation_id in st.session_state.get(
        "review_just_submitted", ()
    ):
        return
    draft = drafts().setdefault(conversation_id, {"fields": {}, "saved": True})
    draft["fields"][field] = st.session_state[key]
    persist(viewer, conversation_id)
    on_screen = conversation_on_screen()
    if on_screen != conversation_id:  # typed into the old form while the next one was opening
        add_flash(
            f"What you typed while {on_screen} was opening went into the form of {conversation_id}: "
            f"it is kept in that conversation's draft, not in {on_screen}."
        )


def forget(viewer, conversation_id: str, *, in_database: bool) -> None:
    """Drop the conversation's draft and form state (after a submit, or on discard)."""
    drafts().pop(conversation_id, None)
    prefix = field_key(conversation_id, "")
    for key in [k for k in st.session_state if isinstance(k, str) and k.startswith(prefix)]:
        del st.session_state[key]
    if in_database:
        try:
            data.discard_draft(viewer, conversation_id)
        except WarehouseError as error:
            st.session_state["review_flash"] = f"The draft could not be discarded yet: {error}"


def go_to(conversation_id: str) -> None:
    st.session_state["review_conversation_id"] = conversation_id
    st.query_params["conversation"] = conversation_id


def leave_note(conversation_id: str | None) -> str:
    """What happens to the draft of the conversation being left."""
    draft = drafts().get(conversation_id or "")
    if not draft or not draft["fields"]:
        return ""
    where = "saved" if draft["saved"] else "kept in this browser session"
    return (
        f" Your unsubmitted changes to {conversation_id} are {where} as a draft: "
        "open it again to finish the review."
    )


def open_next(viewer, current: str | None) -> None:
    """Sidebar button: the next open assignment; the current draft is kept, and the page says so."""
    following = data.next_conversation(viewer, current or "")
    note = leave_note(current)
    if following:
        go_to(following)
        st.session_state["review_flash"] = f"Opened {following}." + note
    else:
        st.session_state["review_flash"] = "Your queue is empty." + note


def open_typed(current: str | None) -> None:
    typed = (st.session_state.get("review_goto") or "").strip()
    if typed:
        st.session_state["review_flash"] = f"Opened {typed}." + leave_note(current)
        go_to(typed)


def submit_clicked(viewer, form: ReviewForm, conversation_id: str, go_next: bool) -> None:
    """on_click of the submit buttons: save exactly the answers shown for `conversation_id`."""
    problems = collect_problems(form, conversation_id)
    if problems:
        st.session_state["review_problems"] = (conversation_id, problems)
        return
    answers = []
    for item in form.criteria:
        s = item.spec
        value, na = from_choice(
            s.scale, st.session_state[value_key(conversation_id, s.rubric_id, s.criterion_id)]
        )
        reason = st.session_state[reason_key(conversation_id, s.rubric_id, s.criterion_id)] or ""
        answers.append(CriterionAnswer(s.rubric_id, s.criterion_id, value, na, reason))
    message_index = st.session_state[field_key(conversation_id, COMMENT_MESSAGE)]
    message_text = st.session_state[field_key(conversation_id, COMMENT_TEXT)] or ""
    message_comments = {int(message_index): message_text} if message_text.strip() else {}
    overall = st.session_state[field_key(conversation_id, OVERALL)] or ""
    try:
        review_id = data.submit_review(
            viewer, conversation_id, answers, overall, message_comments, form.current_review_id,
            expected_form=form.fingerprint,
        )  # fmt: skip
    except InvalidReviewError as error:
        st.session_state["review_problems"] = (conversation_id, error.problems)
        return
    except ReviewConflictError as error:
        data.refresh()  # show what the database holds now; the reviewer's changes stay
        st.session_state["review_problems"] = (conversation_id, [str(error)])
        return
    except WarehouseError as error:
        st.session_state["review_problems"] = (
            conversation_id,
            [f"{error} Your answers and comments are kept as a draft."],
        )
        return
    st.session_state.setdefault("review_just_submitted", set()).add(conversation_id)
    forget(viewer, conversation_id, in_database=False)  # the submit deleted the stored draft
    flash = f"Review #{review_id} of {conversation_id} saved."
    if go_next:
        following = data.next_conversation(viewer, conversation_id)
        if following:
            go_to(following)
        else:
            flash += " Your queue is empty."
    add_flash(flash)


def add_flash(text: str) -> None:
    """A message for the top of the next run (callbacks of one run add to it, never replace)."""
    pending = st.session_state.get("review_flash")
    st.session_state["review_flash"] = f"{pending} {text}" if pending else text


def conversation_on_screen() -> str | None:
    return st.query_params.get("conversation") or st.session_state.get("review_conversation_id")


def collect_problems(form: ReviewForm, conversation_id: str) -> list[str]:
    on_screen = conversation_on_screen()
    if on_screen != conversation_id:
        return [
            f"This form belongs to conversation {conversation_id}, but {on_screen or 'no conversation'} "
            "is open now. Nothing was saved; your answers stay with their own conversation."
        ]
    keys = [
        key
        for item in form.criteria
        for key in (
            value_key(conversation_id, item.spec.rubric_id, item.spec.criterion_id),
            reason_key(conversation_id, item.spec.rubric_id, item.spec.criterion_id),
        )
    ] + [field_key(conversation_id, f) for f in (COMMENT_MESSAGE, COMMENT_TEXT, OVERALL)]
    if any(key not in st.session_state for key in keys):
        return ["The form had not finished loading. Nothing was saved; please submit again."]
    message_text = st.session_state[field_key(conversation_id, COMMENT_TEXT)] or ""
    if (
        message_text.strip()
        and st.session_state[field_key(conversation_id, COMMENT_MESSAGE)] == NO_MESSAGE
    ):
        return [
            "Choose the message your message comment is about (or move it to the overall comment)."
        ]  # fmt: skip
    return []


def show_problems(conversation_id: str | None) -> None:
    """The refusal of the last submit, next to the form it belongs to (else at the top)."""
    problems = st.session_state.get("review_problems")
    if not problems or (conversation_id is not None and problems[0] != conversation_id):
        return
    del st.session_state["review_problems"]
    st.error(
        f"Nothing was saved for {plain(problems[0])}. Please fix:\n"
        + "\n".join(f"- {plain(p)}" for p in problems[1]),
        icon=":material/error:",
    )


def number(value: Any, digits: int = 0) -> str:
    return DASH if value is None else f"{float(value):.{digits}f}"


def criterion_names(form: ReviewForm | None) -> dict[tuple[str, str], str]:
    return (
        {(c.spec.rubric_id, c.spec.criterion_id): c.spec.label for c in form.criteria}
        if form
        else {}
    )


def visible_view(view, viewer):
    """What this viewer may see: in a calibration session they have not submitted yet, no other
    reviewer's name, answers, comments or score, and the auto-score only if the session says so."""
    if not view.blind:
        return view
    header = dict(view.header)
    header.update(
        quality_score=None, score_source="hidden", effective_review_id=None,
        effective_reviewer_id=None, effective_reviewer_name=None, review_critical_failed=None,
    )  # fmt: skip
    if not view.shows_auto:
        header.update(auto_quality_score=None, auto_critical_failed=None)
    return dataclasses.replace(
        view,
        header=header,
        versions=[v for v in view.versions if v["reviewer_id"] == viewer.user_id],
        comments=[c for c in view.comments if c["author_id"] == viewer.user_id],
        disputes=[],
    )


def failed_critical(view) -> list[str]:
    """Why the quality score is 0: the critical criteria that failed, in the score that counts."""
    names = criterion_names(view.form)
    h = view.header
    if h["score_source"] == "review" and h["review_critical_failed"]:
        rows = data.review_criteria(current_viewer(), int(h["effective_review_id"]))
        return [
            names.get((c["rubric_id"], c["criterion_id"]), c["criterion_id"].replace("_", " "))
            + " (human review)"
            for c in rows
            if c["critical"] and c["failed"]
        ]
    if not view.shows_auto or h["score_source"] == "hidden":
        return []
    return [
        c.spec.label + " (auto-score)"
        for c in (view.form.criteria if view.form else ())
        if c.spec.critical and c.auto_failed
    ]


def header(view) -> None:
    h = view.header
    score = h["quality_score"]
    source = {
        "review": f"human review by {h['effective_reviewer_name']}",
        "auto": "auto-score",
    }.get(h["score_source"], "not scored")
    facts = [
        ("Agent", f"{h['agent_name'] or h['agent_id'] or DASH} ({h['team'] or 'no team'})"),
        ("Channel", h["channel"] or DASH),
        ("Started", h["created_at"].strftime("%Y-%m-%d %H:%M") if h["created_at"] else DASH),
        ("CSAT / NPS", f"{number(h['csat'])} / {number(h['nps'])}"),
    ]
    st.html(
        f"<div><b>{html.escape(h['subject'] or '(no subject)')}</b> "
        f"<code>{html.escape(h['conversation_id'])}</code><br>"
        + " · ".join(f"{html.escape(k)}: {html.escape(v)}" for k, v in facts)
        + "</div>"
    )
    failed = failed_critical(view)
    if view.blind:
        hidden = "Other reviewers' names, answers, comments and scores" + (
            "" if view.shows_auto else ", and the auto-score,"
        )
        st.info(
            f"Calibration session “{plain(view.calibration['title'])}”: review this conversation on your "
            f"own. {hidden} are hidden until you submit.",
            icon=":material/visibility_off:",
        )
        if view.shows_auto:
            st.metric("Auto-score", number(h["auto_quality_score"]))
        return
    cols = st.columns(4)
    cols[0].metric("Quality score", number(score), help=f"Source: {plain(source)}")
    cols[1].metric("Score source", plain(source))
    cols[2].metric("Auto-score", number(h["auto_quality_score"]))
    cols[3].metric("Critical failure (auto)", "yes" if h["auto_critical_failed"] else "no")
    if failed:
        st.error(
            "Critical criterion failed, so the quality score is 0: " + "; ".join(failed),
            icon=":material/report:",
        )


def transcript(view) -> None:
    labels = criterion_names(view.form)
    evidence = [
        (
            labels.get((c.spec.rubric_id, c.spec.criterion_id), c.spec.criterion_id),
            item,
            AGAINST if c.auto_failed else FOR,
        )
        for c in (view.form.criteria if view.form and view.shows_auto else ())
        for item in c.evidence
    ]
    by_message: dict[int, list[dict]] = {}
    for comment in view.comments:
        if comment["message_index"] is not None:
            by_message.setdefault(int(comment["message_index"]), []).append(
                {"author_id": comment["author_name"], "body": comment["body"]}
            )
    st.subheader("Transcript")
    st.caption(
        f"Highlights are evidence the auto-scorer quoted (hover for the criterion): {LEGEND}. "
        "Yellow with a dashed border: internal notes."
    )
    with st.container(height=PANE_HEIGHT, key="review_transcript_box"):
        st.html(transcript_html(view.messages, highlights_for(view.messages, evidence), by_message))
    overall = [c for c in view.comments if c["message_index"] is None]
    if overall:
        with st.expander(f"Overall comments ({len(overall)})"):
            for c in overall:
                st.caption(f"{plain(c['author_name'])} · {c['created_at']:%Y-%m-%d %H:%M}")
                st.text(c["body"])


def auto_answer(item) -> str:
    if item.auto_na is None:
        return "no auto-score"
    return NA if item.auto_na else (to_choice(item.spec.scale, item.auto_value, False) or DASH)


def scorecard(viewer, view, conversation_id: str) -> None:
    form: ReviewForm = view.form
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
    draft = prefill(viewer, form, conversation_id, view.shows_auto)
    if draft["fields"]:
        where = "saved" if draft["saved"] else "kept in this browser session (the database is busy)"
        note, discard = st.columns([5, 2], vertical_alignment="center")
        note.info(
            f"Draft: {len(draft['fields'])} unsubmitted change(s), {where}. They stay until you submit "
            "or discard them.",
            icon=":material/edit_note:",
        )
        discard.button(
            "Discard draft", key=f"review_discard::{conversation_id}",
            on_click=forget, args=(viewer, conversation_id), kwargs={"in_database": True},
        )  # fmt: skip
    with st.container(height=PANE_HEIGHT, key="review_scorecard_box"):
        for rubric in form.rubrics:
            items = [c for c in form.criteria if c.spec.rubric_id == rubric.rubric_id]
            changed = sum(
                1
                for c in items
                if answer_field(c.spec.rubric_id, c.spec.criterion_id) in draft["fields"]
            )
            title = f"**{plain(rubric.label)}** · weight {rubric.weight:g}" + (
                f" · {changed} changed" if changed else ""
            )
            with st.expander(title, expanded=True):
                for item in items:
                    criterion_row(viewer, item, conversation_id, view.shows_auto)
    comment_fields(viewer, view, conversation_id)
    show_problems(conversation_id)
    cols = st.columns(2)
    cols[0].button(
        "Submit review", type="primary", key=f"review_submit::{conversation_id}",
        on_click=submit_clicked, args=(viewer, form, conversation_id, False),
    )  # fmt: skip
    cols[1].button(
        "Submit and open next", key=f"review_submit_next::{conversation_id}",
        on_click=submit_clicked, args=(viewer, form, conversation_id, True),
    )  # fmt: skip


def criterion_row(viewer, item, conversation_id: str, shows_auto: bool = True) -> None:
    s = item.spec
    auto = auto_answer(item)
    critical = " :red-badge[critical]" if s.critical else ""
    failed = " :orange-badge[failed]" if item.auto_failed else ""
    placeholder = f"Reason if not '{auto}'" if shows_auto else "Note (optional)"
    answer, why = st.columns([5, 2], vertical_alignment="bottom")
    answer.radio(
        f"{plain(s.label)}{critical}", options_for(s.scale), horizontal=True,
        key=value_key(conversation_id, s.rubric_id, s.criterion_id),
        on_change=remember, args=(viewer, conversation_id, answer_field(s.rubric_id, s.criterion_id)),
        help=plain(s.description) if s.description else None,
    )  # fmt: skip
    why.text_input(
        "Reason if you change the auto-score", key=reason_key(conversation_id, s.rubric_id, s.criterion_id),
        label_visibility="collapsed", placeholder=placeholder,
        on_change=remember, args=(viewer, conversation_id, reason_field(s.rubric_id, s.criterion_id)),
    )  # fmt: skip
    if shows_auto:
        explanation = item.rationale.strip() or "no explanation recorded"
        st.caption(f"Auto-score: **{auto}**{failed} — {plain(explanation)}")
    elif s.description:
        st.caption(plain(s.description))


def comment_fields(viewer, view, conversation_id: str) -> None:
    message_labels = {NO_MESSAGE: "— no message comment —"} | {
        int(m["message_index"]): f"#{int(m['message_index']) + 1} {m['role']}: {str(m['text'])[:40]}"
        for m in view.messages
    }  # fmt: skip
    st.selectbox(
        "Comment on a message", list(message_labels), format_func=message_labels.get,
        key=field_key(conversation_id, COMMENT_MESSAGE),
        on_change=remember, args=(viewer, conversation_id, COMMENT_MESSAGE),
    )  # fmt: skip
    st.text_area(
        "Message comment (for the agent)", key=field_key(conversation_id, COMMENT_TEXT), height=68,
        on_change=remember, args=(viewer, conversation_id, COMMENT_TEXT),
    )  # fmt: skip
    st.text_area(
        "Overall comment (for the agent)", key=field_key(conversation_id, OVERALL), height=90,
        on_change=remember, args=(viewer, conversation_id, OVERALL),
    )  # fmt: skip


def history(view) -> None:
    if not view.versions:
        return
    names = criterion_names(view.form)
    with st.expander(f"Review history ({len(view.versions)} version(s))"):
        st.dataframe(
            [
                {
                    "Review": f"#{v['review_id']}", "Reviewer": v["reviewer_name"], "Written by": v["written_by_name"],
                    "Version": v["version"], "Status": str(v["status"]).replace("_", " "),
                    "Current": "yes" if v["is_current"] else "no", "Quality": number(v["quality_score"]),
                    "Calibration session": DASH if v["calibration_session_id"] is None else f"#{v['calibration_session_id']}",
                    "Saved": f"{v['created_at']:%Y-%m-%d %H:%M}",
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
                        {"Criterion": names.get((c["rubric_id"], c["criterion_id"]), c["criterion_id"].replace("_", " ")),
                         "Auto": number(c["auto_value"]) if not c["auto_na"] else NA,
                         "Review": NA if c["na"] else number(c["value"]),
                         "Reason": c["override_reason"] or DASH}
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
        label = spec.label if spec else d["criterion_id"].replace("_", " ")
        with st.container(border=True, key=f"dispute_box_{d['dispute_id']}"):
            st.markdown(
                f"**Dispute #{d['dispute_id']}** · {plain(label)} · status **{plain(d['status'])}**"
            )
            st.caption(
                f"Opened by {plain(d['opened_by_name'])} on {d['opened_at']:%Y-%m-%d %H:%M} against review #{d['review_id']}"
            )
            st.text(d["agent_comment"])
            if d["status"] != "open":
                st.caption(
                    f"Resolved by {plain(d['resolved_by_name'])} on {d['resolved_at']:%Y-%m-%d %H:%M}"
                )
                st.text(d["resolution_comment"] or "")
                continue
            if not allowed(viewer, "dispute.resolve"):
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
if not allowed(viewer, "conversations.review"):
    st.info("Reviews are written by reviewers and QA leads. Your feedback is on My feedback.")
    st.stop()

st.session_state.pop("review_just_submitted", None)  # callbacks of this run have run
requested = conversation_on_screen()
with st.sidebar:
    st.text_input("Open conversation by id", key="review_goto", placeholder="e.g. demo-0000042")
    st.button("Open", key="review_goto_open", on_click=open_typed, args=(requested,))
    if allowed(viewer, "review.submit"):
        st.button(
            "Next in my queue →", key="review_next", type="primary",
            on_click=open_next, args=(viewer, requested),
        )  # fmt: skip

flash = st.session_state.pop("review_flash", None)
if flash:
    st.success(flash, icon=":material/check_circle:")
if (st.session_state.get("review_problems") or (requested,))[0] != requested:
    show_problems(None)  # a refused submit of a form that is no longer on screen
if not requested:
    st.info("Pick a conversation in the Review queue, or open one by id in the sidebar.")
    st.page_link(
        "app_pages/review_queue.py", label="Go to the review queue", icon=":material/inbox:"
    )
    st.stop()

try:
    view = data.conversation(viewer, requested)
    if view.header is not None:
        view = visible_view(view, viewer)
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
        if allowed(viewer, "review.submit"):
            scorecard(viewer, view, requested)
        else:
            st.info(
                "Managers can read reviews and resolve disputes; reviews are written by reviewers."
            )
    history(view)
    disputes(viewer, view)
except WarehouseError as error:
    st.error(plain(error))
