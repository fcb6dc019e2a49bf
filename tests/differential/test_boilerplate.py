"""The boilerplate families in the core (``_core.BoilerplateFamily``) against the reference
(``filters/boilerplate.py``): every family's decision on every document, alone and in the
default chain, and the pages (normalized lines and neighbourhoods) the families read."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpusclean import _accel
from corpusclean.document import Document
from corpusclean.filters import _boilerplate_phrases as phrases
from corpusclean.filters import boilerplate as bp

from .conftest import BENCH
from .strategies import characters, lines

FAMILIES = (bp.CookieBanner, bp.CommentForm, bp.PageWidget, bp.ShareLinks, bp.Navigation)

#: Every phrase of every table, as written (not normalized).
PHRASES = sorted({p for name in dir(phrases) if name.isupper() and name != "LANGUAGES"
                  for table in [getattr(phrases, name)]
                  for p in (table if isinstance(table, tuple) else
                            [q for qs in table.values() for q in qs])})
CASES = (str, str.upper, str.lower, str.title, str.swapcase, str.capitalize)
DECOR = ["", " ", ":", " *", "!", ".", " ×", "(3)", "12 ", " 1.2K", "»", " | ", "\x1f", "\u200b",
         "\xa0", "🍪", "\u0301", "é", "_", "=", "(", "'", "\t", "  ", "…", "。", "،",
         # Letters at the edges of the spaced scripts, inside and outside (a phrase may not
         # touch the ones inside), glued to the phrase.
         "x", "ɏ", "ɐ", "ͱ", "ϻ", "ԯ", "ա", "ǆ", "ş", "ж", "中", "ا", "ー", "Ā", "Ω"]

phrase_lines = st.builds(
    lambda pre, parts, post: pre + "".join(parts) + post,
    st.sampled_from(DECOR),
    st.lists(st.builds(lambda p, case, sep: case(p) + sep, st.sampled_from(PHRASES),
                       st.sampled_from(CASES), st.sampled_from(DECOR)), min_size=1, max_size=4),
    st.sampled_from(DECOR))
config_lines = st.sampled_from([
    'cookie_consent = {"accept": true}, banner = "x"', "a=1 b='x' Accept", "x = y", "(", "=",
    ".", "[", "Home > World > Asia", "Home / News", "a - b - c", "Start › Blog › Post",
    "Monday 9:30 am - 6 pm", "12.05.2024", "3 min read", "March 3, 2024", "on", "(12)", "1.2k",
    "Share:", "Follow us on:", "Sections:", "Read more:", "×", "*", "|", "",
    "A plain sentence of running text that goes on for a while here.",
    "Another sentence, long enough to be running text on this page.", "word " * 300])
doc_lines = st.one_of(phrase_lines, config_lines, lines,
                      st.text(characters, max_size=3000).filter(lambda t: len(t) > 1000))
documents = st.lists(doc_lines, max_size=30)

LANGUAGE_CHOICES = [(), ("en",), ("de",), ("fr", "ru"), ("ar", "zh", "ja")]
params = st.fixed_dictionaries({
    "languages": st.sampled_from(LANGUAGE_CHOICES),
    "extra_lines": st.lists(st.sampled_from(PHRASES) | st.text(max_size=10), max_size=3).map(tuple),
    "max_words": st.integers(0, 130),
})


def _forget() -> None:
    bp._last_core = ((), None)


def _reference(family: bp._LineFamily) -> bp._LineFamily:
    """The same filter, answering with the Python reference."""
    ref = type(family)(**{name: value for name, value in family.__getstate__().items()})
    ref.__dict__["_core"] = None
    return ref


def _chain(families: list[bp._LineFamily], doc: Document) -> list[object]:
    out = []
    for family in families:
        decision = family(doc)
        out.append(decision)
        doc = decision.doc if decision.doc is not None else doc
    return out


def assert_same(texts: list[str], families: list[bp._LineFamily] | None = None) -> None:
    families = families or [f() for f in FAMILIES]
    assert all(f._core is not None for f in families)
    doc = Document.from_text("\n".join(texts))
    _forget()
    got = _chain(families, doc)
    _forget()
    want = _chain([_reference(f) for f in families], doc)
    for family, g, w in zip(families, got, want, strict=True):
        assert g == w, (family.reason, texts)
    for family, w in zip(families, want, strict=True):  # each alone, cold
        _forget()
        assert family(doc) == _reference(family)(doc), family.reason
        doc = w.doc if w.doc is not None else doc


@pytest.mark.parametrize("text", [
    "", "We use cookies on this website.\nOK\nOK", "Leave a Reply\nName *\nEmail *\nWebsite",
    "Published\non\nMarch 3, 2024\n4 min read\nText on", "Share:\nFacebook\nTwitter\nE-mail",
    "World\nA headline\n" + "A sentence of running text. " * 3, "Home > World > Asia",
    "Search\n(\nprint(x)", "ﬁ ß İ ΣΑΣ Ⅻ ①②", "ＨＯＭＥ", "اترك تعليقاً", "发表评论\n首页",
    "a=1 b=2 cookie", "1.2K Views · 3 min read", "x\ud800y",
])
def test_cases(core, text):
    assert_same(text.split("\n"))


@settings(max_examples=300, deadline=None)
@given(documents)
def test_generated_documents(core, texts):
    assert_same(texts)


@settings(max_examples=100, deadline=None)
@given(documents, params, st.integers(0, 5), st.booleans(), st.floats(0, 1))
def test_parameters(core, texts, common, window, edge_labels, run_share):
    families = [
        bp.CookieBanner(**common, window=window, max_control_words=window * 2),
        bp.CommentForm(**common, window=window, max_prompt_words=window * 2),
        bp.PageWidget(**common, window=window, min_date_run=window, max_signup_words=window * 4),
        bp.ShareLinks(**common),
        bp.Navigation(**common, edge_labels=edge_labels, min_run=window, run_share=run_share,
                      run_words=window),
    ]
    assert_same(texts, families)


@settings(max_examples=400, deadline=None)
@given(documents)
def test_pages(core, texts):
    # What the core reads of each line: its normalized form, code and lead, as _nonblank.
    doc = Document.from_text("\n".join(texts))
    _forget()
    want = bp._nonblank(doc)
    page = bp._core_reader().page([ln.text for ln in doc.lines])
    assert page.where == want.where
    assert page.lines() == [(ln.raw, ln.norm, ln.size, [*ln.text[2:]], ln.code, ln.lead)
                            for ln in want.lines]


def _assert_same_pages(texts: list[str]) -> None:
    doc = Document.from_text("\n".join(texts))
    _forget()
    want = bp._nonblank(doc)
    page = bp._core_reader().page([ln.text for ln in doc.lines])
    assert page.where == want.where
    for got, ln in zip(page.lines(), want.lines, strict=True):
        assert got == (ln.raw, ln.norm, ln.size, [*ln.text[2:]], ln.code, ln.lead), ln.raw


#: Letters at and beyond the edges of the spaced scripts' ranges (``_WORDISH``).
EDGE_LETTERS = "aZɏɐͰͱϻϿЀԯաǆ中اーĀΩ\u00bf\u00c0\u00d7\u00f7"


def test_phrases_at_word_edges(core):
    # Every phrase of every table glued to letters inside and outside the spaced scripts: the
    # searches' word-edge tests (the gate's flag) and normalization agree.
    texts = [f"{a}{p}{b}" for p in PHRASES for a, b in zip(EDGE_LETTERS, EDGE_LETTERS[::-1], strict=True)]
    texts += [f"{a}{p}" for p in PHRASES for a in EDGE_LETTERS]
    _assert_same_pages(texts)
    assert_same(texts[::7])


@given(st.lists(lines | phrase_lines, max_size=20))
def test_the_pages_passed_on_are_the_pages_of_the_returned_documents(core, texts):
    doc = Document.from_text("\n".join(texts))
    _forget()
    for family in FAMILIES:
        decision = family()(doc)
        if decision.doc is not None:
            doc = decision.doc
            passed = bp._last_core[1]
            fresh = bp._core_reader().page([ln.text for ln in doc.lines])
            assert passed.where == fresh.where
            assert passed.lines() == fresh.lines()


def test_lone_surrogates_take_the_reference_path(core):
    texts = ["We use cookies on this website.", "bad \ud800 line", "OK"]
    before = _accel.FALLBACKS["core.fallback.surrogates"]
    assert_same(texts)
    assert _accel.FALLBACKS["core.fallback.surrogates"] > before


@pytest.mark.skipif(BENCH is None, reason="benchmark data not beside the repository")
def test_dev_dumps(core):
    families = [f() for f in FAMILIES]
    paths = sorted(BENCH.glob("*.dump.txt"))
    assert paths
    for path in paths:
        texts = path.read_text(encoding="utf-8", errors="replace").split("\n")
        doc = Document.from_text("\n".join(texts))
        _forget()
        got = _chain(families, doc)
        _forget()
        want = _chain([_reference(f) for f in families], doc)
        assert got == want, path.name
