"""WARC readers side by side: FastWARC against warcio, records per second and correctness.

Usage: PYTHONPATH=src python benchmarks/warc_readers.py [--pages DIR] [--limit N] [--repeat R] [--work DIR]
(needs ``pip install fastwarc warcio``; DIR defaults to /work/shared/bench/dev).

Builds a realistic gzip-compressed WARC with warcio's writer from the HTML pages in DIR, as a
crawler writes one: a warcinfo record, then for each page a request and a response (``text/html``
with the page's charset; every fifth body sent ``Transfer-Encoding: chunked``, every seventh
``Content-Encoding: gzip``, as servers send them), a metadata record every tenth page, an image
response and a revisit every twentieth. Then each library reads the file the way
``corpusclean``'s WARC reader needs: every record's type and id, and for each HTTP response its
headers and its decoded body (``corpusclean``: the reader's own path, FastWARC over its
decompressed stream; ``corpusclean-warcio``: the same with warcio splitting the records;
``fastwarc``: FastWARC's own gzip and chunked decoding, content coding in
Python; ``fastwarc-all``: FastWARC decoding both; ``warcio``: warcio's ``content_stream``). Prints records/s of each (best of R runs), whether each got every
HTML body back byte for byte, and what each does with the file cut short in the middle.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import sys
import tempfile
import time
import zlib
from pathlib import Path


def _chunked(body: bytes, size: int = 4096) -> bytes:
    out = io.BytesIO()
    for i in range(0, len(body), size):
        part = body[i : i + size]
        out.write(b"%x\r\n%s\r\n" % (len(part), part))
    out.write(b"0\r\n\r\n")
    return out.getvalue()


def build_warc(pages: list[Path], target: Path) -> dict[str, str]:
    """Write the WARC; return the expected sha256 of each HTML response's decoded body, by id."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    expected: dict[str, str] = {}
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8
    with target.open("wb") as f:
        writer = WARCWriter(f, gzip=True)
        writer.write_record(writer.create_warcinfo_record(target.name, {"software": "warc_readers.py"}))
        for i, page in enumerate(pages):
            body = page.read_bytes()
            url = f"https://site{i % 37}.example.org/{page.stem[:60]}"
            req = StatusAndHeaders(f"GET /{page.stem[:60]} HTTP/1.1", [("Host", f"site{i % 37}.example.org")],
                                   is_http_request=True)
            writer.write_record(writer.create_warc_record(url, "request", http_headers=req))
            headers = [("Content-Type", "text/html; charset=utf-8")]
            wire = body
            if i % 7 == 0:
                wire = gzip.compress(wire, mtime=0)
                headers.append(("Content-Encoding", "gzip"))
            if i % 5 == 0:
                wire = _chunked(wire)
                headers.append(("Transfer-Encoding", "chunked"))
            else:
                headers.append(("Content-Length", str(len(wire))))
            http = StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1")
            rec = writer.create_warc_record(url, "response", payload=io.BytesIO(wire), http_headers=http)
            expected[rec.rec_headers.get_header("WARC-Record-ID")] = hashlib.sha256(body).hexdigest()
            writer.write_record(rec)
            if i % 10 == 0:
                meta = writer.create_warc_record(url, "metadata", payload=io.BytesIO(b"fetchTimeMs: 120\r\n"),
                                                 warc_content_type="application/warc-fields")
                writer.write_record(meta)
            if i % 20 == 0:
                img = StatusAndHeaders("200 OK", [("Content-Type", "image/png"), ("Content-Length", str(len(png)))],
                                       protocol="HTTP/1.1")
                writer.write_record(writer.create_warc_record(url + ".png", "response", payload=io.BytesIO(png),
                                                              http_headers=img))
                rev = writer.create_revisit_record(url, digest="sha1:AAAA", refers_to_uri=url,
                                                   refers_to_date="2024-01-01T00:00:00Z")
                writer.write_record(rev)
    return expected


def read_warcio(path: Path) -> tuple[int, dict[str, str]]:
    from warcio.archiveiterator import ArchiveIterator

    n, got = 0, {}
    with path.open("rb") as f:
        for rec in ArchiveIterator(f):
            n += 1
            rid = rec.rec_headers.get_header("WARC-Record-ID")
            if rec.rec_type == "response" and rec.http_headers is not None:
                ctype = rec.http_headers.get_header("Content-Type") or ""
                body = rec.content_stream().read()  # de-chunked and decompressed
                if ctype.startswith("text/html"):
                    got[rid] = hashlib.sha256(body).hexdigest()
    return n, got


