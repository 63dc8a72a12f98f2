"""VADER sentiment: nltk's analyzer with the lexicon the `vaderSentiment` package ships.

nltk looks its lexicon up in an nltk data directory, which nltk's downloader would fill from the
network. We never download: `install_lexicon()` copies `vaderSentiment/vader_lexicon.txt` into a
project-owned data directory (`scoring/nltk_data/sentiment/vader_lexicon.zip`, the layout nltk
expects) and puts that directory on `nltk.data.path`. That zip is committed and shipped as package
data (`python -m scoring.sentiment --install` rebuilds it); a data directory named by
$CORNERSTONE_NLTK_DATA is built on first use.

`compound(text)` is the hot path used by scoring. It is an exact re-implementation of nltk's
`SentimentIntensityAnalyzer.polarity_scores(text)["compound"]` (same tokenisation, same
arithmetic in the same order, including VADER's quirks such as scoring a repeated token at the
position of its first occurrence) without nltk's per-text punctuation dictionary, so it runs
several times faster; tests/scoring/test_sentiment.py proves it equal to nltk on every message of
the evaluation sets. Results are cached (support conversations repeat many texts).
"""

from __future__ import annotations

import argparse
import math
import os
import string
import sys
import tempfile
import zipfile
from collections.abc import Iterable
from functools import cache
from importlib import resources
from pathlib import Path

from nltk.sentiment.vader import VaderConstants

from scoring.text_cache import text_cache

# shipped as package data (built by `install_lexicon`, committed; a test checks it is the pinned
# vaderSentiment lexicon), read through importlib.resources so an installed wheel finds it too
PACKAGE_DATA_DIR = Path(str(resources.files(__package__).joinpath("nltk_data")))
LEXICON_ZIP_RELATIVE = Path("sentiment") / "vader_lexicon.zip"
LEXICON_MEMBER = "vader_lexicon/vader_lexicon.txt"
NLTK_LEXICON_RESOURCE = f"sentiment/vader_lexicon.zip/{LEXICON_MEMBER}"
DATA_DIR_ENV_VAR = "CORNERSTONE_NLTK_DATA"
CACHE_SIZE = 262_144


class LexiconUnavailableError(RuntimeError):
    """The VADER lexicon cannot be found or installed."""


def lexicon_source_text() -> str:
    """The lexicon shipped by the `vaderSentiment` pip package (MIT licence)."""
    try:
        source = resources.files("vaderSentiment").joinpath("vader_lexicon.txt")
        return source.read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError) as error:
        raise LexiconUnavailableError(
            "the VADER lexicon comes from the vaderSentiment package: "
            "pip install -r requirements.txt"
        ) from error


def data_dir() -> Path:
    """The nltk data directory we own: $CORNERSTONE_NLTK_DATA or scoring/nltk_data."""
    return Path(os.environ.get(DATA_DIR_ENV_VAR) or PACKAGE_DATA_DIR)


