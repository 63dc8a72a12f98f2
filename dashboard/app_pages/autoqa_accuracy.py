"""AutoQA accuracy: how the auto-score agrees with every human review, criterion by criterion."""

from datetime import datetime, timedelta

import pandas as pd
import streamlit as st

from dashboard.loaders import autoqa_accuracy as data
from dashboard.session import require_page
from warehouse.review.autoqa_accuracy import ALPHA_THRESHOLD, Estimate

PERIODS = {"All time": None, "Last 90 days": 90, "Last 30 days": 30}
GROUPS = {"Criterion": "criterion", "Week": "week", "Rubric version": "rubric_version"}
ANSWER_WORDS = {"yes_no": {1.0: "Yes", 0.0: "No"}}

viewer = require_page("autoqa_accuracy")
st.title("AutoQA accuracy")
st.caption(
    "How often the auto-score (AQS) gives the answer people give (IQS), over every human review "
    "— calibration reviews included. Each figure has a 95% bootstrap interval and the number of "
    "reviews behind it. Alpha is Krippendorff's alpha between the auto-scorer and the reviewer "
    "(1 = perfect, 0 = chance); a criterion is flagged below the threshold."
)


def shown(estimate: Estimate, number, unit: str = "", between: str = "–", closing: str = "") -> str:
    """'87% (80–93%)': the estimate, then its 95% interval; '—' where undefined."""
    if estimate.value is None:
        return "—"
    text = f"{number(estimate.value)}{unit}"
    if estimate.low is None:
        return text
    return f"{text} ({number(estimate.low)}{between}{number(estimate.high)}{closing})"


def percent(estimate: Estimate) -> str:
    return shown(estimate, lambda v: f"{100 * v:.0f}", "%", closing="%")


def points(estimate: Estimate) -> str:
    return shown(estimate, lambda v: f"{v:.0f}", " pts")


def ratio(estimate: Estimate) -> str:
    return shown(estimate, lambda v: f"{v:.2f}", between=" to ")


def answer(value, na, scale: str) -> str:
    if na:
        return "N/A"
    if value is None or pd.isna(value):
        return "—"
    return ANSWER_WORDS.get(scale, {}).get(float(value), f"{float(value):.0f}")


controls = st.columns(3)
period = controls[0].radio("Reviews from", list(PERIODS), horizontal=True, key="accuracy_period")
group_label = controls[1].radio("Split by", list(GROUPS), horizontal=True, key="accuracy_group")
threshold = controls[2].number_input(
    "Flag when alpha is below",
    min_value=0.0,
    max_value=1.0,
    value=ALPHA_THRESHOLD,
    step=0.05,
    format="%.2f",
    key="accuracy_threshold",
)
days = PERIODS[period]
since = datetime(1970, 1, 1) if days is None else datetime.now() - timedelta(days=days)
pairs, versions = data.pairs(viewer, since)
if pairs.empty:
    st.info(
        "No human reviews yet in this period. Accuracy appears here as soon as reviewers confirm "
        "or override auto-scores on the Review page."
    )
    st.stop()

labels = data.criterion_labels()
scales = data.criterion_scales()
results = data.agreement(viewer, since, GROUPS[group_label], float(threshold))


def group_text(group: str) -> str:
    if GROUPS[group_label] == "week":
        return f"Week of {datetime.fromisoformat(group):%-d %b %Y}"
    if GROUPS[group_label] == "rubric_version":
        loaded = versions.get(group)
        return f"Rubrics loaded {loaded:%-d %b %Y %H:%M}" if loaded else "Unknown rubric version"
    return ""


def criterion_text(rubric_id: str, criterion_id: str) -> tuple[str, str]:
    fallback = (
        rubric_id.replace("_", " ").capitalize(),
        criterion_id.replace("_", " ").capitalize(),
    )
    return labels.get((rubric_id, criterion_id), fallback)


reviews = pairs["review_id"].nunique()
flagged = sorted({(a.rubric_id, a.criterion_id) for a in results if a.flagged})
top = st.columns(3)
top[0].metric("Reviews compared", f"{reviews:,}")
top[1].metric("Criteria compared", f"{len({(a.rubric_id, a.criterion_id) for a in results}):,}")
top[2].metric("Criteria flagged", f"{len(flagged):,}")

rows = []
for a in results:
    rubric_name, question = criterion_text(a.rubric_id, a.criterion_id)
    row = {"Rubric": rubric_name, "Criterion": question}
    if GROUPS[group_label] != "criterion":
        row[group_label] = group_text(a.group)
    row |= {
        "Reviews": a.reviews,
        "Exact agreement": percent(a.exact),
        "Within one step": percent(a.within_one) if a.scale == "1_5" else "— (yes/no)",
        "Mean difference": points(a.mean_abs_difference),
        "Alpha": ratio(a.alpha),
        "Status": f"⚠ Below {threshold:.2f}" if a.flagged else "OK",
    }
    rows.append(row)
st.dataframe(pd.DataFrame(rows), hide_index=True, key="accuracy_table")
st.caption(
    "Exact agreement counts N/A as an answer. Within one step, mean difference (in points of "
    "the 0-100 criterion score) and alpha use reviews where both gave an answer."
)

st.subheader("Overrides behind a criterion")
choices = sorted(
    {(a.rubric_id, a.criterion_id) for a in results},
    key=lambda key: (key not in flagged, criterion_text(*key)),
)
chosen = st.selectbox(
    "Criterion",
    choices,
    format_func=lambda key: ("⚠ " if key in flagged else "") + " · ".join(criterion_text(*key)),
    key="accuracy_criterion",
)
if chosen:
    scale = scales.get(chosen, "yes_no")
    rows = pairs[
        (pairs["rubric_id"] == chosen[0])
        & (pairs["criterion_id"] == chosen[1])
        & pairs["overridden"].fillna(False)
    ]
    if rows.empty:
        st.info("Reviewers confirmed the auto-score on every review of this criterion.")
    else:
        st.dataframe(
            pd.DataFrame(
                {
                    "Conversation": rows["conversation_id"],
                    "Reviewer": rows["reviewer_name"],
                    "Reviewed": [f"{t:%-d %b %Y}" for t in rows["reviewed_at"]],
                    "Auto-score": [
                        answer(v, na, scale)
                        for v, na in zip(rows["auto_value"], rows["auto_na"], strict=True)
                    ],
                    "Reviewer's answer": [
                        answer(v, na, scale)
                        for v, na in zip(rows["human_value"], rows["human_na"], strict=True)
                    ],
                    "Reason": rows["override_reason"].fillna("—"),
                }
            ),
            hide_index=True,
            key="accuracy_overrides",
        )
        st.caption(f"{len(rows):,} overrides.")
        by_id = dict(zip(rows["conversation_id"], rows["override_reason"].fillna(""), strict=False))
        opened = st.selectbox(
            "Open an overridden conversation",
            list(by_id),
            format_func=lambda c: f"{c} · {by_id[c]}" if by_id[c] else c,
            key="accuracy_open",
        )
        st.page_link(
            "app_pages/review_conversation.py",
            label="Open it on the Review page, with the evidence",
            icon=":material/rate_review:",
            query_params={"conversation": opened},
        )
