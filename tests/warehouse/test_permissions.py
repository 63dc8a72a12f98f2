"""Access control in the data layer: every scoped named query, every role, and write permissions.

The generic tests iterate over `warehouse.queries.catalogue()`, so a query added later is checked
without anyone remembering to write a test for it. Two properties per scoped query, for an agent
(agent_ann of team Billing) and for a manager of Billing, each run with their own ids and with
other agents'/teams' ids as parameters (the "edited URL" attack):

1. Ownership: no returned row names another agent, another team, or a conversation the viewer
   may not see (checked on columns agent_id / team / conversation_id / review_id / dispute_id).
2. Non-interference: the result is identical on a copy of the database from which every row of
   other agents/teams was deleted. This also catches leaks through aggregates (averages, counts,
   rankings) that have no id column to check.
"""

from __future__ import annotations

import ast
import math
import re
import shutil
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.e2_fixtures import add_reviewer_accounts
from tests.fixtures import build_small_warehouse
from warehouse import queries
from warehouse.access import users
from warehouse.access.permissions import ACTIONS, ROLE_LABELS, ROLES, allowed, require
from warehouse.access.viewer import SYSTEM, Viewer
from warehouse.errors import PermissionDeniedError, WarehouseError
from warehouse.review import calibration, coaching, reviews
from warehouse.storage.connection import connect

ADMIN = Viewer("boss", "admin")
LEAD = Viewer("lead1", "qa_lead")
REVIEWER = Viewer("rev1", "reviewer")
REVIEWER2 = Viewer("rev2", "reviewer")
MANAGER_BILLING = Viewer("mgr_billing", "manager", teams=("Billing",))
MANAGER_TECH = Viewer("mgr_tech", "manager", teams=("Tech",))
ANN = Viewer("ann", "agent", agent_id="agent_ann")  # team Billing
CAT = Viewer("cat", "agent", agent_id="agent_cat")  # team Tech
VIEWER_PARAMS = {"viewer_role", "viewer_agent_id", "viewer_teams"}


# ---- the fixture world -------------------------------------------------------------------------


def _populate(db_path: Path) -> dict[str, Any]:
    """E1's fixture (Billing: ann, bob; Tech: cat, dan; scored) plus reviews, comments, disputes,
    coaching and a calibration session written through the real warehouse functions."""
    info = build_small_warehouse(db_path)
    ids: dict[str, Any] = {"by_agent": info.by_agent, "by_team": info.by_team}
    with connect(db_path) as con:
        review_of: dict[str, int] = {}
        for agent_id, conversation_ids in info.by_agent.items():
            for conversation_id in conversation_ids[:3]:
                review_id = reviews.submit_review(
                    con, REVIEWER, conversation_id, [], overall_comment=f"review of {agent_id}",
                    message_comments={0: f"comment for {agent_id}"},
                )  # fmt: skip
                review_of.setdefault(agent_id, review_id)
            reviews.add_comment(con, MANAGER_BILLING if agent_id in ("agent_ann", "agent_bob")
                                else MANAGER_TECH, conversation_ids[0], f"manager note {agent_id}")  # fmt: skip
        ids["review_of"] = review_of
        criteria = queries.run(
            con, "review_criteria_of", viewer=ADMIN, review_id=review_of["agent_ann"]
        )
        rubric_id, criterion_id = criteria[0]["rubric_id"], criteria[0]["criterion_id"]
        ids["criterion"] = (rubric_id, criterion_id)
        ids["dispute_of"] = {
            "agent_ann": reviews.open_dispute(
                con, ANN, review_of["agent_ann"], rubric_id, criterion_id, "I disagree (ann)"
            ),
            "agent_cat": reviews.open_dispute(
                con, CAT, review_of["agent_cat"], rubric_id, criterion_id, "I disagree (cat)"
            ),
        }
        ids["coaching_of"] = {
            agent_id: coaching.create_session(
                con,
                manager,
                coaching.CoachingRequest(
                    agent_id=agent_id,
                    focus_criteria=(ids["criterion"],),
                    notes=f"coaching {agent_id}",
                    held_at=datetime(2026, 3, 10, 9, 0),
                    source_conversation_ids=(info.by_agent[agent_id][0],),
                ),
            )
            for agent_id, manager in (("agent_ann", MANAGER_BILLING), ("agent_cat", MANAGER_TECH))
        }
        add_reviewer_accounts(con, ["rev1", "rev2"])  # sessions take reviewer accounts only
        ids["calibration"] = calibration.create_session(
            con, LEAD, title="Mixed teams",
            conversation_ids=[info.by_agent["agent_ann"][4], info.by_agent["agent_cat"][4]],
            reviewer_ids=["rev1", "rev2"],
        )  # fmt: skip
        for reviewer in (REVIEWER, REVIEWER2):
            for conversation_id in (info.by_agent["agent_ann"][4], info.by_agent["agent_cat"][4]):
                reviews.submit_review(
                    con, reviewer, conversation_id, [], calibration_session_id=ids["calibration"]
                )
        users.add_user(con, SYSTEM, "ann", "agent", "violet-harbour-77", agent_id="agent_ann")
        users.add_user(con, SYSTEM, "bob", "agent", "amber-lantern-88", agent_id="agent_bob")
    return ids


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("permissions")
    full = root / "full.duckdb"
    ids = _populate(full)
    ids["full"] = full
    ids["only"] = {
        "agent": _restricted_copy(full, root / "only_ann.duckdb", agents={"agent_ann"}),
        "manager": _restricted_copy(
            full, root / "only_billing.duckdb", agents={"agent_ann", "agent_bob"}
        ),
    }
    return ids


