"""Walk an input directory and read every supported file into documents or rejects.

Supported: ``.txt``, ``.html``/``.htm``, ``.jsonl``, WARC and WET (``.warc``, ``.wet``:
:mod:`.warc`), and each of them compressed (``.gz``, ``.bz2``, ``.xz``, ``.zst``:
:mod:`.compression`); Parquet (``.parquet``: :mod:`.parquet`). A URL (``s3://bucket/prefix``...)
is walked and read the same way through fsspec (:mod:`corpusclean.remote`), every format and
codec included.
The walk is recursive and sorted by relative path, so runs are deterministic.

Reading is defensive (``docs/reliability.md``): a file is opened once and checked to be a
regular file before anything is read (a FIFO or a device is never read from); text and HTML
files over ``max_bytes`` are rejected from their size alone; compressed input is decompressed as
a stream with the same limit; JSONL is read line by line, never whole, and a line longer than
``max_bytes`` is skipped without being held in memory. Anything unusable becomes a
:class:`Reject` with a reason code and the line or byte offset, and reading goes on.
"""

from __future__ import annotations

import errno
import fnmatch
import io
import json
import logging
import os
import stat
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import IO, Any

import regex

from .. import _json as fast_json
from ..budget import DEFAULT_SECONDS, BudgetExceeded, time_budget
from ..document import Document
from ..errors import MissingExtraError
from ..remote import is_url, open_input, open_object
from .base import Reject
from .compression import ERRORS, codec_of, open_stream, reason
from .decode import DecodeError, decode_bytes, decode_utf8_replacing
from .html import HtmlError, safe_html_to_blocks

FORMATS = {".txt": "text", ".text": "text", ".html": "html", ".htm": "html", ".jsonl": "jsonl",
           ".warc": "warc", ".wet": "warc", ".parquet": "parquet"}

#: Formats read as they are, never through a decompressor (Parquet compresses inside).
_UNCOMPRESSED = frozenset({"parquet"})

#: Suffixes of compressed files: an unsupported file is counted under its inner extension too
#: (``.warc.gz``), whichever of them a reader takes.
_COMPRESSED = (".gz", ".bz2", ".xz", ".zst", ".zstd", ".lz4")

log = logging.getLogger(__name__)

#: Files whose name says they are not documents (the seeds' gold labels, for one).
IGNORED_NAMES = frozenset({"gold.jsonl", "manifest.jsonl"})


#: Default size limit: of a text or HTML file (after decompression), and of one JSONL line.
#: Peak memory while cleaning one document is about 15 times its size (a 200 MB one-line file
#: took 3.1 GB and 211 s through the default pipeline, ``benchmarks/big_files.py``), so 16 MiB
#: keeps one document near 250 MB and within reach of the default time budget.
MAX_BYTES = 16 * 1024 * 1024

#: Duplicate ids are looked for among the first this many ids of a JSONL file: the table costs
#: about 120 bytes an id (a 1 GiB file of 2.1M records peaked at 282 MB before the cap), and
#: must not grow without bound on a file of any size.
MAX_TRACKED_IDS = 1_000_000

#: How much a JSONL reader reads at a time while skipping an over-long line.
_SKIP_CHUNK = 1024 * 1024
#: Read buffer: large reads make skipping a long line cheap (few system calls).
_BUFFER = 256 * 1024

#: JSONL records nested deeper than this are rejected (the metadata is copied recursively).
MAX_DEPTH = 64

_SURROGATE_RE = regex.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class ReaderOptions:
    """How files are read.

    ``max_bytes`` limits a text or HTML file (its decompressed size for ``.gz``) and each JSONL
    line; ``time_budget`` limits the seconds spent decoding and converting one file (``None``:
    no limit).
    """

    text_field: str = "text"
    id_field: str = "id"
    max_bytes: int = MAX_BYTES
    ignore_names: frozenset[str] = IGNORED_NAMES
    #: Glob patterns (``fnmatch``, ``*`` also crosses ``/``) on a file's path relative to the
    #: input directory or on its name: with ``include``, only files matching one are read;
    #: files matching an ``exclude`` pattern are not.
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    #: What a JSONL text field holds: ``html`` (read as an HTML page), ``text``, or ``auto``
    #: (HTML when it looks like markup: :func:`looks_like_html`).
    text_format: str = "auto"
    time_budget: float | None = DEFAULT_SECONDS
    max_tracked_ids: int = MAX_TRACKED_IDS
    #: fsspec options for input given as a URL (:mod:`corpusclean.remote`): endpoint, profile,
    #: ``anon``... Carried to every worker; never written out.
    storage_options: Mapping[str, Any] = field(default_factory=dict, hash=False, repr=False)

    def __post_init__(self) -> None:
        if self.max_bytes < 1:
            msg = f"max_bytes must be at least 1, not {self.max_bytes}"
            raise ValueError(msg)
        if self.text_format not in TEXT_FORMATS:
            msg = f"text_format must be one of {', '.join(TEXT_FORMATS)}, not {self.text_format!r}"
            raise ValueError(msg)


