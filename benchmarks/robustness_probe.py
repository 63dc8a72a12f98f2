"""Robustness probe (issue 18's closing table): faults survived, bad inputs handled, attacks blocked.

    .venv/bin/python benchmarks/robustness_probe.py                        # 20,000-conversation import
    .venv/bin/python benchmarks/robustness_probe.py --conversations 40000 --scored 3000

1. Faults. Builds a small database in a temp folder (demo conversations through `qa ingest`'s
   code path, scored with the shipped rubrics), then:
   - `qa ingest` of a demo export (--conversations, overlapping the stored ones, plus a few bad
     lines) in a child process, once uninterrupted (timed), then killed with SIGKILL at 8 points
     spread over that wall time (5% ... 95%). After each kill the database must hold exactly the
     old state or exactly the complete new state (counts and checksums of conversations,
     messages and quarantine); the import is then run again and must equal the uninterrupted
     one, and no stage folder may be left beside the database.
   - `qa score` with a changed rubric set (a copy of rubrics/ with one weight changed), the same
     way at 4 points: after a kill every score row is from the old or the new rubric set, no
     conversation has criterion scores without its total, and a re-run equals the
     uninterrupted run.
2. Bad inputs. `qa ingest` of each bad input issue 18 lists (the cases of
   tests/warehouse/test_bad_inputs.py), each next to good records: handled = the documented exit
   code, a plain message and no "Traceback" on stderr; every good record stored (lost records are
   good records not stored); every bad record quarantined with a reason.
3. Attacks: counted from the test suite (this script runs none of them; their pass/fail is the
   suite's): SQL-looking strings, URLs opened by a person without the right, scoped queries run
   with other people's ids, hostile values rendered on every page for every role.

Prints one table: | area | cases | survived/blocked/handled | lost records |. The machine is
shared: kill points are fractions of a wall time measured under the same load.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEEP = "[" * 100_000 + "]" * 100_000


# ---- helpers ------------------------------------------------------------------------------------


def qa(*args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "cornerstone.cli", *args],
        env=env, capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip


def qa_killed(args: list[str], after: float) -> int | None:
    """Start `qa ARGS`, SIGKILL it `after` seconds later; its exit code if it ended first."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen(
        [sys.executable, "-m", "cornerstone.cli", *args],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        return child.wait(timeout=after)
    except subprocess.TimeoutExpired:
        child.send_signal(signal.SIGKILL)
        child.wait()
        return None


def kill_during(base_db: Path, db: Path, args: list[str], after: float) -> tuple[int | None, float]:
    """Copy the base database to `db` and run `qa ARGS` on it, killed `after` seconds in; when
    the run ended before (the machine's load varies), try again up to twice, 20% earlier.
    Returns the exit code (None: killed) and the delay used."""
    for _ in range(3):
        copy_db(base_db, db)
        code = qa_killed(args, after)
        if code is None:
            return None, after
        after *= 0.8
    return code, after


def copy_db(source: Path, target: Path) -> Path:
    for stale in target.parent.glob(target.name + "*"):
        if stale.is_dir():
            shutil.rmtree(stale)
        else:
            stale.unlink()
    shutil.copy(source, target)
    wal = source.with_name(source.name + ".wal")
    if wal.exists():
        shutil.copy(wal, target.with_name(target.name + ".wal"))
    return target


def rows(db: Path, sql: str) -> list[tuple]:
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def import_state(db: Path) -> tuple:
    """Counts and order-independent checksums of conversations, messages and quarantine."""
    return rows(
        db,
        "SELECT (SELECT count(*) FROM conversations),"
        " (SELECT coalesce(sum(hash(conversation_id, content_hash, agent_id, team)::HUGEINT), 0)"
        "  FROM conversations),"
        " (SELECT count(*) FROM messages),"
        " (SELECT coalesce(sum(hash(conversation_id, message_index, text)::HUGEINT), 0)"
        "  FROM messages),"
        " (SELECT count(*) FROM quarantine),"
        " (SELECT coalesce(sum(hash(file_name, position, reason)::HUGEINT), 0) FROM quarantine)",
    )[0]


