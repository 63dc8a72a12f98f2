"""Deterministic, streaming generator of realistic demo conversations (canonical JSONL or CSV).

`generate(path, conversations=N, seed=S)` writes N conversations without holding them in memory:
conversations are made in fixed blocks of `BLOCK_SIZE`, each block from its own
`random.Random(f"{seed}:{block}")`, so the bytes depend only on (seed, N, end_date, months) and
never on the number of worker processes. Conversation i falls on day ~ i/N of the period, so the
file runs in date order and every size covers the whole period (trends show at any N).

Each conversation is handled by a roster agent whose habits of the day (team drift and coaching
included, see `roster.Roster.effective_habits`) decide, one coin at a time, whether they greet,
acknowledge feelings, apologise, blame, solve, confirm, personalise or paste a canned reply, and
how fast they answer. Survey answers follow the resulting handling quality with noise.
"""

from __future__ import annotations

import csv
import io
import math
import multiprocessing
import os
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache
from json.encoder import encode_basestring as _json_string
from pathlib import Path

from cornerstone.demo import phrases as P
from cornerstone.demo.roster import (
    BAD_HABITS,
    CHANNELS,
    DEFAULT_END_DATE,
    DEFAULT_MONTHS,
    DEFAULT_SEED,
    GOOD_HABITS,
    build_roster,
)
from cornerstone.model import Conversation, Message

BLOCK_SIZE = 2_000
CSV_COLUMNS = (
    "conversation_id", "channel", "created_at", "status", "agent_id", "agent_name", "team",
    "customer_id", "customer_name", "csat", "nps", "ces", "tags", "subject",
    "role", "author", "text", "sent_at", "internal",
)  # fmt: skip

# Typical delays in seconds: (first response, agent reply gap, customer reply gap).
CHANNEL_DELAYS = {
    "chat": (50.0, 45.0, 35.0),
    "email": (3.5 * 3600, 2.5 * 3600, 4 * 3600),
    "phone": (25.0, 12.0, 10.0),
    "social": (30 * 60.0, 15 * 60.0, 20 * 60.0),
}
# Share of conversations that lack something, as real exports do.
NO_TIMESTAMPS = 0.03
NO_CREATED_AT = 0.005
NO_CUSTOMER_NAME = 0.02
LOCAL_OFFSET = 0.05  # timestamps written with a local offset instead of Z
CSAT_RATE, NPS_RATE, CES_RATE = 0.35, 0.2, 0.15
# Busy hours weigh more: 8:00-20:00 UTC carry most conversations.
_HOUR_WEIGHTS = (1, 1, 1, 1, 1, 2, 3, 5, 8, 10, 10, 10, 9, 9, 10, 10, 9, 8, 7, 6, 4, 3, 2, 1)
_OFFSETS = ((3600, "+01:00"), (7200, "+02:00"), (-18000, "-05:00"), (19800, "+05:30"))

# Habit indices in the per-day habit tuple (GOOD_HABITS then BAD_HABITS, then speed).
_H = {name: i for i, name in enumerate(GOOD_HABITS + BAD_HABITS)}
_SPEED = len(_H)


@dataclass(frozen=True, slots=True)
class GenerationSummary:
    path: Path
    conversations: int
    messages: int
    bytes: int
    seconds: float

    @property
    def conversations_per_second(self) -> float:
        return self.conversations / self.seconds if self.seconds else float("inf")

    @property
    def megabytes_per_second(self) -> float:
        return self.bytes / 1e6 / self.seconds if self.seconds else float("inf")


@dataclass(frozen=True)
class _Context:
    """Everything precomputed once per (seed, end_date, months): lookup tables, not objects."""

    seed: int
    days: int
    start: date
    agents: tuple[tuple[str, str, str, str], ...]  # agent_id, name, first name, team
    agent_pick: tuple[int, ...]  # agent index lookup table (workload weights)
    channel_pick: tuple[tuple[str, ...], ...]  # per agent: channel lookup table (team mix)
    customers: tuple[tuple[str, str, str, tuple[tuple[str, str], ...]], ...]
    topic_pick: tuple[int, ...]
    hour_pick: tuple[int, ...]
    day_prefix: tuple[str, ...]  # index d + 1 -> "YYYY-MM-DDT" (d may be -1)
    habits: tuple[tuple[tuple[float, ...], ...], ...]  # [agent][day] -> probabilities + speed


