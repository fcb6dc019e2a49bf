"""Shards: the units of work every executor hands out.

The input is cut into shards below the file level: a large JSONL file is split by byte ranges
at line boundaries (for a compressed one, ranges of its decompressed bytes: each is read by
decompressing the file from its start and skipping what comes before the range), a large
Parquet file into runs of whole row groups, and many small files are grouped into one shard. Shards depend
on the input and on ``shard_bytes`` only, never on the number of workers, and their order is
the order of the sorted walk; so writing each shard's output in shard order gives the same bytes
whatever ran them. Input given as a URL is planned the same way (:mod:`corpusclean.remote`):
a unit's ``path`` is then the object's URL, read through fsspec by whichever worker runs it.
"""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..document import Document
from ..readers import ReaderOptions, Reject, read_file, walk
from ..errors import MissingExtraError
from ..readers.compression import ERRORS, open_stream
from ..readers.files import IdTable, file_format, read_jsonl_range, scan_jsonl_ids
from ..remote import ObjectURL, is_url, open_input

#: Default shard size: bytes of input per shard (also bounds what one worker holds at a time).
SHARD_BYTES = 8 * 1024 * 1024
#: At most this many small files go into one shard.
SHARD_FILES = 2000

_SCAN_BLOCK = 4 * 1024 * 1024

#: A compressed JSONL file is decompressed once by the planner, to find its cut points,
#: when it is larger than the shard size divided by this (text compresses three to five times).
GZIP_RATIO = 4
#: At most this many ranges per compressed file (gzip figures; bz2 and xz decompress slower,
#: zstd faster). Each range is read by decompressing the
#: file from its start, so a file cut into k ranges is decompressed k times, half of it on
#: average: about k / 1400 of the time spent cleaning it (decompressing ran at 215 MB/s here,
#: cleaning at 0.3 MB/s), whatever its size. 64 ranges keep that under 5 % and feed 64 workers.
GZIP_MAX_RANGES = 64
#: The same bound for the other codecs, scaled by how fast each decompresses (MB/s of output
#: through :func:`~corpusclean.readers.compression.open_stream` on 40 MB of the bench pages:
#: gzip 228, bz2 26, xz 97, zstd 877), so that decompressing again stays under about 5 %.
MAX_RANGES = {"bz2": 8, "xz": 24, "zstd": 64}


@dataclass(frozen=True, slots=True)
class Unit:
    """One piece of input: a whole file, a byte range of a JSONL file, row groups of a Parquet
    file, or a walk reject.

    For a range, ``start``/``end`` are byte offsets at line starts (of the decompressed stream
    when ``compression`` names a codec) and ``first_line`` is the
    1-based number of the line at ``start``; ``carried`` (ids of the earlier ranges that occur
    again in this one, with the line each was first seen on) and ``id_room`` (how many more ids
    the file's table takes) are what the earlier ranges leave in the file's id table.
    ``row_groups`` is ``(first, end, count)``: row groups ``[first, end)`` of a Parquet file
    that has ``count``.
    """

    rel: str
    path: str = ""
    start: int = 0
    end: int = -1
    first_line: int = 1
    reject: Reject | None = None
    carried: tuple[tuple[str, int], ...] = ()
    id_room: int = -1
    compression: str = ""  # the codec, whose decompressed bytes the offsets count
    row_groups: tuple[int, int, int] = ()
    #: An object of a store (``path`` is its URL): its size and version tag when listed.
    listed: tuple[int, str] | None = None

    @property
    def is_range(self) -> bool:
        return self.end >= 0


@dataclass(frozen=True, slots=True)
class Shard:
    """A numbered list of units, read in order."""

    index: int
    units: tuple[Unit, ...]

    @property
    def name(self) -> str:
        return f"{self.index:05d}"


def split_points(path: Path | str, size: int, shard_bytes: int,
                 options: ReaderOptions | None = None) -> list[tuple[int, int]]:
    """``(byte offset, line number)`` of each range start of a file cut near every
    ``shard_bytes``, always just after a newline. Reads the file once, a block at a time
    (a URL through fsspec, with ``options``' storage options).

    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "a.jsonl"
    >>> _ = p.write_bytes(b"aaaa\\nbb\\ncccccc\\nd\\n")
    >>> split_points(p, p.stat().st_size, 6)
    [(0, 1), (8, 3), (15, 4)]
    """

    def blocks() -> Iterator[bytes]:
        with open_input(path, (options or ReaderOptions()).storage_options) as f:
            pos = 0
            while pos < size and (block := f.read(min(_SCAN_BLOCK, size - pos))):
                pos += len(block)
                yield block

    return _cut_points(blocks(), shard_bytes)[0]