#: ``ReaderOptions.text_format`` choices.
TEXT_FORMATS = ("auto", "html", "text")

_MARKUP_RE = regex.compile(
    r"</?(?:p|div|span|a|li|ul|ol|h[1-6]|br|table|tr|td|body|head|article|section|nav|header|footer|main)\b",
    regex.IGNORECASE)


def looks_like_html(text: str) -> bool:
    """Whether a text field holds markup: it opens with a tag and has block tags early on.

    >>> looks_like_html("<!DOCTYPE html><html>..."), looks_like_html("<p>One</p><p>Two</p><div>3</div>")
    (True, True)
    >>> looks_like_html("Use <b> for bold; the <p> tag starts a paragraph."), looks_like_html("<3 you")
    (False, False)
    """
    head = text[:4096].lstrip()
    if not head.startswith("<"):
        return False
    if head[:15].lower().startswith(("<!doctype html", "<html")):
        return True
    return len(_MARKUP_RE.findall(head)) >= 3


def file_format(path: str | PurePath) -> tuple[str | None, str | None]:
    """The format of a file by its name (a path or a URL), and its compression codec (None:
    not compressed).

    >>> file_format(Path("a.jsonl.zst")), file_format(Path("CC.warc.wet.gz")), file_format(Path("t.parquet.gz"))
    (('jsonl', 'zstd'), ('warc', 'gzip'), (None, 'gzip'))
    >>> file_format("s3://bucket/crawl/CC.warc.gz"), file_format("s3://bucket/in.d/rows.parquet")
    (('warc', 'gzip'), ('parquet', None))
    """
    name = path.name if isinstance(path, PurePath) else path.rsplit("/", 1)[-1]
    name, codec = codec_of(name.lower())
    fmt = FORMATS.get(os.path.splitext(name)[1])
    if fmt in _UNCOMPRESSED and codec is not None:
        fmt = None
    return fmt, codec


#: The extra each format or codec needs, and the module that tells whether it is installed.
_EXTRAS = {"warc": ("warc", "fastwarc"), "parquet": ("parquet", "pyarrow"), "zstd": ("zstd", "zstandard")}


def missing_extras(paths: Iterable[str | PurePath]) -> Counter[str]:
    """How many of ``paths`` (paths or URLs) need each extra that is not installed (their
    readers reject them with ``read.missing_extra``; a run says so once, before it starts)."""
    import importlib.util

    needed: Counter[str] = Counter()
    for path in paths:
        fmt, codec = file_format(path)
        for key in (fmt, codec):
            if key in _EXTRAS:
                needed[key] += 1
    return Counter({_EXTRAS[k][0]: n for k, n in needed.items() if importlib.util.find_spec(_EXTRAS[k][1]) is None})


def supported(path: str | PurePath) -> bool:
    """Whether a reader takes this file (the one place that says which files are read)."""
    return file_format(path)[0] is not None


def extension(name: str) -> str:
    """A file's extension as it is counted when no reader takes it.

    >>> extension("a/B.WARC.gz"), extension("README"), extension("notes.md")
    ('.warc.gz', '(none)', '.md')
    """
    base = name.rsplit("/", 1)[-1].lower()
    outer = os.path.splitext(base)[1]
    if outer in _COMPRESSED:
        inner = os.path.splitext(base[: -len(outer)])[1]
        return inner + outer
    return outer or "(none)"


def _chosen(rel: str, name: str, options: ReaderOptions) -> bool:
    def match(patterns: tuple[str, ...]) -> bool:
        return any(fnmatch.fnmatchcase(rel, p) or fnmatch.fnmatchcase(name, p) for p in patterns)

    return (not options.include or match(options.include)) and not match(options.exclude)


