"""Input and output given as URLs, against a real S3-compatible server on loopback (moto in
server mode, started by the tests): the bytes of a local run, for any worker count, after a
killed run resumed from the store, and clear errors for what cannot be reached."""

import gzip
import json
import os
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "executors"))

from corpus_helpers import make_corpus, output_bytes, registry  # noqa: E402
from readers.warc_fixtures import crawl, gzip_members  # noqa: E402
from store_helpers import kill_a_run, s3_server, slow_pipeline, work_markers  # noqa: E402

from corpusclean import Pipeline, Step  # noqa: E402
from corpusclean.cli import main  # noqa: E402
from corpusclean.errors import MissingExtraError, OutputError  # noqa: E402
from corpusclean.executors.shards import plan_shards  # noqa: E402
from corpusclean.outputs import Layout  # noqa: E402
from corpusclean.readers import ReaderOptions  # noqa: E402
from corpusclean.remote import parse_storage_options  # noqa: E402
from corpusclean.runner import OUTPUT_FILES, REPORT_FILE, clean_directory  # noqa: E402


@pytest.fixture(scope="module")
def s3():
    with s3_server() as server:
        yield server


def corpus_pipeline():
    return Pipeline([Step("encoding.fix_mojibake"), Step("encoding.normalize"), Step("test.site_repeats", k=3),
                     Step("test.drop_short", min_chars=15), Step("test.keep_first")], registry=registry())


def corpus(root):
    """The executors' generated corpus, plus a gzip-compressed JSONL file big enough to be cut,
    a file no reader takes and a hidden one (counted and passed over as in a directory)."""
    src = make_corpus(root, files=2, docs=40)
    (src / "notes.md").write_text("# not read\n")
    (src / ".hidden.txt").write_text("never read\n")
    lines = [json.dumps({"id": f"g{i}", "text": f"line {i} of the river past the mills\nAccept cookies"})
             for i in range(120)]
    (src / "sub").mkdir()
    (src / "sub" / "big.jsonl.gz").write_bytes(gzip.compress(("\n".join(lines) + "\n").encode(), mtime=0))
    return src


SHARD = 1500


def test_plan_of_a_url_is_the_plan_of_the_directory(s3, tmp_path):
    src = corpus(tmp_path / "in")
    url = s3.upload(src, f"s3://{s3.bucket()}/in")
    options = ReaderOptions(storage_options=s3.options)
    local = plan_shards(src, options, shard_bytes=SHARD)
    remote = plan_shards(url, options, shard_bytes=SHARD)

    def shape(shards):
        return [[(u.rel, u.start, u.end, u.first_line, u.carried, u.id_room, u.compression, u.row_groups)
                 for u in s.units] for s in shards]

    assert shape(remote) == shape(local)
    units = [u for s in remote for u in s.units]
    assert any(u.compression == "gzip" and u.is_range for u in units) and \
        any(u.is_range and not u.compression for u in units)
    assert all(u.path.startswith(url + "/") and u.listed for u in units)


@pytest.mark.parametrize("where", ["s3-to-s3", "s3-to-local", "local-to-s3"])
def test_urls_write_the_bytes_of_the_local_run(s3, tmp_path, where):
    src = corpus(tmp_path / "in")
    clean_directory(src, tmp_path / "local", corpus_pipeline(), shard_bytes=SHARD)
    bucket = s3.bucket()
    inp = s3.upload(src, f"s3://{bucket}/in") if where.startswith("s3") else src
    out = f"s3://{bucket}/out" if where.endswith("s3") else tmp_path / "out"
    summary = clean_directory(inp, out, corpus_pipeline(), shard_bytes=SHARD, storage_options=s3.options)
    got = s3.download(out, tmp_path / "got") if isinstance(out, str) else out
    assert output_bytes(got) == output_bytes(tmp_path / "local")
    assert summary.stats.counts["documents.kept"] > 0 and summary.stats.counts["unsupported..md"] == 1
    if isinstance(out, str):
        assert s3.keys(out) == sorted([*OUTPUT_FILES, REPORT_FILE])  # no work directory, no temporary key


