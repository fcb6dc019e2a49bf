"""The output layout: size-bounded files, compression and Parquet, the same bytes for any worker
count, read back by explain, refused or resumed by --resume."""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent / "executors"))

from corpus_helpers import make_corpus  # noqa: E402

from corpusclean.cli import explain_output, main  # noqa: E402
from corpusclean.errors import MissingExtraError, OutputError  # noqa: E402
from corpusclean.executors.driver import WORK_DIR  # noqa: E402
from corpusclean.outputs import (  # noqa: E402
    FILE_RE,
    Layout,
    existing_files,
    iter_rows,
    stream_files,
    write_stream,
)
from corpusclean.runner import clean_directory  # noqa: E402

SMALL = 2048  # bytes per shard: many shards from a small corpus
STREAMS = ("documents", "dropped", "rejects", "removals")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return make_corpus(tmp_path_factory.mktemp("corpus") / "in")


@pytest.fixture(scope="module")
def plain(corpus, tmp_path_factory):
    out = tmp_path_factory.mktemp("plain") / "o"
    clean_directory(corpus, out, shard_bytes=SMALL, report=False)
    return out


def record_files(out: Path) -> dict[str, bytes]:
    return {n: (out / n).read_bytes() for n in existing_files(out)}


def jsonl_rows(out: Path, stream: str) -> list[dict]:
    return [json.loads(line) for line in (out / f"{stream}.jsonl").read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize(("layout", "stream", "index", "name"), [
    (Layout(), "documents", None, "documents.jsonl"),
    (Layout(compress="gz"), "dropped", None, "dropped.jsonl.gz"),
    (Layout(compress="zst", max_bytes=10), "removals", 12, "removals-00012.jsonl.zst"),
    (Layout("parquet", max_bytes=10), "rejects", 0, "rejects-00000.parquet"),
    (Layout("parquet", "zst"), "documents", None, "documents.parquet"),
    (Layout(max_bytes=1), "documents", 123456, "documents-123456.jsonl"),
])
def test_file_names(layout, stream, index, name):
    assert layout.name(stream, index) == name
    assert FILE_RE.fullmatch(name)


@pytest.mark.parametrize("name", ["documents.json", "documents-1.jsonl", "report.html", "stats.json",
                                  "documents.jsonl.bz2", "other-00000.jsonl", "documents.parquet.gz"])
def test_other_names_are_not_record_files(name):
    assert not FILE_RE.fullmatch(name)


def test_a_bad_layout_names_every_problem():
    with pytest.raises(ValueError) as err:
        Layout("csv", "bz2", 0)
    assert all(w in str(err.value) for w in ("csv", "bz2", "max_bytes"))


@pytest.mark.parametrize("compress", [None, "gz", "zst"])
def test_split_files_hold_whole_rows_within_the_bound(plain, tmp_path, compress):
    parts = [plain / "documents.jsonl"]
    bound = 3000
    names = write_stream(parts, tmp_path, "documents", Layout(compress=compress, max_bytes=bound))
    assert len(names) > 3 and names[0] == Layout(compress=compress).name("documents", 0)
    data = b""
    for name in names:
        chunk = decompress((tmp_path / name).read_bytes(), compress)
        assert chunk.endswith(b"\n")
        assert len(chunk) <= bound or chunk.count(b"\n") == 1
        data += chunk
    assert data == (plain / "documents.jsonl").read_bytes()
    assert [json.loads(x) for x in data.splitlines()] == list(iter_rows(tmp_path, "documents"))


def decompress(data: bytes, compress: str | None) -> bytes:
    """With the decompressors' own readers, not ours."""
    if compress == "gz":
        return gzip.decompress(data)
    if compress == "zst":
        import zstandard

        return zstandard.ZstdDecompressor().decompressobj().decompress(data)
    return data


def test_an_empty_stream_is_one_empty_file(tmp_path):
    (tmp_path / "part").write_bytes(b"")
    for layout in (Layout(max_bytes=10), Layout("parquet"), Layout(compress="gz")):
        out = tmp_path / layout.suffix.strip(".")
        out.mkdir()
        assert write_stream([tmp_path / "part"], out, "rejects", layout) == [layout.name("rejects", 0 if layout.max_bytes else None)]
        assert list(iter_rows(out, "rejects")) == []


def _kernel_copy_fails_after(calls):
    """An ``os.copy_file_range`` that copies ``calls`` small chunks, then fails as it does
    between file systems it cannot copy across."""
    import errno
    import os

    left = [calls]

    def copy_range(src, dst, count):
        if left[0] == 0:
            raise OSError(errno.EXDEV, "cross-device")
        left[0] -= 1
        return os.write(dst, os.read(src, min(count, 3)))

    return copy_range


@pytest.mark.parametrize("kernel", ["real", "none", "fails_at_once", "fails_midway"])
def test_plain_parts_are_joined_whole(tmp_path, monkeypatch, kernel):
    import os

    parts = []
    for i, data in enumerate([b'{"a":1}\n', b"", b'{"b":"\xc3\xa9"}\n' * 1000, b'{"c":3}\n']):
        parts.append(tmp_path / f"part{i}")
        parts[-1].write_bytes(data)
    if kernel == "none":
        monkeypatch.delattr(os, "copy_file_range", raising=False)
    elif kernel != "real":
        monkeypatch.setattr(os, "copy_file_range", _kernel_copy_fails_after(0 if kernel == "fails_at_once" else 5),
                            raising=False)
    out = tmp_path / "out"
    out.mkdir()
    assert write_stream(parts, out, "documents", Layout()) == ["documents.jsonl"]
    assert (out / "documents.jsonl").read_bytes() == b"".join(p.read_bytes() for p in parts)
    assert sorted(q.name for q in out.iterdir()) == ["documents.jsonl"]


def test_gzip_bytes_depend_on_the_rows_alone(plain, tmp_path):
    names = write_stream([plain / "documents.jsonl"], tmp_path, "documents", Layout(compress="gz"))
    head = (tmp_path / names[0]).read_bytes()[:10]
    assert head[4:8] == b"\0\0\0\0"  # mtime 0
    assert not head[3] & 0x08  # no file name in the header


LAYOUTS = [Layout(compress="gz", max_bytes=4000), Layout(compress="zst", max_bytes=4000),
           Layout("parquet", max_bytes=4000), Layout("parquet", "zst")]


@pytest.mark.parametrize("layout", LAYOUTS, ids=lambda x: f"{x.format}-{x.compress}-{x.max_bytes}")
def test_one_and_two_workers_write_the_same_files(corpus, plain, tmp_path, layout):
    one = clean_directory(corpus, tmp_path / "one", workers=1, shard_bytes=SMALL, layout=layout, report=False)
    two = clean_directory(corpus, tmp_path / "two", workers=2, shard_bytes=SMALL, layout=layout, report=False)
    assert record_files(tmp_path / "one") == record_files(tmp_path / "two")
    assert one.stats.counts == two.stats.counts
    names = existing_files(tmp_path / "one")
    assert all(n.endswith(layout.suffix) for n in names)
    assert len(stream_files(tmp_path / "one", "documents")) >= (3 if layout.max_bytes else 1)
    for stream in STREAMS:  # the same rows as the plain layout, whatever the files
        assert list(iter_rows(tmp_path / "one", stream)) == jsonl_rows(plain, stream)
    assert list(explain_output(tmp_path / "one")) == list(explain_output(plain))


def test_parquet_reads_with_pyarrow_and_datasets(corpus, plain, tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    clean_directory(corpus, tmp_path / "o", shard_bytes=SMALL, layout=Layout("parquet", max_bytes=4000), report=False)
    files = [str(p) for p in stream_files(tmp_path / "o", "documents")]
    assert len(files) > 1
    table = pq.read_table(files[0])
    assert table.column_names == ["id", "text", "source", "metadata"]
    expected = jsonl_rows(plain, "documents")
    datasets = pytest.importorskip("datasets")
    ds = datasets.load_dataset("parquet", data_files={"train": files}, split="train",
                               cache_dir=str(tmp_path / "cache"))
    assert ds.column_names == ["id", "text", "source", "metadata"]
    assert ds["id"] == [r["id"] for r in expected]
    assert [json.loads(m) for m in ds["metadata"]] == [r["metadata"] for r in expected]
    removals = [str(p) for p in stream_files(tmp_path / "o", "removals")]
    rows = datasets.load_dataset("parquet", data_files=removals, split="train", cache_dir=str(tmp_path / "cache"))
    assert rows[0]["removed"][0].keys() >= {"line", "reason", "step", "text"}


def test_overwrite_with_another_layout_leaves_no_stale_file(corpus, tmp_path):
    out = tmp_path / "o"
    clean_directory(corpus, out, shard_bytes=SMALL, layout=Layout(max_bytes=2000), report=False)
    assert len(stream_files(out, "documents")) > 3
    with pytest.raises(OutputError, match="documents-00000.jsonl"):
        clean_directory(corpus, out, shard_bytes=SMALL, report=False)
    clean_directory(corpus, out, shard_bytes=SMALL, layout=Layout(max_bytes=6000), overwrite=True, report=False)
    names = existing_files(out)
    assert names == sorted(n for s in STREAMS for n in (p.name for p in stream_files(out, s)))
    clean_directory(corpus, out, shard_bytes=SMALL, overwrite=True, report=False)
    assert existing_files(out) == sorted(f"{s}.jsonl" for s in STREAMS)


class Stop(KeyboardInterrupt):
    pass


def test_an_interrupted_run_resumes_into_the_same_split_files(corpus, tmp_path):
    layout = Layout(compress="gz", max_bytes=3000)
    clean_directory(corpus, tmp_path / "whole", shard_bytes=SMALL, layout=layout, report=False)
    seen = []

    def stop_midway(item, outcome):
        seen.append(item)
        if len(seen) == 100:
            raise Stop

    out = tmp_path / "o"
    with pytest.raises(Stop):
        clean_directory(corpus, out, shard_bytes=SMALL, layout=layout, on_item=stop_midway, report=False)
    assert (out / WORK_DIR).is_dir()
    with pytest.raises(OutputError, match="other output options"):
        clean_directory(corpus, out, shard_bytes=SMALL, layout=Layout(compress="zst"), resume=True)
    clean_directory(corpus, out, shard_bytes=SMALL, layout=layout, resume=True, report=False)
    assert record_files(out) == record_files(tmp_path / "whole")
    # a finished run resumed with other output options is refused, not rewritten
    with pytest.raises(OutputError, match="finished run made with other output options"):
        clean_directory(corpus, out, shard_bytes=SMALL, resume=True)


def test_cli_options_and_explain_of_a_compressed_output(corpus, plain, tmp_path, capsys):
    out = tmp_path / "o"
    assert main(["clean", str(corpus), "-o", str(out), "-q", "--compress", "zst", "--max-output-mb", "1",
                 "--output-format", "jsonl", "--no-report"]) == 0
    assert existing_files(out) == sorted(f"{s}-00000.jsonl.zst" for s in STREAMS)
    assert not (out / "report.html").exists()
    stats = json.loads((out / "stats.json").read_text())
    assert stats["run"]["output"] == {"format": "jsonl", "compress": "zst", "max_bytes": 1024 * 1024}
    assert stats["counts"]["bytes.out"] == (out / "documents-00000.jsonl.zst").stat().st_size
    assert main(["explain", str(out), "--id", "d0-1"]) == 0
    assert capsys.readouterr().out.startswith("# d0-1  kept")


def test_a_missing_extra_is_named_before_anything_is_written(corpus, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "zstandard", None)
    with pytest.raises(MissingExtraError, match=r"corpusclean\[zstd\]"):
        clean_directory(corpus, tmp_path / "o", layout=Layout(compress="zst"))
    assert not (tmp_path / "o").exists()


@given(st.lists(st.binary(min_size=0, max_size=40).map(lambda b: json.dumps(b.hex()).encode() + b"\n"),
                max_size=30), st.integers(1, 200))
def test_cut_points_keep_every_row_once_in_order(rows, bound):
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        part = Path(d) / "part"
        part.write_bytes(b"".join(rows))
        out = Path(d) / "o"
        out.mkdir()
        names = write_stream([part], out, "rejects", Layout(max_bytes=bound))
        chunks = [(out / n).read_bytes() for n in names]
        assert b"".join(chunks) == b"".join(rows)
        assert all(len(c) <= bound or c.count(b"\n") == 1 for c in chunks)
        # a file is cut only where the next row would not fit
        for a, b in zip(chunks, chunks[1:]):
            assert len(a) + len(b.split(b"\n", 1)[0]) + 1 > bound


def test_parquet_row_groups_are_bounded_by_bytes(plain, tmp_path, monkeypatch):
    pq = pytest.importorskip("pyarrow.parquet")
    from corpusclean import outputs

    monkeypatch.setattr(outputs, "ROW_GROUP_BYTES", 5000)
    [name] = write_stream([plain / "documents.jsonl"], tmp_path, "documents", Layout("parquet"))
    size = (plain / "documents.jsonl").stat().st_size
    assert pq.ParquetFile(tmp_path / name).num_row_groups >= size // 5000 // 2
    assert list(iter_rows(tmp_path, "documents")) == jsonl_rows(plain, "documents")
