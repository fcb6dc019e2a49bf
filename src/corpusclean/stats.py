"""Run statistics: counters keyed by name that merge by addition, so shards add up."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any

from .pipeline import Result
from .readers.base import Reject

#: The fields of ``stats.json`` that describe the run rather than its output: ``run`` (what the
#: output was made from, which ``--resume`` checks) and ``timings`` (times and rates, which
#: vary from run to run). Every other field, and every other output file, is the same bytes
#: for the same input and configuration whatever ran it.
RUN_FIELDS = ("run", "timings")

_REASON = attrgetter("reason")


@dataclass
class Stats:
    """Counts for a run: documents, rejects, drops and removed lines per reason, per step.

    ``counts`` keys are dotted: ``documents.in``, ``documents.kept``, ``dropped.<reason>``,
    ``rejected.<reason>``, ``removed_lines.<reason>``, ``steps.<name>.<action>``,
    ``languages.<code>``. Timings are kept apart in ``seconds`` because they vary run to run.
    """

    counts: Counter[str] = field(default_factory=Counter)
    seconds: Counter[str] = field(default_factory=Counter)
    #: Figures of the run that vary from run to run (``stats.json`` ``timings``; see
    #: :data:`RUN_FIELDS`): empty until the run ends.
    timings: dict[str, Any] = field(default_factory=dict)

    def add_result(self, result: Result) -> None:
        c = self.counts
        c["documents.in"] += 1
        if result.kept:
            c["documents.kept"] += 1
            lang = result.doc.annotations.get("language")
            if isinstance(lang, str):
                c[f"languages.{lang}"] += 1
        else:
            c["documents.dropped"] += 1
            c[f"dropped.{result.dropped}"] += 1
        for t in result.trace:
            c[f"steps.{t.step}.{t.action}"] += 1
            self.seconds[t.step] += t.seconds
            if t.removed:
                for reason, n in Counter(map(_REASON, t.removed)).items():
                    c[f"removed_lines.{reason}"] += n
                c["removed_lines.total"] += len(t.removed)

    def add_reject(self, reject: Reject) -> None:
        self.counts["documents.rejected"] += 1
        self.counts[f"rejected.{reject.reason}"] += 1

    def __add__(self, other: Stats) -> Stats:
        return Stats(self.counts + other.counts, self.seconds + other.seconds)

    def __iadd__(self, other: Stats) -> Stats:
        self.counts.update(other.counts)
        self.seconds.update(other.seconds)
        return self

    def group(self, prefix: str) -> dict[str, int]:
        """Counters under ``prefix.``, without the prefix, largest first then by name."""
        items = [(k[len(prefix) + 1:], v) for k, v in self.counts.items() if k.startswith(prefix + ".")]
        return dict(sorted(items, key=lambda kv: (-kv[1], kv[0])))

    def to_dict(self) -> dict[str, Any]:
        """Deterministic counters only (timings are not included)."""
        return {"counts": dict(sorted(self.counts.items()))}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Stats:
        return cls(Counter(data.get("counts", {})), Counter(data.get("seconds", {})),
                   dict(data.get("timings", {})))
