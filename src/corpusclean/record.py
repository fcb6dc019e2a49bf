"""The output record: one JSON object per document (see ``docs/schema.md``).

``id``, ``text`` and ``source`` at the top level and everything else under ``metadata``: the
shape datatrove's and dolma's JSONL readers and ``datasets.load_dataset("json")`` take as is.
"""

from __future__ import annotations

from typing import Any

from ._json import dumps_line
from ._version import __version__
from .document import thaw
from .pipeline import Result

RECORD_SCHEMA = 1

#: Reader-internal ``meta`` keys that are left out of records unless asked for (the HTML
#: reader's per-line DOM evidence is large and only the filters need it).
INTERNAL_META = frozenset({"dom"})


def to_record(result: Result, fingerprint: str, *, keep_internal: bool = False) -> dict[str, Any]:
    """Build the output record of a pipeline result (``keep_internal``: also reader evidence)."""
    doc = result.doc
    meta = thaw(doc.meta)
    if not keep_internal:
        for key in INTERNAL_META:
            meta.pop(key, None)
    metadata: dict[str, Any] = {
        "source_path": meta.pop("source", ""),
        "format": meta.pop("format", ""),
    }
    annotations = thaw(doc.annotations)
    metadata["language"] = annotations.pop("language", None)
    metadata["language_score"] = annotations.pop("language_score", None)
    metadata["encoding"] = meta.pop("encoding", None)
    metadata.update(sorted(annotations.items()))
    metadata.update(sorted(meta.items()))
    if result.dropped:
        metadata["dropped"] = {"reason": result.dropped, "step": result.dropped_by}
    metadata["removed"] = [r.to_dict() for r in doc.removals]
    metadata["corpusclean"] = {"version": __version__, "pipeline": fingerprint, "schema": RECORD_SCHEMA}
    return {"id": doc.id, "text": doc.text, "source": metadata["source_path"], "metadata": metadata}


def dumps(record: dict[str, Any]) -> str:
    """One JSONL line, deterministic (keys in the order built, UTF-8 kept as is, line-break
    characters escaped so every reader sees one record per line).

    >>> dumps({"text": "a" + chr(0x2028) + "b"})
    '{"text":"a\\\\u2028b"}\\n'
    """
    return dumps_line(record).decode("utf-8")
