"""A small demo warehouse whose every text field is hostile: markdown images and links to a bait
host, HTML tags, `**bold**`, `$math$` and spreadsheet formulas in agent and team names, tags,
subjects, customer names, authors, message texts, review comments, disputes, coaching notes,
calibration titles and account names.

    from tests.hostile_data import build_hostile_warehouse, hostile_warehouse
    info = build_hostile_warehouse(db_path)   # imported with `qa ingest`'s code path, scored
    info = hostile_warehouse(folder)          # a copy of one built once per version of the code

The demo pipeline does the work (generate → ingest → score → users → reviews → coaching →
calibration); the generated file and the roster are rewritten on the way, so the hostile values
arrive through the importer like any helpdesk export would bring them.
"""

from __future__ import annotations

import dataclasses
import fcntl
import hashlib
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from warehouse.access.viewer import Viewer

BAIT_HOST = "bait.invalid"  # never resolves (RFC 2606)
IMAGE_LINK = f"![t](http://{BAIT_HOST}/a.png) [l](http://{BAIT_HOST}/l)"
ANCHOR = f'<a href="http://{BAIT_HOST}/h">h</a>'
IMG_TAG = f'<img src="http://{BAIT_HOST}/i.png" onerror="fetch(\'http://{BAIT_HOST}/e\')">'
FORMULA = f'=HYPERLINK("http://{BAIT_HOST}/f","f")'
EVERYTHING = f"x {IMAGE_LINK} {ANCHOR} {IMG_TAG} **bold** $math$ www.{BAIT_HOST}/w"

# Substrings that must never reach a markdown context unescaped (each would act there).
ACTIVE_MARKDOWN = (
    "](http",
    "![",
    "<a ",
    "<img",
    "**bold**",
    "$math$",
    f"http://{BAIT_HOST}",
    f"www.{BAIT_HOST}",
)
# ...and never reach Plotly's pseudo-HTML (legend, axes, hover) as a tag.
ACTIVE_PLOTLY = ("<a ", "<img", "<b>")

CONVERSATIONS = 240
ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "data" / "generated"


@dataclass(frozen=True)
class HostileWarehouse:
    db_path: Path
    accounts: dict[str, tuple[str, str]]  # role -> (login, password)
    viewers: dict[str, Viewer]  # role -> the first account of that role as a Viewer
    agent_names: dict[str, str]  # agent_id -> hostile display name
    teams: dict[str, str]  # original team -> hostile team
    formula_agent: str  # agent_id whose name starts with a spreadsheet formula


def _hostile_team(index: int, team: str) -> str:
    prefix = "-2+3+cmd|' /C calc'!A0 " if index == 0 else ""
    return f"{prefix}{team} {ANCHOR} **bold** $math$"


def _hostile_agent(index: int, name: str) -> str:
    if index == 0:
        return f"{FORMULA} {name} {IMAGE_LINK}"
    return f"{name} {IMAGE_LINK} {IMG_TAG}"


def _rewrite_roster(roster, teams: dict[str, str], names: dict[str, str]):
    replace = dataclasses.replace
    return replace(
        roster,
        teams=tuple(replace(t, name=teams[t.name]) for t in roster.teams),
        agents=tuple(replace(a, name=names[a.agent_id], team=teams[a.team]) for a in roster.agents),
        users=tuple(
            replace(
                u,
                name=f"{u.name} {IMAGE_LINK}",
                teams=tuple(teams.get(t, t) for t in u.teams),
            )
            for u in roster.users
        ),
        coaching_events=tuple(
            replace(e, notes=f"{e.notes} {EVERYTHING}", goals=f"{e.goals} {EVERYTHING}")
            for e in roster.coaching_events
        ),
    )