@cache
def _context(seed: int, end_date: date, months: int) -> _Context:
    roster = build_roster(seed, end_date, months)
    rng = random.Random(f"cornerstone-context-{seed}")
    days = (roster.end_date - roster.start_date).days + 1
    agents = tuple((a.agent_id, a.name, a.name.split()[0], a.team) for a in roster.agents)
    agent_pick: list[int] = []
    for index in range(len(agents)):
        agent_pick += [index] * rng.randint(6, 14)
    channel_pick = []
    for agent in roster.agents:
        weights = roster.team(agent.team).channel_weights
        table: list[str] = []
        for channel, weight in zip(CHANNELS, weights, strict=True):
            table += [channel] * round(weight * 100)
        channel_pick.append(tuple(table))
    customers = tuple(
        (
            c.customer_id,
            c.name,
            c.name.split()[0],
            tuple((o.order_number, o.product) for o in c.orders),
        )
        for c in roster.customers
    )
    topic_pick: list[int] = []
    for index, topic in enumerate(P.TOPICS):
        topic_pick += [index] * round(topic.weight * 10)
    hour_pick: list[int] = []
    for hour, weight in enumerate(_HOUR_WEIGHTS):
        hour_pick += [hour] * weight
    day_prefix = tuple(
        (roster.start_date + timedelta(days=d)).isoformat() + "T" for d in range(-1, days + 60)
    )
    habits = []
    for agent in roster.agents:
        per_day = []
        for d in range(days):
            day_habits = roster.effective_habits(agent, roster.start_date + timedelta(days=d))
            values = dict(day_habits.probabilities)
            per_day.append(tuple(values[h] for h in GOOD_HABITS + BAD_HABITS) + (day_habits.speed,))
        habits.append(tuple(per_day))
    return _Context(
        seed, days, roster.start_date, agents, tuple(agent_pick), tuple(channel_pick), customers,
        tuple(topic_pick), tuple(hour_pick), day_prefix, tuple(habits),
    )  # fmt: skip


def _join(pieces: list[str], email: bool) -> str:
    return ("\n\n" if email else " ").join(pieces)


def _run_on(pieces: list[str]) -> str:
    """A rambling agent's turn: every piece strung into one long sentence."""
    return ", and ".join(piece.rstrip(".!?") for piece in pieces) + "."


