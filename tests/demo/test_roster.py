"""The demo cast: sizes, ids, users per role, coaching events and what drift and coaching do."""

from __future__ import annotations

import re
from collections import Counter
from datetime import timedelta

from cornerstone.demo.roster import (
    BAD_HABITS,
    CRITERION_HABITS,
    DEFAULT_END_DATE,
    GOOD_HABITS,
    build_roster,
)


def test_roster_has_eight_teams_and_sixty_agents_with_unique_ids() -> None:
    roster = build_roster()
    assert len(roster.teams) == 8
    assert len(roster.agents) == 60
    ids = [agent.agent_id for agent in roster.agents]
    assert len(set(ids)) == 60 and all(re.fullmatch(r"agent-\d{3}", i) for i in ids)
    assert len({agent.name for agent in roster.agents}) == 60
    per_team = Counter(agent.team for agent in roster.agents)
    assert set(per_team) == {team.name for team in roster.teams}
    assert min(per_team.values()) >= 5
    assert Counter(team.trend for team in roster.teams) == {"up": 3, "down": 3, "flat": 2}


def test_users_cover_every_role_and_link_to_agents_and_teams() -> None:
    roster = build_roster()
    roles = Counter(user.role for user in roster.users)
    assert roles == {"admin": 1, "qa_lead": 2, "reviewer": 5, "manager": 8, "agent": 60}
    assert len({user.user_id for user in roster.users}) == len(roster.users)
    assert all(re.fullmatch(r"[a-z0-9.]+", user.user_id) for user in roster.users)
    agents = {agent.agent_id: agent for agent in roster.agents}
    for user in roster.users_by_role("agent"):
        assert agents[user.agent_id].user_id == user.user_id
    managers = {user.user_id: user for user in roster.users_by_role("manager")}
    for team in roster.teams:
        assert managers[team.manager_user_id].teams == (team.name,)
    leniencies = [user.leniency for user in roster.users_by_role("reviewer")]
    assert min(leniencies) < 0 < max(leniencies)


def test_habits_differ_between_agents_and_stay_probabilities() -> None:
    roster = build_roster()
    for agent in roster.agents:
        habits = agent.habits.as_dict()
        assert set(habits) == set(GOOD_HABITS + BAD_HABITS)
        assert all(0 <= p <= 1 for p in habits.values())
        assert agent.habits.speed > 0
    slow = [a.habits.speed for a in roster.agents if a.archetype == "slow"]
    others = [a.habits.speed for a in roster.agents if a.archetype != "slow"]
    assert min(slow) > max(others) * 0.8
    assert len({a.archetype for a in roster.agents}) == 7


def test_coaching_events_name_real_agents_coaches_and_criteria() -> None:
    roster = build_roster()
    assert len(roster.coaching_events) == 16
    agent_ids = {agent.agent_id for agent in roster.agents}
    coaches = {u.user_id for u in roster.users if u.role in ("manager", "reviewer")}
    for event in roster.coaching_events:
        assert event.agent_id in agent_ids and event.coach_user_id in coaches
        assert roster.start_date < event.coached_on < roster.end_date
        assert event.due_date == event.coached_on + timedelta(days=30)
        assert 2 <= len(event.focus_criteria) <= 3
        assert set(event.focus_criteria) <= set(CRITERION_HABITS)
        assert event.notes and event.goals
        # Goals are read by people (Coaching, My feedback): criteria by name, no "rubric.criterion" id.
        assert not any(f"{r}.{c}" in event.goals for r, c in event.focus_criteria), event.goals


def test_coaching_improves_focus_habits_from_the_session_day() -> None:
    roster = build_roster()
    for event in roster.coaching_events:
        agent = roster.agent(event.agent_id)
        before = roster.effective_habits(agent, event.coached_on - timedelta(days=1))
        after = roster.effective_habits(agent, event.coached_on)
        for criterion in event.focus_criteria:
            for habit in CRITERION_HABITS[criterion]:
                if habit == "speed":
                    assert after.speed <= before.speed
                elif habit in BAD_HABITS:
                    assert after.get(habit) < before.get(habit) or before.get(habit) <= 0.02
                else:
                    assert after.get(habit) > before.get(habit) or before.get(habit) >= 0.98


def test_team_drift_moves_habits_over_the_months() -> None:
    roster = build_roster()
    for team in roster.teams:
        agent = next(a for a in roster.agents_in(team.name) if not roster.coaching_for(a.agent_id))
        early = roster.effective_habits(agent, roster.start_date).get("solution")
        late = roster.effective_habits(agent, roster.end_date).get("solution")
        if team.trend == "up":
            assert late > early or early >= 0.98
        elif team.trend == "down":
            assert late < early or early <= 0.02
        else:
            assert late == early


def test_customers_have_names_and_order_history() -> None:
    roster = build_roster()
    assert len(roster.customers) == 4000
    orders = [order for customer in roster.customers for order in customer.orders]
    assert all(customer.orders and " " in customer.name for customer in roster.customers)
    assert len({order.order_number for order in orders}) == len(orders)
    assert all(re.fullmatch(r"CS-\d{6}", order.order_number) for order in orders)


def test_same_seed_same_roster_other_seed_other_roster() -> None:
    fresh = build_roster.__wrapped__
    assert fresh(7, DEFAULT_END_DATE, 6) == fresh(7, DEFAULT_END_DATE, 6)
    assert fresh(8, DEFAULT_END_DATE, 6).agents != fresh(7, DEFAULT_END_DATE, 6).agents
    shifted = fresh(7, DEFAULT_END_DATE + timedelta(days=30), 6)
    assert shifted.start_date == build_roster().start_date + timedelta(days=30)
