"""Validity: how well the auto-score agrees with people, on corpora it was and was not tuned on.

The protocol (issue 14), on the development splits in ../shared/data/eval/ (conversations.jsonl +
labels.csv; see its README.md). Every conversation is scored once by the real engine with the
real rubric set (`rubrics/`); then:

1. **Figures per corpus, per rubric and per criterion**: Spearman rho of each score with the
   corpus's human label (macro-F1 where the labels are 0/1/2 classes), on the whole dev split and
   on two halves split by a hash of the conversation id ("A" / "B"): a rule that fits one half
   only shows up as a gap.
2. **The baseline, same run**: for every dialogue corpus, the mean VADER compound of the
   customer's turns (the one-line baseline the held-back checks compare against); for the two
   single-text corpora (EPITOME responses, Stanford requests), VADER of the judged text.
3. **Leave one corpus out**: the few numbers a person might tune (rubric weights in the quality
   score, the customer-outcome criterion's weight and the weight of the customer's tone in it,
   the empathy criteria's weights) are chosen from a small grid *without* one corpus, by the
   mean of the other corpora's headline figures, and the choice is checked on the left-out
   corpus next to the shipped setting. A shipped number earns its place only if the choice made
   without a corpus holds on it.
4. **Critical criteria**: how often each critical (auto-fail) criterion fires on every dev
   corpus and on the demo data, with the distinct quotes it fired on, to judge its precision by
   reading them (a false auto-fail is the worst error the product can make).

Nothing is trained: the rules are phrase classes, nltk signals and dialogue structure written
from customer-service practice. The sets are read in place, never copied into the project.

    python benchmarks/validity.py [--eval-dir ../shared/data/eval] [--rubrics rubrics] [--workers 2]
                                  [--set uss_ccpe_satisfaction ...] [--demo 10000] [--no-loo]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import itertools
import json
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from canonical.model import Conversation, Message  # noqa: E402
from scoring.batch import score_batch  # noqa: E402
from scoring.engine import ConversationScore  # noqa: E402
from scoring.loader import load_rubrics  # noqa: E402
from scoring.rubric import RubricSet  # noqa: E402
from scoring.sentiment import compound  # noqa: E402


def _default_eval_dir() -> Path:
    """../shared/data/eval next to the repository (or next to the main checkout of a worktree)."""
    candidates = [ROOT.parent / "shared" / "data" / "eval"]
    git = ROOT / ".git"
    if git.is_file():  # a git worktree: `.git` names the main repository's git directory
        text = git.read_text(encoding="utf-8").strip()
        if text.startswith("gitdir:"):
            main = Path(text.split(":", 1)[1].strip()).resolve().parents[2]
            candidates.append(main.parent / "shared" / "data" / "eval")
    return next((c for c in candidates if c.is_dir()), candidates[0])


DEFAULT_EVAL_DIR = _default_eval_dir()


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


# -- the corpora and what is compared on each -----------------------------------------------------
@dataclass(frozen=True)
class Corpus:
    name: str
    title: str
    label: str  # the headline human label
    headline: str  # "quality" or a rubric id: the figure leave-one-out optimises and checks
    dialogue: bool  # has customer turns: the customer-VADER baseline applies
    target: float | None
    reference: str  # README reference points (held-back part)


CORPORA = (
    Corpus(
        "epitome_empathy",
        "EPITOME",
        "empathy_total",
        "empathy",
        False,
        0.55,
        "VADER 0.03, length 0.32, TF-IDF+LR 0.56",
    ),
    Corpus(
        "uss_mwoz_satisfaction",
        "USS MultiWOZ",
        "overall_satisfaction",
        "quality",
        True,
        None,
        "held back: quality 0.19, customer VADER 0.20",
    ),
    Corpus(
        "uss_sgd_satisfaction",
        "USS SGD",
        "overall_satisfaction",
        "quality",
        True,
        None,
        "held back: quality 0.18, customer VADER 0.31",
    ),
    Corpus(
        "uss_ccpe_satisfaction",
        "USS CCPE",
        "overall_satisfaction",
        "quality",
        True,
        None,
        "held back: quality 0.11, customer VADER 0.34",
    ),
    Corpus(
        "stanford_politeness",
        "Stanford politeness",
        "politeness",
        "communication",
        False,
        0.40,
        "VADER 0.20",
    ),
)

# EPITOME's three sub-labels and the criterion written for each (0/1/2 classes: macro-F1 too)
EPITOME_CRITERIA = (
    ("emotional_reactions", "warm_tone", (60.0, 80.0)),
    ("interpretations", "shows_understanding", (1.0, 30.0)),
    ("explorations", "explores_situation", (1.0, 30.0)),
)


def customer_vader(conversation: Conversation) -> float:
    """The baseline: mean VADER compound of the customer's turns (0 when there are none)."""
    values = [compound(m.text) for m in conversation.messages if m.role == "customer" and m.text]
    return sum(values) / len(values) if values else 0.0


