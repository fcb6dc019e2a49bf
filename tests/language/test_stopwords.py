# ruff: noqa: RUF001  (multilingual text: letters of other scripts are meant)
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpusclean.language import detect, stopwords
from corpusclean.language.stopwords import (
    STOPWORDS,
    are_close,
    attributed_to,
    hit_counts,
    hits_of,
    stopword_hits,
    tokens,
)


def test_every_list_is_a_language_the_detector_knows():
    known = set(detect.languages())
    assert set(STOPWORDS) <= known
    for lang, words in STOPWORDS.items():
        assert len(words) >= 10, lang
        assert all(tokens(w) == [w] for w in words), lang  # lowercase, letters and marks only


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("The minister said that the talks were useful", "en"),
        ("Der Minister sagte, dass die Gespräche nützlich waren", "de"),
        ("Le ministre a dit que les discussions étaient utiles", "fr"),
        ("El ministro dijo que las conversaciones fueron útiles", "es"),
        ("Il ministro ha detto che i colloqui sono stati utili", "it"),
        ("Minister powiedział, że rozmowy były przydatne i się udały", "pl"),
        ("Министр сказал, что переговоры были полезны", "ru"),
        ("Міністр сказав, що переговори були корисними", "uk"),
        ("De minister zei dat de gesprekken nuttig waren", "nl"),
    ],
)
def test_attributed_to_own_language(text, language):
    assert attributed_to(text, language)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Sign up for our newsletter", "de"),
        ("Politique de confidentialité et mentions légales", "en"),
        ("Apple iPhone Samsung Galaxy", "en"),  # no stopwords: no evidence
    ],
)
def test_not_attributed(text, language):
    assert not attributed_to(text, language)


def test_hits_count_distinct_words():
    assert stopword_hits("the the the")["en"] == 1
    assert tokens("Qu'il l’a dit") == ["qu", "il", "l", "a", "dit"]


def test_close_languages():
    assert are_close("cs", "sk") and are_close("sk", "cs")
    assert not are_close("ru", "uk")
    assert are_close("en", "en")


def _reference_hits(words, min_len=1):
    """hits_of as first written: every different word looked up in the index."""
    hits = Counter()
    for tok in set(words):
        if len(tok) >= min_len:
            for lang in stopwords._INDEX.get(tok, ()):
                hits[lang] += 1
    return hits


WORDS = st.lists(st.sampled_from(["the", "a", "o", "de", "la", "и", "в", "และ", "cat", "die", "é"]))


@settings(max_examples=200, deadline=None)
@given(WORDS)
def test_hits_and_hit_counts_equal_reference(words):
    assert hits_of(words) == _reference_hits(words)
    assert hits_of(words, min_len=2) == _reference_hits(words, 2)
    assert hit_counts(words) == (_reference_hits(words), _reference_hits(words, 2))


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("aZéÉ1 .'-ДжİK\u212a\u0301"))))
def test_tokens_equal_letter_runs(text):
    assert tokens(text) == stopwords.TOKEN_RE.findall(text.lower())
