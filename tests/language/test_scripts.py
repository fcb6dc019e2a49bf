from collections import Counter

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from corpusclean.language import scripts


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hello world", "Latin"),
        ("Привет, мир", "Cyrillic"),
        ("مرحبا بالعالم", "Arabic"),
        ("שלום עולם", "Hebrew"),
        ("Καλημέρα κόσμε", "Greek"),
        ("नमस्ते दुनिया", "Devanagari"),
        ("สวัสดีชาวโลก", "Thai"),
        ("안녕하세요 세계", "Hangul"),
        ("こんにちは", "Hiragana"),
        ("コンピューター", "Katakana"),
        ("中华人民共和国", "Han"),
        ("გამარჯობა", "Georgian"),
        ("Բարեւ", "Armenian"),
        ("12.05.2024 16:00 — € 5,00 !!!", None),
        ("", None),
    ],
)
def test_dominant_script(text, expected):
    assert scripts.dominant_script(text) == expected


def test_marks_count_with_their_script_and_digits_count_nowhere():
    counts = scripts.script_counts("हिन्दी ١٢٣ 123")
    assert set(counts) == {"Devanagari"}
    assert counts["Devanagari"] == 6


def test_prolonged_sound_mark_is_katakana():
    assert scripts.script_counts("ー")["Katakana"] == 1


def test_profile_shares_sum_to_one_and_are_ordered():
    prof = scripts.profile(["Hello there my friend", "Привет", "東京"])
    assert list(prof) == ["Latin", "Cyrillic", "Han"]
    assert abs(sum(prof.values()) - 1.0) < 1e-3
    assert scripts.profile(["", "123 !"]) == {}


@pytest.mark.parametrize(
    ("prof", "language", "expected"),
    [
        (
            {"Hiragana": 0.5, "Han": 0.4, "Latin": 0.1},
            "ja",
            {"Han", "Hiragana", "Katakana", "Latin"},
        ),
        ({"Han": 0.9, "Hiragana": 0.1}, "ja", {"Han", "Hiragana", "Katakana", "Latin"}),
        ({"Hangul": 0.8, "Han": 0.2}, "ko", {"Hangul", "Han"}),
        ({"Han": 0.95, "Latin": 0.05}, "zh", {"Han", "Bopomofo"}),
        ({"Cyrillic": 0.6, "Latin": 0.4}, "mk", {"Cyrillic", "Latin"}),  # a two-script page
        ({"Cyrillic": 0.9, "Latin": 0.1}, "sr", {"Cyrillic", "Latin"}),
        ({"Cyrillic": 0.9, "Latin": 0.1}, "ru", {"Cyrillic"}),
        ({"Latin": 0.97, "Arabic": 0.03}, "en", {"Latin"}),
        ({}, "und", set()),
    ],
)
def test_document_scripts(prof, language, expected):
    assert scripts.document_scripts(prof, language, min_share=0.3) == expected


def test_foreign_share():
    counts = scripts.script_counts("Блінкен під час візиту")
    assert scripts.foreign_share(counts, {"Latin"}) == 1.0
    assert scripts.foreign_share(scripts.script_counts("Xi Jinping (习近平) said"), {"Latin"}) < 0.5
    assert scripts.foreign_share({}, {"Latin"}) == 0.0


def test_has_letters():
    assert not scripts.has_letters("12:30 -- *** ١٢٣")
    assert scripts.has_letters("x")


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from([*scripts.SCRIPTS, scripts.OTHER, "Unknown"]),
                       st.integers(min_value=-2, max_value=5)))
def test_dominant_script_is_the_first_largest_in_script_order(counts):
    best, best_n = None, 0
    for script in (*scripts.SCRIPTS, scripts.OTHER):
        if counts.get(script, 0) > best_n:
            best, best_n = script, counts[script]
    assert scripts.dominant_script(counts) == best


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(list("ab1 Джあア漢한اé.")), max_size=12),
                max_size=6))
def test_profile_and_foreign_share_agree_with_weighted_counts(lines):
    total = sum((scripts.weighted(scripts.script_counts(line)) for line in lines), Counter())
    profile = scripts.profile(lines)
    assert set(profile) == {s for s, n in total.items() if n}
    for line in lines:
        counts = scripts.weighted(scripts.script_counts(line))
        n = sum(counts.values())
        expected = round(sum(v for s, v in counts.items() if s != "Latin") / n, 4) if n else 0.0
        assert scripts.foreign_share(scripts.script_counts(line), {"Latin"}) == expected


# A mix of scripts, marks, kana prolonged sound marks, digits and the Kelvin sign.
MIXED = st.text(alphabet=st.sampled_from(list("aZé1 .ДжあアーｰḰ漢한ا\u0301\u0903\u212a\u00aa")))


def _reference_script_counts(text):
    """script_counts from the letters and marks an expression finds, each looked up once."""
    letters_and_marks = regex.findall(r"[\p{L}\p{M}\u30fc\uff70]", text)
    found = Counter(map(scripts.char_script, letters_and_marks))
    found.pop(None, None)
    return found


@settings(max_examples=200, deadline=None)
@given(MIXED)
def test_script_counts_equal_per_letter_reference(text):
    assert list(scripts.script_counts(text).items()) == list(_reference_script_counts(text).items())


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_ascii_letters_counts_alphabetic_characters(text):
    assert scripts.ascii_letters(text) == sum(map(str.isalpha, text))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Новая модель iPhone 15 Pro", "Cyrillic"),  # Latin set aside: a third is Cyrillic
        ("Read the review of the new phone: обзор", "Latin"),
        ("東京は晴れです", scripts.KANA),
        ("大韓民國 헌법", "Hangul"),
        ("這是中文", "Han"),
        ("Η νέα έκδοση", "Greek"),
        ("12:30 — ***", None),
    ],
)
def test_main_script(text, expected):
    assert scripts.main_script(scripts.script_counts(text)) == expected


def test_own_scripts_need_a_share_of_lines_as_well_as_letters():
    ru = ["Первая строка текста.", "Вторая строка текста.", "Третья строка текста."]
    long_en = "A single very long English line that holds more letters than the rest of the page."
    assert scripts.own_scripts([*ru, long_en], "ru") == {"Cyrillic"}
    halves = [*ru, "First line of text.", "Second line of text.", "Third line of text."]
    assert scripts.own_scripts(halves, "ru") == {"Cyrillic", "Latin"}
    assert scripts.own_scripts(["東京は晴れです。", "Tokyo"], "ja") >= {"Hiragana", "Han", "Latin"}
