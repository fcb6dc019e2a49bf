"""Walk an input directory and read every supported file into documents or rejects.

Supported: ``.txt``, ``.html``/``.htm``, ``.jsonl`` and each of them gzip-compressed (``.gz``).
The walk is recursive and sorted by relative path, so runs are deterministic.
"""

from __future__ import annotations

import gzip
import json
import os
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..document import Document
from .base import Reject
from .decode import DecodeError, decode_bytes
from .html import html_to_blocks

FORMATS = {".txt": "text", ".text": "text", ".html": "html", ".htm": "html", ".jsonl": "jsonl"}

#: Files whose name says they are not documents (the seeds' gold labels, for one).
IGNORED_NAMES = frozenset({"gold.jsonl", "manifest.jsonl"})


@dataclass(frozen=True)
class ReaderOptions:
    """How files are read: JSONL field names, size limit, names to skip."""

    text_field: str = "text"
    id_field: str = "id"
    max_bytes: int = 256 * 1024 * 1024
    ignore_names: frozenset[str] = IGNORED_NAMES


def file_format(path: Path) -> tuple[str | None, bool]:
    """The format of a file by its name, and whether it is gzip-compressed."""
    name = path.name.lower()
    gz = name.endswith(".gz")
    if gz:
        name = name[:-3]
    return FORMATS.get(os.path.splitext(name)[1]), gz


def walk(root: Path, options: ReaderOptions | None = None) -> Iterator[tuple[Path, str] | Reject]:
    """Yield ``(path, relative name)`` for every supported file under ``root``, sorted.

    A file with no supported extension is skipped silently; a directory that cannot be listed,
    or a symlink loop, becomes a reject.
    """
    options = options or ReaderOptions()
    if root.is_file():
        yield root, root.name
        return
    found: list[tuple[str, Path]] = []
    rejects: list[Reject] = []

    def onerror(exc: OSError) -> None:
        rel = os.path.relpath(exc.filename, root) if exc.filename else "."
        rejects.append(Reject(Path(rel).as_posix(), "read.unlistable", f"cannot list directory: {exc.strerror}"))

    seen_dirs: set[tuple[int, int]] = set()
    for dirpath, dirnames, filenames in os.walk(root, onerror=onerror, followlinks=True):
        try:
            st = os.stat(dirpath)
        except OSError:
            continue
        key = (st.st_dev, st.st_ino)
        if key in seen_dirs:
            rel = Path(os.path.relpath(dirpath, root)).as_posix()
            rejects.append(Reject(rel, "read.symlink_loop", "directory seen before through a link; skipped"))
            dirnames[:] = []
            continue
        seen_dirs.add(key)
        dirnames.sort()
        for fn in filenames:
            if fn in options.ignore_names or fn.startswith("."):
                continue
            p = Path(dirpath) / fn
            if file_format(p)[0] is None:
                continue
            found.append((Path(os.path.relpath(p, root)).as_posix(), p))
    yield from sorted(rejects, key=lambda r: r.source)
    for rel, p in sorted(found):
        yield p, rel


def read_file(path: Path, rel: str, options: ReaderOptions | None = None) -> Iterator[Document | Reject]:
    """Read one file into documents (one for text and HTML, one per line for JSONL) or rejects."""
    options = options or ReaderOptions()
    fmt, gz = file_format(path)
    try:
        size = path.stat().st_size
        if size > options.max_bytes:
            yield Reject(rel, "read.too_large", f"{size} bytes is over the limit of {options.max_bytes}")
            return
        data = path.read_bytes()
    except OSError as exc:
        yield Reject(rel, "read.unreadable", f"cannot read the file: {exc.strerror or exc}")
        return
    if gz:
        try:
            data = _gunzip(data, options.max_bytes)
        except (OSError, EOFError, zlib.error) as exc:
            yield Reject(rel, "read.bad_gzip", f"not a complete gzip stream: {exc}")
            return
    if fmt == "jsonl":
        yield from _read_jsonl(data, rel, options)
        return
    if not data.strip():
        yield Reject(rel, "read.empty", "the file is empty")
        return
    try:
        decoded = decode_bytes(data)
    except DecodeError as exc:
        yield Reject(rel, exc.reason, str(exc), offset=exc.offset)
        return
    meta: dict[str, Any] = {"source": rel, "format": fmt, "encoding": decoded.to_meta()}
    if fmt == "html":
        html_lines, evidence = html_to_blocks(decoded.text)
        text = "\n".join(html_lines)
        meta["dom"] = evidence.to_meta()  # read by html.dom_boilerplate, not written out
    else:
        text = decoded.text
    yield Document.from_text(text, id=rel, meta=meta)


def _gunzip(data: bytes, limit: int) -> bytes:
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    out = d.decompress(data, limit + 1)
    if len(out) > limit:
        msg = f"decompresses to more than {limit} bytes"
        raise OSError(msg)
    if not d.eof:
        msg = "the gzip stream is truncated"
        raise EOFError(msg)
    return out


def _read_jsonl(data: bytes, rel: str, options: ReaderOptions) -> Iterator[Document | Reject]:
    offset = 0
    seen_ids: dict[str, int] = {}
    for lineno, raw in enumerate(data.split(b"\n"), start=1):
        start = offset
        offset += len(raw) + 1
        if not raw.strip():
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            try:
                text = decode_bytes(raw).text
            except DecodeError as exc:
                yield Reject(rel, exc.reason, str(exc), line=lineno, offset=start)
                continue
        try:
            record: Any = json.loads(text)
        except json.JSONDecodeError as exc:
            yield Reject(rel, "jsonl.bad_json", f"not valid JSON: {exc.msg}", line=lineno, offset=start + exc.pos)
            continue
        if not isinstance(record, dict):
            yield Reject(rel, "jsonl.not_object", "a JSONL line must hold a JSON object", line=lineno, offset=start)
            continue
        body = record.get(options.text_field)
        if not isinstance(body, str):
            what = "missing" if body is None else f"a {type(body).__name__}, not a string"
            yield Reject(rel, "jsonl.no_text", f"the {options.text_field!r} field is {what}", line=lineno, offset=start)
            continue
        rid = record.get(options.id_field)
        doc_id = str(rid) if isinstance(rid, (str, int)) and not isinstance(rid, bool) else f"{rel}:{lineno}"
        if doc_id in seen_ids:
            first = seen_ids[doc_id]
            doc_id = f"{doc_id}#{rel}:{lineno}"
            dup_of: int | None = first
        else:
            seen_ids[doc_id] = lineno
            dup_of = None
        extra = {k: v for k, v in record.items() if k not in (options.text_field, options.id_field)}
        meta: dict[str, Any] = {"source": rel, "format": "jsonl", "line": lineno, "encoding": {"encoding": "utf-8", "method": "utf-8", "confidence": 1.0}}
        if extra:
            meta["input_metadata"] = extra
        if dup_of is not None:
            meta["duplicate_id_of_line"] = dup_of
        yield Document.from_text(body, id=doc_id, meta=meta)
