"""Pure text measures used by detectors: words, sentences, stems, readability, shouting.

Everything here works offline: nltk's TweetTokenizer and SnowballStemmer need
no downloaded data, and sentences are split with a regular expression rather than punkt.
All functions accept any string (the empty string included) and never raise on content.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from nltk.stem.snowball import SnowballStemmer
from nltk.tokenize import TweetTokenizer

from scoring import phrase_starts
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


# -- phrase lookup: phrase lists (scoring/phrases.py syntax) found by word lookups ---------------
_PHRASE_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_PLAIN_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")


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


class PhraseIndex:
    """Finds the phrases of a list in a text by looking its words up, in one pass.

    Same phrase syntax and matches as `scoring.phrases.pattern` (case-insensitive whole words,
    any whitespace between words, a trailing `*` on a word matches any ending, ' matches ’),
    but a dictionary lookup per word instead of a regular expression with dozens of
    alternatives: several times faster on long lists. Phrases that are not plain words
    (`re:` expressions, "<3", "got it?") fall back to a regular expression. Like `finditer`,
    matches do not overlap and the longest phrase starting at a word wins.
    """

    def __init__(self, phrases: tuple[str, ...], labels: tuple[object, ...] | None = None):
        from scoring.phrases import pattern  # scoring.phrases imports nothing from here

        labels = labels if labels is not None else tuple(range(len(phrases)))
        self._exact: dict[str, list[tuple[tuple[tuple[str, bool], ...], object]]] = {}
        self._prefixed: dict[str, list[tuple[tuple[tuple[str, bool], ...], object]]] = {}
        self._fallback: list[tuple[re.Pattern[str], object]] = []
        self._fallback_required: list[tuple[tuple[str, ...], ...]] = []
        self._plans: dict[str, tuple[re.Pattern[str] | None, tuple[object, ...]] | None] = {}
        for phrase, label in zip(phrases, labels, strict=True):
            words = _phrase_words(phrase.strip())
            if words is None:
                compiled = pattern((phrase,))
                if compiled is not None:
                    self._fallback.append((compiled, label))
                    # the most selective clauses first: one long piece rarely present
                    required = sorted(
                        _required_substrings(compiled),
                        key=lambda clause: (len(clause), -min(map(len, clause))),
                    )
                    self._fallback_required.append(tuple(tuple(c) for c in required))
                continue
            if not words:
                continue
            first, wildcard = words[0]
            table = self._prefixed if wildcard else self._exact
            table.setdefault(first[:3] if wildcard else first, []).append((words, label))
        for candidates in (*self._exact.values(), *self._prefixed.values()):
            candidates.sort(key=lambda item: -len(item[0]))  # longest first
        every = [words for c in (*self._exact.values(), *self._prefixed.values()) for words, _ in c]
        self._first = _phrase_trie(every) if every else None
        # Without the lookbehind, `search` skips to the phrases' first letters at C speed (and a
        # hit inside a word is dropped in Python): faster unless nearly every letter starts a
        # phrase, where the lookbehind rejects word insides sooner.
        first_letters = {words[0][0][0] for words in every}
        body = re.compile(_trie_body(every)) if every else None
        self._body_match = body.match if body is not None else None
        self._search = (
            body.search
            if body is not None and len(first_letters) <= SEARCH_MAX_FIRST_LETTERS
            else None
        )
        # one pass for every list finds where any phrase may start (scoring.phrase_starts)
        self._starts = (
            phrase_starts.register(_word_atoms(words) for words in set(every)) if every else None
        )

    def _candidates(self, key: str):
        found = self._exact.get(key, [])
        if self._prefixed:
            extra = [c for c in self._prefixed.get(key[:3], ()) if key.startswith(c[0][0][0])]
            if extra:
                return sorted([*found, *extra], key=lambda item: -len(item[0]))
        return found

    def match_at(
        self, text: str, tokens: tuple[tuple[int, int, str], ...], i: int
    ) -> tuple[int, int, object] | None:
        """The longest phrase starting at word i: (start, end, label), or None."""
        for words, label in self._candidates(tokens[i][2]):
            k = len(words)
            if i + k > len(tokens):
                continue
            for j in range(1, k):
                word, wildcard = words[j]
                previous_end, (start, _, key) = tokens[i + j - 1][1], tokens[i + j]
                gap = text[previous_end:start]
                if not gap or not gap.isspace():
                    break
                if not (key.startswith(word) if wildcard else key == word):
                    break
            else:
                return tokens[i][0], tokens[i + k - 1][1], label
        return None

    def find(self, text: str) -> list[tuple[int, int, object]]:
        """Every non-overlapping match, in text order: (start, end, label)."""
        found: list[tuple[int, int, object]] = []
        if self._first is not None:
            lower = lowercase(text)
            if len(lower) == len(text):
                found = self._find_lower(lower)
            else:  # lowercasing changed offsets (rare letters): walk the words instead
                tokens = phrase_tokens(text)
                i = 0
                while i < len(tokens):
                    match = self.match_at(text, tokens, i)
                    if match is None:
                        i += 1
                        continue
                    found.append(match)
                    while i < len(tokens) and tokens[i][0] < match[1]:
                        i += 1
        if self._fallback:
            # an ASCII text matches case-insensitively only where its lowercase holds the
            # pattern's literal text: without a required piece, the scan cannot find anything
            lower = lowercase(text) if text.isascii() else None
            for (compiled, label), required in zip(
                self._fallback, self._fallback_required, strict=True
            ):
                if lower is not None and not _holds_one_of_each(lower, required):
                    continue
                found.extend(
                    (m.start(), m.end(), label)
                    for m in compiled.finditer(text)
                    if m.end() > m.start()
                )
            found.sort(key=lambda item: item[0])
        return found

    def _find_lower(self, lower: str) -> list[tuple[int, int, object]]:
        # one trie-shaped regular expression of every phrase finds the matches at C speed; the
        # word lookup then names the phrase (and keeps the longest one)
        found: list[tuple[int, int, object]] = []
        last_end = 0
        for start in self._hit_starts(lower):
            if start < last_end or (start and _inside_word(lower, start)):
                continue
            match = self.match_lower(lower, start)
            if match is not None:
                found.append(match)
                last_end = match[1]
        return found

    def _hit_starts(self, lower: str) -> Iterator[int]:
        """Where the hits of `self._first.finditer` start (each next search from the end of the
        previous hit), by the fastest of three equivalent scans."""
        starts = phrase_starts.starts(self._starts, lower) if self._starts is not None else None
        if starts is not None:  # tried only where a phrase may start (never after a letter or
            # digit: the trie's lookbehind holds there)
            position = 0
            match_at = self._body_match if self._search is not None else self._first.match
            for start in starts:
                if start >= position and (hit := match_at(lower, start)) is not None:
                    position = hit.end()
                    yield start
            return
        search = self._search
        if search is None:
            for hit in self._first.finditer(lower):
                yield hit.start()
            return
        position = 0
        while (hit := search(lower, position)) is not None:
            start = hit.start()
            if start and lower[start - 1].isalnum():  # the trie's lookbehind would refuse it
                position = start + 1
                continue
            position = hit.end()
            yield start

    def match_lower(self, lower: str, start: int) -> tuple[int, int, object] | None:
        """The longest phrase starting with the word at `start` of a lowercased text."""
        token = _PHRASE_TOKEN.match(lower, start)
        if token is None:
            return None
        key = token.group()
        plan = self._plans.get(key, _NO_PLAN)
        if plan is _NO_PLAN:
            plan = self._plan(key)
        if plan is None:
            return None
        rest, labels = plan
        if rest is None:  # the best candidate is the word alone
            return start, token.end(), labels[0]
        match = rest.match(lower, token.end())
        if match is None:
            return None
        return start, match.end(), labels[match.lastindex - 1]

    def _plan(self, key: str) -> tuple[re.Pattern[str] | None, tuple[object, ...]] | None:
        """The candidates for a first word as one anchored alternation of what follows it.

        `re` tries alternatives in order and takes the first that matches: in candidate order
        (most words first), that is the phrase the word-by-word comparison would pick. Each
        alternative is one capturing group, so `lastindex` names it.
        """
        candidates = self._candidates(key)
        plan: tuple[re.Pattern[str] | None, tuple[object, ...]] | None = None
        if candidates:
            alternatives: list[str] = []
            labels: list[object] = []
            for words, label in candidates:
                alternatives.append(
                    "".join(
                        r"\s+" + re.escape(word) + (_WORD_REST if wildcard else _WORD_END)
                        for word, wildcard in words[1:]
                    )
                )
                labels.append(label)
                if len(words) == 1:  # always matches: later candidates are never reached
                    break
            if alternatives[0]:
                rest = re.compile("|".join(f"({alternative})" for alternative in alternatives))
                plan = (rest, tuple(labels))
            else:
                plan = (None, (labels[0],))
        if len(self._plans) >= PLAN_CACHE_WORDS:
            self._plans.clear()
        self._plans[key] = plan
        return plan

    def fallback_match_at(self, text: str, position: int) -> tuple[int, int, object] | None:
        for compiled, label in self._fallback:
            match = compiled.match(text, position)
            if match and match.end() > match.start():
                return match.start(), match.end(), label
        return None


_SPACE = re.compile(r"\s+")
_NO_PLAN = object()
PLAN_CACHE_WORDS = 4096  # first words (wildcards make them open-ended) with a compiled plan
SEARCH_MAX_FIRST_LETTERS = 18  # measured on the demo's agent texts (see PhraseIndex.__init__)


def _inside_word(text: str, position: int) -> bool:
    """Does `position` fall inside a word (after a letter, or after a letter + apostrophe)?"""
    before = text[position - 1]
    if before.isalnum():
        return True
    return before == "'" and position > 1 and text[position - 2].isalnum()


_WORD_END = r"(?![^\W_]|'[^\W_])"  # a word ends here (not inside "can't")
_WORD_REST = r"[^\W_]*(?:'[^\W_]+)*"  # the rest of a word after a wildcard prefix


def _phrase_trie(phrases: list[tuple[tuple[str, bool], ...]]) -> re.Pattern[str]:
    """One regex for many phrases of lowercase words, shaped as a trie (shared prefixes are
    tried once), for text lowercased by `lowercase`."""
    return re.compile(r"(?<![^\W_])" + _trie_body(phrases))


def _trie_body(phrases: list[tuple[tuple[str, bool], ...]]) -> str:
    """`_phrase_trie` without its leading "not inside a word" lookbehind."""
    return phrase_starts.trie_pattern(_word_atoms(words) for words in set(phrases))


def _word_atoms(words: tuple[tuple[str, bool], ...]) -> tuple[str, ...]:
    """A phrase of lowercase words as the regex atoms `_trie_body` concatenates."""
    atoms: list[str] = []
    for n, (word, wildcard) in enumerate(words):
        if n:
            atoms.append(r"\s+")
        atoms += re.findall(r"\\.|.", re.escape(word), re.DOTALL)
        atoms.append(_WORD_REST if wildcard else _WORD_END)
    return tuple(atoms)


def _holds_one_of_each(lower: str, required: tuple[tuple[str, ...], ...]) -> bool:
    """Does `lower` contain a piece of every clause? (plain loops: no generator per call)"""
    for clause in required:
        for piece in clause:
            if piece in lower:
                break
        else:
            return False
    return True


def _required_substrings(compiled: re.Pattern[str]) -> tuple[frozenset[str], ...]:
    """Lowercase ASCII pieces an ASCII text must contain for `compiled` to match anywhere.

    One clause per required part, any piece of a clause will do ("really?" needs "really" and
    "?"). Only ASCII literals count: case-insensitively they match nothing outside their two
    cases in an ASCII text (unlike ſ or K, which match "s" and "k"). () when nothing is surely
    required (or the expression is beyond this reading).
    """
    try:
        from re import _constants as c
        from re import _parser

        parsed = _parser.parse(compiled.pattern, compiled.flags)
    except Exception:  # a private module of `re`: without it, every text is scanned
        return ()

    def clauses(items) -> list[frozenset[str]]:
        out: list[frozenset[str]] = []
        run: list[str] = []
        for op, value in items:
            if op is c.LITERAL and value < 128:
                run.append(chr(value).lower())
                continue
            if run:
                out.append(frozenset(("".join(run),)))
                run = []
            if op is c.SUBPATTERN:
                out += clauses(value[3])
            elif op is c.ATOMIC_GROUP:
                out += clauses(value)
            elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT) and value[0] >= 1:
                out += clauses(value[2])
            elif op is c.BRANCH:
                options = [clauses(branch) for branch in value[1]]
                if all(options):
                    out.append(
                        frozenset().union(
                            *(max(o, key=lambda x: min(map(len, x))) for o in options)
                        )
                    )
            elif op is c.IN and value and all(k is c.LITERAL and v < 128 for k, v in value):
                out.append(frozenset(chr(v).lower() for _, v in value))
        if run:
            out.append(frozenset(("".join(run),)))
        return out

    return tuple(clauses(parsed))


def _phrase_words(phrase: str) -> tuple[tuple[str, bool], ...] | None:
    """A phrase as (lowercase word, wildcard) pairs; None when it needs a regular expression."""
    if phrase.startswith("re:"):
        return None
    words = []
    for word in phrase.lower().replace("’", "'").split():
        wildcard = word.endswith("*") and len(word) > 1
        body = word[:-1] if wildcard else word
        if not _PLAIN_WORD.fullmatch(body) or (wildcard and len(body) < 3 and len(words) == 0):
            return None
        words.append((body, wildcard))
    return tuple(words)


@text_cache(256)
def phrase_index(phrases: tuple[str, ...], labels: tuple[object, ...] | None = None) -> PhraseIndex:
    """A cached `PhraseIndex` for a phrase list (rubric params arrive as tuples)."""
    return PhraseIndex(phrases, labels)