def test_a_url_of_one_object_is_that_file(s3, tmp_path):
    src = make_corpus(tmp_path / "in", files=1, docs=30)
    clean_directory(src / "part0.jsonl", tmp_path / "local", corpus_pipeline(), shard_bytes=SHARD)
    inp = s3.upload(src, f"s3://{s3.bucket()}/in")
    clean_directory(f"{inp}/part0.jsonl", tmp_path / "out", corpus_pipeline(), shard_bytes=SHARD,
                    storage_options=s3.options)
    assert output_bytes(tmp_path / "out") == output_bytes(tmp_path / "local")


def test_one_and_two_workers_write_the_same_bytes(s3, tmp_path):
    bucket = s3.bucket()
    inp = s3.upload(corpus(tmp_path / "in"), f"s3://{bucket}/in")
    for n in (1, 2):
        clean_directory(inp, f"s3://{bucket}/out{n}", corpus_pipeline(), shard_bytes=SHARD, workers=n,
                        storage_options=s3.options)
    assert output_bytes(s3.download(f"s3://{bucket}/out1", tmp_path / "o1")) == \
        output_bytes(s3.download(f"s3://{bucket}/out2", tmp_path / "o2"))


def test_options_from_the_environment_reach_the_store(s3, tmp_path, monkeypatch):
    s3fs = pytest.importorskip("s3fs")
    src = make_corpus(tmp_path / "in", files=1, docs=20)
    bucket = s3.bucket()
    inp = s3.upload(src, f"s3://{bucket}/in/")
    monkeypatch.setenv("AWS_ENDPOINT_URL", s3.endpoint)  # botocore's own; credentials: the fixture's
    s3fs.S3FileSystem.clear_instance_cache()  # none made before without options, pointing elsewhere
    try:
        clean_directory(inp, f"s3://{bucket}/out", corpus_pipeline(), shard_bytes=SHARD)
        clean_directory(inp, f"s3://{bucket}/out/", corpus_pipeline(), shard_bytes=SHARD, resume=True)
    finally:
        s3fs.S3FileSystem.clear_instance_cache()
    clean_directory(src, tmp_path / "local", corpus_pipeline(), shard_bytes=SHARD)
    assert output_bytes(s3.download(f"s3://{bucket}/out", tmp_path / "got")) == output_bytes(tmp_path / "local")


def test_file_urls_are_local_paths(tmp_path):
    src = make_corpus(tmp_path / "in", files=1, docs=20)
    clean_directory(src, tmp_path / "local", corpus_pipeline(), shard_bytes=SHARD)
    clean_directory(f"file://{src}", f"file://{tmp_path / 'out'}", corpus_pipeline(), shard_bytes=SHARD)
    assert output_bytes(tmp_path / "out") == output_bytes(tmp_path / "local")


def test_a_corrupt_object_is_one_reject_and_the_run_goes_on(s3, tmp_path):
    src = make_corpus(tmp_path / "in", files=1, docs=20)
    (src / "broken.jsonl.gz").write_bytes(b"\x1f\x8b\x08\x00 this is not a gzip stream")
    clean_directory(src, tmp_path / "local", corpus_pipeline(), shard_bytes=SHARD)
    bucket = s3.bucket()
    clean_directory(s3.upload(src, f"s3://{bucket}/in"), f"s3://{bucket}/out", corpus_pipeline(),
                    shard_bytes=SHARD, storage_options=s3.options)
    got = s3.download(f"s3://{bucket}/out", tmp_path / "got")
    assert output_bytes(got) == output_bytes(tmp_path / "local")
    rejects = [json.loads(line) for line in (got / "rejects.jsonl").read_text().splitlines()]
    broken = [r for r in rejects if r["source"] == "broken.jsonl.gz"]
    assert [r["reason"] for r in broken] == ["read.bad_gzip"]
    assert (got / "documents.jsonl").read_text().count("\n") > 10


# -- every input format, every output layout ----------------------------------------------------


