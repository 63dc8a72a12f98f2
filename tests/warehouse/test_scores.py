"""`qa score` against a real DuckDB file: incremental selection, rubric changes, bulk writes, scoped reads."""

from __future__ import annotations

import json
import shutil

from cornerstone.cli import main
from cornerstone.demo.generator import generate
from scoring.loader import DEFAULT_RUBRICS_DIR, load_rubrics
from warehouse import queries
from warehouse.access.viewer import SYSTEM, Viewer
from warehouse.autoscore.scores import score_database
from warehouse.reading.ingest import ingest_file
from warehouse.storage.connection import connect

CRITERIA = sum(len(r.criteria) for r in load_rubrics().rubrics)


def demo_db(tmp_path, db_path, conversations=400):
    source = tmp_path / "demo.jsonl"
    generate(source, conversations=conversations, seed=9)
    assert ingest_file(db_path, source).usable
    return source


def counts(db_path):
    with connect(db_path) as con:
        return {
            table: con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
            for table in ("conversation_scores", "rubric_scores", "criterion_scores", "rubric_sets")
        }


def test_scores_every_conversation_then_nothing_when_unchanged(tmp_path, db_path):
    demo_db(tmp_path, db_path)
    first = score_database(db_path, workers=2, batch_size=150)
    assert (first.selected, first.scored) == (400, 400)
    after = counts(db_path)
    assert after["conversation_scores"] == 400 and after["rubric_scores"] == 2000
    assert after["criterion_scores"] == 400 * CRITERIA and after["rubric_sets"] == 1
    again = score_database(db_path, workers=2)
    assert (again.selected, again.scored) == (0, 0)
    assert counts(db_path) == after
    assert score_database(db_path, workers=1, rescore_all=True).scored == 400
    assert counts(db_path) == after


def test_changed_content_is_rescored_and_only_it(tmp_path, db_path):
    demo_db(tmp_path, db_path, conversations=50)
    score_database(db_path, workers=1)
    with connect(db_path) as con:
        con.execute(
            "UPDATE conversations SET content_hash = 'changed' WHERE conversation_id = 'demo-0000007'"
        )
    run = score_database(db_path, workers=1)
    assert run.scored == 1
    with connect(db_path) as con:
        rows = con.execute(
            "SELECT content_hash FROM conversation_scores WHERE conversation_id = 'demo-0000007'"
        ).fetchall()
    assert rows == [("changed",)]


def test_a_rubric_change_rescores_everything_and_records_the_new_set(tmp_path, db_path):
    demo_db(tmp_path, db_path, conversations=60)
    rubrics = tmp_path / "rubrics"
    shutil.copytree(DEFAULT_RUBRICS_DIR, rubrics)
    first = score_database(db_path, rubrics, workers=1)
    path = rubrics / "personalisation.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("weight: 10", "weight: 15"), encoding="utf-8"
    )
    second = score_database(db_path, rubrics, workers=1)
    assert second.rubric_set_hash != first.rubric_set_hash and second.scored == 60
    with connect(db_path) as con:
        hashes = con.execute("SELECT DISTINCT rubric_set_hash FROM conversation_scores").fetchall()
        definition = con.execute(
            "SELECT definition FROM rubric_sets WHERE rubric_set_hash = ?", [second.rubric_set_hash]
        ).fetchall()[0][0]
    assert hashes == [(second.rubric_set_hash,)]
    weights = {r["id"]: r["weight"] for r in json.loads(definition)["rubrics"]}
    assert weights["personalisation"] == 15
    with connect(db_path) as con:
        changes = con.execute(
            "SELECT target FROM audit_log WHERE action = 'rubric.change' ORDER BY audit_id"
        ).fetchall()
    assert [t for (t,) in changes] == [first.rubric_set_hash, second.rubric_set_hash]


