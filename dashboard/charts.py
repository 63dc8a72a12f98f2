"""Plotly figures for the manager, coaching, calibration and feedback pages.

Every figure has a title, axis titles with units and hover text; `show` puts the chart on the
page with its data behind it (a CSV download always; the table itself when the page's "Show
data tables" toggle is on — tables are off by default because every data grid costs the browser
time), so no figure is a dead end.
Figure builders are plain functions of a DataFrame (testable without Streamlit). Names, teams
and ids from the data go through `dashboard.text.chart_labels` first: Plotly renders HTML in
legends, axis labels and hover text. Every download goes through `warehouse.storage.csv_export`.
"""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st
from plotly.subplots import make_subplots

from dashboard.text import chart_labels
from warehouse.storage.csv_export import frame_to_csv

QUALITY_AXIS = "Quality score (0-100)"
TEMPLATE = "plotly_white"
HEIGHT = 360


def _layout(fig: go.Figure, title: str, x_title: str, y_title: str) -> go.Figure:
    fig.update_layout(
        title={"text": title},
        xaxis_title=x_title,
        yaxis_title=y_title,
        template=TEMPLATE,
        height=HEIGHT,
        margin={"l": 60, "r": 20, "t": 60, "b": 50},
        legend_title_text="",
        hovermode="closest",
    )
    return fig


def _every_category(fig: go.Figure, categories: int) -> go.Figure:
    """Label every criterion on a horizontal bar chart (plotly skips some when crowded)."""
    fig.update_yaxes(dtick=1)
    fig.update_layout(height=max(HEIGHT, 120 + 26 * categories))
    return fig


def _criterion_column(frame: pd.DataFrame) -> pd.Series:
    """The people-facing criterion name when the caller added one (dashboard.labels), else ids."""
    if "criterion" in frame.columns:
        return frame["criterion"]
    return frame["rubric_id"] + " · " + frame["criterion_id"]


OUTCOME_COLOURS = {"Passed": "#2e7d32", "Failed": "#c62828", "N/A": "#9e9e9e"}


