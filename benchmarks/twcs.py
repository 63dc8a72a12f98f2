"""TWCS benchmark: thread a "Customer Support on Twitter"-shaped CSV the size of the real one.

    .venv/bin/python benchmarks/twcs.py                 # 2,811,774 tweets (the Kaggle file)
    .venv/bin/python benchmarks/twcs.py --tweets 300000
    .venv/bin/python benchmarks/twcs.py --ingest        # also the whole engine, into DuckDB

Generates a synthetic CSV with the real columns and date format (threads of 1-8 tweets, rows
shuffled within a thread so replies often come before their root), then measures, each in its
own child process: the baseline, a plain `csv.reader` pass over the file (the least any CSV
importer must do); the `twcs` importer's `stream_records` (threading into conversations); and,
with --ingest, `warehouse.reading.ingest.ingest_file` into a fresh database. Prints tweets/s, peak RSS
and the ratio to the baseline. The machine is shared: note concurrent load when quoting.
"""

from __future__ import annotations

import argparse
import csv
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

REAL_TWEETS = 2_811_774
HEADER = ["tweet_id", "author_id", "inbound", "created_at", "text", "response_tweet_id",
          "in_response_to_tweet_id"]  # fmt: skip


def generate(path: Path, tweets: int, seed: int = 7) -> int:
    """Write about `tweets` rows (whole threads); return how many were written."""
    rng = random.Random(seed)
    start_of_data = datetime(2017, 10, 1, tzinfo=UTC)
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(HEADER)
        next_id = written = 0
        while written < tweets:
            size = rng.randint(1, 8)
            ids = list(range(next_id + 1, next_id + size + 1))
            next_id += size
            begun = start_of_data + timedelta(seconds=rng.randrange(60 * 86400))
            rows = []
            for turn, tweet_id in enumerate(ids):
                inbound = turn % 2 == 0
                sent = begun + timedelta(minutes=7 * turn)
                text = (
                    f"@Brand order {rng.randrange(10**6)} is late, again!\nplease help"
                    if inbound
                    else f'@c{ids[0]} Sorry about that, DM us your order number, "quick" fix #{turn}'
                )
                rows.append([
                    tweet_id, f"c{ids[0]}" if inbound else "BrandSupport", inbound,
                    sent.strftime("%a %b %d %H:%M:%S +0000 %Y"), text,
                    ids[turn + 1] if turn + 1 < size else "", ids[turn - 1] if turn else "",
                ])  # fmt: skip
            rng.shuffle(rows)
            writer.writerows(rows)
            written += size
    return written


def _child(mode: str, path: str, db: str) -> None:
    started = time.perf_counter()
    count = 0
    if mode == "baseline":
        with open(path, newline="", encoding="utf-8") as handle:
            for _ in csv.reader(handle):
                count += 1
        count -= 1  # header
    elif mode == "importer":
        from warehouse.reading.importers.twitter_twcs import IMPORTER

        with open(path, newline="", encoding="utf-8") as handle:
            for record in IMPORTER.stream_records(Path(path), handle):
                count += len(record.conversation["messages"]) if record.conversation else 0
    else:
        from warehouse.reading.ingest import ingest_file

        report = ingest_file(db, path)
        assert report.status == "done", report.summary()
        count = report.records_read
    seconds = time.perf_counter() - started
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{count}\t{seconds}\t{rss}")


def measure(mode: str, path: Path, db: Path) -> tuple[int, float, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", mode, str(path), str(db)],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    count, seconds, rss = out.stdout.strip().splitlines()[-1].split("\t")
    return int(count), float(seconds), float(rss)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tweets", type=int, default=REAL_TWEETS)
    parser.add_argument("--ingest", action="store_true", help="also time ingest_file")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(*args.child)
        return
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "twcs.csv"
        started = time.perf_counter()
        tweets = generate(path, args.tweets)
        size_mb = path.stat().st_size / 2**20
        print(f"generated {tweets:,} tweets ({size_mb:,.0f} MB) in "
              f"{time.perf_counter() - started:.1f} s")  # fmt: skip
        _, base_seconds, base_rss = measure("baseline", path, Path(folder) / "unused.duckdb")
        print(
            f"baseline csv.reader pass: {base_seconds:.1f} s, "
            f"{tweets / base_seconds:,.0f} tweets/s, peak RSS {base_rss:,.0f} MB"
        )
        modes = ["importer"] + (["ingest"] if args.ingest else [])
        for mode in modes:
            count, seconds, rss = measure(mode, path, Path(folder) / "bench.duckdb")
            unit = "tweets" if mode == "importer" else "records (threads)"
            print(
                f"{mode}: {count:,} {unit} in {seconds:.1f} s, {tweets / seconds:,.0f} "
                f"tweets/s, peak RSS {rss:,.0f} MB, {seconds / base_seconds:.1f}x the baseline"
            )


if __name__ == "__main__":
    main()
