# ruff: noqa: RUF001  (multilingual text: letters and punctuation of other scripts are meant)
import pytest
from hypothesis import given
from hypothesis import strategies as st

from corpusclean.language.words import (
    count_sentences,
    is_spaced_word,
    is_word,
    reference_words,
    words,
)

CASES = [
    ("Hello, world!", ["Hello", ",", "world", "!"]),
    ("Don't stop... It's fine", ["Do", "n't", "stop", "...", "It", "'s", "fine"]),
    ("U.S.A. e.g. J. Smith Mr. Jones etc.", ["U.S.A.", "e.g.", "J.", "Smith", "Mr.", "Jones", "etc", "."]),
    ("3.5% of 2,000 at 10:30", ["3.5", "%", "of", "2,000", "at", "10:30"]),
    ("e-mail 10-20 x:y a,b end.The", ["e", "-", "mail", "10", "-", "20", "x", ":", "y", "a", ",", "b",
                                       "end", ".", "The"]),
    ("Friend(WATCH 1.5–3x rsync -t --delete",
     ["Friend(WATCH", "1.5–3x", "rsync", "-t", "--delete"]),
    ("How‑to .edu +1 Google+ 74M+ 5+", ["How‑to", ".edu", "+1", "Google+", "74M+", "5", "+"]),
    ("EP-133 10-20 a // b", ["EP-133", "10", "-", "20", "a", "//", "b"]),
    ("see https://example.com/a/b.html. ok", ["see", "https://example.com/a/b.html", ".", "ok"]),
    ("“quoted” — ©2020 #tag", ["“", "quoted", "”", "—", "©", "2020", "#", "tag"]),
    ("我们去北京。", ["我", "们", "去", "北", "京", "。"]),
    ("東京タワーへ", ["東", "京", "タ", "ワ", "ー", "へ"]),
    ("서울은 큰 도시", ["서울은", "큰", "도시"]),
    ("Москва, 2024 год.", ["Москва", ",", "2024", "год", "."]),
    ("ภาษาไทย", ["ภาษา", "ไทย"]),
    # Digits and symbols of the scripts cut into letter runs stay tokens of their own.
    ("ภาษา๑ไทย ១ ᧠", ["ภาษา", "๑", "ไทย", "១", "᧠"]),
    ("བོད་ཡིག།", ["བོད", "་", "ཡིག", "།"]),
    ("", []),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0][:20] or "empty" for c in CASES])
def test_tokens(text, expected):
    assert words(text) == expected
    assert reference_words(text) == expected


@pytest.mark.parametrize(("token", "word", "spaced"), [
    ("Haus", True, True), ("3.5", True, True), ("...", False, False), ("©", False, False),
    ("京", True, False), ("ภาษา", True, False), ("n't", True, True), ("—", False, False),
])
def test_word_kinds(token, word, spaced):
    assert is_word(token) is word
    assert is_spaced_word(token) is spaced


@pytest.mark.parametrize(("text", "count"), [
    ("One. Two! Three?", 3), ("Mr. Smith paid 3.5 dollars.", 1), ('He said "No." Then left.', 2),
    ("Wait?! Yes.", 2), ("他来了。她走了。", 2), ("no end", 1), ("", 0), ("...", 1),
])
def test_sentences(text, count):
    assert count_sentences(words(text)) == count


ALPHABET = st.sampled_from(list("ab A.,'-–‑:/()\"#…+\n\t") + ["n't", "'s", "Mr", "3", "京", "ก", "་",
                                                            "http://", "é", "\u0301", "©", "\x1c", "๑", "᧠"])


@given(st.lists(ALPHABET, max_size=30).map("".join))
def test_fast_words_agree_with_the_reference(text):
    assert words(text) == reference_words(text)


@given(st.text())
def test_words_hold_no_space_and_cover_every_visible_character(text):
    tokens = words(text)
    assert not any(ch.isspace() for t in tokens for ch in t)
    assert sum(map(len, tokens)) == sum(1 for ch in text if not ch.isspace())
