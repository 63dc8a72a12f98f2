"""Cached loaders for the manager trends page: one short connection per filter change."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import pandas as pd
import streamlit as st

from config.settings import default_db_path
from warehouse import queries
from warehouse.access.viewer import Viewer
from warehouse.storage.connection import connect

TTL_SECONDS = 120
MOST_FAILED_LIMIT = 10
PASS_MARK = 80.0  # default pass-rate baseline: a conversation scoring at least this passes
SOURCES = {
    "auto": "auto-score (AQS)",
    "human": "human reviews (IQS)",
}


@dataclass(frozen=True, slots=True)
class TrendFilters:
    since: date
    until: date  # inclusive (the last day shown)
    team: str | None = None
    agent_id: str | None = None
    channel: str | None = None
    grain: str = "week"  # week | month
    source: str = "auto"  # auto (AQS, every scored conversation) | human (IQS, reviewed only)
    pass_mark: float = PASS_MARK

    def params(self) -> dict:
        start = datetime.combine(self.since, time.min)
        end = datetime.combine(self.until, time.min) + timedelta(days=1)
        return {
            "team": self.team,
            "agent_id": self.agent_id,
            "channel": self.channel,
            "since": start,
            "until": end,
            "grain": self.grain,
            "midpoint": start + (end - start) / 2,
            "source": self.source,
            "pass_mark": self.pass_mark,
        }

    @property
    def series(self) -> str:
        """Per-team lines across teams; per-agent lines once a team or agent is chosen."""
        return "agent" if self.team or self.agent_id else "team"


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def _filter_options(db: str, viewer: Viewer) -> dict:
    with connect(db) as con:
        options = queries.run(con, "trend_filter_options", viewer=viewer)[0]
        agents = queries.frame(con, "trend_agent_options", viewer=viewer, team=None)
    return {**options, "agents": agents}


def filter_options(viewer: Viewer) -> dict:
    """Teams, channels, agents (DataFrame) and first/last conversation time the viewer may see."""
    return _filter_options(str(default_db_path()), viewer)


@st.cache_data(ttl=TTL_SECONDS, show_spinner="Loading trends…")
def _trends(db: str, viewer: Viewer, filters: TrendFilters) -> dict[str, pd.DataFrame | dict]:
    params = filters.params()
    with connect(db) as con:
        frames = {
            name: queries.frame(con, name, viewer=viewer, **params, series=filters.series,
                                limit=MOST_FAILED_LIMIT)
            for name in (
                "trend_quality",
                "trend_rubrics",
                "score_distribution",
                "trend_service_metrics",
                "most_failed_criteria",
                "agent_ranking",
                "quality_vs_csat",
                "trend_criteria",
            )
        }  # fmt: skip
        frames["correlation"] = queries.run(
            con, "quality_csat_correlation", viewer=viewer, **params
        )[0]
    return frames


def trends(viewer: Viewer, filters: TrendFilters) -> dict[str, pd.DataFrame | dict]:
    """Every frame the trends page plots, keyed by query name (plus `correlation`)."""
    return _trends(str(default_db_path()), viewer, filters)
