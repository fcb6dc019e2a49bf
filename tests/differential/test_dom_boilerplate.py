"""``html.dom_boilerplate`` in the core (``_core.DomRegion``) against the reference
(``DomBoilerplate.decide`` in ``filters/html.py``): the same removals, reasons and details on
every dev page, on generated evidence (trees of any shape, every flag, lines in every script)
and with other parameters."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpusclean import _accel
from corpusclean.decision import Decision, keep, remove_lines
from corpusclean.document import Document
from corpusclean.filters import html as F
from corpusclean.readers import html as H

from .conftest import BENCH
from .strategies import lines

TAGS = ["#root", "body", "html", "title", "div", "p", "li", "ul", "ol", "menu", "dl", "h1", "h3",
        "figcaption", "caption", "td", "span", "a", "nav", "aside", "footer", "article", "main",
        "section", "form", "input", "my-widget", "b"]
BITS = [*H.HINTS.values(), *H.TAG_FLAGS.values()]


def reference(f: F.DomBoilerplate, doc: Document) -> Decision:
    dom = doc.meta["dom"]
    try:
        reasons, details = f.decide(doc, dom["nodes"], dom["lines"])
    except (KeyError, IndexError, TypeError, ValueError):
        return keep()
    return remove_lines(doc, reasons, details)


def assert_same(f: F.DomBoilerplate, doc: Document, *, answers: bool = True) -> None:
    answer = f._decide_core(doc, doc.meta["dom"])
    if answer is None:
        assert not answers, "the core declined"
        return
    assert remove_lines(doc, *answer) == reference(f, doc)


@st.composite
def pages(draw: st.DrawFn) -> Document:
    n = draw(st.integers(1, 40))
    nodes = [(-1, "#root", 0)]
    for k in range(1, n):
        flags = 0
        for bit in draw(st.lists(st.sampled_from(BITS), max_size=3)):
            flags |= bit
        nodes.append((draw(st.integers(-1 if k > 1 else 0, k - 1)), draw(st.sampled_from(TAGS)),
                      flags))
    texts = draw(st.lists(st.one_of(lines, st.sampled_from([
        "A sentence of running text, with a comma, that goes on for a while here and there.",
        "Home", "Share", "中文的句子\uff0c很长的一段文字\uff0c包含了逗号。" * 3, "x" * 120, "  "])),
        min_size=1, max_size=30))
    doc = Document.from_text("\n".join(t.replace("\n", " ") for t in texts))
    ev = {}
    for ln in doc.lines:
        if draw(st.booleans()) or ln.no == 1:
            link = draw(st.integers(0, len(ln.text) + 3))
            ev[ln.no] = (draw(st.integers(0, n - 1)), link)
    return doc.evolve(meta={"dom": {"schema": 1, "nodes": tuple(nodes), "lines": ev}})


params = st.fixed_dictionaries({}, optional={
    "min_text": st.integers(0, 60), "sibling_ratio": st.floats(0, 1), "link_density":
    st.floats(0, 1), "class_weight": st.floats(0, 50), "drop_captions": st.booleans(),
    "link_line_max": st.integers(0, 100), "outside_min_text": st.integers(0, 100),
    "recover_depth": st.integers(0, 4), "widen_ratio": st.floats(0, 1), "min_region_score":
    st.floats(0, 40), "min_region_share": st.floats(0, 1), "context_boost": st.floats(0, 3),
    "max_hint_share": st.floats(0, 1), "wrapper_share": st.floats(0, 1), "remove_title":
    st.booleans(), "keep_meta": st.booleans(), "list_page_share": st.floats(0, 1)})


@pytest.mark.skipif(BENCH is None, reason="no bench pages")
def test_dev_pages(core):
    f = F.DomBoilerplate()
    pages = sorted(BENCH.glob("*.html"))
    assert pages
    for page in pages[::2]:
        blocks, ev = H.html_to_blocks(page.read_text(encoding="utf-8", errors="replace"))
        doc = Document.from_text("\n".join(blocks), meta={"dom": ev.to_meta()})
        assert_same(f, doc)


@settings(max_examples=400, deadline=None)
@given(pages())
def test_generated_pages(core, doc):
    surrogates = any(0xD800 <= ord(c) < 0xE000 for ln in doc.lines for c in ln.text)
    assert_same(F.DomBoilerplate(), doc, answers=not surrogates)


@settings(max_examples=200, deadline=None)
@given(pages(), params)
def test_parameters(core, doc, values):
    surrogates = any(0xD800 <= ord(c) < 0xE000 for ln in doc.lines for c in ln.text)
    assert_same(F.DomBoilerplate(**values), doc, answers=not surrogates)


@pytest.mark.parametrize("dom", [
    {"schema": 1, "nodes": ((-1, "#root", 0), (5, "p", 0)), "lines": {1: (1, 0)}},  # parent later
    {"schema": 1, "nodes": ((-1, "#root", 0), (0, "p", 0)), "lines": {1: (7, 0)}},  # no such node
    {"schema": 1, "nodes": ((-1, "#root", 0), (0, "p", -1)), "lines": {1: (1, 0)}},
    {"schema": 1, "nodes": ((-1, "#root", 0), (0, "p", 1 << 70)), "lines": {1: (1, 0)}},
    {"schema": 1, "nodes": ((-1, "#root", 0), (0, "p", 0)), "lines": {1: (1, 10**30)}},
    {"schema": 1, "nodes": ((-1, "#root", 0), (0, "p", 0)), "lines": {1: "x"}},
    {"schema": 1, "nodes": "nodes", "lines": {1: (1, 0)}},
    {"schema": 1, "nodes": (), "lines": {1: (0, 0)}},
    {"schema": 1, "nodes": ((-1, "#root", 0), (0, "p\ud800", 0)), "lines": {1: (1, 0)}},
])
def test_evidence_the_core_declines(core, dom):
    doc = Document.from_text("A line of text long enough to score, with commas, here.",
                             meta={"dom": dom})
    f = F.DomBoilerplate()
    assert f(doc) == reference(f, doc)
    assert f._decide_core(doc, dom) is None


def test_parameters_the_core_declines(core):
    doc = Document.from_text("a", meta={"dom": {"schema": 1, "nodes": ((-1, "#root", 0),),
                                                "lines": {1: (0, 0)}}})
    for values in ({"recover_depth": -1}, {"min_text": 2**60 + 1}, {"class_weight": float("nan")}):
        f = F.DomBoilerplate(**values)
        assert f._decide_core(doc, doc.meta["dom"]) is None
        assert f(doc) == reference(f, doc)


def test_fallbacks_are_counted(core):
    doc = Document.from_text("x\ud800y", meta={"dom": {"schema": 1, "nodes": ((-1, "#root", 0),),
                                                       "lines": {1: (0, 0)}}})
    before = _accel.FALLBACKS["core.fallback.surrogates"]
    F.DomBoilerplate()(doc)
    assert _accel.FALLBACKS["core.fallback.surrogates"] == before + 1
