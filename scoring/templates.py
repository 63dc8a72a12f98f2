"""The batch pass behind template-reply detection: which agent replies were sent verbatim to many
customers.

Replies are compared in normalised form (`signals.normalise_reply`) by a 64-bit hash, counted
once per conversation, so a million conversations need a few tens of MB, not a copy of every
reply. `count_table` works on any iterable of conversations (a chunk); tables from chunks are
merged with `merge`, and `templates(table, min_conversations)` gives the set the detector checks.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import numpy as np

from canonical.model import Conversation
from scoring.rubric import RubricSet
from scoring.signals import normalise_reply
from scoring.text_cache import TEXT_CACHE_SIZE, text_cache, tick

DETECTOR = "template_reply"


@text_cache(TEXT_CACHE_SIZE * 2)  # macros repeat: the count pass and the detector see them again
def reply_hash(text: str) -> int:
    digest = hashlib.blake2b(normalise_reply(text).encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)


def template_settings(rubrics: RubricSet) -> tuple[int, int] | None:
    """(min_chars, min_conversations) of the set's template detector, or None when unused."""
    for rubric in rubrics.rubrics:
        for criterion in rubric.criteria:
            for spec in criterion.detectors:
                if spec.detector == DETECTOR:
                    return int(spec.params.min_chars), int(spec.params.min_conversations)
    return None


def conversation_hashes(conversation: Conversation, min_chars: int) -> set[int]:
    return {
        reply_hash(m.text)
        for m in conversation.messages
        if m.role == "agent" and not m.internal and len(m.text) >= min_chars
    }


def count_table(conversations: Iterable[Conversation], min_chars: int) -> np.ndarray:
    """Hashes of long-enough agent replies, one entry per conversation that sent each (int64)."""
    hashes: list[int] = []
    for conversation in conversations:
        hashes.extend(conversation_hashes(conversation, min_chars))
        tick()  # keeps reply_hash's cache within its limit over a long pass
    return np.fromiter(hashes, dtype=np.int64, count=len(hashes))


def count_texts(texts: Iterable[tuple[str, str]], min_chars: int) -> np.ndarray:
    """The same table from (conversation_id, agent reply text) rows, e.g. streamed from a database."""
    seen: set[tuple[str, int]] = set()
    for conversation_id, text in texts:
        if len(text) >= min_chars:
            seen.add((conversation_id, reply_hash(text)))
        tick()
    return np.fromiter((h for _, h in seen), dtype=np.int64, count=len(seen))


def merge(tables: Iterable[np.ndarray]) -> np.ndarray:
    tables = list(tables)
    return np.concatenate(tables) if tables else np.empty(0, dtype=np.int64)


def templates(table: np.ndarray, min_conversations: int) -> frozenset[int]:
    """Hashes sent in at least `min_conversations` conversations."""
    if table.size == 0:
        return frozenset()
    values, counts = np.unique(table, return_counts=True)
    return frozenset(int(v) for v in values[counts >= min_conversations])
