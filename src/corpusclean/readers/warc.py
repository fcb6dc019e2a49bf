"""WARC and WET files: one document per HTML response and per WET conversion record.

A ``.warc`` (or ``.warc.gz``, ``.warc.zst``...) crawl archive holds request, response,
metadata, revisit and warcinfo records; Common Crawl's ``.warc.wet.gz`` holds the pages' text as
conversion records. The file is decompressed by :mod:`.compression` (offsets count decompressed
bytes, as for JSONL) and split into records by FastWARC (``pip install 'corpusclean[warc]'``;
``benchmarks/warc_readers.py`` and ``docs/dependencies.md`` say why FastWARC). The HTTP message of
a response is parsed here: status line, headers, ``Transfer-Encoding: chunked`` and
``Content-Encoding: gzip``/``deflate``; the ``Content-Type`` charset goes to the decoder as a
hint. HTML responses take the HTML path and conversion records the text path
(:func:`~corpusclean.readers.files.bytes_document`); every other record is counted in
``warc.skipped.<what>`` and passed over. A record cut short, an HTTP message that cannot be
parsed or a body that does not decompress is one reject with the record's offset; the records
after it are read.
"""

from __future__ import annotations

import io
import os
import zlib
from collections import Counter
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, Any

from ..budget import BudgetExceeded
from ..document import Document
from ..errors import MissingExtraError, import_extra
from ..remote import open_input
from .base import Reject
from .compression import ERRORS, open_stream, reason

#: A compressed WARC is decompressed this many bytes at a time: what a break loses at most.
_PIECE = 64 * 1024

#: HTTP ``Content-Type``s read as HTML pages.
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})

#: HTTP message headers longer than this are refused (``warc.bad_http``).
MAX_HTTP_HEADER = 64 * 1024


