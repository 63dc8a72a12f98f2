"""Sampling rules for the review queue: YAML (rubrics/sampling.yaml) validated into typed models.

The rules become flags and thresholds of the named query `queue_candidates`, so the selection runs
inside DuckDB. A lead picks rules and combines them with "any" or "all"; `not_yet_reviewed` is a
filter applied on top of the others.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from scoring.loader import default_rubrics_dir
from warehouse.errors import WarehouseError

SELECTOR_RULES = (
    "random_per_agent_week",
    "lowest_auto_score",
    "negative_sentiment",
    "low_csat_nps",
    "long_handle_time",
    "critical_failures",
)
FILTER_RULES = ("not_yet_reviewed",)
RULE_NAMES = SELECTOR_RULES + FILTER_RULES


class SamplingConfigError(WarehouseError):
    """rubrics/sampling.yaml is missing a field or has a wrong value."""


class _Rule(BaseModel):
    model_config = ConfigDict(extra="forbid")
    label: str
    description: str = ""


class RandomPerAgentWeek(_Rule):
    per_agent_per_week: int = Field(2, ge=1, le=1000)


class LowestAutoScore(_Rule):
    limit: int = Field(200, ge=1, le=1_000_000)


class NegativeSentiment(_Rule):
    sentiment_at_most: float = Field(-0.5, ge=-1, le=1)


class LowCsatNps(_Rule):
    csat_at_most: int = Field(2, ge=1, le=5)
    nps_at_most: int = Field(6, ge=0, le=10)


class LongHandleTime(_Rule):
    handle_seconds_at_least: float = Field(86400, gt=0)


class SamplingRules(BaseModel):
    model_config = ConfigDict(extra="forbid")
    random_per_agent_week: RandomPerAgentWeek
    lowest_auto_score: LowestAutoScore
    negative_sentiment: NegativeSentiment
    low_csat_nps: LowCsatNps
    long_handle_time: LongHandleTime
    critical_failures: _Rule
    not_yet_reviewed: _Rule


class SamplingConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
    default_rules: list[Literal[RULE_NAMES]] = Field(min_length=1)  # type: ignore[valid-type]
    default_combine: Literal["any", "all"] = "any"
    rules: SamplingRules

    def label(self, rule: str) -> str:
        return getattr(self.rules, rule).label


def load_sampling(path: Path | None = None) -> SamplingConfig:
    """Read and validate the sampling rules; errors name the file and the field."""
    path = path or default_rubrics_dir() / "sampling.yaml"
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SamplingConfigError(f"{path}: sampling rules file not found") from None
    except yaml.YAMLError as error:
        raise SamplingConfigError(f"{path}: not valid YAML ({error})") from None
    try:
        return SamplingConfig.model_validate(raw)
    except ValidationError as error:
        problems = "; ".join(
            f"`{'.'.join(str(p) for p in e['loc'])}`: {e['msg']}" for e in error.errors()
        )
        raise SamplingConfigError(f"{path}: {problems}") from None


@dataclass(frozen=True)
class QueueFilters:
    """Filters shared by the queue listing and queue building (None = no filter)."""

    teams: tuple[str, ...] = ()
    agents: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    since: date | None = None
    until: date | None = None  # inclusive
    rubric_id: str | None = None  # the score band applies to this rubric's score, else to quality
    score_min: float = 0.0
    score_max: float = 100.0

    def params(self) -> dict[str, object]:
        return {
            "teams": list(self.teams) or None,
            "agents": list(self.agents) or None,
            "channels": list(self.channels) or None,
            "since": self.since,
            "until": self.until,
            "rubric_id": self.rubric_id,
            "score_min": float(self.score_min),
            "score_max": float(self.score_max),
        }


@dataclass(frozen=True)
class Selection:
    """The rules a lead chose, how they combine, and the config giving their parameters."""

    rules: tuple[str, ...]
    combine: Literal["any", "all"] = "any"
    seed: int = 0  # for the random rule: same seed, same sample
    config: SamplingConfig | None = field(default=None, compare=False)

    def params(self) -> dict[str, object]:
        unknown = set(self.rules) - set(RULE_NAMES)
        if unknown:
            raise SamplingConfigError(f"unknown sampling rule(s): {', '.join(sorted(unknown))}")
        if self.combine not in ("any", "all"):
            raise SamplingConfigError(f"combine must be 'any' or 'all', not {self.combine!r}")
        r = (self.config or load_sampling()).rules
        selectors = [rule for rule in self.rules if rule in SELECTOR_RULES]
        return {
            "combine_all": self.combine == "all",
            "any_selector": bool(selectors),
            "use_random": "random_per_agent_week" in selectors,
            "random_per_week": r.random_per_agent_week.per_agent_per_week,
            "seed": str(self.seed),
            "use_lowest": "lowest_auto_score" in selectors,
            "lowest_limit": r.lowest_auto_score.limit,
            "use_sentiment": "negative_sentiment" in selectors,
            "sentiment_at_most": r.negative_sentiment.sentiment_at_most,
            "use_csat": "low_csat_nps" in selectors,
            "csat_at_most": r.low_csat_nps.csat_at_most,
            "nps_at_most": r.low_csat_nps.nps_at_most,
            "use_handle": "long_handle_time" in selectors,
            "handle_at_least": r.long_handle_time.handle_seconds_at_least,
            "use_critical": "critical_failures" in selectors,
            "only_unreviewed": "not_yet_reviewed" in self.rules,
        }