def formats_corpus(root):
    """One file of each format and codec the readers take, the large ones big enough to be cut:
    JSONL ranges of a zstd, a bz2 and an xz file, WARC ranges of a .warc.gz and a .warc, Parquet
    row groups (ids repeated across them); a small WARC and Parquet file read whole, and small
    compressed text and HTML."""
    import bz2
    import lzma

    zstd = pytest.importorskip("zstandard")
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    pytest.importorskip("fastwarc")
    root.mkdir(parents=True)
    lines = "".join(json.dumps({"id": f"j{i % 50}", "text": f"Line {i} of the river past mill {i % 7}.\nAccept cookies"})
                    + "\n" for i in range(150)).encode()
    (root / "big.jsonl.zst").write_bytes(zstd.ZstdCompressor().compress(lines))
    (root / "big.jsonl.bz2").write_bytes(bz2.compress(lines))
    (root / "big.jsonl.xz").write_bytes(lzma.compress(lines))
    (root / "crawl.warc.gz").write_bytes(gzip_members(crawl(12)))
    (root / "plain.warc").write_bytes(b"".join(crawl(6, site="port.example.net")))
    rows = [f"Row {i} tells of boat {i * 7919 % 1000} in the harbour of town {i % 13}." for i in range(120)]
    pq.write_table(pa.table({"id": [f"r{i % 40}" for i in range(120)], "text": rows}), root / "rows.parquet",
                   row_group_size=10)
    (root / "one.warc.gz").write_bytes(gzip_members(crawl(1, site="inn.example.com")[2:3]))  # one page
    pq.write_table(pa.table({"text": ["A small table of one row, read whole."]}), root / "small.parquet")
    page = b"<html><head><title>Mill</title></head><body><p>The old mill grinds wheat again.</p></body></html>"
    (root / "page.html.xz").write_bytes(lzma.compress(page))
    (root / "note.txt.gz").write_bytes(gzip.compress(b"A note on the harbour wall, in chalk.\n", mtime=0))
    return root


def test_every_input_format_from_a_url_is_read_as_from_a_directory(s3, tmp_path):
    src = formats_corpus(tmp_path / "in")
    url = s3.upload(src, f"s3://{s3.bucket()}/in")
    options = ReaderOptions(storage_options=s3.options)
    units = [u for s in plan_shards(url, options, shard_bytes=SHARD) for u in s.units]
    local = [u for s in plan_shards(src, options, shard_bytes=SHARD) for u in s.units]
    assert [(u.rel, u.start, u.end, u.carried, u.compression, u.row_groups) for u in units] == \
        [(u.rel, u.start, u.end, u.carried, u.compression, u.row_groups) for u in local]
    cut = {(u.rel, u.compression) for u in units if u.is_range}
    assert {("big.jsonl.zst", "zstd"), ("big.jsonl.bz2", "bz2"), ("big.jsonl.xz", "xz"),
            ("crawl.warc.gz", "gzip"), ("plain.warc", "")} <= cut
    assert sum(1 for u in units if u.row_groups) > 1
    clean_directory(src, tmp_path / "local", corpus_pipeline(), shard_bytes=SHARD)
    summary = clean_directory(url, tmp_path / "out", corpus_pipeline(), shard_bytes=SHARD, workers=2,
                              storage_options=s3.options)
    assert output_bytes(tmp_path / "out") == output_bytes(tmp_path / "local")
    assert summary.stats.counts["warc.skipped.request"] == 18  # passed over, counted as locally
    assert not (tmp_path / "out" / "rejects.jsonl").read_bytes()  # every format read, nothing refused
    sources = {json.loads(line)["source"] for name in ("documents.jsonl", "dropped.jsonl")
               for line in (tmp_path / "out" / name).read_text().splitlines()}
    assert {"big.jsonl.zst", "big.jsonl.bz2", "big.jsonl.xz", "crawl.warc.gz", "plain.warc", "rows.parquet",
            "page.html.xz", "note.txt.gz", "one.warc.gz", "small.parquet"} <= sources
    assert not any(u.is_range or u.row_groups for u in units if u.rel in ("one.warc.gz", "small.parquet"))


def layout_files(out):
    """Every final file of an output in any layout but the report (its timings vary), with
    ``stats.json`` as :func:`output_bytes` gives it (no run-dependent fields)."""
    from corpusclean.stats import RUN_FIELDS

    files = {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.is_file() and p.name != REPORT_FILE}
    stats = json.loads(files["stats.json"])
    files["stats.json"] = json.dumps({k: v for k, v in stats.items() if k not in RUN_FIELDS}).encode()
    return files


