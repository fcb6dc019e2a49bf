"""Compressed input: .gz, .bz2, .xz and .zst read the same as the plain file, wherever a plain
file is read (text, HTML, JSONL and its range shards); a broken stream is a located
``read.bad_<codec>`` reject and the run goes on."""

from __future__ import annotations

import bz2
import gzip
import importlib.util
import io
import lzma
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpusclean.document import Document
from corpusclean.errors import MissingExtraError
from corpusclean.executors.shards import compressed_split_points, plan_shards, read_shard, split_points
from corpusclean.readers import ReaderOptions, Reject, read_file
from corpusclean.readers.compression import codec_of, open_stream


def zstd_compress(data: bytes) -> bytes:
    zstandard = pytest.importorskip("zstandard")
    return zstandard.ZstdCompressor().compress(data)


PACK = {
    "gz": lambda b: gzip.compress(b, mtime=0),
    "bz2": bz2.compress,
    "xz": lzma.compress,
    "zst": zstd_compress,
}
CODEC = {"gz": "gzip", "bz2": "bz2", "xz": "xz", "zst": "zstd"}

TEXT = "Die Straße führt über die Brücke.\nZweite Zeile mit Inhalt.\n"
HTML = "<html><head><title>T</title></head><body><p>Der Hafen ist wieder offen.</p></body></html>"
JSONL = "".join(f'{{"id": "r{i}", "text": "record number {i} of the file"}}\n' for i in range(200))


def read(tmp_path: Path, name: str, data: bytes, **opts: object) -> list[Document | Reject]:
    path = tmp_path / name
    path.write_bytes(data)
    return list(read_file(path, name, ReaderOptions(**opts)))  # type: ignore[arg-type]


def view(items: list[Document | Reject]) -> list[object]:
    """What must not depend on the compression: texts, ids, rejects (the source name aside)."""
    return [(i.reason, i.line, i.offset) if isinstance(i, Reject) else (i.id.split(".")[0], i.text) for i in items]


@pytest.mark.parametrize("ext", PACK)
@pytest.mark.parametrize(("inner", "content"), [("txt", TEXT), ("html", HTML), ("jsonl", JSONL)])
def test_compressed_reads_as_plain(tmp_path, ext, inner, content):
    data = content.encode("utf-8")
    plain = read(tmp_path, f"a.{inner}", data)
    packed = read(tmp_path, f"a.{inner}.{ext}", PACK[ext](data))
    assert view(packed) == view(plain) and all(isinstance(i, Document) for i in packed)


