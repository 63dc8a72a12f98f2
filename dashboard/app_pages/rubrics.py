"""Rubrics in force: criteria, weights, critical flags, detectors, and how each criterion behaves."""

from datetime import datetime, timedelta

import pandas as pd
import streamlit as st

from dashboard import charts, labels
from dashboard.loaders.rubrics import detector_descriptions, outcomes, rubric_set
from dashboard.session import current_viewer
from dashboard.text import plain
from scoring.rubric import RubricError

PERIODS = {"All time": None, "Last 90 days": 90, "Last 30 days": 30}

viewer = current_viewer()
st.title("Rubrics")
charts.table_toggle()

try:
    rubrics = rubric_set()
except RubricError as error:
    st.error(
        "The rubric files have problems; scoring uses the last valid set until they are fixed."
    )
    st.code(str(error), language=None)
    st.stop()

described = detector_descriptions()
period = st.radio("Outcomes over", list(PERIODS), horizontal=True, key="rubrics_period")
days = PERIODS[period]
since = datetime(1970, 1, 1) if days is None else datetime.now() - timedelta(days=days)
stats, scored_sets = outcomes(viewer, since)

total_weight = sum(r.weight for r in rubrics.rubrics) or 1.0
st.caption(
    f"Rubric set version `{rubrics.version_hash}` from `{rubrics.source}`. "
    "Quality score = weighted mean of the rubric scores; a failed critical criterion sets it to 0."
)
if not scored_sets.empty and rubrics.version_hash not in set(scored_sets["rubric_set_hash"]):
    st.warning(
        "The conversations in the database were scored with another rubric version: "
        + (
            "run `qa score` to re-score them with the rubrics shown here."
            if viewer.role == "admin"  # only admins run the command line
            else "the scores shown elsewhere may not match these rubrics until an "
            "administrator re-scores them."
        )
    )

stats_by_key = {(row.rubric_id, row.criterion_id): row for row in stats.itertuples()}
summary = pd.DataFrame(
    [
        {
            "rubric": r.name,
            "weight": r.weight,
            "share of quality score": f"{100 * r.weight / total_weight:.0f}%",
            "criteria": len(r.criteria),
            "critical criteria": sum(c.critical for c in r.criteria),
            "version": str(r.version),
        }
        for r in rubrics.rubrics
    ]
)
st.dataframe(summary, hide_index=True, key="rubrics_summary")

for rubric in rubrics.rubrics:
    st.subheader(f"{plain(rubric.name)} · weight {rubric.weight:g}")
    if rubric.description:
        st.markdown(plain(rubric.description))
    criterion_weight = sum(c.weight for c in rubric.criteria) or 1.0
    rows = []
    for criterion in rubric.criteria:
        seen = stats_by_key.get((rubric.id, criterion.id))
        rows.append(
            {
                "criterion": labels.humanise(criterion.id),
                "question": criterion.question,
                "weight": f"{criterion.weight:g} ({100 * criterion.weight / criterion_weight:.0f}%)",
                "scale": labels.scale_words(criterion.scale),
                "N/A allowed": criterion.na_allowed,
                "critical": criterion.critical,
                "channels": ", ".join(criterion.channels) if criterion.channels else "all",
                "detectors": "; ".join(
                    f"{d.detector}: {described.get(d.detector, 'no description')}"
                    for d in criterion.detectors
                ),
                "N/A": 0 if seen is None else int(seen.not_applicable),
                "passed": 0 if seen is None else int(seen.passed),
                "failed": 0 if seen is None else int(seen.failed),
                "fail rate": labels.percent(None if seen is None else seen.fail_rate),
            }
        )
    table = pd.DataFrame(rows)
    st.dataframe(
        table,
        hide_index=True,
        key=f"rubrics_{rubric.id}",
        column_config={
            "question": st.column_config.TextColumn(width="large"),
            "detectors": st.column_config.TextColumn(width="large"),
        },
    )

st.subheader("Criterion outcomes")
named = labels.with_criterion_names(stats)
charts.show(
    charts.criterion_outcomes(named), labels.for_people(named), "rubrics_outcomes",
    "criterion_outcomes.csv",
)  # fmt: skip