def _rewrite_export(path: Path, teams: dict[str, str], names: dict[str, str]) -> None:
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        agent = record.get("agent_id")
        record["agent_name"] = names.get(agent, record.get("agent_name"))
        record["team"] = teams.get(record.get("team"), record.get("team"))
        record["tags"] = [*record.get("tags", []), IMG_TAG, "$math$", FORMULA]
        record["subject"] = f"{record.get('subject') or 'Help'} {EVERYTHING}"
        record["customer_name"] = f"{record.get('customer_name')} {IMAGE_LINK}"
        for message in record["messages"]:
            if message.get("role") == "agent":
                message["author"] = record["agent_name"]
            elif message.get("author"):
                message["author"] = f"{message['author']} {ANCHOR}"
        first = record["messages"][0]
        first["text"] = f"{first['text']} {EVERYTHING}"
        lines.append(json.dumps(record, ensure_ascii=False))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def build_hostile_warehouse(db_path: Path) -> HostileWarehouse:
    from cornerstone.demo import pipeline
    from cornerstone.demo.roster import DEFAULT_SEED, build_roster

    roster = build_roster(DEFAULT_SEED)
    teams = {t.name: _hostile_team(i, t.name) for i, t in enumerate(roster.teams)}
    names = {a.agent_id: _hostile_agent(i, a.name) for i, a in enumerate(roster.agents)}
    run = pipeline.DemoRun(
        db_path=Path(db_path),
        conversations=CONVERSATIONS,
        seed=DEFAULT_SEED,
        data_file=Path(db_path).parent / "hostile.jsonl",
        roster=_rewrite_roster(roster, teams, names),
        say=lambda _line: None,
    )
    for step in pipeline.DEMO_STEPS:
        step.run(run)
        if step.name == "generate":
            _rewrite_export(run.data_file, teams, names)
    _add_hostile_reviews(run)
    accounts: dict[str, tuple[str, str]] = {}
    viewers: dict[str, Viewer] = {}
    for account in run.accounts:
        accounts.setdefault(account.role, (account.login, account.password))
        viewers.setdefault(
            account.role, Viewer(account.login, account.role, account.agent_id, account.teams)
        )
    return HostileWarehouse(
        Path(db_path), accounts, viewers, names, teams, formula_agent=roster.agents[0].agent_id
    )


def _add_hostile_reviews(run) -> None:
    """A review with hostile comments for one conversation of each of several agents, a dispute
    with a hostile reason, and a calibration session with a hostile title."""
    from warehouse.review import calibration, reviews
    from warehouse.storage.connection import connect

    reviewer, second = run.roster.users_by_role("reviewer")[:2]
    lead = run.roster.users_by_role("qa_lead")[0]
    with connect(run.db_path) as con:
        ids = [
            row[0]
            for row in con.execute(
                "SELECT any_value(conversation_id ORDER BY conversation_id) FROM conversations"
                " JOIN conversation_scores USING (conversation_id) GROUP BY agent_id"
                " ORDER BY agent_id"
            ).fetchall()
        ]
        review_viewer = Viewer(reviewer.user_id, "reviewer")
        for conversation_id in ids:
            review_id = reviews.submit_review(
                con, review_viewer, conversation_id, [], overall_comment=EVERYTHING,
                message_comments={0: f"{FORMULA} {EVERYTHING}"},
            )  # fmt: skip
            agent_id = con.execute(
                "SELECT agent_id FROM conversations WHERE conversation_id = ?", [conversation_id]
            ).fetchone()[0]
            first = con.execute(
                "SELECT rubric_id, criterion_id FROM review_criteria WHERE review_id = ? LIMIT 1",
                [review_id],
            ).fetchone()
            reviews.open_dispute(
                con, Viewer(f"agent-{agent_id}", "agent", agent_id=agent_id), review_id,
                first[0], first[1], EVERYTHING,
            )  # fmt: skip
        calibration.create_session(
            con, Viewer(lead.user_id, "qa_lead"), title=f"Calibrate {EVERYTHING}",
            conversation_ids=ids[:3], reviewer_ids=[reviewer.user_id, second.user_id], notes=EVERYTHING,
        )  # fmt: skip


def _code_fingerprint() -> str:
    """Hash of everything that shapes the hostile warehouse, so a stale cache is never reused."""
    digest = hashlib.sha256(Path(__file__).read_bytes())
    for folder in ("rubrics", "scoring", "warehouse", "cornerstone/demo"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.is_file() and path.suffix in (".py", ".sql", ".yaml", ".txt"):
                digest.update(path.relative_to(ROOT).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def hostile_warehouse(folder: Path) -> HostileWarehouse:
    """A private copy (in `folder`) of the hostile warehouse, built once per version of the code
    under data/generated/ (a lock serialises test processes that would build it at once)."""
    cached = CACHE / f"hostile-{CONVERSATIONS}-{_code_fingerprint()}"
    CACHE.mkdir(parents=True, exist_ok=True)
    with open(CACHE / "hostile.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (cached / "warehouse.json").exists():
            shutil.rmtree(cached, ignore_errors=True)
            cached.mkdir(parents=True)
            built = build_hostile_warehouse(cached / "hostile.duckdb")
            fields = dataclasses.asdict(built)
            fields.pop("db_path")
            (cached / "warehouse.json").write_text(json.dumps(fields), encoding="utf-8")
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy2(cached / "hostile.duckdb", folder / "hostile.duckdb")
    fields = json.loads((cached / "warehouse.json").read_text(encoding="utf-8"))
    return HostileWarehouse(
        db_path=folder / "hostile.duckdb",
        accounts={role: tuple(pair) for role, pair in fields["accounts"].items()},
        viewers={
            role: Viewer(v["user_id"], v["role"], v["agent_id"], tuple(v["teams"]))
            for role, v in fields["viewers"].items()
        },
        agent_names=fields["agent_names"],
        teams=fields["teams"],
        formula_agent=fields["formula_agent"],
    )