class BadRecord(ValueError):
    """A record whose content cannot be used; ``reason`` is a dotted code."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


def require_fastwarc() -> Any:
    """The FastWARC module that splits records; :class:`MissingExtraError` names the extra."""
    return import_extra("fastwarc.warc", "warc", "reading WARC and WET files")


def read_warc(
    f: IO[bytes], st: os.stat_result, codec: str | None, rel: str, options: Any,
    counts: Counter[str] | None = None,
) -> Iterator[Document | Reject]:
    """The documents of a WARC or WET file (see the module docstring); ``counts`` gets the
    skipped records. ``f`` is the open file, ``st`` its status. Bytes that are not a record
    where one should start are one ``warc.bad_record`` reject, and reading goes on at the next
    record start found after them (at most :data:`MAX_RESYNCS` times a file)."""
    start, source = 0, open_stream(f, codec)
    for _ in range(MAX_RESYNCS + 1):
        bad = yield from _records(source, codec, rel, options, counts, base=start, whole=start == 0)
        if bad is None:
            return
        offset, message = bad
        start = _next_record_start(f, codec, offset + 1)
        then = "no record follows" if start is None else f"reading goes on at offset {start}"
        yield Reject(rel, "warc.bad_record", f"{message}; {then}", offset=offset)
        if start is None:
            return
        source = _stream_at(f, codec, start)


#: How many times one file's reading may go on after bytes that are not a record.
MAX_RESYNCS = 100

#: What starts a record: the version line, after the blank line that ends the one before.
_RECORD_START = b"\nWARC/1."


def _stream_at(f: IO[bytes], codec: str | None, start: int) -> IO[bytes]:
    """The decompressed stream of the open file ``f`` from byte ``start`` on."""
    from .files import _skip_bytes

    f.seek(0 if codec else start)
    stream = open_stream(f, codec)
    if codec:
        _skip_bytes(stream, start)
    return stream


def _next_record_start(f: IO[bytes], codec: str | None, after: int) -> int | None:
    """The offset of the first record start at or after byte ``after`` of the (decompressed)
    file, None if there is none or the stream breaks off first."""
    try:
        stream = _stream_at(f, codec, after - 1)
        pos, tail = after - 1, b""
        while chunk := stream.read(1 << 20):
            data = tail + chunk
            hit = data.find(_RECORD_START)
            if hit >= 0:
                return pos - len(tail) + hit + 1
            tail = data[-(len(_RECORD_START) - 1) :]
            pos += len(chunk)
    except ERRORS:
        return None
    return None


def read_warc_range(
    path: Path | str, rel: str, options: Any, start: int, end: int, codec: str | None = None,
    counts: Counter[str] | None = None,
) -> Iterator[Document | Reject]:
    """The records of bytes ``[start, end)`` of a WARC file, a range that starts and ends at
    record starts (:func:`warc_split_points`); offsets are those of the whole file, of its
    decompressed bytes with ``codec``: it is decompressed from its start, and the bytes
    before the range are skipped. A URL is read through fsspec (:mod:`corpusclean.remote`)."""
    from .files import _Range, _skip_bytes

    try:
        f = open_input(path, options.storage_options)  # closed below, after the generator is drained
    except OSError as exc:
        yield Reject(rel, "read.unreadable", f"cannot read the file: {exc.strerror or exc}", offset=start)
        return
    with f:
        try:
            source = open_stream(f, codec)
            left = 0
            if codec:
                left = _skip_bytes(source, start)
            else:
                f.seek(start)
        except MissingExtraError as exc:
            yield Reject(rel, "read.missing_extra", str(exc), offset=start)
            return
        except ERRORS as exc:
            what = f"the {codec} stream breaks off" if codec else "cannot read the file"
            yield Reject(rel, reason(codec) if codec else "read.unreadable",
                         f"{what} before this range: {exc or 'truncated'}", offset=start)
            return
        if left:
            yield Reject(rel, "read.changed", "the file is shorter than when the run was planned; "
                         "read it again once it is complete", offset=start - left)
            return
        bad = yield from _records(io.BufferedReader(_Range(source, end - start)), codec, rel, options, counts,
                                  base=start, whole=False)
        if bad is not None:  # not met: the planner cuts only files it reads to their end
            yield Reject(rel, "warc.bad_record", bad[1], offset=bad[0])


def warc_split_points(
    path: Path | str, codec: str | None, shard_bytes: int, storage_options: Mapping[str, Any] | None = None,
) -> tuple[list[tuple[int, int]], int] | None:
    """``(byte offset, record number)`` of each range start of a WARC file (a path, or a URL
    read through fsspec with ``storage_options``) cut at the first record start after every
    ``shard_bytes`` (of its decompressed bytes), and the bytes' total; None when the file
    cannot be read to its end (it is then read whole, which reports why) or FastWARC is
    missing."""
    try:
        warc = require_fastwarc()
        with open_input(path, storage_options) as f:
            stream = _Watched(open_stream(f, codec))
            points, number = [(0, 1)], 0
            for record in warc.ArchiveIterator(stream, parse_http=False, stream_detect=False):
                number += 1
                if record.stream_pos - points[-1][0] >= shard_bytes:
                    points.append((record.stream_pos, number))
            if stream.failed or stream.read(1):
                return None
            return points, stream.tell()
    except (MissingExtraError, *ERRORS):
        return None
    except BaseException as exc:  # noqa: BLE001 - a panic in FastWARC: the reader reports it
        if isinstance(exc, (BudgetExceeded, KeyboardInterrupt, SystemExit, GeneratorExit)):
            raise
        return None


def _records(
    source: IO[bytes], codec: str | None, rel: str, options: Any, counts: Counter[str] | None, *,
    base: int = 0, whole: bool = True,
) -> Iterator[Document | Reject]:
    """The documents of the records of a decompressed WARC stream that starts at byte ``base``
    of its file (``whole``: the stream is the whole file). Returns ``(offset, message)`` when
    it stops at bytes that are not a record after the record at ``offset`` (the caller says
    so), else None."""
    warc = require_fastwarc()
    counts = counts if counts is not None else Counter()
    stream = _Watched(source)
    records = iter(warc.ArchiveIterator(stream, parse_http=False, stream_detect=False))
    offset, found, truncated = base, 0, False
    while True:
        try:
            record = next(records)
            offset = base + record.stream_pos
            found += 1
            item = _record_item(record, warc, rel, options, counts, offset)
        except StopIteration:
            break
        except (BudgetExceeded, KeyboardInterrupt, SystemExit, GeneratorExit):
            raise
        except ERRORS as exc:
            where = where_of(found, offset)
            if codec and stream.failed:
                if not truncated:  # else the break is where that record ends: one reject says it
                    yield Reject(rel, reason(codec), f"the {codec} stream breaks off {where}: "
                                 f"{exc or 'truncated'}; records before it were read", offset=offset)
                return None
            return offset, f"not a WARC record {where}: {exc}"
        except BaseException as exc:  # noqa: BLE001 - FastWARC's Rust code panicking (pyo3's
            # PanicException is a BaseException): report, go on with the next file
            return offset, f"the WARC reader failed {where_of(found, offset)}: {type(exc).__name__}: {exc}"
        if item is not None:
            truncated = isinstance(item, Reject) and item.reason == "warc.truncated"
            yield item
    if not found and whole:
        yield Reject(rel, "warc.no_records", "no WARC record: the file is empty or not WARC")
    return None


def where_of(found: int, offset: int) -> str:
    return f"after the record at offset {offset}" if found else f"at offset {offset}"


class _Watched(io.RawIOBase):
    """A stream that remembers whether reading it failed (a decompression error, not a WARC
    parsing error, when the record splitter stops). It reads a little at a time and hands out
    what came before an error first, so the records before a break reach the splitter, which
    reads far ahead."""

    def __init__(self, inner: IO[bytes]) -> None:
        self._inner = inner
        self._read = getattr(inner, "read1", inner.read)  # what one step of decompressing gives
        self._pos = 0
        self._error: BaseException | None = None
        self.failed = False

    def readable(self) -> bool:
        return True

    def tell(self) -> int:  # FastWARC asks where the stream starts
        return self._pos

    def readinto(self, buf: Any) -> int:
        if self._error is not None:
            self.failed = True
            raise self._error
        got = bytearray()
        while len(got) < len(buf):
            try:
                data = self._read(min(len(buf) - len(got), _PIECE))
            except BaseException as exc:
                if not got:
                    self.failed = True
                    raise
                self._error = exc
                break
            if not data:
                break
            got += data
        buf[: len(got)] = got
        self._pos += len(got)
        return len(got)


def _record_item(
    record: Any, warc: Any, rel: str, options: Any, counts: Counter[str], offset: int
) -> Document | Reject | None:
    from .files import _Unusable, bytes_document

    types = warc.WarcRecordType
    rtype = record.record_type
    name = str(rtype).rsplit(".", 1)[-1]
    headers = record.headers
    if rtype not in (types.response, types.conversion, types.resource):
        counts[f"warc.skipped.{name}"] += 1
        return None
    declared = _int(headers.get("Content-Length"))
    block = record.reader.read(options.max_bytes + 1)
    if len(block) > options.max_bytes:
        return Reject(rel, "read.too_large", f"a {name} record of more than {options.max_bytes} bytes "
                      "(--max-bytes); skipped", offset=offset)
    if declared is not None and len(block) < declared:
        return Reject(rel, "warc.truncated", f"the {name} record is cut short: {len(block)} of its "
                      f"{declared} bytes", offset=offset)
    charset = None
    content_type = headers.get("Content-Type") or ""
    try:
        if rtype == types.response and content_type.split(";")[0].strip().lower().startswith("application/http"):
            status, http, body = parse_http(block, options.max_bytes)
            if not 200 <= status < 300:
                counts["warc.skipped.http_status"] += 1
                return None
            content_type = http.get("content-type", "")
            body = decode_body(body, http, options.max_bytes)
        else:
            body = block
    except BadRecord as exc:
        return Reject(rel, exc.reason, str(exc), offset=offset)
    mime, charset = _content_type(content_type)
    if rtype == types.conversion or mime == "text/plain":
        fmt = "text"
    elif mime in HTML_TYPES:
        fmt = "html"
    else:
        counts[f"warc.skipped.{'non_html' if rtype == types.response else name}"] += 1
        return None
    meta: dict[str, Any] = {"format": "warc", "text_format": fmt, "warc_type": name, "warc_offset": offset}
    uri = headers.get("WARC-Target-URI")
    if uri:
        meta["url"] = uri
    date = headers.get("WARC-Date")
    if date:
        meta["warc_date"] = date
    doc_id = headers.get("WARC-Record-ID") or f"{rel}@{offset}"
    if not body.strip():
        return Reject(rel, "read.empty", f"the {name} record has no text", offset=offset)
    try:
        return bytes_document(body, fmt, rel, doc_id, options, meta=meta, charset=charset)
    except _Unusable as exc:
        return Reject(rel, exc.reason, str(exc), offset=offset)


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _content_type(value: str) -> tuple[str, str | None]:
    """The media type of a ``Content-Type`` value, lowercased, and its charset parameter.

    >>> _content_type('text/HTML; Charset="ISO-8859-1"'), _content_type("")
    (('text/html', 'ISO-8859-1'), ('', None))
    """
    parts = value.split(";")
    charset = None
    for part in parts[1:]:
        key, _, val = part.partition("=")
        if key.strip().lower() == "charset" and val.strip():
            charset = val.strip().strip("'\"")
    return parts[0].strip().lower(), charset


def parse_http(block: bytes, limit: int) -> tuple[int, dict[str, str], bytes]:
    """The status code, headers (names lowercased, the last of repeated ones) and body of an
    HTTP response message; lines may end in LF alone.

    >>> parse_http(b"HTTP/1.1 200 OK\\r\\nContent-Type: text/html\\r\\n\\r\\n<p>hi", 100)
    (200, {'content-type': 'text/html'}, b'<p>hi')
    """
    end = block.find(b"\r\n\r\n", 0, MAX_HTTP_HEADER)
    sep = 4
    lf = block.find(b"\n\n", 0, MAX_HTTP_HEADER)
    if end < 0 or 0 <= lf < end:
        end, sep = lf, 2
    if end < 0:
        if len(block) >= MAX_HTTP_HEADER:
            raise BadRecord("warc.bad_http", f"HTTP headers longer than {MAX_HTTP_HEADER} bytes")
        end, sep = len(block), 0  # headers only, no body
    lines = block[:end].decode("latin-1").splitlines()
    status_line = lines[0].split(None, 2) if lines else []
    if len(status_line) < 2 or not status_line[0].upper().startswith("HTTP/") or not status_line[1].isdigit():
        raise BadRecord("warc.bad_http", f"not an HTTP response: {(lines[0] if lines else '')[:80]!r}")
    headers: dict[str, str] = {}
    for line in lines[1:]:
        key, colon, value = line.partition(":")
        if colon:
            headers[key.strip().lower()] = value.strip()
    return int(status_line[1]), headers, block[end + sep :]


def decode_body(body: bytes, headers: dict[str, str], limit: int) -> bytes:
    """An HTTP body as the page's bytes: chunked transfer undone, then gzip or deflate content
    coding (to at most ``limit`` bytes; a body declared gzip without gzip's magic bytes is
    taken as already decoded); a coding it cannot undo raises :class:`BadRecord`."""
    if "chunked" in headers.get("transfer-encoding", "").lower():
        body = dechunk(body)
    coding = headers.get("content-encoding", "").strip().lower()
    if coding in ("", "identity"):
        return body
    if coding in ("gzip", "x-gzip") and not body.startswith(b"\x1f\x8b"):
        return body  # archives often store the body decoded and keep the header
    if coding in ("gzip", "x-gzip", "deflate"):
        z = zlib.decompressobj(47 if coding != "deflate" else (15 if body[:1] == b"\x78" else -15))
        try:
            out = z.decompress(body, limit + 1)
        except zlib.error as exc:
            raise BadRecord("warc.bad_body", f"the {coding} body does not decompress: {exc}") from None
        if len(out) > limit:
            raise BadRecord("read.too_large", f"the body decompresses to more than {limit} bytes (--max-bytes)")
        return out
    raise BadRecord("warc.bad_body", f"a body in the {coding!r} content coding, which is not read")


def dechunk(body: bytes) -> bytes:
    """The data of a ``Transfer-Encoding: chunked`` body; a body that is not chunked after all
    (archives often store it already joined) is returned as it is.

    >>> dechunk(b"4\\r\\nWiki\\r\\n5;x=1\\r\\npedia\\r\\n0\\r\\n\\r\\n"), dechunk(b"<html>")
    (b'Wikipedia', b'<html>')
    """
    out: list[bytes] = []
    pos = 0
    while pos < len(body):
        eol = body.find(b"\n", pos, pos + 1024)
        if eol < 0:
            return body if not out else b"".join(out)
        size_text = body[pos:eol].split(b";", 1)[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError:
            return body if not out else b"".join(out)
        if size == 0:
            break
        out.append(body[eol + 1 : eol + 1 + size])
        pos = eol + 1 + size
        pos = pos + 2 if body[pos : pos + 2] == b"\r\n" else pos + (body[pos : pos + 1] == b"\n")
    return b"".join(out)
