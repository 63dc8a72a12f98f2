"""Caches for per-text work: unbounded (C-speed) while scoring, trimmed between conversations.

Support conversations repeat texts (macros, canned customer lines), so detectors cache what
they compute per text. `functools.lru_cache(maxsize=N)` pays for its LRU bookkeeping on every
call, hit or miss; scoring makes hundreds of cached calls per conversation, and at 50k demo
conversations that bookkeeping was about 10% of the scoring time. `functools.cache` (a plain
dict) does not pay it, but grows without bound. So every per-text cache here is a plain
`functools.cache` with a size limit that `trim()` enforces. Long loops call `tick()` once per
item (the engine per conversation, the template count pass per reply or conversation); every
`TRIM_EVERY` ticks the caches past their limit are emptied (the texts that keep recurring come
back at once; the one-off texts, most of them, are what it frees).

The limit trades memory for speed. Texts recur at long distances (a customer's name in an
agent's macro, weeks apart), so every emptying costs recomputation: at 1M demo conversations a
limit of 131,072 texts scored 5% faster per conversation than 32,768 (side by side on 250k,
551.7 vs 581.1 us), with a peak RSS of 1.5 GB for the benchmark's two workers and their parent
(target: under 2 GB). Keep entries small: one entry per text (not per text and argument), and
a smaller limit for bulky results that are cheap to recompute.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import TypeVar

F = TypeVar("F", bound=Callable)

TEXT_CACHE_SIZE = 131_072  # entries per cache (see above): about 600 MB per scoring process
TRIM_EVERY = 512  # ticks (conversations, replies) between two trims

_caches: list[tuple[Callable, int]] = []
_ticks = 0


def text_cache(limit: int = TEXT_CACHE_SIZE) -> Callable[[F], F]:
    """Decorator: cache the function's results by argument, emptied by `trim()` past `limit`."""

    def decorate(function: F) -> F:
        cached = cache(function)
        _caches.append((cached, limit))
        return cached  # type: ignore[return-value]

    return decorate


def trim() -> int:
    """Empty every cache that holds more than its limit; returns how many were emptied."""
    emptied = 0
    for cached, limit in _caches:
        if cached.cache_info().currsize > limit:
            cached.cache_clear()
            emptied += 1
    return emptied


def tick() -> None:
    """One item of a long loop done: trim the caches every `TRIM_EVERY` items."""
    global _ticks
    _ticks += 1
    if _ticks >= TRIM_EVERY:
        _ticks = 0
        trim()


def sizes() -> dict[str, int]:
    """Entries per cache, by function name (for tests and benchmarks)."""
    return {
        f"{cached.__module__}.{cached.__qualname__}": cached.cache_info().currsize
        for cached, _ in _caches
    }
