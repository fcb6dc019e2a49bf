"""``_core.LineModel`` against the filter's Python rounds: the lines removed and their details,
and every round's tree margins, floats by bits."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from corpusclean import _accel
from corpusclean.document import Document, Line, Removal
from corpusclean.filters import layout

from .conftest import BENCH
from .strategies import documents, lines


@contextmanager
def reference() -> Iterator[None]:
    """The Python reference alone: no core call anywhere (line shapes, trees) inside."""
    with mock.patch.object(_accel, "core", lambda: None):
        yield


def engine(core):
    model = layout.load_model()
    assert model.engine is not None
    return model


#: A document's lines with, for each, whether an earlier step removed it.
marked_documents = st.lists(st.tuples(lines, st.booleans()), max_size=40)
#: The filter's settings: the model's own threshold and others, few and many rounds.
settings = st.tuples(st.sampled_from([-1.0, 0.2, 0.45, 0.7, 0.99]), st.integers(-1, 5),
                     st.sampled_from([-1, 0, 1, 2, 100]))


def positions_of(marked: list[tuple[str, bool]]) -> tuple[list[str], list[int]]:
    texts, positions, present = [], [], 0
    for text, earlier in marked:
        texts.append(text)
        positions.append(-1 if earlier else present)
        present += not earlier
    return texts, positions


def assert_same_removals(core, texts: list[str], positions: list[int],
                         threshold: float = -1.0, min_lines: int = 3,
                         max_rounds: int = 100) -> dict[int, str]:
    model = engine(core)
    thr = model.threshold if threshold < 0 else threshold
    f = layout.LayoutBoilerplate(threshold=threshold, min_lines=min_lines, max_rounds=max_rounds)
    fallbacks = sum(_accel.FALLBACKS.values())
    got = f.removals(model, thr, texts, positions)
    assert sum(_accel.FALLBACKS.values()) == fallbacks  # the core answered
    with reference():
        want = f.reference_removals(model, thr, texts, positions)
    assert got == want
    return want


@given(marked_documents, settings)
def test_generated_documents(core, marked, setting):
    texts, positions = positions_of(marked)
    assert_same_removals(core, texts, positions, *setting)


@given(documents)
def test_generated_documents_without_earlier_removals(core, texts):
    assert_same_removals(core, texts, list(range(len(texts))))


@given(documents, st.data())
def test_margins_of_any_live_subset(core, texts, data):
    model = engine(core)
    if not texts:
        return
    live = sorted(data.draw(st.sets(st.integers(0, len(texts) - 1), min_size=1)))
    first, second = model.engine.margins(texts, live)
    pass1, pass2 = model.arrays
    with reference():
        cols = layout.LineColumns(texts).features(np.array(live))
        want1 = pass1.margins(cols, len(live))
        want2 = pass2.margins({**cols, **layout.context_columns(pass1.predict(cols, len(live)))},
                              len(live))
    assert first == want1.tobytes()
    assert second == want2.tobytes()


#: Lines as (number, text), numbers drawn freely so that ties and disorder come up.
numbered_lines = st.lists(st.tuples(st.integers(0, 30), lines), max_size=30)


def page(present, earlier) -> Document:
    return Document(id="p", lines=tuple(Line(no, text) for no, text in present),
                    removals=tuple(Removal(no, text, "boilerplate.navigation")
                                   for no, text in earlier))


@given(numbered_lines, st.lists(st.tuples(st.integers(0, 30), lines), max_size=12),
       st.booleans(), st.integers(-1, 5))
def test_whole_filter_on_generated_pages(core, present, earlier, page_context, min_lines):
    # The core gathers the lines from doc.lines and doc.removals itself (LineModel.remove_lines).
    doc = page(present, earlier)
    f = layout.LayoutBoilerplate(min_lines=min_lines, page_context=page_context)
    engine(core)
    fallbacks = sum(_accel.FALLBACKS.values())
    got = f(doc)
    assert sum(_accel.FALLBACKS.values()) == fallbacks  # the core answered
    with reference():
        assert got == f(doc)


def test_whole_filter_with_lone_surrogates_takes_the_reference_path(core):
    engine(core)
    f = layout.LayoutBoilerplate()
    doc = page([(1, "Home | News | Sport"), (2, "Login"), (3, "Some text here."), (5, "Share")],
               [(4, "bad \ud800 line")])
    before = _accel.FALLBACKS["core.fallback.surrogates"]
    got = f(doc)
    assert _accel.FALLBACKS["core.fallback.surrogates"] > before
    with reference():
        assert got == f(doc)


@pytest.mark.parametrize("texts", [
    [],
    ["", "", ""],
    ["x" * 20_000, "Home | News", "word " * 3000 + "end."],
    ["\x1c\x1d\x1e", "\x00\x01\x02", "a\u2028b", "\x85", "\ufeff"],
    ["Home", "Home", "Home", "Home", "© 2024 Firma. All rights reserved."],
    ["東京タワー、2024年3月12日", "ภาษาไทยไม่มีช่องว่าง", "Ελληνικά: Η ΟΔΟΣ.", "١٢:٣٠ ٢٠٢٤"] * 3,
])
def test_cases(core, texts):
    assert_same_removals(core, texts, list(range(len(texts))))
    assert_same_removals(core, texts, [-1 if i % 3 == 1 else i for i in range(len(texts))])


def test_lone_surrogates_take_the_reference_path(core):
    model = engine(core)
    f = layout.LayoutBoilerplate()
    texts = ["Home | News | Sport", "bad \ud800 line", "Login", "Some text here.", "Share"]
    before = _accel.FALLBACKS["core.fallback.surrogates"]
    got = f.removals(model, model.threshold, texts, list(range(len(texts))))
    assert _accel.FALLBACKS["core.fallback.surrogates"] > before
    with reference():
        assert got == f.reference_removals(model, model.threshold, texts, list(range(5)))


def test_feature_names_are_the_reference_names(core):
    assert list(core.LINE_FEATURES) == [*layout.FEATURES, *layout.CONTEXT_FEATURES]


def test_line_model_pickles(core):
    import pickle

    model = engine(core)
    again = pickle.loads(pickle.dumps(model.engine))
    texts = ["Home | News", "Login", "A sentence of some length that ends here.", "Share"]
    assert again.remove(texts, [0, 1, 2, 3], 0.45, 3, 100) == model.engine.remove(
        texts, [0, 1, 2, 3], 0.45, 3, 100)


@pytest.mark.skipif(BENCH is None, reason="benchmark data not beside the repository")
def test_dev_dumps(core):
    # Every third dump of the dev split: as read, and with every seventh line removed earlier.
    f = layout.LayoutBoilerplate()
    removed = 0
    for path in sorted(BENCH.glob("*.dump.txt"))[::3]:
        doc = Document.from_text(path.read_text(encoding="utf-8", errors="replace"))
        texts = [line.text for _, line in doc.content_lines()]
        removed += len(assert_same_removals(core, texts, list(range(len(texts)))))
        assert_same_removals(core, texts, [-1 if i % 7 == 3 else i for i in range(len(texts))])
        got = f(doc)
        with reference():
            assert got == f(doc)
    assert removed > 1000
