"""Validity: how well the rubric scores agree with human labels on public evaluation sets.

For each set in ../shared/data/eval/ (conversations.jsonl + labels.csv; see its README.md) the
conversations are scored by the real engine with the real rubric set (`rubrics/`), and the
matching rubric/criterion score is compared with the human label: Spearman rho (and macro-F1
where the labels are classes), next to a naive baseline computed in the same run (VADER compound
alone) and the reference points the README gives for the held-back part.

The rules were tuned on these dev splits only, so each figure is also given on two halves split
by a hash of the conversation id ("half A" / "half B"): a rule that only fits one half shows up
as a gap. The sets are never copied into the project and nothing is trained on them.

    python benchmarks/validity.py [--eval-dir ../shared/data/eval] [--rubrics rubrics] [--workers 2]
                                  [--set epitome_empathy ...]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cornerstone.model import Conversation, Message  # noqa: E402
from scoring.batch import score_batch  # noqa: E402
from scoring.engine import ConversationScore  # noqa: E402
from scoring.loader import load_rubrics  # noqa: E402
from scoring.sentiment import compound  # noqa: E402

DEFAULT_EVAL_DIR = ROOT.parent / "shared" / "data" / "eval"


# -- statistics (no scipy in the project) ----------------------------------------------------------
def ranks(values: Sequence[float]) -> list[float]:
    """1-based ranks, ties given their average rank."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    result = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            result[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return result


def pearson(a: Sequence[float], b: Sequence[float]) -> float:
    n = len(a)
    if n < 2:
        return float("nan")
    mean_a, mean_b = sum(a) / n, sum(b) / n
    cov = sum((x - mean_a) * (y - mean_b) for x, y in zip(a, b, strict=True))
    var_a = sum((x - mean_a) ** 2 for x in a)
    var_b = sum((y - mean_b) ** 2 for y in b)
    return cov / (var_a * var_b) ** 0.5 if var_a and var_b else 0.0


def spearman(a: Sequence[float], b: Sequence[float]) -> float:
    return pearson(ranks(a), ranks(b))


def macro_f1(predicted: Sequence[int], actual: Sequence[int]) -> float:
    classes = sorted(set(actual) | set(predicted))
    scores = []
    for c in classes:
        tp = sum(1 for p, a in zip(predicted, actual, strict=True) if p == c and a == c)
        fp = sum(1 for p, a in zip(predicted, actual, strict=True) if p == c and a != c)
        fn = sum(1 for p, a in zip(predicted, actual, strict=True) if p != c and a == c)
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(scores) / len(scores)


def half(conversation_id: str) -> str:
    return "A" if hashlib.sha1(conversation_id.encode()).digest()[0] % 2 == 0 else "B"


# -- loading ------------------------------------------------------------------------------------
def _time(value: str | None) -> datetime | None:
    if not value:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00")).replace(tzinfo=None)


def load_set(folder: Path) -> tuple[list[Conversation], dict[str, dict[str, str]]]:
    conversations = []
    with (folder / "conversations.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            messages = tuple(
                Message(
                    role=m["role"],
                    text=m.get("text") or "",
                    author=m.get("author"),
                    sent_at=_time(m.get("sent_at")),
                    internal=bool(m.get("internal", False)),
                )
                for m in record["messages"]
            )
            conversations.append(
                Conversation(
                    conversation_id=record["conversation_id"],
                    messages=messages,
                    channel=record.get("channel"),
                    created_at=_time(record.get("created_at")),
                    status=record.get("status"),
                    agent_id=record.get("agent_id"),
                    agent_name=record.get("agent_name"),
                    team=record.get("team"),
                    customer_id=record.get("customer_id"),
                    customer_name=record.get("customer_name"),
                )
            )
    with (folder / "labels.csv").open(encoding="utf-8", newline="") as handle:
        labels = {row["conversation_id"]: row for row in csv.DictReader(handle)}
    return conversations, labels


# -- measures -----------------------------------------------------------------------------------
Measure = Callable[[ConversationScore], float | None]


def rubric_measure(rubric_id: str) -> Measure:
    def measure(result: ConversationScore) -> float | None:
        for rubric in result.rubrics:
            if rubric.rubric_id == rubric_id:
                return rubric.score
        return None

    return measure


def criterion_measure(rubric_id: str, criterion_id: str) -> Measure:
    def measure(result: ConversationScore) -> float | None:
        return result.criterion(rubric_id, criterion_id).score

    return measure


def quality_measure(result: ConversationScore) -> float | None:
    return result.quality_score


def agent_vader(conversation: Conversation) -> float:
    """The naive baseline: mean VADER compound of the agent's turns."""
    values = [compound(m.text) for m in conversation.messages if m.role == "agent" and m.text]
    return sum(values) / len(values) if values else 0.0


def level_from_score(score: float | None, cut_1: float, cut_2: float) -> int:
    """A 0/1/2 class from a 0-100 criterion score (for macro-F1 against 0/1/2 labels)."""
    if score is None or score < cut_1:
        return 0
    return 1 if score < cut_2 else 2


def vader_level(value: float) -> int:
    return 0 if value < 0.05 else (1 if value < 0.5 else 2)


@dataclass(frozen=True)
class Check:
    eval_set: str
    label: str
    measure_name: str
    measure: Measure
    reference: str  # README reference points (held-back part)
    target: float | None = None
    classes: tuple[float, float] | None = None  # score cut-offs for 0/1/2 classes (macro-F1)


