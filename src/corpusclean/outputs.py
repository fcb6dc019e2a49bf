"""The output layout: how the four record streams are written and read back.

The record streams (``documents``, ``dropped``, ``rejects``, ``removals``) are assembled from the
shard parts in shard order, so their rows are the same whatever ran them. A :class:`Layout`
says how they land on disk:

- ``format``: JSON Lines (``jsonl``, default) or Parquet (``parquet``, the ``parquet`` extra);
- ``compress``: none, ``gz`` (gzip, ``mtime`` 0 and no name in the header, so the bytes depend
  on the rows alone) or ``zst`` (Zstandard, the ``zstd`` extra); for Parquet the column codec
  (default: snappy);
- ``max_bytes``: a new file is started before a row that would take the current one past this
  many bytes of JSONL, counted before compression (a file holds at least one row). Cut points
  depend on the rows alone, never on the number of workers.

File names (``docs/schema.md``): ``STREAM.jsonl``, ``STREAM.jsonl.gz``, ``STREAM.jsonl.zst``,
``STREAM.parquet``; with ``max_bytes``, ``STREAM-00000.jsonl`` and so on, numbered from 0 in row
order (an empty stream is one empty file, numbered 0). :func:`stream_files` and
:func:`iter_rows` read any of them back as the JSONL rows they hold.
"""

from __future__ import annotations

import gzip
import os
import re
import shutil
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from . import _json
from .errors import import_extra
from .readers.compression import codec_of, open_stream
from .writers import StagedFile

#: The record streams, in the order they are assembled.
STREAMS = ("documents", "dropped", "rejects", "removals")
FORMATS = ("jsonl", "parquet")
COMPRESSIONS = ("gz", "zst")

#: Any record-stream file of any layout.
FILE_RE = re.compile(r"(documents|dropped|rejects|removals)(?:-(\d{5,}))?\.(jsonl(?:\.gz|\.zst)?|parquet)")

#: A Parquet row group ends after this many rows or bytes of JSONL, whichever comes first (and
#: at a file's cut point): what the writer holds in memory.
ROW_GROUP_ROWS = 4096
ROW_GROUP_BYTES = 4 * 1024 * 1024
_GZIP_LEVEL = 6
_ZSTD_LEVEL = 3


@dataclass(frozen=True)
class Layout:
    """How the record streams are written (see the module docstring).

    >>> Layout().name("documents"), Layout("jsonl", "gz", 1 << 20).name("removals", 3)
    ('documents.jsonl', 'removals-00003.jsonl.gz')
    """

    format: str = "jsonl"
    compress: str | None = None
    max_bytes: int | None = None

    def __post_init__(self) -> None:
        problems = []
        if self.format not in FORMATS:
            problems.append(f"output format {self.format!r}: choose one of {', '.join(FORMATS)}")
        if self.compress not in (None, *COMPRESSIONS):
            problems.append(f"compression {self.compress!r}: choose one of {', '.join(COMPRESSIONS)}")
        if self.max_bytes is not None and self.max_bytes < 1:
            problems.append(f"max_bytes {self.max_bytes}: give a positive number of bytes or None")
        if problems:
            raise ValueError("; ".join(problems))

    @property
    def suffix(self) -> str:
        if self.format == "parquet":
            return ".parquet"
        return ".jsonl" + (f".{self.compress}" if self.compress else "")

    def name(self, stream: str, index: int | None = None) -> str:
        """The file name of part ``index`` of ``stream`` (``None``: the one file of an unsplit
        layout)."""
        return f"{stream}{'' if index is None else f'-{index:05d}'}{self.suffix}"

    def identity(self) -> dict[str, Any]:
        """What ``--resume`` compares (``stats.json`` ``run.output``)."""
        return {"format": self.format, "compress": self.compress, "max_bytes": self.max_bytes}

    def require(self) -> None:
        """Raise :class:`MissingExtraError` naming the extra to install if a module is missing."""
        if self.format == "parquet":
            _module("pyarrow.parquet", "parquet")
        elif self.compress == "zst":
            _module("zstandard", "zstd")


def _module(name: str, extra: str) -> Any:
    return import_extra(name, extra, "this output")


# -- writing ---------------------------------------------------------------------------------------


