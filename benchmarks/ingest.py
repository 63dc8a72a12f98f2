"""Ingest benchmark: generate demo conversations, import them, compare with a raw DuckDB read.

    .venv/bin/python benchmarks/ingest.py                      # 1,000,000 conversations
    .venv/bin/python benchmarks/ingest.py --conversations 100000

Prints conversations/s and peak RSS of `warehouse.reading.ingest.ingest_file` into a fresh database
file, and the same for the baseline measured in the same run on the same file:
`CREATE TABLE t AS SELECT * FROM read_json('file')` into another fresh database file. Each
measurement runs in its own child process, so peak RSS (ru_maxrss of the process and its
children) is that of one import alone. Targets (issue 3): within 2x of the raw read, peak RSS
under 2 GB. Also measured: re-importing the same file (0 new) and loading every conversation
back with `load_conversations`. The machine is shared: note concurrent load when quoting figures.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGET_RATIO = 2.0
TARGET_RSS_MB = 2048


def _peak_rss_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024  # Linux: KiB


def _child(kind: str, jsonl: str, db: str) -> None:
    """Run one measurement in this (child) process and print its figures as JSON."""
    started = time.perf_counter()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu_started = usage.ru_utime + usage.ru_stime
    figures: dict[str, object] = {}
    if kind == "baseline":
        import duckdb

        con = duckdb.connect(db)
        con.execute("CREATE TABLE t AS SELECT * FROM read_json($path)", {"path": jsonl})
        figures["rows"] = con.execute("SELECT count(*) FROM t").fetchall()[0][0]
        con.close()
    elif kind in ("ingest", "reingest"):
        from warehouse.reading.ingest import ingest_file

        report = ingest_file(db, jsonl)
        figures.update(
            rows=report.imported, new=report.new, unchanged=report.unchanged,
            quarantined=report.quarantined, engine=report.engine, python_checked=report.python_checked,
            fallback=report.fallback_reason,
        )  # fmt: skip
    elif kind == "load":
        from warehouse.autoscore.conversations import load_conversations
        from warehouse.storage.connection import connect

        with connect(db) as con:
            count = messages = 0
            for conversation in load_conversations(con):
                count += 1
                messages += len(conversation.messages)
        figures.update(rows=count, messages=messages)
    figures["seconds"] = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    figures["cpu_seconds"] = usage.ru_utime + usage.ru_stime - cpu_started
    figures["peak_rss_mb"] = _peak_rss_mb()
    print(json.dumps(figures))


def _measure(kind: str, jsonl: Path, db: Path) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(jsonl), str(db)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=1_000_000)
    parser.add_argument("--workdir", type=Path, default=None, help="keep files here")
    parser.add_argument("--workers", type=int, default=2, help="generator processes")
    parser.add_argument("--skip-load", action="store_true", help="skip load_conversations")
    parser.add_argument("--child", nargs=3, metavar=("KIND", "JSONL", "DB"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(*args.child)
        return 0

    from cornerstone.demo.generator import generate

    with tempfile.TemporaryDirectory(dir=args.workdir) as tmp:
        work = Path(tmp)
        jsonl = work / "demo.jsonl"
        print(f"generating {args.conversations:,} demo conversations (cornerstone.demo) ...")
        summary = generate(jsonl, conversations=args.conversations, workers=args.workers)
        print(
            f"  {summary.bytes / 1e6:,.0f} MB, {summary.messages:,} messages "
            f"in {summary.seconds:.1f}s"
        )
        baseline = _measure("baseline", jsonl, work / "baseline.duckdb")
        ours = _measure("ingest", jsonl, work / "ingest.duckdb")
        again = _measure("reingest", jsonl, work / "ingest.duckdb")
        loaded = None if args.skip_load else _measure("load", jsonl, work / "ingest.duckdb")

    n = args.conversations
    ratio = ours["seconds"] / baseline["seconds"]
    print(
        f"raw read_json CTAS : {baseline['seconds']:7.2f}s  {n / baseline['seconds']:10,.0f} conv/s  peak RSS {baseline['peak_rss_mb']:,.0f} MB"
    )
    print(
        f"ingest_file        : {ours['seconds']:7.2f}s  {n / ours['seconds']:10,.0f} conv/s  peak RSS {ours['peak_rss_mb']:,.0f} MB  (engine {ours['engine']}, {ours['python_checked']:,} rows checked by Python, {ours['new']:,} new, {ours['quarantined']:,} quarantined)"
    )
    print(
        f"re-import (0 new)  : {again['seconds']:7.2f}s  {n / again['seconds']:10,.0f} conv/s  peak RSS {again['peak_rss_mb']:,.0f} MB  ({again['new']:,} new, {again['unchanged']:,} unchanged)"
    )
    if loaded:
        print(
            f"load_conversations : {loaded['seconds']:7.2f}s  {n / loaded['seconds']:10,.0f} conv/s  peak RSS {loaded['peak_rss_mb']:,.0f} MB  ({loaded['messages']:,} messages)"
        )
    cpu_ratio = ours["cpu_seconds"] / baseline["cpu_seconds"]
    print(
        f"ratio ingest / raw read: {ratio:.2f}x wall clock (target <= {TARGET_RATIO}x); {cpu_ratio:.2f}x in CPU time ({ours['cpu_seconds']:.1f}s vs {baseline['cpu_seconds']:.1f}s)"
    )
    print(
        f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (other work on the machine inflates wall clock)"
    )
    ok_ratio = ratio <= TARGET_RATIO
    ok_rss = ours["peak_rss_mb"] < TARGET_RSS_MB
    print(
        f"speed target: {'met' if ok_ratio else 'MISSED'}; memory target (< {TARGET_RSS_MB} MB): {'met' if ok_rss else 'MISSED'}"
    )
    return 0  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