def score_state(db: Path) -> tuple:
    """Counts and checksums of the auto-scores (not their timestamps)."""
    return rows(
        db,
        "SELECT (SELECT count(*) FROM conversation_scores),"
        " (SELECT coalesce(sum(hash(conversation_id, rubric_set_hash, content_hash,"
        "   quality_score, critical_failed)::HUGEINT), 0) FROM conversation_scores),"
        " (SELECT count(*) FROM rubric_scores),"
        " (SELECT coalesce(sum(hash(conversation_id, rubric_id, score)::HUGEINT), 0)"
        "  FROM rubric_scores),"
        " (SELECT count(*) FROM criterion_scores),"
        " (SELECT coalesce(sum(hash(conversation_id, rubric_id, criterion_id, value, na)"
        "   ::HUGEINT), 0) FROM criterion_scores)",
    )[0]


def score_consistent(db: Path, hashes: set[str]) -> list[str]:
    """What is inconsistent in the score tables after a kill (empty when consistent)."""
    problems = []
    used = {r[0] for r in rows(db, "SELECT DISTINCT rubric_set_hash FROM conversation_scores")}
    if not used <= hashes:
        problems.append(f"score rows from an unknown rubric set: {used - hashes}")
    checks = {
        "conversations with criteria but no total": "SELECT count(DISTINCT conversation_id)"
        " FROM criterion_scores WHERE conversation_id NOT IN"
        " (SELECT conversation_id FROM conversation_scores)",
        "conversations with rubric scores but no total": "SELECT count(DISTINCT conversation_id)"
        " FROM rubric_scores WHERE conversation_id NOT IN"
        " (SELECT conversation_id FROM conversation_scores)",
        "conversations scored twice": "SELECT count(*) FROM (SELECT conversation_id"
        " FROM conversation_scores GROUP BY 1 HAVING count(*) > 1)",
        "conversations without a score": "SELECT count(*) FROM conversations WHERE"
        " conversation_id NOT IN (SELECT conversation_id FROM conversation_scores)",
    }
    for label, sql in checks.items():
        (count,) = rows(db, sql)[0]
        if count:
            problems.append(f"{count} {label}")
    return problems


def stage_folders(db: Path) -> list[Path]:
    return sorted(db.parent.glob(f".{db.name}.import-*"))


# ---- 1. faults ----------------------------------------------------------------------------------


def build_base(work: Path, base: int) -> Path:
    from cornerstone.demo.generator import generate
    from warehouse.reading.ingest import ingest_file

    base_file = work / "base.jsonl"
    generate(base_file, base, seed=11)
    db = work / "base.duckdb"
    ingest_file(db, base_file)
    result = qa("score", "--db", str(db), "--quiet", "--workers", "1")
    assert result.returncode == 0, result.stderr
    return db


def probe_ingest(work: Path, base_db: Path, conversations: int, points: int) -> dict:
    from cornerstone.demo.generator import generate

    big = work / "big.jsonl"
    generate(big, conversations, seed=12)
    with big.open("a", encoding="utf-8") as out:  # a few bad lines, so quarantine has rows
        out.write('{"conversation_id": "bad-1", "messages": [\n')
        out.write('{"conversation_id": "bad-2", "messages": []}\n')
    db = work / "ingest.duckdb"
    args = ["ingest", str(big), "--db", str(db), "--quiet"]
    old = import_state(base_db)

    copy_db(base_db, db)
    started = time.perf_counter()
    result = qa(*args)
    wall = time.perf_counter() - started
    assert result.returncode == 0, result.stderr
    new = import_state(db)
    assert new != old and new[4] >= 2, (old, new)
    print(f"  uninterrupted qa ingest of {conversations:,}: {wall:.1f} s, state {new[0]:,}"
          f" conversations, {new[2]:,} messages, {new[4]} quarantined")  # fmt: skip

    survived, outcomes = 0, []
    for i in range(points):
        fraction = 0.05 + 0.9 * i / max(1, points - 1)
        code, after = kill_during(base_db, db, args, fraction * wall)
        fraction = after / wall
        after_kill = import_state(db)
        kind = "old" if after_kill == old else "new" if after_kill == new else "MIXED"
        rerun = qa(*args)
        final = import_state(db)
        left = stage_folders(db)
        ok = kind != "MIXED" and rerun.returncode == 0 and final == new and not left
        survived += ok
        outcomes.append(f"{fraction:.0%}:{kind if code is None else f'ended {code}'}")
        if not ok:
            print(f"  ingest kill at {fraction:.0%}: state {kind}, re-run exit"
                  f" {rerun.returncode}, equal {final == new}, stage folders left {left}")  # fmt: skip
    print("  ingest kills (point: state right after):", ", ".join(outcomes))
    return {"cases": points, "ok": survived, "lost": 0 if survived == points else "?"}


