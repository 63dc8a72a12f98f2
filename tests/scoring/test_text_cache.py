"""Per-text caches: unbounded between trims, emptied by `trim()` once past their limit."""

from __future__ import annotations

from cornerstone.demo.generator import iter_conversations
from scoring import engine, text_cache
from scoring.loader import load_rubrics


def test_trim_empties_only_the_caches_past_their_limit(monkeypatch):
    monkeypatch.setattr(text_cache, "_caches", [])
    calls = []

    @text_cache.text_cache(limit=3)
    def small(text: str) -> int:
        calls.append(text)
        return len(text)

    @text_cache.text_cache(limit=100)
    def large(text: str) -> str:
        return text.upper()

    for word in ("a", "bb", "ccc", "dddd"):
        assert small(word) == len(word)
        large(word)
    assert small("a") == 1 and calls == ["a", "bb", "ccc", "dddd"]  # a hit: not recomputed
    text_cache.trim()
    assert small.cache_info().currsize == 0 and large.cache_info().currsize == 4
    assert small("a") == 1 and calls[-1] == "a"  # recomputed after the trim


def test_scoring_keeps_every_cache_within_its_limit(monkeypatch):
    rubrics = load_rubrics()
    conversations = list(iter_conversations(200, seed=5))
    monkeypatch.setattr(text_cache, "TRIM_EVERY", 10**9)
    for cached, _ in text_cache._caches:
        cached.cache_clear()
    for conversation in conversations[:10]:
        engine.score(conversation, rubrics)
    growth = text_cache.sizes()  # what 10 conversations add to empty caches
    assert growth["scoring.sentiment.compound"] > 0

    monkeypatch.setattr(text_cache, "TRIM_EVERY", 10)
    monkeypatch.setattr(text_cache, "_caches", [(cached, 20) for cached, _ in text_cache._caches])
    for conversation in conversations:
        engine.score(conversation, rubrics)
    sizes = text_cache.sizes()
    assert sizes.keys() == growth.keys()
    assert all(sizes[name] <= 20 + growth[name] for name in sizes), (sizes, growth)


def test_the_template_count_pass_keeps_the_reply_hash_cache_within_its_limit(monkeypatch):
    from scoring import templates

    monkeypatch.setattr(text_cache, "TRIM_EVERY", 50)
    monkeypatch.setattr(
        text_cache,
        "_caches",
        [(c, 100 if c is templates.reply_hash else limit) for c, limit in text_cache._caches],
    )
    templates.reply_hash.cache_clear()
    table = templates.count_table(iter_conversations(1000, seed=4), 20)
    assert table.size > 1000
    # at most one trim period of new replies past the limit (a conversation has < 8 replies)
    assert templates.reply_hash.cache_info().currsize <= 100 + 50 * 8
