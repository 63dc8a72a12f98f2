"""Pure text measures used by detectors: words, sentences, stems, readability, shouting.

Everything here works offline: nltk's TweetTokenizer and SnowballStemmer need
no downloaded data, and sentences are split with a regular expression rather than punkt.
All functions accept any string (the empty string included) and never raise on content.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from nltk.stem.snowball import SnowballStemmer
from nltk.tokenize import TweetTokenizer

from scoring.text_cache import TEXT_CACHE_SIZE, text_cache  # noqa: F401 (TEXT_CACHE_SIZE re-exported)

# a word: letters/digits, with inner apostrophes or hyphens ("don't", "follow-up")
WORD_PATTERN = r"[^\W_]+(?:['’\-][^\W_]+)*"
_WORD = re.compile(WORD_PATTERN)

# abbreviations whose full stop does not end a sentence
ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof st sr jr vs etc e.g i.e approx appt dept est min no nr ref tel inc ltd co".split()
)
# a sentence ends at . ! ? (or runs of them, optionally closed by quotes/brackets) followed by
# whitespace, or at a line break
_SENTENCE_END = re.compile(r"""[.!?…]+["'”’)\]]*(?=\s)|\n+""")
_LETTER = re.compile(r"[^\W\d_]")
_ALNUM = re.compile(r"[^\W_]")

LONG_WORD_SYLLABLES = 3
_VOWEL_GROUPS = re.compile(r"[aeiouy]+")

# words in capitals that are not shouting
ACRONYMS = frozenset(
    "OK ID PIN FAQ URL PDF USB SMS VAT ETA ASAP FYI UK US USA EU TV PC IT HR CEO API "
    "CSV SSN DOB IBAN BIC GPS ATM AM PM UTC GMT EST PST CET NHS DM PS".split()
)
SHOUT_MIN_LETTERS = 3


def words(text: str) -> list[str]:
    """Word tokens, punctuation dropped ("don't" and "follow-up" stay one word).

    The same tokens as nltk's `RegexpTokenizer(WORD_PATTERN)` (a test holds them equal), from
    the compiled pattern directly: nltk's wrapper costs three times the time.
    """
    return _WORD.findall(text)


def word_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) character spans of `words(text)`, for evidence quotes."""
    return [match.span() for match in _WORD.finditer(text)]


@cache
def _tweet_tokenizer() -> TweetTokenizer:
    return TweetTokenizer(preserve_case=True, reduce_len=False, strip_handles=False)


def tokens(text: str) -> list[str]:
    """Social-media aware tokens (keeps emoticons, @handles, URLs, punctuation as tokens)."""
    return _tweet_tokenizer().tokenize(text)


@cache
def _stemmer() -> SnowballStemmer:
    return SnowballStemmer("english")


@text_cache()
def stem(word: str) -> str:
    """Snowball (Porter 2) English stem of a lower-cased word: "apologising" -> "apologis"."""
    return _stemmer().stem(word.lower())


def stems(text: str) -> list[str]:
    return [stem(word) for word in words(text)]


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) spans of the sentences of `text`, surrounding whitespace excluded."""
    return list(_sentence_spans(text))


@text_cache()
def _sentence_spans(text: str) -> tuple[tuple[int, int], ...]:
    # cached: several detectors split the same agent texts
    spans = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        end = match.end()
        mark = match.group()
        if mark[0] == "." and len(mark.rstrip("\"'”’)]")) == 1:
            previous = text[start : match.start()].rsplit(None, 1)  # [..., last word]
            if previous and previous[-1].lower().rstrip(".") in ABBREVIATIONS:
                continue  # "Dr. Smith": not a sentence end
            if previous and len(previous[-1]) == 1 and previous[-1].isalpha():
                continue  # an initial: "J. Smith"
        _append_span(text, start, end, spans)
        start = end
    _append_span(text, start, len(text), spans)
    return tuple(spans)


