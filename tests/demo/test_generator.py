"""The demo generator: deterministic, streaming, canonical, and with every cornerstone both ways."""

from __future__ import annotations

import csv
import json
import statistics
import tracemalloc
from collections import Counter
from datetime import date, datetime
from pathlib import Path

import pytest

from cornerstone.demo.dialogue import tables
from cornerstone.demo.generator import (
    BLOCK_SIZE,
    CSV_COLUMNS,
    generate,
    iter_conversations,
)
from cornerstone.demo.roster import DEFAULT_END_DATE, DEFAULT_MONTHS, DEFAULT_SEED, build_roster
from tests.demo.behaviours import (
    BAD,
    BEHAVIOURS,
    customer_upset,
    first_response_seconds,
    something_went_wrong,
    spearman,
)

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample_conversations.jsonl"
SAMPLE_SIZE = 200


@pytest.fixture(scope="module")
def sample_2k() -> list:
    return list(iter_conversations(2000))


@pytest.fixture(scope="module")
def file_2k(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.jsonl"
    generate(path, 2000)
    return path


def test_same_seed_gives_same_bytes(tmp_path: Path) -> None:
    generate(tmp_path / "a.jsonl", 500, seed=11)
    generate(tmp_path / "b.jsonl", 500, seed=11)
    generate(tmp_path / "c.jsonl", 500, seed=12)
    a = (tmp_path / "a.jsonl").read_bytes()
    assert a == (tmp_path / "b.jsonl").read_bytes()
    assert a != (tmp_path / "c.jsonl").read_bytes()


def test_worker_processes_do_not_change_the_output(tmp_path: Path) -> None:
    count = BLOCK_SIZE * 2 + 321
    one = generate(tmp_path / "one.jsonl", count, workers=1)
    two = generate(tmp_path / "two.jsonl", count, workers=2)
    assert (tmp_path / "one.jsonl").read_bytes() == (tmp_path / "two.jsonl").read_bytes()
    assert one.messages == two.messages and one.conversations == count


def test_committed_sample_is_exactly_what_the_generator_makes(tmp_path: Path) -> None:
    generate(tmp_path / "sample.jsonl", SAMPLE_SIZE, seed=DEFAULT_SEED)
    assert SAMPLE.read_bytes() == (tmp_path / "sample.jsonl").read_bytes(), (
        "data/sample_conversations.jsonl drifted from the generator: regenerate it with "
        "python -m cornerstone.demo.generator data/sample_conversations.jsonl 200"
    )


def test_summary_counts_what_was_written(file_2k: Path) -> None:
    lines = file_2k.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2000
    records = [json.loads(line) for line in lines]
    assert [r["conversation_id"] for r in records] == [f"demo-{i:07d}" for i in range(1, 2001)]
    summary = generate(file_2k.with_name("again.jsonl"), 2000)
    assert summary.messages == sum(len(r["messages"]) for r in records)
    assert summary.bytes == file_2k.stat().st_size
    assert 6 <= summary.messages / 2000 <= 11  # "~8M messages for 1M conversations"


def test_file_and_in_process_conversations_agree(file_2k: Path, sample_2k: list) -> None:
    for line, conversation in zip(
        file_2k.read_text(encoding="utf-8").splitlines(), sample_2k, strict=True
    ):
        record = json.loads(line)
        assert record["conversation_id"] == conversation.conversation_id
        assert [m["text"] for m in record["messages"]] == [m.text for m in conversation.messages]
        assert [m["role"] for m in record["messages"]] == [m.role for m in conversation.messages]
        assert record.get("csat") == conversation.csat
        assert record.get("customer_name") == conversation.customer_name


def test_records_follow_the_canonical_format(file_2k: Path) -> None:
    allowed = {
        "conversation_id", "channel", "created_at", "status", "agent_id", "agent_name", "team",
        "customer_id", "customer_name", "csat", "nps", "ces", "tags", "subject", "messages",
    }  # fmt: skip
    for line in file_2k.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        assert set(record) <= allowed
        assert record["messages"]
        for message in record["messages"]:
            assert set(message) <= {"role", "author", "text", "sent_at", "internal"}
            assert message["role"] in ("customer", "agent", "bot", "system")
            assert message["text"].strip()
            if "sent_at" in message:
                assert datetime.fromisoformat(message["sent_at"]).tzinfo is not None
        for key, low, high in (("csat", 1, 5), ("nps", 0, 10), ("ces", 1, 7)):
            if key in record:
                assert low <= record[key] <= high


def test_every_channel_role_and_gap_is_present(sample_2k: list) -> None:
    channels = Counter(c.channel for c in sample_2k)
    assert set(channels) == {"chat", "email", "phone", "social"}
    assert min(channels.values()) >= 100
    roles = Counter(m.role for c in sample_2k for m in c.messages)
    assert set(roles) == {"customer", "agent", "bot", "system"}
    assert any(m.internal for c in sample_2k for m in c.messages)
    assert any(c.customer_name is None for c in sample_2k)
    assert any(all(m.sent_at is None for m in c.messages) for c in sample_2k)
    assert any(c.created_at is None for c in sample_2k)
    with_csat = sum(c.csat is not None for c in sample_2k)
    assert 0.2 * 2000 < with_csat < 0.5 * 2000
    assert any(c.nps is not None for c in sample_2k) and any(c.ces is not None for c in sample_2k)
    assert all(c.subject for c in sample_2k if c.channel == "email")


def test_local_offsets_are_written_and_normalise_to_the_same_instant(file_2k: Path) -> None:
    offsets = Counter()
    for line in file_2k.read_text(encoding="utf-8").splitlines():
        for message in json.loads(line)["messages"]:
            if "sent_at" in message:
                offsets[message["sent_at"][19:]] += 1
    assert offsets["Z"] > 0 and len(offsets) > 1


def test_dates_cover_the_period_in_order(sample_2k: list) -> None:
    roster = build_roster()
    days = [c.created_at.date() for c in sample_2k if c.created_at is not None]
    assert (min(days) - roster.start_date).days <= 2
    assert roster.end_date - max(days) <= (roster.end_date - roster.start_date) / 50
    months = Counter((d.year, d.month) for d in days)
    assert len(months) >= DEFAULT_MONTHS
    assert days == sorted(days)


@pytest.mark.parametrize("behaviour", sorted(BEHAVIOURS))
def test_each_handling_behaviour_is_present_both_ways(sample_2k: list, behaviour: str) -> None:
    shown = sum(BEHAVIOURS[behaviour](c) for c in sample_2k)
    assert 20 <= shown <= 2000 - 20, f"{behaviour}: {shown} of 2000"


def test_upset_customers_get_an_apology_sometimes_and_sometimes_not(sample_2k: list) -> None:
    due = [c for c in sample_2k if customer_upset(c) and something_went_wrong(c)]
    apologised = sum(BEHAVIOURS["apology"](c) for c in due)
    acknowledged = sum(BEHAVIOURS["acknowledge_feelings"](c) for c in due)
    assert len(due) > 200
    assert 50 < apologised < len(due) - 50
    assert 30 < acknowledged < len(due) - 30
    calm_fine = [c for c in sample_2k if not customer_upset(c) and not something_went_wrong(c)]
    assert len(calm_fine) > 100  # conversations where no apology is needed (N/A)


def test_surveys_follow_the_agents_quality(sample_2k: list) -> None:
    quality = {agent.agent_id: agent.quality for agent in build_roster().agents}
    for field in ("csat", "nps", "ces"):
        rated = [c for c in sample_2k if getattr(c, field) is not None]
        rho = spearman([getattr(c, field) for c in rated], [quality[c.agent_id] for c in rated])
        assert rho > 0.3, f"{field}: Spearman {rho:.2f} on {len(rated)} answers"
    rated = [c for c in sample_2k if c.csat is not None]
    assert len(Counter(c.csat for c in rated)) == 5  # noise: every answer occurs


def test_slow_agents_answer_later_and_email_is_slower_than_chat(sample_2k: list) -> None:
    roster = build_roster()
    slow = {a.agent_id for a in roster.agents if a.archetype == "slow"}
    by = {}
    for channel in ("chat", "email"):
        for is_slow in (True, False):
            seconds = [
                s
                for c in sample_2k
                if c.channel == channel and (c.agent_id in slow) == is_slow
                and (s := first_response_seconds(c)) is not None
            ]  # fmt: skip
            by[channel, is_slow] = statistics.median(seconds)
    assert by["chat", True] > 2 * by["chat", False]
    assert by["email", True] > 2 * by["email", False]
    assert by["email", False] > 20 * by["chat", False]


def _focus_rate(conversations: list, habits: list[str]) -> float:
    values = [
        (not BEHAVIOURS[h](c)) if h in BAD else BEHAVIOURS[h](c)
        for c in conversations
        for h in habits
    ]
    return sum(values) / len(values)


def test_coached_agents_do_better_on_their_focus_after_the_session() -> None:
    from cornerstone.demo.roster import CRITERION_HABITS

    roster = build_roster()
    conversations = [c for c in iter_conversations(10_000) if c.created_at is not None]
    gains = []
    for event in roster.coaching_events:
        habits = [
            h for criterion in event.focus_criteria for h in CRITERION_HABITS[criterion]
            if h in BEHAVIOURS
        ]  # fmt: skip
        mine = [c for c in conversations if c.agent_id == event.agent_id]
        before = [c for c in mine if c.created_at.date() < event.coached_on]
        after = [c for c in mine if c.created_at.date() >= event.coached_on]
        assert len(before) >= 20 and len(after) >= 20
        gains.append(_focus_rate(after, habits) - _focus_rate(before, habits))
    assert len(gains) >= 12
    assert statistics.mean(gains) > 0.2
    assert sum(g > 0.05 for g in gains) >= 0.8 * len(gains), gains


def test_team_drifts_show_in_the_handling(sample_2k: list) -> None:
    from tests.demo.behaviours import good_handling

    roster = build_roster()
    span = (roster.end_date - roster.start_date).days
    for team in roster.teams:
        early, late = [], []
        for c in sample_2k:
            if c.team != team.name or c.created_at is None:
                continue
            position = (c.created_at.date() - roster.start_date).days / span
            if position < 1 / 3:
                early.append(good_handling(c))
            elif position > 2 / 3:
                late.append(good_handling(c))
        change = statistics.mean(late) - statistics.mean(early)
        if team.trend == "up":
            assert change > 0.04, (team.name, change)
        elif team.trend == "down":
            assert change < -0.04, (team.name, change)
        else:
            assert abs(change) < 0.08, (team.name, change)


def test_canned_replies_are_verbatim_across_customers(sample_2k: list) -> None:
    texts = Counter(
        m.text for c in sample_2k for m in c.messages if m.role == "agent" and len(m.text) > 80
    )
    repeated = [text for text, n in texts.items() if n >= 10]
    assert repeated and all("{" not in text for text in repeated)


def test_memory_does_not_grow_with_the_number_of_conversations(tmp_path: Path) -> None:
    tables(DEFAULT_SEED, DEFAULT_END_DATE, DEFAULT_MONTHS)  # cached lookup tables are not per-N
    peaks = {}
    for count in (2_000, 20_000):
        tracemalloc.start()
        generate(tmp_path / f"{count}.jsonl", count)
        peaks[count] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert peaks[20_000] < 1.5 * peaks[2_000], peaks


def test_csv_layout_has_one_row_per_message(tmp_path: Path) -> None:
    jsonl = generate(tmp_path / "demo.jsonl", 300)
    generate(tmp_path / "demo.csv", 300, fmt="csv")
    with open(tmp_path / "demo.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert len(rows) == jsonl.messages
    records = [json.loads(line) for line in (tmp_path / "demo.jsonl").read_text().splitlines()]
    texts = [m["text"] for r in records for m in r["messages"]]
    assert [row["text"] for row in rows] == texts  # embedded newlines survive the round trip
    assert rows[0]["tags"] == ";".join(records[0]["tags"])


def test_bad_arguments_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="fmt"):
        generate(tmp_path / "x", 10, fmt="xml")
    with pytest.raises(ValueError, match="conversations"):
        generate(tmp_path / "x", -1)
    assert generate(tmp_path / "empty.jsonl", 0).conversations == 0


def test_end_date_moves_the_period(tmp_path: Path) -> None:
    conversations = list(iter_conversations(300, end_date=date(2025, 3, 31)))
    days = [c.created_at.date() for c in conversations if c.created_at]
    assert max(days) <= date(2025, 4, 1) and min(days) >= date(2024, 9, 1)