def admitted(rel: str, name: str, options: ReaderOptions, skipped: Counter[str] | None) -> bool:
    """Whether the walk takes the file ``rel`` (named ``name``): not hidden nor ignored, chosen
    by ``include``/``exclude`` (else counted under ``files.excluded``), and of a kind a reader
    takes (else counted under ``unsupported.<extension>`` and ``files.unsupported``)."""
    if name in options.ignore_names or name.startswith("."):
        return False
    if not _chosen(rel, name, options):
        if skipped is not None:
            skipped["files.excluded"] += 1
        return False
    if not supported(name):
        if skipped is not None:
            skipped[f"unsupported.{extension(name)}"] += 1
            skipped["files.unsupported"] += 1
        return False
    return True


def walk(
    root: Path | str, options: ReaderOptions | None = None, *, skipped: Counter[str] | None = None
) -> Iterator[tuple[Path, str] | Reject]:
    """Yield ``(path, relative name)`` for every supported file under ``root``, sorted.

    Hidden files and ``ignore_names`` are passed over; files left out by ``include`` or
    ``exclude`` are counted in ``skipped`` under ``files.excluded``, and files no reader takes
    under ``unsupported.<extension>`` and ``files.unsupported``. A directory that cannot be
    listed, or a symlink loop, becomes a reject.
    """
    options = options or ReaderOptions()
    if is_url(root):
        from ..remote import walk_url

        yield from walk_url(str(root), options, skipped=skipped)  # type: ignore[misc]
        return
    root = Path(root)
    if not root.is_dir():
        yield root, display_name(root.name)
        return
    found: list[tuple[str, Path]] = []
    rejects: list[Reject] = []

    def onerror(exc: OSError) -> None:
        rel = os.path.relpath(exc.filename, root) if exc.filename else "."
        rejects.append(
            Reject(
                display_name(Path(rel).as_posix()),
                "read.unlistable",
                f"cannot list the directory: {exc.strerror or exc}",
            )
        )

    seen_dirs: set[tuple[int, int]] = set()
    for dirpath, dirnames, filenames in os.walk(root, onerror=onerror, followlinks=True):
        try:
            st = os.stat(dirpath)
        except OSError:
            continue
        key = (st.st_dev, st.st_ino)
        if key in seen_dirs:
            rel = display_name(Path(os.path.relpath(dirpath, root)).as_posix())
            rejects.append(
                Reject(rel, "read.symlink_loop", "directory seen before through a link; skipped")
            )
            dirnames[:] = []
            continue
        seen_dirs.add(key)
        dirnames.sort()
        for fn in filenames:
            p = Path(dirpath) / fn
            rel = display_name(Path(os.path.relpath(p, root)).as_posix())
            if admitted(rel, fn, options, skipped):
                found.append((rel, p))
    yield from sorted(rejects, key=lambda r: r.source)
    for rel, p in sorted(found):
        yield p, rel


def display_name(name: str) -> str:
    """A file name that can be written as UTF-8: undecodable bytes shown as ``\\xNN``.

    >>> display_name("caf\\udce9.txt")
    'caf\\\\xe9.txt'
    """
    if not _SURROGATE_RE.search(name):
        return name
    return os.fsencode(name).decode("utf-8", "backslashreplace")


class _Unusable(Exception):
    """A file cannot be used; carries the reason code, message and location."""

    def __init__(
        self, reason: str, message: str, *, line: int | None = None, offset: int | None = None
    ) -> None:
        super().__init__(message)
        self.reason = reason
        self.line = line
        self.offset = offset

    def reject(self, rel: str) -> Reject:
        return Reject(rel, self.reason, str(self), line=self.line, offset=self.offset)


_KINDS = {
    stat.S_IFDIR: "a directory",
    stat.S_IFIFO: "a FIFO",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
}


def _open_regular(path: Path) -> tuple[IO[bytes], os.stat_result]:
    """Open ``path`` for reading, and check on the open file that it is a regular file.

    ``O_NONBLOCK`` makes opening a FIFO return at once (a plain open would wait for a writer);
    the check then refuses it without reading.
    """
    flags = (
        os.O_RDONLY
        | getattr(os, "O_NONBLOCK", 0)
        | getattr(os, "O_CLOEXEC", 0)
        | getattr(os, "O_BINARY", 0)
    )
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        if path.is_symlink():
            raise _Unusable(
                "read.unreadable", "a broken symbolic link (its target does not exist)"
            ) from None
        raise _Unusable("read.vanished", "the file disappeared before it could be read") from None
    except PermissionError as exc:
        raise _Unusable("read.unreadable", f"permission denied: {exc.strerror or exc}") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise _Unusable("read.symlink_loop", "a loop of symbolic links") from None
        raise _Unusable("read.unreadable", f"cannot open the file: {exc.strerror or exc}") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            kind = _KINDS.get(stat.S_IFMT(st.st_mode), "not a regular file")
            raise _Unusable("read.not_regular", f"{kind}, not a regular file; not read")
        return os.fdopen(fd, "rb", buffering=_BUFFER), st
    except BaseException:
        os.close(fd)
        raise


