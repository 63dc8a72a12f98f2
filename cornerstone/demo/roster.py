"""The demo's cast: teams, agents with stable habits, coaching events, staff users and customers.

Everything is derived from one seed, so the generator and every seeder (users, reviews, coaching,
calibration) see the same people. Habits are probabilities of doing the right thing (or, for the
`bad_habits`, the wrong thing) in a conversation; teams drift up or down month by month, and a
coached agent improves on the coaching session's focus criteria from the day of the session.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

DEFAULT_SEED = 7
DEFAULT_END_DATE = date(2026, 11, 22)
DEFAULT_MONTHS = 6
DAYS_PER_MONTH = 30.44

FIRST_NAMES = (
    "Amelia", "Oliver", "Maya", "Noah", "Sofia", "Liam", "Aisha", "Lucas", "Zoë", "Mateo",
    "Priya", "Ethan", "Chloé", "Kenji", "Fatima", "Jonas", "Leila", "Samuel", "Ingrid", "Diego",
    "Hannah", "Tariq", "Elena", "Marcus", "Nadia", "Felix", "Grace", "Omar", "Julia", "Ravi",
    "Clara", "Hugo", "Mei", "Daniel", "Amara", "Tomás", "Isla", "Yusuf", "Freya", "Victor",
    "Ana", "Kwame", "Lena", "Arjun", "Rosa", "Erik", "Sienna", "Malik", "Nora", "Pablo",
    "Emma", "Jakub", "Layla", "Finn", "Sara", "Kofi", "Alice", "Dmitri", "Ines", "Theo",
)  # fmt: skip
LAST_NAMES = (
    "Hart", "Okafor", "Schmidt", "Nakamura", "García", "Novak", "Brennan", "Silva", "Kowalski",
    "Haddad", "Lindqvist", "Mensah", "Rossi", "Dubois", "Patel", "O'Neill", "Fischer", "Tanaka",
    "Moreau", "Andersen", "Costa", "Walsh", "Ivanova", "Nguyen", "Adeyemi", "Bauer", "Khan",
    "Larsen", "Murphy", "Santos", "Weber", "Ali", "Jensen", "Kim", "Lopez", "Meyer", "Park",
    "Quinn", "Reyes", "Sato", "Taylor", "Usman", "Vargas", "Wright", "Yilmaz", "Zhang", "Byrne",
)  # fmt: skip
PRODUCTS = (
    "Trail Runner shoes", "Aero wireless headphones", "Nordic wool blanket", "Barista coffee grinder",
    "Summit 40L backpack", "Lumen desk lamp", "Cascade water filter", "Orbit smart speaker",
    "Harbor rain jacket", "Pixel photo printer", "Terra plant pot set", "Zen yoga mat",
    "Voyager suitcase", "Ember cast-iron pan", "Breeze tower fan", "Atlas road bike helmet",
)  # fmt: skip

# (name, trend, drift per month in habit probability, channel weights chat/email/phone/social)
_TEAMS = (
    ("Billing", "up", 0.045, (0.35, 0.35, 0.25, 0.05)),
    ("Orders & Delivery", "down", -0.045, (0.4, 0.25, 0.2, 0.15)),
    ("Returns", "up", 0.045, (0.35, 0.4, 0.15, 0.1)),
    ("Tech Support", "flat", 0.0, (0.3, 0.3, 0.35, 0.05)),
    ("Social Care", "down", -0.045, (0.15, 0.05, 0.05, 0.75)),
    ("Priority Accounts", "flat", 0.0, (0.2, 0.35, 0.4, 0.05)),
    ("Onboarding", "up", 0.05, (0.45, 0.3, 0.2, 0.05)),
    ("Night Shift", "down", -0.045, (0.55, 0.2, 0.15, 0.1)),
)
TEAM_SIZES = (8, 9, 7, 8, 7, 6, 7, 8)  # 60 agents
CHANNELS = ("chat", "email", "phone", "social")

# Habits that are probabilities of doing the right thing in a conversation.
GOOD_HABITS = (
    "greeting", "closing", "acknowledge", "set_expectations", "acknowledge_feelings", "apology",
    "explore", "warmth", "solution", "confirm_resolution", "offer_choices", "follow_up", "use_name",
    "specific_reference", "ask_feedback",
)  # fmt: skip
# Habits that are probabilities of doing the wrong thing.
BAD_HABITS = ("blame", "canned", "shouting", "profanity", "rambling")

# Which habits each rubric criterion looks at: coaching on a criterion improves these habits.
# Criterion ids follow rubrics/*.yaml (rubric_id, criterion_id).
CRITERION_HABITS: dict[tuple[str, str], tuple[str, ...]] = {
    ("responsiveness", "first_response"): ("speed",),
    ("responsiveness", "reply_gaps"): ("speed",),
    ("responsiveness", "acknowledges_help"): ("acknowledge",),
    ("responsiveness", "sets_expectations"): ("set_expectations",),
    ("empathy", "acknowledge_feelings"): ("acknowledge_feelings",),
    ("empathy", "explores_situation"): ("explore",),
    ("empathy", "shows_understanding"): ("acknowledge_feelings", "explore"),
    ("empathy", "apology"): ("apology",),
    ("empathy", "no_blame"): ("blame",),
    ("empathy", "warm_tone"): ("warmth",),
    ("resolution", "solution"): ("solution",),
    ("resolution", "confirmation"): ("confirm_resolution",),
    ("resolution", "sentiment_improved"): ("solution",),
    ("resolution", "escalation_followup"): ("follow_up",),
    ("resolution", "offers_choices"): ("offer_choices",),
    ("personalisation", "uses_name"): ("use_name", "canned"),
    ("personalisation", "specific_reference"): ("specific_reference", "canned"),
    ("personalisation", "not_template"): ("canned",),
    ("communication", "greeting_closing"): ("greeting", "closing"),
    ("communication", "politeness"): ("warmth", "greeting"),
    ("communication", "clarity"): ("rambling",),
    ("communication", "no_abuse"): ("profanity",),
    ("communication", "professional_language"): ("profanity",),
    ("communication", "no_shouting"): ("shouting",),
    ("communication", "ask_feedback"): ("ask_feedback",),
}
COACHING_GAIN = 0.65  # share of the gap to perfect that a coached habit closes


@dataclass(frozen=True, slots=True)
class Habits:
    """An agent's stable tendencies. `speed` multiplies the channel's usual response delays."""

    speed: float
    probabilities: tuple[tuple[str, float], ...]  # habit name -> probability, GOOD then BAD

    def get(self, habit: str) -> float:
        return dict(self.probabilities)[habit]

    def as_dict(self) -> dict[str, float]:
        return dict(self.probabilities)


@dataclass(frozen=True, slots=True)
class Team:
    name: str
    manager_user_id: str
    trend: str  # up | down | flat
    drift_per_month: float  # added to every good habit (subtracted from bad ones) per month
    channel_weights: tuple[float, float, float, float]  # chat, email, phone, social


@dataclass(frozen=True, slots=True)
class Agent:
    agent_id: str  # "agent-017": the id in conversations
    name: str
    team: str
    user_id: str  # login name ("amelia.hart")
    quality: float  # 0..1: the latent handling quality the habits were drawn around
    archetype: str  # warm | thorough | curt | slow | canned | careless | solid
    habits: Habits


@dataclass(frozen=True, slots=True)
class CoachingEvent:
    agent_id: str
    coached_on: date
    focus_criteria: tuple[tuple[str, str], ...]  # (rubric_id, criterion_id)
    coach_user_id: str
    notes: str
    goals: str
    due_date: date


@dataclass(frozen=True, slots=True)
class DemoUser:
    user_id: str
    name: str
    role: str  # admin | qa_lead | reviewer | manager | agent
    agent_id: str | None = None
    teams: tuple[str, ...] = ()
    leniency: float = 0.0  # reviewers: mean deviation (points of 0-100) they tend to add


@dataclass(frozen=True, slots=True)
class Order:
    order_number: str  # "CS-104233"
    product: str
    ordered_on: date


@dataclass(frozen=True, slots=True)
class Customer:
    customer_id: str  # "cust-00042"
    name: str
    orders: tuple[Order, ...]


@dataclass(frozen=True)
class Roster:
    seed: int
    start_date: date
    end_date: date
    teams: tuple[Team, ...]
    agents: tuple[Agent, ...]
    coaching_events: tuple[CoachingEvent, ...]
    users: tuple[DemoUser, ...]
    customers: tuple[Customer, ...]

    def users_by_role(self, role: str) -> tuple[DemoUser, ...]:
        return tuple(user for user in self.users if user.role == role)

    def agent(self, agent_id: str) -> Agent:
        for agent in self.agents:
            if agent.agent_id == agent_id:
                return agent
        raise KeyError(agent_id)

    def team(self, name: str) -> Team:
        for team in self.teams:
            if team.name == name:
                return team
        raise KeyError(name)

    def agents_in(self, team: str) -> tuple[Agent, ...]:
        return tuple(agent for agent in self.agents if agent.team == team)

    def coaching_for(self, agent_id: str) -> tuple[CoachingEvent, ...]:
        return tuple(event for event in self.coaching_events if event.agent_id == agent_id)

    def effective_habits(self, agent: Agent, on: date) -> Habits:
        """The agent's habits on a day: the team's drift since the start, plus coaching effects."""
        months = (on - self.start_date).days / DAYS_PER_MONTH
        drift = self.team(agent.team).drift_per_month * months
        coached: set[str] = set()
        for event in self.coaching_for(agent.agent_id):
            if on >= event.coached_on:
                for criterion in event.focus_criteria:
                    coached.update(CRITERION_HABITS.get(criterion, ()))
        probabilities = []
        for habit, p in agent.habits.probabilities:
            if habit in BAD_HABITS:
                p = p - drift * 0.6
                if habit in coached:
                    p *= 1 - COACHING_GAIN
            else:
                p = p + drift
                if habit in coached:
                    p += (1 - p) * COACHING_GAIN
            probabilities.append((habit, min(0.98, max(0.02, p))))
        speed = agent.habits.speed * max(0.4, 1 - drift * 1.5)
        if "speed" in coached:
            speed = 1 + (speed - 1) * (1 - COACHING_GAIN) if speed > 1 else speed
        return Habits(speed=speed, probabilities=tuple(probabilities))


def _clamp(value: float, low: float = 0.03, high: float = 0.97) -> float:
    return min(high, max(low, value))


# Archetypes push some habits away from what the agent's overall quality suggests.
_ARCHETYPES: dict[str, dict[str, float]] = {
    "warm": {"acknowledge_feelings": 0.3, "apology": 0.25, "warmth": 0.3, "explore": 0.25,
             "blame": -0.2},
    "thorough": {"solution": 0.3, "confirm_resolution": 0.3, "set_expectations": 0.3,
                 "offer_choices": 0.3, "follow_up": 0.25, "rambling": 0.15},
    "curt": {"greeting": -0.45, "closing": -0.45, "warmth": -0.45, "acknowledge_feelings": -0.35,
             "ask_feedback": -0.3, "use_name": -0.3, "explore": -0.3},
    "slow": {},
    "canned": {"canned": 0.55, "use_name": -0.4, "specific_reference": -0.45},
    "careless": {"blame": 0.3, "shouting": 0.12, "profanity": 0.08, "solution": -0.3,
                 "apology": -0.35},
    "solid": {},
}  # fmt: skip


def _habits_for(rng: random.Random, quality: float, archetype: str) -> Habits:
    push = _ARCHETYPES[archetype]
    probabilities = []
    for habit in GOOD_HABITS:
        base = 0.1 + 0.8 * quality + rng.uniform(-0.12, 0.12)
        probabilities.append((habit, _clamp(base + push.get(habit, 0.0))))
    bad_base = {
        "blame": 0.25,
        "canned": 0.35,
        "shouting": 0.04,
        "profanity": 0.025,
        "rambling": 0.3,
    }
    for habit in BAD_HABITS:
        base = bad_base[habit] * (1.3 - quality) * rng.uniform(0.7, 1.3)
        probabilities.append((habit, _clamp(base + push.get(habit, 0.0), 0.0, 0.9)))
    speed = (1.4 - quality) * rng.uniform(0.7, 1.3)
    if archetype == "slow":
        speed *= rng.uniform(3.5, 6.0)
    elif archetype == "curt":
        speed *= 0.6
    return Habits(speed=round(speed, 3), probabilities=tuple(probabilities))


def _user_id(name: str, taken: set[str]) -> str:
    base = name.lower().replace("'", "").replace(" ", ".")
    base = base.translate(str.maketrans("éëèáíóúöüçñ", "eeeaiououcn"))
    user_id, n = base, 2
    while user_id in taken:
        user_id, n = f"{base}{n}", n + 1
    taken.add(user_id)
    return user_id


def _unique_names(rng: random.Random, count: int, taken: set[str]) -> list[str]:
    names = []
    while len(names) < count:
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        if name not in taken:
            taken.add(name)
            names.append(name)
    return names


_COACHING_NOTES = {
    "responsiveness": "Reviewed queue habits: pick up new conversations first and say help is coming.",
    "empathy": "Listened to calls with upset customers together; practised naming the feeling "
    "and apologising for what went wrong before fixing it.",
    "resolution": "Walked through cases that ended without a clear fix; agreed to always end "
    "with a concrete next step and check the customer is sorted.",
    "personalisation": "Compared canned replies with personal ones; use the customer's name and "
    "their order details instead of pasting the template.",
    "communication": "Worked on greeting, closing and plain short sentences; ask for feedback "
    "at the end.",
}


@cache
def build_roster(
    seed: int = DEFAULT_SEED, end_date: date = DEFAULT_END_DATE, months: int = DEFAULT_MONTHS
) -> Roster:
    """The whole cast for `seed`; the same arguments always give the same roster."""
    rng = random.Random(f"cornerstone-roster-{seed}")
    start_date = end_date - timedelta(days=round(months * DAYS_PER_MONTH))
    names_taken: set[str] = set()
    users_taken: set[str] = {"admin"}
    users: list[DemoUser] = [DemoUser("admin", "Demo Admin", "admin")]

    for name in _unique_names(rng, 2, names_taken):
        users.append(DemoUser(_user_id(name, users_taken), name, "qa_lead"))
    for leniency, name in zip(
        (6.0, -5.0, 1.5, -1.0, 3.0), _unique_names(rng, 5, names_taken), strict=True
    ):
        users.append(DemoUser(_user_id(name, users_taken), name, "reviewer", leniency=leniency))

    teams: list[Team] = []
    for (team_name, trend, drift, weights), name in zip(
        _TEAMS, _unique_names(rng, len(_TEAMS), names_taken), strict=True
    ):
        manager = DemoUser(_user_id(name, users_taken), name, "manager", teams=(team_name,))
        users.append(manager)
        teams.append(Team(team_name, manager.user_id, trend, drift, weights))

    archetypes = ["warm"] * 9 + ["thorough"] * 9 + ["curt"] * 8 + ["slow"] * 7
    archetypes += ["canned"] * 8 + ["careless"] * 6 + ["solid"] * 13
    rng.shuffle(archetypes)
    agents: list[Agent] = []
    number = 0
    agent_names = _unique_names(rng, sum(TEAM_SIZES), names_taken)
    for team, size in zip(teams, TEAM_SIZES, strict=True):
        for _ in range(size):
            name, archetype = agent_names[number], archetypes[number]
            number += 1
            quality = rng.betavariate(2.2, 1.8)
            if archetype in ("careless", "canned", "curt"):
                quality *= 0.7
            agent = Agent(
                agent_id=f"agent-{number:03d}",
                name=name,
                team=team.name,
                user_id=_user_id(name, users_taken),
                quality=round(quality, 3),
                archetype=archetype,
                habits=_habits_for(rng, quality, archetype),
            )
            agents.append(agent)
            users.append(DemoUser(agent.user_id, name, "agent", agent_id=agent.agent_id))

    coaching = _coaching_events(rng, agents, teams, users, start_date, end_date)
    customers = _customers(rng, start_date, end_date)
    return Roster(
        seed, start_date, end_date, tuple(teams), tuple(agents), coaching, tuple(users), customers
    )


def _coaching_events(
    rng: random.Random,
    agents: list[Agent],
    teams: list[Team],
    users: list[DemoUser],
    start_date: date,
    end_date: date,
) -> tuple[CoachingEvent, ...]:
    """About one agent in four, mostly the weaker ones, coached mid-period on their weakest habits."""
    managers = {team.name: team.manager_user_id for team in teams}
    reviewers = [user.user_id for user in users if user.role == "reviewer"]
    candidates = sorted(agents, key=lambda agent: agent.quality + rng.uniform(0, 0.35))[:16]
    span = (end_date - start_date).days
    events = []
    for agent in sorted(candidates, key=lambda agent: agent.agent_id):
        habits = agent.habits.as_dict()

        def weakness(criterion: tuple[str, str], habits: dict[str, float] = habits) -> float:
            names = CRITERION_HABITS[criterion]
            if names == ("speed",):
                return 2.0  # timing is coached separately below
            return min(habits[n] if n not in BAD_HABITS else 1 - habits[n] for n in names)

        ranked = sorted(CRITERION_HABITS, key=lambda criterion: weakness(criterion))
        focus = ranked[: rng.choice((2, 3))]
        if agent.habits.speed > 2.5:
            focus = [("responsiveness", "first_response"), *focus[:2]]
        coached_on = start_date + timedelta(days=int(span * rng.uniform(0.38, 0.6)))
        rubrics = sorted({rubric for rubric, _ in focus})
        events.append(
            CoachingEvent(
                agent_id=agent.agent_id,
                coached_on=coached_on,
                focus_criteria=tuple(focus),
                coach_user_id=managers[agent.team] if rng.random() < 0.7 else rng.choice(reviewers),
                notes=" ".join(_COACHING_NOTES[rubric] for rubric in rubrics),
                goals="Pass "
                + ", ".join(  # read by people: the criterion's words, never its id
                    f"'{criterion.replace('_', ' ').capitalize()}'" for _, criterion in focus
                )
                + " on at least 8 of 10 reviewed conversations.",
                due_date=coached_on + timedelta(days=30),
            )
        )
    return tuple(events)


def _customers(
    rng: random.Random, start_date: date, end_date: date, count: int = 4000
) -> tuple[Customer, ...]:
    customers = []
    order_number = 104_000
    history_days = (end_date - start_date).days + 120
    for number in range(1, count + 1):
        orders = []
        for _ in range(rng.choice((1, 1, 2, 2, 3, 4))):
            order_number += rng.randint(1, 37)
            ordered_on = end_date - timedelta(days=rng.randrange(history_days))
            orders.append(Order(f"CS-{order_number}", rng.choice(PRODUCTS), ordered_on))
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        customers.append(Customer(f"cust-{number:05d}", name, tuple(orders)))
    return tuple(customers)
