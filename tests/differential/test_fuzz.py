"""The fuzz targets' properties (``rust/fuzz/fuzz_targets``), run as Hypothesis tests: any text,
including lone surrogates and undecodable bytes, gives an answer and never crashes the core."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from corpusclean.filters import layout

#: Shares of LineShape: always within [0, 1].
SHARES = [layout.LineShape._fields.index(name) for name in (
    "digit_share", "upper_share", "punct_share", "titlecase_share", "function_share",
    "segmented_share")]

any_text = st.one_of(
    st.text(),
    st.text(st.characters(codec=None, categories=None)),  # lone surrogates included
    st.binary().map(lambda b: b.decode("utf-8", "surrogateescape")),
)


@given(st.lists(any_text, max_size=20))
def test_line_shapes_any_text(core, texts):
    surrogates = any(0xD800 <= ord(c) < 0xE000 for t in texts for c in t)
    try:
        measured = core.line_shapes(texts)
    except UnicodeEncodeError:
        assert surrogates
    else:
        assert not surrogates
        rows = np.frombuffer(measured.numbers(), dtype=np.float64)
        rows = rows.reshape(len(texts), core.LINE_NUMERIC_FIELDS)
        assert ((rows[:, SHARES] >= 0) & (rows[:, SHARES] <= 1)).all()
        again = core.line_shapes(texts)
        assert again.numbers() == measured.numbers() and again.keys() == measured.keys()
    # Whatever the core says, the columns come out (the reference answers what it declines).
    fields, keys, _ = layout._measure_lines(texts)
    assert fields.shape == (len(texts), layout._NUMERIC_FIELDS) and len(keys) == len(texts)


@given(st.lists(any_text, max_size=20), st.sampled_from(["en", "und", "ja", "xx"]))
def test_language_lines_any_text(core, texts, language):
    from corpusclean.language import lines

    surrogates = any(0xD800 <= ord(c) < 0xE000 for t in texts for c in t)
    tables = lines.line_language()
    try:
        known = tables.facts(texts)
    except UnicodeEncodeError:
        assert surrogates
        return
    assert not surrogates and len(known) == len(texts)
    _, letters, _, counted = known.summary()
    assert all(0.0 <= share <= 1.0 for _, share in letters) and counted <= len(texts)
    rows, special = known.classify(list(range(len(texts))), language, False, ["Latin"],
                                   script_share=0.5, min_words=3, min_stopwords=2,
                                   lone_min_words=6)
    assert len(rows) == len(texts) and all(0.0 <= share <= 1.0 for _, _, share in special)
    assert known.summary() == tables.facts(texts).summary()
    removed, _, _, alive = known.foreign_lines(
        language, lambda *_: (["Latin"], language, ["Latin"], False),
        lambda i, _: (("en", "fr", "und")[i % 3], 0.99, i % 3 != 2, 0.97) if i % 4 else None,
        script_share=0.5, min_words=3, min_stopwords=2, lone_min_words=6, min_score=0.9,
        weak_score=0.95, interior_run=3, max_foreign_share=0.3)
    assert sorted([i for i, _, _ in removed] + alive) == list(range(len(texts)))