def _open_object(url: str, options: ReaderOptions) -> tuple[IO[bytes], Any]:
    """An object of a store opened through fsspec, or why it cannot be."""
    try:
        return open_object(url, options.storage_options)
    except FileNotFoundError:
        raise _Unusable("read.vanished", "the object disappeared before it could be read") from None
    except PermissionError as exc:
        raise _Unusable("read.unreadable", f"permission denied: {exc}") from None
    except OSError as exc:
        raise _Unusable("read.unreadable", f"cannot open the object: {exc}") from None


def _check_unchanged(f: IO[bytes], before: os.stat_result, consumed: int | None) -> None:
    """Raise ``read.changed`` if the open file was written to while we read it (an object read
    through fsspec has no descriptor: the bytes read are checked against its size)."""
    try:
        after = os.fstat(f.fileno())
    except OSError:  # io.UnsupportedOperation
        after = before  # type: ignore[assignment]
    if (after.st_size, after.st_mtime_ns) != (before.st_size, before.st_mtime_ns) or (
        consumed is not None and consumed != before.st_size
    ):
        raise _Unusable(
            "read.changed",
            f"the file changed while being read ({before.st_size} -> {after.st_size} bytes); "
            "read it again once it is complete",
        )


def read_file(
    path: Path | str, rel: str, options: ReaderOptions | None = None, counts: Counter[str] | None = None
) -> Iterator[Document | Reject]:
    """Read one file (a path, or a URL: :mod:`corpusclean.remote`) into documents (one for text
    and HTML, one per line for JSONL and Parquet, one per HTML response or WET conversion
    record for WARC) or rejects. ``counts`` counts what is passed over without being a reject
    (WARC records of other types: ``warc.skipped.<type>``).

    Never raises for a bad input: every problem is yielded as a :class:`Reject`.
    """
    options = options or ReaderOptions()
    fmt, codec = file_format(path)
    rel = display_name(rel)
    try:
        f, st = _open_object(str(path), options) if is_url(path) else _open_regular(Path(path))
    except _Unusable as exc:
        yield exc.reject(rel)
        return
    with f:
        try:
            if fmt == "jsonl":
                yield from _read_jsonl(f, st, codec, rel, options)
            elif fmt == "parquet":
                from .parquet import read_parquet

                yield from read_parquet(f, rel, options)
            elif fmt == "warc":
                from .warc import read_warc

                yield from read_warc(f, st, codec, rel, options, counts)
            else:
                yield _read_document(f, st, codec, fmt or "text", rel, options)
        except _Unusable as exc:
            yield exc.reject(rel)
        except MissingExtraError as exc:
            yield Reject(rel, "read.missing_extra", str(exc))
        except ERRORS as exc:
            if codec is None:
                yield Reject(rel, "read.io_error", f"reading failed: {getattr(exc, 'strerror', None) or exc}")
            else:
                yield Reject(rel, reason(codec), f"not a complete {codec} stream: {exc or 'truncated'}")
        except Exception as exc:  # noqa: BLE001 - the last line of defence: report, go on
            log.exception("reading %s failed", rel)
            yield Reject(rel, "read.error", f"reading failed: {type(exc).__name__}: {exc}")


def _read_document(
    f: IO[bytes], st: os.stat_result, codec: str | None, fmt: str, rel: str, options: ReaderOptions
) -> Document:
    limit = options.max_bytes
    if st.st_size > limit:
        raise _Unusable(
            "read.too_large",
            f"{st.st_size} bytes is over the limit of {limit} (--max-bytes); not read",
        )
    if codec is not None:
        stream = open_stream(f, codec)
        try:
            data = _read_at_most(stream, limit + 1)
        except ERRORS as exc:
            raise _Unusable(
                reason(codec), f"not a complete {codec} stream: {exc or 'truncated'}"
            ) from None
        if len(data) > limit:
            raise _Unusable(
                "read.too_large",
                f"decompresses to more than the limit of {limit} bytes (--max-bytes)",
            )
        _check_unchanged(f, st, None)
    else:
        data = _read_at_most(f, st.st_size + 1)  # one byte more shows a file still growing
        _check_unchanged(f, st, len(data))
    if not data.strip():
        raise _Unusable(
            "read.empty", "the file is empty" if not data else "the file holds only whitespace"
        )
    return bytes_document(data, fmt, rel, rel, options)


