"""The compiled langdetect detector against the Python reference: every probability equal to
the last bit (``float.hex``), for generated seeds and texts of every script, and the same
``detect_text`` answer through both backends."""

# ruff: noqa: RUF001  (multilingual text: letters of other scripts are meant)

from __future__ import annotations

import json
import os
import pickle
from functools import lru_cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from langdetect.detector import Detector
from langdetect.lang_detect_exception import LangDetectException
from langdetect.utils.ngram import NGram

from corpusclean import _accel
from corpusclean.language import detect

if _accel.core() is None:
    pytest.skip("compiled core not built (CORPUSCLEAN_BACKEND=python or no toolchain)",
                allow_module_level=True)



def _detector():
    """The process's compiled detector (rebuilt when a test clears the factory's cache)."""
    return detect.core_detector()

BENCH_TEXTS = Path("/work/shared/bench/language/texts.jsonl")


def _bits(probs: list[float] | None) -> list[str] | None:
    return None if probs is None else [p.hex() for p in probs]


def _reference(text: str, seed: int) -> list[float] | None:
    """``langprob`` of langdetect's ``Detector`` with ``seed``."""
    detector = Detector(detect.factory())
    detector.seed = seed
    detector.append(text)
    try:
        detector._detect_block()
    except LangDetectException:
        return None
    return detector.langprob


def _core(text: str, seed: int) -> list[float] | None:
    return _detector().probabilities(text, seed=seed)  # type: ignore[attr-defined]


WORDS = [
    "The", "committee", "will", "meet", "NASA", "iPhone", "Ausschuss", "nächste", "comité",
    "réunira", "próxima", "Комитет", "соберётся", "бюджет", "اللجنة", "الأسبوع", "委员会",
    "会合を開き", "カタカナ", "위원회는", "επιτροπή", "הוועדה", "समिति", "คณะกรรมการ", "Tiếng",
    "Việt", "người", "ㄅㄆㄇ", "şi", "ţară", "ș", "ț", "ی", "۱۲۳", "12:30", "x@y.org",
    "https://example.org/a?b=1", "http://", "a\u0301", "o\u0323", "\u00a0", "«", "»", "°", "—",
    "\u2028", "\x00", "\x1c", "\ufeff", "𝔘𝔫𝔦", "😀",
]
_texts = st.lists(
    st.one_of(
        st.sampled_from(WORDS),
        st.text(max_size=12),
        st.text(alphabet=st.characters(max_codepoint=0x2FF), max_size=12),
        st.text(alphabet=" \t\n.,;:!?-_@/", max_size=4),
    ),
    max_size=40,
).map(lambda parts: " ".join(parts))
_seeds = st.one_of(st.integers(-(2**70), 2**70), st.sampled_from([0, 1, -1, 2**32, 2**32 - 1]))


@given(text=_texts, seed=_seeds)
def test_probabilities_equal_langdetect_to_the_bit(text, seed):
    assert _bits(_core(text, seed)) == _bits(_reference(text, seed))


EDGE_TEXTS = [
    "NASA and the ESA said on Monday: the LAUNCH is DELAYED.",  # runs of capitals
    "Contact us: info@example.org or https://example.org/a?b=c  now",  # e-mail and URL
    "Tiếng Việt có dấu: Người dân đang chờ đợi.",  # Vietnamese marks composed by langdetect
    "Cafe\u0301 au lait, Tie\u0302\u0301ng Vie\u0323\u0302t",  # combining marks
    "使用 Python 和 TensorFlow 进行开发，ABC 公司",  # Latin dropped from CJK text
    "  spaces   between\twords  ",
    "12:30 -- ***",
    "ÉCOLE Élève ÇA ça, Ärger ÜBER Öl",
]


