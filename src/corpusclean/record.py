"""The output record: one JSON object per document (see ``docs/schema.md``).

``id``, ``text`` and ``source`` at the top level and everything else under ``metadata``: the
shape datatrove's and dolma's JSONL readers and ``datasets.load_dataset("json")`` take as is.
"""

from __future__ import annotations

import json
from typing import Any

from ._version import __version__
from .document import thaw
from .pipeline import Result

RECORD_SCHEMA = 1


def to_record(result: Result, fingerprint: str) -> dict[str, Any]:
    """Build the output record of a pipeline result."""
    doc = result.doc
    meta = thaw(doc.meta)
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


#: Characters that ``str.splitlines()`` and some JSONL readers take as line ends; JSON allows
#: them raw inside strings, so they are escaped to keep one record on one line for every reader.
_LINE_BREAKS = {"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_LINE_BREAKS_TABLE = str.maketrans(_LINE_BREAKS)


def dumps(record: dict[str, Any]) -> str:
    """One JSONL line, deterministic (keys in the order built, UTF-8 kept as is).

    >>> dumps({"text": "a" + chr(0x2028) + "b"})
    '{"text":"a\\\\u2028b"}\\n'
    """
    line = json.dumps(record, ensure_ascii=False, separators=(",", ":"))
    if not line.isascii():
        line = line.translate(_LINE_BREAKS_TABLE)
    return line + "\n"
