"""sampling_facts stays an exact copy of conversations ⋈ conversation_scores ⋈ rubric_scores through
scoring, re-scoring, re-imports and a schema upgrade, and the sampling preview reads it."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from tests.fixtures import add_conversation, add_rubric_set, add_scores
from warehouse import migrations
from warehouse.access.viewer import Viewer
from warehouse.autoscore import sampling_facts
from warehouse.autoscore.scores import score_database
from warehouse.reading import ingest
from warehouse.review import review_queue
from warehouse.review.sampling import QueueFilters, Selection
from warehouse.storage.connection import connect, transaction

LEAD = Viewer("lee", "qa_lead")

# Written out independently of warehouse/queries/sampling_facts.sql: what the table must equal.
JOINED = """
SELECT c.conversation_id, c.agent_id, c.team, c.channel, c.created_at, c.csat, c.nps,
       s.quality_score, s.critical_failed, s.customer_sentiment_min, s.handle_seconds,
       (SELECT map_from_entries(list((r.rubric_id, r.score))) FROM rubric_scores AS r
        WHERE r.conversation_id = c.conversation_id) AS rubric_scores
FROM conversations AS c JOIN conversation_scores AS s ON s.conversation_id = c.conversation_id
ORDER BY c.conversation_id
"""
FACTS = "SELECT * FROM sampling_facts ORDER BY conversation_id"


def facts_and_join(db_path: Path) -> tuple[list, list]:
    with connect(db_path) as con:
        return con.execute(FACTS).fetchall(), con.execute(JOINED).fetchall()


def record(cid: str, agent: str, team: str, csat: int, text: str = "Sorry, let me check") -> dict:
    messages = [
        {"role": "customer", "text": "Hi, my parcel is late and I'm angry", "sent_at": "2026-03-02T10:00:00Z"},
        {"role": "agent", "text": text, "sent_at": "2026-03-02T10:03:00Z", "author": agent},
    ]  # fmt: skip
    return {
        "conversation_id": cid, "channel": "chat", "created_at": "2026-03-02T10:00:00Z",
        "agent_id": agent, "agent_name": agent, "team": team, "csat": csat, "messages": messages,
    }  # fmt: skip


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


VERSION_1 = [record(f"c{i}", f"agent_{i % 3}", "Billing", 1 + i % 5) for i in range(12)]


@pytest.fixture
def scored(tmp_path, db_path):
    assert ingest.ingest_file(db_path, write_jsonl(tmp_path / "v1.jsonl", VERSION_1)).usable
    assert score_database(db_path, workers=1, batch_size=5).scored == 12  # three batches
    return db_path


def test_scoring_writes_the_facts_of_every_scored_conversation(scored):
    facts, joined = facts_and_join(scored)
    assert len(facts) == 12 and facts == joined
    assert all(row[-1] and len(row[-1]) == 5 for row in facts)  # five rubrics each


def test_unscored_conversations_have_no_facts_until_scored(tmp_path, scored):
    more = [record(f"n{i}", "agent_9", "Tech", 3) for i in range(3)]
    assert ingest.ingest_file(scored, write_jsonl(tmp_path / "more.jsonl", more)).new == 3
    facts, joined = facts_and_join(scored)
    assert len(facts) == 12 and facts == joined
    score_database(scored, workers=1)
    facts, joined = facts_and_join(scored)
    assert len(facts) == 15 and facts == joined


def test_rescoring_everything_replaces_the_facts_without_duplicates(scored):
    before, _ = facts_and_join(scored)
    assert score_database(scored, workers=1, batch_size=7, rescore_all=True).scored == 12
    facts, joined = facts_and_join(scored)
    assert facts == joined == before


@pytest.mark.parametrize("fast", [True, False], ids=["duckdb-ingest", "python-ingest"])
def test_reimport_with_changed_attributes_refreshes_facts_before_rescoring(
    tmp_path, scored, monkeypatch, fast
):
    if not fast:
        monkeypatch.setattr(ingest, "FAST_FORMAT", "(none)")
    changed = [dict(r) for r in VERSION_1]
    changed[0] = record("c0", "agent_7", "Tech", 5, text="Sorry about that, refund sent")
    changed[1] = {**changed[1], "csat": 1, "team": "Tech"}
    with connect(scored) as con:
        old_score = con.execute(
            "SELECT quality_score FROM conversation_scores WHERE conversation_id = 'c0'"
        ).fetchall()
    report = ingest.ingest_file(scored, write_jsonl(tmp_path / "v2.jsonl", changed))
    assert (report.updated, report.unchanged) == (2, 10)
    facts, joined = facts_and_join(scored)
    assert facts == joined
    c0 = next(row for row in facts if row[0] == "c0")
    assert c0[1:3] == ("agent_7", "Tech") and c0[7] == old_score[0][0]  # new who, stored score
    with connect(scored) as con:
        picked = review_queue.candidates(
            con, LEAD, Selection(("low_csat_nps",)), QueueFilters(teams=("Tech",)), 100
        )
    assert {r["conversation_id"] for r in picked} == {"c1"}  # c0 has CSAT 5 now, c1 moved to Tech
    assert score_database(scored, workers=1).scored == 2
    facts, joined = facts_and_join(scored)
    assert len(facts) == 12 and facts == joined


def test_a_failed_score_write_leaves_facts_and_scores_together(scored, monkeypatch):
    from warehouse import queries
    from warehouse.autoscore import scores

    with connect(scored) as con:
        before = con.execute(FACTS).fetchall()
        con.execute(
            "UPDATE conversations SET content_hash = 'changed' WHERE conversation_id = 'c3'"
        )
    real_execute = queries.execute

    def failing(con, name, viewer=None, **params):
        if name == "insert_sampling_facts_for_batch":
            raise RuntimeError("disk full")
        return real_execute(con, name, viewer, **params)

    monkeypatch.setattr(scores.queries, "execute", failing)
    with pytest.raises(RuntimeError, match="disk full"):
        score_database(scored, workers=1)
    facts, joined = facts_and_join(scored)
    assert facts == joined == before  # the whole batch rolled back, facts included


def _database_at_version_5(db_path: Path) -> None:
    """A database as the previous release left it: migrations 001-005, scored conversations."""
    con = duckdb.connect(str(db_path))
    migrations.current_version(con)
    for number, name, sql in migrations.available():
        if number <= 5:
            con.execute(sql)
            con.execute(
                "INSERT INTO schema_migrations (version, name) VALUES (?, ?)", [number, name]
            )
    add_rubric_set(con)
    for i in range(6):
        add_conversation(
            con, f"old-{i}", [{"role": "customer", "text": "hello"}], agent_id=f"agent_{i % 2}",
            team="Billing", csat=1 + i, nps=i,
        )  # fmt: skip
        add_scores(
            con, f"old-{i}", {}, quality_score=10.0 * i, critical_failed=i == 4,
            rubric_scores={"empathy": 20.0 * i, "resolution": None}, sentiment_min=-0.9 if i == 2 else 0.3,
        )  # fmt: skip
    con.execute(
        "INSERT INTO conversations SELECT * REPLACE ('unscored' AS conversation_id) FROM conversations LIMIT 1"
    )
    con.close()


def test_a_database_from_the_previous_release_upgrades_with_its_facts(db_path):
    _database_at_version_5(db_path)
    with connect(db_path) as con:
        assert (
            migrations.current_version(con) == migrations.available()[-1][0]
        )  # every migration since 5
        names = [
            r[0]
            for r in con.execute("SELECT name FROM schema_migrations ORDER BY version").fetchall()
        ]
        picked = review_queue.candidates(
            con, LEAD, Selection(("negative_sentiment", "critical_failures")),
            QueueFilters(rubric_id="empathy", score_min=0, score_max=50), 100,
        )  # fmt: skip
    assert names[5] == "sampling_facts"
    facts, joined = facts_and_join(db_path)
    assert len(facts) == 6 and facts == joined  # 'unscored' has none
    assert facts[0][-1] == {"empathy": 0.0, "resolution": None}
    assert [r["conversation_id"] for r in picked] == ["old-2"]  # old-4 fails but empathy is 80


def test_rebuild_recomputes_facts_written_around_the_scorer(db_path):
    with connect(db_path) as con:
        add_rubric_set(con)
        add_conversation(con, "x1", [{"role": "customer", "text": "hi"}], agent_id="a", team="T")
        add_scores(con, "x1", {}, quality_score=42.0, rubric_scores={"empathy": 50.0})
        assert con.execute(FACTS).fetchall() == []  # written around write_scores: no facts yet
        with transaction(con):
            sampling_facts.rebuild(con)
            sampling_facts.rebuild(con)  # idempotent
    facts, joined = facts_and_join(db_path)
    assert len(facts) == 1 and facts == joined