def _restricted_copy(full: Path, target: Path, agents: set[str]) -> Path:
    """A copy of the database without any row tied to agents outside `agents`."""
    shutil.copyfile(full, target)
    with connect(target) as con:
        keep = [r[0] for r in con.execute(
            "SELECT conversation_id FROM conversations WHERE list_contains($agents, agent_id)",
            {"agents": sorted(agents)},
        ).fetchall()]  # fmt: skip
        tables = con.execute(
            "SELECT table_name, list(column_name) FROM information_schema.columns"
            " WHERE table_schema = 'main' AND table_name IN (SELECT table_name FROM"
            " information_schema.tables WHERE table_type = 'BASE TABLE') GROUP BY table_name"
        ).fetchall()
        for table, columns in tables:
            if table in ("users", "audit_log", "sessions"):
                continue
            if "conversation_id" in columns:
                con.execute(
                    f'DELETE FROM "{table}" WHERE NOT list_contains($keep, conversation_id)',
                    {"keep": keep},
                )
            if "agent_id" in columns:
                con.execute(
                    f'DELETE FROM "{table}" WHERE agent_id IS NOT NULL'
                    " AND NOT list_contains($agents, agent_id)",
                    {"agents": sorted(agents)},
                )
        # Rows hanging off deleted parents.
        for table, columns in tables:
            for parent, key in (
                ("reviews", "review_id"),
                ("coaching_sessions", "coaching_session_id"),
            ):
                if key in columns and table != parent:
                    con.execute(
                        f'DELETE FROM "{table}" WHERE {key} IS NOT NULL'
                        f' AND {key} NOT IN (SELECT {key} FROM "{parent}")'
                    )
    return target


# ---- parameters: own ids and other people's ids -----------------------------------------------

FIXED = {
    "since": datetime(2000, 1, 1),
    "until": datetime(2100, 1, 1),
    "midpoint": datetime(2026, 3, 12),
    "today": datetime(2026, 3, 12),  # home_my_assignments: overdue and due-this-week counts
    "limit": 1000,
    "offset": 0,
    "lowest_limit": 1000,
    "random_per_week": 2,
    "window_days": 60,
    "seed": 7,
    "grain": "week",
    "source": "human",  # reviews (the "auto" side is the scores every other query reads)
    "pass_mark": 80.0,
    "statuses": ["open", "done", "released", "upheld", "changed"],
    "reviewed_only": False,
    "only_unreviewed": False,
    "any_selector": False,
    "combine_all": False,
    "score_min": None,
    "score_max": None,
    "channel": None,
    "channels": None,
    "rubric_id": None,
    "reviewer_id": None,
    "current_conversation_id": None,
    "action": None,
    "actor": None,
    "target": None,
}
ATTACK_IDS = {
    # (viewer kind) -> ids that belong to somebody else
    "agent": {"agent": "agent_cat", "team": "Tech", "other_agent_same_team": "agent_bob"},
    "manager": {"agent": "agent_cat", "team": "Tech", "other_agent_same_team": "agent_dan"},
}


