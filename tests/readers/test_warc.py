"""WARC and WET input: HTML responses and conversion records become documents, every other
record is counted, a broken record is one located reject and the records after it are read."""

from __future__ import annotations

import gzip
import sys
import zlib
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from corpusclean.document import Document
from corpusclean.filters.corpus import site_of
from corpusclean.readers import ReaderOptions, Reject, read_file
from corpusclean.readers.warc import dechunk, parse_http

from .warc_fixtures import crawl, gzip_members, html, http_response, page, record

pytest.importorskip("fastwarc")


def read(tmp_path: Path, name: str, data: bytes, **opts: object) -> tuple[list[Document | Reject], Counter[str]]:
    path = tmp_path / name
    path.write_bytes(data)
    counts: Counter[str] = Counter()
    return list(read_file(path, name, ReaderOptions(**opts), counts)), counts  # type: ignore[arg-type]


def kinds(items: list[Document | Reject]) -> list[str]:
    return [i.reason if isinstance(i, Reject) else "doc" for i in items]


SKIPPED = {"warc.skipped.warcinfo": 1, "warc.skipped.request": 3, "warc.skipped.metadata": 3,
           "warc.skipped.non_html": 1, "warc.skipped.revisit": 1}


@pytest.mark.parametrize(("name", "pack"), [
    ("crawl.warc", b"".join),
    ("crawl.warc.gz", gzip_members),
    ("crawl.warc.bz2", lambda rs: __import__("bz2").compress(b"".join(rs))),
    ("crawl.warc.xz", lambda rs: __import__("lzma").compress(b"".join(rs))),
])
def test_html_responses_are_documents_and_the_rest_is_counted(tmp_path, name, pack):
    items, counts = read(tmp_path, name, pack(crawl(3)))
    assert kinds(items) == ["doc"] * 3
    assert dict(counts) == SKIPPED
    doc = items[0]
    assert doc.id == "<urn:uuid:00000000-0000-0000-0000-000000000016>"
    assert doc.meta["url"] == "https://www.news.example.org/story/0"
    assert doc.meta["warc_date"] == "2024-05-03T10:00:00Z"
    assert doc.meta["format"] == "warc" and doc.meta["text_format"] == "html" and doc.meta["source"] == name
    assert doc.meta["page"]["title"] == "Story 0"
    assert "The harbour of town 0 reopened" in doc.text


def test_warc_zst_reads_as_plain(tmp_path):
    zstandard = pytest.importorskip("zstandard")
    plain, _ = read(tmp_path, "a.warc", b"".join(crawl(2)))
    packed, counts = read(tmp_path, "a.warc.zst", zstandard.ZstdCompressor().compress(b"".join(crawl(2))))
    assert [d.text for d in packed] == [d.text for d in plain] and counts["warc.skipped.request"] == 2


def test_the_site_of_a_warc_document_is_its_url_host(tmp_path):
    items, _ = read(tmp_path, "a.warc", b"".join(crawl(1, site="Harbour.example.net")))
    assert site_of(items[0]) == "harbour.example.net"


def test_wet_conversion_records_take_the_text_path(tmp_path):
    text = "Der Hafen wurde nach dem Sturm wieder geöffnet.\nDie Boote kehrten zurück.\n"
    wet = [record("warcinfo", b"software: test\r\n"),
           record("conversion", text.encode("utf-8"), uri="https://de.example.org/a", rid="<urn:uuid:wet-1>")]
    items, counts = read(tmp_path, "CC-MAIN-1.warc.wet.gz", gzip_members(wet))
    assert kinds(items) == ["doc"] and counts == Counter({"warc.skipped.warcinfo": 1})
    assert items[0].text == text.rstrip("\n") and items[0].meta["text_format"] == "text"
    assert items[0].id == "<urn:uuid:wet-1>" and items[0].meta["warc_type"] == "conversion"


