"""Scoring throughput: N demo conversations fully scored on every core, against one plain nltk VADER
pass over the same messages measured in the same run.

    .venv/bin/python benchmarks/scoring.py                      # 1,000,000 conversations
    .venv/bin/python benchmarks/scoring.py --conversations 20000
    .venv/bin/python benchmarks/scoring.py --conversations 50000 --corpus both

Two corpora (`--corpus demo|varied|both`, default both: two figures). The demo generator repeats
its texts a lot (as macros do), which the per-text caches turn into dictionary lookups; the
varied corpus is the same conversations with every text made its own, as real exports are:
customer names drawn from a large pool (also where the agent writes them), every number redrawn
(order, ticket and phone numbers, amounts, times), sentences paraphrased (synonyms, fillers,
openings, sentence order), so that caches cannot flatter the figure. It prints the share of
distinct message texts of each corpus.

Phases:
1. prepare (not part of the scoring figure): C's demo generator writes the conversations as
   pickled blocks of `Conversation`s in a temp dir, in parallel — standing in for the batches
   `qa score` loads from the warehouse.
2. score (timed): the template pass (agent replies counted across the whole batch, read as the
   (conversation id, reply) rows that `qa score` reads from the messages table), then every
   conversation scored against the shipped rubrics by `workers` processes, block by block, each
   result serialised to its score-file JSON line in the worker (then counted and dropped: no
   output file).
3. baseline (timed): nltk's own `SentimentIntensityAnalyzer.polarity_scores` on every message
   text, on the same number of processes. When the full pass would take more than 5 minutes it
   runs on a sample of messages and is extrapolated — the output says so.

Peak RSS is sampled every 0.2 s as the sum over this process and all its children (shared
copy-on-write pages of forked workers are counted once per process, so it over-states).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import pickle
import random
import re
import resource
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

# This file is named like the `scoring` package; run as a script, its folder must not shadow it.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]

import psutil  # noqa: E402

from canonical.model import Conversation  # noqa: E402
from cornerstone.demo.dialogue import conversation_tuples, tables  # noqa: E402
from cornerstone.demo.generator import BLOCK_SIZE, conversation_from_tuples  # noqa: E402
from cornerstone.demo.roster import DEFAULT_END_DATE, DEFAULT_MONTHS  # noqa: E402

BASELINE_LIMIT_SECONDS = 300.0


# ---- memory ------------------------------------------------------------------------------------
class PeakRss:
    """Highest sum of RSS over this process and its children, sampled in a thread."""

    def __init__(self, interval: float = 0.2) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(interval,), daemon=True)

    def _sample(self) -> int:
        me = psutil.Process()
        total = me.memory_info().rss
        for child in me.children(recursive=True):
            try:
                total += child.memory_info().rss
            except psutil.Error:
                pass
        return total

    def _run(self, interval: float) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._sample())
            self._stop.wait(interval)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


# ---- the varied corpus: every text its own -----------------------------------------------------------
FIRST_NAMES = (
    "Aaliyah Abdul Ada Adele Adrian Agnes Aiko Alba Aleksander Alfie Amara Amir Ana Anders Anouk "
    "Arjun Astrid Aurelio Ayesha Bastian Beatriz Benedikt Bianca Bilal Birgit Bongani Bruno Camille "
    "Carmen Cecilia Chen Chiara Chidi Clara Colm Dagny Dalia Damian Dana Darius Deepa Delphine Dmitri "
    "Dolores Eamon Ebba Edgar Eleni Elif Emeka Enzo Esther Fabian Farah Fatima Felix Femi Fiona Freya "
    "Gaspard Gemma Giorgos Greta Guillermo Hamza Hana Hannes Harriet Hedda Hugo Ida Ifeoma Ilse Imran "
    "Ines Ingrid Isak Ivana Jamal Jana Javier Jelena Joao Jonas Josefine Jun Kai Kamala Karim Katja "
    "Kenji Kerstin Kofi Lars Leila Lena Leon Lina Lorenzo Luca Lucia Magnus Mahmoud Malin Marek Mariam "
    "Mateo Mei Mikael Mila Minh Mira Moritz Nadia Naledi Nils Nina Noor Oisin Olga Omar Oskar Paloma "
    "Pavel Priya Quentin Rafael Rania Rasmus Reza Rosa Ruth Saanvi Samir Sanna Santiago Selin Seo-yeon "
    "Siddharth Sigrid Simone Sofia Soren Stellan Tariq Thandiwe Theo Tomasz Ugo Uma Valentina Vera "
    "Viktor Wanjiru Wiebke Xavier Yara Yusuf Zanele Zofia"
).split()
LAST_NAMES = (
    "Abara Achterberg Adeyemi Alvarez Andersen Arslan Bakker Balogun Barros Becker Bergstrom Bianchi "
    "Brennan Castillo Chowdhury Costa Dahl Delgado Demir Dubois Eriksen Fernandes Fischer Fontaine "
    "Gallagher Garcia Gomez Haddad Hansen Horvat Hussain Ivanova Jansen Jensen Kaur Keller Kim Koch "
    "Kowalski Kruger Larsen Laurent Lindqvist Lopez Magnusson Mahlangu Marino Martins Mensah Moreau "
    "Muller Nakamura Nguyen Novak Nowak Obi Okafor Olsen Ortiz Ozturk Papadopoulos Pereira Petrov "
    "Quinn Ramos Rossi Santos Schmidt Sharma Silva Sorensen Suzuki Takahashi Tanaka Varga Vasquez "
    "Virtanen Wagner Wojcik Yilmaz Zhang Zimmermann"
).split()
# whole-word substitutions: each occurrence takes one of the options (the word itself included)
PARAPHRASES = {
    "order": ("order", "purchase", "parcel", "package", "delivery"),
    "issue": ("issue", "problem", "trouble", "fault"),
    "problem": ("problem", "issue", "trouble"),
    "help": ("help", "assist", "support"),
    "please": ("please", "kindly", "please do"),
    "thanks": ("thanks", "thank you", "many thanks", "cheers", "ta"),
    "check": ("check", "look into", "verify", "review"),
    "refund": ("refund", "reimbursement", "money back", "credit"),
    "account": ("account", "profile", "login"),
    "today": ("today", "this morning", "this afternoon", "tonight"),
    "quickly": ("quickly", "soon", "fast", "promptly"),
    "great": ("great", "brilliant", "lovely", "fantastic", "good"),
    "sorry": ("sorry", "so sorry", "really sorry", "very sorry"),
    "now": ("now", "right now", "at the moment", "currently"),
    "still": ("still", "yet again", "even now"),
    "received": ("received", "got", "had"),
    "sent": ("sent", "emailed", "dispatched", "posted"),
    "hours": ("hours", "hrs", "hours or so"),
    "days": ("days", "working days", "business days"),
    "card": ("card", "credit card", "debit card", "bank card"),
}
OPENINGS = ("", "", "", "Hi again, ", "Okay, ", "So, ", "Hello, ", "Right, ", "Ok so ", "Also, ")
CLOSINGS = (
    "",
    "",
    "",
    " Thanks.",
    " Let me know.",
    " Cheers!",
    " Any update?",
    " Ta.",
    " Regards.",
)
_NUMBER = re.compile(r"\d+")
_WORDS = re.compile(r"\b(" + "|".join(PARAPHRASES) + r")\b", re.IGNORECASE)
_SENTENCES = re.compile(r"(?<=[.!?])\s+")


def _varied(text: str, rng: random.Random, names: dict[str, str]) -> str:
    """`text` made its own: names, numbers and wording redrawn (seeded: the same corpus each run)."""
    for old, new in names.items():
        text = text.replace(old, new)
    text = _NUMBER.sub(
        lambda m: str(rng.randrange(10 ** len(m.group()))).zfill(len(m.group())), text
    )

    def paraphrase(match: re.Match[str]) -> str:
        word = match.group()
        choice = rng.choice(PARAPHRASES[word.lower()])
        return choice[:1].upper() + choice[1:] if word[:1].isupper() else choice

    text = _WORDS.sub(paraphrase, text)
    sentences = _SENTENCES.split(text)
    if len(sentences) > 2 and rng.random() < 0.3:  # two middle sentences change places
        i = rng.randrange(1, len(sentences) - 1)
        sentences[i], sentences[i - 1] = sentences[i - 1], sentences[i]
        text = " ".join(sentences)
    if rng.random() < 0.25:
        text = f"{text} (ref {rng.randrange(10**7):07d})"
    return rng.choice(OPENINGS) + text + rng.choice(CLOSINGS)


def _vary(header: tuple, msgs: list, rng: random.Random) -> tuple[tuple, list]:
    header = list(header)
    names: dict[str, str] = {}
    old_name = header[8]
    new_name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
    if old_name:
        old_parts, new_parts = old_name.split(), new_name.split()
        names = {old_name: new_name, old_parts[0]: new_parts[0]}
        header[8] = new_name
    varied = [
        (role, author, _varied(text, rng, names) if text.strip() else text, sent_at, internal)
        for role, author, text, sent_at, internal in msgs
    ]
    return tuple(header), varied


# ---- phase 1: demo conversations as blocks ----------------------------------------------------------
def _write_block(job: tuple[Path, int, int, int, int, bool]) -> tuple[int, int, int]:
    directory, seed, block, first, total, varied = job
    lookup = tables(seed, DEFAULT_END_DATE, DEFAULT_MONTHS)
    count = min(BLOCK_SIZE, total - first)
    rng = random.Random(f"{seed}-{block}")
    conversations = []
    messages = 0
    for header, msgs in conversation_tuples(lookup, block, first, count, total):
        if varied:
            header, msgs = _vary(header, msgs, rng)
        conversations.append(conversation_from_tuples(header, msgs))
        messages += len(msgs)
    with (directory / f"{block:06d}.pkl").open("wb") as handle:
        pickle.dump(conversations, handle, protocol=pickle.HIGHEST_PROTOCOL)
    # the (conversation id, public agent reply) rows `qa score`'s template pass reads from the
    # messages table (query template_reply_counts_part), stored apart like that column
    replies = [
        (c.conversation_id, m.text)
        for c in conversations
        for m in c.messages
        if m.role == "agent" and not m.internal
    ]
    with _replies_path(directory / f"{block:06d}.pkl").open("wb") as handle:
        pickle.dump(replies, handle, protocol=pickle.HIGHEST_PROTOCOL)
    distinct = {m.text for c in conversations for m in c.messages}
    return len(conversations), messages, len(distinct)


def _replies_path(block: Path) -> Path:
    return block.with_suffix(".replies")


def _load(path: Path) -> list[Conversation]:
    with path.open("rb") as handle:
        return pickle.load(handle)


# ---- phase 2: scoring ------------------------------------------------------------------------------
_rubrics = None
_templates = None


def _init_scoring(template_hashes) -> None:
    global _rubrics, _templates
    from scoring.batch import quiet_gc
    from scoring.loader import load_rubrics

    _rubrics = load_rubrics()
    _templates = template_hashes
    quiet_gc()  # as scoring.batch's workers do


def _count_block(job: tuple[Path, int]):
    from scoring.templates import count_texts

    path, min_chars = job
    with _replies_path(path).open("rb") as handle:
        return count_texts(pickle.load(handle), min_chars)


def _score_block(path: Path) -> tuple[int, int, int, int]:
    from scoring.batch import collect_young, to_json_line
    from scoring.engine import score

    conversations = _load(path)
    size = critical = evidence = 0
    for conversation in conversations:
        result = score(conversation, _rubrics, _templates)
        size += len(to_json_line(result))
        critical += result.critical_failed
        evidence += sum(len(c.evidence) for r in result.rubrics for c in r.criteria)
    collect_young()
    return len(conversations), size, critical, evidence


# ---- phase 3: the nltk VADER baseline ----------------------------------------------------------------
def _vader_texts(job: tuple[list[Path], int]) -> tuple[int, float]:
    from scoring.sentiment import analyzer

    paths, limit = job  # limit None: every message of these blocks
    texts = []
    for path in paths:
        for conversation in _load(path):
            texts.extend(m.text for m in conversation.messages)
            if limit is not None and len(texts) >= limit:
                break
        if limit is not None and len(texts) >= limit:
            break
    texts = texts if limit is None else texts[:limit]
    vader = analyzer()
    vader.polarity_scores("warm up")
    started = time.perf_counter()
    for text in texts:
        vader.polarity_scores(text)
    return len(texts), time.perf_counter() - started


def _run(args: argparse.Namespace, context, workdir: Path, varied: bool) -> dict[str, float]:
    """Prepare, score and measure the baseline on one corpus; returns its figures."""
    # 1. prepare
    started = time.perf_counter()
    jobs = [
        (workdir, args.seed, block, first, args.conversations, varied)
        for block, first in enumerate(range(0, args.conversations, BLOCK_SIZE))
    ]
    paths = [workdir / f"{job[2]:06d}.pkl" for job in jobs]
    if all(p.exists() and _replies_path(p).exists() for p in paths):
        print("prepare: reusing blocks in", workdir)
        counts = None
    else:
        with context.Pool(args.workers) as pool:
            counts = pool.map(_write_block, jobs, chunksize=1)
    prepare_seconds = time.perf_counter() - started
    if counts is not None:
        total_messages = sum(m for _, m, _ in counts)
    else:
        total_messages = None
    if counts is not None:
        print(
            f"prepare: {sum(c for c, _, _ in counts):,} conversations, {total_messages:,} messages "
            f"generated in {prepare_seconds:.1f}s (not part of the scoring time)"
        )

    # 2. score
    from scoring.loader import load_rubrics
    from scoring.templates import merge, template_settings, templates

    rubric_set = load_rubrics()
    min_chars, min_conversations = template_settings(rubric_set)
    cpu_before = _children_cpu()
    with PeakRss() as rss:
        started = time.perf_counter()
        with context.Pool(args.workers) as pool:
            tables_ = pool.map(_count_block, [(p, min_chars) for p in paths], chunksize=1)
        template_hashes = templates(merge(tables_), min_conversations)
        del tables_
        template_seconds = time.perf_counter() - started
        with context.Pool(args.workers, _init_scoring, (template_hashes,)) as pool:
            outcomes = pool.map(_score_block, paths, chunksize=1)
        score_seconds = time.perf_counter() - started
    # CPU time of the worker processes (reaped when their pools closed): on a shared machine a
    # steadier figure than wall time, which other people's work stretches
    cpu_seconds = _children_cpu() - cpu_before
    scored = sum(o[0] for o in outcomes)
    json_bytes = sum(o[1] for o in outcomes)
    critical = sum(o[2] for o in outcomes)
    evidence = sum(o[3] for o in outcomes)
    if total_messages is None:
        total_messages = sum(len(c.messages) for p in paths for c in _load(p))
    rate = scored / score_seconds
    print(f"template pass: {len(template_hashes):,} template replies in {template_seconds:.1f}s")
    print(
        f"scored: {scored:,} conversations ({total_messages:,} messages) in {score_seconds:.1f}s "
        f"(template pass included) = {rate:,.0f} conversations/s"
    )
    print(
        f"        {json_bytes / 1e9:.2f} GB of score JSON, {evidence:,} evidence quotes, "
        f"{critical:,} critical failures"
    )
    print(
        f"        worker CPU time {cpu_seconds:.1f}s = {scored / cpu_seconds:,.0f} conversations "
        "per CPU-second"
    )
    print(f"peak RSS (main + workers, sampled): {rss.peak / 2**30:.2f} GB")
    print(f"load average after scoring {os.getloadavg()[0]:.1f}")

    # 3. baseline
    if args.no_baseline:
        return _finish(paths, total_messages, rate, score_seconds, scored / cpu_seconds)
    per_worker_all = -(-total_messages // args.workers)
    probe = min(per_worker_all, 5_000)
    share = [paths[i :: args.workers] for i in range(args.workers)]
    with context.Pool(args.workers) as pool:
        probes = pool.map(_vader_texts, [(s, probe) for s in share])
    probe_rate = sum(n for n, _ in probes) / max(max(t for _, t in probes), 1e-9)
    estimate = total_messages / probe_rate
    if estimate <= BASELINE_LIMIT_SECONDS:
        with context.Pool(args.workers) as pool:
            runs = pool.map(_vader_texts, [(s, None) for s in share])
        vader_seconds = max(t for _, t in runs)
        measured = sum(n for n, _ in runs)
        how = f"measured on all {measured:,} messages"
    else:
        sample = min(args.vader_sample, per_worker_all)
        with context.Pool(args.workers) as pool:
            runs = pool.map(_vader_texts, [(s, sample) for s in share])
        measured = sum(n for n, _ in runs)
        vader_rate = measured / max(t for _, t in runs)
        vader_seconds = total_messages / vader_rate
        how = (
            f"EXTRAPOLATED from a sample of {measured:,} messages "
            f"({vader_rate:,.0f} messages/s on {args.workers} processes; the full pass would "
            f"take over {BASELINE_LIMIT_SECONDS / 60:.0f} minutes)"
        )
    print(
        f"baseline: plain nltk VADER polarity_scores over all {total_messages:,} messages: "
        f"{vader_seconds:.1f}s, {how}"
    )
    print(
        f"ratio: full scoring took {score_seconds / vader_seconds:.2f}x the time of one plain "
        f"VADER pass ({vader_seconds / score_seconds:.2f}x faster)"
    )
    target_time = score_seconds * 1_000_000 / scored
    print(
        f"targets: 1M conversations in < 300 s (this run's rate gives {target_time:.0f} s), "
        f"peak RSS < 2 GB ({rss.peak / 2**30:.2f} GB)"
    )
    return _finish(paths, total_messages, rate, score_seconds, scored / cpu_seconds)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _finish(
    paths: list[Path], total_messages: int, rate: float, seconds: float, cpu_rate: float
) -> dict[str, float]:
    distinct = len({m.text for p in paths for c in _load(p) for m in c.messages})
    print(
        f"distinct message texts: {distinct:,} of {total_messages:,} "
        f"({100 * distinct / total_messages:.0f}%)"
    )
    print(f"load average at end {os.getloadavg()[0]:.1f}")
    return {
        "rate": rate,
        "seconds": seconds,
        "cpu_rate": cpu_rate,
        "distinct": distinct / total_messages,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--corpus",
        choices=("demo", "varied", "both"),
        default="both",
        help="demo conversations as generated, varied (every text its own), or both (default)",
    )
    parser.add_argument(
        "--vader-sample", type=int, default=40_000, help="messages per worker when sampling"
    )
    parser.add_argument(
        "--no-baseline", action="store_true", help="skip the nltk VADER baseline (phase 3)"
    )
    parser.add_argument(
        "--keep", type=Path, default=None, help="reuse/keep the prepared blocks here"
    )
    args = parser.parse_args()

    context = multiprocessing.get_context("fork")
    corpora = ("demo", "varied") if args.corpus == "both" else (args.corpus,)
    results = {}
    for corpus in corpora:
        root = args.keep / corpus if args.keep else None
        workdir = root or Path(tempfile.mkdtemp(prefix=f"cornerstone-scoring-bench-{corpus}-"))
        workdir.mkdir(parents=True, exist_ok=True)
        load = os.getloadavg()
        print(
            f"\n== {corpus} corpus == scoring benchmark: {args.conversations:,} conversations, "
            f"{args.workers} workers, {os.cpu_count()} CPUs, load average at start {load[0]:.1f} "
            "(shared machine)"
        )
        try:
            results[corpus] = _run(args, context, workdir, corpus == "varied")
        finally:
            if root is None:
                shutil.rmtree(workdir, ignore_errors=True)
    print("\nsummary:")
    for corpus, figures in results.items():
        print(
            f"  {corpus:6s}: {figures['rate']:,.0f} conversations/s ({figures['seconds']:.1f}s), "
            f"{figures['cpu_rate']:,.0f} per worker CPU-second, "
            f"{100 * figures['distinct']:.0f}% distinct message texts"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