class _JsonlSink:
    """One JSONL file, compressed as the layout says, staged and renamed when closed."""

    def __init__(self, path: Path, layout: Layout) -> None:
        self.staged = StagedFile(path, sync=True)
        self.closers: list[Callable[[], None]] = []
        out: IO[bytes] = self.staged.file
        if layout.compress == "gz":
            gz = gzip.GzipFile(filename="", mode="wb", fileobj=out, compresslevel=_GZIP_LEVEL, mtime=0)
            self.closers.append(gz.close)
            out = gz  # type: ignore[assignment]
        elif layout.compress == "zst":
            zstd = _module("zstandard", "zstd")
            zw = zstd.ZstdCompressor(level=_ZSTD_LEVEL, write_checksum=True).stream_writer(out, closefd=False)
            self.closers.append(zw.close)
            out = zw
        self.write = out.write

    def close(self) -> None:
        for close in self.closers:
            close()
        self.staged.commit()

    def discard(self) -> None:
        self.staged.discard()


def parquet_schema(stream: str) -> Any:
    """The fixed Arrow schema of ``stream``: every file of a run has the same columns, so
    ``datasets.load_dataset("parquet")`` takes them together. A record's ``metadata`` is its
    JSON text (the object of the JSONL record, keys in the same order)."""
    import pyarrow as pa

    s = pa.string()
    if stream in ("documents", "dropped"):
        return pa.schema([("id", s), ("text", s), ("source", s), ("metadata", s)])
    if stream == "rejects":
        return pa.schema([("source", s), ("reason", s), ("message", s), ("line", pa.int64()),
                          ("offset", pa.int64())])
    removal = pa.struct([("line", pa.int64()), ("reason", s), ("step", s), ("detail", s), ("text", s)])
    return pa.schema([("id", s), ("source", s), ("removed", pa.list_(removal))])


def _parquet_row(stream: str, line: bytes) -> dict[str, Any]:
    row = _json.loads(line)
    if stream in ("documents", "dropped"):
        row["metadata"] = _json.dumps_line(row["metadata"])[:-1].decode("utf-8", "surrogatepass")
    return row


class _ParquetSink:
    def __init__(self, path: Path, layout: Layout, stream: str) -> None:
        pq = _module("pyarrow.parquet", "parquet")
        self.stream = stream
        self.schema = parquet_schema(stream)
        self.staged = StagedFile(path, sync=True)
        codec = {"gz": "gzip", "zst": "zstd", None: "snappy"}[layout.compress]
        self.writer = pq.ParquetWriter(self.staged.file, self.schema, compression=codec)
        self.rows: list[dict[str, Any]] = []
        self.held = 0

    def write(self, line: bytes) -> None:
        self.rows.append(_parquet_row(self.stream, line))
        self.held += len(line)
        if len(self.rows) >= ROW_GROUP_ROWS or self.held >= ROW_GROUP_BYTES:
            self._flush()

    def _flush(self) -> None:
        import pyarrow as pa

        if self.rows:
            self.writer.write_table(pa.Table.from_pylist(self.rows, schema=self.schema))
            self.rows, self.held = [], 0

    def close(self) -> None:
        self._flush()
        self.writer.close()
        self.staged.commit()

    def discard(self) -> None:
        try:
            self.writer.close()
        finally:
            self.staged.discard()


def _lines(parts: Iterable[Path]) -> Iterator[bytes]:
    for part in parts:
        with part.open("rb") as f:
            yield from f


def write_stream(parts: Iterable[Path], output: Path, stream: str, layout: Layout) -> list[str]:
    """Assemble ``stream`` from its shard ``parts`` (JSONL) into ``output`` as ``layout`` says;
    return the names of the files written, in row order."""
    if layout == Layout():
        name = layout.name(stream)
        _copy(parts, output / name)
        return [name]
    names: list[str] = []
    split = layout.max_bytes is not None
    sink: _JsonlSink | _ParquetSink | None = None
    size = 0

    def start() -> _JsonlSink | _ParquetSink:
        name = layout.name(stream, len(names) if split else None)
        names.append(name)
        if layout.format == "parquet":
            return _ParquetSink(output / name, layout, stream)
        return _JsonlSink(output / name, layout)

    try:
        sink = start()
        for line in _lines(parts):
            if split and size and size + len(line) > layout.max_bytes:  # type: ignore[operator]
                sink.close()
                sink = start()
                size = 0
            sink.write(line)
            size += len(line)
        sink.close()
        sink = None
    finally:
        if sink is not None:
            sink.discard()
    return names