@pytest.mark.parametrize("layout", [Layout("jsonl", "gz", 2000), Layout("parquet")],
                         ids=["split-gz", "parquet"])
def test_output_layouts_to_a_url_are_the_local_layout(s3, tmp_path, layout):
    pytest.importorskip("pyarrow")
    src = corpus(tmp_path / "in")
    clean_directory(src, tmp_path / "local", corpus_pipeline(), shard_bytes=SHARD, layout=layout)
    out = f"s3://{s3.bucket()}/out"
    summary = clean_directory(src, out, corpus_pipeline(), shard_bytes=SHARD, layout=layout,
                              storage_options=s3.options)
    local = layout_files(tmp_path / "local")
    assert layout_files(s3.download(out, tmp_path / "got")) == local
    assert s3.keys(out) == sorted([*local, REPORT_FILE])  # the report too; no work directory
    assert sorted(str(f).rsplit("/", 1)[-1] for f in summary.files) == sorted([*local, REPORT_FILE])
    if layout.max_bytes:
        assert sum(n.startswith("documents-") for n in local) > 1
    # Another layout over it: the files of the earlier one go, as from a directory.
    with pytest.raises(OutputError, match="already holds corpusclean output"):
        clean_directory(src, out, corpus_pipeline(), shard_bytes=SHARD, storage_options=s3.options)
    clean_directory(src, out, corpus_pipeline(), shard_bytes=SHARD, overwrite=True, storage_options=s3.options)
    assert s3.keys(out) == sorted([*OUTPUT_FILES, REPORT_FILE])


# -- resume ---------------------------------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "killpg"), reason="needs POSIX process groups")
def test_a_killed_run_resumes_from_the_store(s3, tmp_path):
    src = make_corpus(tmp_path / "in", files=2, docs=40)
    clean_directory(src, tmp_path / "whole", slow_pipeline(), shard_bytes=SHARD)
    bucket = s3.bucket()
    inp, out = s3.upload(src, f"s3://{bucket}/in"), f"s3://{bucket}/out"
    # Each driver on its own disk (its own TMPDIR): only the store is shared between them.
    assert kill_a_run(s3, inp, out, SHARD, tmp_path / "machine0", "p0", 2)
    assert kill_a_run(s3, inp, out, SHARD, tmp_path / "machine1", "p2", 1)
    assert work_markers(s3, out, "p") >= 3
    assert not {*OUTPUT_FILES, REPORT_FILE} & set(s3.keys(out))  # no final key before the run is complete
    clean_directory(inp, out, slow_pipeline(), shard_bytes=SHARD, resume=True, storage_options=s3.options)
    assert output_bytes(s3.download(out, tmp_path / "got")) == output_bytes(tmp_path / "whole")
    assert s3.keys(out) == sorted([*OUTPUT_FILES, REPORT_FILE])


def test_resume_refuses_another_run_and_overwrite_starts_again(s3, tmp_path):
    src = make_corpus(tmp_path / "in", files=1, docs=20)
    bucket = s3.bucket()
    inp, out = s3.upload(src, f"s3://{bucket}/in"), f"s3://{bucket}/out"
    clean_directory(inp, out, corpus_pipeline(), shard_bytes=SHARD, storage_options=s3.options)
    with pytest.raises(OutputError, match="already holds corpusclean output"):
        clean_directory(inp, out, corpus_pipeline(), shard_bytes=SHARD, storage_options=s3.options)
    with pytest.raises(OutputError, match="another pipeline"):
        clean_directory(inp, out, Pipeline.default(), shard_bytes=SHARD, resume=True, storage_options=s3.options)
    again = clean_directory(inp, out, corpus_pipeline(), shard_bytes=SHARD, resume=True, storage_options=s3.options)
    assert again.stats.counts["documents.kept"] > 0  # the finished run, found and left as it was
    clean_directory(inp, out, Pipeline.default(), shard_bytes=SHARD, overwrite=True, storage_options=s3.options)
    clean_directory(src, tmp_path / "local", Pipeline.default(), shard_bytes=SHARD)
    assert output_bytes(s3.download(out, tmp_path / "got")) == output_bytes(tmp_path / "local")


