"""The demo's story as the auto-scorer sees it: every criterion both ways, drifts and coaching."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict

import pytest

from cornerstone.demo.generator import iter_conversations
from cornerstone.demo.roster import build_roster
from scoring.batch import score_batch
from scoring.loader import load_rubrics
from tests.demo.behaviours import spearman


@pytest.fixture(scope="module")
def scored_2k() -> list:
    conversations = list(iter_conversations(2000))
    results = score_batch(conversations, load_rubrics(), workers=1)
    return list(zip(conversations, results, strict=True))


def _outcomes(scored: list) -> dict[str, Counter]:
    outcomes: dict[str, Counter] = defaultdict(Counter)
    for _, result in scored:
        for rubric in result.rubrics:
            for criterion in rubric.criteria:
                key = f"{rubric.rubric_id}.{criterion.criterion_id}"
                outcomes[key]["na" if criterion.na else "fail" if criterion.failed else "pass"] += 1
    return outcomes


def test_every_rubric_criterion_passes_and_fails_in_the_demo(scored_2k: list) -> None:
    outcomes = _outcomes(scored_2k)
    criteria = {f"{r.id}.{c.id}" for r in load_rubrics().rubrics for c in r.criteria}
    assert set(outcomes) == criteria
    one_sided = {key: dict(n) for key, n in outcomes.items() if n["pass"] < 10 or n["fail"] < 10}
    assert not one_sided, one_sided


def test_coaching_focus_criteria_are_real_rubric_criteria() -> None:
    criteria = {(r.id, c.id) for r in load_rubrics().rubrics for c in r.criteria}
    for event in build_roster().coaching_events:
        assert set(event.focus_criteria) <= criteria, event


def test_quality_score_follows_agent_habits_and_surveys(scored_2k: list) -> None:
    quality = {agent.agent_id: agent.quality for agent in build_roster().agents}
    scores = [r.quality_score for _, r in scored_2k]
    assert spearman(scores, [quality[c.agent_id] for c, _ in scored_2k]) > 0.3
    rated = [(c.csat, r.quality_score) for c, r in scored_2k if c.csat is not None]
    assert spearman([a for a, _ in rated], [b for _, b in rated]) > 0.3


def test_teams_trend_up_or_down_in_quality_score(scored_2k: list) -> None:
    roster = build_roster()
    span = (roster.end_date - roster.start_date).days
    early, late = defaultdict(list), defaultdict(list)
    for conversation, result in scored_2k:
        if conversation.created_at is None:
            continue
        position = (conversation.created_at.date() - roster.start_date).days / span
        if position < 1 / 3:
            early[conversation.team].append(result.quality_score)
        elif position > 2 / 3:
            late[conversation.team].append(result.quality_score)
    for team in roster.teams:
        change = statistics.mean(late[team.name]) - statistics.mean(early[team.name])
        if team.trend == "up":
            assert change > 3, (team.name, change)
        elif team.trend == "down":
            assert change < -3, (team.name, change)


def test_coached_agents_score_better_on_their_focus_criteria_after_the_session() -> None:
    roster = build_roster()
    coached = {event.agent_id: event for event in roster.coaching_events}
    conversations = [
        c for c in iter_conversations(6000) if c.agent_id in coached and c.created_at is not None
    ]
    results = score_batch(conversations, load_rubrics(), workers=1)
    before, after = defaultdict(list), defaultdict(list)
    for conversation, result in zip(conversations, results, strict=True):
        event = coached[conversation.agent_id]
        side = after if conversation.created_at.date() >= event.coached_on else before
        for rubric in result.rubrics:
            for criterion in rubric.criteria:
                if (rubric.rubric_id, criterion.criterion_id) in event.focus_criteria:
                    if not criterion.na:
                        side[event.agent_id].append(criterion.score)
    gains = {
        agent: statistics.mean(after[agent]) - statistics.mean(before[agent]) for agent in coached
    }
    assert statistics.mean(gains.values()) > 10, gains
    assert sum(gain > 0 for gain in gains.values()) >= 0.8 * len(gains), gains
