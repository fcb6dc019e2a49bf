"""Records in, records out, with no engine: the function Spark's ``mapPartitions``, Dask's
``map_partitions`` or ``datasets.map`` calls (examples in ``docs/scale.md``).

>>> out = list(clean_records([{"id": "a", "text": "Hello   world.\\n\\n\\n"}]))
>>> out[0]["id"], out[0]["text"]
('a', 'Hello world.')
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from ..document import Document
from ..pipeline import Pipeline, Result
from ..readers import Reject
from ..record import to_record

#: The ``format`` of documents built from records (the JSONL reader writes ``jsonl``).
RECORD_FORMAT = "record"


def record_to_document(
    record: Mapping[str, Any], *, text_field: str = "text", id_field: str = "id", source: str = ""
) -> Document | Reject:
    """A document from one record, as the JSONL reader builds one from a line, except that a
    record without an id gets one from its text's hash (records have no line number), so the
    id does not depend on how the records were partitioned."""
    body = record.get(text_field)
    rid = record.get(id_field)
    has_id = isinstance(rid, (str, int)) and not isinstance(rid, bool)
    if not isinstance(body, str):
        what = "missing" if body is None else f"a {type(body).__name__}, not a string"
        where = str(rid) if has_id else source
        return Reject(where, "record.no_text", f"the {text_field!r} field is {what}")
    doc_id = str(rid) if has_id else "sha256:" + hashlib.sha256(body.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    meta: dict[str, Any] = {"source": source, "format": RECORD_FORMAT}
    extra = {k: v for k, v in record.items() if k not in (text_field, id_field)}
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
