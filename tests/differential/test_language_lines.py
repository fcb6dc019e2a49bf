"""``_core.LineLanguage`` / ``LineFacts`` against the language steps' Python reference: the
scripts of every line and of a document, stopwords, and ``ForeignLines._classify`` of every
line, floats by bits; and the language steps' output on real pages."""

# ruff: noqa: RUF001  (multilingual text: letters of other scripts are meant)

from __future__ import annotations

from collections import Counter
from unittest import mock

import pytest
from hypothesis import given
from hypothesis import strategies as st

from corpusclean import _accel
from corpusclean.document import Document
from corpusclean.filters import language as fl
from corpusclean.language import detect, lines, scripts
from corpusclean.language.stopwords import STOPWORDS, tokens

from .conftest import BENCH
from .strategies import characters, documents

MIXED = BENCH.parent / "language" / "mixed.jsonl" if BENCH is not None else None

_stopword = st.sampled_from(sorted(set().union(*STOPWORDS.values())))
_spaced = st.lists(st.one_of(_stopword, st.text(characters, min_size=1, max_size=8)),
                   max_size=14).map(" ".join)
_lines = st.one_of(_spaced, documents.flatmap(lambda d: st.sampled_from(d or [""])),
                   st.sampled_from(["", " \t", "x" * 3000, "Ab " * 900, "東京" * 700]),
                   st.text(st.sampled_from("\x00\x1c\x1f\x85\u2028 \t\ufeff\u200bΣσςİK"),
                           max_size=20))
_documents = st.lists(_lines, max_size=20)
_languages = st.sampled_from([*sorted(STOPWORDS), "und", "ja", "zh", "ko", "el", "sr", "ms",
                              "he", "th"])
_own = st.frozensets(st.sampled_from((*scripts.SCRIPTS, scripts.OTHER)), max_size=4)


@pytest.fixture(scope="module")
def tables(core):
    found = lines.line_language()
    assert found is not None, "the core's script table does not fit the running Python"
    return found


def _bits(pairs):
    return [(name, float(x).hex()) for name, x in pairs]


def assert_summary(tables, texts: list[str], alive: list[int] | None) -> None:
    known = tables.facts(texts)
    main, letters, by_line, counted = known.summary(alive)
    subset = texts if alive is None else [texts[i] for i in alive]
    assert main == scripts.main_script_of_lines(subset)
    assert _bits(letters) == _bits(scripts.profile(subset).items())
    votes = Counter(b for t in subset if (b := scripts.line_vote(t)[2]) is not None)
    assert dict(by_line) == dict(votes) and counted == sum(votes.values())
    assert known.votes() == [scripts.line_vote(t)[0] for t in texts]
    assert known.counts(alive) == list(scripts.script_counts("\n".join(subset)).items())
    assert known.stopword_languages() == [detect._stopword_language(tokens(t)) for t in texts]
    if main is not None:
        assert scripts.scripts_in_use(main, dict(letters), dict(by_line), counted) == (
            scripts.own_scripts(subset))