def _append_span(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    # a sentence needs a letter or digit (`[^\W_]` is exactly str.isalnum, checked over Unicode)
    if _ALNUM.search(text, start, end) is None:
        return
    chunk = text[start:end]
    offset = start + (len(chunk) - len(chunk.lstrip()))
    spans.append((offset, offset + len(chunk.strip())))


def sentences(text: str) -> list[str]:
    """Sentences split on . ! ? and line breaks (abbreviations and initials respected)."""
    return [text[start:end] for start, end in sentence_spans(text)]


@text_cache()
def syllables(word: str) -> int:
    """Syllable count by vowel groups (a heuristic: silent final e, -le, -ed handled)."""
    word = word.lower().strip("'’-")
    if not word:
        return 0
    if not _LETTER.search(word):
        return 1  # a number reads as about one syllable per token in Flesch's counts
    count = len(_VOWEL_GROUPS.findall(word))
    if len(word) > 2 and word.endswith("e") and not word.endswith(("le", "ee", "ye")):
        count -= 1
    elif len(word) > 3 and word.endswith("ed") and word[-3] not in "td":
        count -= 1
    return max(1, count)


@dataclass(frozen=True, slots=True)
class Readability:
    words: int
    sentences: int
    syllables: int
    average_sentence_words: float
    average_word_syllables: float
    flesch_reading_ease: float  # 206.835 - 1.015 words/sentence - 84.6 syllables/word
    long_word_share: float  # share of words with 3+ syllables


EMPTY_READABILITY = Readability(0, 0, 0, 0.0, 0.0, 0.0, 0.0)


@text_cache()
def readability(text: str) -> Readability:
    """Flesch reading ease and sentence length of `text` (all zeros for text without words)."""
    word_list = words(text)
    if not word_list:
        return EMPTY_READABILITY
    sentence_count = max(1, len(_sentence_spans(text)))
    counts = [syllables(word) for word in word_list]
    total_syllables = sum(counts)
    words_per_sentence = len(word_list) / sentence_count
    syllables_per_word = total_syllables / len(word_list)
    return Readability(
        words=len(word_list),
        sentences=sentence_count,
        syllables=total_syllables,
        average_sentence_words=round(words_per_sentence, 4),
        average_word_syllables=round(syllables_per_word, 4),
        flesch_reading_ease=round(
            206.835 - 1.015 * words_per_sentence - 84.6 * syllables_per_word, 2
        ),
        long_word_share=round(
            sum(1 for c in counts if c >= LONG_WORD_SYLLABLES) / len(word_list), 4
        ),
    )


def shouted_spans(text: str, acronyms: frozenset[str] = ACRONYMS) -> list[tuple[int, int]]:
    """Spans of words written in capitals (3+ letters, not a known acronym)."""
    spans = []
    for match in _WORD.finditer(text):
        word = match.group()
        letters = [character for character in word if character.isalpha()]
        if (
            len(letters) >= SHOUT_MIN_LETTERS
            and word.isupper()
            and word.strip("'’-").upper() not in acronyms
        ):
            spans.append(match.span())
    return spans


def capitals_share(text: str, acronyms: frozenset[str] = ACRONYMS) -> float:
    """Share of the words with 3+ letters that are written in capitals (0.0 without such words)."""
    candidates = [
        word
        for word in words(text)
        if sum(1 for character in word if character.isalpha()) >= SHOUT_MIN_LETTERS
    ]
    if not candidates:
        return 0.0
    return len(shouted_spans(text, acronyms)) / len(candidates)


def is_shouting(
    text: str, min_words: int = 3, min_share: float = 0.5, acronyms: frozenset[str] = ACRONYMS
) -> bool:
    """True when at least `min_words` words, and `min_share` of the words, are in capitals."""
    shouted = shouted_spans(text, acronyms)
    return len(shouted) >= min_words and capitals_share(text, acronyms) >= min_share


_EXCLAMATION_RUN = re.compile(r"[!?]*![!?]*")


def exclamation_runs(text: str, min_length: int = 3) -> list[tuple[int, int]]:
    """Spans of runs like "!!!" or "?!?!" at least `min_length` characters long."""
    return [
        match.span()
        for match in _EXCLAMATION_RUN.finditer(text)
        if match.end() - match.start() >= min_length
    ]


# -- words as the phrase engine (scoring/phrases/words.py) reads them -----------------------------
_PHRASE_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


@text_cache()
def lowercase(text: str) -> str:
    """`text` lowercased with ’ as ' (cached: every phrase list searches the same texts)."""
    return text.lower().replace("’", "'")


@text_cache()
def phrase_tokens(text: str) -> tuple[tuple[int, int, str], ...]:
    """(start, end, lowercase word with ’ as ') for every word of `text`; cached per text."""
    return tuple(
        (m.start(), m.end(), m.group().lower().replace("’", "'"))
        for m in _PHRASE_TOKEN.finditer(text)
    )