def _conversations(
    ctx: _Context, block: int, first: int, count: int, total: int
) -> Iterator[tuple[tuple, list[tuple]]]:
    """Conversations first..first+count-1 as (header, messages) tuples, from the block's own RNG."""
    rng = random.Random(f"{ctx.seed}:{block}")
    rand, randrange, choice, gauss = rng.random, rng.randrange, rng.choice, rng.gauss
    lognormal = rng.lognormvariate
    agents, agent_pick, channel_pick = ctx.agents, ctx.agent_pick, ctx.channel_pick
    customers, topic_pick, hour_pick = ctx.customers, ctx.topic_pick, ctx.hour_pick
    n_agent_pick, n_customers, n_topic_pick = len(agent_pick), len(customers), len(topic_pick)
    n_hour_pick = len(hour_pick)
    habits_table, prefix, days = ctx.habits, ctx.day_prefix, ctx.days
    topics = P.TOPICS
    h = _H
    i_greeting, i_closing, i_ack = h["greeting"], h["closing"], h["acknowledge"]
    i_expect, i_feel, i_apology = h["set_expectations"], h["acknowledge_feelings"], h["apology"]
    i_explore = h["explore"]
    i_warm, i_solution, i_confirm = h["warmth"], h["solution"], h["confirm_resolution"]
    i_choices, i_follow, i_name = h["offer_choices"], h["follow_up"], h["use_name"]
    i_specific, i_feedback, i_blame = h["specific_reference"], h["ask_feedback"], h["blame"]
    i_canned, i_shout, i_profane, i_ramble = (
        h["canned"],
        h["shouting"],
        h["profanity"],
        h["rambling"],
    )

    def stamp(seconds: int, shift: int, suffix: str) -> str:
        seconds += shift
        d, rest = divmod(seconds, 86400)
        hour, rest = divmod(rest, 3600)
        minute, second = divmod(rest, 60)
        return f"{prefix[d + 1]}{hour:02d}:{minute:02d}:{second:02d}{suffix}"

    for number in range(first, first + count):
        day = min(days - 1, int((number + rand()) * days / total))
        t = day * 86400 + hour_pick[int(rand() * n_hour_pick)] * 3600 + randrange(3600)
        agent_index = agent_pick[int(rand() * n_agent_pick)]
        agent_id, agent_name, agent_first, team = agents[agent_index]
        table = channel_pick[agent_index]
        channel = table[int(rand() * len(table))]
        customer_id, customer_name, first_name, orders = customers[int(rand() * n_customers)]
        order, product = orders[int(rand() * len(orders))]
        topic = topics[topic_pick[int(rand() * n_topic_pick)]]
        angry = rand() < topic.anger_rate
        p = habits_table[agent_index][day]
        slots = {"first": first_name, "order": order, "product": product, "agent": agent_first,
                 "eta": choice(P.ETAS)}  # fmt: skip
        first_delay, agent_gap, customer_gap = CHANNEL_DELAYS[channel]
        speed = p[_SPEED]
        email = channel == "email"

        canned = rand() < p[i_canned]
        use_name = not canned and rand() < p[i_name]
        specific = not canned and rand() < p[i_specific]
        greet = rand() < p[i_greeting]
        feel = angry and rand() < p[i_feel]
        apology = rand() < p[i_apology]  # only said where something went wrong (below)
        explore = rand() < p[i_explore]
        blame = rand() < p[i_blame] * (1.6 if angry else 0.6)
        acknowledge = rand() < p[i_ack]
        solution = rand() < p[i_solution]
        choices = bool(topic.choices) and rand() < p[i_choices]
        follow_up = rand() < p[i_follow] * (0.9 if not solution else 0.35)
        expectations = rand() < p[i_expect]
        confirm = rand() < p[i_confirm]
        warm = rand() < p[i_warm]
        feedback = rand() < p[i_feedback]
        closing = rand() < p[i_closing]
        shout = rand() < p[i_shout] * (2.0 if angry else 1.0)
        profane = rand() < p[i_profane]
        ramble = rand() < p[i_ramble]
        resolved = rand() < (0.93 if solution else 0.08)
        apologised = apology and topic.went_wrong

        started_at = t
        msgs: list[tuple] = []  # (role, author, text, seconds, internal)
        add = msgs.append
        if channel == "chat" and rand() < 0.4:
            add(("bot", P.BOT_NAME, choice(P.BOT_OPENERS), t, False))
            t += 5 + randrange(25)
            add(("customer", customer_name, choice(P.BOT_CUSTOMER), t, False))
            t += 2 + randrange(4)
            add(("bot", P.BOT_NAME, choice(P.BOT_HANDOVER), t, False))
            t += 3 + randrange(20)
        opening = choice(topic.angry if angry else topic.calm)
        add(("customer", customer_name, opening.format_map(slots), t, False))
        if rand() < 0.3:
            add(("system", None, P.SYSTEM_ASSIGNED.format(agent_full=agent_name), t + 1, False))
        t += int(first_delay * speed * lognormal(0.0, 0.55)) + 2

        # First agent turn.
        if canned:
            pieces = [topic.canned]
        else:
            pieces = []
            if greet:
                bank = P.GREETINGS_NAMED if use_name else P.GREETINGS_PLAIN
                pieces.append(choice(bank[channel]))
            elif use_name:
                pieces.append(choice(P.NAME_ONLY))
            if feel:
                pieces.append(choice(P.FEELINGS))
            if apologised:
                pieces.append(choice(P.APOLOGIES))
            if blame:
                pieces.append(choice(P.BLAME))
            if explore:
                pieces.append(choice(P.EXPLORE))
            if acknowledge:
                pieces.append(choice(P.ACKNOWLEDGE))
            if specific:
                pieces.append(choice(P.ORDER_REFERENCE))
            elif not pieces:
                pieces.append(choice(P.CURT))
        asks_detail = "{order}" not in opening and not explore and rand() < 0.7
        if asks_detail and not canned:
            pieces.append(choice(P.ASK_DETAIL))
        if shout and angry:
            pieces.append(choice(P.SHOUTING))
        text = (_run_on(pieces) if ramble else _join(pieces, email)).format_map(slots)
        if email and not canned:
            text += "\n\n" + P.EMAIL_SIGNOFF.format_map(slots)
        add(("agent", agent_name, text, t, False))

        if asks_detail or explore or rand() < 0.35:
            t += int(customer_gap * lognormal(0.0, 0.5)) + 3
            detail = choice(topic.detail).format_map(slots)
            if topic.choices and rand() < 0.3:
                detail += choice(P.CUSTOMER_ASKS_OPTIONS)
            add(("customer", customer_name, detail, t, False))
            if acknowledge and not email and rand() < 0.5:
                t += int(agent_gap * 0.3 * lognormal(0.0, 0.4)) + 2
                add(("agent", agent_name, choice(P.HOLD), t, False))
        if rand() < 0.12:
            add(("agent", agent_name, choice(P.INTERNAL_NOTES), t + 30, True))

        # The fix (or not).
        t += int(agent_gap * math.sqrt(speed) * lognormal(0.0, 0.6)) + 5
        if choices and solution:
            add(("agent", agent_name, topic.choices, t, False))
            t += int(customer_gap * lognormal(0.0, 0.5)) + 3
            add(("customer", customer_name, choice(topic.choice_answers), t, False))
            t += int(agent_gap * 0.5 * math.sqrt(speed) * lognormal(0.0, 0.5)) + 3
        pieces = []
        if solution:
            bank = topic.solutions if specific else topic.generic_solutions
            pieces.append(choice(bank))
        else:
            pieces.append(choice(P.VAGUE))
        if follow_up:
            pieces.append(topic.escalation)
        if expectations and (solution or follow_up):
            pieces.append(choice(P.EXPECTATIONS))
        if ramble:
            pieces.append("just so you know " + P.RAMBLING[0] + " " + P.RAMBLING[1])
        if profane:
            pieces.append(choice(P.PROFANITY))
        if shout and not angry:
            pieces.append(choice(P.SHOUTING))
        text = (_run_on(pieces) if ramble else _join(pieces, email)).format_map(slots)
        if email:
            text += "\n\n" + P.EMAIL_SIGNOFF.format_map(slots)
        add(("agent", agent_name, text, t, False))
        t += int(customer_gap * lognormal(0.0, 0.5)) + 3
        add(("customer", customer_name, choice(P.CUSTOMER_RESOLVED if resolved else P.CUSTOMER_UNRESOLVED), t, False))  # fmt: skip

        # Closing turn(s).
        if confirm:
            t += int(agent_gap * 0.5 * lognormal(0.0, 0.4)) + 2
            add(("agent", agent_name, choice(P.CONFIRM), t, False))
            t += int(customer_gap * 0.6 * lognormal(0.0, 0.4)) + 2
            answer = P.CUSTOMER_CONFIRMED if resolved else P.CUSTOMER_NOT_CONFIRMED
            add(("customer", customer_name, choice(answer), t, False))
        pieces = []
        if warm:
            pieces.append(choice(P.WARM))
        if feedback:
            pieces.append(choice(P.FEEDBACK))
        if closing:
            pieces.append(choice(P.CLOSINGS_NAMED if use_name else P.CLOSINGS_PLAIN))
        if pieces:
            t += int(agent_gap * 0.4 * lognormal(0.0, 0.4)) + 2
            text = " ".join(pieces).format_map(slots)
            if email:
                text += "\n\n" + P.EMAIL_SIGNOFF.format_map(slots)
            add(("agent", agent_name, text, t, False))
            if rand() < 0.3:
                t += int(customer_gap * 0.3 * lognormal(0.0, 0.4)) + 2
                add(("customer", customer_name, choice(P.CUSTOMER_BYE), t, False))
        if rand() < 0.3:
            add(("system", None, choice(P.SYSTEM_CLOSED), t + 1, False))

        # What the customer thought: handling quality with noise.
        quality = (
            0.32 * resolved
            + 0.12 * (first_delay * speed < first_delay * 1.2)
            + 0.1 * ((feel or not angry) and (apologised or not topic.went_wrong))
            + 0.14 * (not blame and not shout and not profane)
            + 0.1 * (use_name or specific)
            + 0.08 * (warm or greet)
            + 0.07 * confirm
            + 0.07 * (expectations or follow_up)
        )
        if angry:
            quality -= 0.08
        csat = nps = ces = None
        if rand() < CSAT_RATE:
            csat = min(5, max(1, round(1 + 4 * quality + gauss(0.0, 0.75))))
        if rand() < NPS_RATE:
            nps = min(10, max(0, round(10 * quality + gauss(0.0, 1.6))))
        if rand() < CES_RATE:
            ces = min(7, max(1, round(1 + 6 * quality + gauss(0.0, 1.0))))

        # Gaps that real exports have.
        shift, suffix = 0, "Z"
        if rand() < LOCAL_OFFSET:
            shift, suffix = _OFFSETS[randrange(len(_OFFSETS))]
        if rand() < NO_TIMESTAMPS:
            msgs = [
                (role, author, text, None, internal) for role, author, text, _, internal in msgs
            ]
        else:
            msgs = [(role, author, text, stamp(at, shift, suffix), internal)
                    for role, author, text, at, internal in msgs]  # fmt: skip
        created = None if rand() < NO_CREATED_AT else stamp(started_at, shift, suffix)
        if rand() < NO_CUSTOMER_NAME:
            customer_name = None
            msgs = [(r, None if r == "customer" else a, x, s, i) for r, a, x, s, i in msgs]
        status = "solved" if resolved else ("pending" if follow_up else "open")
        tags = topic.tags + (("escalated",) if follow_up else ()) + (("angry",) if angry and rand() < 0.5 else ())  # fmt: skip
        subject = topic.subject.format_map(slots) if email else None
        header = (f"demo-{number + 1:07d}", channel, created, status, agent_id, agent_name, team,
                  customer_id, customer_name, csat, nps, ces, tags, subject)  # fmt: skip
        yield header, msgs


