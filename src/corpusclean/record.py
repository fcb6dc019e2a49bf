"""The output record: one JSON object per document (see ``docs/schema.md``).

``id``, ``text`` and ``source`` at the top level and everything else under ``metadata``: the
shape datatrove's and dolma's JSONL readers and ``datasets.load_dataset("json")`` take as is.

A record always says what was removed in short (``metadata.removed``: counts by reason and the
line numbers); the removed lines' text goes where ``removed`` says (:data:`REMOVED_MODES`):
into a sidecar row joinable by ``id`` (:func:`removal_row`, ``removals.jsonl``), inline
(``metadata.removed_lines``), or nowhere.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from operator import attrgetter
from typing import Any

from . import _accel
from ._json import dumps_line
from ._version import __version__
from .document import Removal, thaw
from .pipeline import Result

RECORD_SCHEMA = 2

#: Where the removed lines' text goes: a sidecar file beside the records (``removals.jsonl``),
#: the record itself (``metadata.removed_lines``), or nowhere (the summary alone).
REMOVED_MODES = ("sidecar", "inline", "none")

#: Reader-internal ``meta`` keys that are left out of records unless asked for (the HTML
#: reader's per-line DOM evidence is large and only the filters need it).
INTERNAL_META = frozenset({"dom"})


def line_ranges(numbers: Sequence[int]) -> str:
    """Line numbers as compact ranges.

    >>> line_ranges([7, 1, 2, 3, 9, 10])
    '1-3,7,9-10'
    """
    ordered = sorted(set(numbers))
    breaks = [i for i in range(1, len(ordered)) if ordered[i] != ordered[i - 1] + 1]
    return ",".join(str(ordered[a]) if b - a == 1 else f"{ordered[a]}-{ordered[b - 1]}"
                    for a, b in zip([0, *breaks], [*breaks, len(ordered)]) if b > a)


def removal_summary(removals: Sequence[Removal]) -> dict[str, Any]:
    """What was removed, in short: how many lines, how many per reason, which lines."""
    reasons = Counter(map(attrgetter("reason"), removals))
    return {"lines": len(removals), "reasons": dict(sorted(reasons.items())),
            "line_numbers": line_ranges(list(map(attrgetter("line"), removals)))}


def removal_row(result: Result) -> dict[str, Any] | None:
    """The sidecar row of a result: every removed line with its text (None if none was)."""
    doc = result.doc
    if not doc.removals:
        return None
    return {"id": doc.id, "source": doc.meta.get("source", ""), "removed": [r.to_dict() for r in doc.removals]}


def removal_line(result: Result) -> bytes | None:
    """:func:`removal_row` as one JSONL line (``dumps_line``'s bytes), or None if no line was
    removed. With the compiled core, written in one call from the removals' fields."""
    doc = result.doc
    if not doc.removals:
        return None
    source = doc.meta.get("source", "")
    line = _accel.attempt(lambda core: core.removal_row(doc.id, source, doc.removals),
                          "record.removal_row")
    return line if line is not None else dumps_line(removal_row(result))


def to_record(
    result: Result, fingerprint: str, *, keep_internal: bool = False, removed: str = "inline"
) -> dict[str, Any]:
    """Build the output record of a pipeline result (``keep_internal``: also reader evidence;
    ``removed``: one of :data:`REMOVED_MODES`, ``inline`` keeps the removed lines' text in the
    record)."""
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
    metadata["removed"] = removal_summary(doc.removals)
    if removed == "inline":
        metadata["removed_lines"] = [r.to_dict() for r in doc.removals]
    metadata["corpusclean"] = {"version": __version__, "pipeline": fingerprint, "schema": RECORD_SCHEMA}
    return {"id": doc.id, "text": doc.text, "source": metadata["source_path"], "metadata": metadata}


def dumps(record: dict[str, Any]) -> str:
    """One JSONL line, deterministic (keys in the order built, UTF-8 kept as is, line-break
    characters escaped so every reader sees one record per line).

    >>> dumps({"text": "a" + chr(0x2028) + "b"})
    '{"text":"a\\\\u2028b"}\\n'
    """
    return dumps_line(record).decode("utf-8")
