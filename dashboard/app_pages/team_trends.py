"""Team trends (managers): quality and service metrics over time, and who needs coaching."""

from datetime import timedelta

import pandas as pd
import streamlit as st

from dashboard import charts, labels
from dashboard.loaders.trends import PASS_MARK, SOURCES, TrendFilters, filter_options, trends
from dashboard.session import current_viewer, require_page
from warehouse.storage.csv_export import frame_to_csv

SMALL_SAMPLE = 5  # fewer human-reviewed conversations than this: treat the agent's figure with care
ALL = "All"

viewer = current_viewer()
require_page("team_trends")
st.title("Team trends")

options = filter_options(viewer)
if options["first_at"] is None:
    st.info("No conversations you can see yet. Import or generate data first (`qa demo`).")
    st.stop()

first_day, last_day = options["first_at"].date(), options["last_at"].date()
agents = options["agents"]
with st.sidebar:
    st.subheader("Filters")
    team = st.selectbox("Team", [ALL, *options["teams"]], key="trends_team")
    team_agents = agents if team == ALL else agents[agents["team"] == team]
    agent_labels = {
        row.agent_id: f"{row.agent_name} ({row.team})" for row in team_agents.itertuples()
    }
    agent = st.selectbox(
        "Agent",
        [ALL, *agent_labels],
        format_func=lambda a: a if a == ALL else agent_labels[a],
        key="trends_agent",
    )
    channel = st.selectbox("Channel", [ALL, *options["channels"]], key="trends_channel")
    picked = st.date_input(
        "Date range",
        value=(max(first_day, last_day - timedelta(days=182)), last_day),
        min_value=first_day,
        max_value=last_day,
        key="trends_dates",
    )
    grain = st.radio(
        "Group by", ["week", "month"], horizontal=True, key="trends_grain", format_func=str.title
    )
    source = st.radio(
        "Quality from",
        list(SOURCES),
        key="trends_source",
        format_func=lambda s: SOURCES[s][0].upper() + SOURCES[s][1:],
        help="The auto-score covers every conversation; human reviews only the reviewed ones. "
        "They are never mixed.",
    )
    pass_mark = st.number_input(
        "Pass mark", min_value=0, max_value=100, value=int(PASS_MARK), step=5, key="trends_pass_mark",
        help="A conversation passes when its quality score is at least this.",
    )  # fmt: skip
    charts.table_toggle()

since, until = (
    (picked[0], picked[-1])
    if isinstance(picked, tuple | list) and picked
    else (first_day, last_day)
)
filters = TrendFilters(
    since=since,
    until=until,
    team=None if team == ALL else team,
    agent_id=None if agent == ALL else agent,
    channel=None if channel == ALL else channel,
    grain=grain,
    source=source,
    pass_mark=float(pass_mark),
)
source_label = SOURCES[source]
st.caption(
    f"Quality figures and charts on this page show the {source_label}"
    + (
        " of every scored conversation."
        if source == "auto"
        else ": only conversations a person reviewed count."
    )
)
data = trends(viewer, filters)


def sourced(fig):
    """Every quality chart says which score it shows."""
    title = fig.layout.title.text or ""
    fig.update_layout(title_text=f"{title} · {source_label}" if title else source_label)
    return fig


def labelled(frame: pd.DataFrame) -> pd.DataFrame:
    """What is exported says which score it holds."""
    return frame.assign(score_source=source_label) if not frame.empty else frame


quality = data["trend_quality"]
service = data["trend_service_metrics"]

total = int(service["conversations"].sum()) if not service.empty else 0
reviewed = int(quality["reviewed"].sum()) if not quality.empty else 0
mean_quality = (
    (quality["quality_score"] * quality["conversations"]).sum() / quality["conversations"].sum()
    if not quality.empty
    else None
)
pass_rate = (
    (quality["pass_rate"] * quality["conversations"]).sum() / quality["conversations"].sum()
    if not quality.empty
    else None
)
cols = st.columns(5)
cols[0].metric("Conversations", f"{total:,}")
cols[1].metric("Human-reviewed", f"{reviewed:,}")
cols[2].metric(
    f"Mean quality ({'AQS' if source == 'auto' else 'IQS'})",
    "—" if mean_quality is None else f"{mean_quality:.1f}",
    help=f"Mean quality score from the {source_label}",
)
cols[3].metric(
    "Pass rate",
    "—" if pass_rate is None else f"{100 * pass_rate:.0f}%",
    help=f"Share of conversations with a quality score of at least {pass_mark} ({source_label})",
)
correlation = data["correlation"]
r = correlation["conversation_correlation"]
cols[4].metric(
    "Quality ~ CSAT correlation",
    "—" if r is None or pd.isna(r) else f"{r:.2f}",
    help=f"Pearson r over {correlation['conversations']:,} surveyed conversations",
)