def agent_vader(conversation: Conversation) -> float:
    """VADER compound of the judged text in the single-text sets (mean over agent turns)."""
    values = [compound(m.text) for m in conversation.messages if m.role == "agent" and m.text]
    return sum(values) / len(values) if values else 0.0


def level_from_score(score: float | None, cut_1: float, cut_2: float) -> int:
    """A 0/1/2 class from a 0-100 criterion score (for macro-F1 against 0/1/2 labels)."""
    if score is None or score < cut_1:
        return 0
    return 1 if score < cut_2 else 2


def vader_level(value: float) -> int:
    return 0 if value < 0.05 else (1 if value < 0.5 else 2)


def _rho(values: Sequence[float | None], labels: Sequence[float]) -> float:
    """Spearman rho; an N/A score takes the neutral middle (50) rather than dropping out."""
    if len(values) < 3:
        return float("nan")
    return spearman([50.0 if v is None else v for v in values], labels)


# -- scores as plain arrays, so weights can be changed without re-scoring --------------------------
@dataclass
class Scored:
    """One corpus scored: per conversation its criterion scores, in rubric-set order."""

    corpus: Corpus
    conversations: list[Conversation]
    labels: list[float]
    halves: list[str]
    results: list[ConversationScore]
    criteria: list[tuple[str, str]]  # (rubric id, criterion id), rubric-set order
    scores: list[list[float | None]]  # per conversation, per criterion: 0-100 or None (N/A)
    critical_failed: list[bool]
    baseline: list[float]


def _scored(corpus: Corpus, conversations, labels, results, rubrics: RubricSet) -> Scored:
    criteria = [(r.id, c.id) for r in rubrics.rubrics for c in r.criteria]
    kept = [
        (c, res, float(labels[c.conversation_id][corpus.label]))
        for c, res in zip(conversations, results, strict=True)
        if labels.get(c.conversation_id, {}).get(corpus.label) not in (None, "")
    ]
    scores = []
    for _, result, _ in kept:
        by_id = {(r.rubric_id, c.criterion_id): c.score for r in result.rubrics for c in r.criteria}
        scores.append([by_id.get(key) for key in criteria])
    baseline_of = customer_vader if corpus.dialogue else agent_vader
    return Scored(
        corpus=corpus,
        conversations=[c for c, _, _ in kept],
        labels=[y for _, _, y in kept],
        halves=[half(c.conversation_id) for c, _, _ in kept],
        results=[r for _, r, _ in kept],
        criteria=criteria,
        scores=scores,
        critical_failed=[r.critical_failed for _, r, _ in kept],
        baseline=[baseline_of(c) for c, _, _ in kept],
    )


@dataclass(frozen=True)
class Weights:
    """Rubric weights and criterion weights: the arithmetic of the quality score."""

    rubric: dict[str, float]
    criterion: dict[tuple[str, str], float]


def shipped_weights(rubrics: RubricSet) -> Weights:
    return Weights(
        {r.id: r.weight for r in rubrics.rubrics},
        {(r.id, c.id): c.weight for r in rubrics.rubrics for c in r.criteria},
    )


