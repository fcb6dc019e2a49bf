"""One shard task: read a shard (or the previous pass's spill), run some steps, and write.

A run with corpus steps makes one pass per corpus step plus a final one. Pass ``j`` runs steps
``[start, end)`` on every document of a shard; a collecting pass then adds each kept document
to the next corpus step's state and spills its outcomes (a pickle stream) for the next pass;
the final pass writes the shard's documents, dropped documents, rejects and stats. Every file
is written under a temporary name and renamed; the shard's completion marker comes last, so a
killed run resumes from its markers with nothing lost and nothing written twice.
"""

from __future__ import annotations

import json
import pickle
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .._json import dumps_line
from ..budget import default_budget
from ..document import Document
from ..pipeline import Pipeline, Result, Step
from ..readers import ReaderOptions, Reject
from ..record import removal_line, to_record
from ..registry import Registry, default_registry
from ..stats import Stats
from ..writers import StagedFile, write_bytes_atomic
from .engines import Handle, count_bytes
from .shards import Shard, read_unit, shard_bytes_of, unit_bytes

#: The output streams of a final pass, in the order they are assembled.
STREAMS = ("documents", "dropped", "rejects", "removals")


@dataclass(frozen=True)
class PipelineSpec:
    """What a worker needs to build the pipeline: its steps and, if not the default, its
    registry. Filters are built in each worker, so they need not pickle."""

    steps: tuple[Step, ...]
    registry: Registry | None

    @classmethod
    def of(cls, pipeline: Pipeline) -> PipelineSpec:
        reg = None if pipeline.registry is default_registry() else pipeline.registry
        return cls(pipeline.steps, reg)

    def build(self) -> Pipeline:
        return Pipeline(self.steps, registry=self.registry)


@dataclass(frozen=True)
class PassSpec:
    """Pass ``number`` runs steps ``[start, end)``; ``collect`` is the corpus step whose state it
    collects (``None`` for the final pass)."""

    number: int
    start: int
    end: int
    collect: int | None

    @property
    def final(self) -> bool:
        return self.collect is None


@dataclass(frozen=True)
class ShardTask:
    shard: Shard
    spec: PassSpec
    work: str
    pipeline: Handle
    bound: tuple[tuple[int, Handle], ...]
    options: ReaderOptions
    fingerprint: str
    #: Seconds one document may take (:mod:`corpusclean.budget`), carried to every worker
    #: whatever its start method; ``None``: no limit.
    time_budget: float | None = None
    #: Where removed lines' text goes (:data:`corpusclean.record.REMOVED_MODES`).
    removed: str = "sidecar"


@dataclass(frozen=True)
class ShardDone:
    shard: int
    documents: int
    stats: dict[str, Any] | None


def spill_path(work: str | Path, number: int, shard: Shard) -> Path:
    return Path(work) / f"p{number}-{shard.name}.spill"


def state_path(work: str | Path, number: int, shard: Shard) -> Path:
    return Path(work) / f"p{number}-{shard.name}.state"


def marker_path(work: str | Path, number: int, shard: Shard) -> Path:
    return Path(work) / f"p{number}-{shard.name}.done"


def part_path(work: str | Path, stream: str, shard: Shard) -> Path:
    return Path(work) / f"{stream}-{shard.name}.part"


# -- per-process state: the pipeline and the corpus states bound to it ---------------------------

_PIPELINES: dict[str, tuple[Pipeline, dict[int, str]]] = {}

#: Called with ``(input, outcome)`` for every document of a final pass run in this process (the
#: serial engine sets it for ``clean_directory(on_item=...)``).
ITEM_HOOK: Callable[[Document | Reject, Result | Reject], None] | None = None


def worker_pipeline(pipeline: Handle, states: tuple[tuple[int, Handle], ...]) -> Pipeline:
    """This process's pipeline (built once per process), with the corpus ``states`` bound."""
    entry = _PIPELINES.get(pipeline.key)
    if entry is None:
        _PIPELINES.clear()
        value = pipeline.get()
        pipe = value if isinstance(value, Pipeline) else value.build()
        entry = _PIPELINES[pipeline.key] = (pipe, {})
    pipe, bound = entry
    for index, handle in states:
        if bound.get(index) != handle.key:
            pipe.bind(index, handle.get())
            bound[index] = handle.key
    return pipe


