"""Sentiment speed: our exact fast VADER path against nltk's SentimentIntensityAnalyzer.

Measures messages per second on one core for (1) nltk's own `polarity_scores`, the baseline,
(2) our uncached exact re-implementation `scoring.sentiment._compound`, and (3) the cached
`scoring.sentiment.compound` on demo conversations, whose texts repeat as real support texts
do. Every compared value must be identical, so the speed-up costs nothing in accuracy.

    python benchmarks/sentiment.py [--demo 20000]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scoring import sentiment  # noqa: E402

EVAL_DIR = ROOT.parent / "shared" / "data" / "eval"


def eval_messages() -> list[str]:
    texts = []
    for path in sorted(EVAL_DIR.glob("*/conversations.jsonl")):
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                texts.extend(m["text"] for m in json.loads(line)["messages"])
    return texts


def demo_messages(conversations: int) -> list[str]:
    from cornerstone.demo.generator import iter_conversations

    return [
        m.text for conversation in iter_conversations(conversations) for m in conversation.messages
    ]


def rate(function, texts: list[str]) -> tuple[float, list[float]]:
    started = time.perf_counter()
    values = [function(text) for text in texts]
    return len(texts) / (time.perf_counter() - started), values


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--demo", type=int, default=20_000, help="demo conversations (0: skip)")
    arguments = parser.parse_args(argv)
    sentiment.analyzer()  # load the lexicon outside the timings
    corpora = [("eval sets (all messages)", eval_messages())]
    if arguments.demo:
        corpora.append((f"demo ({arguments.demo} conversations)", demo_messages(arguments.demo)))
    print(
        f"{'corpus':34} {'messages':>9} {'nltk msg/s':>11} {'exact msg/s':>12} {'ratio':>6}"
        f" {'cached msg/s':>13} {'ratio':>6} {'max |diff|':>10}"
    )
    for name, texts in corpora:
        nltk_rate, reference = rate(sentiment.nltk_compound, texts)
        fast_rate, fast = rate(sentiment._compound, texts)
        sentiment.compound.cache_clear()
        cached_rate, cached = rate(sentiment.compound, texts)
        worst = max((abs(a - b) for a, b in zip(reference, fast, strict=True)), default=0.0)
        worst = max(
            worst, max((abs(a - b) for a, b in zip(reference, cached, strict=True)), default=0.0)
        )
        print(
            f"{name:34} {len(texts):9d} {nltk_rate:11.0f} {fast_rate:12.0f} {fast_rate / nltk_rate:6.1f}"
            f" {cached_rate:13.0f} {cached_rate / nltk_rate:6.1f} {worst:10.1g}"
        )
        if worst != 0:
            print("MISMATCH: the fast path differs from nltk", file=sys.stderr)
            return 1
    print("one core; the machine is shared, so absolute rates vary with load, ratios less so")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