@pytest.mark.parametrize(
    "text",
    [
        *EDGE_TEXTS,
        "\n".join(EDGE_TEXTS) * 3,
        "",
        " ",
        "a",
        "NASA",
        "Le chat dort sur le canapé depuis ce matin.",
        "Tôi yêu tiếng Việt và người Việt Nam." * 3,
        "Mua ha\u0300ng o\u0309 đây",  # Vietnamese letters with combining marks
        "mail me at some.one@example.org or see https://example.org/x?y=1#z " * 2,
        "a" * 64 + "@" + "b" * 300 + "." + "c" * 300,
        "Привет" + "[]^_`" * 50,
        "委员会将于下周再次开会 English words here 讨论明年的预算问题。" * 40,
        ("The committee will meet again next week to discuss the budget. " * 400),
        "".join(chr(c) for c in range(0x20, 0x3000, 7)),
    ],
    ids=lambda t: repr(t[:20]),
)
@pytest.mark.parametrize("seed", [0, 7, -12345678901234567890])
def test_cases_equal_the_reference(text, seed):
    assert _bits(_core(text, seed)) == _bits(_reference(text, seed))


def test_ranked_candidates_are_get_probabilities():
    text = "Apple iPhone Galaxy"  # short and ambiguous: several candidates
    for seed in range(20):
        detector = Detector(detect.factory())
        detector.seed = seed
        detector.append(text)
        expected = [(lang.lang, lang.prob.hex()) for lang in detector.get_probabilities()]
        got = _detector().detect(text, seed=seed)  # type: ignore[attr-defined]
        assert [(lang, p.hex()) for lang, p in got] == expected


def test_character_tables_are_langdetects():
    changed = detect._normalized_chars()
    for code in range(0x110000):
        if 0xD800 <= code < 0xE000:
            continue
        ch = chr(code)
        assert changed.get(ch, ch) == NGram.normalize(ch), hex(code)


def test_lone_surrogates_take_the_reference_path(monkeypatch):
    text = "Le chat dort sur le canapé \ud800 depuis ce matin."
    before = _accel.FALLBACKS["core.fallback.surrogates"]
    got = detect.detect_text(text)
    assert _accel.FALLBACKS["core.fallback.surrogates"] == before + 1
    lines = ["Menu", text, "Der Ausschuss wird sich nächste Woche erneut treffen."]
    got_lines = detect.detect_lines(lines)  # one or more detect_text calls on the sample
    assert _accel.FALLBACKS["core.fallback.surrogates"] >= before + 2
    monkeypatch.setattr(detect, "core_detector", lambda: None)
    assert detect.detect_text(text) == got
    assert detect.detect_lines(lines) == got_lines


def _without_core(function, *args, **kwargs):
    real = detect.core_detector
    try:
        detect.core_detector = lambda: None
        return function(*args, **kwargs)
    finally:
        detect.core_detector = real


def _same_detection(got: detect.Detection, expected: detect.Detection) -> None:
    assert got == expected
    assert [p.hex() for _, p in got.candidates] == [p.hex() for _, p in expected.candidates]


@given(text=_texts)
def test_detect_text_is_the_same_through_both_backends(text):
    _same_detection(detect.detect_text(text), _without_core(detect.detect_text, text))


_LINE_CHARS = list("aZ é1_ .!?:;\"')»”…。؟-\t\n\x1c\x85\u3000\u2028\xa0Дж漢한ا〇々ーカ\u0301")
_lines = st.lists(
    st.one_of(st.text(alphabet=st.sampled_from(_LINE_CHARS), max_size=30), _texts), max_size=12
)


@given(lines=_lines)
def test_prose_score_equals_the_reference(lines):
    for line in lines:
        assert _detector().prose_score(line).hex() == detect.prose_score(line).hex(), line  # type: ignore[attr-defined]


@given(lines=_lines, max_chars=st.integers(0, 400))
def test_sample_equals_the_reference(lines, max_chars):
    assert _detector().sample(lines, max_chars) == detect.sample(lines, max_chars=max_chars)  # type: ignore[attr-defined]


@settings(max_examples=40)
@given(lines=_lines, max_chars=st.sampled_from([40, 300, 3000]))
def test_detect_lines_is_the_same_through_both_backends(lines, max_chars):
    _same_detection(
        detect.detect_lines(lines, max_chars=max_chars),
        _without_core(detect.detect_lines, lines, max_chars=max_chars),
    )