def rubric_variant(folder: Path) -> Path:
    """A copy of the shipped rubrics with one top-level weight changed (a new rubric set)."""
    shutil.copytree(ROOT / "rubrics", folder)
    path = sorted(folder.glob("*.yaml"))[0]
    text = path.read_text(encoding="utf-8")
    changed = re.sub(r"^weight:\s*[\d.]+", "weight: 7", text, count=1, flags=re.MULTILINE)
    assert changed != text, "no top-level weight to change in " + path.name
    path.write_text(changed, encoding="utf-8")
    return folder


def probe_score(work: Path, base_db: Path, points: int) -> dict:
    variant = rubric_variant(work / "rubrics-variant")
    db = work / "score.duckdb"
    args = ["score", "--db", str(db), "--quiet", "--workers", "1", "--rubrics", str(variant)]
    old = score_state(base_db)
    (old_hash,) = rows(base_db, "SELECT DISTINCT rubric_set_hash FROM conversation_scores")[0]

    copy_db(base_db, db)
    started = time.perf_counter()
    result = qa(*args)
    wall = time.perf_counter() - started
    assert result.returncode == 0, result.stderr
    new = score_state(db)
    hashes = {r[0] for r in rows(db, "SELECT DISTINCT rubric_set_hash FROM conversation_scores")}
    assert new != old and len(hashes) == 1 and old_hash not in hashes, (old, new, hashes)
    hashes.add(old_hash)
    print(f"  uninterrupted qa score (changed rubrics) of {new[0]:,} conversations: {wall:.1f} s")

    survived, outcomes = 0, []
    for i in range(points):
        fraction = 0.1 + 0.8 * i / max(1, points - 1)
        code, after = kill_during(base_db, db, args, fraction * wall)
        fraction = after / wall
        problems = score_consistent(db, hashes)
        after_kill = score_state(db)
        kind = "old" if after_kill == old else "new" if after_kill == new else "part"
        rerun = qa(*args)
        final = score_state(db)
        ok = not problems and rerun.returncode == 0 and final == new and not stage_folders(db)
        survived += ok
        outcomes.append(f"{fraction:.0%}:{kind if code is None else f'ended {code}'}")
        if not ok:
            print(f"  score kill at {fraction:.0%}: {problems}, re-run exit"
                  f" {rerun.returncode}, equal {final == new}")  # fmt: skip
    print("  score kills (point: state right after; 'part' = whole batches written):",
          ", ".join(outcomes))  # fmt: skip
    return {"cases": points, "ok": survived, "lost": 0 if survived == points else "?"}


# ---- 2. bad inputs ------------------------------------------------------------------------------


def good(i: int) -> str:
    return json.dumps({"conversation_id": f"g{i}", "channel": "chat", "messages": [
        {"role": "customer", "text": "My parcel is late"}, {"role": "agent", "text": "Sorry!"}]})  # fmt: skip