def empty_figure(title: str, message: str = "No data for these filters") -> go.Figure:
    fig = go.Figure()
    fig.add_annotation(text=message, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper")
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    fig.update_layout(title={"text": title}, template=TEMPLATE, height=HEIGHT)
    return fig


def period_label(grain: str) -> str:
    return "Week starting" if grain == "week" else "Month"


def quality_over_time(frame: pd.DataFrame, grain: str, by: str) -> go.Figure:
    title = f"Quality score by {by} per {grain}"
    if frame.empty:
        return empty_figure(title)
    frame = chart_labels(frame, "series")
    fig = px.line(
        frame,
        x="period",
        y="quality_score",
        color="series",
        markers=True,
        custom_data=["conversations", "reviewed"],
    )
    fig.update_traces(
        hovertemplate="%{fullData.name}<br>%{x|%d %b %Y}<br>quality %{y:.1f}"
        "<br>%{customdata[0]} conversations, %{customdata[1]} reviewed<extra></extra>"
    )
    fig.update_yaxes(range=[0, 100])
    return _layout(fig, title, period_label(grain), QUALITY_AXIS)


def rubrics_over_time(frame: pd.DataFrame, grain: str) -> go.Figure:
    title = f"Cornerstone rubric scores per {grain}"
    if frame.empty:
        return empty_figure(title)
    frame = chart_labels(frame, "rubric_id")
    fig = px.line(
        frame, x="period", y="score", color="rubric_id", markers=True, custom_data=["conversations"]
    )
    fig.update_traces(
        hovertemplate="%{fullData.name}<br>%{x|%d %b %Y}<br>score %{y:.1f}"
        "<br>%{customdata[0]} conversations<extra></extra>"
    )
    fig.update_yaxes(range=[0, 100])
    return _layout(fig, title, period_label(grain), "Rubric score (0-100)")


def score_distribution(frame: pd.DataFrame) -> go.Figure:
    title = "Distribution of quality scores"
    if frame.empty:
        return empty_figure(title)
    data = frame.assign(band=frame["band_start"].map(lambda b: f"{b}-{b + 10}"))
    fig = px.bar(data, x="band", y="conversations", custom_data=["critical_failures"])
    fig.update_traces(
        hovertemplate="quality %{x}<br>%{y:,} conversations"
        "<br>%{customdata[0]:,} critical failures<extra></extra>"
    )
    return _layout(fig, title, "Quality score band (points)", "Conversations (count)")


# metric column -> (label, axis title with unit, scale factor for display)
SERVICE_METRICS: dict[str, tuple[str, str, float]] = {
    "csat": ("CSAT", "CSAT (mean, 1-5)", 1.0),
    "nps": ("NPS", "NPS (points, -100 to 100)", 1.0),
    "ces": ("CES", "Customer effort (mean, 1-7)", 1.0),
    "first_response_median_seconds": ("First response", "First response (median, minutes)", 1 / 60),
    "resolution_rate": ("Resolution rate", "Resolved (% of conversations)", 100.0),
    "handle_median_seconds": ("Handle time", "Handle time (median, minutes)", 1 / 60),
}


def service_metrics_next_to_quality(frame: pd.DataFrame, grain: str) -> go.Figure:
    """CSAT, NPS, CES, first response, resolution rate and handle time over time, one panel
    each (left axis, with its unit), the quality score dotted on each panel's right axis.

    One figure with six panels rather than six figures: the browser draws it much faster."""
    title = f"Customer and service metrics next to quality, per {grain}"
    if frame.empty:
        return empty_figure(title)
    metrics = list(SERVICE_METRICS.items())
    fig = make_subplots(
        rows=3,
        cols=2,
        subplot_titles=[label for _, (label, _, _) in metrics],
        specs=[[{"secondary_y": True}] * 2] * 3,
        shared_xaxes=True,
        vertical_spacing=0.09,
        horizontal_spacing=0.12,
    )
    for i, (metric, (label, axis_title, factor)) in enumerate(metrics):
        row, col = i // 2 + 1, i % 2 + 1
        data = frame.dropna(subset=[metric])
        fig.add_trace(
            go.Scatter(
                x=data["period"], y=data[metric] * factor, name=label, mode="lines+markers",
                showlegend=False,
                hovertemplate=f"{label}: %{{y:.2f}}<br>%{{x|%d %b %Y}}<extra></extra>",
            ),
            row=row, col=col, secondary_y=False,
        )  # fmt: skip
        fig.add_trace(
            go.Scatter(
                x=frame["period"], y=frame["quality_score"], name="Quality score", mode="lines",
                line={"dash": "dot", "color": "#888"}, showlegend=i == 0,
                hovertemplate="quality %{y:.1f}<br>%{x|%d %b %Y}<extra></extra>",
            ),
            row=row, col=col, secondary_y=True,
        )  # fmt: skip
        fig.update_yaxes(title_text=axis_title, row=row, col=col, secondary_y=False)
        fig.update_yaxes(
            title_text="Quality (0-100)", range=[0, 100], row=row, col=col, secondary_y=True
        )
        if row == 3:
            fig.update_xaxes(title_text=period_label(grain), row=row, col=col)
    fig.update_layout(
        title={"text": title},
        template=TEMPLATE,
        height=3 * HEIGHT,
        margin={"l": 60, "r": 20, "t": 80, "b": 50},
        legend={"orientation": "h", "y": 1.04, "x": 1, "xanchor": "right"},
        hovermode="closest",
    )
    return fig


def most_failed_criteria(frame: pd.DataFrame) -> go.Figure:
    title = "Most often failed criteria (where coaching helps most)"
    if frame.empty:
        return empty_figure(title, "No failed criteria for these filters")
    frame = chart_labels(frame, "rubric_id", "criterion_id", "criterion")
    data = frame.assign(
        criterion=_criterion_column(frame),
        fail_percent=frame["fail_rate"] * 100,
    ).iloc[::-1]
    fig = px.bar(
        data, x="failed", y="criterion", orientation="h", custom_data=["applicable", "fail_percent"]
    )
    fig.update_traces(
        hovertemplate="%{y}<br>failed in %{x:,} of %{customdata[0]:,} conversations"
        " (%{customdata[1]:.1f}%)<extra></extra>"
    )
    return _layout(fig, title, "Conversations failing the criterion (count)", "Criterion")


def quality_vs_csat(frame: pd.DataFrame, correlation: float | None) -> go.Figure:
    suffix = f" (r = {correlation:.2f})" if correlation is not None else ""
    title = f"Quality score vs CSAT per agent{suffix}"
    if frame.empty:
        return empty_figure(title, "No survey answers for these filters")
    frame = chart_labels(frame, "team", "agent_name")
    fig = px.scatter(
        frame,
        x="quality_score",
        y="csat",
        color="team",
        size="csat_answers",
        custom_data=["agent_name", "csat_answers"],
    )
    fig.update_traces(
        hovertemplate="%{customdata[0]}<br>quality %{x:.1f}<br>CSAT %{y:.2f}"
        "<br>%{customdata[1]} survey answers<extra></extra>"
    )
    return _layout(fig, title, "Mean quality score (0-100)", "Mean CSAT (1-5)")


def before_after(frame: pd.DataFrame) -> go.Figure:
    title = "Focus criteria before and after coaching"
    if frame.empty:
        return empty_figure(title)
    frame = chart_labels(frame, "rubric_id", "criterion_id", "criterion")
    data = frame.assign(criterion=_criterion_column(frame))
    long = data.melt(
        id_vars=["criterion"],
        value_vars=["before_score", "after_score"],
        var_name="phase",
        value_name="score",
    )
    long["phase"] = long["phase"].map({"before_score": "Before", "after_score": "After"})
    fig = px.bar(long, x="criterion", y="score", color="phase", barmode="group")
    fig.update_traces(hovertemplate="%{x}<br>%{fullData.name}: %{y:.1f}<extra></extra>")
    fig.update_yaxes(range=[0, 100])
    return _layout(fig, title, "Focus criterion", "Mean criterion score (0-100)")


def criterion_trend(frame: pd.DataFrame, grain: str) -> go.Figure:
    """Pass rate per period of the chosen criteria (`criterion` holds their people-facing names)."""
    title = f"Pass rate per criterion per {grain}"
    if frame.empty:
        return empty_figure(title, "Pick criteria with scored conversations in this range")
    data = frame.assign(pass_percent=frame["pass_rate"] * 100)
    fig = px.line(
        data, x="period", y="pass_percent", color="criterion", markers=True,
        custom_data=["conversations", "score"],
    )  # fmt: skip
    fig.update_traces(
        hovertemplate="%{fullData.name}<br>%{x|%d %b %Y}<br>passed %{y:.0f}%"
        "<br>mean score %{customdata[1]:.0f}<br>%{customdata[0]} conversations<extra></extra>"
    )
    fig.update_yaxes(range=[0, 100])
    return _layout(fig, title, period_label(grain), "Passed where it applied (%)")


def focus_weekly(frame: pd.DataFrame, held_at) -> go.Figure:
    title = "Focus criteria week by week around the session"
    if frame.empty:
        return empty_figure(title)
    frame = chart_labels(frame, "criterion")
    fig = px.line(
        frame, x="period", y="score", color="criterion", markers=True, custom_data=["conversations"]
    )
    fig.update_traces(
        hovertemplate="%{fullData.name}<br>%{x|%d %b %Y}<br>score %{y:.1f}"
        "<br>%{customdata[0]} conversations<extra></extra>"
    )
    fig.add_vline(x=pd.Timestamp(held_at).timestamp() * 1000, line_dash="dash")
    fig.update_yaxes(range=[0, 100])
    return _layout(fig, title, "Week starting", "Mean criterion score (0-100)")


def agreement_by_criterion(frame: pd.DataFrame) -> go.Figure:
    title = "Agreement per criterion (Krippendorff's alpha)"
    if frame.empty:
        return empty_figure(title, "Needs conversations reviewed by two or more reviewers")
    frame = chart_labels(frame, "rubric_id", "criterion_id", "criterion")
    data = frame.assign(criterion=_criterion_column(frame))
    long = data.melt(
        id_vars=["criterion", "conversations"],
        value_vars=["alpha", "alpha_with_auto"],
        var_name="raters",
        value_name="value",
    )
    long["raters"] = long["raters"].map(
        {"alpha": "Between reviewers", "alpha_with_auto": "Reviewers + auto-scorer"}
    )
    fig = px.bar(
        long, x="value", y="criterion", color="raters", barmode="group", orientation="h",
        custom_data=["conversations"],
    )  # fmt: skip
    fig.update_traces(
        hovertemplate="%{y}<br>alpha %{x:.2f}<br>%{customdata[0]} conversations<extra></extra>"
    )
    fig.add_vline(x=0.667, line_dash="dot")
    fig.update_xaxes(range=[-1, 1])
    _layout(fig, title, "Krippendorff's alpha (1 = perfect, 0 = chance)", "Criterion")
    return _every_category(fig, len(data))


def leniency(frame: pd.DataFrame) -> go.Figure:
    title = "Reviewer leniency (mean deviation from the other reviewers)"
    if frame.empty:
        return empty_figure(title, "Needs conversations reviewed by two or more reviewers")
    frame = chart_labels(frame, "reviewer_id")
    fig = px.bar(
        frame, x="leniency", y="reviewer_id", orientation="h", custom_data=["conversations"]
    )
    fig.update_traces(
        hovertemplate="%{y}<br>%{x:+.1f} points<br>%{customdata[0]} conversations<extra></extra>"
    )
    return _layout(fig, title, "Mean deviation from consensus (quality points)", "Reviewer")


def criterion_outcomes(frame: pd.DataFrame) -> go.Figure:
    title = "How often each criterion is N/A, passed or failed"
    if frame.empty:
        return empty_figure(title)
    frame = chart_labels(frame, "rubric_id", "criterion_id", "criterion")
    data = frame.assign(criterion=_criterion_column(frame))
    long = data.melt(
        id_vars=["criterion"],
        value_vars=["passed", "failed", "not_applicable"],
        var_name="outcome",
        value_name="count",
    )
    long["outcome"] = long["outcome"].map(
        {"passed": "Passed", "failed": "Failed", "not_applicable": "N/A"}
    )
    fig = px.bar(
        long, x="count", y="criterion", color="outcome", orientation="h",
        color_discrete_map=OUTCOME_COLOURS,
    )  # fmt: skip
    fig.update_traces(hovertemplate="%{y}<br>%{fullData.name}: %{x:,}<extra></extra>")
    fig.update_layout(barmode="stack")
    _layout(fig, title, "Conversations (count)", "Criterion")
    return _every_category(fig, len(data))


TABLES_KEY = "charts_show_tables"


def table_toggle() -> None:
    """The sidebar switch that puts each chart's data table under it."""
    st.sidebar.toggle("Show data tables", key=TABLES_KEY, help="The numbers behind every chart")


def show(fig: go.Figure, frame: pd.DataFrame, key: str, file_name: str | None = None) -> None:
    """The chart, then its data: a CSV download of exactly what is plotted, and the table."""
    st.plotly_chart(fig, key=f"{key}_chart", config={"displaylogo": False})
    if st.session_state.get(TABLES_KEY):
        st.dataframe(frame, hide_index=True, key=f"{key}_table")
    st.download_button(
        "Download CSV",
        frame_to_csv(frame),
        file_name=file_name or f"{key}.csv",
        mime="text/csv",
        key=f"{key}_csv",
    )
