"""PII redactor: precision and recall per entity type on the labelled cases, and throughput.

    .venv/bin/python benchmarks/redaction.py [--repeat N]

Quality: every case in tests/data/redaction/cases.txt (hand-labelled, `[[TYPE|text]]` markers)
is run through `warehouse.reading.redaction.find_pii` and through a naive baseline (one simple regex per
type, no checksums, no context), measured in the same run. A predicted span counts as correct
when it has the gold type and overlaps a gold span of that type (one-to-one); "exact" also
requires the same boundaries. Throughput: messages/s over real dialogue text (the SGD and
MultiWOZ evaluation dialogues in ../shared/data/eval, which contain real-looking phone numbers
and street addresses) plus the labelled cases, for both redactors.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from warehouse.reading.redaction import PRIORITY, PiiSpan, find_pii  # noqa: E402

CASES = ROOT / "tests" / "data" / "redaction" / "cases.txt"
HOLDOUT = ROOT / "tests" / "data" / "redaction" / "holdout.txt"
SHARED_EVAL = ROOT.parent / "shared" / "data" / "eval"
_MARK = re.compile(r"\[\[(EMAIL|PHONE|CARD|IBAN|ADDRESS)\|(.+?)\]\]")


@dataclass(frozen=True)
class Case:
    group: str
    line: int
    text: str
    gold: tuple[PiiSpan, ...]


def load_cases(path: Path = CASES) -> list[Case]:
    """Parse `[[TYPE|text]]`-marked lines into plain text plus gold spans."""
    cases, group = [], ""
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not raw.strip():
            continue
        if raw.startswith("#"):
            group = raw.lstrip("# ").strip()
            continue
        text, gold, position = [], [], 0
        length = 0
        for match in _MARK.finditer(raw):
            before = raw[position : match.start()]
            text.append(before)
            length += len(before)
            gold.append(PiiSpan(match.group(1), length, length + len(match.group(2))))
            text.append(match.group(2))
            length += len(match.group(2))
            position = match.end()
        text.append(raw[position:])
        cases.append(Case(group, number, "".join(text), tuple(gold)))
    return cases


# ---- naive baseline: one simple regex per type -------------------------------------------

NAIVE_PATTERNS = {
    "IBAN": re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b"),
    "CARD": re.compile(r"\b(?:\d[ -]?){12,18}\d\b"),
    "EMAIL": re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+\w"),
    "PHONE": re.compile(r"\+?\(?\d[\d ().-]{6,}\d"),
    "ADDRESS": re.compile(
        r"\b\d+\w?\s+(?:\w+\s+){1,3}(?:Street|St|Road|Rd|Avenue|Ave|Lane|Drive|Way)\b", re.I
    ),
}


def naive_find(text: str) -> list[PiiSpan]:
    taken: list[PiiSpan] = []
    for kind in PRIORITY:
        for m in NAIVE_PATTERNS[kind].finditer(text):
            span = PiiSpan(kind, m.start(), m.end())
            if all(span.end <= t.start or span.start >= t.end for t in taken):
                taken.append(span)
    return sorted(taken, key=lambda s: s.start)


# ---- scoring -------------------------------------------------------------------------------


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    exact: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def evaluate(cases: list[Case], finder: Callable[[str], list[PiiSpan]]) -> dict[str, Tally]:
    """Per-type tallies (and 'ALL'), matching predictions to gold one-to-one by type + overlap."""
    tallies = {kind: Tally() for kind in (*PRIORITY, "ALL")}
    for case in cases:
        predicted = finder(case.text)
        unmatched_gold = list(case.gold)
        for span in predicted:
            hit = next(
                (
                    g
                    for g in unmatched_gold
                    if g.kind == span.kind and g.start < span.end and span.start < g.end
                ),
                None,
            )
            for kind in (span.kind, "ALL"):
                if hit is None:
                    tallies[kind].fp += 1
                else:
                    tallies[kind].tp += 1
                    tallies[kind].exact += (hit.start, hit.end) == (span.start, span.end)
            if hit is None:
                tallies[span.kind].errors.append(
                    f"FP line {case.line}: {case.text[span.start : span.end]!r} in {case.text!r}"
                )
            else:
                unmatched_gold.remove(hit)
        for g in unmatched_gold:
            for kind in (g.kind, "ALL"):
                tallies[kind].fn += 1
            tallies[g.kind].errors.append(
                f"FN line {case.line}: {case.text[g.start : g.end]!r} in {case.text!r}"
            )
    return tallies


def throughput_corpus(limit: int = 60_000) -> list[str]:
    """Real dialogue turns (shared eval sets, read in place) plus the labelled cases."""
    texts = [c.text for c in load_cases()]
    for name in ("uss_sgd_satisfaction", "uss_mwoz_satisfaction"):
        path = SHARED_EVAL / name / "conversations.jsonl"
        if not path.exists():
            continue
        with path.open(encoding="utf-8") as lines:
            for line in lines:
                texts.extend(m["text"] for m in json.loads(line)["messages"])
                if len(texts) >= limit:
                    return texts
    return texts


def measure(finder: Callable[[str], list[PiiSpan]], texts: list[str], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for text in texts:
            finder(text)
        best = min(best, time.perf_counter() - start)
    return len(texts) / best


def report(title: str, path: Path, show_errors: bool) -> None:
    cases = load_cases(path)
    gold_counts = {k: sum(g.kind == k for c in cases for g in c.gold) for k in PRIORITY}
    negatives = sum(not c.gold for c in cases)
    print(f"\n{title} ({path.name}): {len(cases)} messages, {sum(gold_counts.values())} entities "
          f"({', '.join(f'{k} {v}' for k, v in gold_counts.items())}), "
          f"{negatives} messages without PII")  # fmt: skip
    ours, naive = evaluate(cases, find_pii), evaluate(cases, naive_find)
    print(f"{'type':<8} {'gold':>5} | {'redactor P':>10} {'R':>6} {'F1':>6} {'exact':>6}"
          f" | {'naive P':>8} {'R':>6} {'F1':>6}")  # fmt: skip
    for kind in (*PRIORITY, "ALL"):
        o, n = ours[kind], naive[kind]
        gold = o.tp + o.fn
        exact = o.exact / o.tp if o.tp else 0.0
        print(f"{kind:<8} {gold:>5} | {o.precision:>10.3f} {o.recall:>6.3f} {o.f1:>6.3f} "
              f"{exact:>6.2f} | {n.precision:>8.3f} {n.recall:>6.3f} {n.f1:>6.3f}")  # fmt: skip
    if show_errors:
        for kind in PRIORITY:
            for error in ours[kind].errors:
                print(f"  {kind}: {error}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="throughput runs (best is kept)")
    parser.add_argument("--errors", action="store_true", help="list every FP/FN of the redactor")
    args = parser.parse_args(argv)

    for title, path in (("development set", CASES), ("held-out set", HOLDOUT)):
        report(title, path, show_errors=args.errors)

    texts = throughput_corpus()
    ours_rate = measure(find_pii, texts, args.repeat)
    naive_rate = measure(naive_find, texts, args.repeat)
    chars = sum(map(len, texts))
    print(f"\nthroughput on {len(texts):,} messages ({chars / len(texts):.0f} chars avg, "
          f"best of {args.repeat}): redactor {ours_rate:,.0f} msg/s, naive baseline "
          f"{naive_rate:,.0f} msg/s, ratio {ours_rate / naive_rate:.2f}x")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
