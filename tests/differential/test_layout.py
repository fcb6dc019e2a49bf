"""``_core.line_shapes`` against ``layout.line_shape``: every field of every line, floats by bits."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given

from corpusclean import _accel
from corpusclean.filters import layout

from .conftest import BENCH
from .strategies import documents


def reference(texts: list[str]) -> tuple[np.ndarray, list[str]]:
    shapes = [layout.line_shape(t) for t in texts]
    fields = np.array([s[:layout._NUMERIC_FIELDS] for s in shapes], dtype=np.float64)
    return fields.reshape(len(texts), layout._NUMERIC_FIELDS), [s.key for s in shapes]


def assert_same(core, texts: list[str]) -> None:
    measured = core.line_shapes(texts)
    assert len(measured) == len(texts)
    got = np.frombuffer(measured.numbers(), dtype=np.float64).reshape(len(texts), core.LINE_NUMERIC_FIELDS)
    want, keys = reference(texts)
    got_keys = measured.keys()
    assert got.shape == want.shape
    for i, text in enumerate(texts):
        if got[i].tobytes() != want[i].tobytes() or got_keys[i] != keys[i]:
            wrong = {name: (float(a), float(b)) for name, a, b in
                     zip(layout.LineShape._fields, want[i], got[i], strict=False) if a != b}
            pytest.fail(f"{text!r}: reference, core differ in {wrong} "
                        f"keys {keys[i]!r} {got_keys[i]!r}")


def test_width_matches_the_reference(core):
    assert core.LINE_NUMERIC_FIELDS == layout._NUMERIC_FIELDS


def test_function_words_are_the_reference_list(core):
    # The core's list is checked through its answers: each word alone is all function words.
    words = sorted(layout.FUNCTION_WORDS)
    measured = core.line_shapes(words)
    got = np.frombuffer(measured.numbers(), dtype=np.float64).reshape(len(words), core.LINE_NUMERIC_FIELDS)
    share = layout.LineShape._fields.index("function_share")
    assert got[:, share].tolist() == [1.0] * len(words)


@pytest.mark.parametrize("text", [
    "", "   ", "»", "\")", "\x1c\x1d", "Home | News | Sport", "ıI İi ß ẞ ΣΑΣ ς", "ﬁne",
    "東京タワー、2024年3月12日", "ภาษาไทยไม่มีช่องว่าง", "Ελληνικά: Η ΟΔΟΣ.", "e\u0301te\u0301 Été",
    "mail a.b+c@d-e.fr now", "x.comy", "x.com_", "www.", "https:// x", "١٢:٣٠ ٢٠٢٤",
    "(c) 2024 Firma", "© Firma", "(C) Firma", "1) item", "(12) item", "• item", "12.05.2024",
    "a\x1fb\x85c\u2028d", "Der die das, und; oder", "_snake_case_ words_",
    "x" * 5000, "word " * 2000, "9" * 300 + ":00",
])
def test_cases(core, text):
    assert_same(core, [text])


@given(documents)
def test_generated_documents(core, texts):
    assert_same(core, texts)


@given(documents)
def test_title_overlap(core, texts):
    measured = core.line_shapes(texts)
    reference = layout.LineColumns(texts)
    for first in range(min(3, len(texts))):
        want = reference._title_overlap(first)
        assert measured.title_overlap(first) == want.tobytes()


def test_lone_surrogates_take_the_reference_path(core):
    texts = ["fine", "bad \ud800 line"]
    before = _accel.FALLBACKS["core.fallback.surrogates"]
    assert _accel.attempt(lambda core: core.line_shapes(texts)) is None
    assert _accel.FALLBACKS["core.fallback.surrogates"] == before + 1


@pytest.mark.skipif(BENCH is None, reason="benchmark data not beside the repository")
def test_dev_dump_lines(core):
    # Every fifth dump of the dev split, every line (the reference takes a while on all).
    texts = []
    for path in sorted(BENCH.glob("*.dump.txt"))[::5]:
        texts += path.read_text(encoding="utf-8", errors="replace").splitlines()
    assert len(texts) > 10_000
    assert_same(core, texts)


@given(documents)
def test_tree_margins(core, texts):
    model = layout.load_model()
    live = np.arange(len(texts))
    if not texts:
        return
    cols = layout.LineColumns(texts).features(live)
    for arrays in model.arrays:
        assert arrays.core is not None
        got = arrays.core.margins(arrays.rows(cols, len(texts)).tobytes(), len(arrays.names))
        assert got == arrays.margins(cols, len(texts)).tobytes()
        cols = {**cols, **layout.context_columns(arrays.predict(cols, len(texts)))}


def test_trees_pickle(core):
    import pickle

    trees = layout.load_model().arrays[0].core
    x = np.linspace(-2, 40, 10 * len(layout.load_model().pass1.names))
    width = len(layout.load_model().pass1.names)
    again = pickle.loads(pickle.dumps(trees))
    assert again.margins(x.tobytes(), width) == trees.margins(x.tobytes(), width)