def recompute(scored: Scored, weights: Weights, measure: str) -> list[float | None]:
    """The engine's arithmetic again, with other weights: a rubric's score (measure = rubric id)
    or the quality score (measure = "quality"; 0 on a critical failure)."""
    index: dict[str, list[tuple[int, float]]] = {}
    for k, (rubric_id, criterion_id) in enumerate(scored.criteria):
        index.setdefault(rubric_id, []).append((k, weights.criterion[(rubric_id, criterion_id)]))
    wanted = list(index) if measure == "quality" else [measure]
    values: list[float | None] = []
    for row, failed in zip(scored.scores, scored.critical_failed, strict=True):
        rubric_scores = {}
        for rubric_id in wanted:
            total = weighted = 0.0
            for k, w in index[rubric_id]:
                if row[k] is not None:
                    total += w
                    weighted += row[k] * w
            rubric_scores[rubric_id] = weighted / total if total else None
        if measure != "quality":
            values.append(rubric_scores[measure])
            continue
        total = weighted = 0.0
        for rubric_id, value in rubric_scores.items():
            if value is not None:
                total += weights.rubric[rubric_id]
                weighted += value * weights.rubric[rubric_id]
        values.append(0.0 if failed else (weighted / total if total else None))
    return values


def headline(scored: Scored, weights: Weights) -> float:
    return _rho(recompute(scored, weights, scored.corpus.headline), scored.labels)


# -- leave one corpus out ----------------------------------------------------------------------------
# The grid: a handful of values a person would try for each number, around the shipped ones.
RESOLUTION_WEIGHTS = (45.0, 60.0, 75.0, 100.0, 150.0)
OUTCOME_WEIGHTS = (5.0, 8.0, 12.0, 20.0)
EMPATHY_PROFILES = ("shipped", "equal")
MOOD_WEIGHTS = (1.0, 1.5, 2.0)  # customer_outcome's `mood_weight`: needs a re-score per value


def grid(base: Weights) -> list[tuple[str, Weights]]:
    configs = []
    for resolution, outcome, profile in itertools.product(
        RESOLUTION_WEIGHTS, OUTCOME_WEIGHTS, EMPATHY_PROFILES
    ):
        rubric = dict(base.rubric)
        if "resolution" in rubric:
            rubric["resolution"] = resolution
        criterion = dict(base.criterion)
        if ("resolution", "customer_outcome") in criterion:
            criterion[("resolution", "customer_outcome")] = outcome
        if profile == "equal":
            for key in criterion:
                if key[0] == "empathy":
                    criterion[key] = 1.0
        name = f"resolution {resolution:g}, outcome {outcome:g}, empathy {profile}"
        configs.append((name, Weights(rubric, criterion)))
    return configs