def _fastwarc(path: Path, auto_decode: str) -> tuple[int, dict[str, str]]:
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    n, got = 0, {}
    with path.open("rb") as f:
        for rec in ArchiveIterator(f, parse_http=True, auto_decode=auto_decode):
            n += 1
            if rec.record_type == WarcRecordType.response and rec.http_headers is not None:
                body = rec.reader.read()
                if auto_decode == "transfer" and rec.http_headers.get("Content-Encoding", "") == "gzip":
                    body = zlib.decompress(body, 47)  # what corpusclean's reader does after it
                if (rec.http_content_type or "") == "text/html":
                    got[rec.record_id] = hashlib.sha256(body).hexdigest()
    return n, got


def read_fastwarc(path: Path) -> tuple[int, dict[str, str]]:
    """FastWARC decodes the chunked transfer, the content coding is undone in Python."""
    return _fastwarc(path, "transfer")


def read_fastwarc_all(path: Path) -> tuple[int, dict[str, str]]:
    """FastWARC decodes both (``auto_decode="all"``)."""
    return _fastwarc(path, "all")


def read_corpusclean(path: Path) -> tuple[int, dict[str, str]]:
    """What corpusclean's reader does: its own gzip stream, FastWARC splitting records, the
    HTTP message parsed and decoded by ``corpusclean.readers.warc``."""
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    from corpusclean.readers.compression import open_stream
    from corpusclean.readers.warc import _Watched, decode_body, parse_http

    n, got = 0, {}
    with path.open("rb") as f, open_stream(f, "gzip") as z:
        for rec in ArchiveIterator(_Watched(z), parse_http=False, stream_detect=False):
            n += 1
            if rec.record_type == WarcRecordType.response:
                _, headers, body = parse_http(rec.reader.read(), 1 << 30)
                body = decode_body(body, headers, 1 << 30)
                if headers.get("content-type", "").startswith("text/html"):
                    got[rec.record_id] = hashlib.sha256(body).hexdigest()
    return n, got


def read_corpusclean_warcio(path: Path) -> tuple[int, dict[str, str]]:
    """The same path with warcio splitting the records (the block left unparsed)."""
    from warcio.archiveiterator import ArchiveIterator

    from corpusclean.readers.compression import open_stream
    from corpusclean.readers.warc import _Watched, decode_body, parse_http

    n, got = 0, {}
    with path.open("rb") as f, open_stream(f, "gzip") as z:
        for rec in ArchiveIterator(_Watched(z), no_record_parse=True):
            n += 1
            if rec.rec_type == "response":
                _, headers, body = parse_http(rec.raw_stream.read(), 1 << 30)
                body = decode_body(body, headers, 1 << 30)
                if headers.get("content-type", "").startswith("text/html"):
                    got[rec.rec_headers.get_header("WARC-Record-ID")] = hashlib.sha256(body).hexdigest()
    return n, got


READERS = {"corpusclean": read_corpusclean, "corpusclean-warcio": read_corpusclean_warcio, "fastwarc": read_fastwarc, "fastwarc-all": read_fastwarc_all, "warcio": read_warcio}


def cut_behaviour(fn, path: Path) -> str:
    try:
        n, _ = fn(path)
    except Exception as exc:  # noqa: BLE001 - what the library does is the figure
        return f"raises {type(exc).__name__}: {str(exc)[:70]}"
    return f"{n} records, no error"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=Path, default=Path("/work/shared/bench/dev"))
    ap.add_argument("--limit", type=int, default=0, help="use the first N pages (default: all)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--work", type=Path, default=None)
    args = ap.parse_args(argv)
    pages = sorted(args.pages.glob("*.html"))
    if args.limit:
        pages = pages[: args.limit]
    work = args.work or Path(tempfile.mkdtemp())
    path = work / "bench.warc.gz"
    expected = build_warc(pages, path)
    size = path.stat().st_size
    print(f"{path}: {len(pages)} pages, {size / 1e6:.1f} MB gzip-compressed, {len(expected)} HTML responses")
    cut = work / "cut.warc.gz"
    cut.write_bytes(path.read_bytes()[: size // 2])
    from importlib.metadata import version

    versions = {"corpusclean": "fastwarc " + version("fastwarc"), "corpusclean-warcio": "warcio " + version("warcio"), "fastwarc": "fastwarc " + version("fastwarc"),
                "fastwarc-all": "fastwarc " + version("fastwarc"), "warcio": "warcio " + version("warcio")}
    print(f"{'reader':<19} {'records':>8} {'records/s':>10} {'MB/s':>7}  HTML bodies  cut in the middle")
    for fn in READERS.values():  # a first read of each, untimed: imports and the page cache
        fn(path)
    for name, fn in READERS.items():
        best = float("inf")
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            n, got = fn(path)
            best = min(best, time.perf_counter() - t0)
        right = sum(got.get(k) == v for k, v in expected.items())
        print(f"{name:<19} {n:>8} {n / best:>10.0f} {size / 1e6 / best:>7.1f}  {right}/{len(expected)} exact"
              f"  {cut_behaviour(fn, cut)}  ({versions[name]})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