def bad_input_cases(folder: Path) -> list[dict]:
    """Each case: file, extra qa ingest args, the good ids it holds, how many bad records, the
    exit code documented for it (0: something usable; 1: nothing usable; 2: not a file)."""
    cases = []

    def case(name, data, good_ids, bad, code=0, args=()):
        path = folder / name
        if isinstance(data, bytes):
            path.write_bytes(data)
        elif data is not None:
            path.write_text(data, encoding="utf-8")
        cases.append({"name": name, "path": path, "args": list(args), "good": good_ids,
                      "bad": bad, "code": code})  # fmt: skip

    deep_value = '{"conversation_id": "d1", "x": ' + DEEP + "}"
    for deep_name, deep in (("deep-array", DEEP), ("deep-value", deep_value)):
        for redact in (False, True):
            text = f"{good(1)}\n{deep}\n{good(2)}\n"
            label = f"{deep_name}{'-redact' if redact else ''}.jsonl"
            case(label, text, ["g1", "g2"], 1, args=["--redact"] if redact else [])
    tickets = json.loads((ROOT / "tests/data/formats/zendesk/incremental_tickets.json")
                         .read_text(encoding="utf-8"))["tickets"]  # fmt: skip
    lines = [json.dumps(t) for t in tickets]
    zendesk_ids = [f"zendesk:{t['id']}" for t in tickets]
    case("deep-zendesk.jsonl", "\n".join([lines[0], DEEP, *lines[1:]]) + "\n", zendesk_ids, 1,
         args=["--format", "zendesk"])  # fmt: skip
    nul = good(2).replace("parcel", "par\x00cel").encode("utf-8")
    case("nul.jsonl", f"{good(1)}\n".encode() + nul + f"\n{good(3)}\n".encode(), ["g1", "g3"], 1)
    long_first = json.loads(good(1))
    long_first["messages"][0]["text"] = "x" * 200_000
    case("long-first-line.jsonl", json.dumps(long_first) + f"\n{good(2)}\n", ["g1", "g2"], 0)
    case("not-objects-first.jsonl", f'[]\n42\n"text"\n{good(1)}\n{good(2)}\n', ["g1", "g2"], 3)
    link = folder / "dev-zero.jsonl"
    link.symlink_to("/dev/zero")
    case("dev-zero.jsonl", None, [], 0, code=2)
    huge_id = json.loads(good(9))
    huge_id["conversation_id"] = "c" * 1_000_000
    case("megabyte-id.jsonl", json.dumps(huge_id) + f"\n{good(1)}\n", ["g1"], 1)
    case("empty.jsonl", "", [], 0, code=1)
    latin = '{"conversation_id": "l1", "messages": [{"role": "customer", "text": "Café déjà"}]}'
    invalid = good(1).encode() + b"\n" + latin.encode("cp1252") + b"\n" + good(2).encode() + b"\n"
    case("invalid-utf8.jsonl", invalid, ["g1", "l1", "g2"], 0)
    return cases


def probe_bad_inputs(work: Path) -> dict:
    folder = work / "bad-inputs"
    folder.mkdir()
    handled, lost, details = 0, 0, []
    cases = bad_input_cases(folder)
    for item in cases:
        db = folder / (item["name"] + ".duckdb")
        result = qa("ingest", str(item["path"]), "--db", str(db), *item["args"], timeout=300)
        stored, quarantined = set(), []
        if db.exists():
            stored = {r[0] for r in rows(db, "SELECT conversation_id FROM conversations")}
            quarantined = [r[0] for r in rows(db, "SELECT reason FROM quarantine")]
        missing = [i for i in item["good"] if i not in stored]
        plain = "Traceback" not in result.stderr and "RecursionError" not in result.stderr
        said = (result.stdout + result.stderr).strip()
        ok = (
            result.returncode == item["code"]
            and plain
            and not missing
            and len(quarantined) == item["bad"]
            and all(reason.strip() for reason in quarantined)
            and bool(said)
        )
        handled += ok
        lost += len(missing)
        message = said.splitlines()[-1][:90] if said else ""
        details.append(f"  {item['name']:<26} exit {result.returncode} (expected {item['code']}),"
                       f" good {len(item['good']) - len(missing)}/{len(item['good'])},"
                       f" quarantined {len(quarantined)}/{item['bad']}: {message}")  # fmt: skip
        if not plain:
            details.append("    stderr: " + result.stderr.strip()[-300:])
    print("\n".join(details))
    return {"cases": len(cases), "ok": handled, "lost": lost}


# ---- 3. attacks: counted from the test suite ----------------------------------------------------


def _string_constants(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    ]


