"""Records in, records out, with no engine: the function Spark's ``mapPartitions``, Dask's
``map_partitions`` or ``datasets.map`` calls (examples in ``docs/scale.md``).

>>> out = list(clean_records([{"id": "a", "text": "Hello   world.\\n\\n\\n"}]))
>>> out[0]["id"], out[0]["text"]
('a', 'Hello world.')
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import math
import uuid
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from ..document import Document
from ..pipeline import Pipeline, Result
from ..readers import Reject
from ..record import to_record

#: The ``format`` of documents built from records (the JSONL reader writes ``jsonl``).
RECORD_FORMAT = "record"


#: Values nested deeper than this are refused (the conversion is recursive).
MAX_DEPTH = 64


def json_value(value: Any, depth: int = 0) -> Any:
    """A record's value as a JSON value, as rows of Arrow, pandas or Ray hold them: dates and
    times in ISO 8601, durations in seconds, decimals as numbers when a float holds them
    exactly (else as strings), bytes as UTF-8 text or ``{"base64": ...}``, NumPy scalars and
    arrays as numbers and lists, NaN, NaT and missing values as null. Raises ``TypeError`` for
    what has no JSON form.

    >>> json_value({"when": dt.date(2024, 5, 3), "price": Decimal("9.50"), "raw": b"ok", "n": float("nan")})
    {'when': '2024-05-03', 'price': 9.5, 'raw': 'ok', 'n': None}
    """
    if depth > MAX_DEPTH:
        msg = f"nested more than {MAX_DEPTH} levels deep"
        raise TypeError(msg)
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Decimal):
        if not value.is_finite():
            return None
        if value == value.to_integral_value():
            return int(value)
        return float(value) if Decimal(repr(float(value))) == value else str(value)
    if isinstance(value, (dt.date, dt.time)):  # datetime and pandas' Timestamp are dates
        return None if value != value else value.isoformat()  # NaT is not equal to itself
    if isinstance(value, dt.timedelta):
        return None if value != value else value.total_seconds()
    if isinstance(value, (bytes, bytearray, memoryview)):
        raw = bytes(value)
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            return {"base64": base64.b64encode(raw).decode("ascii")}
    if isinstance(value, (uuid.UUID, PurePath)):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): json_value(v, depth + 1) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_value(v, depth + 1) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted((json_value(v, depth + 1) for v in value), key=repr)
    if type(value).__module__ == "numpy" and hasattr(value, "tolist"):  # scalars and arrays
        return json_value(value.tolist(), depth + 1)
    if type(value).__name__ in ("NAType", "NaTType"):  # pandas' missing values
        return None
    msg = f"a {type(value).__name__} value has no JSON form"
    raise TypeError(msg)


def record_to_document(
    record: Mapping[str, Any], *, text_field: str = "text", id_field: str = "id", source: str = ""
) -> Document | Reject:
    """A document from one record, as the JSONL reader builds one from a line, except that a
    record without an id gets one from its text's hash (records have no line number), so the
    id does not depend on how the records were partitioned. The other columns go into
    ``input_metadata`` as JSON values (:func:`json_value`); a column that has none makes the
    record a ``record.bad_metadata`` reject."""
    body = record.get(text_field)
    rid = record.get(id_field)
    has_id = isinstance(rid, (str, int)) and not isinstance(rid, bool)
    if not isinstance(body, str):
        what = "missing" if body is None else f"a {type(body).__name__}, not a string"
        where = str(rid) if has_id else source
        return Reject(where, "record.no_text", f"the {text_field!r} field is {what}")
    doc_id = str(rid) if has_id else "sha256:" + hashlib.sha256(body.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    meta: dict[str, Any] = {"source": source, "format": RECORD_FORMAT}
    extra: dict[str, Any] = {}
    for key, value in record.items():
        if key in (text_field, id_field):
            continue
        try:
            extra[str(key)] = json_value(value)
        except (TypeError, ValueError, RecursionError) as exc:
            return Reject(doc_id, "record.bad_metadata", f"the {key!r} column cannot be kept as JSON: {exc}")
    if extra:
        meta["input_metadata"] = extra
    return Document.from_text(body, id=doc_id, meta=meta)


def outcome_to_record(outcome: Result | Reject, fingerprint: str) -> dict[str, Any]:
    """The output record of a result; a reject becomes a record with ``metadata.rejected``."""
    if isinstance(outcome, Reject):
        return {"id": outcome.source, "text": "", "source": outcome.source,
                "metadata": {"rejected": outcome.to_dict()}}
    return to_record(outcome, fingerprint)


def clean_records(
    records: Iterable[Mapping[str, Any]],
    pipeline: Pipeline | None = None,
    *,
    text_field: str = "text",
    id_field: str = "id",
    source: str = "",
    dropped: bool = False,
) -> Iterator[dict[str, Any]]:
    """Clean records (dicts with a text field) into output records (``docs/schema.md``).

    Yields the records of kept documents in input order; with ``dropped=True`` also those of
    dropped documents (``metadata.dropped``) and of records that have no text
    (``metadata.rejected``). Without corpus steps the records stream one at a time; with corpus
    steps they are held in memory and every corpus step sees all of them: on a partition of a
    larger dataset, that means the partition only (``clean_dataset`` and the executors run corpus
    steps over everything).
    """
    from ..runner import process  # the runner imports the executors

    pipeline = pipeline or Pipeline.default()
    fingerprint = pipeline.fingerprint()
    items = (record_to_document(r, text_field=text_field, id_field=id_field, source=source) for r in records)
    for _, outcome in process(items, pipeline):
        if dropped or (isinstance(outcome, Result) and outcome.kept):
            yield outcome_to_record(outcome, fingerprint)