CHECKS = [
    Check(
        "epitome_empathy",
        "empathy_total",
        "empathy rubric",
        rubric_measure("empathy"),
        "VADER 0.03, length 0.32, TF-IDF+LR 0.56",
        0.55,
    ),
    Check(
        "epitome_empathy",
        "emotional_reactions",
        "empathy.warm_tone",
        criterion_measure("empathy", "warm_tone"),
        "TF-IDF+LR macro-F1 0.70",
        None,
        (60.0, 80.0),
    ),
    Check(
        "epitome_empathy",
        "interpretations",
        "empathy.shows_understanding",
        criterion_measure("empathy", "shows_understanding"),
        "",
        None,
        (1.0, 30.0),
    ),
    Check(
        "epitome_empathy",
        "explorations",
        "empathy.explores_situation",
        criterion_measure("empathy", "explores_situation"),
        "",
        None,
        (1.0, 30.0),
    ),
    Check(
        "uss_mwoz_satisfaction",
        "overall_satisfaction",
        "quality_score",
        quality_measure,
        "agent VADER 0.17, TF-IDF ridge 0.20",
        0.25,
    ),
    Check(
        "uss_sgd_satisfaction",
        "overall_satisfaction",
        "quality_score",
        quality_measure,
        "agent VADER 0.01, TF-IDF ridge 0.25",
        0.25,
    ),
    Check(
        "stanford_politeness",
        "politeness",
        "communication rubric",
        rubric_measure("communication"),
        "VADER 0.20",
        0.40,
    ),
    Check(
        "stanford_politeness",
        "politeness",
        "communication.politeness",
        criterion_measure("communication", "politeness"),
        "VADER 0.20",
    ),
]


def _rho(pairs: list[tuple[float, float]]) -> float:
    return (
        spearman([p[0] for p in pairs], [p[1] for p in pairs]) if len(pairs) > 2 else float("nan")
    )


def run(eval_dir: Path, rubrics_dir: Path, workers: int, sets: list[str] | None = None) -> int:
    started = time.perf_counter()
    rubrics = load_rubrics(rubrics_dir)
    print(f"rubric set {rubrics.version_hash} from {rubrics_dir}; eval sets from {eval_dir}\n")
    checks = [check for check in CHECKS if not sets or check.eval_set in sets]
    scored: dict[str, tuple[list[Conversation], list[ConversationScore], dict]] = {}
    for name in dict.fromkeys(check.eval_set for check in checks):
        folder = eval_dir / name
        if not folder.is_dir():
            print(f"missing evaluation set: {folder}", file=sys.stderr)
            return 2
        conversations, labels = load_set(folder)
        t0 = time.perf_counter()
        results = list(score_batch(conversations, rubrics, workers=workers))
        elapsed = time.perf_counter() - t0
        print(f"{name}: {len(conversations)} conversations scored in {elapsed:.1f} s")
        scored[name] = (conversations, results, labels)
    header = (
        f"{'set':22} {'label':21} {'our measure':28} {'n':>5} {'rho':>6} {'A':>6} {'B':>6}"
        f" {'VADER':>6} {'F1':>5} {'F1 VADER':>8} {'target':>6}  README reference (held-back)"
    )
    print("\n" + header + "\n" + "-" * len(header))
    failures = 0
    for check in checks:
        conversations, results, labels = scored[check.eval_set]
        ours, base = [], []
        for conversation, result in zip(conversations, results, strict=True):
            row = labels.get(conversation.conversation_id)
            if row is None or row.get(check.label) in (None, ""):
                continue
            label = float(row[check.label])
            value = check.measure(result)
            ours.append((conversation.conversation_id, value, label))
            base.append((agent_vader(conversation), label))
        # a conversation whose measure is N/A gets the neutral middle (50) rather than dropping out
        pairs = [(50.0 if v is None else v, y) for _, v, y in ours]
        rho = _rho(pairs)
        halves = {
            h: _rho([(50.0 if v is None else v, y) for cid, v, y in ours if half(cid) == h])
            for h in "AB"
        }
        rho_vader = _rho(base)
        f1 = f1_vader = ""
        if check.classes:
            actual = [int(y) for _, _, y in ours]
            f1 = (
                f"{macro_f1([level_from_score(v, *check.classes) for _, v, _ in ours], actual):.2f}"
            )
            f1_vader = f"{macro_f1([vader_level(b) for b, _ in base], actual):.2f}"
        target = f"{check.target:.2f}" if check.target is not None else ""
        if check.target is not None and rho < check.target:
            failures += 1
        print(
            f"{check.eval_set:22} {check.label:21} {check.measure_name:28} {len(pairs):5d}"
            f" {rho:6.3f} {halves['A']:6.3f} {halves['B']:6.3f} {rho_vader:6.3f} {f1:>5}"
            f" {f1_vader:>8} {target:>6}  {check.reference}"
        )
    print(
        f"\n{failures} target(s) missed on the dev split; total {time.perf_counter() - started:.0f} s"
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL_DIR)
    parser.add_argument("--rubrics", type=Path, default=ROOT / "rubrics")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--set", action="append", dest="sets", help="only this set (repeatable)")
    arguments = parser.parse_args(argv)
    return run(arguments.eval_dir, arguments.rubrics, arguments.workers, arguments.sets)


if __name__ == "__main__":
    raise SystemExit(main())
