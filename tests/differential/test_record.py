"""The sidecar row of removed lines: ``_core.removal_row`` against
``dumps_line(record.removal_row(...))``, on generated removals (every script, the characters
the writer escapes, lone surrogates, odd types) and on the removals of real pages."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from corpusclean import Document, Pipeline
from corpusclean._json import dumps_line
from corpusclean.document import Removal
from corpusclean.record import removal_line, removal_row

from .conftest import BENCH
from .strategies import lines as any_text

#: What the writer escapes or must leave alone, and lone surrogates (no UTF-8 form).
ESCAPED = st.sampled_from(['"', "\\", "/", "\n", "\r", "\t", "\b", "\f", "\x00", "\x1b", "\x1f",
                           "\x7f", "\x85", "\u2028", "\u2029", "\u2027", "\u202a", "é", "😀",
                           "\ud800", "\udfff"])
texts = st.one_of(any_text, st.lists(st.one_of(ESCAPED, any_text), max_size=8).map("".join))
removals = st.lists(st.builds(Removal, st.integers(-5, 2**63 - 1), texts, texts, texts,
                              st.one_of(st.just(""), texts)), max_size=12).map(tuple)


def _reference(doc_id: object, source: object, removed: tuple) -> bytes:
    return dumps_line({"id": doc_id, "source": source, "removed": [r.to_dict() for r in removed]})


@given(texts, texts, removals)
def test_rows_are_the_reference_bytes(core, doc_id, source, removed):
    line = core.removal_row(doc_id, source, removed)
    if line is None:  # only a value with no UTF-8 form is handed back
        values = [doc_id, source, *(t for r in removed for t in r[1:])]
        assert any(0xD800 <= ord(c) < 0xE000 for v in values for c in v)
    else:
        assert line == _reference(doc_id, source, removed)


@pytest.mark.parametrize("doc_id, source, removed", [
    (1, "s", ()),  # an id that is not a str
    ("d", None, ()),  # a source that is not a str
    ("d", "s", [Removal(1, "t", "r")]),  # a list, not a tuple
    ("d", "s", (Removal(2**63, "t", "r"),)),  # a line number beyond 64 bits
    ("d", "s", (Removal(True, "t", "r"),)),  # a bool, which orjson writes as true
    ("d", "s", ((1, "t", "r"),)),  # not five fields
    ("d", "s", (Removal(1, "t", "r", "s", None),)),  # a detail that is not a str
])
def test_what_the_core_does_not_write_is_handed_back(core, doc_id, source, removed):
    assert core.removal_row(doc_id, source, removed) is None


def test_removal_line_with_and_without_the_core(core, monkeypatch):
    doc = Document.from_text("a\nb", id="x\u2028y", meta={"source": "in/\ud800.txt"})
    doc = doc.evolve(removals=(Removal(2, "b", "boilerplate.navigation", "nav"),))
    result = SimpleNamespace(doc=doc)
    assert removal_line(result) == dumps_line(removal_row(result))  # type: ignore[arg-type]
    assert removal_line(SimpleNamespace(doc=Document.from_text("a"))) is None  # type: ignore[arg-type]


@pytest.mark.skipif(BENCH is None, reason="the benchmark's dev split is not beside the repository")
def test_rows_of_real_pages(core):
    pipeline = Pipeline.default()
    rows = 0
    for path in sorted(BENCH.glob("*.dump.txt"))[:60]:
        result = pipeline.run(Document.from_text(path.read_text(encoding="utf-8"), id=path.name,
                                                 meta={"source": str(path)}))
        if result.doc.removals:
            rows += 1
            assert core.removal_row(result.doc.id, str(path), result.doc.removals) == \
                dumps_line(removal_row(result))
    assert rows > 30