def _json_lines(ctx: _Context, block: int, first: int, count: int, total: int) -> tuple[str, int]:
    out: list[str] = []
    append = out.append
    esc = _json_string
    messages = 0
    for header, msgs in _conversations(ctx, block, first, count, total):
        cid, channel, created, status, agent_id, agent_name, team = header[:7]
        customer_id, customer_name, csat, nps, ces, tags, subject = header[7:]
        parts = [f'{{"conversation_id":"{cid}","channel":"{channel}"']
        if created is not None:
            parts.append(f',"created_at":"{created}"')
        parts.append(
            f',"status":"{status}","agent_id":"{agent_id}","agent_name":{esc(agent_name)},'
            f'"team":{esc(team)},"customer_id":"{customer_id}"'
        )
        if customer_name is not None:
            parts.append(',"customer_name":' + esc(customer_name))
        if csat is not None:
            parts.append(f',"csat":{csat}')
        if nps is not None:
            parts.append(f',"nps":{nps}')
        if ces is not None:
            parts.append(f',"ces":{ces}')
        parts.append(',"tags":[' + ",".join(f'"{tag}"' for tag in tags) + "]")
        if subject is not None:
            parts.append(',"subject":' + esc(subject))
        rendered = []
        for role, author, text, sent_at, internal in msgs:
            item = '{"role":"' + role + '"'
            if author is not None:
                item += ',"author":' + esc(author)
            item += ',"text":' + esc(text)
            if sent_at is not None:
                item += ',"sent_at":"' + sent_at + '"'
            if internal:
                item += ',"internal":true'
            rendered.append(item + "}")
        messages += len(rendered)
        parts.append(',"messages":[' + ",".join(rendered) + "]}\n")
        append("".join(parts))
    return "".join(out), messages


