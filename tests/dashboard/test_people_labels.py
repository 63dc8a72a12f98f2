"""Every page as every role (AppTest): no raw `rubric.criterion` id, no "None", "nan" or "NaT"
anywhere a person reads (titles, text, metrics, tables, pickers, chart axes and categories)."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta

import pandas as pd
import pytest

from dashboard.page_roles import PAGE_ROLES
from tests.e2_fixtures import add_reviewer_accounts, open_page
from tests.fixtures import build_small_warehouse
from warehouse import queries
from warehouse.access.viewer import Viewer
from warehouse.review import calibration, coaching, review_queue, reviews
from warehouse.storage.connection import connect

VIEWERS = {
    "admin": Viewer("admin", "admin"),
    "qa_lead": Viewer("lee", "qa_lead"),
    "reviewer": Viewer("rita", "reviewer"),
    "manager": Viewer("meg", "manager", teams=("Billing",)),
    "agent": Viewer("ann", "agent", agent_id="agent_ann"),
}
# The audit log's details column is the raw record of what was done (JSON, for admins), on purpose.
RAW_BY_DESIGN = {("audit_log", "table column details")}
MISSING_WORDS = re.compile(r"(?<![\w-])(None|nan|NaN|NaT)(?![\w-])")
# Pages that need a conversation chosen show a prompt without one; still walked.


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    db = tmp_path_factory.mktemp("labels") / "w.duckdb"
    info = build_small_warehouse(db, with_users=True)
    lead, rita = VIEWERS["qa_lead"], VIEWERS["reviewer"]
    with connect(db) as con:
        add_reviewer_accounts(con, ["sam"])
        review_queue.assign(con, lead, info.by_agent["agent_ann"][:3], "rita")
        first = reviews.submit_review(con, rita, info.by_agent["agent_ann"][0], [], "Well done")
        rubric_id, criterion_id = next(
            (r["rubric_id"], r["criterion_id"])
            for r in queries.run(con, "review_criteria_of", viewer=lead, review_id=first)
        )
        reviews.open_dispute(con, VIEWERS["agent"], first, rubric_id, criterion_id, "I disagree")
        coaching.create_session(
            con, VIEWERS["manager"],
            coaching.CoachingRequest(
                agent_id="agent_ann", focus_criteria=((rubric_id, criterion_id),),
                due_date=date.today() + timedelta(days=5), held_at=datetime(2026, 3, 12, 10),
            ),
        )  # fmt: skip
        session = calibration.create_session(
            con, lead, title="Round one", conversation_ids=info.by_agent["agent_cat"][:2],
            reviewer_ids=["rita", "sam"],
        )  # fmt: skip
        for reviewer in (rita, Viewer("sam", "reviewer")):
            for conversation_id in info.by_agent["agent_cat"][:2]:
                reviews.submit_review(
                    con, reviewer, conversation_id, [], calibration_session_id=session
                )
        keys = {
            f"{r}.{c}"
            for r, c in con.execute(
                "SELECT DISTINCT rubric_id, criterion_id FROM criterion_scores"
            ).fetchall()
        }
    return db, keys


def _texts(at) -> list[tuple[str, str]]:
    """(where, text) of everything a person reads on the page."""
    found: list[tuple[str, str]] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "text", "info",
                 "warning", "error", "success", "code"):  # fmt: skip
        for element in getattr(at, kind):
            found.append((kind, str(element.value)))
    for metric in at.metric:
        found.append(("metric", f"{metric.label}: {metric.value}"))
    for kind in ("selectbox", "multiselect", "radio"):
        for element in getattr(at, kind):
            found.append((f"{kind} {element.label}", " | ".join(map(str, element.options))))
    for element in at.dataframe:
        frame = element.value
        if isinstance(frame, pd.DataFrame):
            found.append(("table columns", " | ".join(map(str, frame.columns))))
            for column in frame.columns:
                cells = frame[column]
                if cells.isna().any():
                    found.append((f"table column {column}", "None"))  # shown as "None"
                found.append((f"table column {column}", " | ".join(map(str, cells.dropna()))))
    for chart in at.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        layout = spec.get("layout", {})
        titles = [layout.get("title", {}).get("text", "")]
        for axis in ("xaxis", "yaxis"):
            titles.append(str(layout.get(axis, {}).get("title", {}).get("text", "")))
        found.append(("chart titles", " | ".join(titles)))
        for trace in spec.get("data", []):
            for axis in ("x", "y"):
                values = trace.get(axis) or []
                if isinstance(values, list) and values and isinstance(values[0], str):
                    found.append((f"chart {axis} categories", " | ".join(values)))
    return found


PAIRS = [(page, role) for page, roles in PAGE_ROLES.items() for role in roles]


@pytest.mark.parametrize(("page", "role"), PAIRS, ids=[f"{p}-{r}" for p, r in PAIRS])
def test_no_page_shows_raw_ids_or_missing_words(world, monkeypatch, page, role):
    db, keys = world
    monkeypatch.setenv("CORNERSTONE_DB", str(db))
    at = open_page(VIEWERS[role], page)
    assert not at.exception, [e.value for e in at.exception]
    problems = []
    for where, text in _texts(at):
        if (page, where) in RAW_BY_DESIGN:
            continue
        raw = sorted(k for k in keys if re.search(rf"(?<![\w.]){re.escape(k)}(?![\w])", text))
        if raw:
            problems.append(f"{where}: raw criterion id(s) {raw}: {text[:160]!r}")
        if MISSING_WORDS.search(text):
            problems.append(f"{where}: missing value shown as a word: {text[:160]!r}")
    assert not problems, "\n".join(problems)