def shipped_mood_weight(rubrics_dir: Path) -> float | None:
    """customer_outcome's `mood_weight` as the rubric files give it (None without the criterion)."""
    for path in rubrics_dir.glob("*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for criterion in data.get("criteria", []) if isinstance(data, dict) else []:
            if criterion.get("detector") == "customer_outcome":
                return float((criterion.get("params") or {}).get("mood_weight", 1.0))
    return None


def _with_mood_weight(rubrics_dir: Path, mood_weight: float, scratch: Path) -> Path:
    """A copy of the rubric directory with customer_outcome's mood_weight changed."""
    for path in rubrics_dir.glob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        if path.name == "resolution.yaml":
            data = yaml.safe_load(text)
            for criterion in data.get("criteria", []):
                if criterion.get("detector") == "customer_outcome":
                    criterion.setdefault("params", {})["mood_weight"] = mood_weight
            text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
        (scratch / path.name).write_text(text, encoding="utf-8")
    return scratch


# -- the run -------------------------------------------------------------------------------------------
def score_corpora(
    eval_dir: Path, rubrics: RubricSet, workers: int, names: list[str], quiet: bool = False
) -> dict[str, Scored]:
    scored = {}
    for corpus in CORPORA:
        if corpus.name not in names:
            continue
        conversations, labels = load_set(eval_dir / corpus.name)
        t0 = time.perf_counter()
        results = list(score_batch(conversations, rubrics, workers=workers))
        if not quiet:
            print(
                f"{corpus.name}: {len(conversations)} conversations scored in "
                f"{time.perf_counter() - t0:.1f} s"
            )
        scored[corpus.name] = _scored(corpus, conversations, labels, results, rubrics)
    return scored


def _f(value: float) -> str:
    return f"{value:6.3f}"


def print_headlines(scored: dict[str, Scored], weights: Weights) -> int:
    header = (
        f"{'corpus':20} {'label':21} {'our measure':30} {'n':>5} {'rho':>6} {'A':>6} {'B':>6}"
        f" {'base':>6} {'bA':>6} {'bB':>6} {'target':>6}  reference"
    )
    print("\n== 1. Headline figures, with the baseline (customer VADER on dialogues) ==\n")
    print(header + "\n" + "-" * len(header))
    missed = 0
    for s in scored.values():
        c = s.corpus
        values = recompute(s, weights, c.headline)
        rho = _rho(values, s.labels)
        by_half = {
            h: _rho(
                [v for v, x in zip(values, s.halves, strict=True) if x == h],
                [y for y, x in zip(s.labels, s.halves, strict=True) if x == h],
            )
            for h in "AB"
        }
        base = _rho(s.baseline, s.labels)
        base_half = {
            h: _rho(
                [v for v, x in zip(s.baseline, s.halves, strict=True) if x == h],
                [y for y, x in zip(s.labels, s.halves, strict=True) if x == h],
            )
            for h in "AB"
        }
        measure = "quality_score" if c.headline == "quality" else f"{c.headline} rubric"
        if c.target is not None:
            target = f"{c.target:.2f}"
            missed += rho < c.target
        else:
            target = "> base"
            missed += not rho > base or any(by_half[h] <= base_half[h] for h in "AB")
        print(
            f"{c.title:20} {c.label:21} {measure:30} {len(values):5d} {_f(rho)} "
            f"{_f(by_half['A'])} {_f(by_half['B'])} {_f(base)} {_f(base_half['A'])} "
            f"{_f(base_half['B'])} {target:>6}  {c.reference}"
        )
    print(
        "\nbase: mean VADER compound of the customer's turns (dialogue corpora), VADER of the "
        "judged text (EPITOME, politeness); A/B: halves by a hash of the conversation id"
    )
    return missed


def print_per_rubric(scored: dict[str, Scored], weights: Weights) -> None:
    dialogues = [s for s in scored.values() if s.corpus.dialogue]
    if not dialogues:
        return
    print("\n== 2. Per rubric and per criterion on the dialogue corpora (rho; N/A share) ==\n")
    print(f"{'measure':42}" + "".join(f" {s.corpus.title:>20}" for s in dialogues))
    rows: list[tuple[str, list[str]]] = []

    def cell(values: list[float | None], s: Scored) -> str:
        na = sum(v is None for v in values) / len(values)
        return f"{_rho(values, s.labels):6.3f} (N/A {na:4.0%})"

    rows.append(
        ("baseline: customer VADER", [f"{_rho(s.baseline, s.labels):6.3f}" for s in dialogues])
    )
    rows.append(("quality_score", [cell(recompute(s, weights, "quality"), s) for s in dialogues]))
    for rubric_id in dict.fromkeys(r for r, _ in dialogues[0].criteria):
        rows.append(
            (f"{rubric_id} rubric", [cell(recompute(s, weights, rubric_id), s) for s in dialogues])
        )
        for k, (r, criterion_id) in enumerate(dialogues[0].criteria):
            if r == rubric_id:
                rows.append(
                    (
                        f"  {rubric_id}.{criterion_id}",
                        [cell([row[k] for row in s.scores], s) for s in dialogues],
                    )
                )
    for name, cells in rows:
        print(f"{name:42}" + "".join(f" {c:>20}" for c in cells))


def print_single_text(scored: dict[str, Scored]) -> None:
    print("\n== 3. Per criterion on the single-text corpora ==\n")
    epitome = scored.get("epitome_empathy")
    if epitome is not None:
        rows = _LABEL_ROWS[epitome.corpus.name]
        for label, criterion_id, cuts in EPITOME_CRITERIA:
            k = epitome.criteria.index(("empathy", criterion_id))
            values = [row[k] for row in epitome.scores]
            actual = [int(float(r[label])) for r in rows]
            rho = _rho(values, [float(a) for a in actual])
            base = _rho(epitome.baseline, [float(a) for a in actual])
            f1 = macro_f1([level_from_score(v, *cuts) for v in values], actual)
            f1_base = macro_f1([vader_level(b) for b in epitome.baseline], actual)
            print(
                f"EPITOME {label:20} empathy.{criterion_id:22} rho {rho:6.3f} (VADER {base:6.3f})"
                f"  macro-F1 {f1:.2f} (VADER {f1_base:.2f})"
            )
        for k, (rubric_id, criterion_id) in enumerate(epitome.criteria):
            if rubric_id == "empathy":
                values = [row[k] for row in epitome.scores]
                print(
                    f"EPITOME empathy_total        empathy.{criterion_id:22} rho "
                    f"{_rho(values, epitome.labels):6.3f}"
                )
    politeness = scored.get("stanford_politeness")
    if politeness is not None:
        for k, (rubric_id, criterion_id) in enumerate(politeness.criteria):
            if rubric_id == "communication":
                values = [row[k] for row in politeness.scores]
                na = sum(v is None for v in values) / len(values)
                print(
                    f"politeness  politeness        communication.{criterion_id:22} rho "
                    f"{_rho(values, politeness.labels):6.3f} (N/A {na:4.0%})"
                )


_LABEL_ROWS: dict[str, list[dict[str, str]]] = {}  # every label column, in `Scored` order


def leave_one_out(
    scored: dict[str, Scored],
    weights: Weights,
    rubrics_dir: Path,
    eval_dir: Path,
    workers: int,
) -> list[tuple[str, float, float, str, float]]:
    """For each corpus: the grid point chosen on the others, and its figure on the left-out one."""
    print("\n== 4. Leave one corpus out (numbers chosen without a corpus, checked on it) ==\n")
    print(
        f"grid: resolution rubric weight {RESOLUTION_WEIGHTS}, customer_outcome weight "
        f"{OUTCOME_WEIGHTS}, empathy criterion weights {EMPATHY_PROFILES}, customer tone weight "
        f"(mood_weight) {MOOD_WEIGHTS}: {len(grid(weights)) * len(MOOD_WEIGHTS)} settings"
    )
    names = list(scored)
    # headline figure of every setting on every corpus
    table: dict[tuple[float, str], dict[str, float]] = {}
    shipped_mood = shipped_mood_weight(rubrics_dir)
    for mood in sorted({*MOOD_WEIGHTS, shipped_mood or 1.0}):
        if mood == shipped_mood or shipped_mood is None:
            per_corpus = scored
        else:
            with tempfile.TemporaryDirectory(prefix="cornerstone-validity-") as scratch:
                variant = load_rubrics(_with_mood_weight(rubrics_dir, mood, Path(scratch)))
            # the tone weight only moves customer_outcome, in the quality score: corpora whose
            # headline is a rubric without it (empathy, communication) keep their scores
            quality = [n for n in names if scored[n].corpus.headline == "quality"]
            per_corpus = {
                **scored,
                **score_corpora(eval_dir, variant, workers, quality, quiet=True),
            }
        for name, config in grid(weights):
            table[(mood, name)] = {n: headline(per_corpus[n], config) for n in names}
    shipped_key = next(
        k for k in table if k[0] == (shipped_mood or 1.0) and _is_shipped(k[1], weights)
    )
    results = []
    header = (
        f"{'left out':20} {'shipped':>8} {'chosen without it':>18} {'baseline':>9}  "
        "setting chosen on the other corpora"
    )
    print(header + "\n" + "-" * len(header))
    for left_out in names:
        others = [n for n in names if n != left_out]
        if not others:
            continue
        best = max(table, key=lambda k: sum(table[k][n] for n in others) / len(others))
        s = scored[left_out]
        base = _rho(s.baseline, s.labels)
        shipped = table[shipped_key][left_out]
        chosen = table[best][left_out]
        setting = f"mood {best[0]:g}, {best[1]}"
        results.append((left_out, shipped, chosen, setting, base))
        print(f"{s.corpus.title:20} {shipped:8.3f} {chosen:18.3f} {base:9.3f}  {setting}")
    best_all = max(table, key=lambda k: sum(table[k].values()) / len(names))
    print(
        f"\nshipped setting: mood {shipped_key[0]:g}, {shipped_key[1]}; best on all corpora together: "
        f"mood {best_all[0]:g}, {best_all[1]}"
    )
    return results


def _is_shipped(name: str, weights: Weights) -> bool:
    resolution = weights.rubric.get("resolution")
    outcome = weights.criterion.get(("resolution", "customer_outcome"))
    return name == f"resolution {resolution:g}, outcome {outcome:g}, empathy shipped"


def critical_precision(scored: dict[str, Scored], rubrics: RubricSet, demo: int, workers: int):
    print("\n== 5. Critical (auto-fail) criteria: where they fire ==\n")
    critical = [(r.id, c.id) for r in rubrics.rubrics for c in r.criteria if c.critical]
    sources: list[tuple[str, list[ConversationScore]]] = [
        (s.corpus.title, s.results) for s in scored.values()
    ]
    if demo:
        from cornerstone.demo.generator import iter_conversations

        conversations = list(iter_conversations(demo))
        sources.append(
            (f"demo ({demo:,})", list(score_batch(conversations, rubrics, workers=workers)))
        )
    for rubric_id, criterion_id in critical:
        print(f"{rubric_id}.{criterion_id}:")
        for title, results in sources:
            quotes: Counter[str] = Counter()
            fired = 0
            for result in results:
                criterion = result.criterion(rubric_id, criterion_id)
                if criterion.failed:
                    fired += 1
                    for e in criterion.evidence[:1]:
                        quotes[e.quote.lower()] += 1
            shown = ", ".join(f"“{q}” x{n}" for q, n in quotes.most_common(8))
            print(f"  {title:22} fired on {fired:5d} of {len(results):6d}  {shown}")


def run(
    eval_dir: Path,
    rubrics_dir: Path,
    workers: int,
    sets: list[str] | None = None,
    demo: int = 10_000,
    loo: bool = True,
) -> int:
    started = time.perf_counter()
    rubrics = load_rubrics(rubrics_dir)
    print(f"rubric set {rubrics.version_hash} from {rubrics_dir}; eval sets from {eval_dir}\n")
    names = [c.name for c in CORPORA if not sets or c.name in sets]
    for name in names:
        if not (eval_dir / name).is_dir():
            print(f"missing evaluation set: {eval_dir / name}", file=sys.stderr)
            return 2
    scored = score_corpora(eval_dir, rubrics, workers, names)
    for name in names:
        with (eval_dir / name / "labels.csv").open(encoding="utf-8", newline="") as handle:
            rows = {row["conversation_id"]: row for row in csv.DictReader(handle)}
        _LABEL_ROWS[name] = [rows[c.conversation_id] for c in scored[name].conversations]
    weights = shipped_weights(rubrics)
    missed = print_headlines(scored, weights)
    print_per_rubric(scored, weights)
    print_single_text(scored)
    loo_results = leave_one_out(scored, weights, rubrics_dir, eval_dir, workers) if loo else []
    critical_precision(scored, rubrics, demo, workers)
    print("\n== Closing note ==")
    for s in scored.values():
        values = recompute(s, weights, s.corpus.headline)
        print(f"{s.corpus.title}: {s.corpus.headline} rho {_rho(values, s.labels):.3f}", end="")
        for h in "AB":
            print(
                f", half {h} "
                f"{_rho([v for v, x in zip(values, s.halves, strict=True) if x == h], [y for y, x in zip(s.labels, s.halves, strict=True) if x == h]):.3f}",
                end="",
            )
        loo_row = next((r for r in loo_results if r[0] == s.corpus.name), None)
        if loo_row:
            print(f", left out {loo_row[2]:.3f}", end="")
        print(f"; baseline {_rho(s.baseline, s.labels):.3f}")
    print(
        f"{missed} headline target(s) missed on the dev splits; held-back figures are checked "
        f"separately; total {time.perf_counter() - started:.0f} s"
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL_DIR)
    parser.add_argument("--rubrics", type=Path, default=ROOT / "rubrics")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--set", action="append", dest="sets", help="only this set (repeatable)")
    parser.add_argument(
        "--demo", type=int, default=10_000, help="demo conversations for the critical criteria"
    )
    parser.add_argument("--no-loo", action="store_true", help="skip leave-one-corpus-out")
    arguments = parser.parse_args(argv)
    return run(
        arguments.eval_dir,
        arguments.rubrics,
        arguments.workers,
        arguments.sets,
        arguments.demo,
        not arguments.no_loo,
    )


if __name__ == "__main__":
    raise SystemExit(main())