def test_stored_evidence_and_scoped_reads(tmp_path, db_path):
    demo_db(tmp_path, db_path, conversations=80)
    score_database(db_path, workers=1)
    with connect(db_path) as con:
        row = con.execute(
            "SELECT conversation_id, agent_id, team FROM conversations ORDER BY 1 LIMIT 1"
        ).fetchall()[0]
        conversation_id, agent_id, team = row
        criteria = queries.run(
            con, "criterion_scores_for_conversation", viewer=SYSTEM, conversation_id=conversation_id
        )
        texts = [
            r[0]
            for r in con.execute(
                "SELECT text FROM messages WHERE conversation_id = ? ORDER BY message_index",
                [conversation_id],
            ).fetchall()
        ]
        own = Viewer("a", "agent", agent_id=agent_id)
        other = Viewer("b", "agent", agent_id="agent-nobody")
        manager = Viewer("m", "manager", teams=(team,))
        assert queries.run(con, "scored_conversation", viewer=own, conversation_id=conversation_id)
        assert queries.run(
            con, "scored_conversation", viewer=manager, conversation_id=conversation_id
        )
        assert not queries.run(
            con, "scored_conversation", viewer=other, conversation_id=conversation_id
        )
        assert not queries.run(
            con, "criterion_scores_for_conversation", viewer=other, conversation_id=conversation_id
        )
        summary = queries.run(con, "score_summary", viewer=SYSTEM)
    assert len(criteria) == CRITERIA
    quotes = 0
    for criterion in criteria:
        for e in json.loads(criterion["evidence"]):
            assert texts[e["message_index"]][e["start"] : e["end"]] == e["quote"]
            quotes += 1
    assert quotes > 0
    assert {r["rubric_id"] for r in summary} == {
        "responsiveness",
        "empathy",
        "resolution",
        "personalisation",
        "communication",
    }
    assert all(r["conversations"] == 80 for r in summary)


def test_qa_score_command(tmp_path, db_path, capsys):
    demo_db(tmp_path, db_path, conversations=30)
    assert main(["score", "--db", str(db_path), "--quiet", "--workers", "1"]) == 0
    assert "scored 30 of 30" in capsys.readouterr().out
    assert main(["score", "--db", str(db_path), "--quiet", "--all", "--workers", "1"]) == 0
    assert "scored 30 of 30" in capsys.readouterr().out
    bad = tmp_path / "bad_rubrics"
    bad.mkdir()
    (bad / "x.yaml").write_text(
        "id: x\nname: X\nweight: 1\ncriteria:\n  - id: a\n", encoding="utf-8"
    )
    assert main(["score", "--db", str(db_path), "--rubrics", str(bad), "--quiet"]) == 2
    assert "question: required field is missing" in capsys.readouterr().err


def test_the_template_table_counted_in_short_reads_equals_one_read(tmp_path, db_path):
    """template_hashes reads the database in shares (so pages never wait for the whole count):
    a reply sent in 25 conversations (the threshold is 20) is a template whatever the number of
    shares, one sent in 15 never is."""
    from scoring.signals import normalise_reply
    from scoring.templates import reply_hash, template_settings
    from warehouse.autoscore.scores import template_hashes

    rubric_set = load_rubrics(DEFAULT_RUBRICS_DIR)
    min_chars, min_conversations = template_settings(rubric_set)
    assert min_conversations == 20
    often = "Thanks  for waiting, I have   escalated this to our billing team today."
    sometimes = "Your replacement parcel left our warehouse this morning and is on its way."
    assert min(len(often), len(sometimes)) >= min_chars
    records = []
    for i in range(60):
        reply = often if i < 25 else sometimes if i < 40 else f"Reply number {i} for you."
        records.append(
            {"conversation_id": f"t{i:03d}", "channel": "chat", "messages": [
                {"role": "customer", "text": "Where is my parcel?"},
                {"role": "agent", "text": reply.upper() if i % 2 else reply},
            ]}
        )  # fmt: skip
    path = tmp_path / "templates.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    ingest_file(db_path, path)
    found = {parts: template_hashes(db_path, rubric_set, parts) for parts in (1, 8, 30)}
    assert found[1] == found[8] == found[30] == {reply_hash(normalise_reply(often))}
