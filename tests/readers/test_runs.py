"""Runs over the new inputs: the same bytes for one and two workers, and a stopped run resumed
to the same output; skipped WARC records are counted in stats.json."""

from __future__ import annotations

import bz2
import json
import lzma
from pathlib import Path

from collections import Counter

import pytest
from corpus_helpers import output_bytes

from corpusclean.cli import main
from corpusclean.executors.driver import WORK_DIR
from corpusclean.readers import ReaderOptions, Reject, read_file
from corpusclean.runner import clean_directory

from .warc_fixtures import crawl, gzip_members, record

pytest.importorskip("fastwarc")
zstandard = pytest.importorskip("zstandard")
pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

SMALL = 4096  # bytes per shard: the big files are cut


def sentence(i: int) -> str:
    return f"Report {i}: the ferry to island {i % 13} left at {i % 24} o'clock with {i * 7 % 90} passengers aboard."


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("inputs") / "in"
    (root / "crawl").mkdir(parents=True)
    (root / "crawl" / "a.warc.gz").write_bytes(gzip_members(crawl(12, site="port.example.org")))
    wet = [record("warcinfo", b"software: test\r\n")] + [
        record("conversion", f"{sentence(i)}\n{sentence(i + 1)}\n".encode(), uri=f"https://w{i % 3}.example.org/{i}",
               rid=f"<urn:uuid:wet-{i}>") for i in range(10)]
    (root / "crawl" / "b.warc.wet.gz").write_bytes(gzip_members(wet))
    cut = gzip_members(crawl(6, site="cut.example.org"))
    (root / "crawl" / "c.warc.gz").write_bytes(cut[: len(cut) * 2 // 3])
    rows = "".join(json.dumps({"id": f"z{i}", "text": sentence(i), "lang": "en"}) + "\n" for i in range(300))
    (root / "big.jsonl.zst").write_bytes(zstandard.ZstdCompressor().compress(rows.encode()))
    (root / "small.jsonl.bz2").write_bytes(bz2.compress(rows[:2000].replace('"z', '"s').encode()))
    (root / "note.txt.xz").write_bytes(lzma.compress(("\n".join(sentence(i) for i in range(5)) + "\n").encode()))
    table = pa.table({"id": [f"p{i}" for i in range(200)], "text": [sentence(1000 + i) for i in range(200)],
                      "year": [2000 + i % 20 for i in range(200)]})
    pq.write_table(table, root / "table.parquet", row_group_size=20)
    pq.write_table(pa.table({"body": ["no text column here"]}), root / "other.parquet")
    return root


def test_one_and_two_workers_write_the_same_bytes(inputs, tmp_path):
    one = clean_directory(inputs, tmp_path / "one", workers=1, shard_bytes=SMALL)
    two = clean_directory(inputs, tmp_path / "two", workers=2, shard_bytes=SMALL)
    assert output_bytes(tmp_path / "one") == output_bytes(tmp_path / "two")
    counts = one.stats.counts
    assert counts == two.stats.counts
    cut: Counter[str] = Counter()
    broken = [i for i in read_file(inputs / "crawl" / "c.warc.gz", "c.warc.gz", ReaderOptions(), cut)
              if isinstance(i, Reject)]
    assert 0 < cut["warc.skipped.request"] < 6 and len(broken) == 1  # the cut WARC: one reject
    assert counts[f"rejected.{broken[0].reason}"] == 1
    assert counts["warc.skipped.request"] == 12 + cut["warc.skipped.request"] and counts["warc.skipped.warcinfo"] == 3
    assert counts["warc.skipped.non_html"] == 1 and counts["rejected.parquet.no_text_column"] == 1
    assert counts["documents.in"] >= 12 + 10 + 300 + 200 + 1


def test_the_records_say_where_they_came_from(inputs, tmp_path):
    clean_directory(inputs, tmp_path / "o", shard_bytes=SMALL)
    records = [json.loads(x) for name in ("documents.jsonl", "dropped.jsonl")
               for x in (tmp_path / "o" / name).read_text().splitlines()]
    by_id = {r["id"]: r for r in records}
    page = by_id["<urn:uuid:00000003-0000-0000-0000-000000000016>"]["metadata"]
    assert page["format"] == "warc" and page["url"] == "https://www.port.example.org/story/3"
    assert page["warc_date"] == "2024-05-03T10:00:00Z" and page["text_format"] == "html"
    assert by_id["p7"]["metadata"]["format"] == "parquet" and by_id["p7"]["metadata"]["input_metadata"] == {"year": 2007}
    assert by_id["z5"]["source"] == "big.jsonl.zst"
    rejects = [json.loads(x) for x in (tmp_path / "o" / "rejects.jsonl").read_text().splitlines()]
    assert {r["source"] for r in rejects} == {"crawl/c.warc.gz", "other.parquet", "small.jsonl.bz2"}  # its last line is cut
    assert all("offset" in r for r in rejects if r["source"].endswith(".warc.gz"))


class Stop(Exception):
    pass


def test_a_stopped_run_resumes_to_the_same_output(inputs, tmp_path):
    clean_directory(inputs, tmp_path / "whole", shard_bytes=SMALL)
    seen = []

    def stop_midway(item, outcome):
        seen.append(item)
        if len(seen) == 260:
            raise Stop

    with pytest.raises(Stop):
        clean_directory(inputs, tmp_path / "o", workers=1, shard_bytes=SMALL, on_item=stop_midway)
    assert (tmp_path / "o" / WORK_DIR).exists()
    clean_directory(inputs, tmp_path / "o", workers=1, shard_bytes=SMALL, resume=True)
    assert output_bytes(tmp_path / "o") == output_bytes(tmp_path / "whole")


def test_the_cli_reads_the_new_inputs(inputs, tmp_path, capsys):
    assert main(["clean", str(inputs), "-o", str(tmp_path / "o"), "--shard-mb", "1", "-q", "--workers", "1"]) == 0
    counts = json.loads((tmp_path / "o" / "stats.json").read_text())["counts"]
    assert counts["warc.skipped.revisit"] == 1 and "files.unsupported" not in counts  # the cut file lost its own
