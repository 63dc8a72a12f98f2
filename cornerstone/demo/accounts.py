"""Demo accounts for `qa demo` (the users step): one account per role, with fresh passwords.

Written through the real account functions (`warehouse.access.users`), so the same checks and
audit entries apply as for accounts an admin creates.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb

from warehouse.access.passwords import generate_password
from warehouse.access.users import (
    UserError,
    add_user,
    change_role,
    enable_user,
    get_user,
    set_password,
)
from warehouse.access.viewer import SYSTEM


@dataclass(frozen=True)
class DemoAccount:
    login: str
    role: str
    password: str
    agent_id: str | None = None
    teams: tuple[str, ...] = ()


def seed_demo_accounts(
    con: duckdb.DuckDBPyConnection,
    roster: Any = None,
    *,
    agent_id: str | None = None,
    agent_name: str | None = None,
    team: str | None = None,
) -> list[DemoAccount]:
    """One account per role with fresh random passwords (DEMO ONLY), returned for printing.

    With the demo `roster` (cornerstone.demo.roster.Roster), the accounts are roster people, so
    the reviewer account owns seeded reviews, the manager manages the agent's team and the agent
    account is linked to that agent's conversations. Without it, `agent_id`, `agent_name` and
    `team` name the agent. Existing demo logins get a new password (a re-run prints working
    credentials) and their demo role back.
    """
    if roster is not None:
        agent = roster.agents[0]
        manager_id = roster.team(agent.team).manager_user_id
        people = {u.user_id: u for u in roster.users}

        def person(user_id: str) -> tuple[str, str]:
            return user_id, people[user_id].name if user_id in people else user_id

        admins = roster.users_by_role("admin")
        plan = [
            (*person(admins[0].user_id if admins else "admin"), "admin", None, ()),
            (*person(roster.users_by_role("qa_lead")[0].user_id), "qa_lead", None, ()),
            (*person(roster.users_by_role("reviewer")[0].user_id), "reviewer", None, ()),
            (*person(manager_id), "manager", None, (agent.team,)),
            (agent.user_id, agent.name, "agent", agent.agent_id, ()),
        ]
        # Every demo reviewer has an account: seeded reviews, queues and calibration rounds name
        # them, and work can only be assigned to people who can sign in.
        plan += [
            (*person(r.user_id), "reviewer", None, ()) for r in roster.users_by_role("reviewer")[1:]
        ]
    else:
        if not (agent_id and team):
            raise UserError("seed_demo_accounts needs the demo roster or agent_id and team")
        plan = [
            ("admin", "Demo Admin", "admin", None, ()),
            ("lead", "Demo QA Lead", "qa_lead", None, ()),
            ("reviewer", "Demo Reviewer", "reviewer", None, ()),
            ("manager", f"Demo Manager ({team})", "manager", None, (team,)),
            ("agent", agent_name or agent_id, "agent", agent_id, ()),
        ]
    accounts = []
    for login, name, role, agent, teams in plan:
        password = generate_password()
        if get_user(con, login) is None:
            add_user(
                con, SYSTEM, login, role, password, display_name=name, agent_id=agent, teams=teams
            )
        else:
            change_role(con, SYSTEM, login, role, agent_id=agent, teams=teams)
            set_password(con, SYSTEM, login, password)
            if get_user(con, login).disabled:  # type: ignore[union-attr]
                enable_user(con, SYSTEM, login)
        accounts.append(DemoAccount(login, role, password, agent, teams))
    return accounts


def format_demo_accounts(accounts: list[DemoAccount]) -> str:
    """Plain-text table of demo accounts (for `qa demo` output and data/demo_accounts.txt)."""
    lines = ["# Demo accounts (demo database only; passwords generated at demo time)"]
    width = max([len("login"), *(len(a.login) for a in accounts)])
    lines.append(f"{'login':<{width}}  {'role':<9} {'password':<18} sees")
    for a in accounts:
        if a.agent_id:
            scope = f"own conversations (agent {a.agent_id})"
        elif a.teams:
            scope = f"team {', '.join(a.teams)}"
        else:
            scope = "all teams"
        lines.append(f"{a.login:<{width}}  {a.role:<9} {a.password:<18} {scope}")
    return "\n".join(lines) + "\n"