def test_the_content_type_charset_is_a_hint_to_the_decoder(tmp_path):
    words = "Привет, как дела? Это текст на русском языке о погоде и море."
    body = f"<html><body><p>{words}</p></body></html>".encode("cp1251")
    rec = record("response", http_response(body, "text/html; charset=windows-1251"), uri="https://ru.example.org/")
    items, _ = read(tmp_path, "ru.warc", rec)
    assert items[0].meta["encoding"]["method"] == "charset" and items[0].meta["encoding"]["encoding"] == "cp1251"
    assert words in items[0].text


def test_a_utf8_page_declared_latin1_stays_utf8(tmp_path):
    rec = page("https://a.example.org/", html("Straße", "Die Straße führt über die Brücke zum Hafen."), "<urn:x>",
               content_type="text/html; charset=ISO-8859-1")
    items, _ = read(tmp_path, "a.warc", rec)
    assert items[0].meta["encoding"]["method"] == "utf-8" and "Straße führt" in items[0].text


def test_chunked_and_gzip_bodies_are_decoded(tmp_path):
    markup = html("Chunked", "A body sent in chunks and compressed with gzip, as servers do.").encode()
    packed = gzip.compress(markup, mtime=0)
    chunked = b"".join(b"%x\r\n%s\r\n" % (len(packed[i:i + 50]), packed[i:i + 50]) for i in range(0, len(packed), 50))
    body = http_response(chunked + b"0\r\n\r\n", headers=[("Content-Encoding", "gzip"), ("Transfer-Encoding", "chunked")])
    deflated = http_response(zlib.compress(markup), headers=[("Content-Encoding", "deflate")])
    items, _ = read(tmp_path, "a.warc", record("response", body, uri="https://a.example.org/1")
                    + record("response", deflated, uri="https://a.example.org/2"))
    assert kinds(items) == ["doc", "doc"]
    assert all("sent in chunks and compressed" in d.text for d in items)


@pytest.mark.parametrize(("block", "reason"), [
    (b"not http at all\r\n\r\n<p>x</p>", "warc.bad_http"),
    (http_response(b"\x1f\x8b\x08garbage", headers=[("Content-Encoding", "gzip")]), "warc.bad_body"),
    (http_response(b"<p>x</p>", headers=[("Content-Encoding", "br")]), "warc.bad_body"),
    (http_response(b"<html><body><p>Hi</p></body></html>" * 200), "read.too_large"),
    (http_response(b"   \n "), "read.empty"),
])
def test_a_bad_response_is_one_located_reject_and_the_next_is_read(tmp_path, block, reason):
    first = record("response", block, uri="https://a.example.org/bad")
    good = page("https://a.example.org/good", html("Good", "A page that reads well after a bad one."), "<urn:good>")
    items, _ = read(tmp_path, "a.warc", first + good, max_bytes=4000)
    assert kinds(items) == [reason, "doc"]
    assert items[0].offset == 0 and items[1].id == "<urn:good>"


def test_a_body_stored_decoded_under_a_gzip_header_is_read(tmp_path):
    markup = html("Stored", "The crawler stored this body already decompressed.").encode()
    rec = record("response", http_response(markup, headers=[("Content-Encoding", "gzip")]), uri="https://a.example.org/")
    items, _ = read(tmp_path, "a.warc", rec)
    assert kinds(items) == ["doc"] and "already decompressed" in items[0].text


@pytest.mark.parametrize(("content_type", "expected", "skipped"), [
    ("text/html", ["doc"], {}),
    ("text/plain; charset=utf-8", ["doc"], {}),
    ("application/pdf", [], {"warc.skipped.resource": 1}),
])
def test_resource_records_are_read_by_their_content_type(tmp_path, content_type, expected, skipped):
    block = html("Saved", "A page saved as a resource record by a browser-based crawler.").encode()
    items, counts = read(tmp_path, "a.warc", record("resource", block, uri="https://a.example.org/r", content_type=content_type))
    assert kinds(items) == expected and dict(counts) == skipped