def _cut_points(blocks: Iterator[bytes], shard_bytes: int) -> tuple[list[tuple[int, int]], int]:
    """:func:`split_points` of a stream given as blocks, whatever its size; returns the points
    and the stream's size."""
    points = [(0, 1)]
    target = shard_bytes
    line, pos = 1, 0
    for block in blocks:
        cursor = 0
        while pos + len(block) > target:
            nl = block.find(b"\n", max(target - pos, cursor))
            if nl < 0:
                break
            line += block.count(b"\n", cursor, nl + 1)
            cursor = nl + 1
            points.append((pos + cursor, line))
            target = pos + cursor + shard_bytes
        line += block.count(b"\n", cursor)
        pos += len(block)
    if points[-1][0] == pos and len(points) > 1:  # a cut at the very end starts no range
        points.pop()
    return points, pos


def compressed_split_points(
    path: Path | str, shard_bytes: int, codec: str = "gzip", options: ReaderOptions | None = None,
) -> tuple[list[tuple[int, int]], int] | None:
    """:func:`split_points` of a compressed file's decompressed bytes, and their size; None
    when the file cannot be read to its end, or its codec's package is missing (it is then
    read whole, which reports why). A URL is read through fsspec with ``options``' storage
    options."""

    def blocks() -> Iterator[bytes]:
        with open_input(path, (options or ReaderOptions()).storage_options) as f, open_stream(f, codec) as z:
            while block := z.read(_SCAN_BLOCK):
                yield block

    try:
        return _cut_points(blocks(), shard_bytes)
    except (*ERRORS, MissingExtraError):
        return None


@dataclass(frozen=True, slots=True)
class FileScan:
    """A large JSONL file the planner reads to cut it (a task of :func:`scan_file`)."""

    path: str
    rel: str
    size: int
    compression: str
    shard_bytes: int
    options: ReaderOptions
    listed: tuple[int, str] | None = None


def scan_file(task: FileScan) -> tuple[Unit, ...] | None:
    """The range units of a large JSONL file: cut points, then the ids each range carries
    (:func:`~corpusclean.readers.files.scan_jsonl_ids`); None when the file is to be read whole
    (a compressed file that is one range, or that cannot be read to its end)."""
    path = task.path if is_url(task.path) else Path(task.path)
    if file_format(path)[0] == "warc":
        return _warc_units(task)
    if task.compression:
        cut = compressed_split_points(path, task.shard_bytes, task.compression, task.options)
        if cut is None or len(cut[0]) < 2:
            return None
        cut = _coarsen(cut[0], cut[1], MAX_RANGES.get(task.compression, GZIP_MAX_RANGES)), cut[1]
    else:
        cut = split_points(path, task.size, task.shard_bytes, task.options), task.size
    points, total = cut
    ends = [p for p, _ in points[1:]] + [total]
    tables = scan_jsonl_ids(path, task.rel, task.options, points, codec=task.compression or None)
    return tuple(
        Unit(task.rel, task.path, start, end, first_line,
             carried=tuple(sorted(ids.first.items(), key=lambda kv: kv[1])), id_room=ids.room,
             compression=task.compression, listed=task.listed)
        for (start, first_line), end, ids in zip(points, ends, tables, strict=True)
    )


def _warc_units(task: FileScan) -> tuple[Unit, ...] | None:
    """The range units of a large WARC file, cut at record starts (no ids to carry: WARC
    record ids are not looked for repeats)."""
    from ..readers.warc import warc_split_points

    path = task.path if is_url(task.path) else Path(task.path)
    cut = warc_split_points(path, task.compression or None, task.shard_bytes, task.options.storage_options)
    if cut is None or len(cut[0]) < 2:
        return None
    points, total = cut
    if task.compression:
        points = _coarsen(points, total, MAX_RANGES.get(task.compression, GZIP_MAX_RANGES))
    ends = [p for p, _ in points[1:]] + [total]
    return tuple(Unit(task.rel, task.path, start, end, first, compression=task.compression, listed=task.listed)
                 for (start, first), end in zip(points, ends, strict=True))


