"""The report's scan of the removal rows: ``_core.RemovalScan`` (:func:`report.scan_removals_core`)
against :func:`report.scan_removals_reference`, on generated rows written as the project writes
them and with every character escaped, and on the output of a real run."""

from __future__ import annotations

import gzip
import json
import sys
import tempfile
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corpusclean import Pipeline, _accel, _json, report
from corpusclean.cli import main
from corpusclean.outputs import Layout, stream_files, stream_lines
from corpusclean.runner import clean_directory

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "executors"))

from corpus_helpers import make_corpus

from .strategies import characters
from .strategies import lines as any_text

#: Few ids and line numbers, so that the same id and line come again (equal keys) and the heaps
#: of a reason fill and take new lines.
ids = st.one_of(st.sampled_from(["a", "b", "doc-1", "ü/1", "\u2028", "😀#2", "", "x\0y"]),
                st.text(characters, max_size=8))
reasons = st.sampled_from(["corpus.template_line", "boilerplate.navigation", "filters.short",
                           "encoding.damaged", "é\u2028"])
details = st.one_of(
    st.none(),
    st.sampled_from(["", "in 4 documents of example.org", "in 4 documents of example.org\n",
                     "in 4 documents of \n", "x documents of a\ny documents of b",
                     "in 2 documents of a\nb", " documents of  ", "in 9 documents of ü.de\n\n",
                     "in 3 documents of site\u2028x"]),
    st.text(characters, max_size=20).map(lambda s: "in 3 documents of " + s),
)
texts = st.one_of(st.just(""), st.sampled_from(["  Menu  ", "\x1c Share \x1f", "\u3000© 2024\xa0",
                                                "a\u2028b", "😀"]), any_text)


#: Values of keys the scan does not read (the core reads rows holding others than strings, or
#: nested, with serde_json rather than its reader of the writer's compact rows).
others = st.one_of(st.text(characters, max_size=5), st.none(), st.integers(),
                   st.lists(st.integers(), max_size=2),
                   st.dictionaries(st.just("k"), st.booleans()))


@st.composite
def removed_line(draw):
    item = {"line": draw(st.integers(-3, 12)), "text": draw(texts), "reason": draw(reasons),
            "step": draw(st.sampled_from(["boilerplate", "corpus.template_lines", "quality"]))}
    detail = draw(details)
    if detail is not None:
        item["detail"] = detail
    if draw(st.integers(0, 9)) == 0:
        item["other"] = draw(others)
    keys = draw(st.permutations(list(item)))
    return {k: item[k] for k in keys}


@st.composite
def row(draw):
    found = {"id": draw(ids), "source": "in/a.html",
             "removed": draw(st.one_of(st.lists(removed_line(), max_size=6), st.none()))}
    if draw(st.integers(0, 9)) == 0:
        found["other"] = draw(others)
    keys = draw(st.permutations(list(found)))
    return {k: found[k] for k in keys}


rows = st.lists(row(), max_size=40)


def lines_of(found: list[dict], ascii_only: bool) -> list[bytes]:
    if ascii_only:  # every non-ASCII character (and astral ones as surrogate pairs) escaped
        return [(json.dumps(r, ensure_ascii=True) + "\n").encode() for r in found]
    return [_json.dumps_line(r) for r in found]


def write_removals(out: Path, lines: list[bytes], cut: bool = True) -> None:
    """``lines`` as a run's removal files: the first half plain, its last row without its
    newline, the rest gzip-compressed."""
    half = len(lines) // 2
    first = b"".join(lines[:half])
    (out / "removals-00000.jsonl").write_bytes(first[:-1] if cut else first)
    with gzip.open(out / "removals-00001.jsonl.gz", "wb") as f:
        f.write(b"".join(lines[half:]))


def scans(core, lines: list[bytes], sampled: list[str],
          piece: int = 1 << 22) -> tuple[report.Removals, report.Removals]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        write_removals(out, lines)
        got = report.scan_removals_core(core, stream_files(out, "removals"), sampled, piece)
        rows = map(_json.loads, stream_lines(out, "removals"))
        expected = report.scan_removals_reference(rows, set(sampled), Counter())
    assert expected.rows == sum(1 for line in lines if json.loads(line)["removed"])
    return got, expected


def assert_same(got: report.Removals, expected: report.Removals) -> None:
    assert got.rows == expected.rows
    assert list(got.by_step.items()) == list(expected.by_step.items())
    assert dict(got.removed_chars) == dict(expected.removed_chars)
    assert {s: list(c.items()) for s, c in got.templates.items()} == \
        {s: list(c.items()) for s, c in expected.templates.items()}
    assert list(got.templates) == list(expected.templates)
    # The heaps item for item, in their order (equal keys are told apart by their order).
    assert got.heaps == expected.heaps
    assert list(got.heaps) == list(expected.heaps)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(rows, st.booleans(), st.sampled_from([1, 7, 100, 1 << 22]), st.data())