def _param_sets(world: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    own_agent = "agent_ann"
    other = ATTACK_IDS[kind]
    own = {
        "agent_id": own_agent,
        "agents": [own_agent],
        "team": "Billing",
        "teams": ["Billing"],
        "conversation_id": world["by_agent"][own_agent][0],
        "review_id": world["review_of"][own_agent],
        "dispute_id": world["dispute_of"][own_agent],
        "coaching_session_id": world["coaching_of"][own_agent],
        "calibration_session_id": world["calibration"],
        "series": "agent",
        "rubric_ids": [world["criterion"][0]],
        "criterion_keys": [".".join(world["criterion"])],
        "assignment_ids": list(range(1, 50)),
        "user_id": "rev1",
        "days": 28,
        "recipient": "ann",
    }
    attack = {
        **own,
        "agent_id": other["agent"],
        "agents": [other["agent"], other["other_agent_same_team"]],
        "team": other["team"],
        "teams": [other["team"], "Billing"],
        "conversation_id": world["by_agent"][other["agent"]][0],
        "review_id": world["review_of"][other["agent"]],
        "dispute_id": world["dispute_of"]["agent_cat"],
        "coaching_session_id": world["coaching_of"]["agent_cat"],
        "series": "team",
    }
    unfiltered = {**own, "agent_id": None, "agents": None, "team": None, "teams": None,
                  "conversation_id": None}  # fmt: skip
    return [own, attack, unfiltered]


def _scoped_selects() -> list[str]:
    return sorted(
        name
        for name, query in queries.catalogue().items()
        if VIEWER_PARAMS <= query.params
        and query.sql.lstrip().upper().startswith(("SELECT", "WITH"))
    )


def _flag_params(name: str) -> dict[str, Any]:
    # queue_candidates has use_* switches: turn every selector on so all branches run.
    return {p: True for p in queries.catalogue()[name].params if p.startswith("use_")} | {
        p: None for p in queries.catalogue()[name].params if p.endswith(("_at_most", "_at_least"))
    }


def _run(db: Path, name: str, viewer: Viewer, params: dict[str, Any]) -> list[dict[str, Any]]:
    query = queries.catalogue()[name]
    values = {**FIXED, **params, **_flag_params(name)}
    bound = {k: v for k, v in values.items() if k in query.params}
    with connect(db) as con:
        return queries.run(con, name, viewer=viewer, **bound)


def _normalised(rows: list[dict[str, Any]]) -> list[str]:
    def value(v: Any) -> Any:
        if isinstance(v, float):
            return None if math.isnan(v) else round(v, 6)
        if isinstance(v, (list, tuple)):
            return [value(x) for x in v]
        if isinstance(v, dict):
            return {k: value(x) for k, x in v.items()}
        return v

    return sorted(repr({k: value(v) for k, v in row.items()}) for row in rows)


def _owner_maps(db: Path) -> dict[str, dict[Any, tuple[str, str]]]:
    with connect(db) as con:
        conv = {r[0]: (r[1], r[2]) for r in con.execute(
            "SELECT conversation_id, agent_id, team FROM conversations").fetchall()}  # fmt: skip
        rev = {r[0]: conv[r[1]] for r in con.execute(
            "SELECT review_id, conversation_id FROM reviews").fetchall()}  # fmt: skip
        dis = {r[0]: conv[r[1]] for r in con.execute(
            "SELECT dispute_id, conversation_id FROM disputes").fetchall()}  # fmt: skip
    return {"conversation_id": conv, "review_id": rev, "dispute_id": dis}


def _foreign_values(row: dict[str, Any], viewer: Viewer, owners) -> list[str]:
    """Column values in `row` that belong to agents/teams the viewer may not see."""

    def visible(agent_id: str | None, team: str | None) -> bool:
        if viewer.role == "agent":
            return agent_id == viewer.agent_id
        return team in viewer.teams

    problems = []
    agent_teams = {a: t for a, t in owners["conversation_id"].values()}
    for column, value in row.items():
        if value is None:
            continue
        if column in owners and value in owners[column]:
            if not visible(*owners[column][value]):
                problems.append(f"{column}={value!r}")
        elif column == "agent_id" and value in agent_teams:
            if not visible(value, agent_teams[value]):
                problems.append(f"agent_id={value!r}")
        elif column == "team" and isinstance(value, str) and viewer.role == "manager":
            if value not in viewer.teams:
                problems.append(f"team={value!r}")
    return problems


def test_the_catalogue_has_scoped_queries_to_check():
    assert len(_scoped_selects()) >= 20


def _ownership_problems(
    world, kind: str, names: list[str]
) -> tuple[list[str], list[str], set[str]]:
    viewer = ANN if kind == "agent" else MANAGER_BILLING
    owners = _owner_maps(world["full"])
    leaks, failures, non_empty = [], [], set()
    for name in names:
        for params in _param_sets(world, kind):
            try:
                rows = _run(world["full"], name, viewer, params)
            except Exception as error:  # noqa: BLE001 - report every query that cannot run
                failures.append(f"{name}: {type(error).__name__}: {error}")
                break
            if rows:
                non_empty.add(name)
            for row in rows:
                foreign = _foreign_values(row, viewer, owners)
                if foreign:
                    leaks.append(f"{name} {params.get('agent_id')!r}: {', '.join(foreign)}")
                    break
    return leaks, failures, non_empty


def _interference(world, kind: str, names: list[str]) -> list[str]:
    viewer = ANN if kind == "agent" else MANAGER_BILLING
    differences = []
    for name in names:
        for params in _param_sets(world, kind):
            full = _normalised(_run(world["full"], name, viewer, params))
            alone = _normalised(_run(world["only"][kind], name, viewer, params))
            if full != alone:
                extra = sorted(set(full) - set(alone))[:2]
                differences.append(f"{name} (agent_id={params.get('agent_id')!r}): {extra}")
                break
    return differences


@pytest.mark.parametrize("kind", ["agent", "manager"])
def test_scoped_queries_return_only_the_viewers_rows(world, kind):
    leaks, failures, non_empty = _ownership_problems(world, kind, _scoped_selects())
    assert not failures, "queries that could not run with generic parameters:\n" + "\n".join(
        failures
    )
    assert not leaks, "rows of other agents/teams returned:\n" + "\n".join(sorted(set(leaks)))
    # Not vacuous: most scoped queries return rows to this viewer.
    assert len(non_empty) >= len(_scoped_selects()) // 2, sorted(non_empty)


@pytest.mark.parametrize("kind", ["agent", "manager"])
def test_scoped_queries_are_unaffected_by_other_agents_data(world, kind):
    with connect(world["full"]) as con:
        full_count = con.execute("SELECT count(*) FROM conversations").fetchall()[0][0]
    with connect(world["only"][kind]) as con:
        kept = con.execute("SELECT count(*) FROM conversations").fetchall()[0][0]
    assert 0 < kept < full_count  # the copy really lacks other agents' data
    differences = _interference(world, kind, _scoped_selects())
    assert not differences, "results that depend on other agents'/teams' data:\n" + "\n".join(
        differences
    )


def test_the_checks_catch_a_leaky_query(world, monkeypatch):
    """The generic checks are not vacuous: a query that forgets visible_to(...) is caught, both
    when it returns other agents' rows and when it only leaks through an aggregate."""
    leaky = {
        "leaky_rows": "SELECT c.agent_id, c.conversation_id FROM conversations AS c"
        " WHERE $viewer_role IS NOT NULL AND ($agent_id IS NULL OR c.agent_id = $agent_id)",
        "leaky_average": "SELECT avg(c.csat) AS mean_csat FROM conversations AS c"
        " WHERE $viewer_role IS NOT NULL AND $viewer_agent_id IS NOT NULL OR $viewer_teams IS NULL",
    }
    for name, sql in leaky.items():
        monkeypatch.setitem(
            queries.catalogue(), name,
            queries.NamedQuery(name, "", sql, frozenset(queries._PARAM.findall(sql)), "test"),
        )  # fmt: skip
    leaks, failures, _ = _ownership_problems(world, "agent", ["leaky_rows"])
    assert not failures and any(line.startswith("leaky_rows") for line in leaks)
    differences = _interference(world, "agent", ["leaky_rows", "leaky_average"])
    assert [d.split()[0] for d in differences] == ["leaky_rows", "leaky_average"]


def test_scoped_queries_refuse_to_run_without_a_viewer(world):
    with connect(world["full"]) as con:
        for name in _scoped_selects():
            with pytest.raises(TypeError, match="viewer"):
                queries.run(con, name)


def test_unknown_role_is_refused():
    with pytest.raises(ValueError, match="unknown role"):
        Viewer("x", "superuser")


# Unscoped reads of conversation data are allowed only for batch jobs and write helpers, never
# pages. A new one must be added here consciously (and must not be used under dashboard/).
INTERNAL_UNSCOPED = {
    "conversations_to_score",  # qa score: the whole database
    "template_reply_counts_part",  # qa score: batch statistics (the template table, a share)
    "current_review_in_chain",  # reviews.submit_review after its own visibility check
    "open_dispute_exists",  # reviews.open_dispute after its own check
    "coaching_session_exists",  # demo seeding: a count, for idempotent re-runs
    "conversation_ids_all",  # qa score: warehouse.autoscore.conversations walks every conversation
    "conversations_batch_for_scoring",  # qa score: the same, a batch at a time
    "messages_batch_for_scoring",  # qa score: their messages
    "seed_review_picks",  # qa demo: conversations the demo reviewers review
    "seed_dispute_candidates",  # qa demo: failed criteria the demo agents dispute
    "agent_ids_in_use",  # users.add_user/change_role after require(users.manage)
    "teams_in_use",  # the same, for managers' teams
}
# Unscoped reads that mention those tables but return no personal data (fine for pages).
NOT_PERSONAL = {
    "rubric_set_definition",  # rubric YAML snapshot
    "rubric_set_exists",
    "calibration_sessions",  # titles and dates only
    "calibration_reviewer_options",  # reviewer logins
    "criteria_catalogue",  # rubric criteria
    "conversation_rubric_set",  # a rubric-set hash only
    "calibration_data_version",  # counts and max ids, a cache key
    "calibration_my_progress",  # the viewer's own counts per session
    "home_calibration_in_progress",  # session titles and counts
    "coaching_data_version",  # counts and max ids, a cache key
    "seed_unseeded_review_count",  # a count (demo seeding runs once)
    "seed_scored_conversation_count",  # a count
    "conversation_count",  # a count (qa score's summary)
}
_PERSONAL_TABLES = re.compile(r"\b(conversations|messages|reviews|comments|disputes|review_criteria"
                              r"|coaching_sessions|effective_scores|conversation_scores)\b")  # fmt: skip


def test_unscoped_reads_of_conversation_data_are_known_internal_ones():
    unexpected = [
        name
        for name, query in queries.catalogue().items()
        if not query.scoped
        and query.sql.lstrip().upper().startswith(("SELECT", "WITH"))
        and _PERSONAL_TABLES.search(query.sql)
        and name not in INTERNAL_UNSCOPED | NOT_PERSONAL
    ]
    assert not unexpected, f"unscoped queries over personal data: {unexpected}"


def test_pages_never_call_internal_unscoped_queries():
    root = Path(__file__).resolve().parents[2] / "dashboard"
    offenders = [
        f"{path.relative_to(root)}: {name}"
        for path in root.rglob("*.py")
        for name in INTERNAL_UNSCOPED
        if re.search(rf"[\"']{name}[\"']", path.read_text(encoding="utf-8"))
    ]
    # Unscoped Python loaders for batch jobs (scoring) are off limits to pages too.
    offenders += [
        f"{path.relative_to(root)}: {name}"
        for path in root.rglob("*.py")
        for name in ("load_conversations", "warehouse.autoscore.conversations", "score_database")
        if name in path.read_text(encoding="utf-8")
    ]
    assert not offenders, offenders


# ---- write permissions ------------------------------------------------------------------------


def test_permission_table_names_only_known_roles():
    for action, roles in ACTIONS.items():
        assert roles and set(roles) <= set(ROLES), action
    assert not allowed(ANN, "review.submit")
    with pytest.raises(PermissionDeniedError):
        require(REVIEWER, "users.manage")


def test_agent_cannot_submit_a_review(world, tmp_path):
    db = tmp_path / "w.duckdb"
    shutil.copyfile(world["full"], db)
    with connect(db) as con, pytest.raises(PermissionDeniedError):
        reviews.submit_review(con, ANN, world["by_agent"]["agent_ann"][5], [])


def test_manager_cannot_submit_a_review(world, tmp_path):
    db = tmp_path / "w.duckdb"
    shutil.copyfile(world["full"], db)
    with connect(db) as con, pytest.raises(PermissionDeniedError):
        reviews.submit_review(con, MANAGER_BILLING, world["by_agent"]["agent_ann"][5], [])


def test_reviewer_cannot_edit_another_reviewers_review(world, tmp_path):
    db = tmp_path / "w.duckdb"
    shutil.copyfile(world["full"], db)
    review_id = world["review_of"]["agent_bob"]  # written by rev1
    with connect(db) as con:
        with pytest.raises(PermissionDeniedError):
            reviews.edit_review(con, REVIEWER2, review_id, [], overall_comment="mine now")
        # ...but the author can, and so can a QA lead.
        assert reviews.edit_review(con, REVIEWER, review_id, [], overall_comment="v2") > review_id
        current = queries.run(con, "review_versions", viewer=ADMIN,
                              conversation_id=world["by_agent"]["agent_bob"][0])  # fmt: skip
        assert current
        reviews.edit_review(
            con, LEAD, reviews_current(con, world["by_agent"]["agent_bob"][0]), [],
            overall_comment="lead edit",
        )  # fmt: skip


def reviews_current(con, conversation_id: str) -> int:
    rows = queries.run(con, "review_versions", viewer=ADMIN, conversation_id=conversation_id)
    current = [
        r for r in rows if r.get("is_current", True) and r.get("calibration_session_id") is None
    ]
    return max(r["review_id"] for r in current)


def test_agent_cannot_dispute_another_agents_review(world, tmp_path):
    db = tmp_path / "w.duckdb"
    shutil.copyfile(world["full"], db)
    rubric_id, criterion_id = world["criterion"]
    with connect(db) as con, pytest.raises(WarehouseError):
        reviews.open_dispute(
            con, ANN, world["review_of"]["agent_bob"], rubric_id, criterion_id, "x"
        )


def test_agent_and_reviewer_cannot_resolve_what_they_may_not(world, tmp_path):
    db = tmp_path / "w.duckdb"
    shutil.copyfile(world["full"], db)
    with connect(db) as con, pytest.raises(PermissionDeniedError):
        reviews.resolve_dispute(con, ANN, world["dispute_of"]["agent_ann"], "upheld", "fine by me")


def test_agent_cannot_comment_or_coach(world, tmp_path):
    db = tmp_path / "w.duckdb"
    shutil.copyfile(world["full"], db)
    with connect(db) as con:
        with pytest.raises(PermissionDeniedError):
            reviews.add_comment(con, ANN, world["by_agent"]["agent_ann"][0], "I am great")
        with pytest.raises(PermissionDeniedError):
            coaching.create_session(
                con, ANN, coaching.CoachingRequest("agent_ann", (world["criterion"],))
            )


def test_manager_cannot_coach_or_comment_outside_their_teams(world, tmp_path):
    db = tmp_path / "w.duckdb"
    shutil.copyfile(world["full"], db)
    with connect(db) as con:
        with pytest.raises(PermissionDeniedError):
            coaching.create_session(
                con, MANAGER_BILLING, coaching.CoachingRequest("agent_cat", (world["criterion"],))
            )
        # Another team's conversation is "not visible" (same answer as a missing one).
        with pytest.raises(WarehouseError, match="not visible"):
            reviews.add_comment(con, MANAGER_BILLING, world["by_agent"]["agent_cat"][0], "hi")


def test_only_leads_and_admins_run_calibration(world, tmp_path):
    db = tmp_path / "w.duckdb"
    shutil.copyfile(world["full"], db)
    with connect(db) as con:
        for viewer in (REVIEWER, MANAGER_BILLING, ANN):
            with pytest.raises(PermissionDeniedError):
                calibration.create_session(
                    con, viewer, title="t", conversation_ids=[world["by_agent"]["agent_ann"][0]],
                    reviewer_ids=["rev1"],
                )  # fmt: skip


@pytest.mark.parametrize("viewer", [LEAD, REVIEWER, MANAGER_BILLING, ANN], ids=lambda v: v.role)
def test_only_admins_manage_users(world, tmp_path, viewer):
    db = tmp_path / "w.duckdb"
    shutil.copyfile(world["full"], db)
    with connect(db) as con:
        with pytest.raises(PermissionDeniedError):
            users.add_user(con, viewer, "mallory", "admin", "mallory-password-1")
        with pytest.raises(PermissionDeniedError):
            users.disable_user(con, viewer, "bob")
        with pytest.raises(PermissionDeniedError):
            users.change_role(con, viewer, "bob", "admin")
        with pytest.raises(PermissionDeniedError):
            users.set_password(con, viewer, "bob", "plum-orchard-99")
        with pytest.raises(PermissionDeniedError):
            users.list_users(con, viewer)
        assert users.get_user(con, "mallory") is None


def test_only_admins_edit_rubrics():
    assert [r for r in ("admin", "qa_lead", "reviewer", "manager", "agent")
            if allowed(Viewer("x", r, agent_id="a", teams=("t",)), "rubrics.edit")] == ["admin"]  # fmt: skip


def test_review_dates_are_dates(world):
    # Guard for the generic parameters above: the fixture spans March 2026.
    with connect(world["full"]) as con:
        first = con.execute("SELECT min(created_at) FROM conversations").fetchall()[0][0]
    assert first.date() >= date(2026, 3, 1)


def test_manager_cannot_resolve_a_dispute_outside_their_teams(world, tmp_path):
    db = tmp_path / "w.duckdb"
    shutil.copyfile(world["full"], db)
    with connect(db) as con:
        with pytest.raises(WarehouseError, match="not visible"):
            reviews.resolve_dispute(
                con, MANAGER_TECH, world["dispute_of"]["agent_ann"], "upheld", "no"
            )
        # The Billing manager may.
        reviews.resolve_dispute(
            con, MANAGER_BILLING, world["dispute_of"]["agent_ann"], "upheld", "ok"
        )


def test_agent_cannot_acknowledge_another_agents_coaching(world, tmp_path):
    db = tmp_path / "w.duckdb"
    shutil.copyfile(world["full"], db)
    with connect(db) as con:
        with pytest.raises(PermissionDeniedError):
            coaching.acknowledge_session(con, ANN, world["coaching_of"]["agent_cat"])
        with pytest.raises(PermissionDeniedError):
            coaching.acknowledge_session(con, MANAGER_BILLING, world["coaching_of"]["agent_ann"])


# ---- roles declared once --------------------------------------------------------------------

# Role lists that are a page's layout choice for each role, not a permission (which blocks a
# role's home page shows first).
ROLE_LISTS_ALLOWED_IN = {
    "dashboard/app_pages/overview.py": "the home page's blocks per role",
    "dashboard/loaders/home.py": "the home page's blocks per role",
}


def _role_lists(path: Path) -> list[int]:
    """Lines of tuple/list/set literals of role names (2 or more) and dicts keyed by them."""
    roles = set(ROLES)

    def all_roles(nodes) -> bool:
        return len(nodes) >= 2 and all(
            isinstance(n, ast.Constant) and n.value in roles for n in nodes
        )

    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node.lineno
        for node in ast.walk(tree)
        if (isinstance(node, ast.Tuple | ast.List | ast.Set) and all_roles(node.elts))
        or (isinstance(node, ast.Dict) and all_roles(node.keys))
    ]


def test_roles_and_their_permissions_are_declared_only_in_warehouse_permissions():
    root = Path(__file__).resolve().parents[2]
    offenders = []
    for top in ("canonical", "config", "warehouse", "dashboard", "cornerstone"):
        for path in sorted((root / top).rglob("*.py")):
            relative = path.relative_to(root).as_posix()
            if relative == "warehouse/access/permissions.py" or relative in ROLE_LISTS_ALLOWED_IN:
                continue
            offenders += [f"{relative}:{line}" for line in _role_lists(path)]
    assert not offenders, (
        "role lists written out: derive them from warehouse.access.permissions "
        f"(ROLES, ROLE_LABELS, roles_with(action), allowed(viewer, action)): {offenders}"
    )


def test_every_role_has_a_label_for_people_and_some_permission():
    assert list(ROLE_LABELS) == list(ROLES)
    for role in ROLES:  # $viewer_may is then never an empty (untyped) list in SQL
        assert Viewer("x", role).params()["viewer_may"], role