class _Recording:
    """langdetect never reached: records the lines asked about (the rivals branch of
    ``_classify``) and answers nothing, as a document whose calls are spent does."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def __call__(self, text):
        self.asked.append(text)


KINDS = {kind.value: kind for kind in fl.Kind} | {"pending": fl.Kind.HOME}


def assert_classes(tables, texts, language, own, params) -> None:
    f = fl.ForeignLines(**params)
    known = tables.facts(texts)
    home_sure = scripts.SCRIPT_LANGUAGE.get(scripts.written_in(language) or "") == language
    rows, special = known.classify(
        list(range(len(texts))), language, home_sure, sorted(own),
        script_share=f.script_share, min_words=f.min_words, min_stopwords=f.min_stopwords,
        lone_min_words=f.lone_min_words,
    )
    pending = {at for at, script, _ in special if script is None}
    assert pending == {i for i, row in enumerate(rows) if row[0] == "pending"}
    got = [
        fl._Line(KINDS[kind], "", "", language if tagged else "", words, quoted, sure)
        for kind, words, quoted, sure, tagged in rows
    ]
    for at, script, share in special:
        if script is not None:
            got[at].reason = fl.FOREIGN_SCRIPT
            got[at].detail = f"script={script} share={share:.2f}"
    for i, text in enumerate(texts):
        ask = _Recording()
        want = f._classify(text, language, own, ask)
        assert ask.asked == ([text] if i in pending else []), text
        if i not in pending:
            assert got[i] == want, (text, rows[i])


def assert_passes(texts: list[str], language: str, params: dict) -> None:
    """``ForeignLines``' passes by the core and by the reference, each with its own table and
    langdetect calls: the same lines removed, details, ``line_languages``, tipping, lines left
    and calls left."""
    known = lines.facts(texts)
    assert known is not None
    core_filter, reference = fl.ForeignLines(**params), fl.ForeignLines(**params)
    ask = fl._Langdetect(core_filter._cache, core_filter.max_checks)
    got = core_filter._judge_in_core(known, texts, language, ask)
    want_ask = fl._Langdetect(reference._cache, reference.max_checks)
    want = reference._judge(texts, language, want_ask)
    assert got == want
    assert ask.left == want_ask.left


_pages = st.lists(st.one_of(_lines, st.sampled_from([
    "The minister spoke in the capital on Friday morning.",
    "Der Minister sprach am Freitag in der Hauptstadt und das war gut.",
    "Le ministre a parlé vendredi matin dans la capitale de la France.",
    "El ministro habló el viernes por la mañana en la capital del país.",
    "Министр выступил в столице в пятницу утром перед журналистами.",
    "Home | News | Contact", "\"Quoted line of the page,\" he said.", "東京は晴れです",
    "آسيا أخبار العالم اليوم", "Ministeren talte i hovedstaden fredag morgen om det.",
])), max_size=16)


@given(texts=_pages, language=_languages, max_checks=st.sampled_from([1, 3, 200]),
       interior_run=st.integers(1, 4), max_foreign_share=st.sampled_from([0.0, 0.3, 1.0]))
def test_passes_equal_the_reference(tables, texts, language, max_checks, interior_run,
                                    max_foreign_share):
    assert_passes(texts, language, {"max_checks": max_checks, "interior_run": interior_run,
                                    "max_foreign_share": max_foreign_share})


@given(texts=_documents, data=st.data())
def test_summary_equals_the_reference(tables, texts, data):
    alive = data.draw(st.none() | st.lists(st.integers(0, max(len(texts) - 1, 0)),
                                           unique=True).map(sorted))
    assert_summary(tables, texts, alive if texts else None)


@given(texts=_documents, language=_languages, own=_own,
       script_share=st.sampled_from([0.0, 0.3, 0.5, 1.0]), min_words=st.integers(1, 5),
       min_stopwords=st.integers(1, 3), lone_min_words=st.integers(1, 8))
def test_classes_equal_the_reference(tables, texts, language, own, script_share, min_words,
                                     min_stopwords, lone_min_words):
    params = {"script_share": script_share, "min_words": min_words,
              "min_stopwords": min_stopwords, "lone_min_words": lone_min_words}
    assert_classes(tables, texts, language, own, params)


@pytest.mark.parametrize("text", [
    "", " ", "Москва (Moscow), 2024", "東京は晴れです", "한국어 文字", "ΟΔΟΣ ΣΑΣ Σ", "İstanbul K",
    "«Le chat est sur la table»", "\"Quoted,\" he said 12.", "The Death and Life of Marsha",
    "ー\uff70", "a\u0301b\u0308", "\ud800 x",
])
def test_cases(tables, text):
    if "\ud800" in text:
        before = _accel.FALLBACKS["core.fallback.surrogates"]
        assert lines.facts([text]) is None
        assert _accel.FALLBACKS["core.fallback.surrogates"] == before + 1
        return
    assert_summary(tables, [text], None)
    for language in ("en", "fr", "ja", "und", "ru"):
        assert_classes(tables, [text], language, frozenset({"Latin"}), {})


def test_tables_of_other_versions_are_refused(core):
    with pytest.raises(ValueError, match="gen_language_tables"):
        core.LineLanguage((*scripts.SCRIPTS, scripts.OTHER), [], [], [], [], [], "0.0 0")


def test_facts_of_the_last_lines_are_read_once(tables):
    texts = ["Le chat est sur la table.", "Привет, world"]
    first = lines.facts(texts)
    assert lines.facts(list(texts)) is first  # language.foreign_lines after language.detect
    assert lines.facts(texts, words=False) is first  # the words are there already
    other = lines.facts([*texts, "x"])
    assert other is not first and len(other) == 3
    letters_only = lines.facts(texts, words=False)
    assert letters_only is not first and lines.facts(texts, words=False) is not letters_only
    assert lines.facts(texts) is not letters_only  # asked with words: read again


def test_line_language_pickles(tables):
    import pickle

    again = pickle.loads(pickle.dumps(tables))
    assert again.facts(["Привет, world"]).votes() == ["Cyrillic"]


def _steps(text: str):
    doc = Document.from_text(text)
    detected = fl.Detect()(doc)
    doc = detected.doc or doc
    removed = fl.ForeignLines()(doc)
    return doc.annotations, removed.action, removed.removed, removed.doc and removed.doc.annotations


def _reference_steps(text: str):
    with mock.patch.object(fl, "line_facts", lambda *a, **k: None), \
            mock.patch.object(detect, "line_facts", lambda *a, **k: None):
        with mock.patch.object(detect, "sample_lines", detect.reference_sample_lines):
            return _steps(text)


@pytest.mark.skipif(BENCH is None, reason="benchmark data not beside the repository")
def test_dev_dumps_and_mixed_pages(tables):
    import json

    texts = [p.read_text(encoding="utf-8", errors="replace")
             for p in sorted(BENCH.glob("*.dump.txt"))[::4]]
    if MIXED is not None and MIXED.is_file():
        with MIXED.open(encoding="utf-8") as f:
            texts += [json.loads(line)["text"] for line in f][::8]
    assert len(texts) > 200
    for text in texts:
        pieces = detect.sample_lines(text.splitlines())
        assert pieces == detect.reference_sample_lines(text.splitlines())
        assert _steps(text) == _reference_steps(text)


@given(texts=_documents, max_chars=st.sampled_from([40, 300, 3000]))
def test_sample_lines_equal_the_reference(core, texts, max_chars):
    assert detect.sample_lines(texts, max_chars=max_chars) == detect.reference_sample_lines(
        texts, max_chars=max_chars)


def test_generated_classes_are_the_reference_classes(core, tables):
    # What core_detector() no longer computes at start when the table fits.
    import sys

    want = dict(zip(("letter", "dense", "latin", "word", "space"), detect._text_classes(),
                    strict=True))
    want["upper"] = "".join(filter(str.isupper, map(chr, range(sys.maxunicode + 1))))
    for name, members in want.items():
        assert core.LineLanguage.members(name) == members, name
