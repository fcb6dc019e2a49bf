"""Parquet files: one document per row, read a batch of rows at a time.

The text column is ``--text-field`` and the id column ``--id-field``, as for JSONL; the other
columns go to ``input_metadata`` as JSON values (dates in ISO 8601, bytes as text or base64:
:func:`~corpusclean.executors.records.json_value`). ``--text-format`` reads the text as an
HTML page as for JSONL. Row groups are what the planner cuts a large file into
(:func:`~corpusclean.executors.shards.parquet_units`). Needs pyarrow
(``pip install 'corpusclean[parquet]'``).

A file without the text column, or whose text column does not hold strings, is one
``parquet.no_text_column`` reject; a file pyarrow cannot read is ``parquet.unreadable``; a
row whose text is null is ``parquet.no_text``. A reject's ``line`` is the row's 1-based number
in the file.

An id repeated in a file is renamed ``ID#PATH:ROW`` with ``duplicate_id_of_row`` as JSONL ids
are (the same :class:`~corpusclean.readers.files.IdTable`): whatever the row groups a run cuts
the file into, since the planner reads the id column once (:func:`scan_parquet_ids`) and hands
each unit the ids of the earlier ones that occur again in it.

A URL (:mod:`corpusclean.remote`) is opened through fsspec and handed to pyarrow as a file:
it seeks to the footer and to the column chunks it needs, so a unit of a few row groups
fetches those, not the whole object.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

from ..document import Document
from ..errors import MissingExtraError, import_extra
from ..remote import is_url, open_input
from .base import Reject
from .files import IdTable

#: Rows converted at a time (bounds memory: a row's text may be up to ``--max-bytes``).
BATCH_ROWS = 256

_ENCODING = {"encoding": "utf-8", "method": "utf-8", "confidence": 1.0}


def require_pyarrow() -> Any:
    """``pyarrow.parquet``; :class:`MissingExtraError` names the extra when it is missing."""
    return import_extra("pyarrow.parquet", "parquet", "reading Parquet files")


@contextlib.contextmanager
def opened(source: Path | str | IO[bytes], storage_options: Mapping[str, Any] | None) -> Iterator[Any]:
    """What pyarrow reads: a local path or an open file as it is, a URL opened through fsspec
    (closed on leaving)."""
    if is_url(source):
        with open_input(str(source), storage_options) as f:
            yield f
    else:
        yield source


def row_group_sizes(path: Path | str, text_field: str = "text",
                    storage_options: Mapping[str, Any] | None = None) -> list[tuple[int, int]] | None:
    """The uncompressed size and the rows of each row group of a Parquet file (a path or a
    URL), or None when the file cannot be opened, pyarrow is missing, or it has no
    ``text_field`` column (it is then read whole, which reports why)."""
    try:
        pq = require_pyarrow()
        with opened(path, storage_options) as source:
            meta = pq.ParquetFile(source).metadata
        if text_field not in meta.schema.to_arrow_schema().names:
            return None
        return [(meta.row_group(k).total_byte_size, meta.row_group(k).num_rows) for k in range(meta.num_row_groups)]
    except (MissingExtraError, OSError, ValueError, TypeError):  # pyarrow's errors subclass these
        return None


def read_parquet(
    source: Path | str | IO[bytes], rel: str, options: Any, *, row_groups: Sequence[int] | None = None,
    ids: IdTable | None = None,
) -> Iterator[Document | Reject]:
    """The documents of a Parquet file (a path, a URL or an open file), or of row groups
    ``[first, end)`` of it starting with the id table ``ids``."""
    try:
        pq = require_pyarrow()
    except MissingExtraError as exc:
        yield Reject(rel, "read.missing_extra", str(exc))
        return
    with contextlib.ExitStack() as stack:
        try:
            f = stack.enter_context(opened(source, options.storage_options))
        except (OSError, MissingExtraError) as exc:  # an object of a store that cannot be opened
            yield Reject(rel, "read.unreadable", f"cannot open the object: {exc}")
            return
        yield from _read_parquet(pq, f, rel, options, row_groups, ids)


def _read_parquet(
    pq: Any, source: Path | IO[bytes], rel: str, options: Any, row_groups: Sequence[int] | None,
    ids: IdTable | None,
) -> Iterator[Document | Reject]:
    import pyarrow as pa

    try:
        pfile = pq.ParquetFile(source)
        meta = pfile.metadata
        schema = pfile.schema_arrow
    except (OSError, ValueError, TypeError) as exc:  # ArrowInvalid is a ValueError
        yield Reject(rel, "parquet.unreadable", f"not a Parquet file pyarrow can read: {exc}")
        return
    field = options.text_field
    if field not in schema.names:
        yield Reject(rel, "parquet.no_text_column",
                     f"no {field!r} column (--text-field); the columns are: {', '.join(schema.names)}")
        return
    kind = schema.field(field).type
    if not (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
        yield Reject(rel, "parquet.no_text_column", f"the {field!r} column holds {kind}, not strings")
        return
    first, end = row_groups if row_groups is not None else (0, meta.num_row_groups)
    row = sum(meta.row_group(k).num_rows for k in range(first)) + 1
    if first >= end:
        return
    batches = pfile.iter_batches(batch_size=BATCH_ROWS, row_groups=list(range(first, end)))
    table = ids if ids is not None else IdTable(options.max_tracked_ids, rel)
    produced = 0
    while True:
        try:
            batch = next(batches)
            records = batch.to_pylist()
        except StopIteration:
            break
        except (OSError, ValueError, TypeError) as exc:
            yield Reject(rel, "parquet.unreadable", f"reading the rows failed: {exc}", line=row)
            return
        for record in records:
            produced += 1
            yield _row_document(record, row, rel, options, table)
            row += 1
    if not produced and row_groups is None:
        yield Reject(rel, "read.empty", "no rows: the Parquet file is empty")


def _row_id(value: Any, rel: str, row: int) -> str:
    return str(value) if isinstance(value, (str, int)) and not isinstance(value, bool) else f"{rel}:{row}"


def _row_document(record: dict[str, Any], row: int, rel: str, options: Any, ids: IdTable) -> Document | Reject:
    from ..executors.records import json_value  # the executors import the readers
    from .files import field_document

    body = record.get(options.text_field)
    if body is None:
        return Reject(rel, "parquet.no_text", f"the {options.text_field!r} value is null", line=row)
    if len(body) > options.max_bytes and len(body.encode("utf-8")) > options.max_bytes:
        return Reject(rel, "read.too_large", f"a text of more than {options.max_bytes} bytes (--max-bytes); "
                      "skipped", line=row)
    doc_id = _row_id(record.get(options.id_field), rel, row)
    meta: dict[str, Any] = {"source": rel, "format": "parquet", "row": row, "encoding": dict(_ENCODING)}
    first = ids.see(doc_id, row)
    if first is not None:
        meta["duplicate_id_of_row"] = first
        doc_id = f"{doc_id}#{rel}:{row}"
    extra: dict[str, Any] = {}
    for key, value in record.items():
        if key in (options.text_field, options.id_field):
            continue
        try:
            extra[str(key)] = json_value(value)
        except (TypeError, ValueError, RecursionError) as exc:
            return Reject(rel, "parquet.bad_metadata", f"the {key!r} column cannot be kept as JSON: {exc}",
                          line=row)
    if extra:
        meta["input_metadata"] = extra
    return field_document(body, doc_id, meta, rel, options, line=row)


def scan_parquet_ids(path: Path | str, rel: str, options: Any, starts: Sequence[int]) -> list[IdTable]:
    """The id table each unit of a Parquet file cut at rows ``starts`` (1-based, the first 1)
    starts with, as :func:`~corpusclean.readers.files.scan_jsonl_ids` gives for JSONL ranges:
    the ids of the earlier units that occur again in it, with their first row, and the room
    left. Reads the id and text columns once; a row counts as the reader counts it (a text
    that is not null and within ``max_bytes``). A file that cannot be read gives fresh tables."""
    tables = [IdTable(options.max_tracked_ids, rel) for _ in starts]
    whole = IdTable(options.max_tracked_ids, rel, warn=False)
    k, row = 0, 1
    try:
        pq = require_pyarrow()
        import pyarrow.compute as pc

        with opened(path, options.storage_options) as source:
            pfile = pq.ParquetFile(source)
            names = pfile.schema_arrow.names
            columns = [options.text_field] + ([options.id_field] if options.id_field in names else [])
            for batch in pfile.iter_batches(batch_size=64 * BATCH_ROWS, columns=columns):
                text = batch.column(0)
                usable = pc.and_(pc.is_valid(text), pc.less_equal(pc.binary_length(text), options.max_bytes))
                values = batch.column(1).to_pylist() if len(columns) > 1 else [None] * batch.num_rows
                for ok, value in zip(usable.to_pylist(), values, strict=True):
                    while k + 1 < len(starts) and row >= starts[k + 1]:
                        k += 1
                        tables[k].room = whole.room
                    if ok:
                        first = whole.see(_row_id(value, rel, row), row)
                        if first is not None and first < starts[k]:
                            tables[k].first[_row_id(value, rel, row)] = first
                    row += 1
    except (MissingExtraError, OSError, ValueError, TypeError):
        return [IdTable(options.max_tracked_ids, rel) for _ in starts]
    for later in range(k + 1, len(starts)):
        tables[later].room = whole.room
    return tables