# -- the command line and its errors -------------------------------------------------------------


def storage_flags(s3):
    return [f"--storage-option={k}={v}" for k, v in s3.options.items()]


def test_cli_cleans_a_bucket_into_a_bucket(s3, tmp_path, capsys):
    src = make_corpus(tmp_path / "in", files=1, docs=20)
    bucket = s3.bucket()
    inp = s3.upload(src, f"s3://{bucket}/in")
    code = main(["clean", inp, "-o", f"s3://{bucket}/out", "--workers", "1", "-q", *storage_flags(s3)])
    assert code == 0
    assert main(["clean", str(src), "-o", str(tmp_path / "local"), "--workers", "1", "-q"]) == 0
    assert output_bytes(s3.download(f"s3://{bucket}/out", tmp_path / "got")) == output_bytes(tmp_path / "local")


@pytest.mark.parametrize(("args", "message"), [
    (["s3://no-such-bucket-x/in", "-o", "OUT"], "does not exist"),
    (["IN", "-o", "s3://no-such-bucket-x/out"], "bucket"),
    (["s3://BUCKET/in", "-o", "s3://BUCKET/in/out"], "inside the input"),
    (["nosuchproto://x/in", "-o", "OUT"], "nosuchproto"),
    (["s3://", "-o", "OUT"], "names no bucket"),
    (["IN", "-o", "s3:///"], "names no bucket"),
    (["IN", "-o", "OUT", "--storage-option", "endpoint_url"], "KEY=VALUE"),
])
def test_what_cannot_be_reached_is_a_usage_error(s3, tmp_path, capsys, args, message):
    src = make_corpus(tmp_path / "in", files=1, docs=5)
    bucket = s3.bucket()
    s3.upload(src, f"s3://{bucket}/in")
    words = [a.replace("BUCKET", bucket).replace("OUT", str(tmp_path / "out")).replace("IN", str(src))
             if not a.startswith("s3://no-such") else a for a in args]
    assert main(["clean", *words, "-q", *storage_flags(s3)]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_a_missing_extra_is_a_usage_error(monkeypatch, tmp_path, capsys):
    monkeypatch.setitem(sys.modules, "fsspec", None)
    monkeypatch.setitem(sys.modules, "fsspec.core", None)
    with pytest.raises(MissingExtraError, match=r"corpusclean\[remote\]"):
        clean_directory("s3://bucket/in", tmp_path / "out")
    assert main(["clean", "s3://bucket/in", "-o", str(tmp_path / "out"), "-q"]) == 2
    assert "corpusclean[remote]" in capsys.readouterr().err


def test_a_missing_protocol_package_names_the_extra(monkeypatch, tmp_path):
    fsspec_registry = pytest.importorskip("fsspec.registry")
    monkeypatch.delitem(fsspec_registry._registry, "s3", raising=False)
    monkeypatch.setitem(sys.modules, "s3fs", None)
    with pytest.raises(MissingExtraError, match=r"corpusclean\[remote\]"):
        clean_directory("s3://bucket/in", tmp_path / "out")


@pytest.mark.parametrize(("pairs", "expected"), [
    (["anon=true"], {"anon": True}),
    (["endpoint_url=http://127.0.0.1:9000"], {"endpoint_url": "http://127.0.0.1:9000"}),
    (["client_kwargs.region_name=eu-west-1", "client_kwargs.verify=false"],
     {"client_kwargs": {"region_name": "eu-west-1", "verify": False}}),
    (["profile=dev", "default_block_size=1048576"], {"profile": "dev", "default_block_size": 1048576}),
    (["token=a=b"], {"token": "a=b"}),
])
def test_storage_options_parse(pairs, expected):
    assert parse_storage_options(pairs) == expected


def test_storage_options_refuse_a_key_with_a_value_and_keys():
    from corpusclean.errors import InputError

    with pytest.raises(InputError, match="client_kwargs"):
        parse_storage_options(["client_kwargs=1", "client_kwargs.x=2"])
