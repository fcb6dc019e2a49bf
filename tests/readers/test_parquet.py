"""Parquet input: a row is a document as a JSONL line is, row groups are the planner's units,
and a file that cannot be used is one located reject."""

from __future__ import annotations

import datetime as dt
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from corpusclean.document import Document
from corpusclean.executors.shards import plan_shards, read_shard
from corpusclean.readers import ReaderOptions, Reject, read_file

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

PAGE = "<html><head><title>Hafen</title></head><body><nav>Home</nav><p>Der Hafen ist offen.</p><div>Boote</div><p>Ende</p></body></html>"


def write(path: Path, columns: dict[str, list[object]], **kw: object) -> Path:
    pq.write_table(pa.table(columns), path, **kw)
    return path


def read(path: Path, **opts: object) -> list[Document | Reject]:
    return list(read_file(path, path.name, ReaderOptions(**opts)))  # type: ignore[arg-type]


def kinds(items: list[Document | Reject]) -> list[str]:
    return [i.reason if isinstance(i, Reject) else "doc" for i in items]


def test_a_row_is_a_document_with_its_other_columns_as_json(tmp_path):
    path = write(tmp_path / "a.parquet", {
        "id": ["x1", "x2"], "text": ["First row text.", "Second row text."],
        "when": [dt.datetime(2024, 5, 3, 10, 0), None], "price": [Decimal("9.50"), Decimal("1.25")],
        "tags": [["a", "b"], []], "raw": [b"ok", b"\xff\x00"],
    })
    items = read(path)
    assert kinds(items) == ["doc", "doc"]
    first = items[0]
    assert first.id == "x1" and first.text == "First row text."
    assert first.meta["format"] == "parquet" and first.meta["row"] == 1 and first.meta["source"] == "a.parquet"
    meta = first.meta["input_metadata"]
    assert meta["when"] == "2024-05-03T10:00:00" and meta["price"] == 9.5 and list(meta["tags"]) == ["a", "b"]
    assert meta["raw"] == "ok" and items[1].meta["input_metadata"]["raw"] == {"base64": "/wA="}
    assert items[1].meta["input_metadata"]["when"] is None


@pytest.mark.parametrize(("columns", "opts", "expected"), [
    ({"body": ["x"]}, {}, ["parquet.no_text_column"]),
    ({"text": [1, 2]}, {}, ["parquet.no_text_column"]),
    ({"text": ["a", None, "c"]}, {}, ["doc", "parquet.no_text", "doc"]),
    ({"text": ["short", "x" * 5000]}, {"max_bytes": 1000}, ["doc", "read.too_large"]),
    ({"body": ["from another column"], "key": ["k"]}, {"text_field": "body", "id_field": "key"}, ["doc"]),
    ({"text": pa.array([], pa.string())}, {}, ["read.empty"]),
])
def test_case_table(tmp_path, columns, opts, expected):
    assert kinds(read(write(tmp_path / "t.parquet", columns), **opts)) == expected


def test_a_rejected_row_says_which_row(tmp_path):
    items = read(write(tmp_path / "t.parquet", {"text": ["a", "b", None]}, row_group_size=2))
    assert isinstance(items[2], Reject) and items[2].line == 3 and items[2].source == "t.parquet"


def test_ids_default_to_file_and_row(tmp_path):
    items = read(write(tmp_path / "t.parquet", {"text": ["a", "b"], "id": [None, 7]}))
    assert [d.id for d in items] == ["t.parquet:1", "7"]


@pytest.mark.parametrize(("fmt", "html"), [("auto", True), ("html", True), ("text", False)])
def test_text_format_reads_a_page_field(tmp_path, fmt, html):
    doc = read(write(tmp_path / "t.parquet", {"text": [PAGE]}), text_format=fmt)[0]
    assert ("Der Hafen ist offen." in doc.text.splitlines()) is html
    assert (doc.meta.get("text_format") == "html") is html
    if html:
        assert doc.meta["page"]["title"] == "Hafen"


def test_text_format_auto_leaves_plain_text(tmp_path):
    doc = read(write(tmp_path / "t.parquet", {"text": ["Use <b> for bold."]}))[0]
    assert doc.text == "Use <b> for bold." and "text_format" not in doc.meta


@pytest.mark.parametrize("data", [b"", b"not parquet at all", b"PAR1" + b"\x00" * 40 + b"PAR1"])
def test_what_pyarrow_cannot_read_is_one_reject(tmp_path, data):
    (tmp_path / "bad.parquet").write_bytes(data)
    assert kinds(read(tmp_path / "bad.parquet")) == ["parquet.unreadable"]


def test_a_compressed_parquet_name_is_not_read(tmp_path):
    write(tmp_path / "t.parquet.gz", {"text": ["x"]})
    from corpusclean.readers.files import supported

    assert not supported(tmp_path / "t.parquet.gz") and supported(tmp_path / "t.parquet")


def test_row_groups_are_units_and_read_as_the_whole_file(tmp_path):
    rows = [f"Row {i} says something about the harbour." for i in range(100)]
    write(tmp_path / "big.parquet", {"id": [f"r{i}" for i in range(100)], "text": rows}, row_group_size=10)
    shards = plan_shards(tmp_path, shard_bytes=800)
    groups = [u.row_groups for s in shards for u in s.units]
    assert len(groups) > 2 and groups[0][0] == 0 and groups[-1][1] == 10 and all(g[2] == 10 for g in groups)
    assert all(a[1] == b[0] for a, b in zip(groups, groups[1:]))  # consecutive, no gap
    cut = [i for s in shards for i in read_shard(s, ReaderOptions())]
    assert cut == read(tmp_path / "big.parquet")


def test_a_file_without_the_text_column_is_one_reject_whatever_the_shards(tmp_path):
    write(tmp_path / "big.parquet", {"body": [f"row {i} " * 20 for i in range(100)]}, row_group_size=5)
    shards = plan_shards(tmp_path, shard_bytes=500)
    items = [i for s in shards for i in read_shard(s, ReaderOptions())]
    assert kinds(items) == ["parquet.no_text_column"]


def test_without_pyarrow_a_parquet_file_is_a_reject_naming_the_extra(tmp_path, monkeypatch):
    path = write(tmp_path / "t.parquet", {"text": ["x"]})
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    items = read(path)
    assert kinds(items) == ["read.missing_extra"] and "corpusclean[parquet]" in items[0].message


@pytest.mark.parametrize("shard_bytes", [300, 800, 3000, 10**9])
def test_repeated_ids_are_renamed_as_in_one_read_whatever_the_cut(tmp_path, shard_bytes):
    ids = [f"r{i % 37}" if i % 5 else f"r{i}" for i in range(120)]
    texts = [None if i == 40 else f"Row {i} about the harbour." for i in range(120)]
    write(tmp_path / "dup.parquet", {"id": ids, "text": texts}, row_group_size=8)
    whole = read(tmp_path / "dup.parquet")
    shards = plan_shards(tmp_path, shard_bytes=shard_bytes)
    cut = [i for s in shards for i in read_shard(s, ReaderOptions())]
    assert cut == whole
    docs = [d for d in whole if isinstance(d, Document)]
    assert len({d.id for d in docs}) == len(docs)
    renamed = [d for d in docs if "#" in d.id]
    assert renamed and all(d.id.split("#")[0] == ids[d.meta["row"] - 1] for d in renamed)
    first = {d.meta["row"]: d.id for d in docs}
    assert all(first[d.meta["duplicate_id_of_row"]] == d.id.split("#")[0] for d in renamed)
