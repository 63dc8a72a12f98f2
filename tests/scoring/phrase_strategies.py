"""Hypothesis strategies shared by the phrase-search property tests: small words that collide
(prefixes, apostrophes, letters whose case folds oddly) so that overlaps and wildcards are hit."""

from __future__ import annotations

from hypothesis import strategies as st

WORDS = ["a", "ab", "ba", "abc", "bab", "can't", "don’t", "I", "İs", "ſo", "Kb", "so", "x-y"]
word = st.sampled_from(WORDS)
longer_word = st.sampled_from(["abcab", "baba", "babs", "abcs'd", "so's"])  # wildcard endings
literal_phrase = st.lists(
    st.tuples(word, st.booleans()).map(
        lambda pair: pair[0] + "*" if pair[1] and len(pair[0]) >= 3 else pair[0]
    ),
    min_size=1,
    max_size=3,
).map(" ".join)
