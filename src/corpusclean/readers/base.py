"""What readers yield: documents, and rejects for what could not be used."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Reject:
    """An input, or part of one, that could not be turned into a document.

    ``reason`` is a dotted code (``decode.binary``, ``jsonl.bad_json``...), ``line`` and
    ``offset`` locate the problem inside ``source`` when that is known.
    """

    source: str
    reason: str
    message: str
    line: int | None = None
    offset: int | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"source": self.source, "reason": self.reason, "message": self.message}
        if self.line is not None:
            out["line"] = self.line
        if self.offset is not None:
            out["offset"] = self.offset
        return out