def _csv_rows(ctx: _Context, block: int, first: int, count: int, total: int) -> tuple[str, int]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    messages = 0
    for header, msgs in _conversations(ctx, block, first, count, total):
        fixed = list(header)
        fixed[12] = ";".join(header[12])
        fixed = ["" if value is None else value for value in fixed]
        for role, author, text, sent_at, internal in msgs:
            writer.writerow(
                (*fixed, role, author or "", text, sent_at or "", "true" if internal else "")
            )
        messages += len(msgs)
    return buffer.getvalue(), messages


_RENDERERS = {"jsonl": _json_lines, "csv": _csv_rows}


def _utc(stamp: str | None) -> datetime | None:
    if stamp is None:
        return None
    moment = datetime.fromisoformat(stamp)
    return moment.astimezone(UTC).replace(tzinfo=None)


def iter_conversations(
    conversations: int = 10_000,
    seed: int = DEFAULT_SEED,
    end_date: date = DEFAULT_END_DATE,
    months: int = DEFAULT_MONTHS,
) -> Iterator[Conversation]:
    """The same conversations `generate` writes, as canonical `Conversation`s, one at a time.

    For in-process consumers (scoring benchmarks, tests) that do not need a file.
    """
    ctx = _context(seed, end_date, months)
    for block, first in enumerate(range(0, conversations, BLOCK_SIZE)):
        count = min(BLOCK_SIZE, conversations - first)
        for header, msgs in _conversations(ctx, block, first, count, conversations):
            cid, channel, created, status, agent_id, agent_name, team = header[:7]
            customer_id, customer_name, csat, nps, ces, tags, subject = header[7:]
            yield Conversation(
                conversation_id=cid,
                messages=tuple(
                    Message(role, text, author, _utc(sent_at), internal)
                    for role, author, text, sent_at, internal in msgs
                ),
                channel=channel,
                created_at=_utc(created),
                status=status,
                agent_id=agent_id,
                agent_name=agent_name,
                team=team,
                customer_id=customer_id,
                customer_name=customer_name,
                csat=csat,
                nps=nps,
                ces=ces,
                tags=tags,
                subject=subject,
            )


