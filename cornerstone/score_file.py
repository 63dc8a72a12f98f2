"""`qa score-file`: score a canonical JSONL file into a score JSONL file, no database involved.

The input is read twice, streaming: once to count agent replies for template detection (the file
is the batch), once to score. Lines that are not valid canonical conversations are reported with
their line number and reason (never silently dropped) and produce no output line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from canonical.jsonl import parse_line, record_lines
from canonical.model import Conversation
from canonical.validate import RecordError
from scoring import templates
from scoring.batch import BatchScorer
from scoring.loader import DEFAULT_RUBRICS_DIR, load_rubrics


@dataclass
class ScoreFileSummary:
    scored: int = 0
    refused: list[tuple[int, str]] = field(default_factory=list)  # (line number, reason)
    rubric_set_hash: str = ""

    def __str__(self) -> str:
        text = f"scored {self.scored} conversations (rubric set {self.rubric_set_hash})"
        if self.refused:
            text += f"; {len(self.refused)} line(s) refused"
        return text


def _conversations(path: Path, refused: list[tuple[int, str]] | None) -> Iterator[Conversation]:
    with path.open(encoding="utf-8", errors="strict", newline="") as handle:
        try:
            for number, line in record_lines(handle):
                try:
                    yield parse_line(line)
                except RecordError as error:
                    if refused is not None:
                        refused.append((number, str(error)))
        except UnicodeDecodeError as error:
            if refused is not None:
                refused.append(
                    (0, f"the file is not UTF-8 text ({error.reason} at byte {error.start})")
                )


def score_file(
    input_path: str | Path,
    output_path: str | Path,
    rubrics_dir: str | Path = DEFAULT_RUBRICS_DIR,
    workers: int = 2,
    progress: Callable[[int], None] | None = None,
) -> ScoreFileSummary:
    """Score every conversation in `input_path` (canonical JSONL) into `output_path` (score JSONL)."""
    source, target = Path(input_path), Path(output_path)
    if not source.is_file():
        raise FileNotFoundError(f"{source}: no such file")
    rubrics = load_rubrics(rubrics_dir)
    summary = ScoreFileSummary(rubric_set_hash=rubrics.version_hash)
    settings = templates.template_settings(rubrics)
    template_hashes = None
    if settings is not None:
        min_chars, min_conversations = settings
        table = templates.count_table(_conversations(source, None), min_chars)
        template_hashes = templates.templates(table, min_conversations)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    with BatchScorer(rubrics, workers) as scorer, partial.open("w", encoding="utf-8") as out:
        lines = scorer.score(
            _conversations(source, summary.refused),
            template_hashes,
            output="json",
            progress=progress,
        )
        for line in lines:
            out.write(line)
            out.write("\n")
            summary.scored += 1
    partial.replace(target)
    return summary
