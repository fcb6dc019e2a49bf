"""Run a pipeline over a directory: read, clean, write JSONL, rejects and stats.

The output directory holds:

- ``documents.jsonl``: one record per kept document (``docs/schema.md``);
- ``dropped.jsonl``: documents a step dropped, with the reason (nothing is lost);
- ``rejects.jsonl``: inputs that could not be read, with reason and location;
- ``stats.json``: counters per step and reason; ``pipeline.toml``: the effective configuration.

Every file is written atomically.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .budget import BudgetExceeded, default_seconds
from .budget import time_budget as _time_budget
from .document import Document
from .errors import InputError, OutputError
from .pipeline import Pipeline, Result
from .readers import ReaderOptions, Reject, read_file, walk
from .record import dumps, to_record
from .stats import Stats
from .writers import AtomicWriter, check_target, write_atomic

log = logging.getLogger(__name__)

OUTPUT_FILES = ("documents.jsonl", "dropped.jsonl", "rejects.jsonl", "stats.json", "pipeline.toml")


@dataclass
class RunSummary:
    """What a run did: its stats and where it wrote."""

    stats: Stats
    output: Path
    files: list[Path] = field(default_factory=list)


def iter_inputs(root: Path, options: ReaderOptions | None = None) -> Iterator[Document | Reject]:
    """Every document and reject under ``root``, in a deterministic order."""
    for item in walk(root, options):
        if isinstance(item, Reject):
            yield item
        else:
            path, rel = item
            yield from read_file(path, rel, options)


def run_safely(pipeline: Pipeline, doc: Document, *, time_budget: float | None = None, **span: Any) -> Result | Reject:
    """Run ``pipeline`` on ``doc``; a failure inside a filter becomes a reject, not a crash.

    A document that takes longer than ``time_budget`` seconds becomes a ``pipeline.timeout``
    reject (:mod:`corpusclean.budget`; ``None``: the default set with ``default_budget``, 10 s
    unless changed; ``0``: no limit). ``span`` is passed on to :meth:`Pipeline.run`.
    """
    line = doc.meta.get("line")
    line = line if isinstance(line, int) else None
    try:
        with _time_budget(default_seconds() if time_budget is None else time_budget):
            return pipeline.run(doc, **span)
    except BudgetExceeded as exc:
        return Reject(doc.source or doc.id, "pipeline.timeout", f"the pipeline {exc}", line=line)
    except RecursionError:
        return Reject(doc.source or doc.id, "pipeline.error", "recursion too deep in a filter", line=line)
    except Exception as exc:  # noqa: BLE001 - one bad document must not stop the run
        log.exception("filter failed on %s", doc.id)
        return Reject(doc.source or doc.id, "pipeline.error", f"{type(exc).__name__}: {exc}", line=line)


def process(
    items: Iterable[Document | Reject], pipeline: Pipeline
) -> Iterator[tuple[Document | Reject, Result | Reject]]:
    """Run ``pipeline`` over ``items`` in order, yielding each item with its outcome.

    Without corpus steps this streams one document at a time. With corpus steps every document
    is held until each corpus step has collected its state over the whole input.
    """
    if not pipeline.corpus_indexes():
        for item in items:
            yield item, item if isinstance(item, Reject) else run_safely(pipeline, item)
        return
    held = list(items)
    outcomes: list[Result | Reject] = [
        item if isinstance(item, Reject) else Result(item, None, None, ()) for item in held
    ]
    for start, end in pipeline.segments():
        if pipeline.infos[start].corpus:
            step = pipeline.filters[start]
            state = step.empty()
            for o in outcomes:
                if isinstance(o, Result) and o.kept:
                    state = step.collect(state, o.doc)
            pipeline.bind(start, step.merge([state]))
        outcomes = [
            o if isinstance(o, Reject) else run_safely(pipeline, o.doc, start=start, end=end, prior=o)
            for o in outcomes
        ]
    yield from zip(held, outcomes)


def check_output_dir(input_path: Path, output: Path, *, overwrite: bool) -> None:
    """Refuse an output inside the input, over an earlier output without ``overwrite``, or
    through a symbolic link at any output file's name (links are never written through)."""
    inp = input_path.resolve()
    out = output.resolve()
    if inp.is_dir() and (out == inp or inp in out.parents):
        msg = (f"the output directory {output} is inside the input {input_path}, so its files "
               "would be read as input; choose an output directory outside the input")
        raise OutputError(msg)
    if out.exists() and not out.is_dir():
        msg = f"{output} exists and is not a directory; choose a directory for the output"
        raise OutputError(msg)
    if not out.is_dir():
        return
    for name in OUTPUT_FILES:
        check_target(out / name)
    existing = [n for n in OUTPUT_FILES if os.path.lexists(out / n)]
    if existing and not overwrite:
        msg = (f"{output} already holds corpusclean output ({', '.join(existing)}); "
               "pass --overwrite to replace it, or choose another output directory")
        raise OutputError(msg)


def clean_directory(
    input_path: str | Path,
    output: str | Path,
    pipeline: Pipeline | None = None,
    *,
    reader_options: ReaderOptions | None = None,
    overwrite: bool = False,
    on_item: Callable[[Document | Reject, Result | Reject], None] | None = None,
) -> RunSummary:
    """Clean every supported file under ``input_path`` into ``output``."""
    input_path = Path(input_path)
    output = Path(output)
    if not input_path.exists():
        msg = f"{input_path} does not exist; give an existing directory or file to clean"
        raise InputError(msg)
    check_output_dir(input_path, output, overwrite=overwrite)
    pipeline = pipeline or Pipeline.default()
    fingerprint = pipeline.fingerprint()
    stats = Stats()
    try:
        output.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        msg = f"cannot create {output}: {exc.strerror}"
        raise OutputError(msg) from None
    with (
        AtomicWriter(output / "documents.jsonl") as docs_out,
        AtomicWriter(output / "dropped.jsonl") as dropped_out,
        AtomicWriter(output / "rejects.jsonl") as rejects_out,
    ):
        for item, outcome in process(iter_inputs(input_path, reader_options), pipeline):
            if isinstance(outcome, Reject):
                stats.add_reject(outcome)
                rejects_out.write(dumps(outcome.to_dict()))
            else:
                stats.add_result(outcome)
                target = docs_out if outcome.kept else dropped_out
                target.write(dumps(to_record(outcome, fingerprint)))
            if on_item is not None:
                on_item(item, outcome)
    write_atomic(output / "stats.json", stats.to_json())
    write_atomic(output / "pipeline.toml", pipeline.to_toml())
    return RunSummary(stats, output, [output / n for n in OUTPUT_FILES])


def clean_text(text: str, pipeline: Pipeline | None = None, *, id: str = "") -> Result:
    """Clean one text with ``pipeline`` (default pipeline if none)."""
    pipeline = pipeline or Pipeline.default()
    return pipeline.run(Document.from_text(text, id=id))


def output_is_writable(path: Path) -> bool:
    """Whether ``path`` (or its nearest existing parent) is writable."""
    p = path
    while not p.exists() and p != p.parent:
        p = p.parent
    return os.access(p, os.W_OK)