def _copy(parts: Iterable[Path], target: Path) -> None:
    """Join the parts into ``target`` as they are (synced: it is final output), atomically."""
    out = StagedFile(target, sync=True)
    try:
        for part in parts:
            with part.open("rb") as src:
                _append(src, out.file)
        out.commit()
    except BaseException:
        out.discard()
        raise


def _append(src: IO[bytes], dst: IO[bytes]) -> None:
    """Append what is left of ``src`` to ``dst``: by the kernel where it can
    (``os.copy_file_range``: no copy through this process), else through a buffer."""
    copy_range = getattr(os, "copy_file_range", None)
    if copy_range is not None:
        dst.flush()
        try:
            while copy_range(src.fileno(), dst.fileno(), 1 << 30):
                pass
            return
        except OSError:  # not between these files (another file system, an old kernel)
            pass  # the buffer copies what the kernel did not: both offsets have moved on
    shutil.copyfileobj(src, dst, 4 * 1024 * 1024)


def remove_stale(output: Path, keep: Iterable[str]) -> None:
    """Remove the record-stream files of an earlier layout that this run did not write (an
    earlier run cut into more files, or in another format)."""
    kept = set(keep)
    for path in output.iterdir():
        if FILE_RE.fullmatch(path.name) and path.name not in kept and not path.is_dir():
            path.unlink()


def existing_files(output: Path) -> list[str]:
    """The record-stream files in ``output``, any layout, sorted by name."""
    if not output.is_dir():
        return []
    return sorted(p.name for p in output.iterdir() if FILE_RE.fullmatch(p.name))


# -- reading ---------------------------------------------------------------------------------------


def stream_files(output: Path, stream: str) -> list[Path]:
    """The files of ``stream`` in ``output`` in row order, whatever the layout."""
    found = []
    for name in existing_files(output):
        m = FILE_RE.fullmatch(name)
        assert m is not None
        if m.group(1) == stream:
            found.append((int(m.group(2) or -1), name))
    return [output / name for _, name in sorted(found)]


def iter_lines(path: Path) -> Iterator[bytes]:
    """The rows of one stream file as JSONL lines (Parquet rows written back as the JSONL
    line they came from)."""
    if path.suffix == ".parquet":
        pq = _module("pyarrow.parquet", "parquet")
        stream = FILE_RE.fullmatch(path.name).group(1)  # type: ignore[union-attr]
        for batch in pq.ParquetFile(path).iter_batches(batch_size=ROW_GROUP_ROWS):
            for row in batch.to_pylist():
                yield _json.dumps_line(_from_parquet(stream, row))
        return
    with path.open("rb") as raw, open_stream(raw, codec_of(path.name)[1]) as f:
        yield from f


def iter_pieces(path: Path, size: int = 1 << 22) -> Iterator[bytes]:
    """The decompressed bytes of one JSONL stream file in pieces of ``size`` (the last shorter);
    a piece may end inside a row."""
    with path.open("rb") as raw, open_stream(raw, codec_of(path.name)[1]) as f:
        while piece := f.read(size):
            yield piece


def _from_parquet(stream: str, row: dict[str, Any]) -> dict[str, Any]:
    if stream in ("documents", "dropped"):
        row["metadata"] = _json.loads(row["metadata"])
    elif stream == "rejects":
        for key in ("line", "offset"):
            if row[key] is None:
                del row[key]
    elif stream == "removals":
        for r in row["removed"]:
            if r["detail"] is None:
                del r["detail"]
            r["text"] = r.pop("text")
    return row


def stream_lines(output: Path, stream: str) -> Iterator[bytes]:
    """Every row of ``stream`` in ``output`` as its JSONL line, in row order, whatever the layout."""
    for path in stream_files(output, stream):
        yield from iter_lines(path)


def iter_rows(output: Path, stream: str) -> Iterator[dict[str, Any]]:
    """Every row of ``stream`` in ``output`` as the JSONL object it is, in row order."""
    return map(_json.loads, stream_lines(output, stream))


def is_output(path: Path) -> bool:
    """Whether ``path`` holds the output of a finished ``corpusclean clean``."""
    return path.is_dir() and (path / "stats.json").is_file() and bool(stream_files(path, "documents"))