def _parametrized(path: Path, test: str, argument: str) -> int:
    """How many values `test` in `path` is parametrized with for `argument`."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name == test:
            for deco in node.decorator_list:
                if (isinstance(deco, ast.Call) and deco.args
                        and isinstance(deco.args[0], ast.Constant) and deco.args[0].value == argument):  # fmt: skip
                    return len(deco.args[1].elts)
    raise LookupError(f"{test}({argument}) not found in {path}")


def count_attacks() -> list[tuple[str, int, str]]:
    tests = ROOT / "tests"
    found = []
    # SQL-looking strings the suite stores or passes and checks back verbatim.
    sql = re.compile(r"'\)?;? *(DROP|SELECT)\b|SELECT \* FROM quarantine")
    strings: set[str] = set()
    for record in (tests / "data/bad_inputs/sql_injection.jsonl").read_text().splitlines():
        value = json.loads(record)
        strings |= {v for v in (value["conversation_id"], value.get("agent_name"),
                                *(m["text"] for m in value["messages"])) if v and sql.search(v)}  # fmt: skip
    for name in ("dashboard/test_my_feedback.py", "warehouse/test_ingest_paths.py"):
        strings |= {s for s in _string_constants(tests / name) if sql.search(s)}
    found.append(("SQL-looking strings stored/queried verbatim", len(strings),
                  "tests/warehouse/test_bad_inputs.py, test_ingest_paths.py, dashboard/test_my_feedback.py"))  # fmt: skip
    access = tests / "browser/test_access.py"
    urls = _parametrized(access, "test_agent_cannot_open_other_pages_by_url", "path") + 1
    found.append(("deep links an agent may not open (browser)", urls,
                  "tests/browser/test_access.py: 4 page paths + another agent's conversation"))  # fmt: skip
    from tests.warehouse.test_permissions import _scoped_selects

    scoped = len(_scoped_selects())
    found.append(("scoped queries x other people's ids", scoped * 2,
                  f"tests/warehouse/test_permissions.py: {scoped} queries x agent, manager"))  # fmt: skip
    from dashboard.page_roles import PAGE_ROLES
    from tests.dashboard.test_html_safety import ATTACKS
    from warehouse.access.viewer import ROLES

    # test_hostile_values_stay_text_on_every_page_for_every_role: each role, each page it may open
    walked = sum(1 for role in ROLES for roles in PAGE_ROLES.values() if role in roles)
    found.append(("hostile values: page x role renders (AppTest)", walked,
                  "tests/dashboard/test_html_safety.py over tests/hostile_data.py"))  # fmt: skip
    found.append(("script/HTML strings in the transcript", len(ATTACKS),
                  "tests/dashboard/test_html_safety.py ATTACKS"))  # fmt: skip
    found.append(("websocket tampers", 0, "none: tests/browser/test_access.py reads the frames "
                  "sent to an agent, it sends no tampered ones"))  # fmt: skip
    return found


# ---- main ---------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=20_000, help="size of the import")
    parser.add_argument(
        "--base", type=int, default=2_000, help="conversations stored (and scored) first"
    )
    parser.add_argument("--ingest-kills", type=int, default=8, help="kill points of qa ingest")
    parser.add_argument("--score-kills", type=int, default=4, help="kill points of qa score")
    parser.add_argument("--workdir", type=Path, default=None, help="keep files here")
    parser.add_argument("--skip-faults", action="store_true", help="only bad inputs and attacks")
    args = parser.parse_args()

    started = time.perf_counter()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="robustness-probe-"))
    work.mkdir(parents=True, exist_ok=True)
    print("load average (1, 5, 15 min) at the start: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
    table = []
    try:
        if not args.skip_faults:
            print("1. faults")
            base_db = build_base(work, args.base)
            r = probe_ingest(work, base_db, args.conversations, args.ingest_kills)
            table.append((f"kill -9 of qa ingest ({args.conversations:,} conversations)", r))
            r = probe_score(work, base_db, args.score_kills)
            table.append((f"kill -9 of qa score ({args.base:,} conversations)", r))
        print("2. bad inputs")
        table.append(("bad inputs to qa ingest", probe_bad_inputs(work)))
        print("3. attacks (counted from the test suite; not run here)")
        attacks = count_attacks()
    finally:
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)
    print()
    print("| area | cases | survived/blocked/handled | lost records |")
    print("|---|---|---|---|")
    for label, r in table:
        print(f"| {label} | {r['cases']} | {r['ok']} | {r['lost']} |")
    for label, count, source in attacks:
        verdict = f"checked by the suite ({source})" if count else source
        print(f"| {label} | {count} | {verdict} | - |")
    print()
    print("load average (1, 5, 15 min) at the end: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
    print(f"runtime {time.perf_counter() - started:.0f} s")
    failed = any(r["ok"] != r["cases"] for _, r in table)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
