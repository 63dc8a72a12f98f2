"""Demo generator speed: conversations/s and MB/s writing canonical JSONL, peak RSS.

    python benchmarks/generator.py [--conversations 1000000] [--workers 2]

Baselines measured in the same run: copying the generated file (the disk's write speed, a floor
no generator can beat), and the naive way of writing the same records — `json.dumps` of dicts
built from `iter_conversations` — on a slice, extrapolated.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from canonical.model import canonical_dict  # noqa: E402
from cornerstone.demo.generator import generate, iter_conversations  # noqa: E402


def _naive_line(conversation) -> str:
    return json.dumps(canonical_dict(conversation), ensure_ascii=False) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--naive-slice", type=int, default=50_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "demo.jsonl"
        cpu_started = time.process_time()
        one = generate(out, args.conversations, workers=1)
        cpu = time.process_time() - cpu_started
        print(
            f"generate, 1 process : {one.conversations:,} conversations, {one.messages:,} "
            f"messages, {one.bytes / 1e6:,.0f} MB in {one.seconds:.1f}s = "
            f"{one.conversations_per_second:,.0f} conversations/s, "
            f"{one.megabytes_per_second:.1f} MB/s"
        )
        print(
            f"  CPU time {cpu:.1f}s = {one.conversations / cpu:,.0f} conversations per CPU-second "
            f"(wall/CPU {one.seconds / cpu:.1f}: above 1 means the machine was busy)"
        )
        peak_one = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        if args.workers > 1:
            many = generate(Path(tmp) / "demo2.jsonl", args.conversations, workers=args.workers)
            same = (
                (Path(tmp) / "demo2.jsonl").read_bytes() == out.read_bytes()
                if (one.bytes < 3e9)
                else None
            )
            print(
                f"generate, {args.workers} processes: {many.seconds:.1f}s = "
                f"{many.conversations_per_second:,.0f} conversations/s, "
                f"{many.megabytes_per_second:.1f} MB/s (identical bytes: {same})"
            )
            (Path(tmp) / "demo2.jsonl").unlink()

        started = time.perf_counter()
        shutil.copyfile(out, Path(tmp) / "copy.jsonl")
        copy_seconds = time.perf_counter() - started
        print(
            f"baseline, file copy : {copy_seconds:.1f}s = {one.bytes / 1e6 / copy_seconds:.0f} MB/s "
            f"(generation takes {one.seconds / copy_seconds:.1f}x a plain copy)"
        )

        slice_size = min(args.naive_slice, args.conversations)
        started = time.perf_counter()
        with open(Path(tmp) / "naive.jsonl", "w", encoding="utf-8") as handle:
            for conversation in iter_conversations(slice_size):
                handle.write(_naive_line(conversation))
        naive = (time.perf_counter() - started) * args.conversations / slice_size
        print(
            f"baseline, naive json.dumps of model objects ({slice_size:,} conversations, "
            f"extrapolated): {naive:.1f}s = {args.conversations / naive:,.0f} conversations/s "
            f"(ratio generator/naive: {one.seconds / naive:.2f})"
        )
        print(f"peak RSS of this process (1-process generation): {peak_one:,.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