def install_lexicon(target_dir: Path | None = None) -> Path:
    """Write `<dir>/sentiment/vader_lexicon.zip` from the pip package; return the zip path.

    Written to a temporary file and renamed, so two scoring processes building it at the same
    time never see a half-written zip.
    """
    target_dir = Path(target_dir) if target_dir is not None else data_dir()
    zip_path = target_dir / LEXICON_ZIP_RELATIVE
    zip_path.parent.mkdir(parents=True, exist_ok=True)
    text = lexicon_source_text()
    handle, temporary = tempfile.mkstemp(dir=zip_path.parent, suffix=".tmp")
    os.close(handle)
    try:
        with zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            # a fixed timestamp keeps the zip byte-identical across builds
            info = zipfile.ZipInfo(LEXICON_MEMBER, date_time=(2014, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text)
        os.chmod(temporary, 0o644)
        os.replace(temporary, zip_path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return zip_path


def ensure_lexicon() -> Path:
    """Make sure our data dir holds the lexicon and is on `nltk.data.path`; return the dir."""
    import nltk.data

    directory = data_dir()
    if not (directory / LEXICON_ZIP_RELATIVE).is_file():
        try:
            install_lexicon(directory)
        except OSError as error:
            raise LexiconUnavailableError(
                f"cannot write the VADER lexicon to {directory} ({error}); run "
                f"`python -m scoring.sentiment --install` or set {DATA_DIR_ENV_VAR} "
                "to a writable directory"
            ) from error
    if str(directory) not in nltk.data.path:
        nltk.data.path.insert(0, str(directory))
    return directory


@cache
def analyzer():
    """nltk's own SentimentIntensityAnalyzer on our lexicon (the reference implementation)."""
    from nltk.sentiment.vader import SentimentIntensityAnalyzer

    ensure_lexicon()
    return SentimentIntensityAnalyzer(lexicon_file=NLTK_LEXICON_RESOURCE)


def nltk_compound(text: str) -> float:
    """Compound score computed by nltk itself: slow, the baseline the fast path must equal."""
    return analyzer().polarity_scores(text)["compound"]


def polarity_scores(text: str) -> dict[str, float]:
    """nltk's neg/neu/pos/compound for one text (for display; scoring uses `compound`)."""
    return dict(analyzer().polarity_scores(text))


# --- the fast, exact compound ------------------------------------------------------------------

_C = VaderConstants
_BOOSTERS: dict[str, float] = dict(_C.BOOSTER_DICT)
_IDIOMS: dict[str, float] = dict(_C.SPECIAL_CASE_IDIOMS)
_NEGATE = frozenset(_C.NEGATE)
_PUNC_LIST = frozenset(_C.PUNC_LIST)
_REMOVE_PUNCTUATION = str.maketrans("", "", string.punctuation)
_B_DECR, _C_INCR, _N_SCALAR = _C.B_DECR, _C.C_INCR, _C.N_SCALAR


@cache
def vader_lexicon() -> dict[str, float]:
    """Word -> valence (-4..4): the dictionary nltk builds in `make_lex_dict` (do not mutate)."""
    return analyzer().lexicon


_lexicon = vader_lexicon


def _tokens(text: str) -> list[str]:
    """nltk's SentiText._words_and_emoticons without building its punctuation dictionary.

    nltk maps a whitespace token to the bare word when the token is one of its PUNC_LIST strings
    followed or preceded by a word that has no punctuation at all and is longer than one
    character; a word free of punctuation is exactly the token with its punctuation removed.
    """
    tokens = []
    for token in text.split():
        if len(token) < 2:
            continue
        core = token.translate(_REMOVE_PUNCTUATION)
        if core != token and len(core) > 1:
            if token.endswith(core):
                if token[: len(token) - len(core)] in _PUNC_LIST:
                    token = core
            elif token.startswith(core) and token[len(core) :] in _PUNC_LIST:
                token = core
        tokens.append(token)
    return tokens


def _negated(word_lower: str) -> bool:
    return word_lower in _NEGATE or "n't" in word_lower


def _scalar(word: str, word_lower: str, valence: float, is_cap_diff: bool) -> float:
    scalar = 0.0
    if word_lower in _BOOSTERS:
        scalar = _BOOSTERS[word_lower]
        if valence < 0:
            scalar *= -1
        if word.isupper() and is_cap_diff:
            if valence > 0:
                scalar += _C_INCR
            else:
                scalar -= _C_INCR
    return scalar


def _idioms(valence: float, words: list[str], i: int) -> float:
    onezero = f"{words[i - 1]} {words[i]}"
    twoonezero = f"{words[i - 2]} {words[i - 1]} {words[i]}"
    twoone = f"{words[i - 2]} {words[i - 1]}"
    threetwoone = f"{words[i - 3]} {words[i - 2]} {words[i - 1]}"
    threetwo = f"{words[i - 3]} {words[i - 2]}"
    for sequence in (onezero, twoonezero, twoone, threetwoone, threetwo):
        if sequence in _IDIOMS:
            valence = _IDIOMS[sequence]
            break
    if len(words) - 1 > i:
        zeroone = f"{words[i]} {words[i + 1]}"
        if zeroone in _IDIOMS:
            valence = _IDIOMS[zeroone]
    if len(words) - 1 > i + 1:
        zeroonetwo = f"{words[i]} {words[i + 1]} {words[i + 2]}"
        if zeroonetwo in _IDIOMS:
            valence = _IDIOMS[zeroonetwo]
    if threetwo in _BOOSTERS or twoone in _BOOSTERS:
        valence = valence + _B_DECR
    return valence


def _valence(words: list[str], lowers: list[str], i: int, is_cap_diff: bool) -> float:
    """nltk's sentiment_valence for the token at position i (same operations, same order)."""
    lexicon = _lexicon()
    valence = 0
    item_lower = lowers[i]
    if item_lower not in lexicon:
        return valence
    valence = lexicon[item_lower]
    if is_cap_diff and words[i].isupper():
        if valence > 0:
            valence += _C_INCR
        else:
            valence -= _C_INCR
    for start_i in range(3):
        back = i - (start_i + 1)
        if i > start_i and lowers[back] not in lexicon:
            s = _scalar(words[back], lowers[back], valence, is_cap_diff)
            if start_i == 1 and s != 0:
                s = s * 0.95
            if start_i == 2 and s != 0:
                s = s * 0.9
            valence = valence + s
            # nltk's _never_check (note: case-sensitive "never"/"so"/"this", as in nltk)
            if start_i == 0:
                if _negated(lowers[i - 1]):
                    valence = valence * _N_SCALAR
            elif start_i == 1:
                if words[i - 2] == "never" and words[i - 1] in ("so", "this"):
                    valence = valence * 1.5
                elif _negated(lowers[i - 2]):
                    valence = valence * _N_SCALAR
            else:
                if (words[i - 3] == "never" and words[i - 2] in ("so", "this")) or words[i - 1] in (
                    "so",
                    "this",
                ):
                    valence = valence * 1.25
                elif _negated(lowers[i - 3]):
                    valence = valence * _N_SCALAR
                valence = _idioms(valence, words, i)
    # nltk's _least_check
    if i > 1 and lowers[i - 1] not in lexicon and lowers[i - 1] == "least":
        if lowers[i - 2] != "at" and lowers[i - 2] != "very":
            valence = valence * _N_SCALAR
    elif i > 0 and lowers[i - 1] not in lexicon and lowers[i - 1] == "least":
        valence = valence * _N_SCALAR
    return valence


def _compound(text: str) -> float:
    words = _tokens(text)
    if not words:
        return 0.0
    lowers = [word.lower() for word in words]
    count = len(words)
    all_caps = sum(1 for word in words if word.isupper())
    is_cap_diff = 0 < count - all_caps < count
    lexicon = _lexicon()
    first_index: dict[str, int] = {}
    for index, word in enumerate(words):
        if word not in first_index:
            first_index[word] = index
    sentiments: list[float] = []
    for word in words:
        i = first_index[word]
        item_lower = lowers[i]
        if (i < count - 1 and item_lower == "kind" and lowers[i + 1] == "of") or (
            item_lower in _BOOSTERS
        ):
            sentiments.append(0)
        elif item_lower not in lexicon:
            sentiments.append(0)
        else:
            sentiments.append(_valence(words, lowers, i, is_cap_diff))
    if "but" in lowers:
        but_index = lowers.index("but")
        for index, sentiment in enumerate(sentiments):
            if index < but_index:
                sentiments[index] = sentiment * 0.5
            elif index > but_index:
                sentiments[index] = sentiment * 1.5
    total = float(sum(sentiments))
    exclamations = min(text.count("!"), 4)
    amplifier = exclamations * 0.292
    questions = text.count("?")
    question_amplifier = 0
    if questions > 1:
        question_amplifier = questions * 0.18 if questions <= 3 else 0.96
    amplifier = amplifier + question_amplifier
    if total > 0:
        total += amplifier
    elif total < 0:
        total -= amplifier
    return round(total / math.sqrt((total * total) + 15), 4)


@text_cache(CACHE_SIZE)
def compound(text: str) -> float:
    """VADER compound score of `text` in [-1, 1], exactly as nltk computes it; cached."""
    return _compound(text)


def compounds(texts: Iterable[str]) -> list[float]:
    """`compound` of each text (repeated texts are computed once)."""
    return [compound(text) for text in texts]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m scoring.sentiment",
        description="VADER sentiment with the vaderSentiment lexicon (no nltk downloads).",
    )
    parser.add_argument(
        "--install", action="store_true", help="build the nltk data dir holding the lexicon"
    )
    parser.add_argument("text", nargs="*", help="texts to score")
    arguments = parser.parse_args(argv)
    if arguments.install:
        try:
            path = install_lexicon()
        except (LexiconUnavailableError, OSError) as error:
            print(f"error: {error}", file=sys.stderr)
            return 1
        print(f"VADER lexicon installed: {path}")
    for text in arguments.text:
        print(f"{compound(text): .4f}  {text}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