def _render_block(job: tuple[int, date, int, str, int, int, int]) -> tuple[str, int]:
    seed, end_date, months, fmt, block, first, total = job
    ctx = _context(seed, end_date, months)
    count = min(BLOCK_SIZE, total - first)
    return _RENDERERS[fmt](ctx, block, first, count, total)


def generate(
    path: str | Path,
    conversations: int = 10_000,
    seed: int = DEFAULT_SEED,
    end_date: date = DEFAULT_END_DATE,
    months: int = DEFAULT_MONTHS,
    fmt: str = "jsonl",
    workers: int = 1,
    progress: Callable[[int], None] | None = None,
) -> GenerationSummary:
    """Write `conversations` demo conversations to `path` (canonical JSONL, or CSV with fmt="csv").

    Deterministic: the same (seed, conversations, end_date, months, fmt) give the same bytes,
    whatever `workers`. Memory stays flat: one block of BLOCK_SIZE conversations per worker.
    `progress(done)` is called after each block with the number of conversations written.
    """
    if fmt not in _RENDERERS:
        raise ValueError(f"fmt must be one of {', '.join(_RENDERERS)}, got {fmt!r}")
    if conversations < 0:
        raise ValueError("conversations must be >= 0")
    started = time.perf_counter()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    jobs = [
        (seed, end_date, months, fmt, block, first, conversations)
        for block, first in enumerate(range(0, conversations, BLOCK_SIZE))
    ]
    messages = done = 0
    tmp = path.with_name(path.name + ".partial")
    with open(tmp, "w", encoding="utf-8", newline="") as out:
        if fmt == "csv":
            out.write(",".join(CSV_COLUMNS) + "\n")
        pool = None
        if workers > 1 and len(jobs) > 1:
            _context(seed, end_date, months)  # built once, inherited by forked workers
            pool = multiprocessing.get_context("fork").Pool(workers)
            blocks = pool.imap(_render_block, jobs)
        else:
            blocks = map(_render_block, jobs)
        try:
            for (_, _, _, _, _, first, _), (text, count) in zip(jobs, blocks, strict=True):
                out.write(text)
                messages += count
                done = min(conversations, first + BLOCK_SIZE)
                if progress is not None:
                    progress(done)
        finally:
            if pool is not None:
                pool.close()
                pool.join()
    os.replace(tmp, path)
    return GenerationSummary(
        path, conversations, messages, path.stat().st_size, time.perf_counter() - started
    )


def default_generated_path(conversations: int, seed: int) -> Path:
    """Where `qa demo` keeps its generated file: data/generated/demo-<N>-seed<S>.jsonl."""
    from cornerstone.settings import PROJECT_ROOT

    return PROJECT_ROOT / "data" / "generated" / f"demo-{conversations}-seed{seed}.jsonl"


def main(argv: list[str] | None = None) -> int:
    """`python -m cornerstone.demo.generator OUT N [--seed S] [--csv] [--workers W]`."""
    import argparse

    parser = argparse.ArgumentParser(description="Write N demo conversations to OUT.")
    parser.add_argument("out", type=Path)
    parser.add_argument("conversations", type=int)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--csv", action="store_true", help="canonical CSV instead of JSONL")
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args(argv)
    summary = generate(
        args.out, args.conversations, seed=args.seed, fmt="csv" if args.csv else "jsonl",
        workers=args.workers,
    )  # fmt: skip
    print(
        f"{summary.conversations:,} conversations, {summary.messages:,} messages, "
        f"{summary.bytes / 1e6:.1f} MB in {summary.seconds:.2f}s: "
        f"{summary.conversations_per_second:,.0f} conversations/s, "
        f"{summary.megabytes_per_second:.1f} MB/s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
