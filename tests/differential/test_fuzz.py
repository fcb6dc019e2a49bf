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
    # The reference measures any text (the filter falls back to it when the core declines).
    fields, keys = layout._measure_lines(texts)
    assert fields.shape == (len(texts), layout._NUMERIC_FIELDS) and len(keys) == len(texts)


@given(st.lists(st.tuples(any_text, st.booleans()), max_size=20), st.floats(0, 1),
       st.integers(0, 5), st.integers(0, 8))
def test_line_model_any_text(core, marked, threshold, min_lines, max_rounds):
    engine = layout.load_model().engine
    texts = [t for t, _ in marked]
    positions, present = [], 0
    for _, earlier in marked:
        positions.append(-1 if earlier else present)
        present += not earlier
    surrogates = any(0xD800 <= ord(c) < 0xE000 for t in texts for c in t)
    try:
        removed = engine.remove(texts, positions, threshold, min_lines, max_rounds)
    except UnicodeEncodeError:
        assert surrogates
        return
    assert not surrogates
    assert removed == engine.remove(texts, positions, threshold, min_lines, max_rounds)
    found = [pos for pos, _ in removed]
    assert len(set(found)) == len(found) and all(0 <= p < present for p in found)
    first, second = engine.margins(texts, list(range(0, len(texts), 2)))
    assert len(first) == len(second) == 8 * len(range(0, len(texts), 2))


@given(st.lists(st.tuples(st.integers(0, 9), any_text), max_size=20),
       st.lists(st.tuples(st.integers(0, 9), any_text), max_size=8), st.floats(0, 1),
       st.integers(0, 5), st.integers(0, 8))
def test_line_model_whole_page_any_text(core, lines, earlier, threshold, min_lines, max_rounds):
    from corpusclean.document import Removal

    engine = layout.load_model().engine
    removals = [Removal(no, text, "boilerplate.navigation") for no, text in earlier]
    surrogates = any(0xD800 <= ord(c) < 0xE000 for _, t in lines + earlier for c in t)
    try:
        found, details = engine.remove_lines(lines, removals, threshold, min_lines, max_rounds)
    except UnicodeEncodeError:
        assert surrogates
        return
    assert not surrogates
    assert (found, details) == engine.remove_lines(lines, removals, threshold, min_lines,
                                                   max_rounds)
    assert found == sorted(set(found)) and len(details) == len(found)
    assert all(0 <= i < len(lines) and lines[i][1].strip() for i in found)


@given(st.lists(any_text, max_size=20))
def test_boilerplate_families_any_text(core, texts):
    from corpusclean.filters import boilerplate as bp

    surrogates = any(0xD800 <= ord(c) < 0xE000 for t in texts for c in t)
    try:
        page = bp._core_reader().page(texts)
    except UnicodeEncodeError:
        assert surrogates
        return
    assert not surrogates
    assert all(0 <= i < len(texts) for i in page.where) and len(page) == len(page.where)
    for family in (bp.CookieBanner(), bp.CommentForm(), bp.PageWidget(), bp.ShareLinks(),
                   bp.Navigation()):
        removed, rest = family._core.run(page)
        assert removed == sorted(set(removed)) and set(removed) <= set(page.where)
        assert len(rest) + len(removed) == len(page)
        again = family._core.run(page)
        assert again[0] == removed and again[1].lines() == rest.lines()


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


@given(st.lists(any_text, max_size=20), st.sampled_from(["NFC", "NFKC", "NFD", "NFKD"]))
def test_encoding_any_text(core, texts, form):
    import unicodedata

    from corpusclean.filters import encoding

    surrogates = any(0xD800 <= ord(c) < 0xE000 for t in texts for c in t)
    normalizer = core.Normalizer(form, unicodedata.unidata_version)
    scan = encoding._suspect_scan(core)
    try:
        changes = normalizer.changes(texts)
        suspects = scan.lines(texts)
    except UnicodeEncodeError:
        assert surrogates
        return
    assert not surrogates
    assert changes == normalizer.changes(texts) and suspects == scan.lines(texts)
    assert [k for k, _ in changes] == sorted({k for k, _ in changes})
    for k, new in changes:
        assert new != texts[k] and new == new.strip() and "  " not in new and "\t" not in new
    assert suspects == sorted(set(suspects)) and all(0 <= k < len(texts) for k in suspects)


@given(st.lists(st.tuples(st.integers(-3, 40), st.sampled_from(["p", "div", "title", "ul", "a",
                                                                  "li", "body", "h2", ""]),
                          st.integers(-2, 1 << 63)), max_size=40),
       st.lists(any_text, max_size=20),
       st.dictionaries(st.integers(-2, 25), st.tuples(st.integers(-2, 45),
                                                      st.integers(-(1 << 60), 1 << 60))))
def test_dom_region_any_evidence(core, nodes, texts, evidence):
    from corpusclean.filters import html

    region = html._core_region()
    params = html._core_params(html.DomBoilerplate())
    surrogates = any(0xD800 <= ord(c) < 0xE000 for t in texts for c in t)
    try:
        got = region.decide(params, nodes, texts, list(range(1, len(texts) + 1)), evidence)
    except (UnicodeEncodeError, OverflowError):
        assert surrogates or any(not -(1 << 63) <= f < 1 << 63 for _p, _t, f in nodes)
        return
    assert got == region.decide(params, nodes, texts, list(range(1, len(texts) + 1)), evidence)
    if got is not None:
        assert [i for i, _r, _d in got] == sorted({i for i, _r, _d in got})
        assert all(texts[i].strip() for i, _r, _d in got)


@given(st.one_of(any_text, st.text(alphabet=st.sampled_from(list('<>/="\' abcp-ndivlua&;#\n!')),
                                   max_size=300)), st.integers(0, 5), st.integers(0, 5))
def test_html_walk_any_text(core, text, first_node, first_line):
    from corpusclean.readers import html

    walker = html._core_walker()
    surrogates = any(0xD800 <= ord(c) < 0xE000 for c in text)
    try:
        got = walker.walk(text, first_node, first_line)
    except UnicodeEncodeError:
        assert surrogates
        return
    assert got == walker.walk(text, first_node, first_line)
    if got is not None:
        nodes, lines, evidence = got
        assert [no for no, _n, _l in evidence] == list(range(first_line + 1,
                                                             first_line + 1 + len(lines)))
        assert all(line and line == " ".join(line.split()) for line in lines)
        assert all(-1 <= p < first_node + len(nodes) for p, _t, _f in nodes)


@given(any_text, st.lists(st.tuples(st.integers(0, 10**6), any_text, any_text), max_size=6))
def test_removal_row_any_text(core, text, removed):
    import json

    from corpusclean.document import Removal

    removals = tuple(Removal(no, t, "boilerplate.navigation", "nav", d) for no, t, d in removed)
    row = core.removal_row(text, "in.txt", removals)
    if row is None:
        values = [text, *(v for _, t, d in removed for v in (t, d))]
        assert any(0xD800 <= ord(c) < 0xE000 for v in values for c in v)
        return
    assert row.endswith(b"\n") and row.count(b"\n") == 1
    assert not any(c in row for c in (b"\xc2\x85", b"\xe2\x80\xa8", b"\xe2\x80\xa9"))
    back = json.loads(row)
    assert back["id"] == text
    assert [(r["line"], r["text"], r.get("detail", "")) for r in back["removed"]] == removed