by = "agent" if filters.series == "agent" else "team"
left, right = st.columns(2)
with left:
    charts.show(
        sourced(charts.quality_over_time(quality, grain, by)), labelled(quality), "trends_quality"
    )
with right:
    rubrics = data["trend_rubrics"]
    if not rubrics.empty:  # the legend names rubrics in words, not by id
        rubrics = rubrics.assign(rubric_id=rubrics["rubric_id"].map(labels.rubric_name))
    charts.show(
        sourced(charts.rubrics_over_time(rubrics, grain)), labelled(rubrics), "trends_rubrics"
    )

left, right = st.columns(2)
with left:
    distribution = data["score_distribution"]
    charts.show(
        sourced(charts.score_distribution(distribution)),
        labelled(distribution),
        "trends_distribution",
    )
with right:
    failed = labels.with_criterion_names(data["most_failed_criteria"])
    charts.show(sourced(charts.most_failed_criteria(failed)), labelled(failed), "trends_failed")

charts.show(
    sourced(charts.service_metrics_next_to_quality(service, grain)),
    labelled(service),
    "trends_service",
)

st.subheader("Agents")
ranking = data["agent_ranking"].copy()
if ranking.empty:
    st.info("No scored conversations for these filters.")
else:

    def arrow(change: float) -> str:
        if pd.isna(change):
            return "· not enough data"
        if change >= 2:
            return f"▲ +{change:.1f}"
        if change <= -2:
            return f"▼ {change:.1f}"
        return f"► {change:+.1f}"

    ranking.insert(0, "rank", range(1, len(ranking) + 1))
    ranking["trend"] = ranking["change"].map(arrow)
    ranking["sample"] = ranking["reviewed"].map(
        lambda n: f"⚠ small sample ({n} reviewed)" if n < SMALL_SAMPLE else f"{n} reviewed"
    )
    st.caption(
        "Trend compares the second half of the date range with the first half (quality points). "
        f"Agents with fewer than {SMALL_SAMPLE} human-reviewed conversations are flagged."
    )
    ranking = labels.for_people(ranking, 1)  # one decimal on the page and in the CSV
    shown = ranking[
        [
            "rank",
            "agent_name",
            "team",
            "quality_score",
            "trend",
            "conversations",
            "reviewed",
            "sample",
        ]
    ]
    st.dataframe(
        shown,
        hide_index=True,
        key="trends_ranking",
        column_config={
            "agent_name": "Agent",
            "quality_score": st.column_config.NumberColumn("Quality", format="%.1f"),
        },
    )
    st.download_button(
        "Download CSV",
        frame_to_csv(labelled(ranking)),
        file_name="agent_ranking.csv",
        mime="text/csv",
        key="trends_ranking_csv",
    )

scatter = data["quality_vs_csat"]
agent_r = correlation["agent_correlation"]
charts.show(
    sourced(
        charts.quality_vs_csat(scatter, None if agent_r is None or pd.isna(agent_r) else agent_r)
    ),
    labelled(scatter),
    "trends_scatter",
)

st.subheader("Per criterion")
per_criterion = labels.with_criterion_names(data["trend_criteria"])
if per_criterion.empty:
    st.info("No scored criteria for these filters.")
else:
    names = sorted(per_criterion["criterion"].unique())
    worst = [n for n in labels.with_criterion_names(data["most_failed_criteria"])["criterion"]]
    chosen_criteria = st.multiselect(
        "Criteria", names, default=[n for n in worst if n in names][:3] or names[:3],
        key="trends_criteria",
        help="Pass rate where the criterion applied, per period, for the team or agent chosen "
        "in the sidebar.",
    )  # fmt: skip
    picked_rows = per_criterion[per_criterion["criterion"].isin(chosen_criteria)]
    charts.show(
        sourced(charts.criterion_trend(picked_rows, grain)),
        labelled(labels.for_people(picked_rows, 2)),
        "trends_criteria",
    )