def _inputs(task: ShardTask, read: Counter[str]) -> Iterator[Document | Reject | Result]:
    """The items of a pass over a shard; the first pass counts each unit's bytes as it ends
    (later passes count the shard's when it ends: :func:`_run_task`), and in ``read`` what
    the readers pass over."""
    if task.spec.number == 0:
        for unit in task.shard.units:
            yield from read_unit(unit, task.options, read)
            count_bytes(unit_bytes(unit))
        return
    with spill_path(task.work, task.spec.number - 1, task.shard).open("rb") as f:
        while True:
            try:
                yield pickle.load(f)
            except EOFError:
                return


def outcomes(
    pipeline: Pipeline, items: Iterator[Document | Reject | Result], start: int, end: int
) -> Iterator[tuple[Document | Reject, Result | Reject]]:
    """Run steps ``[start, end)`` on each item, one segment at a time (as the local
    :func:`corpusclean.runner.process` does), yielding ``(input, outcome)``."""
    from ..runner import run_safely  # the runner imports the executors

    segments = [(max(a, start), min(b, end)) for a, b in pipeline.segments() if a < end and b > start]
    for item in items:
        if isinstance(item, Reject):
            yield item, item
            continue
        if isinstance(item, Result):
            first: Document | Reject = item.doc
            outcome: Result | Reject = item
        else:
            first = item
            outcome = Result(item, None, None, ())
        for a, b in segments:
            if isinstance(outcome, Reject) or not outcome.kept:
                break
            outcome = run_safely(pipeline, outcome.doc, start=a, end=b, prior=outcome)
        yield first, outcome


def run_task(task: ShardTask) -> ShardDone:
    """Run one pass over one shard and write its files (see the module docstring)."""
    with default_budget(task.time_budget):
        return _run_task(task)


def _run_task(task: ShardTask) -> ShardDone:
    pipeline = worker_pipeline(task.pipeline, task.bound)
    spec = task.spec
    read: Counter[str] = Counter()
    stream = outcomes(pipeline, _inputs(task, read), spec.start, spec.end)
    count = 0
    if not spec.final:
        assert spec.collect is not None
        step = pipeline.filters[spec.collect]
        state = step.empty()
        spill = StagedFile(spill_path(task.work, spec.number, task.shard))
        try:
            dump = pickle.Pickler(spill.file, protocol=pickle.HIGHEST_PROTOCOL)
            for _, outcome in stream:
                count += 1
                if isinstance(outcome, Result) and outcome.kept:
                    state = step.collect(state, outcome.doc)
                dump.dump(outcome)
                dump.clear_memo()
            write_bytes_atomic(state_path(task.work, spec.number, task.shard),
                              pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL))
            spill.commit()
        except BaseException:
            spill.discard()
            raise
        stats = None
    else:
        files = {name: StagedFile(part_path(task.work, name, task.shard)) for name in STREAMS}
        counter = Stats()
        hook = ITEM_HOOK
        try:
            docs_w, dropped_w, rejects_w, removals_w = (files[n].file.write for n in STREAMS)
            sidecar = task.removed == "sidecar"
            for item, outcome in stream:
                count += 1
                if isinstance(outcome, Reject):
                    counter.add_reject(outcome)
                    rejects_w(dumps_line(outcome.to_dict()))
                else:
                    counter.add_result(outcome)
                    line = dumps_line(to_record(outcome, task.fingerprint, removed=task.removed))
                    (docs_w if outcome.kept else dropped_w)(line)
                    if sidecar and (row := removal_line(outcome)) is not None:
                        removals_w(row)
                if hook is not None:
                    hook(item, outcome)
            for f in files.values():
                f.commit()
        except BaseException:
            for f in files.values():
                f.discard()
            raise
        stats = {"counts": dict(counter.counts), "seconds": dict(counter.seconds)}
    marker = {"shard": task.shard.index, "pass": spec.number, "documents": count, "stats": stats}
    if spec.number == 0:
        marker["read"] = dict(sorted(read.items()))  # summed by the driver, whatever the passes
    write_bytes_atomic(marker_path(task.work, spec.number, task.shard), json.dumps(marker).encode())
    if spec.number > 0:
        spill_path(task.work, spec.number - 1, task.shard).unlink(missing_ok=True)
        count_bytes(shard_bytes_of(task.shard))
    return ShardDone(task.shard.index, count, stats)
