"""Page latency while `qa ingest` writes: how long a dashboard read waits during a large import.

    .venv/bin/python benchmarks/import_latency.py                       # 200,000 conversations
    .venv/bin/python benchmarks/import_latency.py --conversations 800000
    .venv/bin/python benchmarks/import_latency.py --conversations 100000 --score   # and qa score

Builds a database holding a small demo import, then runs `qa ingest` of a large demo file in a
child process and, from this process, does what a page does every `--every` seconds until the
import has finished: open the database file (waiting for the lock like the dashboard does, up to
30 s), run a page's query, close it. Prints the wait per read during the import (p50, p95, max,
how many timed out as "busy"), and the same reads with no import running as the baseline
measured in the same run. The machine is shared: note the load when quoting figures.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PAGE_QUERY = (
    "SELECT team, count(*) AS conversations, avg(csat) AS csat FROM conversations"
    " GROUP BY team ORDER BY team"
)


def page_read(db: Path) -> tuple[float, bool]:
    """Seconds for one page read (lock wait included) and whether it came back busy."""
    from warehouse.errors import DatabaseBusyError
    from warehouse.storage.connection import connect

    started = time.perf_counter()
    try:
        with connect(db) as con:
            con.execute(PAGE_QUERY).fetchall()
    except DatabaseBusyError:
        return time.perf_counter() - started, True
    return time.perf_counter() - started, False


def summary(label: str, waits: list[float], busy: int) -> str:
    if not waits:
        return f"{label}: no reads"
    ordered = sorted(waits)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return (
        f"{label}: {len(waits)} reads, p50 {statistics.median(ordered) * 1000:,.0f} ms, "
        f"p95 {p95 * 1000:,.0f} ms, max {ordered[-1] * 1000:,.0f} ms, busy {busy}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=200_000, help="size of the import")
    parser.add_argument("--base", type=int, default=10_000, help="conversations already stored")
    parser.add_argument("--every", type=float, default=0.25, help="seconds between page reads")
    parser.add_argument("--workdir", type=Path, default=None, help="keep files here")
    parser.add_argument(
        "--score", action="store_true", help="then measure the same while `qa score` scores it all"
    )
    args = parser.parse_args()

    from cornerstone.demo.generator import generate
    from warehouse.reading.ingest import ingest_file

    work = args.workdir or Path(tempfile.mkdtemp(prefix="import-latency-"))
    work.mkdir(parents=True, exist_ok=True)
    base_file, big_file = work / f"base-{args.base}.jsonl", work / f"big-{args.conversations}.jsonl"
    if not base_file.exists():
        generate(base_file, args.base, seed=11)
    if not big_file.exists():
        generate(big_file, args.conversations, seed=12)
    db = work / "latency.duckdb"
    for stale in work.glob("latency.duckdb*"):
        stale.unlink()
    ingest_file(db, base_file)

    print("load average (1, 5, 15 min) at the start: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
    idle = [page_read(db)[0] for _ in range(20)]
    print(summary("no import running", idle, 0))

    command = ["ingest", str(big_file), "--db", str(db), "--quiet"]
    code = during(f"the import of {args.conversations:,}", command, db, args.every)
    if args.score and code == 0:
        code = during("qa score", ["score", "--db", str(db), "--quiet"], db, args.every)
    return code


def during(label: str, command: list[str], db: Path, every: float) -> int:
    """Run `qa COMMAND` in a child process and read like a page every `every` seconds until it
    ends; print the waits."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "cornerstone.cli", *command],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    waits, busy = [], 0
    while child.poll() is None:
        wait, was_busy = page_read(db)
        if child.poll() is None or wait > 0.05:  # reads that overlapped the child's run
            waits.append(wait)
            busy += was_busy
        time.sleep(every)
    duration = time.perf_counter() - started
    output = child.stdout.read().strip() if child.stdout else ""
    print(f"{label}: {duration:.1f} s wall, exit {child.returncode}: {output[-300:]}")
    print("load average (1, 5, 15 min) at the end: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
    print(summary(f"during {label}", waits, busy))
    return 0 if child.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