def bytes_document(
    data: bytes, fmt: str, rel: str, doc_id: str, options: ReaderOptions, *,
    meta: dict[str, Any] | None = None, charset: str | None = None,
) -> Document:
    """The document of a text or HTML page's bytes (``fmt`` is ``text`` or ``html``), within
    the time budget; ``meta`` adds to the document's, ``charset`` is a declared encoding the
    decoder takes as a hint (:func:`~corpusclean.readers.decode.decode_bytes`). Raises
    ``_Unusable`` when the bytes cannot be a document."""
    try:
        with time_budget(options.time_budget):
            try:
                decoded = decode_bytes(data, hint=charset)
            except DecodeError as exc:
                raise _Unusable(exc.reason, str(exc), offset=exc.offset) from None
            del data
            meta = {"source": rel, "format": fmt, "encoding": decoded.to_meta(), **(meta or {})}
            if fmt == "html":
                try:
                    html_lines, evidence = safe_html_to_blocks(decoded.text)
                except HtmlError as exc:
                    raise _Unusable(exc.reason, str(exc)) from None
                text = "\n".join(html_lines)
                meta["dom"] = evidence.to_meta()  # read by html.dom_boilerplate, not written out
                if evidence.page:
                    meta["page"] = evidence.page
            else:
                text = decoded.text
            return Document.from_text(text, id=doc_id, meta=meta)
    except BudgetExceeded as exc:
        raise _Unusable("read.timeout", f"decoding and converting the file {exc}") from None


def _read_at_most(stream: IO[bytes], size: int) -> bytes:
    """Up to ``size`` bytes, read in chunks (a single big ``read(size)`` allocates ``size``)."""
    chunks: list[bytes] = []
    left = size
    while left > 0:
        chunk = stream.read(min(left, _SKIP_CHUNK))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


class IdTable:
    """The ids seen so far in one JSONL file, each with the line it was first seen on: a later
    record with the same id is a duplicate. At most ``room`` more ids are taken (the table must
    not grow without bound on a file of any size); ``first`` may start with ids carried over
    from the earlier ranges of a file split into several (:func:`scan_jsonl_ids`)."""

    __slots__ = ("first", "rel", "room", "warn")

    def __init__(self, room: int, rel: str = "", first: dict[str, int] | None = None, *,
                 warn: bool = True) -> None:
        self.room = room
        self.rel = rel
        self.first: dict[str, int] = dict(first or {})
        self.warn = warn

    def see(self, doc_id: str, lineno: int) -> int | None:
        """The line ``doc_id`` was first seen on, or None (and it is taken, room permitting)."""
        first = self.first.get(doc_id)
        if first is not None:
            return first
        if self.room > 0:
            self.first[doc_id] = lineno
            self.room -= 1
            if not self.room and self.warn:  # said once per file
                log.warning("%s: %d ids seen; duplicates of later ids are not detected",
                            self.rel, len(self.first))
        return None


class _RawLine(tuple):  # type: ignore[type-arg]
    """A non-blank JSONL line to parse: ``(raw bytes, line number, byte offset)``."""

    __slots__ = ()