#: Runs :func:`scan_file` over the tasks, yielding ``(task number, result)`` in any order (an
#: engine's ``map``).
ScanMap = Callable[[Callable[[FileScan], "tuple[Unit, ...] | None"], Sequence[FileScan]],
                   Iterable[tuple[int, "tuple[Unit, ...] | None"]]]


def _serial_map(fn: Callable[[FileScan], tuple[Unit, ...] | None],
                tasks: Sequence[FileScan]) -> Iterator[tuple[int, tuple[Unit, ...] | None]]:
    return ((i, fn(t)) for i, t in enumerate(tasks))


def _coarsen(points: list[tuple[int, int]], total: int, most: int) -> list[tuple[int, int]]:
    """At most ``most`` ranges, each starting at one of ``points`` and (but the last) at least
    ``total / most`` bytes long.

    >>> _coarsen([(0, 1), (10, 2), (20, 3), (30, 4)], 40, 2)
    [(0, 1), (20, 3)]
    """
    if len(points) <= most:
        return points
    size = -(-total // most)
    kept = [points[0]]
    for point in points[1:]:
        if point[0] - kept[-1][0] >= size:
            kept.append(point)
    return kept


def plan_shards(
    root: Path, options: ReaderOptions | None = None, *, shard_bytes: int = SHARD_BYTES,
    shard_files: int = SHARD_FILES, scan_map: ScanMap | None = None, skipped: Counter[str] | None = None,
) -> list[Shard]:
    """Cut the input under ``root`` into shards (see the module docstring).

    The large JSONL files are read first, to find their cut points and ids (:func:`scan_file`),
    by ``scan_map`` when given (an engine's ``map``: the files are read in parallel), else one
    after the other; the plan is the same either way. ``skipped`` counts the files the walk
    passes over (:func:`~corpusclean.readers.files.walk`)."""
    options = options or ReaderOptions()
    items: list[tuple[Unit | FileScan, int]] = []  # with the file's size
    for item in walk(root, options, skipped=skipped):
        if isinstance(item, Reject):
            items.append((Unit(item.source, reject=item), 0))
            continue
        path, rel = item
        fmt, codec = file_format(path)
        listed = (path.size, path.tag) if isinstance(path, ObjectURL) else None
        try:
            size = listed[0] if listed else Path(path).stat().st_size
        except OSError:
            size = 0
        if fmt in ("jsonl", "warc") and (size > shard_bytes if not codec else size > shard_bytes // GZIP_RATIO):
            items.append((FileScan(str(path), rel, size, codec or "", shard_bytes, options, listed), size))
        elif fmt == "parquet" and size > shard_bytes and len(
                groups := parquet_units(path, rel, shard_bytes, options, listed)) > 1:
            items.extend((unit, size * (unit.row_groups[1] - unit.row_groups[0]) // unit.row_groups[2])
                         for unit in groups)
        else:
            items.append((Unit(rel, str(path), listed=listed), size))
    scans = [it for it, _ in items if isinstance(it, FileScan)]
    cuts: dict[int, tuple[Unit, ...] | None] = dict((scan_map or _serial_map)(scan_file, scans))
    scanned = iter(range(len(scans)))

    shards: list[Shard] = []
    current: list[Unit] = []
    current_bytes = 0

    def flush() -> None:
        nonlocal current, current_bytes
        if current:
            shards.append(Shard(len(shards), tuple(current)))
        current, current_bytes = [], 0

    for item, size in items:
        if isinstance(item, FileScan):
            ranges = cuts[next(scanned)]
            if ranges is not None:
                flush()
                shards += [Shard(len(shards) + k, (unit,)) for k, unit in enumerate(ranges)]
                continue
            item = Unit(item.rel, item.path, listed=item.listed)
        elif item.reject is not None:
            current.append(item)
            continue
        if current and (current_bytes + size > shard_bytes or len(current) >= shard_files):
            flush()
        current.append(item)
        current_bytes += size
    flush()
    return shards


def plan_digest(shards: list[Shard]) -> str:
    """A hash of the plan and of each file's size and time stamp: a resumed run checks it."""
    h = hashlib.sha256()
    for shard in shards:
        for u in shard.units:
            stamp = ""
            if u.listed is not None:
                stamp = f"{u.listed[0]}:{u.listed[1]}"
            elif u.reject is None:
                try:
                    st = os.stat(u.path)
                    stamp = f"{st.st_size}:{st.st_mtime_ns}"
                except OSError:
                    stamp = "missing"
            h.update(f"{shard.index}\t{u.rel}\t{u.start}\t{u.end}\t{u.first_line}\t{stamp}\t"
                     f"{u.id_room}\t{u.carried!r}\t{u.compression}\t{u.row_groups}\n".encode())
    return h.hexdigest()[:16]


def unit_bytes(unit: Unit) -> int:
    """The bytes of input a unit stands for, as progress counts them: its range (of the
    decompressed stream for a compressed range), its row groups' share of a Parquet file, else
    its file's size."""
    if unit.reject is not None:
        return 0
    if unit.is_range:
        return unit.end - unit.start
    if unit.listed is not None:
        size = unit.listed[0]
    else:
        try:
            size = os.stat(unit.path).st_size
        except OSError:
            return 0
    if unit.row_groups:
        first, end, count = unit.row_groups
        return size * (end - first) // count
    return size


def shard_bytes_of(shard: Shard) -> int:
    return sum(unit_bytes(u) for u in shard.units)


def read_unit(
    unit: Unit, options: ReaderOptions, counts: Counter[str] | None = None
) -> Iterator[Document | Reject]:
    """The documents and rejects of one unit, as the readers give them; ``counts`` counts what
    the readers pass over (:func:`~corpusclean.readers.files.read_file`)."""
    if unit.reject is not None:
        yield unit.reject
        return
    path = unit.path if is_url(unit.path) else Path(unit.path)
    if unit.row_groups:
        from ..readers.parquet import read_parquet

        room = options.max_tracked_ids if unit.id_room < 0 else unit.id_room
        yield from read_parquet(path, unit.rel, options, row_groups=unit.row_groups[:2],
                                ids=IdTable(room, unit.rel, dict(unit.carried)))
        return
    if not unit.is_range:
        yield from read_file(path, unit.rel, options, counts)
        return
    if file_format(path)[0] == "warc":
        from ..readers.warc import read_warc_range

        yield from read_warc_range(path, unit.rel, options, unit.start, unit.end,
                                   unit.compression or None, counts)
        return
    room = options.max_tracked_ids if unit.id_room < 0 else unit.id_room
    ids = IdTable(room, unit.rel, dict(unit.carried))
    yield from read_jsonl_range(path, unit.rel, options, unit.start, unit.end, unit.first_line, ids,
                                codec=unit.compression or None)


def read_shard(
    shard: Shard, options: ReaderOptions, counts: Counter[str] | None = None
) -> Iterator[Document | Reject]:
    """Every document and reject of a shard, in order."""
    for unit in shard.units:
        yield from read_unit(unit, options, counts)


def parquet_units(path: Path | str, rel: str, shard_bytes: int, options: ReaderOptions,
                  listed: tuple[int, str] | None = None) -> list[Unit]:
    """The units of a Parquet file: runs of consecutive row groups of about ``shard_bytes``
    (uncompressed, as the file's metadata says), each a unit with the ids of the earlier runs
    that occur again in it (:func:`~corpusclean.readers.parquet.scan_parquet_ids`); one unit
    for the whole file when its metadata cannot be read (reading it then reports why), it has
    no text column, or pyarrow is missing. A URL (``listed``: its size and tag) is read
    through fsspec: only the footer and the id and text columns are fetched."""
    from ..readers.parquet import row_group_sizes, scan_parquet_ids

    groups = row_group_sizes(path, options.text_field, options.storage_options)
    if groups is None or len(groups) < 2:
        return [Unit(rel, str(path), listed=listed)]
    sizes = [size for size, _ in groups]
    runs: list[tuple[int, int]] = []
    first, acc = 0, 0
    for k, size in enumerate(sizes):
        if k > first and acc + size > shard_bytes:
            runs.append((first, k))
            first, acc = k, 0
        acc += size
    runs.append((first, len(sizes)))
    if len(runs) < 2:
        return [Unit(rel, str(path), listed=listed)]
    starts = [1 + sum(rows for _, rows in groups[:a]) for a, _ in runs]
    tables = scan_parquet_ids(path, rel, options, starts)
    return [Unit(rel, str(path), row_groups=(a, b, len(sizes)), id_room=ids.room,
                 carried=tuple(sorted(ids.first.items(), key=lambda kv: kv[1])), listed=listed)
            for (a, b), ids in zip(runs, tables, strict=True)]