def test_error_statuses_are_skipped_and_counted(tmp_path):
    rec = record("response", http_response(b"<p>Not found</p>", status="404 Not Found"), uri="https://a.example.org/x")
    items, counts = read(tmp_path, "a.warc", rec + b"".join(crawl(1)))
    assert kinds(items) == ["doc"] and counts["warc.skipped.http_status"] == 1


def test_a_truncated_record_is_one_reject_at_its_offset(tmp_path):
    records = crawl(3)
    data = b"".join(records)
    last = data.rindex(b"WARC/1.1\r\nWARC-Type: response\r\nWARC-Date: 2024-05-03T10:00:00Z\r\nWARC-Record-ID: <urn:uuid:00000002")
    items, _ = read(tmp_path, "cut.warc", data[: last + 500])
    assert kinds(items) == ["doc", "doc", "warc.truncated"]
    assert items[-1].offset == last and "cut short" in items[-1].message


def test_a_lying_content_length_is_a_truncated_record(tmp_path):
    good = b"".join(crawl(1))
    lying = record("response", http_response(b"<p>short</p>"), uri="https://a.example.org/", length=100_000)
    items, _ = read(tmp_path, "a.warc", good + lying)
    assert kinds(items) == ["doc", "warc.truncated"] and items[-1].offset == len(good)