def test_text_classes_are_pythons():
    letters, dense, latin, word, space = detect._text_classes()
    assert set(space) == {chr(c) for c in range(0x110000) if chr(c).isspace()}
    assert {"a", "é", "ж", "漢"} <= set(letters) and "1" not in letters
    assert {"漢", "カ", "한"} <= set(dense) and "a" not in dense
    assert {"a", "é"} <= set(latin) and "ж" not in latin
    assert {"a", "1", "_", "漢"} <= set(word) and "-" not in word


def test_pickles_by_its_profile_files():
    core = _detector()
    cls, args = core.__reduce__()
    assert cls is type(core)
    assert args[:2] == ([str(p) for p in detect.profile_files()], None)
    clone = pickle.loads(pickle.dumps(core))
    text = "Der Ausschuss wird sich nächste Woche erneut treffen."
    assert _bits(clone.probabilities(text)) == _bits(core.probabilities(text))


def test_bad_tables_are_value_errors():
    cls, args = _detector().__reduce__()  # type: ignore[attr-defined]
    with pytest.raises(ValueError, match="sum_mode"):
        cls(*args[:7], "kahan")
    with pytest.raises(ValueError, match="probabilities, expected"):
        cls({"ab": [0.5]}, detect.factory().langlist, *args[2:])
    with pytest.raises(ValueError, match="languages must be None"):
        cls(args[0], detect.factory().langlist, *args[2:])
    with pytest.raises(OSError, match="cannot read profile"):
        cls([*args[0], "/nonexistent/profile"], None, *args[2:])


# -- the profiles: read by the core from langdetect's files, the factory's tables to the bit ---


def test_core_tables_are_the_factorys():
    core, factory = _detector(), detect.factory()
    assert core.languages == factory.langlist  # type: ignore[attr-defined]
    words = [w for w in factory.word_lang_prob_map if 1 <= len(w) <= 3]
    assert core.ngram_count() == len(words)  # type: ignore[attr-defined]
    for word in words:
        got = core.ngram_probabilities(word)  # type: ignore[attr-defined]
        assert [p.hex() for p in got] == [p.hex() for p in factory.word_lang_prob_map[word]], word
    assert core.ngram_probabilities("not an n-gram") is None  # type: ignore[attr-defined]


def _from_factory(factory):
    """The compiled detector handed ``factory``'s tables (the path taken when the core does
    not read the files)."""
    cls, args = _detector().__reduce__()  # type: ignore[attr-defined]
    return cls(factory.word_lang_prob_map, factory.langlist, *args[2:])


@settings(max_examples=40)
@given(text=_texts, seed=_seeds)
def test_both_tables_give_the_same_answers(text, seed):
    handed = _from_factory(detect.factory())
    assert _bits(handed.probabilities(text, seed=seed)) == _bits(_core(text, seed))


def _profile_text(name: str, freq: dict, n_words: list, *, ascii: bool = False) -> str:
    return json.dumps({"freq": freq, "n_words": n_words, "name": name}, ensure_ascii=ascii)


@pytest.fixture
def own_profiles(monkeypatch, tmp_path):
    """Point :func:`detect.profile_files` at profiles a test writes (``write(texts)``), the
    process's factory and detector rebuilt from them, and restored after."""

    def write(texts: list[str]) -> list[Path]:
        paths = []
        for i, text in enumerate(texts):
            path = tmp_path / f"p{i:02d}"
            path.write_text(text, encoding="utf-8")
            paths.append(path)
        monkeypatch.setattr(detect, "profile_files", lambda: paths)
        detect.factory.cache_clear()
        detect.core_detector.cache_clear()
        return paths

    yield write
    detect.factory.cache_clear()
    detect.core_detector.cache_clear()


