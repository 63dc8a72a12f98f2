"""VADER with the vaderSentiment lexicon: installation without downloads, exactness, cache."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import nltk.data
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring import sentiment
from tests.conftest import shared_data

REPO = Path(__file__).resolve().parents[2]
EVAL_SETS = (
    "epitome_empathy",
    "stanford_politeness",
    "uss_mwoz_satisfaction",
    "uss_sgd_satisfaction",
)


def _package_lexicon() -> str:
    import vaderSentiment

    return (Path(vaderSentiment.__file__).parent / "vader_lexicon.txt").read_text(encoding="utf-8")


def test_install_writes_the_pip_package_lexicon_in_nltk_layout(tmp_path):
    path = sentiment.install_lexicon(tmp_path)
    assert path == tmp_path / "sentiment" / "vader_lexicon.zip"
    with zipfile.ZipFile(path) as archive:
        assert archive.namelist() == ["vader_lexicon/vader_lexicon.txt"]
        assert archive.read("vader_lexicon/vader_lexicon.txt").decode("utf-8") == _package_lexicon()
    assert not list(path.parent.glob("*.tmp"))


def test_install_is_byte_identical_when_repeated(tmp_path):
    first = sentiment.install_lexicon(tmp_path / "a").read_bytes()
    second = sentiment.install_lexicon(tmp_path / "b").read_bytes()
    assert first == second


def test_missing_lexicon_is_built_lazily_and_put_on_the_nltk_path(tmp_path, monkeypatch):
    monkeypatch.setenv(sentiment.DATA_DIR_ENV_VAR, str(tmp_path))
    monkeypatch.setattr(nltk.data, "path", list(nltk.data.path))
    assert not (tmp_path / "sentiment").exists()
    directory = sentiment.ensure_lexicon()
    assert directory == tmp_path
    assert (tmp_path / "sentiment" / "vader_lexicon.zip").is_file()
    assert nltk.data.path[0] == str(tmp_path)
    found = nltk.data.find(sentiment.NLTK_LEXICON_RESOURCE)
    assert str(tmp_path) in str(found)


def test_cli_install_builds_the_data_dir(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv(sentiment.DATA_DIR_ENV_VAR, str(tmp_path))
    assert sentiment.main(["--install"]) == 0
    assert (tmp_path / "sentiment" / "vader_lexicon.zip").is_file()
    assert "installed" in capsys.readouterr().out


def test_unwritable_data_dir_gives_an_actionable_error(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv(sentiment.DATA_DIR_ENV_VAR, str(blocker / "nltk_data"))
    try:
        sentiment.ensure_lexicon()
    except sentiment.LexiconUnavailableError as error:
        assert "--install" in str(error)
    else:
        raise AssertionError("expected LexiconUnavailableError")


def test_known_compound_values():
    assert sentiment.compound("") == 0.0
    assert sentiment.compound("   ") == 0.0
    assert sentiment.compound("I love this") == 0.6369
    assert sentiment.compound("This is NOT good at all!!") == -0.457
    assert sentiment.compound("The book was good, but the ending was terrible.") < 0


def _corpus() -> list[str]:
    texts = []
    for name in EVAL_SETS:
        with shared_data("eval", name, "conversations.jsonl").open(encoding="utf-8") as handle:
            for line in handle:
                texts.extend(m["text"] for m in json.loads(line)["messages"])
    sample = REPO / "data" / "sample_conversations.jsonl"
    if sample.is_file():
        with sample.open(encoding="utf-8") as handle:
            for line in handle:
                texts.extend(m.get("text") or "" for m in json.loads(line)["messages"])
    return texts


@pytest.mark.needs_shared
def test_fast_compound_equals_nltk_on_every_eval_and_demo_message():
    texts = _corpus()
    assert len(texts) > 45_000
    differences = [
        (text, reference, fast)
        for text in texts
        if (reference := sentiment.nltk_compound(text)) != (fast := sentiment._compound(text))
    ]
    assert differences == []


# tokens that exercise every VADER rule: negation, boosters, caps, "but", "least", idioms,
# "kind of", "never so", punctuation around words, emoticons, emphasis marks
TRICKY = (
    "never so this kind of sort but BUT least at very not isn't the shit bomb yeah right cut "
    "mustard kiss death hand to mouth bad ass good GOOD great ! ? !! ?!? :) :-( 'good' \"bad\" "
    "(great) good!!! ... great, ,great -happy- a I VERY extremely kinda without don't uh-uh "
    "fucking fun. fun?!? x 😀 café! Least NEVER So won't sad happy ok no nope"
).split()


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(TRICKY), max_size=25), st.sampled_from([" ", "  ", "\n", ", "]))
def test_fast_compound_equals_nltk_on_generated_texts(words, separator):
    text = separator.join(words)
    assert sentiment._compound(text) == sentiment.nltk_compound(text)


def test_repeated_texts_are_served_from_the_cache():
    text = "Thanks so much, this was a really helpful answer (cache test)"
    sentiment.compound(text)
    hits = sentiment.compound.cache_info().hits
    assert sentiment.compound(text) == sentiment.nltk_compound(text)
    assert sentiment.compound.cache_info().hits == hits + 1


def test_compounds_scores_each_text():
    texts = ["good", "bad", "good"]
    assert sentiment.compounds(texts) == [sentiment.nltk_compound(t) for t in texts]


def test_polarity_scores_are_nltks():
    scores = sentiment.polarity_scores("What a lovely day")
    assert set(scores) == {"neg", "neu", "pos", "compound"}
    assert scores["compound"] == sentiment.compound("What a lovely day")


def test_shipped_lexicon_is_the_pinned_vadersentiment_lexicon():
    shipped = sentiment.PACKAGE_DATA_DIR / "sentiment" / "vader_lexicon.zip"
    with zipfile.ZipFile(shipped) as archive:
        assert archive.namelist() == ["vader_lexicon/vader_lexicon.txt"]
        assert archive.read("vader_lexicon/vader_lexicon.txt").decode("utf-8") == _package_lexicon()