@pytest.mark.parametrize(("name", "pack", "reason", "least"), [
    ("cut.warc.gz", gzip_members, "read.bad_gzip", 3),
    # bz2 decompresses whole blocks of up to 900 kB: a cut loses the block it falls in
    ("cut.warc.bz2", lambda rs: __import__("bz2").compress(b"".join(rs)), "read.bad_bz2", 0),
    ("cut.warc.xz", lambda rs: __import__("lzma").compress(b"".join(rs)), "read.bad_xz", 3),
])
def test_a_compressed_warc_cut_short_keeps_the_records_before(tmp_path, name, pack, reason, least):
    whole = pack(crawl(6))
    items, _ = read(tmp_path, name, whole[: len(whole) * 3 // 4])
    assert kinds(items) == ["doc"] * (len(items) - 1) + [reason] and len(items) - 1 >= least
    assert items[-1].offset is not None and (items[-1].offset > 0) == (least > 0)


@pytest.mark.parametrize(("name", "pack"), [("a.warc", b"".join), ("a.warc.gz", gzip_members)])
@pytest.mark.parametrize(("bad", "expected"), [
    (b"GARBAGE BETWEEN RECORDS\r\n\r\n", ["doc", "doc", "warc.bad_record", "doc", "doc"]),
    (record("response", http_response(b"<p>a body longer than said</p>"), uri="http://x.org/", length=5),
     ["doc", "doc", "warc.bad_http", "warc.bad_record", "doc", "doc"]),
])
def test_reading_goes_on_at_the_next_record_after_bytes_that_are_not_one(tmp_path, name, pack, bad, expected):
    before, after = crawl(2), crawl(2, site="after.example.org")
    items, counts = read(tmp_path, name, pack([*before, bad, *after]))
    assert kinds(items) == expected and counts["warc.skipped.request"] == 4
    rejected = next(i for i in items if isinstance(i, Reject) and i.reason == "warc.bad_record")
    resumed = len(b"".join(before)) + len(bad) if bad.startswith(b"GARBAGE") else None
    assert "reading goes on at offset" in rejected.message
    if resumed is not None:
        assert rejected.message.endswith(f"offset {resumed}")
    assert items[-1].meta["url"] == "https://www.after.example.org/story/1"


@pytest.mark.parametrize(("data", "reason"), [
    (b"", "warc.no_records"),
    (b"this is a text file named like an archive\n" * 5, "warc.bad_record"),
])
def test_what_is_not_warc_is_one_reject(tmp_path, data, reason):
    items, _ = read(tmp_path, "x.warc", data)
    assert kinds(items) == [reason]


def test_without_fastwarc_a_warc_file_is_a_reject_naming_the_extra(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "fastwarc", None)
    items, _ = read(tmp_path, "a.warc.gz", gzip_members(crawl(1)))
    assert kinds(items) == ["read.missing_extra"] and "corpusclean[warc]" in items[0].message


@pytest.mark.parametrize(("block", "expected"), [
    (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>hi", (200, {"content-type": "text/html"}, b"<p>hi")),
    (b"HTTP/1.0 301 Moved\nLocation: /x\n\n", (301, {"location": "/x"}, b"")),
    (b"HTTP/1.1 204 No Content\r\nA: 1\r\nA: 2", (204, {"a": "2"}, b"")),
])
def test_parse_http(block, expected):
    assert parse_http(block, 1000) == expected


@pytest.mark.parametrize(("body", "expected"), [
    (b"4\r\nWiki\r\n5\r\npedia\r\n0\r\n\r\n", b"Wikipedia"),
    (b"4\nWiki\n0\n\n", b"Wiki"),
    (b"<html>not chunked</html>", b"<html>not chunked</html>"),
    (b"", b""),
])
def test_dechunk(body, expected):
    assert dechunk(body) == expected


# -- range shards of large WARC files ------------------------------------------------------------

@pytest.mark.parametrize(("name", "pack"), [
    ("big.warc", b"".join),
    ("big.warc.gz", gzip_members),
    ("big.warc.xz", lambda rs: __import__("lzma").compress(b"".join(rs))),
])
@pytest.mark.parametrize("shard_bytes", [1500, 6000])
def test_range_shards_of_a_warc_read_as_the_whole_file(tmp_path, name, pack, shard_bytes):
    from corpusclean.executors.shards import plan_shards, read_shard

    (tmp_path / name).write_bytes(pack(crawl(20) + [record("response", http_response(b"<p>x</p>"), length=9999)]))
    shards = plan_shards(tmp_path, shard_bytes=shard_bytes)
    units = [u for s in shards for u in s.units]
    assert len(units) > 2 and all(u.is_range for u in units)
    assert units[0].start == 0 and all(a.end == b.start for a, b in zip(units, units[1:]))
    whole_counts: Counter[str] = Counter()
    whole = list(read_file(tmp_path / name, name, ReaderOptions(), whole_counts))
    cut_counts: Counter[str] = Counter()
    cut = [i for s in shards for i in read_shard(s, ReaderOptions(), cut_counts)]
    assert cut == whole and cut_counts == whole_counts
    assert kinds(whole) == ["doc"] * 20 + ["warc.truncated"]


def test_a_warc_that_breaks_off_is_not_cut(tmp_path):
    from corpusclean.executors.shards import plan_shards

    data = gzip_members(crawl(20))
    (tmp_path / "cut.warc.gz").write_bytes(data[: len(data) - 300])
    assert [u.is_range for s in plan_shards(tmp_path, shard_bytes=1500) for u in s.units] == [False]


@given(data=st.binary(max_size=2000), sizes=st.lists(st.integers(1, 300), min_size=1, max_size=20))
def test_dechunk_undoes_any_chunking(data, sizes):
    chunks, pos, k = [], 0, 0
    while pos < len(data):
        size = sizes[k % len(sizes)]
        chunks.append(b"%x\r\n%s\r\n" % (len(data[pos:pos + size]), data[pos:pos + size]))
        pos, k = pos + size, k + 1
    assert dechunk(b"".join(chunks) + b"0\r\n\r\n") == data


@given(status=st.integers(100, 599), body=st.binary(max_size=500),
       headers=st.dictionaries(st.from_regex(r"[A-Za-z][A-Za-z-]{0,15}", fullmatch=True),
                               st.from_regex(r"[ -~]{0,30}", fullmatch=True).map(str.strip), max_size=5))
def test_parse_http_reads_what_was_written(status, body, headers):
    head = f"HTTP/1.1 {status} Reason\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
    got_status, got_headers, got_body = parse_http(head.encode("latin-1") + body, 10_000)
    expected = {}
    for k, v in headers.items():
        expected[k.lower()] = v
    assert (got_status, got_headers, got_body) == (status, expected, body)
