"""Small WARC and WET files built in the tests, record by record (no binary fixtures)."""

from __future__ import annotations

import gzip
from collections.abc import Iterable, Sequence


def http_response(body: bytes, content_type: str = "text/html; charset=utf-8", *, status: str = "200 OK",
                  headers: Sequence[tuple[str, str]] = ()) -> bytes:
    """An HTTP/1.1 response message (status line, headers, blank line, body)."""
    lines = [f"HTTP/1.1 {status}", f"Content-Type: {content_type}", *(f"{k}: {v}" for k, v in headers)]
    if not any(k.lower() == "transfer-encoding" for k, _ in headers):
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def record(rtype: str, block: bytes, *, uri: str | None = None, rid: str | None = None,
           content_type: str | None = None, date: str = "2024-05-03T10:00:00Z", length: int | None = None) -> bytes:
    """One WARC/1.1 record; ``length`` overrides the Content-Length header (a lying header)."""
    if content_type is None:
        content_type = {"response": "application/http; msgtype=response", "request": "application/http; msgtype=request",
                        "conversion": "text/plain", "warcinfo": "application/warc-fields",
                        "metadata": "application/warc-fields"}.get(rtype, "application/octet-stream")
    head = [("WARC-Type", rtype), ("WARC-Date", date),
            ("WARC-Record-ID", rid or f"<urn:uuid:00000000-0000-0000-0000-{abs(hash((rtype, block, uri))) % 10**12:012d}>")]
    if uri:
        head.append(("WARC-Target-URI", uri))
    head += [("Content-Type", content_type), ("Content-Length", str(len(block) if length is None else length))]
    text = "WARC/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in head) + "\r\n"
    return text.encode("utf-8") + block + b"\r\n\r\n"


def page(uri: str, html: str, rid: str, **kw: object) -> bytes:
    """A response record of an HTML page, UTF-8."""
    return record("response", http_response(html.encode("utf-8"), **kw), uri=uri, rid=rid)  # type: ignore[arg-type]


def gzip_members(records: Iterable[bytes]) -> bytes:
    """A ``.warc.gz``: every record its own gzip member, as crawlers write them."""
    return b"".join(gzip.compress(r, mtime=0) for r in records)


def html(title: str, *paragraphs: str) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return f"<html><head><title>{title}</title></head><body><nav><a href='/'>Home</a></nav>{body}</body></html>"


def crawl(n: int = 3, site: str = "news.example.org") -> list[bytes]:
    """A warcinfo record, then for each page a request, an HTML response, a metadata record;
    an image response and a revisit after the pages."""
    out = [record("warcinfo", b"software: test\r\n")]
    for i in range(n):
        uri = f"https://www.{site}/story/{i}"
        out.append(record("request", b"GET /story/%d HTTP/1.1\r\nHost: www.%s\r\n\r\n" % (i, site.encode()), uri=uri))
        out.append(page(uri, html(f"Story {i}", f"The harbour of town {i} reopened after the long storm of the winter.",
                                  f"Fishing boats returned to the quay number {i} on Monday morning."),
                        rid=f"<urn:uuid:{i:08d}-0000-0000-0000-{len(site):012d}>"))
        out.append(record("metadata", b"fetchTimeMs: 120\r\n", uri=uri))
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256))
    out.append(record("response", http_response(png, "image/png"), uri=f"https://www.{site}/logo.png"))
    out.append(record("revisit", b"", uri=f"https://www.{site}/story/0"))
    return out