def _jsonl_lines(
    stream: IO[bytes], rel: str, limit: int, first_line: int, first_offset: int, codec: str | None = None,
) -> Iterator[Reject | _RawLine]:
    """The lines of a JSONL stream to parse, and the rejects of the lines that cannot be;
    ``codec``: the stream decompresses a file of that codec, and may break off.

    Returns ``(offset after the last byte read, whether the stream was read to its end)``: a
    stream that breaks off, or a UTF-16 file, ends with a reject and ``False``."""
    offset = first_offset
    lineno = first_line - 1
    broken = ERRORS if codec is not None else ()
    bad = reason(codec) if codec is not None else ""
    while True:
        start = offset
        try:
            raw = stream.readline(limit + 1)
        except broken as exc:
            yield Reject(
                rel,
                bad,
                f"the {codec} stream breaks off: {exc or 'truncated'}; lines before it were read",
                line=lineno + 1,
                offset=start,
            )
            return offset, False
        if not raw:
            return offset, True
        lineno += 1
        offset += len(raw)
        if len(raw) > limit and not raw.endswith(b"\n"):
            try:
                offset += _skip_line(stream)
            except broken as exc:
                yield Reject(
                    rel,
                    bad,
                    f"the {codec} stream breaks off inside a line: {exc or 'truncated'}",
                    line=lineno,
                    offset=start,
                )
                return offset, False
            yield Reject(
                rel,
                "jsonl.line_too_long",
                f"a line of more than {limit} bytes (--max-bytes); skipped",
                line=lineno,
                offset=start,
            )
            continue
        if lineno == 1 and (
            raw.startswith((b"\xff\xfe", b"\xfe\xff"))
            or (len(raw) >= 8 and raw.count(0) > len(raw) // 4)  # too short to tell: a bad line
        ):
            yield Reject(
                rel,
                "jsonl.not_utf8",
                "JSONL must be UTF-8, this file is UTF-16; convert it (iconv -f UTF-16 -t UTF-8)",
                line=1,
                offset=0,
            )
            return offset, False
        if lineno == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
            start += 3
        if raw.strip():
            yield _RawLine((raw, lineno, start))


def _read_jsonl(
    f: IO[bytes],
    st: os.stat_result,
    codec: str | None,
    rel: str,
    options: ReaderOptions,
    *,
    first_line: int = 1,
    first_offset: int = 0,
    whole: bool = True,
    ids: IdTable | None = None,
    opened: bool = False,
) -> Iterator[Document | Reject]:
    """One document per JSONL line, read line by line; offsets count decompressed bytes.

    ``first_line``, ``first_offset``, ``whole=False`` and ``ids`` read a byte range of a larger
    file (see :func:`read_jsonl_range`); ``opened``: ``f`` is already the decompressed stream."""
    stream = f if opened else open_stream(f, codec)
    table = ids if ids is not None else IdTable(options.max_tracked_ids, rel)
    lines = _jsonl_lines(stream, rel, options.max_bytes, first_line, first_offset, codec)
    produced = 0
    while True:
        try:
            item = next(lines)
        except StopIteration as stop:
            offset, complete = stop.value
            break
        produced += 1
        if isinstance(item, Reject):
            yield item
        else:
            yield _jsonl_record(*item, rel, table, options)
    if not whole or not complete:
        return
    if not produced:
        yield Reject(rel, "read.empty", "no records: the file is empty or holds only blank lines")
    if codec is None:
        try:
            _check_unchanged(f, st, offset)
        except _Unusable as exc:
            yield exc.reject(rel)


class _Range(io.RawIOBase):
    """The bytes ``[start, start + size)`` of an open file, as a readable stream."""

    def __init__(self, f: IO[bytes], size: int) -> None:
        self._f = f
        self._left = size

    def readable(self) -> bool:
        return True

    def readinto(self, buf: Any) -> int:
        n = min(len(buf), self._left)
        if n <= 0:
            return 0
        data = self._f.read(n)
        buf[: len(data)] = data
        self._left -= len(data)
        return len(data)


def read_jsonl_range(
    path: Path | str, rel: str, options: ReaderOptions, start: int, end: int, first_line: int,
    carried: IdTable | None = None, *, codec: str | None = None,
) -> Iterator[Document | Reject]:
    """The records of bytes ``[start, end)`` of a JSONL file, a range that starts at line
    ``first_line``; line numbers and offsets are those of the whole file. ``carried`` is what
    the ranges before this one leave in the file's id table (:func:`scan_jsonl_ids`): given it,
    ids repeated across the cut are found as in one read of the whole file. With ``codec`` the
    file is compressed and the offsets count decompressed bytes: it is decompressed from its
    start, and the bytes before the range are skipped."""
    try:
        f = open_input(path, options.storage_options)  # closed below, after the generator is drained
    except OSError as exc:
        yield Reject(rel, "read.unreadable", f"cannot read the file: {exc.strerror or exc}", offset=start)
        return
    try:
        source = open_stream(f, codec)
    except MissingExtraError as exc:
        f.close()
        yield Reject(rel, "read.missing_extra", str(exc), offset=start)
        return
    with f, source:
        try:
            left = 0
            if codec is not None:
                left = _skip_bytes(source, start)
            else:
                f.seek(start)
        except ERRORS as exc:
            if codec is not None:
                yield Reject(rel, reason(codec), f"the {codec} stream breaks off before this range: "
                             f"{exc or 'truncated'}", offset=start)
            else:
                yield Reject(rel, "read.unreadable", f"cannot read the file: {exc.strerror or exc}",  # type: ignore[union-attr]
                             offset=start)
            return
        if left:
            yield Reject(rel, "read.changed", "the file is shorter than when the run was planned; "
                         "read it again once it is complete", offset=start - left)
            return
        stream = io.BufferedReader(_Range(source, end - start))
        yield from _read_jsonl(
            stream, None, codec, rel, options, first_line=first_line, first_offset=start, whole=False,  # type: ignore[arg-type]
            ids=carried, opened=True,
        )


def _skip_bytes(stream: IO[bytes], size: int) -> int:
    """Read and drop ``size`` bytes of ``stream``, a chunk at a time; return how many were
    missing (the stream ended first)."""
    while size > 0:
        chunk = stream.read(min(size, _SKIP_CHUNK))
        if not chunk:
            break
        size -= len(chunk)
    return size


def scan_jsonl_ids(
    path: Path | str, rel: str, options: ReaderOptions, points: Sequence[tuple[int, int]], *,
    codec: str | None = None,
) -> list[IdTable]:
    """The id table each range of an uncompressed JSONL file cut at ``points`` (``(byte offset,
    line number)`` of each range start, the first at 0) starts with, for
    :func:`read_jsonl_range`: the ids of the earlier ranges that occur again in it, each with
    its first line, and the room left in the file's table. The ranges then find every repeated
    id a single read of the file finds, whatever the cut.

    Reads the file once (decompressed, with ``codec``), line by line, parsing each line as the
    reader does but building no document. A file that cannot be read gives fresh tables (its
    ranges say why it cannot be)."""
    tables = [IdTable(options.max_tracked_ids, rel) for _ in points]
    whole = IdTable(options.max_tracked_ids, rel, warn=False)
    k = 0
    try:
        f = open_input(path, options.storage_options, _BUFFER)  # closed below
    except OSError:
        return tables
    with f:
        try:
            stream = open_stream(f, codec)
            for item in _jsonl_lines(stream, rel, options.max_bytes, 1, 0, codec):
                if isinstance(item, Reject):
                    continue
                raw, lineno, start = item
                while k + 1 < len(points) and start >= points[k + 1][0]:
                    k += 1
                    tables[k].room = whole.room
                parsed = _parse_jsonl(raw, lineno, start, rel, options)
                if isinstance(parsed, Reject):
                    continue
                doc_id = parsed[2]
                first = whole.see(doc_id, lineno)
                if first is not None and first < points[k][1]:
                    tables[k].first[doc_id] = first
        except (*ERRORS, MissingExtraError):
            return [IdTable(options.max_tracked_ids, rel) for _ in points]
    for later in range(k + 1, len(points)):
        tables[later].room = whole.room
    return tables


def _skip_line(stream: IO[bytes]) -> int:
    """Read past the end of the current line without holding it; return the bytes skipped."""
    skipped = 0
    while True:
        chunk = stream.readline(_SKIP_CHUNK)
        skipped += len(chunk)
        if not chunk or chunk.endswith(b"\n"):
            return skipped


def _jsonl_record(
    raw: bytes, lineno: int, start: int, rel: str, ids: IdTable, options: ReaderOptions
) -> Document | Reject:
    parsed = _parse_jsonl(raw, lineno, start, rel, options)
    if isinstance(parsed, Reject):
        return parsed
    record, encoding, doc_id = parsed
    body = record[options.text_field]
    meta: dict[str, Any] = {"source": rel, "format": "jsonl", "line": lineno, "encoding": encoding}
    first = ids.see(doc_id, lineno)
    if first is not None:
        meta["duplicate_id_of_line"] = first
        doc_id = f"{doc_id}#{rel}:{lineno}"
    extra = {k: v for k, v in record.items() if k not in (options.text_field, options.id_field)}
    if extra:
        meta["input_metadata"] = extra
    return field_document(body, doc_id, meta, rel, options, line=lineno, offset=start)


def field_document(
    body: str, doc_id: str, meta: dict[str, Any], rel: str, options: ReaderOptions, *,
    line: int | None = None, offset: int | None = None,
) -> Document | Reject:
    """The document of a record's text field (a JSONL line, a Parquet row): read as an HTML
    page when ``options.text_format`` says so (``auto``: when it looks like markup), else as
    text; a page that cannot be converted is a reject at ``line`` / ``offset``."""
    if options.text_format == "html" or (options.text_format == "auto" and looks_like_html(body)):
        try:
            with time_budget(options.time_budget):
                html_lines, evidence = safe_html_to_blocks(body)
        except HtmlError as exc:
            return Reject(rel, exc.reason, str(exc), line=line, offset=offset)
        except BudgetExceeded as exc:
            return Reject(rel, "read.timeout", f"converting the HTML {exc}", line=line, offset=offset)
        body = "\n".join(html_lines)
        meta.update(text_format="html", dom=evidence.to_meta())
        if evidence.page:
            meta["page"] = evidence.page
    return Document.from_text(body, id=doc_id, meta=meta)


def _parse_jsonl(
    raw: bytes, lineno: int, start: int, rel: str, options: ReaderOptions
) -> tuple[dict[str, Any], dict[str, Any], str] | Reject:
    """A JSONL line's record (lone surrogates replaced), how its bytes were decoded, and its
    id, or the reason it cannot be a document."""
    encoding: dict[str, Any] = {"encoding": "utf-8", "method": "utf-8", "confidence": 1.0}
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        repaired = decode_utf8_replacing(raw)
        if repaired is None:
            return Reject(rel, "jsonl.not_utf8", "the line is not UTF-8", line=lineno, offset=start)
        text, errors, offsets, _ = repaired
        encoding.update(
            method="utf-8-replaced", replaced=errors, replaced_offsets=[start + o for o in offsets]
        )
    try:
        record: Any = fast_json.loads(text)
    except json.JSONDecodeError as exc:
        return Reject(
            rel,
            "jsonl.bad_json",
            f"not valid JSON: {exc.msg} (column {exc.colno})",
            line=lineno,
            offset=start + len(text[: exc.pos].encode("utf-8", "replace")),
        )
    except RecursionError:
        return Reject(rel, "jsonl.too_deep", "JSON nested too deeply", line=lineno, offset=start)
    if not isinstance(record, dict):
        return Reject(
            rel,
            "jsonl.not_object",
            f"a JSONL line must hold a JSON object, not {_json_type(record)}",
            line=lineno,
            offset=start,
        )
    body = record.get(options.text_field)
    if not isinstance(body, str):
        what = (
            "missing" if options.text_field not in record else f"{_json_type(body)}, not a string"
        )
        return Reject(
            rel,
            "jsonl.no_text",
            f"the {options.text_field!r} field is {what}",
            line=lineno,
            offset=start,
        )
    if _depth(record) > MAX_DEPTH:
        return Reject(
            rel,
            "jsonl.too_deep",
            f"JSON nested more than {MAX_DEPTH} levels deep",
            line=lineno,
            offset=start,
        )
    if b"\\u" in raw:  # a lone surrogate can only come from an escape (the bytes are UTF-8)
        record, surrogates = _scrub(record)
        if surrogates:
            encoding["lone_surrogates"] = surrogates
    rid = record.get(options.id_field)
    doc_id = (
        str(rid) if isinstance(rid, (str, int)) and not isinstance(rid, bool) else f"{rel}:{lineno}"
    )
    return record, encoding, doc_id


def _depth(value: Any) -> int:
    """How deeply ``value`` nests objects and arrays (iterative: no recursion limit)."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, d = stack.pop()
        if isinstance(item, dict):
            stack.extend((v, d + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, d + 1) for v in item)
        else:
            continue
        deepest = max(deepest, d + 1)
        if deepest > MAX_DEPTH:
            break
    return deepest


def _json_type(value: Any) -> str:
    names = {
        dict: "an object",
        list: "an array",
        str: "a string",
        bool: "a boolean",
        int: "a number",
        float: "a number",
        type(None): "null",
    }
    return names.get(type(value), type(value).__name__)


def _scrub(value: Any) -> tuple[Any, int]:
    """Replace lone surrogates (``"\\ud800"`` escapes) by U+FFFD; return the value and a count.

    They cannot be written as UTF-8, so they never reach a document.
    """
    if isinstance(value, str):
        if value.isascii():
            return value, 0
        fixed, n = _SURROGATE_RE.subn("\ufffd", value)
        return fixed, n
    if isinstance(value, dict):
        total = 0
        out: dict[Any, Any] = {}
        for k, v in value.items():
            k2, n1 = _scrub(k)
            v2, n2 = _scrub(v)
            out[k2] = v2
            total += n1 + n2
        return out, total
    if isinstance(value, list):
        items = [_scrub(v) for v in value]
        return [v for v, _ in items], sum(n for _, n in items)
    return value, 0