def test_profiles_the_core_does_not_read_are_handed_over(own_profiles):
    own_profiles([
        _profile_text("aa", {"a": 2.5, "b": 1, "ab": 3}, [10, 5, 1]),  # a float count
        _profile_text("bb", {"b": 4, "c": 1}, [5, 2, 1]),
    ])
    before = _accel.FALLBACKS["core.fallback.profiles"]
    core = detect.core_detector()
    assert _accel.FALLBACKS["core.fallback.profiles"] == before + 1
    assert core.languages == ["aa", "bb"]  # type: ignore[attr-defined]
    assert core.ngram_probabilities("a") == [0.25, 0.0]  # type: ignore[attr-defined]
    assert _bits(core.probabilities("ab ba cab")) == _bits(_reference("ab ba cab", 0))  # type: ignore[attr-defined]


_words = st.text(alphabet=st.sampled_from(list("ab é漢\"\u0301😀\n")), min_size=0, max_size=5)
_counts = st.dictionaries(_words, st.integers(-3, 2**62), max_size=12)


@lru_cache(maxsize=1)
def _arguments():
    """The class and arguments of the process's detector (read once, before a test points
    :func:`detect.profile_files` elsewhere)."""
    return _detector().__reduce__()  # type: ignore[attr-defined]


@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    profiles=st.lists(
        st.tuples(_counts, st.one_of(
            st.lists(st.integers(1, 2**62), min_size=3, max_size=3),
            st.lists(st.integers(-2, 2**62), max_size=4),
        )),
        min_size=2, max_size=4,
    ),
    names=st.sampled_from([["aa", "bb", "cc", "dd"], ["aa", "aa", "cc", "dd"]]),
    ascii=st.booleans(),
)
def test_generated_profiles_give_the_factorys_tables(own_profiles, profiles, names, ascii):
    cls, args = _arguments()
    texts = [
        _profile_text(n, f, w, ascii=ascii) for n, (f, w) in zip(names, profiles, strict=False)
    ]
    paths = own_profiles(texts)
    try:
        factory = detect.factory()
    except LangDetectException:  # a duplicate language, a word count missing or zero
        with pytest.raises(ValueError):
            cls([str(p) for p in paths], None, *args[2:])
        return
    core = cls([str(p) for p in paths], None, *args[2:])
    assert core.languages == factory.langlist
    words = [w for w in factory.word_lang_prob_map if 1 <= len(w) <= 3]
    assert core.ngram_count() == len(words)
    for word in words:
        got = core.ngram_probabilities(word)
        assert [p.hex() for p in got] == [p.hex() for p in factory.word_lang_prob_map[word]]
    text = " ".join(words) + " ab é漢"
    assert _bits(core.probabilities(text)) == _bits(_reference(text, 0))


@pytest.mark.skipif(not BENCH_TEXTS.exists(), reason="language bench texts not present")
def test_bench_texts_equal_the_reference():
    step = int(os.environ.get("CORPUSCLEAN_DIFF_STEP", "25"))  # 1: every text (slow)
    lines = BENCH_TEXTS.read_text(encoding="utf-8").splitlines()[::step]
    for line in lines:
        text = json.loads(line)["text"]
        assert _bits(_core(text, 0)) == _bits(_reference(text, 0)), text


# The core's entry points fuzzed from Python (cargo fuzz needs a nightly toolchain): any code
# point, lone surrogates included, never crashes a call and gives the reference's answer.
_any_text = st.text(
    alphabet=st.one_of(
        st.characters(min_codepoint=0, max_codepoint=0x10FFFF),
        st.sampled_from(["\ud800", "\udbff", "\udc00", "\udfff"]),  # st.characters leaves them out
    ),
    max_size=80,
)


@settings(max_examples=60)
@given(lines=st.lists(_any_text, max_size=8))
def test_any_characters_give_the_reference_answer(lines):
    text = "\n".join(lines)
    _same_detection(detect.detect_text(text), _without_core(detect.detect_text, text))
    _same_detection(detect.detect_lines(lines), _without_core(detect.detect_lines, lines))
    if not any("\ud800" <= ch <= "\udfff" for ch in text):
        probs = _core(text, 0)
        assert probs is None or all(0.0 <= p <= 1.0 for p in probs)
