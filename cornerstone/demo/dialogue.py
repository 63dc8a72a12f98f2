"""One demo conversation at a time: who handles it, what they say, when, and what the customer rated.

`conversation_tuples(tables, block, first, count, total)` yields conversations `first..first+count-1`
as light tuples (header, messages) from the block's own `random.Random(f"{seed}:{block}")`, so any
block can be made by any process and the result depends only on (seed, total, end date, months).
Conversation i falls on day ~ i/total of the period, so every size covers the whole period.

Each conversation is handled by a roster agent whose habits of the day (team drift and coaching
included, see `roster.Roster.effective_habits`) decide, one coin at a time, whether they greet,
acknowledge feelings, apologise, blame, solve, confirm, personalise or paste a canned reply, and
how fast they answer. Survey answers follow the resulting handling quality with noise. The hot
loop works on precomputed lookup tables (`tables()`) and local bindings: it is what makes 1M
conversations take well under a minute per core.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from cornerstone.demo import phrases as P
from cornerstone.demo.roster import BAD_HABITS, CHANNELS, GOOD_HABITS, build_roster

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

# "HH:MM:SS" for every second of a day: formatting timestamps becomes two lookups.
_CLOCK = tuple(f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}" for s in range(86400))

# Habit indices in the per-day habit tuple (GOOD_HABITS then BAD_HABITS, then speed).
_H = {name: i for i, name in enumerate(GOOD_HABITS + BAD_HABITS)}
_SPEED = len(_H)


@dataclass(frozen=True)
class Tables:
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
def tables(seed: int, end_date: date, months: int) -> Tables:
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
    return Tables(
        seed, days, roster.start_date, agents, tuple(agent_pick), tuple(channel_pick), customers,
        tuple(topic_pick), tuple(hour_pick), day_prefix, tuple(habits),
    )  # fmt: skip


def _join(pieces: list[str], email: bool) -> str:
    return ("\n\n" if email else " ").join(pieces)


def _run_on(pieces: list[str]) -> str:
    """A rambling agent's turn: every piece strung into one long sentence."""
    return ", and ".join(piece.rstrip(".!?") for piece in pieces) + "."


def conversation_tuples(
    tables: Tables, block: int, first: int, count: int, total: int
) -> Iterator[tuple[tuple, list[tuple]]]:
    """Conversations first..first+count-1 as (header, messages) tuples, from the block's own RNG."""
    rng = random.Random(f"{tables.seed}:{block}")
    rand, randrange, gauss, exp = rng.random, rng.randrange, rng.gauss, math.exp

    # random.choice and lognormvariate are general and slow; these are the same distributions.
    def choice(options):
        return options[int(rand() * len(options))]

    def lognormal(mu: float, sigma: float) -> float:
        return exp(gauss(mu, sigma))

    agents, agent_pick, channel_pick = tables.agents, tables.agent_pick, tables.channel_pick
    customers, topic_pick, hour_pick = tables.customers, tables.topic_pick, tables.hour_pick
    n_agent_pick, n_customers, n_topic_pick = len(agent_pick), len(customers), len(topic_pick)
    n_hour_pick = len(hour_pick)
    habits_table, prefix, days = tables.habits, tables.day_prefix, tables.days
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

    clock = _CLOCK

    def stamp(seconds: int, shift: int, suffix: str) -> str:
        d, rest = divmod(seconds + shift, 86400)
        return prefix[d + 1] + clock[rest] + suffix

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