@pytest.mark.parametrize("ext", PACK)
@pytest.mark.parametrize("inner", ["txt", "html"])
def test_a_cut_or_foreign_stream_is_one_reject(tmp_path, ext, inner):
    whole = PACK[ext]((TEXT * 400).encode())
    assert [i.reason for i in read(tmp_path, f"cut.{inner}.{ext}", whole[: len(whole) // 2])] == [f"read.bad_{CODEC[ext]}"]
    assert [i.reason for i in read(tmp_path, f"foreign.{inner}.{ext}", b"plain text, not compressed at all")] == [
        f"read.bad_{CODEC[ext]}"]


@pytest.mark.parametrize("ext", ["gz", "xz", "zst"])  # bz2 loses its whole last block (up to 900 kB)
def test_a_cut_jsonl_keeps_the_lines_before_and_says_where(tmp_path, ext):
    rows = "".join(f'{{"id": "r{i}", "text": "record {i * 7919 % 10007} of the file"}}\n' for i in range(12000))
    whole = PACK[ext](rows.encode())  # zstd gives a block's text (up to 128 KiB) only once it is whole
    items = read(tmp_path, f"cut.jsonl.{ext}", whole[: len(whole) * 3 // 4])
    assert isinstance(items[-1], Reject) and items[-1].reason == f"read.bad_{CODEC[ext]}"
    docs = items[:-1]
    assert docs and all(isinstance(d, Document) for d in docs)
    assert items[-1].line == len(docs) + 1 and items[-1].offset == len("".join(rows.splitlines(True)[: len(docs)]).encode())


@pytest.mark.parametrize("ext", PACK)
def test_a_bomb_stops_at_the_limit(tmp_path, ext):
    assert [i.reason for i in read(tmp_path, f"bomb.txt.{ext}", PACK[ext](b"a" * 3_000_000), max_bytes=1_000_000)] == [
        "read.too_large"]


def test_without_zstandard_a_zst_file_is_a_reject_naming_the_extra(tmp_path, monkeypatch):
    data = zstd_compress(JSONL.encode())
    monkeypatch.setitem(sys.modules, "zstandard", None)
    for name in ("a.jsonl.zst", "b.txt.zst"):
        items = read(tmp_path, name, data)
        assert [i.reason for i in items] == ["read.missing_extra"] and "corpusclean[zstd]" in items[0].message
    with pytest.raises(MissingExtraError, match=r"corpusclean\[zstd\]"):
        open_stream(io.BytesIO(data), "zstd")


@pytest.mark.parametrize(("name", "expected"), [
    ("a.jsonl.gz", ("a.jsonl", "gzip")), ("a.JSONL.BZ2", ("a.JSONL", "bz2")), ("a.txt.xz", ("a.txt", "xz")),
    ("a.html.zst", ("a.html", "zstd")), ("a.html.zstd", ("a.html", "zstd")), ("a.lz4", ("a.lz4", None)),
    ("a.tar", ("a.tar", None)),
])
def test_codec_of(name, expected):
    assert codec_of(name) == expected


# -- zstd frames ---------------------------------------------------------------------------------

@settings(max_examples=60, deadline=None)
@given(parts=st.lists(st.binary(min_size=0, max_size=3000), min_size=1, max_size=4), cut=st.floats(0.0, 1.0))
def test_zstd_frames_read_in_a_row_and_a_cut_inside_one_raises(parts, cut):
    zstandard = pytest.importorskip("zstandard")
    frames = [zstandard.ZstdCompressor().compress(p) for p in parts]
    data = b"".join(frames)
    assert open_stream(io.BytesIO(data), "zstd").read() == b"".join(parts)
    last = sum(len(f) for f in frames[:-1])
    at = last + 1 + int(cut * (len(frames[-1]) - 2))  # strictly inside the last frame
    with pytest.raises(EOFError):
        open_stream(io.BytesIO(data[:at]), "zstd").read()


# -- range shards of compressed JSONL -----------------------------------------------------------

@pytest.mark.parametrize("ext", PACK)
def test_compressed_cut_points_are_those_of_the_decompressed_bytes(tmp_path, ext):
    data = JSONL.encode()
    (tmp_path / "plain.jsonl").write_bytes(data)
    (tmp_path / f"f.jsonl.{ext}").write_bytes(PACK[ext](data))
    got = compressed_split_points(tmp_path / f"f.jsonl.{ext}", 700, CODEC[ext])
    assert got == (split_points(tmp_path / "plain.jsonl", len(data), 700), len(data))


@pytest.mark.parametrize("ext", PACK)
def test_range_shards_of_a_compressed_jsonl_read_as_the_whole_file(tmp_path, ext):
    rows = JSONL + '{"id": "r3", "text": "a repeated id after the cuts"}\n{"broken\n'
    (tmp_path / f"big.jsonl.{ext}").write_bytes(PACK[ext](rows.encode()))
    shards = plan_shards(tmp_path, shard_bytes=1500)
    units = [u for s in shards for u in s.units]
    assert len(units) > 3 and all(u.is_range and u.compression == CODEC[ext] for u in units)
    whole = list(read_file(tmp_path / f"big.jsonl.{ext}", f"big.jsonl.{ext}"))
    cut = [i for s in shards for i in read_shard(s, ReaderOptions())]
    assert cut == whole


def test_a_compressed_jsonl_that_breaks_off_is_read_whole(tmp_path):
    whole = lzma.compress(JSONL.encode())
    (tmp_path / "big.jsonl.xz").write_bytes(whole[: len(whole) // 2])
    shards = plan_shards(tmp_path, shard_bytes=1500)
    assert [u.is_range for s in shards for u in s.units] == [False]
    items = [i for s in shards for i in read_shard(s, ReaderOptions())]
    assert isinstance(items[-1], Reject) and items[-1].reason == "read.bad_xz"


def test_a_run_names_the_missing_extra_once_and_goes_on(tmp_path, monkeypatch, caplog):
    from corpusclean.runner import clean_directory

    src = tmp_path / "in"
    src.mkdir()
    (src / "a.jsonl.zst").write_bytes(b"\x28\xb5\x2f\xfd not really")
    (src / "b.jsonl.zst").write_bytes(b"\x28\xb5\x2f\xfd not really")
    (src / "c.txt").write_text("The ferry left the harbour at noon with forty passengers aboard.\n")
    monkeypatch.setitem(sys.modules, "zstandard", None)
    find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "zstandard" else find_spec(name, *a))
    summary = clean_directory(src, tmp_path / "out")
    assert summary.stats.counts["rejected.read.missing_extra"] == 2 and summary.stats.counts["documents.kept"] == 1
    warnings = [r.getMessage() for r in caplog.records if "missing_extra" in r.getMessage()]
    assert warnings == ["files rejected for want of an extra (read.missing_extra): zstd 2; pip install 'corpusclean[zstd]'"]