def test_the_core_scan_is_the_reference(core, found, ascii_only, piece, data):
    present = sorted({r["id"] for r in found})
    sampled = data.draw(st.lists(st.sampled_from(present), unique=True) if present else st.just([]))
    got, expected = scans(core, lines_of(found, ascii_only), [*sampled, "not-in-the-rows"], piece)
    assert_same(got, expected)


def test_full_heaps_and_equal_keys(core):
    # The same id and line in many rows: equal keys, which the insertion order tells apart.
    found = [{"id": f"d{i % 7}", "removed": [
        {"line": 1 + (i * 5 + j) % 9, "text": f"t{i}-{j}", "step": "s",
         "reason": ("r1", "r2", "r3")[(i + j) % 3]} for j in range(i % 4)]} for i in range(400)]
    got, expected = scans(core, lines_of(found, False), ["d1", "d3"])
    assert_same(got, expected)
    assert all(len(h) == report.EXAMPLES for h in got.heaps.values())
    keys = [t[0] for h in got.heaps.values() for t in h]
    assert len(keys) > len(set(keys))  # ties were met


@pytest.mark.parametrize("line", [
    # a lone surrogate
    b'{"id":"d","removed":[{"line":1,"text":"\\ud800x","reason":"r","step":"s"}]}\n',
    b'{"id":"d","removed":[{"line":1,"text":"t","reason":"r","step":"s","line":2}]}\n',  # key twice
    b'{"id":"d","removed":[{"line":true,"text":"t","reason":"r","step":"s"}]}\n',
    b'{"id":"d","removed":[{"line":123456789012345678901,"text":"t","reason":"r","step":"s"}]}\n',
    b'{"id":"d","removed":[{"line":1,"text":"t","reason":"r","step":"s","detail":null}]}\n',
    b'{"id":"d","removed":[{"line":1,"text":"t","reason":"r","step":"s","x":NaN}]}\n',
    b'{"id":5,"removed":[]}\n',
    b'{"id":"d"}\n',  # no removed lines at all: the reference's row["removed"] fails
    b'{"id":"d","removed":[{"line":1,"text":"t","step":"s"}]}\n',
    b'\xef\xbb\xbf{"id":"d","removed":[]}\n',
])
def test_rows_the_core_cannot_read_as_python_does_go_to_the_reference(core, tmp_path, line):
    (tmp_path / "removals.jsonl").write_bytes(b'{"id":"a","removed":[]}\n' + line)
    with pytest.raises(core.CoreError):
        report.scan_removals_core(core, stream_files(tmp_path, "removals"), [])
    before = _accel.FALLBACKS["core.fallback.report"]
    try:
        rows = map(_json.loads, stream_lines(tmp_path, "removals"))
        expected = report.scan_removals_reference(rows, {"d"}, Counter())
    except (KeyError, TypeError, AttributeError):  # a row even the reference cannot read
        return
    assert_same(report.scan_removals(tmp_path, {"d": 1}), expected)
    assert _accel.FALLBACKS["core.fallback.report"] == before + 1


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, Path]:
    """The seeds cleaned with the corpus steps, and a generated corpus with repeated template
    lines in three layouts (plain, split and gzip-compressed, Parquet)."""
    base = tmp_path_factory.mktemp("report")
    root = Path(__file__).resolve().parents[2] / "seeds"
    args = ["clean", str(root), "-o", str(base / "seeds"), "-q", "--workers", "1", "--corpus"]
    assert main(args) == 0
    src = make_corpus(base / "in")
    config = Pipeline.default(corpus=True).to_dict()
    config["steps"] = [step for step in config["steps"] if step["use"] != "boilerplate.layout"]
    pipeline = Pipeline.from_dict(config)
    found = {"seeds": base / "seeds"}
    for name, layout in (("plain", Layout()), ("split", Layout(compress="gz", max_bytes=3000)),
                         ("parquet", Layout("parquet", "zst", 5000))):
        clean_directory(src, base / name, pipeline, shard_bytes=2048, layout=layout)
        found[name] = base / name
    return found


@pytest.mark.parametrize("name", ["seeds", "plain", "split", "parquet"])
def test_a_real_run_gives_the_same_scan_and_page(core, runs, name, monkeypatch):
    out = runs[name]
    facts = report.gather(out)
    ids = [json.loads(line)["id"] for line in stream_lines(out, "documents")][::2]
    got = report.scan_removals_core(core, stream_files(out, "removals"), ids)
    rows = map(_json.loads, stream_lines(out, "removals"))
    assert_same(got, report.scan_removals_reference(rows, set(ids), Counter()))
    assert got.rows == facts.removal_rows > 0 and len(got.heaps) > 1
    assert name == "seeds" or facts.templates
    page = report.render(facts)
    assert (out / "report.html").read_text(encoding="utf-8") == page
    monkeypatch.setattr(_accel, "core", lambda: None)  # the reference alone
    assert report.render(report.gather(out)) == page
